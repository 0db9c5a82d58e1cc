# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd's effective configuration: daemon.json plus the flags of its unit.

Docker has no drop-in directory for daemon.json, and dockerd refuses to start
when the same option is given both as a flag (in docker.service or a drop-in)
and in daemon.json. Both sources are merged here and conflicts are reported,
so the audit and the config writer judge what dockerd will really run with.
"""

from __future__ import annotations

import json
import posixpath

from .hostfs import ConfigError
from .model import render_value
from .systemd_units import service_command

DEFAULT_DAEMON_JSON = "/etc/docker/daemon.json"
DOCKER_UNIT = "docker.service"

# dockerd flags that are booleans (`--flag` alone means true).
BOOLEAN_FLAGS = frozenset((
    "icc", "no-new-privileges", "selinux-enabled", "userland-proxy", "live-restore",
    "ip-forward", "iptables", "ip6tables", "ip-masq", "debug", "experimental",
    "tls", "tlsverify", "init", "rootless",
))
# Flags whose daemon.json key has another name.
FLAG_TO_KEY = {
    "add-runtime": "runtimes", "host": "hosts", "H": "hosts",
    "label": "labels", "log-opt": "log-opts", "storage-opt": "storage-opts", "exec-opt": "exec-opts",
    "default-ulimit": "default-ulimits", "insecure-registry": "insecure-registries",
    "registry-mirror": "registry-mirrors", "authorization-plugin": "authorization-plugins",
    "dns-opt": "dns-opts", "default-address-pool": "default-address-pools",
    "node-generic-resource": "node-generic-resources",
    "D": "debug", "l": "log-level", "G": "group", "b": "bridge", "p": "pidfile",
}
# Flags that may be repeated and accumulate.
LIST_FLAGS = frozenset(("add-runtime", "host", "H", "dns", "label", "storage-opt", "log-opt", "exec-opt",
                        "default-ulimit", "insecure-registry", "registry-mirror", "dns-opt"))


# daemon.json keys the audit reads, with the JSON type dockerd insists on (it
# refuses to start on a mismatch, e.g. "true" given as a string).
KEY_TYPES = {
    "icc": bool, "no-new-privileges": bool, "selinux-enabled": bool, "userland-proxy": bool,
    "live-restore": bool, "seccomp-profile": str, "userns-remap": str,
    "default-cgroupns-mode": str, "runtimes": dict,
    "ip-forward": bool, "iptables": bool, "ip6tables": bool, "ip-masq": bool, "ipv6": bool,
    "debug": bool, "experimental": bool, "tls": bool, "tlsverify": bool, "init": bool, "raw-logs": bool,
    "log-driver": str, "log-level": str, "data-root": str, "exec-root": str, "storage-driver": str,
    "default-runtime": str, "cgroup-parent": str, "default-ipc-mode": str, "default-shm-size": str,
    "bip": str, "bridge": str, "fixed-cidr": str, "fixed-cidr-v6": str, "ip": str, "group": str,
    "pidfile": str, "containerd": str, "tlscacert": str, "tlscert": str, "tlskey": str,
    "userland-proxy-path": str, "init-path": str,
    "log-opts": dict, "default-ulimits": dict, "features": dict, "builder": dict,
}
TYPE_NAMES = {bool: "a boolean (true/false, unquoted)", str: "a string", dict: "an object",
              list: "a list", int: "an integer"}


def check_types(path, data):
    for key, kind in KEY_TYPES.items():
        if key in data and not isinstance(data[key], kind):
            raise ConfigError(path, "%s must be %s, found %s" % (
                key, TYPE_NAMES[kind], json.dumps(data[key])))


class DaemonSetting:
    def __init__(self, value, source):
        self.value = value
        self.source = source  # a file path, "flag in <unit file>", or None

    def describe(self, key):
        return "%s = %s (%s)" % (key, render_value(self.value), self.source or "engine default")


def parse_dockerd_flags(argv):
    """Map dockerd argv to {daemon.json key: value}. argv[0] is the binary."""
    flags = {}
    words = list(argv[1:])
    while words:
        word = words.pop(0)
        if not word.startswith("-") or word in ("-", "--"):
            continue
        name, has_value, value = word.lstrip("-").partition("=")
        if name in BOOLEAN_FLAGS:
            parsed = value.lower() != "false" if has_value else True
        elif has_value:
            parsed = value
        elif words and not words[0].startswith("-"):
            parsed = words.pop(0)
        else:
            parsed = True
        key = FLAG_TO_KEY.get(name, name)
        if name in LIST_FLAGS:
            flags.setdefault(key, []).append(parsed)
        else:
            flags[key] = parsed
    return flags


class DockerDaemonConfig:
    """Effective dockerd settings under a host root."""

    def __init__(self, daemon_json_path, json_settings, flag_settings, unit_origin):
        self.daemon_json_path = daemon_json_path
        self.json_settings = json_settings
        self.flag_settings = flag_settings
        self.unit_origin = unit_origin  # the file whose ExecStart= runs dockerd
        # dockerd refuses to start when one option comes from both places.
        self.conflicts = sorted(
            k for k in set(json_settings) & set(flag_settings) if k != "config-file")

    def get(self, key):
        if key in self.flag_settings:
            return DaemonSetting(self.flag_settings[key], "flag in " + self.unit_origin)
        if key in self.json_settings:
            return DaemonSetting(self.json_settings[key], self.daemon_json_path)
        return DaemonSetting(None, None)

    def conflict_evidence(self):
        return ["conflict: %s is set both in %s and as a dockerd flag in %s; "
                "dockerd refuses to start" % (key, self.daemon_json_path, self.unit_origin)
                for key in self.conflicts]


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


def load(host):
    command = dockerd_command(host)
    flags = parse_dockerd_flags(command.argv) if command else {}
    path = flags.get("config-file") or DEFAULT_DAEMON_JSON
    data = host.read_json(path)
    if data is None:
        data = {}
    elif not isinstance(data, dict):
        raise ConfigError(path, "daemon.json must hold a JSON object, found %s" % type(data).__name__)
    check_types(path, data)
    return DockerDaemonConfig(path, data, flags, command.origin if command else DOCKER_UNIT)
