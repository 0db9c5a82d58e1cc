# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer vm_isolation (optional): a runtime that gives containers their own
kernel (Kata Containers, gVisor) is registered with the engine and installed;
every running container's runtime is what the kernel shows (a container on a
runtime named runsc runs in a gVisor sandbox, kernel_containers), and the
containers the policy selects (sandbox_required) run in one."""

from __future__ import annotations

import posixpath

from ..readers.hostfs import ConfigError
from ..model import ERROR, NOT_APPLICABLE, Outcome, Remediation, judged, not_applicable
from ..registry import control
from .probe_checks import ProbeBroken, syscall_status
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
)

SANDBOX_MARKERS = ("kata", "runsc", "gvisor", "krun")
LAYER = "vm_isolation"
FIX = Remediation("vm_isolation", {"stockade_vm_isolation_runtime": "kata"},
                  "install Kata Containers or gVisor and register it with the engine")


def _is_sandbox(text):
    return any(marker in str(text).lower() for marker in SANDBOX_MARKERS)


def _verdict(ctx, candidates, described):
    """candidates: [(name, [binary paths or bare names])]."""
    evidence = [described] if described else []
    usable = []
    for name, paths in candidates:
        present = [p for p in paths if p.startswith("/") and ctx.host.exists(p)
                   or not p.startswith("/") and ctx.host.which(posixpath.basename(p))]
        evidence.append("runtime %s: %s" % (name, "installed" if present else
                                            "registered but its binary is missing"))
        if present:
            usable.append(name)
    if not candidates:
        evidence.append("no VM-isolated runtime registered")
    return judged(bool(usable), evidence)


def check_docker_vm_runtime(ctx):
    setting = ctx.docker.get("runtimes")
    runtimes = setting.value or {}
    if isinstance(runtimes, list):  # --add-runtime name=path flags
        runtimes = dict(str(r).partition("=")[::2] for r in runtimes)
    if not isinstance(runtimes, dict):
        raise ConfigError(setting.source, "runtimes must be an object")
    candidates = []
    for name, spec in runtimes.items():
        path = spec.get("path", "") if isinstance(spec, dict) else str(spec)
        kind = spec.get("runtimeType", "") if isinstance(spec, dict) else ""
        if _is_sandbox(name) or _is_sandbox(path) or _is_sandbox(kind):
            binary = path or ("containerd-shim-kata-v2" if "kata" in kind else kind)
            candidates.append((name, [binary]))
    return _verdict(ctx, candidates, setting.describe("runtimes") if setting.value else None)


control(id="docker-vm-runtime", layer=LAYER, engine="docker", required=False,
        title="A VM-isolated runtime (Kata, gVisor) is registered with dockerd",
        rationale="A sandboxed runtime gives untrusted containers their own kernel.",
        remediation=FIX,
        check=check_docker_vm_runtime)


# The sandbox runtimes Podman knows without any containers.conf: containers/common
# pkg/config/default.go OCIRuntimes (v0.50.1 for Podman 4.3, v0.62 for 5.4: the same
# three); a [engine.runtimes] entry of the same name in a file replaces its list.
PODMAN_BUILTIN_SANDBOXES = {
    "kata": ["/usr/bin/kata-runtime", "/usr/sbin/kata-runtime", "/usr/local/bin/kata-runtime",
             "/usr/local/sbin/kata-runtime", "/sbin/kata-runtime", "/bin/kata-runtime", "/usr/bin/kata-qemu",
             "/usr/bin/kata-fc"],
    "runsc": ["/usr/bin/runsc", "/usr/sbin/runsc", "/usr/local/bin/runsc", "/usr/local/sbin/runsc", "/bin/runsc",
              "/sbin/runsc", "/run/current-system/sw/bin/runsc"],
    "krun": ["/usr/bin/krun", "/usr/local/bin/krun"],
}


def podman_sandbox_runtimes(ctx):
    """{name: [paths]} of the sandbox runtimes Podman resolves `--runtime NAME` to:
    its built-in ones, replaced or added to by [engine.runtimes]."""
    runtimes = dict(PODMAN_BUILTIN_SANDBOXES)
    for name, setting in ctx.podman.table("engine.runtimes").items():
        if _is_sandbox(name):
            runtimes[name] = [str(p) for p in setting.value] if isinstance(setting.value, list) else []
    return runtimes


def check_podman_vm_runtime(ctx):
    runtimes = podman_sandbox_runtimes(ctx)
    installed = [(name, paths) for name, paths in sorted(runtimes.items())
                 if any(p.startswith("/") and ctx.host.exists(p) for p in paths)]
    return _verdict(ctx, installed, "Podman's built-in runtimes (kata, runsc, krun) and [engine.runtimes]")


control(id="podman-vm-runtime", layer=LAYER, engine="podman", required=False,
        title="A VM-isolated runtime (Kata, gVisor, krun) is registered with Podman",
        rationale="A sandboxed runtime gives untrusted containers their own kernel.",
        remediation=FIX,
        check=check_podman_vm_runtime)


def check_crio_vm_runtime(ctx):
    handlers = {}
    for key, setting in ctx.crio.table("crio.runtime.runtimes").items():
        name, dummy, field = key.partition(".")
        handlers.setdefault(name, {})[field] = setting.value
    candidates = []
    for name, fields in sorted(handlers.items()):
        path = str(fields.get("runtime_path", ""))
        if fields.get("runtime_type") == "vm" or _is_sandbox(path) or _is_sandbox(name):
            candidates.append((name, [path or name]))
    return _verdict(ctx, candidates, None)


control(id="crio-vm-runtime", layer=LAYER, engine="crio", required=False,
        title="A VM-isolated runtime handler (runtime_type vm, gVisor) is registered with CRI-O",
        rationale="A sandboxed runtime gives untrusted pods their own kernel.",
        remediation=FIX,
        check=check_crio_vm_runtime)

# Running containers: the runtime the engine names, and what the kernel shows ------------

GVISOR_MARKERS = ("runsc", "gvisor")


def _names_gvisor(*texts):
    return any(marker in str(text).lower() for text in texts if text for marker in GVISOR_MARKERS)


def _runtime_path(container, ctx, engine):
    """The runtime binary the engine runs for the container: dockerd's
    `Runtimes` (its /info), conmon's `-r` for Podman; '' when unknown."""
    if engine == "docker":
        runtimes = ctx.live(engine).info.get("Runtimes")
        entry = runtimes.get(container.runtime) if isinstance(runtimes, dict) else None
        return str(entry.get("path") or "") if isinstance(entry, dict) else ""
    found = container.kernel.found
    monitor = found.monitor if found is not None else None
    return (monitor.runtime_path or "") if monitor is not None else ""


def _kernel_runtime(container):
    init = container.kernel.processes[0] if container.kernel.processes else None
    if container.sandbox:
        return "the kernel shows a gVisor sandbox (pid %d `%s`)" % (init.pid, init.command[:80])
    if init is not None:
        return "the kernel shows its init on the host kernel (pid %d `%s`)" % (init.pid, init.command[:80])
    return None


def _runtime_disagrees(container, ctx, engine):
    """The engine's runtime and the kernel's view must agree: a runtime named
    runsc whose binary is runc (or a wrapper that is not runsc) runs nothing
    in a sandbox."""
    path = _runtime_path(container, ctx, engine)
    named = "runtime %s%s" % (container.runtime or "(unnamed)", " (%s)" % path if path else "")
    engine_says = _names_gvisor(container.runtime, path)
    seen = _kernel_runtime(container)
    if seen is None:
        return "%s, but its processes could not be read from /proc" % named if engine_says else None
    if engine_says and not container.sandbox:
        return "%s, but %s: it is not sandboxed" % (named, seen)
    if container.sandbox and not engine_says:
        return "%s, but %s" % (named, seen)
    return None


def _sandbox_rule(ctx, engine):
    rule = ctx.sandbox_required
    return None if rule else "the policy requires the sandbox for no container (sandbox_required)"


def _sandbox_missing(container, ctx, engine):
    why = ctx.sandbox_required.selects(container.name, container.labels)
    if why is None:
        return None
    if container.sandbox:
        return None
    return "selected by the policy's sandbox_required (%s), but runs without the gVisor sandbox (runtime %s%s)" % (
        why, container.runtime or "unknown", "; its processes could not be read" if not container.kernel.processes
        else "")


def _kernel_sandbox_missing(kernel, ctx):
    found = kernel.found
    why = ctx.sandbox_required.selects(found.id) if found is not None else None
    if why is None or kernel.sandbox:
        return None
    return "selected by the policy's sandbox_required (%s), but runs without the gVisor sandbox" % why


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-runtime", predicate=_runtime_disagrees,
                     title="Each running container's runtime is what the kernel shows (a gVisor runtime runs "
                           "a gVisor sandbox)",
                     rationale="A runtime registered as runsc whose binary is runc, or a wrapper that drops the "
                               "sandbox, gives the container the host kernel while the engine reports a sandbox.",
                     fix="register the real runsc binary for the runtime (vm_isolation role) and recreate the "
                         "container"),
    ContainerControl(suffix="containers-sandbox-required", predicate=_sandbox_missing, applies=_sandbox_rule,
                     title="Containers the policy selects (sandbox_required) run in the gVisor sandbox",
                     rationale="Untrusted workloads named by the policy must get a kernel of their own; the "
                               "kernel's view, not the engine's flags, shows that they do.",
                     fix="recreate the container with --runtime runsc"),
))
declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-sandbox-required", predicate=_kernel_sandbox_missing,
                           applies=_sandbox_rule,
                           title="Containers no running engine reported that the policy selects by id "
                                 "(sandbox_required names) run in the gVisor sandbox",
                           rationale="A container started with ctr or by another user's engine is selected by "
                                     "its id; its labels are not readable from the kernel.",
                           fix="run the container under runsc (ctr run --runc-binary with a runsc wrapper)"),
))


# The probe container, run in the sandbox ---------------------------------------------------

# What gVisor's Sentry answers for /proc/version, whatever the host runs (pkg/sentry/fsimpl/proc).
GVISOR_PROC_VERSION = "Linux version 4.4.0 #1 SMP Sun Jan 10 15:06:54 PST 2016"


def _gvisor_runtime(ctx, engine):
    """(name, how it is registered) of the engine's gVisor runtime whose binary is installed, or (None, why)."""
    if engine == "docker":
        runtimes = ctx.live(engine).info.get("Runtimes")
        for name, entry in sorted(runtimes.items() if isinstance(runtimes, dict) else ()):
            path = str(entry.get("path") or "") if isinstance(entry, dict) else ""
            if _names_gvisor(name, path):
                args = entry.get("runtimeArgs") if isinstance(entry, dict) else None
                return name, "dockerd's runtime %s (%s%s)" % (
                    name, path or "on PATH", ", args %s" % " ".join(map(str, args)) if args else "")
        return None, "dockerd registers no gVisor runtime (its /info Runtimes)"
    for name, paths in sorted(podman_sandbox_runtimes(ctx).items()):
        installed = [p for p in paths if p.startswith("/") and ctx.host.exists(p)]
        if _names_gvisor(name) and installed:
            return name, "Podman's runtime %s (%s)" % (name, installed[0])
    return None, "Podman knows no installed gVisor runtime (built-in runsc paths, [engine.runtimes])"


def _host_kernel(ctx):
    """(/proc/version's line, boot_id) of the host kernel that runs the audit ('' where unreadable)."""
    version = (ctx.host.read_text("/proc/version") or "").split("\n", 1)[0]
    boot_id = (ctx.host.read_text("/proc/sys/kernel/random/boot_id") or "").strip()
    return version, boot_id


UNAVAILABLE = "unavailable"     # what inside.sh prints for a file it cannot read


def judge_sandbox_kernel(report, host_version, host_boot_id):
    """(ok, evidence) of a probe report from a container run in a sandbox runtime. Which kernel
    answered is decided by boot_id where the container can read it (the host kernel gives every
    container the host's; a Kata guest has its own), else by /proc/version (gVisor has no boot_id
    and answers a fixed version). ProbeBroken where the report cannot tell."""
    results = {probe: syscall_status(report, probe) for probe in ("int80", "x32", "native")}
    if results["native"] != "ran":
        raise ProbeBroken("the native control getpid did not run (%s)" % results["native"])
    unknown = [probe for probe in ("int80", "x32") if results[probe] == "unknown"]
    if unknown:
        raise ProbeBroken("the report has no result for %s" % ", ".join(unknown))
    inside_version, inside_boot_id = report.get("kernel_version", UNAVAILABLE), report.get("boot_id", UNAVAILABLE)
    if not host_version:
        raise ProbeBroken("the host's /proc/version is unreadable: nothing to compare with")
    if inside_boot_id != UNAVAILABLE and host_boot_id:
        host_answered = inside_boot_id == host_boot_id
        decided_by = "boot_id"
    elif inside_version != UNAVAILABLE:
        host_answered = inside_version == host_version
        decided_by = "/proc/version (no boot_id inside)"
    else:
        raise ProbeBroken("the container could read neither /proc/version nor boot_id")
    sentry = " (gVisor's Sentry)" if inside_version == GVISOR_PROC_VERSION else ""
    evidence = ["inside: /proc/version %r%s; the host's %r" % (inside_version, sentry, host_version),
                "inside: boot_id %s; the host's %s" % (inside_boot_id, host_boot_id or "unreadable"),
                "which kernel answered, decided by %s: %s" % (decided_by, "the host's" if host_answered else "not the host's"),
                "inside: i386 int 0x80 getpid %s, x32 getpid %s, native getpid %s" % (
                    results["int80"], results["x32"], results["native"])]
    return not host_answered and "ran" not in (results["int80"], results["x32"]), evidence


def sandbox_kernel_check(engine):
    """The check that a probe container run with the engine's gVisor runtime meets a kernel
    that is not the host's, and that its 32-bit system calls reach nothing."""
    def check(ctx):
        if ctx.probe_request is None:
            return not_applicable("container probe not requested (stockade-audit --probe)")
        live = ctx.live(engine)
        if not live.available:
            return not_applicable(live.reason)
        name, registered = _gvisor_runtime(ctx, engine)
        if name is None:
            return not_applicable(registered + ": no sandbox to run the probe in")
        view = ctx.sandbox_probe_view(engine, name)
        if view.reason:
            return Outcome(ERROR if view.error else NOT_APPLICABLE, [registered, view.reason])
        try:
            ok, evidence = judge_sandbox_kernel(view.report, *_host_kernel(ctx))
        except ProbeBroken as exc:
            return Outcome(ERROR, [registered, "probe in runtime %s on %s: %s" % (name, engine, exc)])
        return judged(ok, [registered] + evidence + ["probe image %s" % view.image])
    return check


for _engine in ("docker", "podman"):
    control(id="%s-probe-sandbox-kernel" % _engine, layer=LAYER, engine=_engine, required=False,
            title="A probe container run with %s's gVisor runtime meets gVisor's kernel, not the host's, and its "
                  "32-bit system calls reach nothing" % _engine.capitalize(),
            rationale="Registering a sandbox proves nothing about what it runs: only a container started with it "
                      "can show that its system calls are answered by a kernel of its own (the host kernel gives "
                      "every container the host's /proc/version and boot_id).",
            remediation=FIX, check=sandbox_kernel_check(_engine), evidence="probe")
