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
from ..model import Remediation, judged
from ..registry import control
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


def check_podman_vm_runtime(ctx):
    runtimes = ctx.podman.table("engine.runtimes")
    candidates = [(name, [str(p) for p in s.value] if isinstance(s.value, list) else [])
                  for name, s in sorted(runtimes.items()) if _is_sandbox(name)]
    return _verdict(ctx, candidates, None)


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
