# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who can run a rootless engine, and the configuration that user's engine reads.

A rootless-capable user is an account of /etc/passwd (uid > 0) that owns a
range in /etc/subuid or /etc/subgid (by name or uid, as newuidmap matches
it), plus every user the policy names in `rootless_users` (a user without
ranges can still run Podman with a single-id mapping; the policy says who
may). Their homes come from /etc/passwd.

Podman: a rootless user's containers.conf chain is the system files, then
$XDG_CONFIG_HOME/containers/containers.conf (default ~/.config/...) and its
containers.conf.d, as readers/containers_conf.py models it for both
containers-common versions (0.50 and 0.62). The environment is what pam_env
gives every login from /etc/environment (CONTAINERS_CONF, XDG_CONFIG_HOME);
a user's ~/.pam_environment (Debian: user_readenv=0), ~/.config/environment.d
(systemd --user units only, such as Quadlet's) and shell profiles are not read.

Docker: a user runs dockerd-rootless where ~/.config/systemd/user/docker.service
or ~/.config/docker/daemon.json exists; that daemon reads
$XDG_CONFIG_HOME/docker/daemon.json (default ~/.config/docker/daemon.json),
read here by readers/daemon_json.py as each dockerd version would. Flags on
the user unit's ExecStart (dockerd-rootless.sh -- FLAGS) are not read.

A home is the user's to write: a file the chain lists below the home whose
symlinks lead out of it (to /etc/shadow, to another user's file) is never
read, and is a ConfigError naming the user and the path; the root boundary,
FIFOs, devices and size caps are hostfs's.
"""

from __future__ import annotations

import posixpath

from ..readers import accounts, containers_conf
from ..readers.hostfs import ConfigError
from . import docker_daemon, layered_config

DOCKER_UNIT = ".config/systemd/user/docker.service"


class RootlessUser:
    """One account that can start rootless containers, and why the audit thinks so."""

    def __init__(self, name, uid, home, why):
        self.name = name
        self.uid = uid
        self.home = home          # None: the policy names a user /etc/passwd does not have
        self.why = why

    @property
    def label(self):
        return "user %s (uid %s)" % (self.name, "?" if self.uid is None else self.uid)


def capable_users(host, subid_files, policy_names=()):
    """[RootlessUser] by uid: owners of subordinate ranges, then the policy's names."""
    homes = accounts.homes(host)
    # shadow's find_range() matches a numeric owner by its text against "%lu" of the uid ("01000" is no one),
    # as readers/subids does
    by_uid_text = {str(uid): name for name, (uid, home) in homes.items()}
    owners = {}
    for path, ranges in sorted(subid_files.ranges.items()):
        for entry in ranges:
            name = entry.owner if entry.owner in homes else by_uid_text.get(entry.owner)
            if name is not None and homes[name][0] != 0:
                owners.setdefault(name, []).append(path)
    found = {name: RootlessUser(name, homes[name][0], homes[name][1],
                                "ranges in %s" % " and ".join(sorted(set(paths))))
             for name, paths in owners.items()}
    for name in policy_names:
        if name in found:
            found[name].why += "; named by the policy's rootless_users"
        elif name in homes:
            found[name] = RootlessUser(name, homes[name][0], homes[name][1], "named by the policy's rootless_users")
        else:
            found[name] = RootlessUser(name, None, None, "named by the policy's rootless_users")
    return sorted(found.values(), key=lambda user: (user.uid is None, user.uid or 0, user.name))


def confine_to_home(host, user):
    """A before_read(path) that refuses a file below the user's home whose symlinks lead out of it."""
    def vet(path):
        if not _below(path, user.home):
            return
        target = host.leaves(path, user.home)
        if target is not None:
            raise ConfigError(path, "%s: a symlink leads out of the home %s (to %s): not read as this user's "
                                    "configuration" % (user.label, user.home, target))
    return vet


def _below(path, directory):
    directory = directory.rstrip("/")
    return directory != "" and (path == directory or path.startswith(directory + "/"))


def _known_home(host, user):
    """ConfigError when the policy's user has no account, or the home cannot be searched."""
    if user.home is None:
        raise ConfigError("/etc/passwd", "%s: the policy names this rootless user, but /etc/passwd has no such "
                                         "account" % user.label)
    host.stat(posixpath.join(user.home, ".config"))   # ConfigError naming the path when not searchable


def podman_config(host, user):
    """The user's rootless Podman configuration (layered_config.LayeredConfig)."""
    _known_home(host, user)
    return layered_config.containers_conf(host, user_home=user.home, before_read=confine_to_home(host, user))


def config_home(host, user):
    environment = containers_conf.login_environment(host)
    return environment.get("XDG_CONFIG_HOME") or posixpath.join(user.home, ".config")


def docker_daemon_json(host, user):
    """The daemon.json path of the user's dockerd-rootless, or None when the user has not set it up."""
    _known_home(host, user)
    path = posixpath.join(config_home(host, user), "docker", "daemon.json")
    unit = posixpath.join(user.home, DOCKER_UNIT)
    vet = confine_to_home(host, user)
    for candidate in (unit, path):
        vet(candidate)
    if not (host.exists(unit) or host.exists(path)):
        return None
    return path


def docker_config(host, user):
    """{dockerd version: daemon_json.DaemonJson} of the user's dockerd-rootless, or None without one;
    ConfigError naming the file when a dockerd version would refuse it."""
    path = docker_daemon_json(host, user)
    if path is None:
        return None
    return {version: docker_daemon.read_daemon_json(host, path, version, explicit=False)
            for version in docker_daemon.dockerd_versions(host)}
