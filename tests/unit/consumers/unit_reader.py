# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What posture.systemd_units makes of a unit case, in systemd's terms
(load state, [argv of each ExecStart= before variable expansion]); shared by
the unit test and the engine test that asks the real systemd."""

from hosttree import write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.systemd_units import (
    UnitNotRunnable, load_service, unit_files,
)


def verdict(root, unit):
    host = HostRoot(root)
    try:
        settings = load_service(host, unit)
    except UnitNotRunnable as exc:
        return exc.state, []
    if settings is None:
        return "not-found", []
    return "loaded", [command.argv for command, dummy in settings.exec_start]


def dropins(root, unit):
    return unit_files(HostRoot(root), unit).dropins


def write_case(root, case):
    return write_tree(root, case.files)
