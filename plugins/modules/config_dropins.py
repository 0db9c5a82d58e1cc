#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: config_dropins
short_description: Write whole TOML drop-in files for Podman (containers.conf.d) or CRI-O (crio.conf.d)
version_added: 0.1.0
description:
  - Writes each file of O(files) into O(directory) as TOML, in one task for all of them.
    Each file is owned entirely by whoever declares it (a Stockade layer), and its whole content is replaced,
    so a key removed from the data disappears from the file.
  - Files not named in O(files) are never changed or removed, so a run that declares the files of one
    layer leaves the files of the other layers, and the operator's own drop-ins, as they are; the one
    exception is a drop-in that undoes one of the owned files, see O(shadowing).
  - A drop-in the engine reads after an owned file wins over it. O(shadowing) decides what happens to a
    later drop-in that sets a key of an owned file to another value (the posture audit reports it as drift);
    V(fail) refuses to change anything, V(disable) renames it away so that the engine no longer reads it,
    V(ignore) leaves it.
  - A file is written only when its rendered content differs from what is on disk, atomically (temporary
    file in the same directory, fsync, rename), keeping the mode, owner and SELinux label of an existing file.
  - Every file opens with a comment line saying that C(stockade.hardening) manages it and who owns it.
  - The engine is not restarted; pass RV(rollback) to M(stockade.hardening.engine_restart) for that.
    It also puts back the drop-ins that O(shadowing=disable) renamed.
author:
  - Stockade contributors (@stockade)
options:
  directory:
    description:
      - The drop-in directory, such as C(/etc/containers/containers.conf.d) or C(/etc/crio/crio.conf.d).
      - Created with mode C(0755) when it does not exist (its parent must exist).
    type: path
    required: true
  files:
    description:
      - File name in O(directory) mapped to the TOML data of that file (a dictionary of tables and values, which may be
        strings, integers, floats, booleans and flat lists of those).
      - Names must match C(^[0-9]{2}-[A-Za-z0-9_.-]+\.conf$), the engines read drop-ins in name order,
        and must not contain C(/) or C(..).
      - A null (or empty) value removes that file if it exists, for a layer that no longer sets anything.
    type: dict
    required: true
  owner_comment:
    description:
      - Who owns the files, written into the header comment of each file.
      - Default is the layer taken from the file name (C(NN-stockade-LAYER.conf) gives C(layer LAYER)),
        else the file name.
    type: str
  backup:
    description:
      - Before changing or removing an existing file, keep a copy next to it named
        C(NAME.PID.YYYY-MM-DD@HH:MM:SS~).
      - The engines read only C(*.conf) in their drop-in directories, so backups are not loaded.
    type: bool
    default: true
  later_directories:
    description:
      - Drop-in directories the engine reads after O(directory), in the order it reads them; only looked at
        for O(shadowing).
      - For a rootful Podman this is C(/etc/containers/containers.rootful.conf.d), which Podman reads after
        C(/etc/containers/containers.conf.d). CRI-O reads nothing after C(/etc/crio/crio.conf.d).
      - A directory that does not exist holds no drop-ins.
    type: list
    elements: path
    default: []
  shadowing:
    description:
      - What to do with a drop-in the engine reads after an owned file and that sets one of its keys
        (a leaf value, by its dotted path such as C(containers.seccomp_profile)) to a different value.
      - The files read after an owned file are the C(*.conf) files of O(directory) whose name sorts after
        the owned file's name, other than the files of O(files), then every C(*.conf) of each of
        O(later_directories), by name. Names starting with C(.) and entries that are not regular files are
        skipped, as the posture audit does. The files are merged as the engine merges them (the posture
        audit's own layering), so a later file matters only when its value is the one that takes effect
        and differs from the owned one; a file that sets the same value, or whose value a still later file
        replaces, is left alone. Taking a file away can uncover an earlier one that differs too; it is
        taken away in the same run. A file of O(files) given as null owns no keys.
      - V(fail) fails, naming each such file, its keys and the owned file, and changes nothing.
      - V(disable) renames each such file to C(NAME.stockade-disabled) (C(NAME.stockade-disabled.N) when
        that name is taken) in its directory. The engine reads only C(*.conf), so the whole file stops
        being read, its other keys included, and nothing is lost; a warning names the file, its keys
        and how to get it back (rename it to its old name; the next run disables it again unless its
        keys agree or O(shadowing) is not V(disable)). The module then reports C(changed), even when
        the owned files themselves did not change, and RV(rollback) holds an entry that gives the file
        back its name and content.
      - V(ignore) reads no later file and leaves them all as they are.
      - With V(fail) or V(disable), a later file that cannot be read or parsed as TOML fails the task,
        naming the file and the problem, and nothing is changed (the engine could not read it either).
    type: str
    choices: [disable, fail, ignore]
    default: fail
notes:
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.engine_restart
  - module: stockade.hardening.docker_daemon_config
attributes:
  check_mode:
    support: full
    description:
      - Reports which files would change and which later drop-ins would be disabled, with the diff, and writes
        and renames nothing (the directory is not created).
  diff_mode:
    support: full
    description:
      - Returns the text of each changed file before and after, and of each disabled drop-in before and
        as empty after, under a header saying that it is disabled.
"""

EXAMPLES = r"""
- name: Podman defaults of two layers
  stockade.hardening.config_dropins:
    directory: /etc/containers/containers.conf.d
    files:
      50-stockade-namespaces.conf:
        containers: {pidns: private, ipcns: private, utsns: private, cgroupns: private}
      50-stockade-kernel-fs.conf: null  # removed: the layer no longer sets read_only

- name: Podman seccomp profile, disabling a later drop-in that would set it back (99-local.conf, a rootful.conf.d file)
  stockade.hardening.config_dropins:
    directory: /etc/containers/containers.conf.d
    later_directories: [/etc/containers/containers.rootful.conf.d]
    shadowing: disable
    files:
      50-stockade-seccomp.conf:
        containers: {seccomp_profile: /etc/containers/stockade-seccomp.json}

- name: CRI-O runtime defaults, restarting CRI-O with a rollback
  stockade.hardening.config_dropins:
    directory: /etc/crio/crio.conf.d
    shadowing: disable
    files:
      50-stockade-capabilities.conf:
        crio:
          runtime:
            default_capabilities: [CHOWN, DAC_OVERRIDE, FSETID, FOWNER, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, KILL]
  register: __crio_dropins

- name: Restart CRI-O, putting the drop-ins back if it does not come up
  stockade.hardening.engine_restart:
    name: crio
    restart: "{{ __crio_dropins.changed }}"
    restore: "{{ __crio_dropins.rollback }}"
"""

RETURN = r"""
directory:
  description: The drop-in directory.
  returned: always
  type: str
  sample: /etc/containers/containers.conf.d
changed_files:
  description: The paths of the files that were (or in check mode would be) written or removed.
  returned: always
  type: list
  elements: str
  sample: [/etc/containers/containers.conf.d/50-stockade-namespaces.conf]
backups:
  description:
    - For each changed file, its backup, or null when the file did not exist before
      (or when O(backup=false)). Empty in check mode.
  returned: always
  type: dict
  sample: {/etc/crio/crio.conf.d/50-stockade-capabilities.conf: null}
rollback:
  description:
    - The O(stockade.hardening.engine_restart#module:restore) list that undoes this change. Empty in check mode.
    - One entry with C(path) and C(backup) per changed file (C(backup) null when the file did not exist
      before); a changed existing file without a backup (O(backup=false)) cannot be restored and is left out.
    - One entry per disabled drop-in, with its old name as C(path) and its new name as C(backup); restoring
      it writes the file back under its old name (the renamed copy stays, and is not read by the engine).
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/crio/crio.conf.d/50-stockade-capabilities.conf, backup: null}]
disabled_files:
  description:
    - The later drop-ins that were (or in check mode would be) renamed by O(shadowing=disable), in the order
      the engine reads them. Empty for the other O(shadowing) choices.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The drop-in's name before it was disabled.
      type: str
    disabled_as:
      description: Its name now, C(NAME.stockade-disabled) (or C(NAME.stockade-disabled.N)).
      type: str
    keys:
      description: The keys, as dotted paths, that it set to a value other than an owned file's.
      type: list
      elements: str
  sample:
    - path: /etc/containers/containers.conf.d/99-local.conf
      disabled_as: /etc/containers/containers.conf.d/99-local.conf.stockade-disabled
      keys: [containers.seccomp_profile]
diff:
  description:
    - One before/after pair per changed file, then one per disabled drop-in (its text before, empty after,
      with an C(after_header) saying that it is disabled and its new name).
  returned: in diff mode
  type: list
  elements: dict
  sample: [{before: "", after: "[containers]\nread_only = true\n", before_header: /etc/containers/containers.conf.d/50-stockade-kernel-fs.conf}]
"""

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    make_backup,
    clean_up_killed_writers,
    read_bytes,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.hostfs import ConfigError, HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.layered_config import (
    LayeredConfig,
    dropin_paths,
    read_toml,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.toml_lite import loads
from ansible_collections.stockade.hardening.plugins.module_utils.toml_writer import TomlWriteError, dumps

NAME_PATTERN = re.compile(r"[0-9]{2}-[A-Za-z0-9_.-]+\.conf")
LAYER_PATTERN = re.compile(r"[0-9]{2}-stockade-([A-Za-z0-9_-]+)\.conf")
DIRECTORY_MODE = 0o755
DISABLED_SUFFIX = ".stockade-disabled"


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
    """[(name, path, before bytes or None, after bytes or None)] for the files that change."""
    changes = []
    for name in sorted(files):
        data = files[name]
        path = os.path.join(directory, name)
        after = dumps(data, owner_for(name, owner_comment)).encode("utf-8") if data else None
        if os.path.isdir(path):
            raise WriteError(path, "is a directory, not a drop-in file")
        before = read_bytes(path) if os.path.isdir(directory) else None
        if before != after:
            changes.append((name, path, before, after))
    return changes


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
# The engine's view comes from the posture engine's own layering (the audit
# judges the same merged result), with the owned files as this task writes them.

def read_order(host, directory, files, later_directories):
    """The drop-in paths the engine reads, in its order, from the first owned file on (earlier files
    cannot undo ours and are not read), with the owned files where the task puts them."""
    owned = sorted(n for n, d in files.items() if d)
    names = sorted(set(host.list_dir(directory, ".conf")) - set(files) | set(owned))
    paths = [os.path.join(directory, n) for n in names] + dropin_paths(host, [], later_directories)
    return paths[names.index(owned[0]):]


def engine_view(host, order, owned, skipped):
    """LayeredConfig of `order` without the `skipped` paths; `owned` {path: data} replaces those files."""
    config = LayeredConfig([])
    for path in order:
        if path not in skipped:
            config.add(owned[path] if path in owned else read_toml(host, path), path)
    return config


def same_value(ours, theirs):
    """Equal as TOML values: of the same type (true is not 1, 1 is not 1.0) and value."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same_value(a, b) for a, b in zip(ours, theirs))
    return ours == theirs


def find_shadowing(directory, files, later_directories):
    """[(later path, [(key, owned path, our value, their value)])], in the engine's order: the drop-ins to
    take away so that every owned key takes effect. Taking one away can uncover an earlier one that
    also differs, so this repeats until the owned files win. ConfigError names a file that cannot be read."""
    if not any(files.values()):
        return []
    host = HostRoot("/")
    order = read_order(host, directory, files, later_directories)
    # as they will be on disk: rendered, then read back by the engine's TOML reader
    owned = {os.path.join(directory, n): loads(dumps(d)) for n, d in files.items() if d}
    ours = {key: (path, setting.value) for path, data in sorted(owned.items())
            for key, setting in engine_view(host, [path], owned, ()).settings().items()}
    found = {}
    while True:
        config = engine_view(host, order, owned, found)
        uncovered = {}
        for key, (path, value) in ours.items():
            effective = config.get(key)
            if effective.source not in owned and not same_value(value, effective.value):
                uncovered.setdefault(effective.source, []).append((key, path, value, effective.value))
        if not uncovered:
            return [(p, found[p]) for p in order if p in found]
        found.update(uncovered)


def disabled_name(path):
    """Where a disabled drop-in goes: NAME.stockade-disabled, never over an existing file."""
    candidate = path + DISABLED_SUFFIX
    counter = 0
    while os.path.lexists(candidate):
        counter += 1
        candidate = "%s%s.%d" % (path, DISABLED_SUFFIX, counter)
    return candidate


def overrides(entries):
    """'key = theirs where OWNED sets ours; ...' for one later drop-in."""
    return "; ".join("%s = %s where %s sets %s" % (key, shown(theirs), path, shown(ours))
                     for key, path, ours, theirs in entries)


def shown(value):
    return json.dumps(value, sort_keys=True, default=str)


def disabled_warning(entry, entries, verb):
    return ("%s %s disabled: the engine reads it after the drop-ins of stockade.hardening, and it sets %s. "
            "It %s renamed to %s, which the engine does not read; to get it back, rename it to %s "
            "(the next run disables it again unless those keys agree or shadowing is not 'disable')."
            % (entry["path"], verb, overrides(entries), verb, entry["disabled_as"], entry["path"]))


def disable(path, target):
    try:
        os.rename(path, target)
    except OSError as exc:
        raise WriteError(path, "cannot rename it to %s: %s" % (target, exc.strerror or exc))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directory=dict(type="path", required=True),
            files=dict(type="dict", required=True),
            owner_comment=dict(type="str"),
            backup=dict(type="bool", default=True),
            later_directories=dict(type="list", elements="path", default=[]),
            shadowing=dict(type="str", choices=["disable", "fail", "ignore"], default="fail"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    directory = params["directory"]
    files = params["files"]
    problems = [p for p in (name_problem(n) for n in files) if p]
    problems += ["%s: the data must be a dictionary of TOML tables and values, found %s"
                 % (n, type(d).__name__) for n, d in sorted(files.items()) if d is not None and not isinstance(d, dict)]
    if problems:
        module.fail_json(msg="config_dropins: " + "; ".join(problems), directory=directory)
    if os.path.lexists(directory) and not os.path.isdir(directory):
        module.fail_json(msg="%s exists and is not a directory" % directory, directory=directory)

    later_directories = params["later_directories"]
    try:
        changes = plan(directory, files, params["owner_comment"])
        shadows = [] if params["shadowing"] == "ignore" else find_shadowing(directory, files, later_directories)
    except TomlWriteError as exc:
        module.fail_json(msg="cannot render a drop-in as TOML: %s" % exc, directory=directory)
    except ConfigError as exc:
        module.fail_json(msg="%s (the engine cannot read it either; nothing was changed)" % exc, directory=directory)
    except WriteError as exc:
        module.fail_json(msg=str(exc), directory=directory)

    if shadows and params["shadowing"] == "fail":
        module.fail_json(
            msg="config_dropins: drop-ins that the engine reads after the files of this task set their keys to other "
                "values, so the engine would not use ours: %s. Nothing was changed. Remove those keys or files, or "
                "use shadowing=disable to rename the files away." % "; ".join(
                    "%s sets %s" % (p, overrides(e)) for p, e in shadows),
            directory=directory, shadowing_files=[dict(path=p, keys=[e[0] for e in entries]) for p, entries in shadows])

    disabled = [dict(path=p, disabled_as=disabled_name(p), keys=[e[0] for e in entries]) for p, entries in shadows]
    result = dict(changed=bool(changes or disabled), directory=directory, changed_files=[c[1] for c in changes],
                  backups={}, rollback=[], disabled_files=disabled)
    if module._diff:
        result["diff"] = [dict(before=(b or b"").decode("utf-8", "replace"), after=(a or b"").decode("utf-8"),
                               before_header=p, after_header=p) for dummy, p, b, a in changes]
        result["diff"] += [dict(before=read_bytes(d["path"]).decode("utf-8"), after="", before_header=d["path"],
                                after_header="%s (disabled: renamed to %s, no longer read by the engine)"
                                % (d["path"], d["disabled_as"])) for d in disabled]
    clean_up_killed_writers(module, [os.path.join(directory, name) for name in files], **result)
    if module.check_mode or not (changes or disabled):
        for entry, (dummy, entries) in zip(disabled, shadows):
            module.warn(disabled_warning(entry, entries, "would be"))
        module.exit_json(**result)

    try:
        needs_directory = any(c[3] is not None for c in changes)
        if needs_directory:
            ensure_directory(directory)
        result["backups"] = apply(changes, params["backup"])
        result["rollback"] = [dict(path=path, backup=result["backups"][path])
                              for dummy, path, before, dummy2 in changes
                              if before is None or result["backups"][path] is not None]
        for entry, (dummy, entries) in zip(disabled, shadows):
            disable(entry["path"], entry["disabled_as"])
            # engine_restart's restore writes the content of `backup` back to `path`.
            result["rollback"].append(dict(path=entry["path"], backup=entry["disabled_as"]))
            module.warn(disabled_warning(entry, entries, "was"))
    except WriteError as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
