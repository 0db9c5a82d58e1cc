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
  - Files are replaced atomically (temporary file, fsync, rename), keeping mode, owner and SELinux label.
author:
  - Stockade contributors (@stockade)
options:
  name:
    description: The user that gets the ranges. Exactly one of O(name) and O(podman_auto_user) is required.
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
- name: Ranges for Docker's userns-remap "default"
  stockade.hardening.subid_ranges:
    name: dockremap

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
diff:
  description: One before/after pair per changed file.
  returned: in diff mode
  type: list
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    make_backup,
    clean_up_killed_writers,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.userns import STORAGE_CONF
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    LayeredConfig,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    read_ids, read_ranges,
)
from ansible_collections.stockade.hardening.plugins.module_utils.subid_ranges import (
    ID_LIMIT, AllocationError, plan,
)

SUBID_FILES = ("/etc/subuid", "/etc/subgid")
NOLOGIN_SHELLS = ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false")


def podman_auto_user(host):
    """storage.conf's root-auto-userns-user, read as the audit reads it."""
    storage = LayeredConfig.load(host, STORAGE_CONF)
    return storage.typed("storage.options.root-auto-userns-user", str, "containers").value


def create_user(module, name):
    shell = next((s for s in NOLOGIN_SHELLS if os.path.exists(s)), NOLOGIN_SHELLS[-1])
    useradd = module.get_bin_path("useradd", required=True)
    module.run_command([useradd, "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", shell, name], check_rc=True)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str"),
            podman_auto_user=dict(type="bool", default=False),
            count=dict(type="int", default=65536),
            min_start=dict(type="int", default=100000),
            create_user=dict(type="bool", default=True),
            backup=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name, count = params["name"], params["count"]
    if (name is None) == (not params["podman_auto_user"]):
        module.fail_json(msg="give exactly one of name and podman_auto_user")
    if name is None:
        try:
            name = podman_auto_user(HostRoot("/"))
        except ConfigError as exc:
            module.fail_json(msg=str(exc))
    if not name or ":" in name or name != name.strip():
        module.fail_json(msg="name %r cannot be an owner in /etc/subuid (empty, a colon or blanks)" % name)
    if count < 1 or params["min_start"] < 1 or params["min_start"] + count > ID_LIMIT:
        module.fail_json(msg="count must be positive and min_start + count at most %d" % ID_LIMIT)

    try:
        host = HostRoot("/")
        for path in SUBID_FILES:  # refuse garbage before the user is created
            read_ranges(host, path)
        users = read_ids(host, "/etc/passwd")
        created = name not in users
        if created:
            if not params["create_user"]:
                module.fail_json(msg="user %s does not exist in /etc/passwd and create_user is false" % name)
            if not module.check_mode:
                create_user(module, name)
        host = HostRoot("/")  # a fresh view: useradd changed /etc/passwd and /etc/group
        users, groups = read_ids(host, "/etc/passwd"), read_ids(host, "/etc/group")
        plans = plan(host, name, users.get(name), count, params["min_start"], users.values(), groups.values(),
                     *SUBID_FILES)
    except (ConfigError, AllocationError) as exc:
        module.fail_json(msg=str(exc), user=name)

    result = dict(changed=created or any(p.changed for p in plans), user=name, uid=users.get(name),
                  user_created=created, backup_files=[],
                  removed_lines=["%s:%d: %r" % (r.path, r.line, r) for p in plans for r in p.dropped])
    for entry, key in zip(plans, ("subuid", "subgid")):
        start, length = entry.range
        result[key] = dict(start=start, count=length)
    for line in result["removed_lines"]:
        module.warn("removed %s: it overlaps another owner's range or a real id" % line)
    if module._diff:
        result["diff"] = [dict(before=p.text or "", after=p.render(), before_header=p.path, after_header=p.path)
                          for p in plans if p.changed]
    clean_up_killed_writers(module, SUBID_FILES, **result)
    if module.check_mode:
        module.exit_json(**result)

    for entry in plans:
        if not entry.changed:
            continue
        try:
            if entry.text is not None and params["backup"]:
                result["backup_files"].append(make_backup(entry.path))
            atomic_write(entry.path, entry.render().encode("utf-8"))
        except WriteError as exc:
            module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
