# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper of the layers, declaring no control: a check judged once per user who can
start rootless containers (engines/rootless.py says who, and which files that
user's engine reads), and the setting lines those checks share.

A user is judged on the configuration that user's own engine reads: a setting
in one user's ~/.config weakens every container that user starts, whatever
the system files say. The control fails when any user fails, is an error when
no user fails but one user's files cannot be read (never a pass), and is not
applicable when no user can run the engine rootless."""

from __future__ import annotations

from ..model import ERROR, Outcome, failed, not_applicable, passed
from ..readers.hostfs import ConfigError
from ..readers.toml_lite import TomlError

NO_USER = ("no user can start rootless containers: none has a range in /etc/subuid or /etc/subgid, "
           "and the policy names none (rootless_users)")

NO_DOCKER_ROOTLESS = ("no rootless-capable user has set up dockerd-rootless (~/.config/systemd/user/docker.service "
                      "or ~/.config/docker/daemon.json)")
PODMAN_USER_FILES = ("the user's containers.conf (~/.config/containers/containers.conf or its containers.conf.d) "
                     "named in the evidence")


class Verdict:
    """One user's verdict: ok, evidence lines, and the file to change when not ok."""

    def __init__(self, ok, evidence, fix=None):
        self.ok = ok
        self.evidence = evidence
        self.fix = fix


def per_user_check(judge, unused=None):
    """The check that judge(ctx, user) (a Verdict, or None: nothing to judge for this user)
    holds for every rootless-capable user; `unused`: why it is not applicable when every
    user's verdict is None."""
    def check(ctx):
        users = ctx.rootless_users
        if not users:
            return not_applicable(NO_USER)
        bad, broken, good = [], [], []
        for user in users:
            try:
                verdict = judge(ctx, user)
            except ConfigError as exc:
                broken.extend(_unreadable(exc, user, broken))
                continue
            except TomlError as exc:
                broken.append("%s: %s" % (user.label, exc))
                continue
            if verdict is None:
                continue
            lines = ["%s: %s" % (user.label, line) for line in verdict.evidence]
            if verdict.ok:
                good.extend(lines)
            else:
                bad.extend(lines + (["%s: fix %s" % (user.label, verdict.fix)] if verdict.fix else []))
        if bad:
            return failed(*(bad + broken + good))
        if broken:
            return Outcome(ERROR, broken + good)
        if not good:
            return not_applicable(unused or NO_USER)
        return passed(*good)
    return check


def _users_own(path, user):
    """Whether `path` is below the user's own home (a home of / owns nothing)."""
    home = (user.home or "").rstrip("/")
    return home != "" and (path == home or path.startswith(home + "/"))


def _unreadable(exc, user, broken):
    """Evidence lines for a file a user's engine reads that cannot be read. A user's own file:
    `PATH: user ...: cause`. A file every user shares (the system containers.conf, the system
    seccomp profile): the file's own words `PATH: cause`, as the rootful controls and the writers
    say them, once, then which user it leaves unjudged."""
    if _users_own(exc.path, user) or user.label in exc.cause:
        cause = exc.cause if user.label in exc.cause else "%s: %s" % (user.label, exc.cause)
        return ["%s: %s" % (exc.path, cause)]
    shared = "%s: %s" % (exc.path, exc.cause)
    return ([] if shared in broken else [shared]) + ["%s: not judged: %s cannot be read" % (user.label, exc.path)]


def podman_privileged(config):
    """(privileged or not, evidence line) of [containers] privileged (containers-common 0.62+):
    true runs every container privileged, which undoes seccomp, capabilities, SELinux and /proc, /sys."""
    setting = config.typed("containers.privileged", bool, False)
    return setting.value is True, setting.describe("[containers] privileged")


def fix_in(setting, key):
    """What to change, naming the file that set `key` (None when the engine default is at fault)."""
    if not setting.source:
        return None
    return "%s in %s" % (key, setting.source)
