# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper of the seccomp layer, declaring no control: the seccomp profile
each engine really applies to a default container.

How each engine reads its setting (seen on this machine unless said otherwise):
- dockerd 20.10.24 (Debian 12), daemon.json "seccomp-profile": unset or ""
  is the built-in profile; any other value, "builtin", "default" and
  "unconfined" included, is a file path, and a missing file stops dockerd
  ("opening seccomp profile (builtin) failed").
- dockerd 23+ (26.1 on Debian 13; moby daemon/config, not run here):
  "builtin" is the built-in profile and "unconfined" turns seccomp off, both
  spelled exactly so; anything else is a path.
- Podman 4.3 (containers.conf [containers] seccomp_profile): "" uses
  /etc/containers/seccomp.json, else /usr/share/containers/seccomp.json,
  else its built-in profile; "unconfined" turns seccomp off; anything else,
  "builtin" and "default" included, is a path ("opening seccomp profile
  failed: open builtin").
- CRI-O ([crio.runtime] seccomp_profile): "" is its built-in profile, else a
  path (not run here); "unconfined" is taken as no seccomp, the weaker of the
  two readings.
A profile file that decodes to no default action and no rules is seccomp off
as well (readers/seccomp.py).
"""

from __future__ import annotations

from ..engines.docker_daemon import dockerd_versions
from ..readers.dpkg_status import DPKG_STATUS
from ..readers.hostfs import ConfigError
from ..engines.live import security_options
from ..readers.seccomp import builtin_profile, load_profile
from .per_user import podman_privileged

UNCONFINED = "unconfined"
# daemon.json values whose reading depends on the dockerd version (see above)
VERSION_DEPENDENT = ("builtin", "default", UNCONFINED)
DAEMON_JSON = "/etc/docker/daemon.json"
# containers/common looks for an admin override before the packaged default.
CONTAINERS_PROFILE_PATHS = ("/etc/containers/seccomp.json", "/usr/share/containers/seccomp.json")


class EngineProfile:
    """(profile facts or None when unconfined, the setting line for evidence);
    stale: why the running engine does not apply the configured profile, or None."""

    def __init__(self, facts, setting_line, stale=None):
        self.facts = facts
        self.setting_line = setting_line
        self.stale = stale


def _from_file(ctx, path, line, engine):
    return EngineProfile(load_profile(ctx.host, path, ctx.machine, engine), line)


def docker(ctx):
    setting = ctx.docker.get("seccomp-profile")
    line = setting.describe("seccomp-profile")
    readings = {}
    for version in dockerd_versions(ctx.host):
        try:
            readings[version] = _docker_profile(ctx, setting.value, line, version)
        except ConfigError as exc:
            readings[version] = exc
    outcomes = set(_outcome(reading) for reading in readings.values())
    if len(outcomes) > 1:
        raise ConfigError(setting.source or DAEMON_JSON,
                          "dockerd %s read seccomp-profile %r differently (%s), and the installed version cannot "
                          "be told" % (" and ".join(sorted(readings)), setting.value,
                                       "; ".join("%s: %s" % (v, _outcome(r)) for v, r in sorted(readings.items()))))
    reading = next(iter(readings.values()))
    if isinstance(reading, ConfigError):
        raise reading
    if setting.value in VERSION_DEPENDENT:  # the verdict names the dockerd it holds for
        source = DPKG_STATUS if len(readings) == 1 else "every version known"
        reading.setting_line += ", as dockerd %s reads it (%s)" % (" and ".join(sorted(readings)), source)
    return _with_running_profile(ctx, reading, setting.value)


def _docker_profile(ctx, value, line, version):
    reading = _docker_reading(value, version)
    if reading == "builtin":
        return EngineProfile(builtin_profile("Docker's built-in default profile", ctx.machine), line)
    if reading == UNCONFINED:
        return EngineProfile(None, line)
    return _from_file(ctx, value, line, "docker-" + version)


def _outcome(reading):
    if isinstance(reading, ConfigError):
        return "refused: %s" % reading.cause
    facts = reading.facts
    return "no seccomp" if facts is None else "%s, compat %s" % (facts.default_action, facts.compat_allowed)


def _docker_reading(value, version):
    if not value:
        return "builtin"
    if version != "20.10" and value in ("builtin", UNCONFINED):
        return value
    return "path"


# docker info names the default profile "builtin" since Docker 23 (26.1.5 seen in the lab), "default" before (20.10.24).
DOCKER_DEFAULT_NAMED_BUILTIN_SINCE = (23,)


def _with_running_profile(ctx, profile, value):
    """Add what the running dockerd reports (docker info: name=seccomp,profile=...): a
    configuration dockerd has not been restarted for is not in force."""
    view = ctx.live("docker")
    running = security_options(view.info).get("seccomp", {}).get("profile") if view.available else None
    if running is None:
        return profile
    if value:
        configured = value
    else:  # how dockerd names its default: "default" up to 20.10, "builtin" since 23
        version = ctx.engine_version("docker")
        configured = "builtin" if version and version.at_least(*DOCKER_DEFAULT_NAMED_BUILTIN_SINCE) else "default"
    line = "%s; running dockerd (docker info): profile=%s" % (profile.setting_line, running)
    stale = None if running == configured else (
        "dockerd runs with seccomp profile %s, not the configured %s: it has not been restarted since the change"
        % (running, configured))
    return EngineProfile(profile.facts, line, stale)


def podman(ctx, config=None, before_read=None):
    """The profile of the rootful engine, or of `config` (a rootless user's containers.conf);
    `before_read(path)` vets a profile file the configuration names before it is read."""
    config = config or ctx.podman
    privileged, line = podman_privileged(config)
    if privileged:   # every container privileged: Podman applies no seccomp profile
        return EngineProfile(None, line)
    setting = config.typed("containers.seccomp_profile", str)
    line = setting.describe("[containers] seccomp_profile")
    if setting.value == UNCONFINED:
        return EngineProfile(None, line)
    if setting.value:
        if before_read is not None:
            before_read(setting.value)
        return _from_file(ctx, setting.value, line, "podman")
    path = ctx.host.first_existing(CONTAINERS_PROFILE_PATHS)
    if path:
        return _from_file(ctx, path, line, "podman")
    return EngineProfile(builtin_profile("Podman's built-in default profile", ctx.machine), line)


def crio(ctx):
    setting = ctx.crio.typed("crio.runtime.seccomp_profile", str)
    line = setting.describe("[crio.runtime] seccomp_profile")
    if setting.value == UNCONFINED:   # a path to CRI-O or no seccomp: never a pass either way
        return EngineProfile(None, line)
    if setting.value:
        return _from_file(ctx, setting.value, line, "crio")
    return EngineProfile(builtin_profile("CRI-O's built-in default profile", ctx.machine), line)


BY_ENGINE = {"docker": docker, "podman": podman, "crio": crio}
