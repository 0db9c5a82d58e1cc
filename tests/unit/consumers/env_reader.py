# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What posture.systemd_units says a systemd_env_cases case executes, in the
terms of the lab test: ("ran", argv after argv[0]), ("start-fails", None),
or ("error", None) when the audit cannot tell (shared by the unit test and
tests/lab/stock/test_systemd_environment.py)."""

import os

from hosttree import DIRECTORY, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.systemd_units import (
    UnitNotRunnable, service_command,
)

# Where the reader finds the host's systemd version (libsystemd-shared-N.so).
SYSTEMD_LIBDIR = "usr/lib/x86_64-linux-gnu/systemd"
# Debian 12 and 13 keep /usr/sbin apart from /usr/bin (systemd 257's PATH depends on it).
DEBIAN_BIN_DIRS = {"usr/sbin": DIRECTORY, "usr/bin": DIRECTORY, "usr/local/sbin": DIRECTORY,
                   "usr/local/bin": DIRECTORY}


def write_case(root, case, version):
    return write_tree(root, DEBIAN_BIN_DIRS, case.tree(),
                      {os.path.join(SYSTEMD_LIBDIR, "libsystemd-shared-%d.so" % version): b""})


def reader_verdict(root, case):
    try:
        command = service_command(HostRoot(root), case.unit)
    except UnitNotRunnable as exc:
        return exc.state, None
    except ConfigError:
        return "error", None
    if command is None:
        return "not-found", None
    return "ran", command.argv[1:]
