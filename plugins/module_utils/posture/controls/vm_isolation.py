# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer vm_isolation (optional): a runtime that gives containers their own
kernel (Kata Containers, gVisor) is registered with the engine and installed."""

from __future__ import annotations

import posixpath

from ..readers.hostfs import ConfigError
from ..model import Remediation, judged
from ..registry import control

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