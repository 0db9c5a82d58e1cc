# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer no_new_privs: exec cannot gain privileges (setuid, file capabilities):
dockerd's default, every running container, and a probe container."""

from __future__ import annotations

from ..model import Remediation, not_applicable
from ..registry import control
from .docker_daemon_checks import daemon_flag_check
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
    processes_where,
)
from .per_user import NO_DOCKER_ROOTLESS, Verdict, per_user_check
from .probe_checks import ProbeControl, declare_probe_controls

LAYER = "no_new_privs"
# Podman 4.3.1 (Debian 12) and 5.4.2 (Debian 13, containers-common 0.62.2) both
# ignore `no_new_privileges = true` in containers.conf: an unknown key, so even a
# string there passes their parser, while the same drop-in's seccomp_profile
# applies (tests/lab/hardened/test_engines_current.py, on both lab guests).
PODMAN_NNP_IGNORED_IN = ("4.3.1", "5.4.2")


# The engines' configuration ------------------------------------------------------------

control(
    id="docker-no-new-privileges", layer=LAYER, engine="docker",
    title="dockerd sets no_new_privs on every container by default",
    rationale="With no-new-privileges a setuid binary or file capability inside a container "
              "cannot raise the privileges of the process that runs it.",
    remediation=Remediation("no_new_privs", {"stockade_no_new_privs_docker": True},
                            'set "no-new-privileges": true in daemon.json'),
    check=daemon_flag_check("no-new-privileges", True, False, running_option="no-new-privileges",
                            running_since=(26,)),
    cis="2.14",
)
# `docker info` lists name=no-new-privileges when it is on in Docker 26.1.5 (Debian 13,
# seen in the lab) but not in 20.10.24 (Debian 12), whose running daemon is judged only by
# its running containers (docker-containers-no-new-privileges, /proc/PID/status).


def check_podman_no_new_privs_default(ctx):
    version = ctx.engine_version("podman")
    return not_applicable(
        "%s has no engine-wide no_new_privs setting: containers.conf's no_new_privileges is ignored "
        "(seen on Podman %s); set it per container with --security-opt no-new-privileges. Running containers "
        "are judged by podman-containers-no-new-privileges." % (
            version.describe() if version else "Podman (version unknown)", " and ".join(PODMAN_NNP_IGNORED_IN)))


control(
    id="podman-no-new-privileges", layer=LAYER, engine="podman",
    title="Podman sets no_new_privs by default",
    rationale="Podman (containers.conf) has no daemon-wide switch; only "
              "--security-opt no-new-privileges per container sets it.",
    remediation=Remediation(None, {}, "run containers with --security-opt no-new-privileges"),
    check=check_podman_no_new_privs_default,
)


def _rootless_docker_no_new_privs(ctx, user):
    documents = ctx.rootless_docker(user)
    if documents is None:
        return None
    evidence, ok, path = [], True, None
    for version, document in sorted(documents.items()):
        value = document.effective("no-new-privileges")
        evidence.append('"no-new-privileges" = %s (%s, as dockerd %s reads it)' % (
            "true" if value else "false" if value is False else "(unset)", document.path, version))
        ok = ok and value is True
        path = document.path
    return Verdict(ok, evidence, None if ok else 'set "no-new-privileges": true in %s' % path)


control(
    id="docker-rootless-no-new-privileges", layer=LAYER, engine="docker",
    title="Every rootless user's dockerd sets no_new_privs on every container by default",
    rationale="dockerd-rootless reads the user's own ~/.config/docker/daemon.json, not /etc/docker/daemon.json: "
              "the system setting does not reach the containers that user starts.",
    remediation=Remediation(None, {}, 'set "no-new-privileges": true in the user\'s ~/.config/docker/daemon.json'),
    check=per_user_check(_rootless_docker_no_new_privs, unused=NO_DOCKER_ROOTLESS),
)
# Rootless Podman has no such control: containers.conf has no no_new_privs key any
# version honours (PODMAN_NNP_IGNORED_IN), so a user's file can neither set nor clear
# it; a rootless user's running containers are judged by host-containers-no-new-privileges.


def check_crio_no_new_privs_default(ctx):
    return not_applicable("CRI-O has no engine-wide no_new_privs setting; "
                          "it follows each pod's allowPrivilegeEscalation: false.")


control(
    id="crio-no-new-privileges", layer=LAYER, engine="crio",
    title="CRI-O sets no_new_privs by default",
    rationale="CRI-O follows each pod's securityContext.allowPrivilegeEscalation.",
    remediation=Remediation(None, {}, "set allowPrivilegeEscalation: false in pod specs"),
    check=check_crio_no_new_privs_default,
)


# Running containers --------------------------------------------------------------------

def _nnp_unset_in_kernel(kernel):
    """Why a process of the container can gain privileges by exec, or None (no status: None)."""
    flag = kernel.status.get("NoNewPrivs")
    if flag is not None and flag != "1":
        return "its init process has NoNewPrivs: %s" % flag
    unset = processes_where(kernel, lambda status: status.get("NoNewPrivs", "1") != "1")
    return "%s without NoNewPrivs: 1" % ", ".join(unset) if unset else None


def _no_nnp(container, ctx, engine):
    if container.proc_status.get("NoNewPrivs") is not None:
        return _nnp_unset_in_kernel(container.kernel)
    return None if container.opt("no-new-privileges") in ("true", "") else \
        "no no-new-privileges security option"


def _kernel_no_nnp(kernel, ctx):
    if "NoNewPrivs" not in kernel.status:
        return "its init process's status could not be read"
    return _nnp_unset_in_kernel(kernel)


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-no-new-privileges", cis="5.26", predicate=_no_nnp,
                     title="Running containers have no_new_privs set",
                     rationale="Without no_new_privs a setuid binary inside the container can gain privileges.",
                     fix="recreate the container with --security-opt no-new-privileges"),
))
declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-no-new-privileges", predicate=_kernel_no_nnp,
                           title="Containers no running engine reported have no_new_privs set",
                           rationale="Without no_new_privs a setuid binary inside any container can gain "
                                     "privileges, whoever started it.",
                           fix="recreate the container with no-new-privileges (podman/docker --security-opt "
                               "no-new-privileges; ctr run has no such flag: set it in the OCI spec)"),
))


# The probe container -------------------------------------------------------------------

def _inside_no_new_privs(report, engine):
    return report.get("no_new_privs") == "1", ["inside: NoNewPrivs: %s" % report.get("no_new_privs")]


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-no-new-privs", judge=_inside_no_new_privs, required_on=("docker",),
                 title="A new container has no_new_privs set (NoNewPrivs: 1)"),
))
