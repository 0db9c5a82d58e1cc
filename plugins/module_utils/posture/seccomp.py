# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which ABIs a seccomp profile lets a container use.

runc and crun build the filter from either `archMap` (the native entry expands
to itself plus its subArchitectures) or `architectures` (a flat list); a
syscall from an ABI that is not in the filter is killed with SIGSYS. So the
32-bit ABIs are refused exactly when the compat arches are absent from the
expanded list. The engines' built-in defaults allow them.
"""

from __future__ import annotations

from .hostfs import ConfigError
from .seccomp_arches import compat_arches, native_arch

ALLOW_ALL = "SCMP_ACT_ALLOW"


class ProfileFacts:
    """What the audit needs to know about one profile."""

    def __init__(self, origin, default_action, allowed_arches, compat_allowed, rules):
        self.origin = origin
        self.default_action = default_action
        self.allowed_arches = allowed_arches
        self.compat_allowed = compat_allowed
        self.rules = rules

    @property
    def allows_everything(self):
        return self.default_action == ALLOW_ALL

    def abi_evidence(self):
        if self.compat_allowed:
            return "%s allows the compat ABIs %s" % (self.origin, ", ".join(self.compat_allowed))
        return "%s allows only %s" % (self.origin, ", ".join(sorted(self.allowed_arches)) or "the native ABI")


def builtin_profile(origin, machine):
    """The engines' compiled-in defaults: deny-list based, with every compat ABI."""
    native = native_arch(machine)
    compat = list(compat_arches(machine))
    return ProfileFacts(origin, "SCMP_ACT_ERRNO", set([native] + compat) if native else set(),
                        compat, None)


def analyse(data, path, machine):
    """Check that `data` is a seccomp profile and find the ABIs it allows."""
    if not isinstance(data, dict):
        raise ConfigError(path, "not a seccomp profile: expected a JSON object, found %s"
                          % type(data).__name__)
    action = data.get("defaultAction")
    if not isinstance(action, str) or not action.startswith("SCMP_ACT_"):
        raise ConfigError(path, "not a seccomp profile: defaultAction missing or not an SCMP_ACT_* value")
    if "archMap" in data and "architectures" in data:
        raise ConfigError(path, "sets both archMap and architectures; the engine rejects such a profile")
    rules = data.get("syscalls", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ConfigError(path, "not a seccomp profile: syscalls must be a list of objects")
    native = native_arch(machine)
    allowed = _expanded_arches(data, path, native)
    compat = [arch for arch in compat_arches(machine) if arch in allowed]
    return ProfileFacts(path, action, allowed, compat, len(rules))


def _expanded_arches(data, path, native):
    if "architectures" in data:
        arches = data["architectures"]
        if not isinstance(arches, list) or not all(isinstance(a, str) for a in arches):
            raise ConfigError(path, "architectures must be a list of SCMP_ARCH_* names")
        return set(arches)
    arch_map = data.get("archMap")
    if arch_map is None:
        return {native} if native else set()
    if not isinstance(arch_map, list):
        raise ConfigError(path, "archMap must be a list")
    for entry in arch_map:
        if not isinstance(entry, dict) or not isinstance(entry.get("architecture"), str):
            raise ConfigError(path, "archMap entries need an 'architecture' name")
        subs = entry.get("subArchitectures") or []
        if not isinstance(subs, list):
            raise ConfigError(path, "subArchitectures of %s must be a list" % entry["architecture"])
        if entry["architecture"] == native:
            return {native} | set(subs)
    # No entry for this machine: the runtime loads the native ABI only.
    return {native} if native else set()


def load_profile(host, path, machine):
    """Read and analyse the profile file an engine points at."""
    data = host.read_json(path)
    if data is None:
        raise ConfigError(path, "seccomp profile file does not exist; the engine will fail to start containers")
    return analyse(data, path, machine)
