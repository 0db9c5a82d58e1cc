# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seccomp_profile module's work: derive a hardened seccomp profile from
an engine's own default one and write it.

Why derive rather than ship a profile: the engine's default allow-list is
tuned to its version; we change only what the hardening is about, the
compat (32-bit) ABIs, plus an optional list of syscalls to refuse. A
filter without a compat ABI kills any syscall made through it (libseccomp's
bad-arch action, which runc and crun leave at KILL).

Both the base profile and the file being replaced are read as the audit
reads a profile: through hostfs (stat first, no FIFO or device, at most
8 MiB) and posture/readers/seccomp.py (the engines' Go decoding). A file the
audit calls `error` is refused with its words and left untouched. The diff
shows what the profile changes for containers (architectures in the filter,
each syscall's action), not the JSON: a first run's diff is the few lines
it removes, not the whole profile.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError, atomic_write, check_replaceable, clean_up_killed_writers, make_backup,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import seccomp
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot, lone_surrogate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.seccomp import exact_profile
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.seccomp_arches import (
    compat_arches, native_arch,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_write_access

ARGUMENT_SPEC = dict(
    path=dict(type="path", default="/etc/stockade/seccomp/no-compat.json"),
    base=dict(type="path"),
    baseline=dict(type="dict"),
    deny_syscalls=dict(type="list", elements="str", default=[]),
    backup=dict(type="bool", default=True),
)
CONTAINERS_COMMON_PROFILE = "/usr/share/containers/seccomp.json"
BASELINE = "baseline"
HOST_ROOT = "/"   # tests point it at a tree

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


class ProfileError(Exception):
    """The base or the current file cannot be used; the message names it and says why."""


def load_base(host, base, baseline, machine):
    """(profile, origin) to derive from: `base` read as the audit reads a profile, else
    containers-common's profile, else the `baseline` data."""
    if base is None:
        if host.exists(CONTAINERS_COMMON_PROFILE):
            base = CONTAINERS_COMMON_PROFILE
        elif baseline is not None:
            return baseline, BASELINE
        else:
            raise ProfileError("no base profile: %s does not exist and no baseline was given; set base or baseline"
                               % CONTAINERS_COMMON_PROFILE)
    try:
        text = host.read_text(base)
        if text is None:
            raise ProfileError("base %s does not exist" % base)
        profile = exact_profile(text, base, machine)
    except ConfigError as exc:
        raise ProfileError("base %s" % exc)
    _refuse_lone_surrogate(base, profile, "base ")
    return profile, base


def _refuse_lone_surrogate(path, data, prefix=""):
    odd = lone_surrogate(data)
    if odd is not None:
        raise ProfileError("%s%s: holds a lone UTF-16 surrogate escape in %s, which the engines read as U+FFFD: "
                           "it cannot be derived from or rewritten exactly; it was left untouched"
                           % (prefix, path, json.dumps(odd)))


def current_profile(host, path, machine):
    """The existing file as the engines decode it (seccomp.Profile), or None when it does not exist.
    ProfileError, with the audit's words, when the audit would call it `error`: the file is then left
    as it is, never replaced by a writer that could not read it."""
    try:
        text = host.read_text(path)
        if text is None:
            return None
        profile = seccomp.decode_text(text, path)
        seccomp.facts_of(profile, path, machine)
    except ConfigError as exc:
        raise ProfileError("%s; it was left untouched: fix or remove it, then run again" % exc)
    _refuse_lone_surrogate(path, json.loads(text))
    return profile


def render(profile):
    return json.dumps(profile, indent=2) + "\n"


def summary(profile, path, machine):
    """What a decoded profile means for containers, one fact a line (the diff's text): its default action,
    the architectures in the filter on this machine, each syscall's action, and a digest of the rest."""
    fields = profile.fields
    facts = seccomp.facts_of(profile, path, machine)
    lines = ["default action: %s" % fields.get("defaultAction", "")]
    native = native_arch(machine)
    for arch in sorted(facts.allowed_arches if facts else ()):
        lines.append("architecture %s: in the filter%s" % (arch, " (native)" if arch == native else ""))
    rules = set()
    for rule in fields.get("syscalls") or []:
        names = list(rule.get("names") or []) + ([rule["name"]] if rule.get("name") else [])
        action = rule.get("action", "")
        if rule.get("errnoRet") is not None:
            action += " (errno %d)" % rule["errnoRet"]
        for name in names:
            rules.add("syscall %s: %s%s" % (name, action, _conditions(rule)))
    lines += sorted(rules)
    return "".join(line + "\n" for line in lines)


def digest_line(profile):
    """A last line for two summaries that read the same although the profiles differ (in fields the summary
    leaves out, such as a rule's comment), so that the diff still shows a change."""
    digest = hashlib.sha256(json.dumps(profile.fields, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return "whole profile (sha256 of its decoded fields): %s\n" % digest


def _conditions(rule):
    parts = []
    if rule.get("args"):
        parts.append("on %d argument condition(s)" % len(rule["args"]))
    for key, word in (("includes", "only"), ("excludes", "except")):
        for field, values in sorted((rule.get(key) or {}).items()):
            if values:
                parts.append("%s %s %s" % (word, field, ",".join(map(str, values)) if isinstance(values, list)
                                           else values))
    return " (%s)" % "; ".join(parts) if parts else ""


def plan(host, params, machine):
    """(result, text to write or None) for the module's parameters; ProfileError when it must stop."""
    path = params["path"]
    base, origin = load_base(host, params["base"], params["baseline"], machine)
    try:
        hardened = harden_profile(base, machine, params["deny_syscalls"])
        removed = seccomp.analyse(base, origin, machine).compat_allowed
    except (ValueError, ConfigError) as exc:
        raise ProfileError("base %s: %s" % (origin, getattr(exc, "cause", exc)))
    current = current_profile(host, path, machine)
    after_text = render(hardened)
    after = seccomp.decode_text(after_text, path)
    changed = current is None or current.fields != after.fields
    result = dict(changed=changed, path=path, base=origin, machine=machine, compat_abis_removed=removed)
    shown = current if current is not None else seccomp.decode_text(json.dumps(base), origin)
    before, after_summary = summary(shown, path, machine), summary(after, path, machine)
    if changed and before == after_summary:
        before, after_summary = before + digest_line(shown), after_summary + digest_line(after)
    before_header = ("%s (what it means for containers)" % path if current is not None else
                     "%s (absent; shown: the base profile %s it is derived from)" % (path, origin))
    result["diff"] = dict(before=before, after=after_summary if changed else before,
                          before_header=before_header, after_header="%s (what it means for containers)" % path)
    return result, after_text if changed else None


def run_module(module):
    """Everything seccomp_profile does, on an AnsibleModule."""
    params = module.params
    host = HostRoot(HOST_ROOT)
    path = params["path"]
    require_write_access(module, "seccomp_profile", [os.path.join(HOST_ROOT, path.lstrip("/"))])
    machine = platform.machine()
    try:
        local = host.resolve(path)
        result, text = plan(host, params, machine)
    except ConfigError as exc:
        module.fail_json(msg="%s; it was left untouched" % exc, path=path)
    except ProfileError as exc:
        module.fail_json(msg=str(exc), path=path)
    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    clean_up_killed_writers(module, [local], **result)
    if module.check_mode or text is None:
        module.exit_json(**result)
    try:
        directory = os.path.dirname(local)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        check_replaceable([local])
        if os.path.lexists(local) and params["backup"]:
            result["backup_file"] = make_backup(local)
        atomic_write(local, text.encode("utf-8"))
    except (WriteError, OSError) as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)
