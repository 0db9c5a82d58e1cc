# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper, not a layer: the shape shared by dockerd settings checks, whatever
their layer: read the effective value (daemon.json or unit flag), report
flag/file conflicts, and, on a live host, compare with what the running
daemon reports (a daemon not restarted since the change still runs the old
setting)."""

from __future__ import annotations

from ..engines.live import security_options
from ..model import judged


def running_info(ctx):
    """What the running dockerd reports (/info), or None when it does not answer."""
    view = ctx.live("docker")
    return view.info if view.available else None


def running_option_evidence(ctx, option, since=None):
    """(evidence line, whether the running daemon reports `option`), or (None, None);
    `since`: the first Docker version known to list the option (older ones say nothing)."""
    view = ctx.live("docker")
    if not view.available:
        return None, None
    if since:
        version = ctx.engine_version("docker")
        if not (version and version.at_least(*since)):
            return ("running dockerd (docker info): %s does not list name=%s" % (
                version.describe() if version else "a Docker of unknown version", option)), None
    active = option in security_options(view.info)
    return ("running dockerd (docker info): name=%s %s" % (option, "present" if active else "absent"),
            active)


def effective_value(config, key, default):
    setting = config.get(key)
    value = default if setting.value is None else setting.value
    if isinstance(default, bool) and isinstance(value, str):
        value = value.lower() == "true"
    return setting, value


def daemon_flag_check(key, expected, default, running_option=None, running_since=None):
    """A check that dockerd's `key` is effectively `expected` (engine default `default`);
    on a live host, one that `docker info` lists as `running_option` (from Docker
    `running_since` on) must also be in force in the running daemon."""
    def check(ctx):
        config = ctx.docker
        setting, value = effective_value(config, key, default)
        evidence = [setting.describe(key)] + config.conflict_evidence()
        ok = value == expected and not config.conflicts
        if running_option:
            line, active = running_option_evidence(ctx, running_option, running_since)
            evidence.append(line)
            if ok and active is not None and active != bool(expected):
                evidence.append("dockerd has not been restarted since the change")
                ok = False
        return judged(ok, evidence)
    return check
