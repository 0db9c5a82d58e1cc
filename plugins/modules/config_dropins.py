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
  - Files not named in O(files) are never read, changed or removed, so a run that declares the files of one
    layer leaves the files of the other layers, and the operator's own drop-ins, as they are.
  - A file is written only when its rendered content differs from what is on disk, atomically (temporary
    file in the same directory, fsync, rename), keeping the mode, owner and SELinux label of an existing file.
  - Every file opens with a comment line saying that C(stockade.hardening) manages it and who owns it.
  - The engine is not restarted; pass RV(rollback) to M(stockade.hardening.engine_restart) for that.
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
notes:
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.engine_restart
  - module: stockade.hardening.docker_daemon_config
attributes:
  check_mode:
    support: full
    description: Reports which files would change, with the diff, and writes nothing (the directory is not created).
  diff_mode:
    support: full
    description: Returns the text of each changed file before and after.
"""

EXAMPLES = r"""
- name: Podman defaults of two layers
  stockade.hardening.config_dropins:
    directory: /etc/containers/containers.conf.d
    files:
      50-stockade-namespaces.conf:
        containers: {pidns: private, ipcns: private, utsns: private, cgroupns: private}
      50-stockade-kernel-fs.conf: null  # removed: the layer no longer sets read_only

- name: CRI-O runtime defaults, restarting CRI-O with a rollback
  stockade.hardening.config_dropins:
    directory: /etc/crio/crio.conf.d
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
    - The O(stockade.hardening.engine_restart#module:restore) list that undoes this change.
    - One entry with C(path) and C(backup) per changed file (C(backup) null when the file did not exist
      before); a changed existing file without a backup (O(backup=false)) cannot be restored and is left out.
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/crio/crio.conf.d/50-stockade-capabilities.conf, backup: null}]
diff:
  description: One before/after pair per changed file.
  returned: in diff mode
  type: list
  elements: dict
  sample: [{before: "", after: "[containers]\nread_only = true\n", before_header: /etc/containers/containers.conf.d/50-stockade-kernel-fs.conf}]
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    make_backup,
    read_bytes,
)
from ansible_collections.stockade.hardening.plugins.module_utils.toml_writer import TomlWriteError, dumps

NAME_PATTERN = re.compile(r"[0-9]{2}-[A-Za-z0-9_.-]+\.conf")
LAYER_PATTERN = re.compile(r"[0-9]{2}-stockade-([A-Za-z0-9_-]+)\.conf")
DIRECTORY_MODE = 0o755


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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directory=dict(type="path", required=True),
            files=dict(type="dict", required=True),
            owner_comment=dict(type="str"),
            backup=dict(type="bool", default=True),
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

    try:
        changes = plan(directory, files, params["owner_comment"])
    except TomlWriteError as exc:
        module.fail_json(msg="cannot render a drop-in as TOML: %s" % exc, directory=directory)
    except WriteError as exc:
        module.fail_json(msg=str(exc), directory=directory)

    result = dict(changed=bool(changes), directory=directory, changed_files=[c[1] for c in changes],
                  backups={}, rollback=[])
    if module._diff:
        result["diff"] = [dict(before=(b or b"").decode("utf-8", "replace"), after=(a or b"").decode("utf-8"),
                               before_header=p, after_header=p) for dummy, p, b, a in changes]
    if module.check_mode or not changes:
        module.exit_json(**result)

    try:
        needs_directory = any(c[3] is not None for c in changes)
        if needs_directory:
            ensure_directory(directory)
        result["backups"] = apply(changes, params["backup"])
    except WriteError as exc:
        module.fail_json(msg=str(exc), **result)
    result["rollback"] = [dict(path=path, backup=result["backups"][path])
                          for dummy, path, before, dummy2 in changes
                          if before is None or result["backups"][path] is not None]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
