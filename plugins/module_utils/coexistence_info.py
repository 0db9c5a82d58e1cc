# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the coexistence_info module reports: the settings of the hardening
roles people already run beside Stockade that would fight its own, read
before anything is written (docs/COEXISTENCE.md).

Sysctls: which file systemd-sysctl applies last for each key the kernel role
sets, once the role's file is written and its old file removed, decided by
the audit's one sysctl reader (posture.readers.sysctl, `planned`), so that
the role never converges to a host its own verify fails. A key another file
overrides is `blocking` when the value that wins fails the audit's control
(or the key has no control: the user asked for that value), and only noted
when the audit accepts it (dev-sec's kernel.yama.ptrace_scope = 2 is
stricter than ours).

Other managers, found by what they leave on the host:
- dev-sec's os_hardening (devsec.hardening): /etc/sysctl.d/90-dev-sec.conf
  (10.4.0 and later), or, before 10.4.0, its sysctl_config appended to
  /etc/sysctl.conf (recognised by its net.ipv4.icmp_ratemask = 88089);
- linux-system-roles' selinux role: its fingerprint records in
  /var/log/sysroles.jsonl (written when the role's __selinux_write_log_file
  is true). Its inventory variables are the better witness: the playbook's
  pre-flight reads those.
Read-only; standard library only (plus AnsibleModule).
"""

from __future__ import annotations

import json

from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.kernel import SYSCTLS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.userns import max_user_namespaces_ok
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import sysctl
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

ARGUMENT_SPEC = {
    "sysctl_file": {"type": "path", "required": True},
    "sysctls": {"type": "dict", "default": {}},
    "sysctl_files_replaced": {"type": "list", "elements": "path", "default": []},
    "root": {"type": "path", "default": "/"},
}

DEVSEC_SYSCTL_FILE = "/etc/sysctl.d/90-dev-sec.conf"
# dev-sec's sysctl_config (roles/os_hardening/defaults/main.yml) sets this value; nothing else does.
DEVSEC_SYSCTL_MARK = ("net.ipv4.icmp_ratemask", "88089")
SYSROLES_LOG = "/var/log/sysroles.jsonl"

# The audit's judgement of each key the kernel role may set (controls/kernel.py; host-max-user-namespaces).
AUDITED = dict({s.name: (s.id, s.ok) for s in SYSCTLS},
               **{"user.max_user_namespaces": ("host-max-user-namespaces", max_user_namespaces_ok)})


def sysctl_text(values):
    """The `key = value` lines of the kernel role's file (templates/sysctl.conf.j2, less its comments)."""
    return "".join("%s = %s\n" % (name, _text(values[name])) for name in sorted(values))


def _text(value):
    return str(value)   # as the template renders it


def audit_passes(name, value):
    """True or False as the audit judges `value` for `name`; None when no control judges it."""
    judged = AUDITED.get(name)
    if judged is None:
        return None
    number = sysctl.sysctl_integer(value)     # the audit's own reading (proc_dointvec), not int()
    return number is not None and judged[1](number)


def sysctl_precedence(host, sysctl_file, values, replaced=()):
    """Which file wins each of `values` once `sysctl_file` holds them and
    `replaced` are gone: {applied, overridden, blocking, running_differs,
    ip_forward, failures}."""
    planned = dict({path: None for path in replaced if path != sysctl_file},
                   **{sysctl_file: sysctl_text(values)})
    settings = sysctl.persisted_values(host, planned)
    applied, overridden, blocking, running_differs = {}, [], [], []
    for name in sorted(values):
        ours = _text(values[name])
        won = settings.get(name)
        applied[name] = {"value": won[0], "file": won[1]} if won else None
        if won and won[1] != sysctl_file and won[0] != ours:
            passes = audit_passes(name, won[0])
            entry = {"key": name, "ours": ours, "value": won[0], "file": won[1], "audit_passes": passes,
                     "control": AUDITED.get(name, (None,))[0]}
            overridden.append(entry)
            if not passes:
                blocking.append(entry)
        running = sysctl.running_value(host, name)
        if running is not None and not _same_value(running, ours):
            running_differs.append(name)
    forward = settings.get("net.ipv4.ip_forward")
    return {
        "applied": applied, "overridden": overridden, "blocking": blocking,
        "running_differs": running_differs,
        "ip_forward": {"value": forward[0], "file": forward[1]} if forward else None,
        "unprivileged_userns_clone": _setting(settings, "kernel.unprivileged_userns_clone"),
        "failures": list(settings.failures),
    }


def _same_value(running, ours):
    """Whether the running value is what writing ours gives: as integers where both are (0x2 and 02 give 2),
    else as the kernel shows text (whitespace folded)."""
    numbers = sysctl.sysctl_integer(running), sysctl.sysctl_integer(ours)
    if None not in numbers:
        return numbers[0] == numbers[1]
    return running == " ".join(ours.split())


def _setting(settings, name):
    found = settings.get(name)
    return {"value": found[0], "file": found[1]} if found else None


def managers(host):
    """[{tool, evidence}] of the other hardening roles that left their mark on this host."""
    found = []
    if host.exists(DEVSEC_SYSCTL_FILE):
        found.append({"tool": "devsec.hardening.os_hardening (10.4.0 or later)",
                      "evidence": "%s exists" % DEVSEC_SYSCTL_FILE})
    text = host.read_text("/etc/sysctl.conf") or ""
    if any(line.replace(" ", "") == "%s=%s" % DEVSEC_SYSCTL_MARK for line in text.splitlines()):
        found.append({"tool": "devsec.hardening.os_hardening (before 10.4.0)",
                      "evidence": "/etc/sysctl.conf sets %s = %s, dev-sec's sysctl_config" % DEVSEC_SYSCTL_MARK})
    last = _last_selinux_fingerprint(host.read_text(SYSROLES_LOG) or "")
    if last is not None:
        found.append({"tool": "linux-system-roles selinux",
                      "evidence": "%s: role selinux ran on %s" % (SYSROLES_LOG, last.get("date", "(no date)"))})
    return found


def _last_selinux_fingerprint(text):
    last = None
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("role_name") == "selinux" and record.get("status") == "success":
            last = record
    return last


def coexistence(params):
    host = HostRoot(params["root"])
    result = sysctl_precedence(host, params["sysctl_file"], params["sysctls"] or {},
                               params["sysctl_files_replaced"])
    result["managers"] = managers(host)
    return result


def run_module(module):
    require_root(module, "coexistence_info", "reads every sysctl.d file (dev-sec's is readable by root only)")
    try:
        report = coexistence(module.params)
    except ConfigError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **report)
