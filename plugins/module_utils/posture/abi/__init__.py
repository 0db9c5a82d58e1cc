# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The 32-bit ABIs: tiny programs that make one system call through one ABI, and the
host kernel's own answer to them (no container, no seccomp)."""
