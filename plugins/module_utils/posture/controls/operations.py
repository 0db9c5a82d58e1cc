# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations: dockerd settings the CIS Docker Benchmark 1.6.0 asks for
that confine no container (section 2 and 1.1.1, 5.1): logging, registries,
storage, live restore, experimental features, swarm mode. All advisory.

Each is judged on what dockerd will run with (flags and daemon.json, as
docker_daemon merges them) and, when the daemon answers, on what it runs
with now (its /info): a setting changed but not yet restarted is a fail."""

from __future__ import annotations

import posixpath
import re

from ..readers.hostfs import ConfigError
from ..model import Remediation, judged, not_applicable, render_value
from ..registry import control
from .docker_daemon_checks import effective_value

LAYER = "operations"
DEFAULT_DATA_ROOT = "/var/lib/docker"
# Log drivers that send container logs off the host (dockerd 20.10-28).
REMOTE_LOG_DRIVERS = frozenset(("syslog", "gelf", "fluentd", "awslogs", "splunk", "gcplogs", "logentries",
                                "etwlogs"))
# dockerd always trusts these without TLS; only others are the admin's choice.
LOOPBACK_CIDRS = frozenset(("127.0.0.0/8", "::1/128"))
USERNS_SUBDIR = re.compile(r"^\d+\.\d+$")


def _fix(text):
    return Remediation(None, {}, text)


def _running_info(ctx):
    view = ctx.live("docker")
    return view.info if view.available else None


def _setting_and_running(ctx, key, default, info_field, good):
    """A daemon setting judged twice: as configured (flags, daemon.json) and
    as the running dockerd reports it in /info, when it answers. `good`
    judges a value of either; returns the outcome."""
    setting, value = effective_value(ctx.docker, key, default)
    evidence = [setting.describe(key)]
    ok = good(value)
    info = _running_info(ctx)
    if info is not None:
        running = info.get(info_field)
        evidence.append("running dockerd: %s %s" % (info_field, render_value(running)))
        ok = ok and good(running)
    return judged(ok, evidence)


def _as_list(setting, key):
    """A list-valued setting (flags repeat, daemon.json gives a list)."""
    value = setting.value
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(setting.source, "%s must be a list of strings, found %s" % (key, render_value(value)))
    return value


def _unescape(field):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _own_file_system_live(ctx, path):
    """(whether `path` is the root of a file system other than its parent's,
    what /proc/self/mountinfo says). A bind mount of a directory onto itself
    (dockerd makes one of its data root at start) is a mount point on the
    same file system: it is not a partition of its own."""
    text = ctx.host.read_text("/proc/self/mountinfo") or ""
    mounts = {}
    at_path = None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5:
            continue
        mounts[fields[0]] = fields
        if _unescape(fields[4]) == path:
            at_path = fields  # a later mount on the same point hides the earlier one
    if at_path is None:
        return False, "%s is not a mount point" % path
    parent = mounts.get(at_path[1])
    if parent is not None and parent[2] == at_path[2]:
        return False, "%s is a bind mount of %s from the file system of %s (device %s), not a file " \
                      "system of its own" % (path, _unescape(at_path[3]), _unescape(parent[4]), at_path[2])
    return True, "%s is the mount point of its own file system (device %s)" % (path, at_path[2])


def _own_file_system_fstab(ctx, path):
    text = ctx.host.read_text("/etc/fstab") or ""
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 4 and not fields[0].startswith("#") and \
                posixpath.normpath(_unescape(fields[1])) == path and "bind" not in fields[3].split(","):
            return True, "%s is mounted from %s" % (path, fields[0])
    return False, "no file system is mounted on %s" % path


@control(id="docker-data-root-partition", layer=LAYER, engine="docker", cis="1.1.1", required=False,
         title="Docker's data root is a file system of its own",
         rationale="Images, containers and logs under /var/lib/docker can fill the root file system "
                   "and stop the host.",
         remediation=_fix("mount a separate file system (LVM volume, partition) on Docker's data root"))
def check_data_root_partition(ctx):
    setting, data_root = effective_value(ctx.docker, "data-root", DEFAULT_DATA_ROOT)
    evidence = [setting.describe("data-root")]
    info = _running_info(ctx)
    if info and info.get("DockerRootDir"):
        running = str(info["DockerRootDir"])
        # with userns-remap dockerd keeps its data in <data root>/<uid>.<gid>
        if USERNS_SUBDIR.match(posixpath.basename(running)):
            running = posixpath.dirname(running)
        evidence.append("running dockerd: DockerRootDir %s" % info["DockerRootDir"])
        data_root = running
    data_root = posixpath.normpath(str(data_root))
    if ctx.host.is_live:
        mounted, line = _own_file_system_live(ctx, data_root)
        evidence.append("/proc/self/mountinfo: " + line)
    else:
        mounted, line = _own_file_system_fstab(ctx, data_root)
        evidence.append("/etc/fstab: " + line)
    return judged(mounted, evidence)


@control(id="docker-log-level", layer=LAYER, engine="docker", cis="2.3", required=False,
         title="dockerd logs at level info",
         rationale="Below info, events an investigation needs are missing; debug logs too much to read.",
         remediation=_fix('remove "log-level" and "debug" from daemon.json, or set "log-level": "info"'))
def check_log_level(ctx):
    level_setting, level = effective_value(ctx.docker, "log-level", "info")
    debug_setting, debug = effective_value(ctx.docker, "debug", False)
    evidence = [level_setting.describe("log-level"), debug_setting.describe("debug")]
    ok = str(level).lower() == "info" and debug is not True
    info = _running_info(ctx)
    if info is not None and info.get("Debug"):
        evidence.append("running dockerd: debug mode on")
        ok = False
    return judged(ok, evidence)


@control(id="docker-insecure-registries", layer=LAYER, engine="docker", cis="2.5", required=False,
         title="dockerd trusts no registry without TLS (insecure-registries)",
         rationale="An image pulled over plain HTTP, or from a registry whose certificate is not "
                   "checked, can be replaced on the way.",
         remediation=_fix('remove "insecure-registries" from daemon.json'))
def check_insecure_registries(ctx):
    setting = ctx.docker.get("insecure-registries")
    configured = _as_list(setting, "insecure-registries")
    evidence = [setting.describe("insecure-registries")]
    ok = not configured
    info = _running_info(ctx)
    if info is not None:
        registry = info.get("RegistryConfig") or {}
        cidrs = sorted(set(registry.get("InsecureRegistryCIDRs") or []) - LOOPBACK_CIDRS)
        names = sorted(name for name, index in (registry.get("IndexConfigs") or {}).items()
                       if isinstance(index, dict) and index.get("Secure") is False)
        running = cidrs + names
        evidence.append("running dockerd: insecure registries %s (loopback is always allowed)" % (
            ", ".join(running) or "none"))
        ok = ok and not running
    return judged(ok, evidence)


@control(id="docker-storage-driver", layer=LAYER, engine="docker", cis="2.6", required=False,
         title="dockerd does not use the aufs storage driver",
         rationale="aufs is unmaintained and out of the mainline kernel.",
         remediation=_fix('set "storage-driver": "overlay2" in daemon.json'))
def check_storage_driver(ctx):
    return _setting_and_running(ctx, "storage-driver", None, "Driver", lambda driver: driver != "aufs")


@control(id="docker-default-ulimits", layer=LAYER, engine="docker", cis="2.8", required=False,
         title="dockerd sets default ulimits for containers",
         rationale="Without default ulimits a container inherits dockerd's own, which are high.",
         remediation=_fix('set "default-ulimits" in daemon.json (e.g. nofile and nproc)'))
def check_default_ulimits(ctx):
    setting = ctx.docker.get("default-ulimits")
    return judged(bool(setting.value), [setting.describe("default-ulimits")])


@control(id="docker-cgroup-parent", layer=LAYER, engine="docker", cis="2.10", required=False,
         title="dockerd places containers under its default cgroup parent",
         rationale="A cgroup-parent of the daemon moves every container's limits under another "
                   "cgroup; CIS asks to confirm such a setting.",
         remediation=_fix('remove "cgroup-parent" from daemon.json, or waive this control once confirmed'))
def check_cgroup_parent(ctx):
    setting = ctx.docker.get("cgroup-parent")
    return judged(not setting.value, [setting.describe("cgroup-parent")])


@control(id="docker-base-device-size", layer=LAYER, engine="docker", cis="2.11", required=False,
         title="dockerd does not change the base device size (dm.basesize)",
         rationale="A larger base device lets every container use more of the host's disk.",
         remediation=_fix('remove dm.basesize from "storage-opts"'))
def check_base_device_size(ctx):
    setting = ctx.docker.get("storage-opts")
    options = _as_list(setting, "storage-opts")
    changed = [option for option in options if option.replace(" ", "").startswith("dm.basesize")]
    return judged(not changed, [setting.describe("storage-opts")])


@control(id="docker-remote-logging", layer=LAYER, engine="docker", cis="2.13", required=False,
         title="Container logs go to a central log service (remote log driver)",
         rationale="Logs kept only on the host are lost with it and can be altered by whoever "
                   "controls it.",
         remediation=_fix('set "log-driver" to syslog, gelf, fluentd, splunk or another remote driver'))
def check_remote_logging(ctx):
    return _setting_and_running(ctx, "log-driver", "json-file", "LoggingDriver",
                                lambda driver: driver in REMOTE_LOG_DRIVERS)


def _swarm_active(info):
    return ((info or {}).get("Swarm") or {}).get("LocalNodeState") == "active"


@control(id="docker-live-restore", layer=LAYER, engine="docker", cis="2.15", required=False,
         title="Containers keep running while dockerd restarts (live-restore)",
         rationale="Without live restore, every daemon restart (an upgrade, a configuration change) "
                   "stops every container.",
         remediation=_fix('set "live-restore": true in daemon.json'))
def check_live_restore(ctx):
    if _swarm_active(_running_info(ctx)):
        return not_applicable("swarm mode is active: live restore does not apply to it")
    return _setting_and_running(ctx, "live-restore", False, "LiveRestoreEnabled",
                                lambda enabled: enabled is True)


@control(id="docker-experimental-off", layer=LAYER, engine="docker", cis="2.18", required=False,
         title="dockerd runs without experimental features",
         rationale="Experimental features are not meant for production and change without notice.",
         remediation=_fix('remove "experimental" from daemon.json'))
def check_experimental(ctx):
    return _setting_and_running(ctx, "experimental", False, "ExperimentalBuild",
                                lambda enabled: enabled is not True)


@control(id="docker-swarm-off", layer=LAYER, engine="docker", cis="5.1", required=False, live=True,
         title="Swarm mode is off unless the host is meant to be in a swarm",
         rationale="Swarm mode opens management ports and keeps cluster secrets on the host.",
         remediation=_fix("docker swarm leave (on hosts that are not meant to be swarm nodes)"))
def check_swarm(ctx):
    view = ctx.live("docker")
    if not view.available:
        return not_applicable(view.reason)
    state = (view.info.get("Swarm") or {}).get("LocalNodeState") or "unknown"
    return judged(state != "active", ["running dockerd: swarm LocalNodeState %s" % state])
