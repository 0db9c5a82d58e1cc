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
)(daemon_flag_check("no-new-privileges", True, False))
# Not cross-checked with `docker info`: Docker 20.10 (Debian 12) does not list
# name=no-new-privileges there even when it is on; running containers are
# judged by docker-containers-no-new-privileges from /proc/PID/status instead.


def _no_daemon_switch(engine, how):
    def check(ctx):
        return not_applicable(
            "%s has no engine-wide no_new_privs setting; %s. Running containers are judged by "
            "%s-containers-no-new-privileges." % (engine.capitalize(), how, engine)
            if engine != "crio" else
            "CRI-O has no engine-wide no_new_privs setting; %s." % how)
    check.__name__ = "check_%s_no_new_privs_default" % engine
    return check


control(
    id="podman-no-new-privileges", layer="no_new_privs", engine="podman",
    title="Podman sets no_new_privs by default",
    rationale="Podman (containers.conf) has no daemon-wide switch; only "
              "--security-opt no-new-privileges per container sets it.",
    remediation=Remediation(None, {}, "run containers with --security-opt no-new-privileges"),
)(_no_daemon_switch("podman", "set it per container with --security-opt no-new-privileges"))

control(
    id="crio-no-new-privileges", layer="no_new_privs", engine="crio",
    title="CRI-O sets no_new_privs by default",
    rationale="CRI-O follows each pod's securityContext.allowPrivilegeEscalation.",
    remediation=Remediation(None, {}, "set allowPrivilegeEscalation: false in pod specs"),
)(_no_daemon_switch("crio", "it follows each pod's allowPrivilegeEscalation: false"))
