# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Derive a hardened seccomp profile from an engine's own default one.

Why derive rather than ship a profile: the engine's default allow-list is
tuned to its version; we change only what the hardening is about, the
compat (32-bit) ABIs, plus an optional list of syscalls to refuse. A
filter without a compat ABI kills any syscall made through it (libseccomp's
bad-arch action, which runc and crun leave at KILL).
"""

from __future__ import annotations

import copy
import json

from .posture.readers.hostfs import ConfigError
from .posture.readers.seccomp import exact_profile
from .posture.readers.seccomp_arches import compat_arches, native_arch

# errno returned for the syscalls the caller asks to deny (EPERM), the value
# Docker's and containers-common's profiles use for their own explicit denials.
DENY_ERRNO = 1


def _check_profile(profile, machine):
    """Refuse what Docker/Podman would refuse or silently misread (the posture engine's one reader)."""
    if not isinstance(profile, dict):
        raise ValueError("not a seccomp profile: expected a JSON object, found %s" % type(profile).__name__)
    try:
        exact_profile(json.dumps(profile), "the base profile", machine)
    except ConfigError as exc:
        raise ValueError(exc.cause)


def _native(machine):
    """Native libseccomp arch of `machine`, refusing machines we cannot judge."""
    native = native_arch(machine)
    if native is None:
        raise ValueError("unknown machine %r: no native/compat seccomp arch table entry" % (machine,))
    return native


def _rule_names(rule):
    """Syscall names of a rule; profiles may use 'names' or the older 'name'."""
    if "names" in rule:
        return list(rule["names"])
    return [rule["name"]] if "name" in rule else []


def _without_syscalls(rules, denied):
    """Drop the denied names from every rule (and rules left with none), so
    the explicit deny rule added afterwards is the only rule for them."""
    kept = []
    for rule in rules:
        names = _rule_names(rule)
        remaining = [name for name in names if name not in denied]
        if names and not remaining:
            continue
        if remaining != names:
            rule = dict(rule, names=remaining)
            rule.pop("name", None)
        kept.append(rule)
    return kept


def harden_profile(profile, machine, deny_syscalls=()):
    """Return a copy of `profile` that refuses the compat ABIs of `machine`
    (a `uname -m` value) and, if given, the syscalls in `deny_syscalls`.

    archMap form: the native entry keeps only non-compat subArchitectures and
    entries for a compat arch are dropped. architectures form: compat arches
    are removed. A profile with neither key already allows only the native
    ABI. The input is never modified.
    """
    _check_profile(profile, machine)
    native = _native(machine)
    if isinstance(deny_syscalls, str) or not all(isinstance(name, str) and name for name in deny_syscalls):
        raise ValueError("deny_syscalls must be a list of non-empty syscall names")
    compat = set(compat_arches(machine))
    hardened = copy.deepcopy(profile)

    if "archMap" in hardened:
        arch_map = []
        for entry in hardened["archMap"]:
            if entry.get("architecture") in compat:
                continue
            if entry.get("architecture") == native:
                entry["subArchitectures"] = [a for a in entry.get("subArchitectures") or [] if a not in compat]
            arch_map.append(entry)
        hardened["archMap"] = arch_map
    elif "architectures" in hardened:
        hardened["architectures"] = [a for a in hardened["architectures"] if a not in compat]

    denied = sorted(set(deny_syscalls))
    if denied:
        rules = _without_syscalls(hardened.get("syscalls", []), set(denied))
        rules.append({"names": denied, "action": "SCMP_ACT_ERRNO", "errnoRet": DENY_ERRNO})
        hardened["syscalls"] = rules
    return hardened
