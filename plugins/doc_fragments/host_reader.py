# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only modules' attributes (READS_ONLY) and, for those that read a host tree
under a root, their root option too (DOCUMENTATION): the *_info modules. Doc fragments
are literal text (ansible-test reads them without running them)."""

from __future__ import annotations


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  root:
    description: The root of the host tree to read (a test tree or an image); C(/) is the host.
    type: path
    default: /
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only.
"""

    READS_ONLY = r"""
attributes:
  check_mode:
    support: full
    description: Reads only.
  diff_mode:
    support: none
    description: Reads only.
"""
