# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the selinux_host_info module reports: the host's SELinux state for the
selinux role, in one module run instead of one task per question.

The state itself (running mode, the mode and policy type of
/etc/selinux/config as libselinux reads them, the active LSMs, the policy
modules, whether the boot entry GRUB will boot passes the kernel parameters)
comes from the posture engine's readers (posture.selinux_state,
posture.boot_params), so the role decides on exactly what the audit judges.
The rest (packages, labels, sshd's domain and denials, file contexts) asks
the host's own tools. Read-only; standard library only (plus AnsibleModule).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
    boot_params, selinux_state,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

ARGUMENT_SPEC = {
    "policy_type": {"type": "str", "required": True},
    "package_tool": {"type": "str", "choices": ["dpkg", "rpm"]},
    "packages": {"type": "list", "elements": "str", "default": []},
    "label_witnesses": {"type": "list", "elements": "path", "default": []},
    "preflight_paths": {"type": "list", "elements": "str", "default": []},
    "grub_dropin": {"type": "path"},
    "kernel_params": {"type": "list", "elements": "str", "default": []},
    "file_contexts": {"type": "list", "elements": "dict", "default": []},
}


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError, UnicodeDecodeError):
        return None


def _run(argv):
    if not shutil.which(argv[0]):
        return None
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    return proc.stdout


def _label(path):
    try:
        return os.getxattr(path, "security.selinux").rstrip(b"\0").decode()
    except (OSError, AttributeError):
        return None


def missing_packages(tool, packages):
    if not packages or not tool:
        return []
    if tool == "dpkg":
        out = _run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n"] + packages) or ""
        present = {line.split()[0] for line in out.splitlines() if line.endswith(" installed")}
    else:
        out = _run(["rpm", "-q", "--qf", "%{NAME}\n"] + packages) or ""
        present = {line.strip() for line in out.splitlines() if " " not in line.strip()}
    return [name for name in packages if name not in present]


def file_context_mismatches(entries):
    """Paths whose policy file context lacks the wanted type."""
    wrong = []
    for entry in entries:
        out = _run(["matchpathcon", "-n", entry["path"]]) or ""
        if ":%s:" % entry["setype"] not in out.strip() + ":":
            wrong.append(dict(entry, policy=out.strip()))
    return wrong


def unverified(paths):
    """Existing paths whose label differs from the policy's (matchpathcon -V)."""
    existing = [p for pattern in paths for p in sorted(glob.glob(pattern))]
    if not existing or not shutil.which("matchpathcon"):
        return []
    out = _run(["matchpathcon", "-V"] + existing) or ""
    return [line.strip() for line in out.splitlines() if line.strip() and not line.strip().endswith("verified.")]


def _domain(context):
    parts = (context or "").split(":")
    return parts[2] if len(parts) > 2 else None


def sshd_domains():
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (_read("/proc/%s/comm" % pid) or "").strip() == "sshd":
            found.add(_domain((_read("/proc/%s/attr/current" % pid) or "").rstrip("\0\n")))
    return sorted(d or "unknown" for d in found)


def sshd_denials():
    """AVC denials involving sshd since boot (audit log, else the kernel log)."""
    out = None
    if os.path.exists("/var/log/audit/audit.log"):
        out = _run(["ausearch", "-m", "AVC,USER_AVC,SELINUX_ERR", "-ts", "boot"])
    if out is None:
        out = _run(["dmesg"]) or ""
    return [line for line in out.splitlines() if "denied" in line and "sshd" in line][:20]


def boot_entry_has_params(host, params):
    """Whether the entry GRUB (or kernel-install) will boot passes every one of
    `params` (NAME=VALUE, as the kernel ends up with it); None when unknown."""
    try:
        line = boot_params.next_boot(host)
    except ConfigError:
        return None
    if line is None:
        return None
    return all(line.value(name) == value for name, _sep, value in (p.partition("=") for p in params))


def _next_boot_mode(host, state):
    """enforcing/permissive/disabled at the next boot, or None when it cannot be told."""
    try:
        return selinux_state.next_boot_mode(host, state).mode
    except ConfigError:
        return None


def host_facts(params, root="/"):
    """The report the selinux role reads; ConfigError when a file the engine
    needs cannot be read (the role must not act on a guess)."""
    host = HostRoot(root)
    state = selinux_state.read_state(host)
    modules = selinux_state.installed_modules(host, params["policy_type"])
    result = {
        "lsms": state.lsms or [],
        "runtime": state.runtime_mode or "disabled",
        "config_mode": state.config_mode,
        "config_type": state.policy_type,
        "next_boot": _next_boot_mode(host, state),
        "modules": sorted(modules or ()),
        "disabled_modules": selinux_state.disabled_modules(host, params["policy_type"]),
        "shipped_modules": selinux_state.shipped_modules(host, params["policy_type"]),
        "missing_packages": missing_packages(params.get("package_tool"), params["packages"]),
        "root_labelled": all(_label(p) for p in params["label_witnesses"]),
        "autorelabel_pending": os.path.exists("/.autorelabel"),
        "grub_dropin": _read(params["grub_dropin"]) if params.get("grub_dropin") else None,
        "grub_cfg_has_params": boot_entry_has_params(host, params["kernel_params"]) is True,
        "file_context_mismatches": file_context_mismatches(params["file_contexts"]),
    }
    if result["runtime"] != "disabled":
        result.update({
            "self_domain": _domain((_read("/proc/self/attr/current") or "").rstrip("\0\n")),
            "sshd_domains": sshd_domains(),
            "sshd_denials": sshd_denials(),
            "unverified_labels": unverified(params["preflight_paths"]),
        })
    return result


def run_module(module):
    require_root(module, "selinux_host_info", "reads the SELinux policy store (/var/lib/selinux), which only root "
                                              "may list, and sshd's denials in the audit log")
    try:
        report = host_facts(module.params)
    except ConfigError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **report)
