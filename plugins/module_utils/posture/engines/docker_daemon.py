# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd's effective configuration: daemon.json plus the flags of its unit.

Docker has no drop-in directory for daemon.json, and dockerd refuses to start
when the same option is given both as a flag (in docker.service or a drop-in)
and in daemon.json. Both sources are read as dockerd reads them (the command
line by posture.dockerd_flags, the file by posture.daemon_json, the unit by
posture.systemd_units) and merged, so the audit and the config writer judge
what dockerd will really run with. Anything dockerd would refuse to start
with is a ConfigError naming the file: never a pass.

Which dockerd: 20.10 (Debian 12) or 26.1 (Debian 13), from the package
database under the root; when neither can be told, the configuration is read
as both, and where they disagree the result is an error. A packaged dockerd
newer than 26.1 (27, 28: major.minor, dockerd_flags.MIRRORED) is an error
naming both versions, never 26.1's verdict.
"""

from __future__ import annotations

import posixpath
import re

from ..readers import daemon_json, dockerd_flags
from ..readers.packages import package_version
from ..readers.hostfs import ConfigError
from ..model import render_value
from ..readers.systemd_units import service_command

DEFAULT_DAEMON_JSON = "/etc/docker/daemon.json"
DOCKER_UNIT = "docker.service"
DOCKER_PACKAGES = ("docker.io", "docker-ce", "moby-engine")
# A key dockerd allows both as a flag and in the file (merged, not a conflict).
MERGED_KEYS = frozenset(("runtimes",))


# userns-remap's special value, and the user and group dockerd creates and remaps to for it (moby
# daemon/daemon_unix.go: defaultIDSpecifier, defaultRemappedID).
REMAP_DEFAULT = "default"
REMAP_DEFAULT_USER = "dockremap"


def remap_identity(value):
    """(user, group) dockerd remaps to for a userns-remap value, as moby's
    parseRemappedRoot() (20.10-26.1) names them: USER[:GROUP], the group of
    the user's own name when none is given; the USER "default" is dockremap.
    The one place of this rule: the audit's remap controls, the remap guard
    and, through subid_ranges' docker_remap, the userns role."""
    user, sep, group = str(value).partition(":")
    if user == REMAP_DEFAULT:
        user = REMAP_DEFAULT_USER
    return user, (group if sep else user)


class DaemonSetting:
    def __init__(self, value, source):
        self.value = value
        self.source = source  # a file path, "flag in <unit file>", or None

    def describe(self, key):
        return "%s = %s (%s)" % (key, render_value(self.value), self.source or "engine default")


def dockerd_versions(host):
    """The dockerd versions whose reading applies: the packaged one (dpkg or rpm), or all
    (no package record, or a version between or before them); ConfigError naming the
    package database for a dockerd newer than any mirrored (dockerd_flags.MIRRORED)."""
    found = package_version(host, DOCKER_PACKAGES)
    if found:
        dockerd_flags.MIRRORED.check(found[2], found[1], found[0])
    match = re.match(r"(?:\d+:)?(\d+\.\d+)", found[1]) if found else None
    if match and match.group(1) in dockerd_flags.VERSIONS:
        return (match.group(1),)
    return dockerd_flags.VERSIONS


def dockerd_command(host):
    """docker.service's effective command, or None without the unit.

    A masked or unloadable unit, or one that runs something other than
    dockerd (a wrapper script, `env`, a shell), raises ConfigError: what
    would run cannot be judged from the files, and it is never a pass."""
    command = service_command(host, DOCKER_UNIT)
    if command is not None and posixpath.basename(command.argv[0]) != "dockerd":
        raise ConfigError(command.origin, "%s runs %s, not dockerd: the flags dockerd gets cannot be read "
                                          "from the unit" % (DOCKER_UNIT, command.argv[0]))
    return command


def command_line(command, version):
    """dockerd_flags.DockerdCommandLine of the unit's command (empty without
    a unit); ConfigError when dockerd would refuse it."""
    if command is None:
        return dockerd_flags.parse(["dockerd"], version)
    line = dockerd_flags.parse(command.argv, version)
    if line.refusal:
        raise ConfigError(command.origin, "dockerd %s will not run with the command line of %s: %s"
                          % (version, DOCKER_UNIT, line.refusal))
    return line


def config_path(line):
    value = line.settings.get("config-file")
    return value or DEFAULT_DAEMON_JSON


def read_daemon_json(host, path, version, explicit):
    """daemon_json.DaemonJson of `path` as dockerd `version` reads it;
    ConfigError when dockerd would refuse to start with it."""
    data = host.read_bytes(path)
    if data is None:
        if explicit:
            raise ConfigError(path, "--config-file names a file that does not exist; dockerd refuses to start")
        return daemon_json.decode(path, b"{}", version)
    document = daemon_json.decode(path, data, version)
    if document.refusal:
        raise ConfigError(path, "dockerd %s refuses to start with it: %s" % (version, document.refusal))
    if document.ambiguous:
        raise ConfigError(path, "%s is set both at the top level and inside an object: dockerd takes one of "
                                "them at random (Go map order)" % ", ".join(document.ambiguous))
    return document


class DockerDaemonConfig:
    """Effective dockerd settings under a host root."""

    def __init__(self, document, line, unit_origin):
        self.document = document
        self.daemon_json_path = document.path
        self.line = line
        self.unit_origin = unit_origin  # the file whose ExecStart= runs dockerd
        flagged = set(k for k in line.settings if k not in dockerd_flags.NOT_SETTINGS)
        # dockerd refuses to start when one option comes from both places.
        self.conflicts = sorted(k for k in flagged & set(document.flattened) if k not in MERGED_KEYS)

    def get(self, key):
        if key in self.line.settings:
            return DaemonSetting(self.line.settings[key], "flag in " + self.unit_origin)
        value = self.document.effective(key)
        if value is not None:
            return DaemonSetting(value, self.daemon_json_path)
        return DaemonSetting(None, None)

    def conflict_evidence(self):
        return ["conflict: %s is set both in %s and as a dockerd flag in %s; "
                "dockerd refuses to start" % (key, self.daemon_json_path, self.unit_origin)
                for key in self.conflicts]

    def judged(self):
        """What the audit judges, to compare readings of two versions."""
        keys = set(self.line.settings) | set(self.document.flattened)
        return {k: self.get(k).value for k in keys}, self.conflicts


def read_config(host, command, version):
    line = command_line(command, version)
    path = config_path(line)
    document = read_daemon_json(host, path, version, explicit="config-file" in line.settings)
    return DockerDaemonConfig(document, line, command.origin if command else DOCKER_UNIT)


def versions_disagree(path, one, other, cause):
    """The ConfigError of a file two dockerd versions read differently when the host's version is unknown
    (also the daemon.json writer's refusal, in the same words)."""
    return ConfigError(path, "dockerd %s and %s read this differently (%s) and the installed version cannot be "
                             "told from the package database" % (one, other, cause))


def load(host):
    command = dockerd_command(host)
    readings = []
    for version in dockerd_versions(host):
        try:
            readings.append((version, read_config(host, command, version), None))
        except ConfigError as exc:
            readings.append((version, None, exc))
    first_version, first, first_error = readings[0]
    for version, reading, error in readings[1:]:
        if (first_error is None) != (error is None) or (
                first is not None and reading is not None and first.judged() != reading.judged()):
            raise versions_disagree(first_error.path if first_error else error.path if error else DEFAULT_DAEMON_JSON,
                                    first_version, version, first_error or error or "values")
    if first_error is not None:
        raise first_error
    return first
