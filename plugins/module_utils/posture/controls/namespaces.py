# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer namespaces: containers get private namespaces, Docker's default
bridge does not connect them to each other or proxy through the host, and no
running container shares a host namespace or mount propagation."""

from __future__ import annotations

from ..model import Remediation, judged
from ..registry import control
from .docker_daemon_checks import daemon_flag_check, effective_value
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
)

LAYER = "namespaces"
PODMAN_NAMESPACES = ("pidns", "netns", "ipcns", "utsns", "cgroupns")
NAMESPACE_FIX = "namespaces"


# The engines' configuration ------------------------------------------------------------

control(id="docker-icc-disabled", layer=LAYER, engine="docker",
        title="Containers on Docker's default bridge cannot talk to each other (icc: false)",
        rationale="With icc enabled any container can reach every other container's ports "
                  "on the default bridge.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_icc": False},
                                'set "icc": false in daemon.json'),
        check=daemon_flag_check("icc", False, True), cis="2.2")

control(id="docker-userland-proxy-disabled", layer=LAYER, engine="docker",
        title="dockerd does not run the userland proxy (userland-proxy: false)",
        rationale="The userland proxy is a host process per published port; iptables/nftables "
                  "forwarding avoids it.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_userland_proxy": False},
                                'set "userland-proxy": false in daemon.json'),
        check=daemon_flag_check("userland-proxy", False, True), cis="2.16")

control(id="docker-iptables", layer=LAYER, engine="docker",
        title="dockerd manages the firewall rules that isolate container networks (iptables: true)",
        rationale="With iptables off, dockerd sets no rules: icc: false, the isolation between bridge "
                  "networks and the address a port is published on are no longer enforced.",
        remediation=Remediation(None, {}, 'remove "iptables": false from daemon.json and --iptables=false '
                                          'from the unit'),
        check=daemon_flag_check("iptables", True, True), cis="2.4")


def check_docker_cgroupns(ctx):
    config = ctx.docker
    setting, value = effective_value(config, "default-cgroupns-mode", None)
    evidence = [setting.describe("default-cgroupns-mode")] + config.conflict_evidence()
    if value is None:
        # dockerd's default is private on a cgroup v2 host, host on v1.
        v2 = ctx.host.exists("/sys/fs/cgroup/cgroup.controllers")
        evidence.append("engine default on this host: %s (cgroup %s)" % (
            "private" if v2 else "host", "v2" if v2 else "v1 or unknown"))
        value = "private" if v2 else "host"
    return judged(value == "private" and not config.conflicts, evidence)


control(id="docker-cgroupns-private", layer=LAYER, engine="docker",
        title="Docker containers get a private cgroup namespace by default",
        rationale="In the host cgroup namespace a container sees the host's cgroup tree.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_cgroupns_mode": "private"},
                                'set "default-cgroupns-mode": "private" in daemon.json'),
        check=check_docker_cgroupns)


def check_podman_namespaces(ctx):
    shared = []
    evidence = []
    for name in PODMAN_NAMESPACES:
        setting = ctx.podman.typed("containers." + name, str, "private")
        evidence.append(setting.describe("[containers] " + name))
        if setting.value == "host":
            shared.append(name)
    return judged(not shared, evidence)


control(id="podman-namespaces-private", layer=LAYER, engine="podman",
        title="Podman's default namespaces are private (not host)",
        rationale="A host pid, net, ipc, uts or cgroup namespace in containers.conf applies "
                  "to every container.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_podman": {
            name: "private" for name in PODMAN_NAMESPACES}},
            "remove the host namespace settings from containers.conf"),
        check=check_podman_namespaces)


# Running containers --------------------------------------------------------------------

def _shares_host(container, kind, mode, word):
    """Whether the container shares the host's `kind` namespace: the kernel's
    answer (the init process's /proc/PID/ns link against the host's) when it
    can be read, else the engine's mode. Podman 4.3 reports --ipc host as
    IpcMode "shareable"; the kernel does not mistake it."""
    if container.shared_namespaces is not None:
        if kind not in container.shared_namespaces:
            return None
        namespace, whose = container.shared_namespaces[kind]
        return "shares the host %s namespace (%s, the same as %s)" % (word, namespace, whose)
    return "shares the host %s namespace" % word if mode == "host" else None


def _host_network(container, ctx, engine):
    return _shares_host(container, "net", container.network_mode, "network")


def _host_pid(container, ctx, engine):
    return _shares_host(container, "pid", container.pid_mode, "PID")


def _host_ipc(container, ctx, engine):
    return _shares_host(container, "ipc", container.ipc_mode, "IPC")


def _host_uts(container, ctx, engine):
    return _shares_host(container, "uts", container.uts_mode, "UTS")


def _shared_propagation(container, ctx, engine):
    shared = [m.describe() for m in container.engine_mounts if m.propagation in ("shared", "rshared")]
    return "shared mount propagation: %s" % ", ".join(shared) if shared else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-host-network", cis="5.10", predicate=_host_network,
                     title="No running container shares the host network namespace",
                     rationale="A container in the host network namespace can reach every host service and "
                               "sniff traffic.",
                     fix="recreate the container without --network host"),
    ContainerControl(suffix="containers-host-pid", cis="5.16", predicate=_host_pid,
                     title="No running container shares the host PID namespace",
                     rationale="A container in the host PID namespace sees and can signal every host process.",
                     fix="recreate the container without --pid host"),
    ContainerControl(suffix="containers-host-ipc", cis="5.17", predicate=_host_ipc,
                     title="No running container shares the host IPC namespace",
                     rationale="In the host IPC namespace a container reaches the host's shared memory and "
                               "message queues.",
                     fix="recreate the container without --ipc host"),
    ContainerControl(suffix="containers-host-uts", cis="5.21", predicate=_host_uts,
                     title="No running container shares the host UTS namespace",
                     rationale="In the host UTS namespace a container can rename the host.",
                     fix="recreate the container without --uts host"),
    ContainerControl(suffix="containers-mount-propagation", cis="5.20", predicate=_shared_propagation,
                     title="No running container mounts a volume with shared propagation",
                     rationale="With shared propagation a mount made inside the container appears on the host, "
                               "and the host's inside the container.",
                     fix="recreate the container without shared/rshared bind propagation"),
))
NAMESPACE_WORDS = {"pid": "PID", "net": "network", "ipc": "IPC", "uts": "UTS"}


def _kernel_host_namespaces(kernel, ctx):
    if kernel.shared_namespaces is None:
        return "its namespaces could not be compared with PID 1's"
    found = sorted(kernel.shared_namespaces.items())
    shared = ["%s (%s)" % (NAMESPACE_WORDS[kind], link) for kind, (link, whose) in found]
    return "shares the host %s namespace%s with %s" % (", ".join(shared), "s" if len(shared) > 1 else "",
                                                       found[0][1][1]) if shared else None


declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-host-namespaces", predicate=_kernel_host_namespaces,
                           title="Containers no running engine reported share no host PID, network, IPC or "
                                 "UTS namespace",
                           rationale="A container in a host namespace sees and reaches the host's processes, "
                                     "services or shared memory, whoever started it.",
                           fix="recreate the container without host namespaces (ctr run: without --net-host)"),
))
