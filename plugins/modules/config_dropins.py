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
    V(fail) refuses to change anything, V(disable) sets it aside keeping its other keys in effect,
    V(ignore) leaves it.
  - Every existing file, owned or read after the owned ones, is read as the posture audit reads it (stat first; a
    FIFO, a device or a socket, a file over 8 MiB, TOML the engine refuses, not UTF-8, is refused with the audit's own
    words) and nothing is changed.
  - A file is written only when its rendered content differs from what is on disk, atomically (temporary
    file in the same directory, fsync, rename), keeping the mode, owner and every extended attribute (SELinux label,
    ACLs, C(user.*)) of an existing file. A file with other hard links is refused before any file is written.
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
  engine:
    description:
      - The engine that reads O(directory), so that the drop-ins it reads after the owned files are found in its
        own order and merged as it merges them (the posture audit's reading).
      - V(podman) reads containers.conf as the host's Podman version does (containers-common 0.50, Podman 4.3,
        or 0.62, Podman 5.4, from dpkg's record), reading every C(*.conf) of O(directory), dot files included, and for
        Podman 5.4 then root's C(~/.config/containers/containers.conf) and its C(.d), then
        C(CONTAINERS_CONF_OVERRIDE) from C(/etc/environment); keys match case-insensitively, as Podman's TOML
        decoder matches them.
      - Unset, only O(directory) (its regular C(*.conf) files) and O(later_directories) are read, merged key by key
        (CRI-O's crio.conf.d).
    type: str
    choices: [podman]
  later_directories:
    description:
      - Drop-in directories the engine reads after O(directory), in the order it reads them; only looked at
        for O(shadowing).
      - Podman's own later files come from O(engine=podman); no Podman version reads a
        C(containers.rootful.conf.d). CRI-O reads nothing after C(/etc/crio/crio.conf.d).
      - A directory that does not exist holds no drop-ins.
    type: list
    elements: path
    default: []
  shadowing:
    description:
      - What to do with a drop-in the engine reads after an owned file and that sets one of its keys
        (a leaf value, by its dotted path such as C(containers.seccomp_profile)) to a different value.
      - The files read after an owned file are the C(*.conf) files of O(directory) whose name sorts after
        the owned file's name, other than the files of O(files), then the engine's own later files
        (O(engine)), then every C(*.conf) of each of O(later_directories), by name. The files are merged as the engine merges them (the posture
        audit's own layering), so a later file matters only when its value is the one that takes effect
        and differs from the owned one; a file that sets the same value, or whose value a still later file
        replaces, is left alone. Taking a file away can uncover an earlier one that differs too; it is
        taken away in the same run. A file of O(files) given as null owns no keys.
      - V(fail) fails, naming each such file, its keys and the owned file, and changes nothing.
      - V(disable) sets each such file aside. The original is renamed to C(NAME.stockade-disabled)
        (C(NAME.stockade-disabled.N) when that name is taken), which the engine does not read (it reads only
        C(*.conf)), so nothing of it is lost; and C(NAME) is written again, with the same mode and owner, holding
        every key of the original except the ones that undo ours (rendered from the parsed file, opened by a
        comment naming the original; comments and layout stay in the original), so its other keys keep
        applying. Only when no other key is left, or when they cannot be written back exactly (the TOML writer
        refuses, naming the key), is the file set aside whole, and the warning then names each other key that
        stops applying (RV(disabled_files[].lost_keys)). Before anything is changed, the module checks that
        every key that is not ours keeps its effective value, and fails otherwise.
      - A warning names the file, the keys that undo ours, the keys kept, and how to undo it (move
        C(NAME.stockade-disabled) back to C(NAME); the next run sets it aside again unless those keys agree or
        O(shadowing) is not V(disable)). The module then reports C(changed), even when the owned files
        themselves did not change, and RV(rollback) holds an entry that writes the original back to C(NAME).
      - V(ignore) reads no later file and leaves them all as they are.
      - With V(fail) or V(disable), a later file that cannot be read or parsed as TOML fails the task,
        naming the file and the problem, and nothing is changed (the engine could not read it either).
    type: str
    choices: [disable, fail, ignore]
    default: fail
notes:
  - Needs root (set C(become)) unless the user it runs as may replace the file (a tree it owns); otherwise it fails at its start,
    in check mode too, with one line saying so.
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

- name: Podman seccomp profile, setting aside the keys of a later drop-in that would set it back
  stockade.hardening.config_dropins:
    directory: /etc/containers/containers.conf.d
    engine: podman
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
    - One entry per set-aside drop-in, with its name as C(path) and the original's new name as C(backup);
      restoring it writes the original back under its name (the renamed copy stays, and is not read by the
      engine).
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
    kept_keys:
      description: Its other keys, written back to C(path) so that they keep applying.
      type: list
      elements: str
    lost_keys:
      description: Its other keys that could not be written back and no longer apply (the warning says why).
      type: list
      elements: str
  sample:
    - path: /etc/containers/containers.conf.d/99-local.conf
      disabled_as: /etc/containers/containers.conf.d/99-local.conf.stockade-disabled
      keys: [containers.seccomp_profile]
      kept_keys: [containers.pids_limit]
      lost_keys: []
diff:
  description:
    - One before/after pair per changed file, then one per set-aside drop-in (its text before, and after the
      text written back with its other keys, or empty when it is set aside whole; C(after_header) says which
      and where the original went).
  returned: in diff mode
  type: list
  elements: dict
  sample: [{before: "", after: "[containers]\nread_only = true\n", before_header: /etc/containers/containers.conf.d/50-stockade-kernel-fs.conf}]
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_dropins import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
