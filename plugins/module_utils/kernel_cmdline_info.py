# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel_cmdline_info module's work: the running kernel's command line
(/proc/cmdline) as the kernel parsed it, and which of the boot parameters the
kernel role sets it did not get, read by the audit's own reader
(posture.readers.boot_params.running, kernel_cmdline: Linux's parse_args(),
quotes, `--`, `-` equal to `_`, the last value its handler accepts wins), so
the role decides its reboot on what the audit's host-ia32-emulation-off and
host-vsyscall-none judge, not on Ansible's `cmdline` fact (shlex words,
no `--`). Read-only; standard library only (plus AnsibleModule)."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.kernel import VSYSCALL_MODES
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import boot_params, kernel_cmdline
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot

ARGUMENT_SPEC = {
    "params": {"type": "list", "elements": "str", "default": []},
    "root": {"type": "path", "default": "/"},
}

# What the kernel's handler makes of a value (None: refused, the earlier value stays), for the parameters whose
# handler validates: the early_param handlers controls/kernel.py judges (ia32_emulation: kstrtobool, 6.7+;
# vsyscall: emulate, xonly or none). Any other parameter is compared as text.
MEANINGS = {
    "ia32_emulation": kernel_cmdline.kstrtobool,
    "vsyscall": lambda value: value if value in VSYSCALL_MODES else None,
}


def _as_text(value):
    return value


def missing(running, wanted):
    """The `name=value` words of `wanted` the running kernel (a BootLine, or None
    when /proc/cmdline is not under the root) did not get, in their order."""
    absent = []
    for word in wanted:
        name, _sep, value = word.partition("=")
        name = name.replace("-", "_")
        meaning = MEANINGS.get(name, _as_text)
        got = None if running is None else running.value(name, accept=lambda v, m=meaning: m(v) is not None)
        if got is None or meaning(got) != meaning(value):
            absent.append(word)
    return absent


def cmdline_info(params):
    """The module's answer; ConfigError when /proc/cmdline cannot be read."""
    running = boot_params.running(HostRoot(params["root"]))
    return {"cmdline": None if running is None else running.text,
            "params": None if running is None else [[name, value] for name, value in running.params],
            "missing": missing(running, params["params"])}


def run_module(module):
    """Everything kernel_cmdline_info does, on an AnsibleModule."""
    try:
        answer = cmdline_info(module.params)
    except ConfigError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **answer)
