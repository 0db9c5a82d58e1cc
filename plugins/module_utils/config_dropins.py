# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole TOML drop-in files owned by a layer (modules/config_dropins.py is
its documentation and one call to run_module()).

Every file is read as the audit reads it: through hostfs (stat first, no
FIFO, device or socket, at most 8 MiB, symlinks resolved inside the root)
and the engine's TOML reader. An owned file or a later drop-in the audit
calls `error` is refused with the audit's words, and nothing is changed.

The engine's view comes from the posture engine's own layering
(posture/engines/layered_config.py and, for Podman, posture/readers/containers_conf.py): the
files are read in the engine's order with its TOML reader and merged as it
merges them, so the writer and the audit judge the same effective value.

A later drop-in that sets one of our keys to another value is set aside
without losing anything of the user's: the original goes to
NAME.stockade-disabled (byte for byte, not read by the engine, which reads
only *.conf), and NAME is written again holding every other key of it
(rendered by toml_writer, which refuses what it cannot write exactly), so
those keep applying. Only when nothing else is left, or the rest cannot be
written exactly, is the file set aside whole, and the warning then names
each other key that stops applying. The rollback writes the original back.
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError, atomic_write, check_replaceable, clean_up_killed_writers, make_backup, read_bytes,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    LayeredConfig, dropin_paths, read_toml,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.containers_conf import (
    ETC_FILE, USR_FILE, conf_entries, file_order, login_environment, reading_for,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.go_json import fold
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.toml_lite import loads
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_write_access
from ansible_collections.stockade.hardening.plugins.module_utils.toml_writer import TomlWriteError, dumps

NAME_PATTERN = re.compile(r"[0-9]{2}-[A-Za-z0-9_.-]+\.conf")
LAYER_PATTERN = re.compile(r"[0-9]{2}-stockade-([A-Za-z0-9_-]+)\.conf")
DIRECTORY_MODE = 0o755
DISABLED_SUFFIX = ".stockade-disabled"
PODMAN_DROPINS = ETC_FILE + ".d"
HOST_ROOT = "/"   # tests point it at a tree

ARGUMENT_SPEC = dict(
    directory=dict(type="path", required=True),
    files=dict(type="dict", required=True),
    owner_comment=dict(type="str"),
    backup=dict(type="bool", default=True),
    engine=dict(type="str", choices=["podman"]),
    later_directories=dict(type="list", elements="path", default=[]),
    shadowing=dict(type="str", choices=["disable", "fail", "ignore"], default="fail"),
)


class Request:
    """The module's parameters."""

    def __init__(self, params):
        self.directory = params["directory"]
        self.files = params["files"]
        self.owner_comment = params.get("owner_comment")
        self.backup = params.get("backup", True)
        self.later_directories = params.get("later_directories") or []
        self.shadowing = params.get("shadowing", "fail")
        self.engine = params.get("engine")


def run_module(module):
    """Everything the module does; ends with module.exit_json or module.fail_json."""
    request = Request(module.params)
    require_write_access(module, "config_dropins", [request.directory])
    problems = input_problems(request)
    if problems:
        module.fail_json(msg="config_dropins: " + "; ".join(problems), directory=request.directory)
    try:
        changes = plan(request.directory, request.files, request.owner_comment)
        shadows = [] if request.shadowing == "ignore" else find_shadowing(request)
    except TomlWriteError as exc:
        module.fail_json(msg="cannot render a drop-in as TOML: %s" % exc, directory=request.directory)
    except ConfigError as exc:
        module.fail_json(msg="%s (the engine cannot read it either; nothing was changed)" % exc,
                         directory=request.directory)
    except WriteError as exc:
        module.fail_json(msg=str(exc), directory=request.directory)
    if shadows and request.shadowing == "fail":
        module.fail_json(
            msg="config_dropins: drop-ins that the engine reads after the files of this task set their keys to other "
                "values, so the engine would not use ours: %s. Nothing was changed. Remove those keys or files, or "
                "use shadowing=disable to set them aside (their other keys are kept)." % "; ".join(
                    "%s sets %s" % (s.path, overrides(s.entries)) for s in shadows),
            directory=request.directory, shadowing_files=[dict(path=s.path, keys=s.keys) for s in shadows])
    report(module, request, changes, shadows)


def input_problems(request):
    problems = [p for p in (name_problem(n) for n in request.files) if p]
    problems += ["%s: the data must be a dictionary of TOML tables and values, found %s"
                 % (n, type(d).__name__) for n, d in sorted(request.files.items())
                 if d is not None and not isinstance(d, dict)]
    if os.path.lexists(request.directory) and not os.path.isdir(request.directory):
        problems.append("%s exists and is not a directory" % request.directory)
    return problems


def report(module, request, changes, shadows):
    result = dict(changed=bool(changes or shadows), directory=request.directory, changed_files=[c[1] for c in changes],
                  backups={}, rollback=[], disabled_files=[s.entry() for s in shadows])
    if module._diff:
        result["diff"] = [dict(before=(b or b"").decode("utf-8", "replace"), after=(a or b"").decode("utf-8"),
                               before_header=p, after_header=p) for dummy, p, b, a in changes]
        result["diff"] += [s.diff() for s in shadows]
    verb = "would be" if module.check_mode else "was"
    clean_up_killed_writers(module, [os.path.join(request.directory, name) for name in request.files]
                            + [s.path for s in shadows], **result)
    if module.check_mode or not (changes or shadows):
        for shadow in shadows:
            module.warn(shadow.warning(verb))
        module.exit_json(**result)
    try:
        check_replaceable([c[1] for c in changes] + [s.path for s in shadows if s.kept_text is not None],
                          [s.disabled_as for s in shadows])
        if any(c[3] is not None for c in changes):
            ensure_directory(request.directory)
        result["backups"] = apply(changes, request.backup)
        result["rollback"] = [dict(path=path, backup=result["backups"][path])
                              for dummy, path, before, dummy2 in changes
                              if before is None or result["backups"][path] is not None]
        for shadow in shadows:
            shadow.apply()
            # engine_restart's restore writes the content of `backup` back to `path`.
            result["rollback"].append(dict(path=shadow.path, backup=shadow.disabled_as))
            module.warn(shadow.warning(verb))
    except WriteError as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


def name_problem(name):
    """Why `name` is not an acceptable drop-in file name, or None."""
    if not isinstance(name, str) or "/" in name or ".." in name or "\0" in name:
        return "%r: a drop-in name must be a plain file name, without '/' or '..'" % (name,)
    if not NAME_PATTERN.fullmatch(name):
        return ("%r: a drop-in name must look like NN-name.conf (two digits, a dash, letters, digits, "
                "'_', '.' or '-', then .conf), so that the engine reads it in a known order" % name)
    return None


def owner_for(name, owner_comment):
    if owner_comment:
        return owner_comment
    match = LAYER_PATTERN.fullmatch(name)
    return "layer %s" % match.group(1).replace("-", "_") if match else name


def plan(directory, files, owner_comment):
    """[(name, path, before bytes or None, after bytes or None)] for the files that change.

    An owned file that exists is read and parsed as the audit reads it before
    anything is decided: one the engine (and the audit) cannot read is a
    ConfigError naming it, and stays as it is."""
    host = HostRoot(HOST_ROOT)
    changes = []
    for name in sorted(files):
        data = files[name]
        path = os.path.join(directory, name)
        after = dumps(data, owner_for(name, owner_comment)).encode("utf-8") if data else None
        if os.path.isdir(path):
            raise WriteError(path, "is a directory, not a drop-in file")
        before = current_bytes(host, host_path(path))
        if before != after:
            changes.append((name, local_path(host, path), before, after))
    return changes


def current_bytes(host, path):
    """The bytes of the drop-in at host path `path` (None when absent), once the engine's TOML reader
    accepts them; ConfigError (the audit's words) when the audit would not."""
    data = host.read_bytes(path)
    if data is not None:
        read_toml(host, path)
    return data


def local_path(host, path):
    """Where to write `path` (a path on this machine): through its symlinks as the host resolves them,
    never out of HOST_ROOT."""
    return host.resolve(host_path(path)) if HOST_ROOT != "/" else path


def ensure_directory(directory):
    if os.path.isdir(directory):
        return False
    try:
        os.mkdir(directory, DIRECTORY_MODE)
        os.chmod(directory, DIRECTORY_MODE)  # whatever the umask
    except OSError as exc:
        raise WriteError(directory, "cannot create the directory: %s" % (exc.strerror or exc))
    return True


def apply(changes, backup):
    """Write or remove each changed file; returns {path: backup or None}."""
    backups = {}
    for dummy, path, before, after in changes:
        saved = make_backup(path) if before is not None and backup else None
        backups[path] = saved
        if after is None:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise WriteError(path, "cannot remove: %s" % (exc.strerror or exc))
        else:
            atomic_write(path, after)
    return backups


# -- drop-ins read after the owned files (shadowing) ------------------------

def host_path(path):
    """A path on the machine as the engine names it (they differ only when tests point HOST_ROOT at a tree)."""
    return path if HOST_ROOT == "/" else "/" + os.path.relpath(path, HOST_ROOT)


def real_path(path):
    return path if HOST_ROOT == "/" else os.path.join(HOST_ROOT, path.lstrip("/"))


def engine_reading(request, host):
    """containers_conf.Reading for Podman (engine=podman), else None (plain merge)."""
    return reading_for(host)[0] if request.engine == "podman" else None


def read_order(request, host, reading):
    """The drop-in paths the engine reads, in its order, from the first owned file on (earlier files
    cannot undo ours and are not read), with the owned files where the task puts them."""
    files = request.files
    directory = host_path(request.directory)
    owned = sorted(n for n, d in files.items() if d)
    if reading is not None:
        present = [os.path.basename(p) for p in conf_entries(host, directory)]
        later = [p for p, dummy in file_order(host, reading, login_environment(host))
                 if p not in (USR_FILE, ETC_FILE) and not p.startswith(PODMAN_DROPINS + "/")]
    else:
        present = host.list_dir(directory, ".conf")
        later = []
    names = sorted(set(present) - set(files) | set(owned), key=lambda n: n.encode("utf-8", "surrogateescape"))
    paths = [os.path.join(directory, n) for n in names] + later
    paths += dropin_paths(host, [], [host_path(d) for d in request.later_directories])
    return paths[names.index(owned[0]):]


def engine_view(host, order, owned, replaced, reading):
    """LayeredConfig of `order`; `owned` {path: data} stands for those files, `replaced` {path: data or None}
    for the files set aside (None: not read at all)."""
    config = LayeredConfig([], reading)
    for path in order:
        if path in owned:
            config.add(owned[path], path)
        elif path in replaced:
            if replaced[path] is not None:
                config.add(replaced[path], path)
        else:
            data = read_toml(host, path)
            if data is not None:
                config.add(data, path)
    return config


def same_value(ours, theirs):
    """Equal as TOML values: of the same type (true is not 1, 1 is not 1.0) and value."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same_value(a, b) for a, b in zip(ours, theirs))
    return ours == theirs


class Shadow:
    """A later drop-in that sets owned keys to other values, and how it is set aside."""

    def __init__(self, path, entries, original, remainder, kept_text, problem):
        self.path = path
        self.entries = entries            # [(key, owned path, our value, their value)]
        self.keys = [e[0] for e in entries]
        self.original = original          # its bytes
        self.remainder = remainder        # its data without our keys (None: nothing else)
        self.kept_text = kept_text        # the text written at `path` again, or None
        self.problem = problem            # why its other keys could not be kept, or None
        self.disabled_as = disabled_name(path)

    def kept_keys(self):
        return leaf_keys(self.remainder) if self.kept_text is not None else []

    def lost_keys(self):
        return [] if self.kept_text is not None else leaf_keys(self.remainder)

    def entry(self):
        return dict(path=self.path, disabled_as=self.disabled_as, keys=self.keys, kept_keys=self.kept_keys(),
                    lost_keys=self.lost_keys())

    def diff(self):
        after = self.kept_text or ""
        what = ("set aside as %s; its other keys are kept in a new %s" % (self.disabled_as, self.path)
                if self.kept_text is not None else "disabled: renamed to %s, no longer read by the engine"
                % self.disabled_as)
        return dict(before=self.original.decode("utf-8", "replace"), after=after, before_header=self.path,
                    after_header="%s (%s)" % (self.path, what))

    def apply(self):
        """Crash-safe: a SIGKILL at any moment leaves NAME old or new and the original whole under
        NAME.stockade-disabled; a re-run finds that copy (same bytes) and finishes the job. A file with
        hard links of its own is refused: a new NAME would split them."""
        if self.kept_text is None:
            _rename(self.path, self.disabled_as)
            return
        check_replaceable([self.path], own_links=[self.disabled_as])
        if not os.path.lexists(self.disabled_as):
            _keep_original(self.path, self.disabled_as, self.original)
        status = os.stat(self.disabled_as)
        atomic_write(self.path, self.kept_text.encode("utf-8"), mode=status.st_mode & 0o7777,
                     owner=(status.st_uid, status.st_gid), own_links=[self.disabled_as])

    def warning(self, verb):
        text = ("%s %s set aside: the engine reads it after the drop-ins of stockade.hardening, and it sets %s. "
                "The original %s kept as %s, which the engine does not read. "
                % (self.path, verb, overrides(self.entries), verb, self.disabled_as))
        if self.kept_text is not None:
            text += ("Its other keys (%s) %s written back to %s, so they keep applying. "
                     % (", ".join(self.kept_keys()), "would be" if verb == "would be" else "were", self.path))
        elif self.lost_keys():
            text += ("Its other keys NO LONGER APPLY: %s (%s). " % (", ".join(self.lost_keys()), self.problem))
        return text + ("To undo, move %s back to %s (the next run sets it aside again unless those keys agree "
                       "or shadowing is not 'disable')." % (self.disabled_as, self.path))


def find_shadowing(request):
    """[Shadow] in the engine's order: the drop-ins to set aside so that every owned key takes effect. Taking
    a key away can uncover an earlier file that also differs, so this repeats until the owned files win.
    ConfigError names a file that cannot be read."""
    files = request.files
    if not any(files.values()):
        return []
    host = HostRoot(HOST_ROOT)
    reading = engine_reading(request, host)
    order = read_order(request, host, reading)
    # as they will be on disk: rendered, then read back by the engine's TOML reader
    owned = {os.path.join(host_path(request.directory), n): loads(dumps(d)) for n, d in files.items() if d}
    ours = {}
    for path, data in sorted(owned.items()):
        for key, setting in engine_view(host, [path], owned, {}, reading).settings().items():
            ours[key] = (path, setting.value)
    found = {}
    replaced = {}
    while True:
        config = engine_view(host, order, owned, replaced, reading)
        uncovered = {}
        for key, (path, value) in ours.items():
            effective = config.get(key)
            if effective.source not in owned and not same_value(value, effective.value):
                uncovered.setdefault(effective.source, []).append((key, path, value, effective.value))
        if not uncovered:
            break
        for path, entries in uncovered.items():
            found.setdefault(path, []).extend(entries)
            replaced[path] = without_keys(read_toml(host, path), [e[0] for e in found[path]], reading) or None
    _check_other_keys_unchanged(host, order, owned, replaced, reading, set(ours))
    return [_shadow(host, path, found[path], replaced[path]) for path in order if path in found]


def _check_other_keys_unchanged(host, order, owned, replaced, reading, our_keys):
    """Every key that is not ours must keep its effective value when the files are set aside as planned."""
    before = engine_view(host, order, owned, {}, reading).settings()
    after = engine_view(host, order, owned, replaced, reading).settings()
    for key in sorted(set(before) | set(after)):
        if key in our_keys:
            continue
        if key not in before or key not in after or not same_value(before[key].value, after[key].value):
            raise ConfigError(before[key].source if key in before else order[-1],
                              "setting aside the drop-ins that undo ours would change %s, which is not ours; "
                              "nothing was changed" % key)


def _shadow(host, path, entries, remainder):
    original = host.read_bytes(path)
    path = real_path(path)
    kept_text = problem = None
    if remainder:
        comment = ("Set aside by stockade.hardening: the original is %s, kept as it was (comments included). "
                   "It set %s, which the hardening owns; every other setting of it is here, so it keeps "
                   "applying." % (os.path.basename(disabled_name(path)), ", ".join(e[0] for e in entries)))
        try:
            kept_text = dumps(remainder, comment=comment)
        except TomlWriteError as exc:
            problem = "they cannot be written back exactly: %s" % exc
    return Shadow(path, entries, original, remainder, kept_text, problem)


def without_keys(data, keys, reading):
    """A copy of one file's `data` without `keys` (dotted paths as the engine names them); for Podman the
    table and field names (the first two parts) match as Go's decoder matches them, case-insensitively,
    deeper parts (map keys such as a runtime's name) exactly. Tables left empty by the removal go too."""
    copy = _deep_copy(data)
    for key in keys:
        _remove(copy, key.split("."), 2 if reading is not None else 0)
    return copy


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _remove(table, parts, folded_levels):
    """Remove the key at `parts` from `table`; True when that leaves `table` empty."""
    for key in list(table):
        if (fold(key) == fold(parts[0])) if folded_levels > 0 else key == parts[0]:
            if len(parts) == 1:
                del table[key]
            elif isinstance(table[key], dict) and _remove(table[key], parts[1:], folded_levels - 1):
                del table[key]
    return not table


def leaf_keys(data, prefix=()):
    """Dotted paths of the values in `data` (tables are walked, arrays are values)."""
    if not data:
        return []
    keys = []
    for key, value in sorted(data.items()):
        if isinstance(value, dict) and value:
            keys += leaf_keys(value, prefix + (key,))
        else:
            keys.append(".".join(prefix + (key,)))
    return keys


def disabled_name(path):
    """Where a set-aside drop-in goes: NAME.stockade-disabled, never over another file (one holding the
    same bytes is the copy an interrupted run made, and is used again)."""
    candidate = path + DISABLED_SUFFIX
    counter = 0
    while os.path.lexists(candidate) and not _same_bytes(candidate, path):
        counter += 1
        candidate = "%s%s.%d" % (path, DISABLED_SUFFIX, counter)
    return candidate


def _same_bytes(one, other):
    try:
        return os.path.isfile(one) and not os.path.islink(one) and read_bytes(one) == read_bytes(other)
    except WriteError:
        return False


def _rename(path, target):
    try:
        os.rename(path, target)
    except OSError as exc:
        raise WriteError(path, "cannot rename it to %s: %s" % (target, exc.strerror or exc))


def _keep_original(path, target, original):
    """The original under `target`: a hard link (same inode, so mode, owner and label too), else a copy."""
    try:
        os.link(path, target)
    except OSError:
        status = os.stat(path)
        atomic_write(target, original, mode=status.st_mode & 0o7777, owner=(status.st_uid, status.st_gid))


def overrides(entries):
    """'key = theirs where OWNED sets ours; ...' for one later drop-in."""
    return "; ".join("%s = %s where %s sets %s" % (key, shown(theirs), path, shown(ours))
                     for key, path, ours, theirs in entries)


def shown(value):
    return json.dumps(value, sort_keys=True, default=str)
