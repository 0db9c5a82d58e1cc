# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""containers.conf as a rootful Podman reads it: which files, in which order,
and what each file's TOML does to the configuration Podman runs with.

Mirrors containers-common's `pkg/config` (read at the tags Debian ships):
- 0.50.1 (Podman 4.3, Debian 12), `systemConfigs()` for uid 0: when
  CONTAINERS_CONF is set, that file alone (it must exist); otherwise
  /usr/share/containers/containers.conf, /etc/containers/containers.conf (each
  when it exists), then every entry of /etc/containers/containers.conf.d whose
  name ends in `.conf` and that is not a directory (dot files and symlinks
  included, sorted by path, one level). Root's own ~/.config is not read.
- 0.62.0 (Podman 5.4, Debian 13), `systemConfigs()` + `newLocked()`: the same,
  then $XDG_CONFIG_HOME/containers/containers.conf (or $HOME/.config/...) and
  its `.d` for root too, then CONTAINERS_CONF_OVERRIDE last; a listed file
  that does not exist is skipped; string arrays of type attributedstring.Slice
  take `["x", {append = true}]` (appending, also for the files after it, until
  `{append = false}`).
- Each file is decoded into the one Config struct (BurntSushi/toml
  `DecodeFile`): a field is matched by its tag exactly or, failing that,
  case-insensitively (Go's `strings.EqualFold`); a table merges field by
  field; an array replaces the earlier one; a map (`[engine.runtimes]`) merges
  key by key and a map of tables (`[engine.service_destinations.NAME]`)
  replaces each entry whole; a key Podman does not know is ignored; a value of
  the wrong type (`[[containers]]`, `pids_limit = 1.5`, `num_locks = -1`)
  makes Podman refuse to start, so it is a ConfigError naming the file.
- No directory other than these is read: there is no
  /usr/share/containers/containers.conf.d nor containers.rootful.conf.d in
  either version.
- A rootless user (uid > 0): both versions read the system files above, then
  $XDG_CONFIG_HOME/containers/containers.conf (or $HOME/.config/...) and its
  `.d` (0.50 `ifRootlessConfigPath()`, 0.62 `userConfigPath()`); CONTAINERS_CONF
  still replaces the whole list (file_order's `user_home`).

Which version a host runs comes from dpkg's status file or rpm's database
(package podman): before Podman 5, 0.50's reading (RHEL 9.4's Podman 4.9 with
containers-common 0.57 included; older than 4.3, judged as 4.3 and the
evidence says so); 5.0 to 5.4, 0.62's; newer than 5.4 (MIRRORED, major.minor)
is a ConfigError naming both versions, never 0.62's verdict. Without a
package record, 0.62's reading is used and the evidence says so. The
environment of a root login (pam_env's /etc/environment) is where
CONTAINERS_CONF, CONTAINERS_CONF_OVERRIDE and XDG_CONFIG_HOME can come from
on a host; a value set elsewhere (a unit's Environment=, a shell profile) is
not seen.

Tested by tests/unit/plugins/module_utils/posture/test_containers_conf.py
(fixture trees) and tests/engines/test_containers_conf_podman.py (the same
layering and decoding through the real Podman 4.3 in a private mount
namespace; the 0.62 key types and the append attribute through Debian 13's
Podman 5.4.2, unpacked; 5.4's file order is read from the source only).
"""

from __future__ import annotations

import os
import posixpath
import re

from . import containers_conf_schema as schema
from .packages import package_version
from .go_json import field_for
from .hostfs import ConfigError
from .mirrored import Mirrored
from ..model import render_value

USR_FILE = "/usr/share/containers/containers.conf"
ETC_FILE = "/etc/containers/containers.conf"
ENVIRONMENT_FILE = "/etc/environment"


class Reading:
    """How one containers-common version reads containers.conf."""

    def __init__(self, name, fields, reads_home, skips_missing, appendable, override_env):
        self.name = name
        self.fields = fields
        self.reads_home = reads_home          # root's ~/.config/containers too
        self.skips_missing = skips_missing    # a listed file that does not exist is no error
        self.appendable = appendable          # {append = true} in attributedstring.Slice arrays
        self.override_env = override_env      # CONTAINERS_CONF_OVERRIDE, read last


COMMON_0_50 = Reading("containers-common 0.50 (Podman 4.3, Debian 12)", schema.V0_50,
                      reads_home=False, skips_missing=False, appendable=False, override_env=False)
COMMON_0_62 = Reading("containers-common 0.62 (Podman 5.4, Debian 13)", schema.V0_62,
                      reads_home=True, skips_missing=True, appendable=True, override_env=True)
# Every Podman minor release ships a new containers-common minor (0.50 to 0.62 brought root's
# ~/.config, CONTAINERS_CONF_OVERRIDE, skipped missing files, {append = true}): compared by
# major.minor, so 5.4.9 is read as 5.4 and 5.5 or 6.0 is refused.
MIRRORED = Mirrored("podman", "4.3", "5.4", consumer="containers-common",
                    mirrors="Podman 5.4, containers-common 0.62", reading="containers.conf")


def reading_for(host):
    """(Reading, why) for the Podman installed under `host`; ConfigError (naming
    the package database) for a Podman newer than MIRRORED.newest."""
    found = package_version(host, ("podman",))
    if found is None:
        return COMMON_0_62, "no package record of podman: read as %s" % COMMON_0_62.name
    package, version, database = found[:3]
    MIRRORED.check(database, version, package)
    major = re.match(r"(?:[0-9]+:)?([0-9]{1,9})(?![0-9])", version)
    if major and int(major.group(1)) < 5:
        older = " (older than the oldest it mirrors, Podman %s: judged as that)" % MIRRORED.oldest
        return COMMON_0_50, "podman %s: read as %s%s" % (version, COMMON_0_50.name, older if MIRRORED.older(version) else "")
    return COMMON_0_62, "podman %s: read as %s" % (version, COMMON_0_62.name)


def login_environment(host):
    """KEY=VALUE lines of /etc/environment as pam_env reads them (quotes removed)."""
    text = host.read_text(ENVIRONMENT_FILE) or ""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        found[key.strip()] = value
    return found


def root_home(host):
    """uid 0's home directory from /etc/passwd (/root when it says nothing)."""
    for line in (host.read_text("/etc/passwd") or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[2] == "0":
            return fields[5] or "/"
    return "/root"


def conf_entries(host, directory):
    """What Go's addConfigs() lists: every entry whose name ends in .conf and that is not a
    directory (dot files, symlinks, dangling symlinks included), sorted by path."""
    try:
        local = host.resolve(directory)
        names = os.listdir(local)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(directory, "cannot list: %s (Podman refuses to start)" % (exc.strerror or exc))
    found = []
    for name in names:
        if name.endswith(".conf") and not _is_real_directory(os.path.join(local, name)):
            found.append(posixpath.join(directory, name))
    return sorted(found, key=lambda p: p.encode("utf-8", "surrogateescape"))


def _is_real_directory(path):
    try:
        return os.path.isdir(path) and not os.path.islink(path)
    except OSError:
        return False


def file_order(host, reading, environment, user_home=None):
    """[(path, required)] in Podman's order; `required`: a missing file makes Podman fail.
    `user_home`: the home of a rootless user whose Podman this is (both versions then read
    its ~/.config/containers: 0.50's ifRootlessConfigPath(), 0.62's userConfigPath())."""
    missing_fails = not reading.skips_missing
    if environment.get("CONTAINERS_CONF"):
        files = [(environment["CONTAINERS_CONF"], True)]
    else:
        files = [(USR_FILE, False), (ETC_FILE, False)]
        files += [(p, missing_fails) for p in conf_entries(host, ETC_FILE + ".d")]
        if reading.reads_home or user_home is not None:
            home = root_home(host) if user_home is None else user_home
            config_home = environment.get("XDG_CONFIG_HOME") or posixpath.join(home, ".config")
            home_file = posixpath.join(config_home, "containers", "containers.conf")
            files += [(home_file, False)] + [(p, missing_fails) for p in conf_entries(host, home_file + ".d")]
    if reading.override_env and environment.get("CONTAINERS_CONF_OVERRIDE"):
        files.append((environment["CONTAINERS_CONF_OVERRIDE"], True))
    return files


# -- decoding one file into Podman's Config ----------------------------------

def match_fields(table, fields, source, where):
    """{field: (key as written, value)} for the keys of `table` that name a field of `fields`
    (exact tag, else case-insensitive); two keys for one field is an error: Go decodes the keys
    of a table in random order, so either value may win."""
    matched = {}
    for key, value in table.items():
        field = field_for(key, fields)
        if field is None:
            continue
        if field in matched:
            raise ConfigError(source, "%s and %s both set %s%s (Podman takes either at random)" % (
                matched[field][0], key, where, field))
        matched[field] = (key, value)
    return matched


class Decoded:
    """One file's effect: values to set, arrays to extend, map entries to replace whole."""

    def __init__(self):
        self.sets = []        # (path tuple, value)
        self.appends = []     # (path tuple, [strings], append flag or None)
        self.replaced = []    # path prefixes whose old sub-keys go


def decode(data, reading, source):
    """What `data` (one file's parsed TOML) does to Podman's Config; ConfigError when Podman refuses it."""
    result = Decoded()
    for table, (key, value) in match_fields(data, reading.fields, source, "").items():
        if not isinstance(value, dict):
            raise ConfigError(source, "%s must be a table, found %s (Podman refuses to start)" % (
                key, _type_name(value)))
        fields = reading.fields[table]
        for field, (written, item) in match_fields(value, fields, source, table + ".").items():
            _decode_field(result, (table, field), fields[field], item, reading, source)
    return result


def _decode_field(result, path, kind, value, reading, source):
    dotted = ".".join(path)
    if kind == schema.APPENDABLE_STRINGS and reading.appendable:
        strings, flag = _appendable(value, dotted, source)
        result.appends.append((path, strings, flag))
    elif kind in (schema.STRINGS, schema.APPENDABLE_STRINGS):
        result.sets.append((path, _strings(value, dotted, source)))
    elif kind == schema.STRING_MAP or kind == schema.STRINGS_MAP:
        entry_kind = schema.STRING if kind == schema.STRING_MAP else schema.STRINGS
        for name, item in _table(value, dotted, source).items():
            where = "%s.%s" % (dotted, name)
            result.sets.append((path + (name,), _scalar_or_strings(item, entry_kind, where, source)))
    elif kind == schema.DESTINATIONS:
        for name, entry in _table(value, dotted, source).items():
            where = "%s.%s" % (dotted, name)
            result.replaced.append(path + (name,))
            fields = match_fields(_table(entry, where, source), schema.DESTINATION_FIELDS, source, where + ".")
            for field, (written, item) in fields.items():
                result.sets.append((path + (name, field), _scalar(item, schema.DESTINATION_FIELDS[field],
                                                                  "%s.%s" % (where, field), source)))
    elif kind == schema.SUBNET_POOLS:
        if not isinstance(value, list) or not all(isinstance(pool, dict) for pool in value):
            raise ConfigError(source, "%s must be an array of tables, found %s (Podman refuses to start)"
                              % (dotted, _type_name(value)))
        result.sets.append((path, value))
    else:
        result.sets.append((path, _scalar(value, kind, dotted, source)))


_INT_RANGES = {schema.INT64: (-(1 << 63), (1 << 63) - 1), schema.UINT64: (-(1 << 63), (1 << 63) - 1),
               schema.UINT32: (0, (1 << 32) - 1), schema.UINT16: (0, (1 << 16) - 1)}


def _scalar(value, kind, dotted, source):
    if kind == schema.STRING:
        ok = isinstance(value, str)
    elif kind == schema.BOOL:
        ok = isinstance(value, bool)
    elif kind == schema.SIZE_TEXT:
        ok = isinstance(value, str) or isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and not _INT_RANGES[kind][0] <= value <= _INT_RANGES[kind][1]:
            raise ConfigError(source, "%s = %d is out of range for %s (Podman refuses to start)" % (
                dotted, value, kind))
    if not ok:
        raise ConfigError(source, "%s must be %s, found %s (Podman refuses to start)" % (
            dotted, _kind_name(kind), _type_name(value)))
    return value


def _scalar_or_strings(value, kind, dotted, source):
    return _strings(value, dotted, source) if kind == schema.STRINGS else _scalar(value, kind, dotted, source)


def _strings(value, dotted, source):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(source, "%s must be an array of strings, found %s (Podman refuses to start)" % (
            dotted, render_value(value)))
    return value


def _appendable(value, dotted, source):
    """(strings, append flag or None) of an attributedstring.Slice: strings and {append = bool} tables."""
    if not isinstance(value, list):
        raise ConfigError(source, "%s must be an array, found %s (Podman refuses to start)" % (dotted, _type_name(value)))
    strings, flag = [], None
    for item in value:
        if isinstance(item, str):
            strings.append(item)
        elif isinstance(item, dict):
            for key, attribute in item.items():
                if key != "append" or not isinstance(attribute, bool):
                    raise ConfigError(source, "%s: only {append = true|false} may stand in the array, found %s "
                                      "(Podman refuses to start)" % (dotted, render_value(item)))
                flag = attribute
        else:
            raise ConfigError(source, "%s must hold strings, found %s (Podman refuses to start)" % (
                dotted, render_value(item)))
    return strings, flag


def _table(value, dotted, source):
    if not isinstance(value, dict):
        raise ConfigError(source, "%s must be a table, found %s (Podman refuses to start)" % (dotted, _type_name(value)))
    return value


def _kind_name(kind):
    return {schema.STRING: "a string", schema.BOOL: "a boolean", schema.SIZE_TEXT: "a size (string or integer)"
            }.get(kind, "an integer (%s)" % kind)


def _type_name(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array of tables" if value and all(isinstance(v, dict) for v in value) else "an array"
    return {str: "a string", int: "an integer", float: "a float"}.get(type(value), type(value).__name__)
