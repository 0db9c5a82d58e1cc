# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer kernel: host sysctls that shrink the kernel's attack surface, and
opt-in boot parameters that remove the 32-bit syscall entry and vsyscall."""

from __future__ import annotations

import re

from ..boot_params import configured_params, param_value, running_params
from ..hostfs import ConfigError
from ..model import Remediation, judged, not_applicable, Outcome, ERROR, FAIL, PASS
from ..registry import control
from ..sysctl import running_value

# (control id, sysctl, predicate over the integer value, wanted text, rationale)
SYSCTLS = (
    ("host-sysctl-ptrace-scope", "kernel.yama.ptrace_scope", lambda v: v >= 1, ">= 1",
     "Restricts ptrace to descendants, so a compromised process cannot read its siblings."),
    ("host-sysctl-kptr-restrict", "kernel.kptr_restrict", lambda v: v == 2, "= 2",
     "Hides kernel addresses that make exploits reliable."),
    ("host-sysctl-dmesg-restrict", "kernel.dmesg_restrict", lambda v: v == 1, "= 1",
     "Keeps the kernel log, with its addresses and hints, from unprivileged users."),
    ("host-sysctl-perf-event-paranoid", "kernel.perf_event_paranoid", lambda v: v >= 2, ">= 2",
     "perf_event_open is a large, often exploited kernel interface."),
    ("host-sysctl-protected-symlinks", "fs.protected_symlinks", lambda v: v == 1, "= 1",
     "Stops symlink races in world-writable sticky directories."),
    ("host-sysctl-protected-hardlinks", "fs.protected_hardlinks", lambda v: v == 1, "= 1",
     "Stops hard links to files the user cannot read or write."),
    ("host-sysctl-protected-fifos", "fs.protected_fifos", lambda v: v == 2, "= 2",
     "Stops opening FIFOs owned by others in sticky directories."),
    ("host-sysctl-protected-regular", "fs.protected_regular", lambda v: v == 2, "= 2",
     "Stops opening regular files owned by others in sticky directories."),
    ("host-sysctl-suid-dumpable", "fs.suid_dumpable", lambda v: v == 0, "= 0",
     "Core dumps of setuid programs leak secrets."),
)


def judge_sysctl(ctx, name, ok_for):
    """Outcome for one sysctl: the running value decides, the persisted value
    must not undo it at the next boot."""
    running = running_value(ctx.host, name)
    persisted = ctx.persisted_sysctls.get(name)
    evidence = []
    if running is not None:
        evidence.append("/proc/sys/%s = %s" % (name.replace(".", "/"), running))
    if persisted:
        evidence.append("%s: %s = %s" % (persisted[1], name, persisted[0]))
    if running is None and persisted is None:
        return not_applicable("%s: /proc/sys not under this root and no sysctl.d entry" % name) \
            if ctx.host.is_live else \
            Outcome(FAIL, ["%s is not set in any sysctl.d file (offline audit: the running "
                           "value is not readable)" % name])
    values = {}
    for where, raw in (("running", running), ("persisted", persisted and persisted[0])):
        if raw is None:
            continue
        try:
            values[where] = int(raw.split()[0])
        except (ValueError, IndexError):
            source = persisted[1] if where == "persisted" else "/proc/sys/" + name.replace(".", "/")
            raise ConfigError(source, "%s is not an integer: %r" % (name, raw))
    ok_now = ok_for(values["running"]) if "running" in values else ok_for(values["persisted"])
    ok_boot = ok_for(values["persisted"]) if "persisted" in values else True
    if ok_now and not ok_boot:
        evidence.append("the next boot would apply a non-compliant value")
    if not ok_now and "running" in values and "persisted" in values and ok_boot:
        evidence.append("persisted but not applied: `sysctl --system` would apply it")
    return judged(ok_now and ok_boot, evidence)


def _sysctl_check(name, predicate):
    def check(ctx):
        return judge_sysctl(ctx, name, predicate)
    check.__name__ = "check_sysctl_" + name.replace(".", "_")
    return check


for _id, _name, _predicate, _wanted, _why in SYSCTLS:
    control(id=_id, layer="kernel", engine="host",
            title="%s %s" % (_name, _wanted), rationale=_why,
            remediation=Remediation("kernel", {"stockade_kernel_sysctls": {_name: _wanted.split()[-1]}},
                                    "set %s %s in /etc/sysctl.d and apply it" % (_name, _wanted)),
            )(_sysctl_check(_name, _predicate))


@control(id="host-ip-forward-kept", layer="kernel", engine="host", required=False,
         title="IPv4 forwarding is left on for container networking",
         rationale="Generic hardening sets net.ipv4.ip_forward = 0, which silently breaks "
                   "bridged container networking; Stockade never does and warns when it finds it.",
         remediation=Remediation("kernel", {}, "remove net.ipv4.ip_forward = 0 from sysctl.d"))
def check_ip_forward(ctx):
    if not any(ctx.engine_binary(e) for e in ("docker", "podman", "crio")):
        return not_applicable("no container engine installed")
    return judge_sysctl(ctx, "net.ipv4.ip_forward", lambda v: v == 1)


def _boot_param_check(name, wanted):
    def check(ctx):
        running = running_params(ctx.host)
        configured, sources = configured_params(ctx.host)
        now = param_value(running, name) if running is not None else None
        boot = param_value(configured, name) if configured is not None else None
        evidence = ["/proc/cmdline: %s=%s" % (name, now if now is not None else "(absent)")
                    if running is not None else "/proc/cmdline not readable under this root",
                    "%s: %s=%s" % (", ".join(sources), name, boot if boot is not None else "(absent)")
                    if sources else "no bootloader configuration found"]
        if running is None:
            return judged(boot == wanted, evidence)
        pending = now != wanted and boot == wanted
        if pending:
            evidence.append("configured, takes effect at the next reboot")
        return Outcome(PASS if now == wanted else FAIL, evidence, reboot_pending=pending)
    check.__name__ = "check_boot_" + name
    return check


def _kernel_facts(host):
    """(release, version tuple or None, kernel config text or None) of the running
    kernel, or of the newest /boot/config-* of an offline tree."""
    release = (host.read_text("/proc/sys/kernel/osrelease") or "").strip()
    if not release:
        configs = sorted(n[len("config-"):] for n in host.list_dir("/boot") if n.startswith("config-"))
        release = configs[-1] if configs else ""
    numbers = re.match(r"(\d+)\.(\d+)", release)
    version = (int(numbers.group(1)), int(numbers.group(2))) if numbers else None
    config = host.read_text("/boot/config-" + release) if release else None
    return release, version, config


IA32_PARAMETER_SINCE = (6, 7)
_ia32_parameter = _boot_param_check("ia32_emulation", "0")


@control(id="host-ia32-emulation-off", layer="kernel", engine="host", required=False,
         title="The kernel refuses 32-bit programs and syscalls (ia32_emulation=0)",
         rationale="Removes the i386 syscall entry for the whole host, containers or not "
                   "(kernel 6.7+); seccomp then has one ABI fewer to police.",
         remediation=Remediation("kernel", {"stockade_kernel_ia32_emulation_disabled": True},
                                 "add ia32_emulation=0 to the kernel command line and reboot (kernel 6.7+)"))
def check_ia32_emulation(ctx):
    release, version, config = _kernel_facts(ctx.host)
    if config and "# CONFIG_IA32_EMULATION is not set" in config:
        return judged(True, ["/boot/config-%s: built without IA32 emulation" % release])
    outcome = _ia32_parameter(ctx)
    abi = ctx.host_abi()
    if abi is not None:
        return _judge_running_kernel(abi, outcome, release, version)
    default_off = bool(config and "CONFIG_IA32_EMULATION_DEFAULT_DISABLED=y" in config)
    if default_off and not any("ia32_emulation=1" in line for line in outcome.evidence):
        return judged(True, outcome.evidence + ["/boot/config-%s: IA32 emulation off by default" % release])
    if outcome.status == PASS and version and version < IA32_PARAMETER_SINCE:
        return Outcome(FAIL, outcome.evidence + [_ignored(release)])
    return outcome


def _ignored(release):
    return "kernel %s ignores ia32_emulation= (it needs 6.7 or newer): 32-bit syscalls still work" % release


def _judge_running_kernel(abi, outcome, release, version):
    """On a live host the running kernel answers for itself: the 32-bit programs
    either run or they do not, whatever the command line says."""
    evidence = outcome.evidence + ["kernel %s" % release] + abi.evidence()
    if not abi.usable:
        return Outcome(ERROR, evidence + ["the native control program did not run: no verdict"])
    if abi.refuses_32bit:
        return Outcome(PASS, evidence)
    if any(line.startswith("/proc/cmdline: ia32_emulation=0") for line in outcome.evidence) \
            and version and version < IA32_PARAMETER_SINCE:
        evidence.append(_ignored(release))
    return Outcome(FAIL, evidence, reboot_pending=outcome.reboot_pending)


_vsyscall_parameter = _boot_param_check("vsyscall", "none")


@control(id="host-vsyscall-none", layer="kernel", engine="host", required=False,
         title="The legacy vsyscall page is removed (vsyscall=none)",
         rationale="The vsyscall page sits at a fixed address, a gift to exploit writers.",
         remediation=Remediation("kernel", {"stockade_kernel_vsyscall_none": True},
                                 "add vsyscall=none to the kernel command line and reboot"))
def check_vsyscall(ctx):
    outcome = _vsyscall_parameter(ctx)
    if not (ctx.live_enabled and ctx.host.is_live):
        return outcome
    # The running kernel maps the page into every process unless it is removed:
    # the audit's own address space shows which.
    maps = ctx.host.read_text("/proc/self/maps")
    if maps is None:
        return outcome
    if "[vsyscall]" in maps:
        return Outcome(FAIL, outcome.evidence + ["/proc/self/maps: the [vsyscall] page is mapped"],
                       reboot_pending=outcome.reboot_pending)
    return Outcome(PASS, outcome.evidence + ["/proc/self/maps: no [vsyscall] page (running kernel)"])
