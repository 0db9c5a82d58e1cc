# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer kernel: host sysctls that shrink the kernel's attack surface, and
opt-in boot parameters that remove the 32-bit syscall entry and vsyscall."""

from __future__ import annotations

from collections import namedtuple

from ..readers.boot_params import kernel_config, next_or_running, release_version, running
from ..readers.kernel_cmdline import kstrtobool
from ..readers.hostfs import ConfigError
from ..model import Remediation, judged, not_applicable, Outcome, ERROR, FAIL
from ..registry import control
from ..readers.sysctl import running_value, sysctl_integer

LAYER = "kernel"

# One audited sysctl: `ok` judges its integer value, `wanted` says it in words.
Sysctl = namedtuple("Sysctl", ("id", "name", "ok", "wanted", "rationale"))
SYSCTLS = (
    Sysctl(id="host-sysctl-ptrace-scope", name="kernel.yama.ptrace_scope", ok=lambda v: v >= 1, wanted=">= 1",
           rationale="Restricts ptrace to descendants, so a compromised process cannot read its siblings."),
    Sysctl(id="host-sysctl-kptr-restrict", name="kernel.kptr_restrict", ok=lambda v: v == 2, wanted="= 2",
           rationale="Hides kernel addresses that make exploits reliable."),
    Sysctl(id="host-sysctl-dmesg-restrict", name="kernel.dmesg_restrict", ok=lambda v: v == 1, wanted="= 1",
           rationale="Keeps the kernel log, with its addresses and hints, from unprivileged users."),
    Sysctl(id="host-sysctl-perf-event-paranoid", name="kernel.perf_event_paranoid", ok=lambda v: v >= 2,
           wanted=">= 2", rationale="perf_event_open is a large, often exploited kernel interface."),
    Sysctl(id="host-sysctl-protected-symlinks", name="fs.protected_symlinks", ok=lambda v: v == 1, wanted="= 1",
           rationale="Stops symlink races in world-writable sticky directories."),
    Sysctl(id="host-sysctl-protected-hardlinks", name="fs.protected_hardlinks", ok=lambda v: v == 1, wanted="= 1",
           rationale="Stops hard links to files the user cannot read or write."),
    Sysctl(id="host-sysctl-protected-fifos", name="fs.protected_fifos", ok=lambda v: v == 2, wanted="= 2",
           rationale="Stops opening FIFOs owned by others in sticky directories."),
    Sysctl(id="host-sysctl-protected-regular", name="fs.protected_regular", ok=lambda v: v == 2, wanted="= 2",
           rationale="Stops opening regular files owned by others in sticky directories."),
    Sysctl(id="host-sysctl-suid-dumpable", name="fs.suid_dumpable", ok=lambda v: v == 0, wanted="= 0",
           rationale="Core dumps of setuid programs leak secrets."),
)


def judge_sysctl(ctx, name, ok_for, must_persist=True):
    """Outcome for one sysctl: the running value decides, and the value
    sysctl.d sets at the next boot must keep it (`must_persist`: a value no
    file sets is lost at the next boot, back to the kernel's default)."""
    running = running_value(ctx.host, name)
    persisted = ctx.persisted_sysctls.get(name)
    evidence = []
    if running is not None:
        evidence.append("/proc/sys/%s = %s" % (name.replace(".", "/"), running))
    if persisted:
        evidence.append("%s: %s = %s" % (persisted[1], name, persisted[0]))
    evidence.extend("systemd-sysctl will report a failure: %s" % line
                    for line in ctx.persisted_sysctls.failures)
    if running is None and persisted is None:
        return not_applicable("%s: /proc/sys not under this root and no sysctl.d entry" % name) \
            if ctx.host.is_live else \
            Outcome(FAIL, ["%s is not set in any sysctl.d file (offline audit: the running "
                           "value is not readable)" % name])
    values = {}
    for where, raw in (("running", running), ("persisted", persisted and persisted[0])):
        if raw is None:
            continue
        value = sysctl_integer(raw.split()[0] if where == "running" and raw.split() else raw)
        if value is None:
            source = persisted[1] if where == "persisted" else "/proc/sys/" + name.replace(".", "/")
            raise ConfigError(source, "%s is not an integer the kernel takes (proc_dointvec): %r"
                              % (name, raw if len(raw) <= 60 else raw[:40] + "... (%d characters)" % len(raw)))
        values[where] = value
    ok_now = ok_for(values["running"]) if "running" in values else ok_for(values["persisted"])
    ok_boot = ok_for(values["persisted"]) if "persisted" in values else not must_persist
    if ok_now and "persisted" not in values and must_persist:
        evidence.append("no sysctl.d file sets %s: the next boot restores the kernel's default" % name)
    elif ok_now and not ok_boot:
        evidence.append("the next boot would apply a non-compliant value")
    if not ok_now and "running" in values and "persisted" in values and ok_boot:
        evidence.append("persisted but not applied: `sysctl --system` would apply it")
    return judged(ok_now and ok_boot, evidence)


def sysctl_check(name, ok):
    """The check that sysctl `name` is `ok` now and at the next boot."""
    def check(ctx):
        return judge_sysctl(ctx, name, ok)
    return check


for _sysctl in SYSCTLS:
    control(id=_sysctl.id, layer=LAYER, engine="host",
            title="%s %s" % (_sysctl.name, _sysctl.wanted), rationale=_sysctl.rationale,
            remediation=Remediation("kernel", {"stockade_kernel_sysctls": {_sysctl.name: _sysctl.wanted.split()[-1]}},
                                    "set %s %s in /etc/sysctl.d and apply it" % (_sysctl.name, _sysctl.wanted)),
            check=sysctl_check(_sysctl.name, _sysctl.ok), evidence="kernel")


def check_ip_forward(ctx):
    if not any(ctx.engine_binary(e) for e in ("docker", "podman", "crio")):
        return not_applicable("no container engine installed")
    return judge_sysctl(ctx, "net.ipv4.ip_forward", lambda v: v == 1, must_persist=False)


control(id="host-ip-forward-kept", layer=LAYER, engine="host", required=False,
        title="IPv4 forwarding is left on for container networking",
        rationale="Generic hardening sets net.ipv4.ip_forward = 0, which silently breaks "
                  "bridged container networking; Stockade never does and warns when it finds it.",
        remediation=Remediation("kernel", {}, "remove net.ipv4.ip_forward = 0 from sysctl.d"),
        check=check_ip_forward, evidence="kernel")


def boot_setting(ctx, decide):
    """(ok now, ok at the next boot, evidence) of a boot-time kernel setting:
    `decide(line, kconfig)` gives True/False/None (cannot tell) and evidence for
    one command line, the running one (/proc/cmdline) and the one of the entry
    the bootloader will boot. `ok now` is None when /proc/cmdline is not under
    the root."""
    now = running(ctx.host)
    nxt, evidence = next_or_running(ctx.host)
    results = {}
    for when, line in (("now", now), ("next boot", nxt)):
        if line is None:
            continue
        kconfig, kconfig_path = kernel_config(ctx.host, line.release)
        ok, why = decide(line, kconfig)
        if kconfig is None:
            why = why + ["%s not found" % (kconfig_path or "the kernel's /boot/config-*")]
        results[when] = ok
        evidence.extend("%s (%s): %s" % (when, line.source, w) for w in why)
    if now is None:
        evidence.append("/proc/cmdline not readable under this root: judged on the next boot")
    return results.get("now"), results.get("next boot"), evidence


def boot_verdict(ok_now, ok_next, evidence):
    """Pass only when the setting holds now and the next boot keeps it."""
    if ok_now is None and any(line.startswith("/proc/cmdline not readable") for line in evidence):
        return judged(ok_next is True, evidence)
    if ok_now and ok_next:
        return judged(True, evidence)
    if ok_now and not ok_next:
        evidence = evidence + ["the next boot would not keep it"]
    pending = not ok_now and ok_next is True
    if pending:
        evidence = evidence + ["configured, takes effect at the next reboot"]
    return Outcome(FAIL, evidence, reboot_pending=pending)


IA32_PARAMETER_SINCE = (6, 7)


def ia32_decision(line, kconfig):
    """Whether the kernel of `line` refuses 32-bit syscalls (arch/x86/entry/common.c,
    early_param ia32_emulation= with kstrtobool, 6.7+)."""
    known = kconfig or {}
    if known.get("CONFIG_IA32_EMULATION") == "n":
        return True, ["kernel built without IA32 emulation"]
    value = line.value("ia32_emulation", accept=lambda v: kstrtobool(v) is not None)
    version = release_version(line.release)
    if version is None:
        return None, ["kernel release unknown: cannot tell whether it honours ia32_emulation="]
    if version < IA32_PARAMETER_SINCE:
        return False, ["kernel %s ignores ia32_emulation= (it needs 6.7 or newer): 32-bit "
                       "syscalls still work" % line.release]
    if value is not None:
        off = kstrtobool(value) is False
        return off, ["ia32_emulation=%s: 32-bit syscalls %s" % (value, "refused" if off else "allowed")]
    if kconfig is None:
        return None, ["no ia32_emulation= and the kernel's default is not known"]
    off = known.get("CONFIG_IA32_EMULATION_DEFAULT_DISABLED") == "y"
    return off, ["no ia32_emulation=; kernel %s: IA32 emulation %s by default"
                 % (line.release, "off" if off else "on")]


VSYSCALL_MODES = ("emulate", "xonly", "none")


def vsyscall_decision(line, kconfig):
    """Whether the kernel of `line` maps no vsyscall page (arch/x86/entry/vsyscall,
    early_param vsyscall=: emulate, xonly or none, anything else ignored)."""
    kconfig = kconfig or {}
    if kconfig.get("CONFIG_X86_VSYSCALL_EMULATION") == "n":
        return True, ["kernel built without vsyscall emulation"]
    value = line.value("vsyscall", accept=lambda v: v in VSYSCALL_MODES)
    if value is not None:
        return value == "none", ["vsyscall=%s" % value]
    if "CONFIG_X86_VSYSCALL_EMULATION" not in kconfig:
        return None, ["no valid vsyscall= and the kernel's default is not known"]
    none = kconfig.get("CONFIG_LEGACY_VSYSCALL_NONE") == "y"
    return none, ["no valid vsyscall=; kernel default %s" % ("none" if none else "xonly")]


def check_ia32_emulation(ctx):
    ok_now, ok_next, evidence = boot_setting(ctx, ia32_decision)
    abi = ctx.host_abi_test()
    if abi is not None:
        now = running(ctx.host)
        return _judge_running_kernel(abi, ok_next, evidence, now.release if now else None)
    return boot_verdict(ok_now, ok_next, evidence)


control(id="host-ia32-emulation-off", layer=LAYER, engine="host", required=False,
        title="The kernel refuses 32-bit programs and syscalls (ia32_emulation=0)",
        rationale="Removes the i386 syscall entry for the whole host, containers or not "
                  "(kernel 6.7+); seccomp then has one ABI fewer to police.",
        remediation=Remediation("kernel", {"stockade_kernel_ia32_emulation_disabled": True},
                                "add ia32_emulation=0 to the kernel command line and reboot (kernel 6.7+)"),
        check=check_ia32_emulation, evidence="kernel")


def _judge_running_kernel(abi, ok_next, evidence, release):
    """On a live host the running kernel answers for itself whether 32-bit
    programs run, whatever the command line says; the next boot still has to
    keep it."""
    evidence = evidence + ["kernel %s" % release] + abi.evidence()
    if not abi.usable:
        return Outcome(ERROR, evidence + ["the native control program did not run: no verdict"])
    return boot_verdict(abi.refuses_32bit, ok_next, evidence)


def check_vsyscall(ctx):
    ok_now, ok_next, evidence = boot_setting(ctx, vsyscall_decision)
    # On a live host the running kernel maps the page into every process unless
    # it is removed: the audit's own address space shows which.
    maps = ctx.host.read_text("/proc/self/maps") if ctx.live_enabled and ctx.host.is_live else None
    if maps is not None:
        ok_now = "[vsyscall]" not in maps
        evidence = evidence + ["/proc/self/maps: %s" % ("no [vsyscall] page (running kernel)" if ok_now
                                                        else "the [vsyscall] page is mapped")]
    return boot_verdict(ok_now, ok_next, evidence)


control(id="host-vsyscall-none", layer=LAYER, engine="host", required=False,
        title="The legacy vsyscall page is removed (vsyscall=none)",
        rationale="The vsyscall page sits at a fixed address, a gift to exploit writers.",
        remediation=Remediation("kernel", {"stockade_kernel_vsyscall_none": True},
                                "add vsyscall=none to the kernel command line and reboot"),
        check=check_vsyscall, evidence="kernel")
