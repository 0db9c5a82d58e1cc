#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_daemon_config
short_description: Set or remove only the keys a role owns in Docker's daemon.json
version_added: 0.1.0
description:
  - Docker has no drop-in directory for C(daemon.json), so several roles (and the operator) share one file.
    This module merges O(settings) into it and leaves every other key, and the order of the keys, as found.
  - An existing file that is not valid JSON or not a JSON object is never overwritten; the module fails,
    naming the file and the cause, and leaves it byte for byte as it was.
  - The existing file is read as the posture audit reads it (stat first; a FIFO, a device or a socket, a file over 8 MiB, one nested too deeply
    or not valid UTF-8 is refused, with the audit's own words, and left untouched).
    A file the dockerd versions that may be installed read differently, or with a lone surrogate escape
    (C(\\ud800), which dockerd reads as U+FFFD), is refused the same way.
  - Values are checked against the JSON type dockerd insists on for the keys Stockade knows
    (for example C(live-restore) must be a boolean, not the string C("true")); dockerd refuses to start on a mismatch.
  - dockerd also refuses to start when one option is given both as a flag of its systemd unit (C(docker.service)
    and its drop-ins, including variables from C(EnvironmentFile=)) and in C(daemon.json), for example C(hosts)
    against C(-H fd://). Such a key is refused before anything is written, naming the unit file and the flag.
  - The file is replaced atomically (temporary file in the same directory, fsync, rename), keeping its mode,
    owner, group and every extended attribute (SELinux label, ACLs, C(user.*)), and written with a two-space indent
    and a trailing newline. A file with other hard links is refused before anything is written (a rename would split
    them).
  - The daemon is not restarted; use M(stockade.hardening.engine_restart) with the returned RV(rollback).
author:
  - Stockade contributors (@stockade)
options:
  path:
    description:
      - The daemon.json to edit.
      - Default is the C(--config-file) flag of dockerd's effective C(ExecStart=) in C(docker.service) and its drop-ins,
        else C(/etc/docker/daemon.json).
    type: path
  settings:
    description:
      - Keys to set, with their values, as dockerd reads them from C(daemon.json).
      - A null value removes the key. Keys not listed here are never changed.
      - Feeding RV(previous) back as O(settings) undoes a change.
    type: dict
    required: true
  backup:
    description:
      - Before changing an existing file, keep a copy next to it named C(daemon.json.PID.YYYY-MM-DD@HH:MM:SS~).
    type: bool
    default: true
  mode:
    description:
      - Octal permissions of the file, such as C('0644'). Quote it in YAML.
      - When omitted, an existing file keeps its mode and a new file gets C(0644).
      - When given, it is also enforced on an existing file.
    type: raw
  root:
    description:
      - Directory holding the host file system, for configuring a chroot or an image tree before it boots.
      - O(path), the systemd units and their drop-ins are all looked up under it, symlinks resolved inside it.
    type: path
    default: /
notes:
  - The parent directory of O(path) must exist (the engine's package creates it).
  - Needs root (set C(become)) unless the user it runs as may replace the file (a tree it owns); otherwise it fails at its start,
    in check mode too, with one line saying so.
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.engine_restart
  - module: stockade.hardening.posture_facts
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change, with the diff, and writes nothing.
  diff_mode:
    support: full
    description: Returns the file's text before and after.
"""

EXAMPLES = r"""
- name: No new privileges and live restore for every container
  stockade.hardening.docker_daemon_config:
    settings:
      no-new-privileges: true
      live-restore: true
  register: __docker_config

- name: Restart dockerd, putting daemon.json back if it does not come up
  stockade.hardening.engine_restart:
    name: docker
    restart: "{{ __docker_config.changed }}"
    health_check: [docker, info]
    restore: "{{ __docker_config.rollback }}"

- name: Remove a key this role set in an earlier release
  stockade.hardening.docker_daemon_config:
    settings:
      userland-proxy: null

- name: Configure an image tree before its first boot
  stockade.hardening.docker_daemon_config:
    root: /srv/images/rootfs
    settings:
      seccomp-profile: /etc/docker/seccomp-no32.json
    backup: false
"""

RETURN = r"""
path:
  description: The file that was (or would be) changed, as seen on the host (inside O(root)).
  returned: always
  type: str
  sample: /etc/docker/daemon.json
backup_file:
  description: The backup of the previous file, when one was made.
  returned: when the file existed, changed, and O(backup) is true (not in check mode)
  type: str
  sample: /etc/docker/daemon.json.2517.2026-03-01@10:12:44~
settings_applied:
  description: The owned keys and the values they have now; null for the keys that were removed.
  returned: always
  type: dict
  sample: {no-new-privileges: true, userland-proxy: null}
previous:
  description:
    - The values the owned keys had before, null for the keys that were absent.
    - Passing it back as O(settings) restores them.
  returned: always
  type: dict
  sample: {no-new-privileges: null, userland-proxy: false}
rollback:
  description:
    - The O(stockade.hardening.engine_restart#module:restore) list that undoes this change, for M(stockade.hardening.engine_restart).
    - One entry with C(path) and C(backup) when the file changed (C(backup) null when the file did not exist before),
      else empty.
    - Empty when an existing file changed without a backup (O(backup=false)), since there is nothing to restore from.
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/docker/daemon.json, backup: "/etc/docker/daemon.json.2517.2026-03-01@10:12:44~"}]
diff:
  description: The file's text before and after.
  returned: in diff mode
  type: dict
  sample: {before: "{}\n", after: "{\n  \"live-restore\": true\n}\n", before_header: /etc/docker/daemon.json}
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.docker_daemon_config import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
