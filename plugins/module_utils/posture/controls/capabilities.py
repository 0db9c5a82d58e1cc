# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer capabilities: engines start containers with no more than a minimal
capability set (Docker has no daemon-wide key: its containers are judged
live), no running container is privileged or adds capabilities, and a probe
container's effective set stays within the engine's default."""

from __future__ import annotations

from ..model import Remediation, judged
from ..registry import control
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
)
from .per_user import PODMAN_USER_FILES, Verdict, fix_in, per_user_check, podman_privileged
from .probe_checks import ProbeControl, declare_probe_controls

LAYER = "capabilities"
DOCKER_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
    "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"))
PODMAN_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"))
CRIO_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "SETGID", "SETUID", "SETPCAP",
    "NET_BIND_SERVICE", "KILL"))
DEFAULT_CAPS = {"docker": DOCKER_DEFAULT_CAPS, "podman": PODMAN_DEFAULT_CAPS}
# Bit order of the kernel's capability masks (/proc/PID/status Cap*).
CAPABILITY_NAMES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
)


# The engines' configuration ------------------------------------------------------------

def default_caps_check(engine, key, label, allowed):
    """The check that the engine's default capability list `key` adds nothing to `allowed`."""
    def check(ctx):
        config = getattr(ctx, engine)
        setting = config.typed(key, list, sorted(allowed))
        caps = {str(c).upper().replace("CAP_", "") for c in setting.value}
        extra = sorted(caps - allowed)
        evidence = [setting.describe(label)]
        if extra:
            evidence.append("beyond the engine's minimal default: %s" % ", ".join(extra))
        elif engine == "podman":
            privileged, line = podman_privileged(config)
            if privileged:
                return judged(False, evidence + [line, "every container gets every capability"])
        return judged(not extra, evidence)
    return check


control(id="podman-default-capabilities", layer=LAYER, engine="podman",
        title="Podman's default capability set adds nothing to the stock minimum",
        rationale="Every capability in default_capabilities is granted to every container.",
        remediation=Remediation("capabilities", {"stockade_capabilities_podman_default": sorted(PODMAN_DEFAULT_CAPS)},
                                "set [containers] default_capabilities to the minimal set"),
        check=default_caps_check("podman", "containers.default_capabilities", "[containers] default_capabilities",
                                 PODMAN_DEFAULT_CAPS))


def _rootless_podman_caps(ctx, user):
    config = ctx.rootless_podman(user)
    privileged, line = podman_privileged(config)
    setting = config.typed("containers.default_capabilities", list, sorted(PODMAN_DEFAULT_CAPS))
    extra = sorted({str(c).upper().replace("CAP_", "") for c in setting.value} - PODMAN_DEFAULT_CAPS)
    evidence = [setting.describe("[containers] default_capabilities")]
    if extra:
        evidence.append("beyond the engine's minimal default: %s (held in the user's namespace, where they still "
                        "reach kernel code an unprivileged user cannot: netfilter, mounts, ...)" % ", ".join(extra))
        return Verdict(False, evidence, fix_in(setting, "drop %s from [containers] default_capabilities" % ", ".join(extra)))
    if privileged:
        return Verdict(False, [line, "every container this user starts gets every capability"],
                       fix_in(config.get("containers.privileged"), "remove [containers] privileged"))
    return Verdict(True, evidence)


control(id="podman-rootless-default-capabilities", layer=LAYER, engine="podman",
        title="Every rootless user's Podman default capability set adds nothing to the stock minimum",
        rationale="A rootless user's default_capabilities is granted to every container that user starts; "
                  "capabilities in a user namespace still open kernel code to the container.",
        remediation=Remediation(None, {}, "remove the added capabilities (or privileged) from " + PODMAN_USER_FILES),
        check=per_user_check(_rootless_podman_caps))

control(id="crio-default-capabilities", layer=LAYER, engine="crio",
        title="CRI-O's default capability set adds nothing to the stock minimum",
        rationale="Every capability in default_capabilities is granted to every container.",
        remediation=Remediation("capabilities", {"stockade_capabilities_crio_default": sorted(CRIO_DEFAULT_CAPS)},
                                "set [crio.runtime] default_capabilities to the minimal set"),
        check=default_caps_check("crio", "crio.runtime.default_capabilities", "[crio.runtime] default_capabilities",
                                 CRIO_DEFAULT_CAPS))


# Running containers --------------------------------------------------------------------

def _privileged(container, ctx, engine):
    return "runs --privileged" if container.privileged else None


def _extra_caps(container, ctx, engine):
    extra = sorted(set(container.cap_add) - DEFAULT_CAPS[engine])
    return "adds capabilities %s" % ", ".join(extra) if extra else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-privileged", cis="5.5", predicate=_privileged,
                     title="No running container is privileged",
                     rationale="--privileged grants all capabilities and devices and disables seccomp, SELinux "
                               "separation and the read-only kernel file systems.",
                     fix="recreate the container without --privileged"),
    ContainerControl(suffix="containers-capabilities", cis="5.4", predicate=_extra_caps,
                     title="Running containers add no capabilities beyond the engine default",
                     rationale="Every added capability widens what a compromised process may do to the kernel.",
                     fix="recreate the container without --cap-add beyond the engine's default set"),
))


# The probe container -------------------------------------------------------------------

def capability_names(mask_hex):
    """Names of the capabilities set in a /proc/PID/status Cap* hex mask."""
    mask = int(mask_hex, 16)
    return [CAPABILITY_NAMES[bit] if bit < len(CAPABILITY_NAMES) else "bit%d" % bit
            for bit in range(64) if (mask >> bit) & 1]


def _inside_capabilities(report, engine):
    names = capability_names(report.get("cap_eff", "0"))
    extra = sorted(set(names) - DEFAULT_CAPS[engine])
    evidence = ["inside: CapEff %s = %s" % (report.get("cap_eff"), ",".join(names) or "none")]
    if extra:
        evidence.append("beyond the engine's minimal default: %s" % ", ".join(extra))
    return not extra, evidence


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-capabilities", judge=_inside_capabilities,
                 title="A new container's effective capabilities are within the minimal default"),
))


# Containers no engine reported ---------------------------------------------------------

ENGINE_DEFAULT_CAPS = DOCKER_DEFAULT_CAPS | PODMAN_DEFAULT_CAPS


def _kernel_extra_caps(kernel, ctx):
    """Effective capabilities beyond what any engine grants by default, in any
    live process of the container. gVisor's sandbox processes hold runsc's own
    set; the workload's capabilities are the sentry's."""
    if kernel.sandbox:
        return None
    processes = [p for p in kernel.processes if not p.zombie] or None
    statuses = [(p.pid, p.name, p.status) for p in processes] if processes else [(None, "init", kernel.status)]
    found = []
    for pid, name, status in statuses:
        mask = status.get("CapEff")
        if mask is None:
            continue
        extra = sorted(set(capability_names(mask)) - ENGINE_DEFAULT_CAPS)
        if extra:
            found.append("%s has %s" % ("pid %d (%s)" % (pid, name) if pid else "its init process", ",".join(extra)))
    if not found and all(s.get("CapEff") is None for dummy, dummy2, s in statuses):
        return "its processes' capabilities could not be read"
    if found and kernel.uid_map and not kernel.uid_map.startswith("0 0 "):
        found.append("(capabilities of its own user namespace: %s)" % kernel.uid_map.replace("\n", "; "))
    return "; ".join(found) or None


declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-capabilities", predicate=_kernel_extra_caps,
                           title="Containers no running engine reported hold no capability beyond the engines' "
                                 "default set",
                           rationale="Every capability beyond the default widens what a compromised process may do "
                                     "to the kernel (all of them: a privileged container), whoever started it.",
                           fix="recreate the container without added capabilities or --privileged"),
))
