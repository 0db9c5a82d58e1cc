#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: subid_ranges
short_description: Give a user its own subordinate uid and gid ranges for user-namespace remapping
version_added: 0.1.0
description:
  - Makes sure O(name) exists (a system user with its own group, no home, a nologin shell, when O(create_user)
    is true) and owns a range of at least O(count) ids in C(/etc/subuid) and in C(/etc/subgid) that overlaps no other
    owner's range and holds no uid (gid) of C(/etc/passwd) (C(/etc/group)).
  - This is the user Docker's C(userns-remap) (C(dockremap) for C(default)) or Podman's C(userns = "auto")
    (storage.conf C(root-auto-userns-user), C(containers) by default) takes container ids from.
  - A new range starts at the first free multiple of O(count) above O(min_start) (the layout useradd and dockerd
    produce), at the same start in both files when both need one.
  - Only the user's own lines (its name or its uid) are ever changed; a line of the user that overlaps another owner or
    a real id is removed (with a warning). Other owners' lines stay byte for byte, even when they overlap each other.
  - A line that is not C(owner:start:count) fails the task, naming the file and the line; nothing is written.
  - The files are read, planned and replaced while holding the locks shadow's own tools take (C(useradd),
    C(usermod), C(userdel); glibc's C(lckpwdf) on C(/etc/.pwd.lock), then C(/etc/subuid.lock) and C(/etc/subgid.lock)),
    so a user tool running at the same moment waits for the module, or the module for it (at most 15 seconds),
    and neither loses the other's entry. A lock held by a live process fails the task naming it.
  - When both files change, C(/etc/subuid.stockade-pair) records the request until both are written. A run killed
    in between leaves it, and the next run of the module, for any user, completes that user's ranges first
    (RV(repaired_pair)); the posture audit fails such a user meanwhile.
  - Files are replaced atomically (temporary file, fsync, rename), keeping mode, owner and every extended
    attribute; a file with other hard links is refused before anything is written.
author:
  - Stockade contributors (@stockade)
options:
  name:
    description: The user that gets the ranges. Exactly one of O(name), O(docker_remap) and O(podman_auto_user) is
      required.
    type: str
  docker_remap:
    description:
      - Give the ranges to the user dockerd remaps to for this C(userns-remap) value (C(USER) or C(USER:GROUP); the
        user C(dockremap) for C(default)), named as dockerd names it.
    type: str
  podman_auto_user:
    description:
      - Give the ranges to the user rootful Podman takes C(userns = "auto") ids from, C(root-auto-userns-user) of
        C([storage.options]) in C(/etc/containers/storage.conf) (over C(/usr/share/containers/storage.conf)),
        C(containers) when unset.
    type: bool
    default: false
  count:
    description: How many ids the range has; 65536 covers every uid a container image uses.
    type: int
    default: 65536
  min_start:
    description: The lowest id a new range may start at (shadow-utils' C(SUB_UID_MIN)).
    type: int
    default: 100000
  create_user:
    description:
      - Create O(name) when it does not exist, as a system user with a group of the same name, no home directory
        and a nologin shell. An existing user is never modified.
      - When false, a missing user fails the task.
    type: bool
    default: true
  backup:
    description: Before changing an existing file, keep a copy next to it named C(PATH.PID.YYYY-MM-DD@HH:MM:SS~).
    type: bool
    default: true
notes:
  - Runs as root only (set C(become)); without root it fails at its start, in check mode too, with one line saying so.
  - Target-side code uses the Python standard library only (Python 3.9 or newer), plus C(useradd) to create the user.
seealso:
  - module: stockade.hardening.posture_facts
attributes:
  check_mode:
    support: full
    description: Reports the user and ranges that would be created, with the diff, and changes nothing.
  diff_mode:
    support: full
    description: Returns the text of C(/etc/subuid) and C(/etc/subgid) before and after.
"""

EXAMPLES = r"""
- name: Ranges for Docker's userns-remap "default" (the user dockremap)
  stockade.hardening.subid_ranges:
    docker_remap: default

- name: Ranges for Podman's userns = "auto" user (storage.conf root-auto-userns-user), enough for many containers
  stockade.hardening.subid_ranges:
    podman_auto_user: true
    count: 2000000
"""

RETURN = r"""
user:
  description: The user name.
  returned: always
  type: str
  sample: dockremap
uid:
  description: The user's uid; null in check mode when it would be created.
  returned: always
  type: int
  sample: 996
user_created:
  description: Whether the user was (or, in check mode, would be) created.
  returned: always
  type: bool
subuid:
  description: The user's range in C(/etc/subuid) after the task.
  returned: always
  type: dict
  sample: {start: 165536, count: 65536}
subgid:
  description: The user's range in C(/etc/subgid) after the task.
  returned: always
  type: dict
  sample: {start: 165536, count: 65536}
removed_lines:
  description: The user's own lines that were removed, as C(FILE:LINE) and the line's C(owner:start:count).
  returned: always
  type: list
  elements: str
backup_files:
  description: The backups made of changed files.
  returned: always
  type: list
  elements: str
repaired_pair:
  description:
    - The user whose ranges an interrupted earlier run had written to only one of the two files, completed by this
      run before its own request (in check mode, that would be completed).
  returned: when an earlier run was interrupted between the two files
  type: str
  sample: dockremap
diff:
  description: One before/after pair per changed file (the completed pair's first).
  returned: in diff mode
  type: list
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.subid_ranges import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
