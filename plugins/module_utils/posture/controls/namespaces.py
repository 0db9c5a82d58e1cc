# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer namespaces: containers get private namespaces, and Docker's default
bridge does not connect them to each other or proxy through the host."""

from __future__ import annotations

from ..model import Remediation, judged
from ..registry import control
from .docker_daemon_checks import daemon_flag_check, effective_value

PODMAN_NAMESPACES = ("pidns", "netns", "ipcns", "utsns", "cgroupns")
NAMESPACE_FIX = "namespaces"

control(id="docker-icc-disabled", layer="namespaces", engine="docker", cis="2.2",
        title="Containers on Docker's default bridge cannot talk to each other (icc: false)",
        rationale="With icc enabled any container can reach every other container's ports "
                  "on the default bridge.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_icc": False},
                                'set "icc": false in daemon.json'),
        )(daemon_flag_check("icc", False, True))

control(id="docker-userland-proxy-disabled", layer="namespaces", engine="docker", cis="2.16",
        title="dockerd does not run the userland proxy (userland-proxy: false)",
        rationale="The userland proxy is a host process per published port; iptables/nftables "
                  "forwarding avoids it.",
        remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_userland_proxy": False},
                                'set "userland-proxy": false in daemon.json'),
        )(daemon_flag_check("userland-proxy", False, True))


control(id="docker-iptables", layer="namespaces", engine="docker", cis="2.4",
        title="dockerd manages the firewall rules that isolate container networks (iptables: true)",
        rationale="With iptables off, dockerd sets no rules: icc: false, the isolation between bridge "
                  "networks and the address a port is published on are no longer enforced.",
        remediation=Remediation(None, {}, 'remove "iptables": false from daemon.json and --iptables=false '
                                          'from the unit'),
        )(daemon_flag_check("iptables", True, True))


@control(id="docker-cgroupns-private", layer="namespaces", engine="docker",
         title="Docker containers get a private cgroup namespace by default",
         rationale="In the host cgroup namespace a container sees the host's cgroup tree.",
         remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_docker_cgroupns_mode": "private"},
                                 'set "default-cgroupns-mode": "private" in daemon.json'))
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


@control(id="podman-namespaces-private", layer="namespaces", engine="podman",
         title="Podman's default namespaces are private (not host)",
         rationale="A host pid, net, ipc, uts or cgroup namespace in containers.conf applies "
                   "to every container.",
         remediation=Remediation(NAMESPACE_FIX, {"stockade_namespaces_podman": {
             name: "private" for name in PODMAN_NAMESPACES}},
             "remove the host namespace settings from containers.conf"))
def check_podman_namespaces(ctx):
    shared = []
    evidence = []
    for name in PODMAN_NAMESPACES:
        setting = ctx.podman.typed("containers." + name, str, "private")
        evidence.append(setting.describe("[containers] " + name))
        if setting.value == "host":
            shared.append(name)
    return judged(not shared, evidence)
