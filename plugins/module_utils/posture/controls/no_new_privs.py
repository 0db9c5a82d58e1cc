# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer no_new_privs: exec cannot gain privileges (setuid, file capabilities)."""

from __future__ import annotations

from ..model import Remediation, not_applicable
from ..registry import control
from .docker_daemon_checks import daemon_flag_check


control(
    id="docker-no-new-privileges", layer="no_new_privs", engine="docker", cis="2.14",
    title="dockerd sets no_new_privs on every container by default",
    rationale="With no-new-privileges a setuid binary or file capability inside a container "
              "cannot raise the privileges of the process that runs it.",
    remediation=Remediation("no_new_privs", {"stockade_no_new_privs_docker": True},
                            'set "no-new-privileges": true in daemon.json'),
)(daemon_flag_check("no-new-privileges", True, False, running_option="no-new-privileges", running_since=(26,)))
# `docker info` lists name=no-new-privileges when it is on in Docker 26.1.5 (Debian 13,
# seen in the lab) but not in 20.10.24 (Debian 12), whose running daemon is judged only by
# its running containers (docker-containers-no-new-privileges, /proc/PID/status).


def _no_daemon_switch(engine, how):
    def check(ctx):
        return not_applicable("%s has no engine-wide no_new_privs setting; %s." % (engine, how))
    check.__name__ = "check_%s_no_new_privs_default" % engine
    return check


# Podman 4.3.1 (Debian 12) and 5.4.2 (Debian 13, containers-common 0.62.2) both
# ignore `no_new_privileges = true` in containers.conf: an unknown key, so even a
# string there passes their parser, while the same drop-in's seccomp_profile
# applies (tests/lab/hardened/test_engines_current.py, on both lab guests).
PODMAN_NNP_IGNORED_IN = ("4.3.1", "5.4.2")


@control(
    id="podman-no-new-privileges", layer="no_new_privs", engine="podman",
    title="Podman sets no_new_privs by default",
    rationale="Podman (containers.conf) has no daemon-wide switch; only "
              "--security-opt no-new-privileges per container sets it.",
    remediation=Remediation(None, {}, "run containers with --security-opt no-new-privileges"),
)
def check_podman_no_new_privs_default(ctx):
    version = ctx.engine_version("podman")
    return not_applicable(
        "%s has no engine-wide no_new_privs setting: containers.conf's no_new_privileges is ignored "
        "(seen on Podman %s); set it per container with --security-opt no-new-privileges. Running containers "
        "are judged by podman-containers-no-new-privileges." % (
            version.describe() if version else "Podman (version unknown)", " and ".join(PODMAN_NNP_IGNORED_IN)))


control(
    id="crio-no-new-privileges", layer="no_new_privs", engine="crio",
    title="CRI-O sets no_new_privs by default",
    rationale="CRI-O follows each pod's securityContext.allowPrivilegeEscalation.",
    remediation=Remediation(None, {}, "set allowPrivilegeEscalation: false in pod specs"),
)(_no_daemon_switch("CRI-O", "it follows each pod's allowPrivilegeEscalation: false"))
