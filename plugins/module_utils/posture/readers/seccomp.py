# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Seccomp profiles as the engines read them and the runtimes apply them: the
one reader of the format, for the audit and for the seccomp_profile writer.

Mirrors, in three steps (each seen on this machine, see below):
1. Decoding: Go's encoding/json into the Seccomp struct of moby's
   profiles/seccomp (Docker 20.10.24, Debian 12) and containers-common's
   pkg/seccomp (Podman 4.3, containers-common 0.50.1); go_json.py says how
   (case-insensitive field names, the last of duplicate keys wins, null,
   no NaN). Docker 20.10's struct has no defaultErrnoRet (any value is
   ignored); containers-common decodes it as an unsigned integer.
2. The engines' setupSeccomp: no defaultAction and no syscalls means no
   seccomp at all (Seccomp: 0); `architectures` and `archMap` both non-empty,
   or a rule with both `name` and `names`, is refused; from archMap only the
   first entry for the native arch counts, giving it and its subArchitectures,
   and with no such entry only the native ABI is in the filter.
3. The runtimes (runc 1.1.5 and crun 1.8.1 with libseccomp 2.5.4): an action
   or arch name outside their tables is refused, and so is SCMP_ACT_NOTIFY as
   the default action; unknown syscall names are skipped; a syscall of an ABI
   not in the filter is killed by SIGSYS whatever the default action is.
   crun refuses a defaultErrnoRet next to a default action other than ERRNO,
   and crun 1.8.1 takes SCMP_ACT_NOTIFY as default without a listener (the
   audit says error, as runc and Docker refuse it); runc 1.1.5's init hangs
   under KILL or KILL_THREAD and dies under TRAP, but such a filter still lets
   nothing through.

What "deny by default" means here: the default action decides what happens
to every syscall the profile does not list. ERRNO, KILL, KILL_THREAD,
KILL_PROCESS and TRAP never run it. ALLOW and LOG run it. TRACE hands it to
a ptrace tracer, and a process in the container may trace its own children
and let every such syscall run, so it is no confinement either.

Tested by tests/engines/test_seccomp_consumers.py: each odd profile through
Docker 20.10 (runc), Podman 4.3 with runc and with crun on this machine, the
container's Seccomp mode and whether an unlisted and a 32-bit syscall run,
recorded next to the profile; and the unit tests of this reader.
"""

from __future__ import annotations

import json

from . import go_json
from .go_json import STRING, UINT, UINT64, ListOf, PointerTo, Struct
from .hostfs import ConfigError
from .seccomp_arches import compat_arches, native_arch

ALLOW_ALL = "SCMP_ACT_ALLOW"
# default action -> why it is, or is not, a deny-by-default confinement
DENYING_ACTIONS = {
    "SCMP_ACT_ERRNO": "an unlisted syscall fails with an errno",
    "SCMP_ACT_KILL": "an unlisted syscall kills the thread (runc 1.1.5's own init hangs on it)",
    "SCMP_ACT_KILL_THREAD": "an unlisted syscall kills the thread (runc 1.1.5's own init hangs on it)",
    "SCMP_ACT_KILL_PROCESS": "an unlisted syscall kills the process",
    "SCMP_ACT_TRAP": "an unlisted syscall raises SIGSYS instead of running (runc 1.1.5's own init dies of it)",
}
PERMISSIVE_ACTIONS = {
    "SCMP_ACT_ALLOW": "every unlisted syscall runs",
    "SCMP_ACT_LOG": "every unlisted syscall runs (it is only logged)",
    "SCMP_ACT_TRACE": "every unlisted syscall goes to a ptrace tracer, and a process in the container can trace "
                      "its own children and let them run",
}
RULE_ACTIONS = set(DENYING_ACTIONS) | set(PERMISSIVE_ACTIONS) | {"SCMP_ACT_NOTIFY"}
# runc 1.1.5 libcontainer/seccomp: the arch names it converts (others are refused)
KNOWN_ARCHES = frozenset((
    "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X"))
KNOWN_OPERATORS = frozenset(("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
                             "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"))

# Seccomp structs (json names): containers-common 0.50.1's pkg/seccomp (Podman 4.3), the fields runc's
# spec carries; Docker 20.10.24's lacks defaultErrnoRet and defaultErrno (it ignores them, seen here).
_FILTER = Struct({"caps": ListOf(STRING), "arches": ListOf(STRING), "minKernel": STRING})
_ARG = Struct({"index": UINT, "value": UINT64, "valueTwo": UINT64, "op": STRING})
_SYSCALL = Struct({"name": STRING, "names": ListOf(STRING), "action": STRING, "args": ListOf(PointerTo(_ARG)),
                   "comment": STRING, "includes": _FILTER, "excludes": _FILTER, "errnoRet": PointerTo(UINT),
                   "errno": STRING})
_COMMON_FIELDS = {
    "defaultAction": STRING, "architectures": ListOf(STRING),
    "archMap": ListOf(Struct({"architecture": STRING, "subArchitectures": ListOf(STRING)})),
    "syscalls": ListOf(PointerTo(_SYSCALL)), "flags": ListOf(STRING), "listenerPath": STRING,
    "listenerMetadata": STRING,
}
CONTAINERS_COMMON = Struct(dict(_COMMON_FIELDS, defaultErrnoRet=PointerTo(UINT), defaultErrno=STRING))
DOCKER_20_10 = Struct(_COMMON_FIELDS)
# moby 23+ (Docker 26.1 on Debian 13; source, not run here) decodes defaultErrnoRet as *uint
DOCKER_23 = Struct(dict(_COMMON_FIELDS, defaultErrnoRet=PointerTo(UINT)))
STRUCTS = {"docker": DOCKER_20_10, "docker-20.10": DOCKER_20_10, "docker-26.1": DOCKER_23,
           "podman": CONTAINERS_COMMON, "crio": CONTAINERS_COMMON}


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
        return self.default_action not in DENYING_ACTIONS

    def default_action_meaning(self):
        return DENYING_ACTIONS.get(self.default_action) or PERMISSIVE_ACTIONS.get(self.default_action, "")

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


class Profile:
    """A profile as the engine decoded it: `fields` (the struct's fields the document set) and
    `inexact`: what a rewrite would change (key spellings other than the json names, duplicate keys)."""

    def __init__(self, fields, inexact):
        self.fields = fields
        self.inexact = inexact


def decode_text(text, path, engine="podman"):
    """Profile for the text of a profile file as `engine` decodes it; ConfigError naming `path` when it
    refuses the file."""
    struct = STRUCTS[engine]
    try:
        document = go_json.parse(text)
        fields = go_json.decode(document, struct)
    except go_json.GoJsonError as exc:
        raise ConfigError(path, "the engine cannot decode this seccomp profile: %s" % exc)
    return Profile(fields, _inexact(document, CONTAINERS_COMMON, ""))


def _inexact(value, shape, where):
    """Spellings a json.dumps of the decoded data would not reproduce."""
    found = []
    if isinstance(shape, Struct) and isinstance(value, list):
        keys = [key for key, dummy in value]
        for key, item in value:
            if key not in shape.fields:
                canonical = next((f for f in shape.fields if go_json.fold(f) == go_json.fold(key)), None)
                if canonical:
                    found.append("%s%s spelled %r" % (where, canonical, key))
                continue
            if keys.count(key) > 1 and "%s%s given twice" % (where, key) not in found:
                found.append("%s%s given twice" % (where, key))
            found += _inexact(item, shape.fields[key], "%s%s." % (where, key))
    elif isinstance(shape, ListOf) and isinstance(value, list):
        for index, item in enumerate(value):
            found += _inexact(item, shape.item, "%s[%d]." % (where.rstrip("."), index))
    elif isinstance(shape, PointerTo):
        found += _inexact(value, shape.item, where)
    return found


def analyse(data, path, machine, engine="podman"):
    """Facts of a profile given as text (the file's content) or as the data json.loads made of it;
    None when the engine runs containers without seccomp. ConfigError when it refuses the profile."""
    profile = decode_text(data if isinstance(data, str) else json.dumps(data), path, engine)
    return facts_of(profile, path, machine)


def facts_of(profile, path, machine):
    """ProfileFacts (None: seccomp off) for a decoded Profile, or ConfigError as the engine or runtime refuses."""
    fields = profile.fields
    action = fields.get("defaultAction", "")
    rules = list(fields.get("syscalls") or [])
    if not action and not rules:
        return None
    refusal = _refusal(fields, rules)
    if refusal:
        raise ConfigError(path, refusal)
    native = native_arch(machine)
    allowed = _expanded_arches(fields, native)
    compat = [arch for arch in compat_arches(machine) if arch in allowed]
    return ProfileFacts(path, action, allowed, compat, len(rules))


def _refusal(fields, rules):
    action = fields.get("defaultAction", "")
    if fields.get("architectures") and fields.get("archMap"):
        return "sets both archMap and architectures; Docker and Podman refuse such a profile"
    if action == "SCMP_ACT_NOTIFY":
        return "defaultAction SCMP_ACT_NOTIFY: runc refuses it as the default action"
    if action not in RULE_ACTIONS:
        return "defaultAction %r is not an action runc or crun knows: no container starts" % action
    for index, rule in enumerate(rules):
        if rule is None:
            return "syscalls[%d] is null: the engines dereference it and fail" % index
        if rule.get("name") and rule.get("names"):
            return "syscalls[%d] has both name and names; Docker and Podman refuse it" % index
        if rule.get("action", "") not in RULE_ACTIONS:
            return "syscalls[%d]: action %r is not one runc or crun knows" % (index, rule.get("action", ""))
        for arg in rule.get("args") or []:
            if arg is not None and arg.get("op", "") not in KNOWN_OPERATORS:
                return "syscalls[%d]: operator %r is not one runc knows" % (index, arg.get("op", ""))
    arches = list(fields.get("architectures") or [])
    for entry in fields.get("archMap") or []:
        arches += [entry.get("architecture", "")] + list(entry.get("subArchitectures") or [])
    unknown = sorted(set(a for a in arches if a not in KNOWN_ARCHES))
    if unknown:
        return "architecture %s is not one runc knows: no container starts" % ", ".join(repr(a) for a in unknown)
    return None


def _expanded_arches(fields, native):
    native_only = {native} if native else set()
    if fields.get("architectures"):
        return native_only | set(fields["architectures"])
    for entry in fields.get("archMap") or []:
        if entry.get("architecture") == native:
            return native_only | set(entry.get("subArchitectures") or [])
    # No entry for this machine: the filter holds the native ABI only.
    return native_only


def exact_profile(text, path, machine):
    """The profile (json.loads of `text`) for a writer that will derive from it and serialise it again.
    ConfigError when the engines refuse it, when it turns seccomp off, or when a re-serialisation would
    change what the engines read (a field spelled other than its json name, a key given twice)."""
    profile = decode_text(text, path)
    if profile.inexact:
        raise ConfigError(path, "cannot be rewritten exactly: %s" % "; ".join(profile.inexact))
    if facts_of(profile, path, machine) is None:
        raise ConfigError(path, "has no defaultAction and no syscalls: the engines would run containers "
                                "without seccomp")
    return json.loads(text)


def load_profile(host, path, machine, engine="podman"):
    """Read and analyse the profile file an engine points at (None: the engine applies no seccomp)."""
    text = host.read_text(path)
    if text is None:
        raise ConfigError(path, "seccomp profile file does not exist; the engine will fail to start containers")
    return facts_of(decode_text(text, path, engine), path, machine)
