# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each container engine's effective configuration (assembled from the readers), its
version, and the answers of the running engine (API socket, one CLI call at most)."""
