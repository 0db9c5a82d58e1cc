# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The effective ExecStart= of a systemd service, as systemd would compute it.

dockerd takes flags from its unit and drop-ins as well as from daemon.json, and
refuses to start when both set the same option; so the audit (and the config
writer) must see the command line that systemd will really run: the unit from
the highest-priority directory, its drop-ins in name order, `ExecStart=` resets,
line continuations, and `$VAR` expansion from Environment= / EnvironmentFile=.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from .hostfs import ConfigError

# Highest priority first, as systemd searches them for system units.
UNIT_DIRS = ("/etc/systemd/system", "/run/systemd/system",
             "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
             "/lib/systemd/system")

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


class ServiceCommand:
    """What systemd would execute for a service, and where it came from."""

    def __init__(self, argv, sources):
        self.argv = argv
        self.sources = sources  # files that contributed, in the order read

    def __repr__(self):
        return "ServiceCommand(%r)" % (self.argv,)


def unit_files(host, unit):
    """The unit file and its drop-ins, in the order systemd applies them."""
    main = host.first_existing(posixpath.join(d, unit) for d in UNIT_DIRS)
    dropins = {}
    for directory in reversed(UNIT_DIRS):  # higher priority overrides same name
        dropin_dir = posixpath.join(directory, unit + ".d")
        for name in host.list_dir(dropin_dir, ".conf"):
            dropins[name] = posixpath.join(dropin_dir, name)
    if main is None and not dropins:
        return []
    ordered = [main] if main else []
    return ordered + [dropins[name] for name in sorted(dropins)]


def _logical_lines(text):
    """Yield (section, key, value) with backslash continuations joined."""
    section = None
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            yield section, key.strip(), value.strip()


def _parse_environment_assignments(value):
    env = {}
    try:
        words = shlex.split(value)
    except ValueError:
        return env
    for word in words:
        if "=" in word:
            key, val = word.split("=", 1)
            env[key] = val
    return env


def _read_environment_file(host, spec, env, sources):
    optional = spec.startswith("-")
    path = spec[1:] if optional else spec
    text = host.read_text(path)
    if text is None:
        if not optional:
            raise ConfigError(path, "EnvironmentFile= names a file that does not exist")
        return
    sources.append(path)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        if "=" in line:
            key, val = line.split("=", 1)
            val = val.strip()
            if len(val) >= 2 and val[0] == val[-1] and val[0] in "\"'":
                val = val[1:-1]
            env[key.strip()] = val


def _expand(words, env):
    """Expand `$VAR` (split into words) and `${VAR}` (kept as one word)."""
    argv = []
    for word in words:
        whole = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", word)
        if whole:
            argv.extend(env.get(whole.group(1), "").split())
            continue
        argv.append(_VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), word))
    return argv


def service_command(host, unit):
    """The effective ExecStart argv of `unit` under the host root, or None."""
    files = unit_files(host, unit)
    if not files:
        return None
    exec_start = None
    env = {}
    env_files = []
    sources = []
    for path in files:
        text = host.read_text(path) or ""
        sources.append(path)
        for section, key, value in _logical_lines(text):
            if section != "Service":
                continue
            if key == "ExecStart":
                exec_start = value or None  # an empty assignment resets the list
            elif key == "Environment":
                env.update(_parse_environment_assignments(value))
            elif key == "EnvironmentFile":
                env_files.append(value) if value else env_files.clear()
    for spec in env_files:
        _read_environment_file(host, spec, env, sources)
    if exec_start is None:
        return ServiceCommand(None, sources)
    command = exec_start.lstrip("@-:+!")
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise ConfigError(sources[-1], "cannot parse ExecStart=: %s" % exc)
    return ServiceCommand(_expand(words, env), sources)
