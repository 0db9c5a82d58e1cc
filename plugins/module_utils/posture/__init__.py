# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stockade's posture engine: reads a host under a root path, never writes,
and judges every layer of container confinement. Standard library only."""

__version__ = "0.2.0"
