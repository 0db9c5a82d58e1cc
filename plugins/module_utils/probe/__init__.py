# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probes that prove, from inside a real container, that a hardening layer
is in force: tiny syscall executables, the seccomp profile transform they
test, and the shell script that reports what a container can see."""
