# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer operations, CIS Docker Benchmark 1.6.0 section 2: dockerd settings
that confine no container: logging, registries, storage, ulimits, cgroup
parent, live restore, experimental features. All advisory.

Each is judged on what dockerd will run with (flags and daemon.json, as
docker_daemon merges them) and, when the daemon answers, on what it runs
with now (its /info): a setting changed but not yet restarted is a fail."""

from __future__ import annotations

from ...readers.hostfs import ConfigError
from ...model import Remediation, judged, not_applicable, render_value
from ...registry import control
from ..docker_daemon_checks import effective_value, running_info

LAYER = "operations"
# Log drivers that send container logs off the host (dockerd 20.10-28).
REMOTE_LOG_DRIVERS = frozenset(("syslog", "gelf", "fluentd", "awslogs", "splunk", "gcplogs", "logentries",
                                "etwlogs"))
# dockerd always trusts these without TLS; only others are the admin's choice.
LOOPBACK_CIDRS = frozenset(("127.0.0.0/8", "::1/128"))


def _fix(text):
    return Remediation(None, {}, text)


def _setting_and_running(ctx, key, default, info_field, good):
    """A daemon setting judged twice: as configured (flags, daemon.json) and
    as the running dockerd reports it in /info, when it answers. `good`
    judges a value of either; returns the outcome."""
    setting, value = effective_value(ctx.docker, key, default)
    evidence = [setting.describe(key)]
    ok = good(value)
    info = running_info(ctx)
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


def check_log_level(ctx):
    level_setting, level = effective_value(ctx.docker, "log-level", "info")
    debug_setting, debug = effective_value(ctx.docker, "debug", False)
    evidence = [level_setting.describe("log-level"), debug_setting.describe("debug")]
    ok = str(level).lower() == "info" and debug is not True
    info = running_info(ctx)
    if info is not None and info.get("Debug"):
        evidence.append("running dockerd: debug mode on")
        ok = False
    return judged(ok, evidence)


control(id="docker-log-level", layer=LAYER, engine="docker", cis="2.3", required=False,
        title="dockerd logs at level info",
        rationale="Below info, events an investigation needs are missing; debug logs too much to read.",
        remediation=_fix('remove "log-level" and "debug" from daemon.json, or set "log-level": "info"'),
        check=check_log_level)


def check_insecure_registries(ctx):
    setting = ctx.docker.get("insecure-registries")
    configured = _as_list(setting, "insecure-registries")
    evidence = [setting.describe("insecure-registries")]
    ok = not configured
    info = running_info(ctx)
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


control(id="docker-insecure-registries", layer=LAYER, engine="docker", cis="2.5", required=False,
        title="dockerd trusts no registry without TLS (insecure-registries)",
        rationale="An image pulled over plain HTTP, or from a registry whose certificate is not "
                  "checked, can be replaced on the way.",
        remediation=_fix('remove "insecure-registries" from daemon.json'),
        check=check_insecure_registries)


def check_storage_driver(ctx):
    return _setting_and_running(ctx, "storage-driver", None, "Driver", lambda driver: driver != "aufs")


control(id="docker-storage-driver", layer=LAYER, engine="docker", cis="2.6", required=False,
        title="dockerd does not use the aufs storage driver",
        rationale="aufs is unmaintained and out of the mainline kernel.",
        remediation=_fix('set "storage-driver": "overlay2" in daemon.json'),
        check=check_storage_driver)


def check_default_ulimits(ctx):
    setting = ctx.docker.get("default-ulimits")
    return judged(bool(setting.value), [setting.describe("default-ulimits")])


control(id="docker-default-ulimits", layer=LAYER, engine="docker", cis="2.8", required=False,
        title="dockerd sets default ulimits for containers",
        rationale="Without default ulimits a container inherits dockerd's own, which are high.",
        remediation=_fix('set "default-ulimits" in daemon.json (e.g. nofile and nproc)'),
        check=check_default_ulimits)


def check_cgroup_parent(ctx):
    setting = ctx.docker.get("cgroup-parent")
    return judged(not setting.value, [setting.describe("cgroup-parent")])


control(id="docker-cgroup-parent", layer=LAYER, engine="docker", cis="2.10", required=False,
        title="dockerd places containers under its default cgroup parent",
        rationale="A cgroup-parent of the daemon moves every container's limits under another "
                  "cgroup; CIS asks to confirm such a setting.",
        remediation=_fix('remove "cgroup-parent" from daemon.json, or waive this control once confirmed'),
        check=check_cgroup_parent)


def check_base_device_size(ctx):
    setting = ctx.docker.get("storage-opts")
    options = _as_list(setting, "storage-opts")
    changed = [option for option in options if option.replace(" ", "").startswith("dm.basesize")]
    return judged(not changed, [setting.describe("storage-opts")])


control(id="docker-base-device-size", layer=LAYER, engine="docker", cis="2.11", required=False,
        title="dockerd does not change the base device size (dm.basesize)",
        rationale="A larger base device lets every container use more of the host's disk.",
        remediation=_fix('remove dm.basesize from "storage-opts"'),
        check=check_base_device_size)


def check_remote_logging(ctx):
    return _setting_and_running(ctx, "log-driver", "json-file", "LoggingDriver",
                                lambda driver: driver in REMOTE_LOG_DRIVERS)


control(id="docker-remote-logging", layer=LAYER, engine="docker", cis="2.13", required=False,
        title="Container logs go to a central log service (remote log driver)",
        rationale="Logs kept only on the host are lost with it and can be altered by whoever "
                  "controls it.",
        remediation=_fix('set "log-driver" to syslog, gelf, fluentd, splunk or another remote driver'),
        check=check_remote_logging)


def _swarm_active(info):
    return ((info or {}).get("Swarm") or {}).get("LocalNodeState") == "active"


def check_live_restore(ctx):
    if _swarm_active(running_info(ctx)):
        return not_applicable("swarm mode is active: live restore does not apply to it")
    return _setting_and_running(ctx, "live-restore", False, "LiveRestoreEnabled",
                                lambda enabled: enabled is True)


control(id="docker-live-restore", layer=LAYER, engine="docker", cis="2.15", required=False,
        title="Containers keep running while dockerd restarts (live-restore)",
        rationale="Without live restore, every daemon restart (an upgrade, a configuration change) "
                  "stops every container.",
        remediation=_fix('set "live-restore": true in daemon.json'),
        check=check_live_restore)


def check_experimental(ctx):
    return _setting_and_running(ctx, "experimental", False, "ExperimentalBuild",
                                lambda enabled: enabled is not True)


control(id="docker-experimental-off", layer=LAYER, engine="docker", cis="2.18", required=False,
        title="dockerd runs without experimental features",
        rationale="Experimental features are not meant for production and change without notice.",
        remediation=_fix('remove "experimental" from daemon.json'),
        check=check_experimental)
