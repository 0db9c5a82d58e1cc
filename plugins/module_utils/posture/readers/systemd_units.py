# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argv systemd really executes for a service, or why it runs nothing.

dockerd takes flags from its unit and drop-ins as well as from daemon.json,
so the audit and the config writer must see the command line systemd will
run. This mirrors the system service manager of systemd 252 (Debian 12) and
257 (Debian 13), proven against both with `systemd --test` on this machine
(tests/engines/test_systemd_consumer.py: search path, drop-ins, parsing) and
against both as PID 1 in the lab guests for what happens at start: variable
expansion, Environment=, EnvironmentFile=, UnsetEnvironment=, the manager's
PATH (tests/lab/stock/test_systemd_environment.py, the argv each service really
got):

- Unit search path, highest priority first (`systemd-analyze unit-paths`):
  system.control (/etc, /run), /run/systemd/transient, generator.early,
  /etc/systemd/system, its .attached, /run/systemd/system, its .attached,
  /run/systemd/generator, /usr/local/lib, then /lib (252 only: Debian 12 is
  built with split-usr and puts /lib before /usr/lib) and /usr/lib, and
  generator.late. 257 has no /lib entry; Debian 13 is merged-/usr, so /lib
  is /usr/lib there and the list below reads the same files.
- The unit file is the first of that name in the path (a symlink is
  followed; a symlink to another unit name is an alias, whose drop-ins
  apply too). A symlink to /dev/null, a character device or an empty file
  masks the unit: systemd will not start it.
- Drop-ins: `NAME.d/*.conf` in every directory of the path, then the
  prefix directories of a dashed name (`foo-bar.service` -> `foo-.service.d`),
  then the type-wide `service.d`, in that order of directories; a file name
  found first hides every later file of the same name (so /etc's
  `x.conf -> /dev/null` masks /usr/lib's `x.conf`, and `docker.service.d/x.conf`
  anywhere beats `service.d/x.conf`); the survivors are applied in file-name
  order. Hidden files, directories, FIFOs and devices are not drop-ins; a
  dangling symlink is skipped.
- Text: systemd_syntax (comments inside continuations, escapes, quoting).
- ExecStart=: systemd_exec (prefixes, specifiers, `;`, `$VAR`/`${VAR}`); an
  empty assignment resets the list; more than one command in a service that
  is not Type=oneshot, or none at all, and systemd refuses the unit.
- Environment: the manager's PATH (252: with /sbin and /bin; 257: the sbin
  directories that are not the bin directories themselves) and
  DefaultEnvironment= (system.conf and its system.conf.d), then
  Environment=, then EnvironmentFile= (read at start, after every
  Environment= whatever the order of the lines; glob patterns in the last
  path component, in name order), later wins; UnsetEnvironment= last. A
  file that is missing, a directory, holds a NUL byte or a NAME=VALUE that
  is not UTF-8 stops the start, or with `-` is ignored as a whole.

Not read (so an ExecStart= that depends on them gives an error or is read
without them): variables set at run time with `systemctl set-environment`,
PassEnvironment= (the manager's own environment), `systemd.setenv=` on the
kernel command line.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat

from .hostfs import ConfigError
from .mirrored import Mirrored
from .systemd_exec import (NotKnowable, Unknown, UnitName, dropin_names, expand_argv, parse_exec_line,
                           resolve_specifiers)
from .systemd_syntax import (SyntaxProblem, assignments, environment_assignments, read_environment_file,
                             split_words)

# The systemd whose version-dependent readings (an EnvironmentFile='s comment lines, the
# manager's PATH) are mirrored; systemd changes behaviour in every major release and has no
# minor ones. A systemd 258 or later gets neither reading: its environment files are an error
# naming both versions (_read_environment_file), its PATH is Unknown (_manager_path).
MIRRORED = Mirrored("systemd", "252", "257", consumer="systemd", mirrors="systemd 257, Debian 13",
                    reading="EnvironmentFile= files")

UNIT_SEARCH_PATH = (
    "/etc/systemd/system.control", "/run/systemd/system.control", "/run/systemd/transient",
    "/run/systemd/generator.early", "/etc/systemd/system", "/etc/systemd/system.attached",
    "/run/systemd/system", "/run/systemd/system.attached", "/run/systemd/generator",
    "/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system",
    "/run/systemd/generator.late",
)
# Where the manager's own configuration (DefaultEnvironment=) lives.
MANAGER_CONF_DIRS = ("/etc/systemd", "/run/systemd", "/usr/local/lib/systemd", "/lib/systemd", "/usr/lib/systemd")
# The PATH the system manager gives every service. 252 (Debian 12, built
# with split-usr): one fixed list. 257 (Debian 13, built with split-bin):
# sbin directories only where they are not the bin directory itself
# (default_PATH). Both taken from a service's ${PATH} in the lab guests.
PATH_252 = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PATH_257_FULL_SBIN = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
PATH_257_LOCAL_SBIN = "/usr/local/sbin:/usr/local/bin:/usr/bin"
PATH_257_NO_SBIN = "/usr/local/bin:/usr/bin"
SERVICE_SECTIONS = frozenset(("Unit", "Service", "Install"))
SERVICE_TYPES = frozenset(("simple", "exec", "forking", "oneshot", "dbus", "notify", "notify-reload", "idle"))


class UnitNotRunnable(ConfigError):
    """systemd will not run the unit as configured: `state` is systemd's
    load state (masked, bad-setting, error) or "start-fails"."""

    def __init__(self, path, cause, state="bad-setting"):
        super().__init__(path, cause)
        self.state = state


class ServiceCommand:
    """What systemd would execute for a service, and where it came from."""

    def __init__(self, argv, sources, origin):
        self.argv = argv          # after variable expansion; argv[0] as given
        self.sources = sources    # every file that took part, in the order read
        self.origin = origin      # the file whose ExecStart= line is in effect

    def __repr__(self):
        return "ServiceCommand(%r)" % (self.argv,)


class UnitFiles:
    """The unit file and drop-ins systemd would load for one unit name."""

    def __init__(self, fragment, dropins, masked_by=None):
        self.fragment = fragment      # host path, or None when not found
        self.dropins = dropins        # host paths in the order applied
        self.masked_by = masked_by    # the masking entry, when masked


def _is_masking(host, path):
    """Whether a unit file or drop-in is /dev/null, a device or empty."""
    local = host.resolve(path)
    if local == host.resolve("/dev/null"):
        return True
    try:
        status = os.stat(local)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(path, "cannot stat: %s" % (exc.strerror or exc))
    return stat.S_ISCHR(status.st_mode) or (stat.S_ISREG(status.st_mode) and status.st_size == 0)


def _entry_kind(host, directory, name):
    """'file', 'link', 'dir', 'other' or None (absent) for a directory
    entry, without following it."""
    try:
        status = os.lstat(os.path.join(host.resolve(directory), name))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(posixpath.join(directory, name), "cannot stat: %s" % (exc.strerror or exc))
    if stat.S_ISLNK(status.st_mode):
        return "link"
    if stat.S_ISDIR(status.st_mode):
        return "dir"
    return "file" if stat.S_ISREG(status.st_mode) else "other"


def _listdir(host, directory):
    try:
        return sorted(os.listdir(host.resolve(directory)))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except ConfigError:
        return []
    except OSError as exc:
        raise ConfigError(directory, "cannot list: %s" % (exc.strerror or exc))


def _dangling(host, path):
    try:
        return not os.path.exists(host.resolve(path)) and host.resolve(path) != host.resolve("/dev/null")
    except ConfigError:
        return True


def _fragment(host, unit):
    """(host path of the unit file, its alias name or None), or (None, None)."""
    for directory in UNIT_SEARCH_PATH:
        kind = _entry_kind(host, directory, unit)
        if kind not in ("file", "link"):
            continue  # systemd takes regular files and symlinks as unit files
        path = posixpath.join(directory, unit)
        alias = None
        if kind == "link":
            target = os.path.basename(host.resolve(path))
            if target != unit and target.rpartition(".")[2] == unit.rpartition(".")[2]:
                alias = target
        return path, alias
    return None, None


def _dropin_dirs(names, suffix):
    """The drop-in directories in systemd's order of priority."""
    dirs = []
    for name in names:
        for directory in UNIT_SEARCH_PATH:
            dirs.extend(posixpath.join(directory, n + ".d") for n in dropin_names(name))
    dirs.extend(posixpath.join(directory, suffix + ".d") for directory in UNIT_SEARCH_PATH)
    return dirs


def _conf_files(host, dirs):
    """systemd's conf_files_list over `dirs`: first of a name wins, then
    sorted by name; masking entries are kept (they read as empty), and so is
    a directory of that name (systemd lists it, and cannot read it)."""
    chosen = {}
    for directory in dirs:
        for name in _listdir(host, directory):
            if not name.endswith(".conf") or name.startswith(".") or name in chosen:
                continue
            if _entry_kind(host, directory, name) is None:
                continue
            chosen[name] = posixpath.join(directory, name)
    return [chosen[name] for name in sorted(chosen)]


def unit_files(host, unit):
    """The files systemd would load for `unit`, in the order it applies them."""
    fragment, alias = _fragment(host, unit)
    if fragment is not None and _is_masking(host, fragment):
        return UnitFiles(None, [], masked_by=fragment)
    names = [unit] + ([alias] if alias else [])
    dropins = _conf_files(host, _dropin_dirs(names, unit.rpartition(".")[2]))
    return UnitFiles(fragment, dropins)


def _read_unit_text(host, path):
    """The text of a unit file or drop-in; "" for a masking entry or a
    directory (systemd reads nothing from either), None when dangling."""
    if _is_masking(host, path):
        return ""
    if _dangling(host, path):
        return None
    local = host.resolve(path)
    try:
        mode = os.stat(local).st_mode
    except OSError as exc:
        raise ConfigError(path, "cannot stat: %s" % (exc.strerror or exc))
    if stat.S_ISDIR(mode):
        return ""
    if not stat.S_ISREG(mode):
        raise ConfigError(path, "is not a regular file; systemd cannot read it as a unit file")
    return host.read_text(path)


class _ServiceSettings:
    """The [Service] settings that decide the command line, as loaded."""

    def __init__(self, unit):
        self.unit = UnitName(unit)
        self.exec_start = []        # (ExecCommand, file)
        self.type = "simple"
        self.user = None
        self.environment = []       # (name, value) in order
        self.environment_files = []  # (pattern, optional, file)
        self.unset = []
        self.sources = []

    def apply(self, path, text, is_dropin):
        """Apply one file. systemd refuses the unit when its own file cannot
        be parsed; a drop-in that cannot is applied up to the bad line."""
        lines = []
        try:
            for line in assignments(text, SERVICE_SECTIONS):
                lines.append(line)
        except SyntaxProblem as exc:
            if not is_dropin:
                raise UnitNotRunnable(path, "systemd refuses the unit: %s" % exc, state="error")
        for section, key, value, number in lines:
            if section != "Service":
                continue
            try:
                self._assign(key, value, path)
            except SyntaxProblem as exc:
                raise UnitNotRunnable(path, "line %d: %s=%s: systemd refuses the unit: %s"
                                      % (number, key, value, exc))
            except NotKnowable as exc:
                raise ConfigError(path, "line %d: %s" % (number, exc))

    def _assign(self, key, value, path):
        if key == "ExecStart":
            if not value:
                self.exec_start = []
            else:
                self.exec_start.extend((command, path) for command in parse_exec_line(value, self.unit, self.user))
        elif key == "Type":
            if value in SERVICE_TYPES:
                self.type = value
        elif key == "User":
            self.user = value or None
        elif key == "Environment":
            if not value:
                self.environment = []
            else:
                self.environment.extend(environment_assignments(value, self._resolve_env_word))
        elif key == "EnvironmentFile":
            if not value:
                self.environment_files = []
            else:
                self._environment_file(value, path)
        elif key == "UnsetEnvironment":
            if not value:
                self.unset = []
            else:
                self.unset.extend(_words_or_nothing(value))

    def _resolve_env_word(self, word):
        try:
            return resolve_specifiers(word, self.unit, self.user)
        except NotKnowable as exc:
            return word.partition("=")[0], "=", Unknown(str(exc))

    def _environment_file(self, value, path):
        optional = value.startswith("-")
        try:
            pattern = resolve_specifiers(value[1:] if optional else value, self.unit, self.user)
        except SyntaxProblem:
            return  # systemd ignores the line
        if pattern.startswith("/"):
            self.environment_files.append((pattern, optional, path))


def _words_or_nothing(value):
    try:
        return split_words(value)
    except SyntaxProblem:
        return []


def manager_environment(host):
    """The system manager's own environment: its PATH, then DefaultEnvironment=
    (system.conf and its .d)."""
    main = host.first_existing(posixpath.join(d, "system.conf") for d in MANAGER_CONF_DIRS)
    files = ([main] if main else []) + _conf_files(host, [posixpath.join(d, "system.conf.d")
                                                          for d in MANAGER_CONF_DIRS])
    env = {}
    for path in files:
        text = _read_unit_text(host, path)
        if not text:
            continue
        try:
            lines = list(assignments(text, frozenset(("Manager",))))
        except SyntaxProblem:
            continue  # systemd warns and keeps its defaults
        for dummy, key, value, dummy_line in lines:
            if key == "DefaultEnvironment":
                if not value:
                    env = {}
                env.update(environment_assignments(value))
    merged = {"PATH": _manager_path(host, systemd_version(host))}
    merged.update(env)
    return merged


def _manager_path(host, version):
    if version == 252:
        return PATH_252
    if version == 257:
        if _dirs_split(host, "/usr/sbin", "/usr/bin"):
            return PATH_257_FULL_SBIN
        if _dirs_split(host, "/usr/local/sbin", "/usr/local/bin"):
            return PATH_257_LOCAL_SBIN
        return PATH_257_NO_SBIN
    return Unknown("the PATH systemd %s gives services is not known to the audit (it mirrors systemd %s and %s)"
                   % (version or "(version unknown)", MIRRORED.oldest, MIRRORED.newest))


def _dirs_split(host, sbin, bin_dir):
    """Whether `sbin` and `bin_dir` both exist and are not the same directory."""
    try:
        first, second = os.stat(host.resolve(sbin)), os.stat(host.resolve(bin_dir))
    except (OSError, ConfigError):
        return False
    return (first.st_dev, first.st_ino) != (second.st_dev, second.st_ino)


def _environment_files(host, pattern, optional, declared_in):
    """The files an EnvironmentFile= pattern names (glob in the last part)."""
    directory, base = posixpath.split(pattern)
    if any(c in directory for c in "*?["):
        raise ConfigError(declared_in, "EnvironmentFile=%s: a pattern in a directory name is not "
                                       "followed by the audit" % pattern)
    if any(c in base for c in "*?["):
        names = [n for n in _listdir(host, directory) if fnmatch.fnmatchcase(n, base)
                 and not (n.startswith(".") and not base.startswith("."))]
        found = [posixpath.join(directory, n) for n in names]
    else:
        found = [pattern] if host.exists(pattern) or host.resolve(pattern) == host.resolve("/dev/null") else []
    if not found and not optional:
        raise UnitNotRunnable(pattern, "EnvironmentFile= (in %s) names a file that does not exist; "
                                       "systemd will not start the service" % declared_in, state="start-fails")
    return found


def systemd_version(host):
    """The major version of the host's systemd (from its shared library's
    name, e.g. libsystemd-shared-252.so), or None when it cannot be told."""
    for directory in ("/usr/lib/x86_64-linux-gnu/systemd", "/usr/lib/aarch64-linux-gnu/systemd",
                      "/lib/systemd", "/usr/lib/systemd"):
        for name in _listdir(host, directory):
            match = re.match(r"libsystemd-shared-([0-9]{1,9})(?![0-9])", name)
            if match:
                return int(match.group(1))
    return None


def _environment_file_text(host, path):
    """The text of an environment file, undecodable bytes as surrogates;
    None when absent. SyntaxProblem for a directory, which systemd opens
    but cannot read."""
    if host.resolve(path) == host.resolve("/dev/null"):
        return ""
    if host.is_dir(path):
        raise SyntaxProblem("it is a directory")
    data = host.read_bytes(path)
    return None if data is None else data.decode("utf-8", "surrogateescape")


def _read_environment_file(host, path):
    """The pairs of one environment file, read as the host's systemd reads
    it; when its version is unknown, both readings must agree; ConfigError when it
    is newer than MIRRORED.newest. SyntaxProblem when systemd cannot load the file at all."""
    text = _environment_file_text(host, path)
    if text is None:
        return None
    version = systemd_version(host)
    if version is not None:
        MIRRORED.check(path, str(version))
        return read_environment_file(text, comment_continues=version < 254)
    old, new = (read_environment_file(text, comment_continues=c) for c in (True, False))
    if old != new:
        raise ConfigError(path, "a comment line ending in a backslash: systemd before 254 also treats the "
                                "next line as comment, later versions do not, and this host's systemd "
                                "version cannot be told")
    return old


def _final_environment(host, settings):
    env = manager_environment(host)
    env.update(dict(settings.environment))
    for pattern, optional, declared_in in settings.environment_files:
        for path in _environment_files(host, pattern, optional, declared_in):
            try:
                pairs = _read_environment_file(host, path)
            except SyntaxProblem as exc:
                if optional:
                    continue  # the "-" prefix: systemd ignores the whole file
                raise UnitNotRunnable(path, "EnvironmentFile= (in %s): systemd cannot load it (%s) and will not "
                                            "start the service" % (declared_in, exc), state="start-fails")
            if pairs is None:
                continue
            settings.sources.append(path)
            env.update(pairs)
    for entry in settings.unset:
        name, has_value, value = entry.partition("=")
        if name in env and (not has_value or env[name] == value):
            del env[name]
    return env


def load_service(host, unit):
    """(_ServiceSettings) of `unit` as systemd loads it, or None when there
    is no unit file. UnitNotRunnable when systemd would not start it."""
    files = unit_files(host, unit)
    if files.masked_by is not None:
        raise UnitNotRunnable(files.masked_by, "%s is masked (a link to /dev/null or an empty file): "
                                               "systemd will not start it" % unit, state="masked")
    if files.fragment is None:
        return None  # drop-ins alone do not make a service: systemd says not-found
    settings = _ServiceSettings(unit)
    for path in [files.fragment] + files.dropins:
        text = _read_unit_text(host, path)
        if text is None:
            continue
        settings.sources.append(path)
        settings.apply(path, text, is_dropin=path != files.fragment)
    _verify(settings, unit)
    return settings


def _verify(settings, unit):
    commands = settings.exec_start
    where = commands[-1][1] if commands else settings.sources[-1]
    if not commands and settings.type != "oneshot":
        raise UnitNotRunnable(where, "%s has no ExecStart= (after resets in drop-ins): systemd refuses "
                                     "to load it" % unit)
    if len(commands) > 1 and settings.type != "oneshot":
        raise UnitNotRunnable(where, "%s has more than one ExecStart= command (%s), which systemd only "
                                     "allows for Type=oneshot: it refuses to load the unit"
                              % (unit, ", ".join(sorted(set(path for dummy, path in commands)))))


def unit_file_paths(host, unit):
    """The unit file then its drop-ins, as systemd applies them; [] when the
    unit does not exist or is masked."""
    files = unit_files(host, unit)
    if files.masked_by:
        return []
    return ([files.fragment] if files.fragment else []) + list(files.dropins)


def unit_values(host, unit, section, key):
    """The values of a list setting (ListenStream=, SocketGroup=, ...) of
    `unit` after its drop-ins, in order; an empty assignment resets the list,
    as systemd does for list settings. [] when the unit does not exist or is
    masked."""
    values = []
    for path in unit_file_paths(host, unit):
        text = _read_unit_text(host, path)
        if text is None:
            continue
        try:
            for dummy, found_key, value, number in assignments(text, frozenset((section,))):
                if found_key == key:
                    if value:
                        values.append(value)
                    else:
                        values.clear()
        except SyntaxProblem as exc:
            raise ConfigError(path, str(exc))
    return values


def service_command(host, unit):
    """The effective ExecStart of `unit` under the host root, or None when
    there is no such unit. ConfigError (UnitNotRunnable) when systemd would
    not start it, or when the command cannot be known from the files."""
    settings = load_service(host, unit)
    if settings is None:
        return None
    if len(settings.exec_start) != 1:
        raise UnitNotRunnable(settings.sources[-1],
                              "%s runs %d ExecStart= commands in sequence (Type=oneshot); the audit reads "
                              "only one" % (unit, len(settings.exec_start)))
    command, origin = settings.exec_start[0]
    argv = command.argv
    if command.expand_env:
        env = _final_environment(host, settings)
        try:
            argv = expand_argv(argv, env)
        except NotKnowable as exc:
            raise ConfigError(origin, str(exc))
    return ServiceCommand([command.path] + argv[1:], settings.sources, origin)
