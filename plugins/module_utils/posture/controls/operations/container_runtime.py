# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations, CIS Docker Benchmark 1.6.0 section 5: swarm mode is off
(5.1), and per running container, Docker and Podman alike, what confines
nothing but keeps one container from starving or exposing the host: resource
limits, published ports, restart policy, health checks, no sshd inside;
and every container the kernel shows that no running engine reported.
All advisory."""

from __future__ import annotations

from ...model import ERROR, Outcome, Remediation, judged, not_applicable
from ...registry import control
from ..per_container import ContainerControl, declare_container_controls

LAYER = "operations"
MAX_RESTARTS = 5
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")
# The cgroup parents an engine picks on its own (Podman: its systemd slice or cgroupfs parent).
ENGINE_CGROUP_PARENTS = {"docker": ("",), "podman": ("", "machine.slice", "/libpod_parent")}


def _no_memory_limit(container, ctx, engine):
    return None if container.memory > 0 else "no memory limit"


def _no_cpu_limit(container, ctx, engine):
    set_values = {key: value for key, value in container.cpu.items() if value not in (None, 0, "")}
    return None if set_values else "no CPU shares, quota, CPU count or CPU set"


def _no_pids_limit(container, ctx, engine):
    return None if container.pids_limit > 0 else "no PIDs limit"


def _privileged_ports(container, ctx, engine):
    low = ["%s:%d->%s" % (ip or "*", port, inside) for ip, port, inside in container.ports if port < 1024]
    return "publishes %s" % ", ".join(low) if low else None


def _published(container, ctx, engine):
    published = ["%s:%d->%s" % (ip or "*", port, inside) for ip, port, inside in container.ports]
    return "publishes %s" % ", ".join(published) if published else None


def _default_bridge(container, ctx, engine):
    return "on the default bridge network" if "bridge" in container.networks else None


def _no_ulimits(container, ctx, engine):
    if container.ulimits:
        return None
    if engine == "docker" and ctx.docker.get("default-ulimits").value:
        return None
    return "no ulimits of its own%s" % (" and no default-ulimits in daemon.json" if engine == "docker" else "")


def _wildcard_ports(container, ctx, engine):
    open_ports = ["%s:%d->%s" % (ip or "*", port, inside) for ip, port, inside in container.ports
                  if ip in WILDCARD_ADDRESSES]
    return "publishes %s on every address" % ", ".join(open_ports) if open_ports else None


def _unbounded_restarts(container, ctx, engine):
    name, retries = container.restart_policy
    if name in ("always", "unless-stopped"):
        return "restart policy %s" % name
    if name == "on-failure" and not 0 < retries <= MAX_RESTARTS:
        return "restart policy on-failure with %s retries" % (retries or "unlimited")
    return None


def _custom_cgroup_parent(container, ctx, engine):
    if container.cgroup_parent in ENGINE_CGROUP_PARENTS[engine]:
        return None
    return "cgroup parent %s" % container.cgroup_parent


def _no_healthcheck(container, ctx, engine):
    return None if container.healthcheck else "no health check"


def _runs_sshd(container, ctx, engine):
    if not container.process_names:
        return "its processes could not be read from /proc"
    sshd = sorted({name for name in container.process_names if name.startswith("sshd")})
    return "runs %s" % ", ".join(sshd) if sshd else None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-memory-limit", cis="5.11", required=False, predicate=_no_memory_limit,
                     title="Running containers have a memory limit",
                     rationale="Without a memory limit one container can push the host into out-of-memory kills "
                               "of other workloads.",
                     fix="recreate the container with --memory"),
    ContainerControl(suffix="containers-cpu-limit", cis="5.12", required=False, predicate=_no_cpu_limit,
                     title="Running containers have a CPU share, quota or CPU set",
                     rationale="Without any CPU setting one container competes with the host's own services "
                               "on equal terms.",
                     fix="recreate the container with --cpu-shares, --cpus, --cpu-quota or --cpuset-cpus"),
    ContainerControl(suffix="containers-pids-limit", cis="5.29", required=False, predicate=_no_pids_limit,
                     title="Running containers have a PIDs limit",
                     rationale="Without a PIDs limit a fork bomb in one container exhausts the host's process table.",
                     fix="recreate the container with --pids-limit"),
    ContainerControl(suffix="containers-privileged-ports", cis="5.8", required=False, predicate=_privileged_ports,
                     title="No running container publishes a privileged host port (below 1024)",
                     rationale="Ports below 1024 are where the host's own services are expected to listen.",
                     fix="publish the container on a host port of 1024 or above"),
    ContainerControl(suffix="containers-published-ports", cis="5.9", required=False, predicate=_published,
                     title="Running containers publish no ports but those confirmed as needed",
                     rationale="Every published port is a way in from the network; CIS asks to confirm each.",
                     fix="publish only the ports the service needs, then waive this control for the container"),
    ContainerControl(suffix="containers-default-bridge", cis="5.30", required=False, predicate=_default_bridge,
                     engines=("docker",),
                     title="No running container uses Docker's default bridge (docker0)",
                     rationale="On docker0 every container reaches every other unless icc is off; a network of "
                               "its own separates an application's containers from the rest.",
                     fix="docker network create APP; run the container with --network APP"),
    ContainerControl(suffix="containers-ulimits", cis="5.19", required=False, predicate=_no_ulimits,
                     title="Running containers run with ulimits set (their own or the engine's defaults)",
                     rationale="Without ulimits a container inherits the engine's own limits, which are high.",
                     fix="run the container with --ulimit, or set default ulimits for the engine"),
    ContainerControl(suffix="containers-bound-address", cis="5.14", required=False, predicate=_wildcard_ports,
                     title="Running containers publish ports on a specific host address only",
                     rationale="A port published on every address is reachable from every network the host "
                               "is on.",
                     fix="publish with an address: -p 127.0.0.1:8080:80"),
    ContainerControl(suffix="containers-restart-policy", cis="5.15", required=False, predicate=_unbounded_restarts,
                     title="No running container restarts without bound (at most on-failure:5)",
                     rationale="A container that restarts forever hides its failures and can keep the host busy; "
                               "CIS asks for on-failure with at most 5 retries, or no restarts.",
                     fix="recreate the container with --restart on-failure:5 (or no restart policy)"),
    ContainerControl(suffix="containers-cgroup-parent", cis="5.25", required=False, predicate=_custom_cgroup_parent,
                     title="Running containers use the engine's own cgroup parent",
                     rationale="A container placed under another cgroup escapes the limits the engine's parent "
                               "cgroup sets; CIS asks to confirm each such placement.",
                     fix="recreate the container without --cgroup-parent, or waive this control for it"),
    ContainerControl(suffix="containers-healthcheck", cis="5.27", required=False, predicate=_no_healthcheck,
                     title="Running containers have a health check",
                     rationale="Without a health check a hung service looks as healthy as a working one.",
                     fix="add HEALTHCHECK to the image or --health-cmd to the run"),
    ContainerControl(suffix="containers-no-sshd", cis="5.7", required=False, predicate=_runs_sshd,
                     title="No running container runs sshd",
                     rationale="An sshd inside a container is one more service to patch and one more way in; "
                               "`docker exec` is the way to a shell.",
                     fix="remove sshd from the image; use docker/podman exec"),
))


def check_swarm(ctx):
    view = ctx.live("docker")
    if not view.available:
        return not_applicable(view.reason)
    state = (view.info.get("Swarm") or {}).get("LocalNodeState") or "unknown"
    return judged(state != "active", ["running dockerd: swarm LocalNodeState %s" % state])


control(id="docker-swarm-off", layer=LAYER, engine="docker", cis="5.1", required=False,
        title="Swarm mode is off unless the host is meant to be in a swarm",
        rationale="Swarm mode opens management ports and keeps cluster secrets on the host.",
        remediation=Remediation(None, {}, "docker swarm leave (on hosts that are not meant to be swarm nodes)"),
        check=check_swarm, evidence="live")

# Containers no engine reported -----------------------------------------------------------


def check_unreported_containers(ctx):
    """Every container the kernel shows that no running engine the audit asked
    reported: a rootless user's engine, containerd driven by ctr or a CRI, a
    runsc sandbox started by hand, or an engine that did not answer. Advisory:
    their confinement is judged from the kernel by the host-containers-* controls;
    this one says they exist and who runs them, with their cgroup and command."""
    scan = ctx.kernel_containers()
    if scan is None:
        return not_applicable(ctx.live("host").reason)
    unreported, asked = ctx.unreported_containers()
    asked_text = "engines asked: %s" % (", ".join(asked) or "none running")
    if unreported:
        return judged(False, ["%d container(s) no running engine reported (%s):" % (len(unreported), asked_text)]
                      + [c.describe() for c in unreported])
    if scan.incomplete:
        return Outcome(ERROR, ["the kernel view is incomplete: %s" % scan.incomplete])
    return judged(True, ["the kernel shows %d container(s), every one reported by a running engine (%s)" % (
        len(scan.containers), asked_text)])


control(id="host-unreported-containers", layer=LAYER, engine="host", required=False, evidence="live",
        title="Every container the kernel shows is one a running engine reports",
        rationale="A container started by ctr, by a user's rootless engine or by an engine the audit does not ask "
                  "escapes every engine-side control (privileged, mounts, limits); the kernel's view still finds it.",
        remediation=Remediation(None, {}, "stop the container, or run it under an engine the audit asks "
                                          "(root's Docker or Podman)"),
        check=check_unreported_containers)
