# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The format readers: one module per input format, each reading its input exactly as
its real consumer does (the consumer and versions are named in each module's docstring)."""
