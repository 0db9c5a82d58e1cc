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
  - Values are checked against the JSON type dockerd insists on for the keys Stockade knows
    (for example C(live-restore) must be a boolean, not the string C("true")); dockerd refuses to start on a mismatch.
  - dockerd also refuses to start when one option is given both as a flag of its systemd unit (C(docker.service)
    and its drop-ins, including variables from C(EnvironmentFile=)) and in C(daemon.json), for example C(hosts)
    against C(-H fd://). Such a key is refused before anything is written, naming the unit file and the flag.
  - The file is replaced atomically (temporary file in the same directory, fsync, rename), keeping its mode,
    owner, group and SELinux label, and written with a two-space indent and a trailing newline.
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
    probe: [docker, info]
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

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    make_backup,
    parse_mode,
    read_bytes,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.docker_daemon import (
    DEFAULT_DAEMON_JSON,
    FLAG_TO_KEY,
    KEY_TYPES,
    TYPE_NAMES,
    dockerd_command,
    parse_dockerd_flags,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.hostfs import ConfigError, HostRoot

# dockerd flags whose daemon.json key is spelled differently (plural, or a
# short flag), beyond those posture.docker_daemon already maps.
# Keys that select the file itself rather than configure the daemon.
NOT_DAEMON_JSON_KEYS = frozenset(("config-file",))


class DaemonJsonError(Exception):
    """The merge must not happen; the message says why and what to do."""


def _flag_key(name):
    return FLAG_TO_KEY.get(name, name)


def default_path(command):
    """The daemon.json dockerd reads: its --config-file flag, else Docker's default."""
    flags = parse_dockerd_flags(command.argv) if command else {}
    value = flags.get("config-file")
    return value if isinstance(value, str) and value else DEFAULT_DAEMON_JSON


def parse_daemon_json(path, data):
    """The JSON object in `data` (bytes, None when the file is absent)."""
    if data is None:
        return {}
    try:
        text = data.decode("utf-8-sig")  # dockerd accepts a byte order mark
    except UnicodeDecodeError as exc:
        raise DaemonJsonError("%s is not UTF-8 text (byte %d); it was left untouched" % (path, exc.start))
    if not text.strip():
        return {}  # dockerd 20.10 refuses it ("EOF"), but there is nothing in it to lose
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise DaemonJsonError("%s is not valid JSON (%s); it was left untouched: fix or remove it, then run again"
                              % (path, exc))
    if not isinstance(parsed, dict):
        raise DaemonJsonError("%s must hold a JSON object, found a JSON %s; it was left untouched"
                              % (path, type(parsed).__name__))
    return parsed


def type_problem(key, value):
    """Why dockerd would reject `value` for `key`, or None."""
    kind = KEY_TYPES.get(key)
    if kind is None or value is None or isinstance(value, kind):
        return None
    return "%s must be %s, found %s" % (key, TYPE_NAMES[kind], json.dumps(value))


def validate_settings(settings):
    """Errors in the requested settings (types, names, JSON-representable values)."""
    errors = []
    for key, value in settings.items():
        if not key or key != key.strip():
            errors.append("setting name %r is not a daemon.json key" % key)
        elif key in NOT_DAEMON_JSON_KEYS:
            errors.append("%s is a dockerd flag only; it cannot be set in daemon.json" % key)
        problem = type_problem(key, value)
        if problem:
            errors.append(problem)
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            errors.append("%s: value cannot be written as JSON: %s" % (key, exc))
    return errors


def flag_conflicts(host, command, settings):
    """One message per key being set that dockerd's unit also gives as a flag.

    dockerd refuses to start with "the following directives are specified both
    as a flag and in the configuration file", so this is checked before writing.
    """
    if command is None:
        return []
    flagged = set(_flag_key(k) for k in parse_dockerd_flags(command.argv)) - NOT_DAEMON_JSON_KEYS
    messages = []
    for key in settings:
        if settings[key] is None or key not in flagged:
            continue
        words = [w for w in command.argv[1:] if w.startswith("-") and _flag_key(w.lstrip("-").partition("=")[0]) == key]
        files = _files_mentioning(host, command.sources, words) or command.sources
        messages.append("%s is also given as dockerd flag %s in %s; dockerd refuses to start when an option is "
                        "both a flag and in daemon.json: remove the flag there (a drop-in can reset ExecStart=) "
                        "or leave %s out of the settings" % (key, " ".join(words), ", ".join(files), key))
    return messages


def _files_mentioning(host, sources, words):
    patterns = [re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(w.partition("=")[0])) for w in words]
    found = []
    for path in sources:
        try:
            text = host.read_text(path) or ""
        except ConfigError:
            continue
        if any(p.search(text) for p in patterns):
            found.append(path)
    return found


def merge(current, settings):
    """(merged, previous): `current` with `settings` applied, keeping the order
    of untouched keys (new keys go last), and the owned keys' old values."""
    merged = dict(current)
    previous = {}
    for key, value in settings.items():
        previous[key] = current.get(key)
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged, previous


def same_json(left, right):
    # Compare the JSON dockerd would read: in Python True == 1, in JSON not.
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def render(data):
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def host_path(host, local):
    """The path the host itself uses for `local`, a path under its root."""
    if host.is_live:
        return local
    return "/" + os.path.relpath(local, host.root)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            settings=dict(type="dict", required=True),
            backup=dict(type="bool", default=True),
            mode=dict(type="raw"),
            root=dict(type="path", default="/"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    settings = params["settings"]
    try:
        mode = None if params["mode"] is None else parse_mode(params["mode"])
    except ValueError as exc:
        module.fail_json(msg="mode: %s" % exc)

    errors = validate_settings(settings)
    if errors:
        module.fail_json(msg="invalid settings for daemon.json: " + "; ".join(errors))

    host = HostRoot(params["root"])
    path = params["path"]
    try:
        command = dockerd_command(host)
        path = path or default_path(command)
        local = host.resolve(path)
        conflicts = flag_conflicts(host, command, settings)
        original = read_bytes(local)
        current = parse_daemon_json(path, original)
    except (ConfigError, WriteError, DaemonJsonError) as exc:
        module.fail_json(msg=str(exc), path=path)
    if conflicts:
        module.fail_json(msg="refusing to write %s: %s" % (path, "; ".join(conflicts)), path=path)

    merged, previous = merge(current, settings)
    for key, value in merged.items():
        problem = None if key in settings else type_problem(key, value)
        if problem:
            module.warn("%s: %s (a key this task does not own; dockerd will refuse to start)" % (path, problem))

    if original is None:
        content_changes = bool(merged)  # removing keys from no file changes nothing
    else:
        content_changes = not same_json(merged, current)
    mode_changes = mode is not None and original is not None and os.stat(local).st_mode & 0o7777 != mode
    before_text = "" if original is None else original.decode("utf-8-sig")
    after_text = render(merged) if content_changes else before_text
    result = dict(changed=content_changes or mode_changes, path=path, settings_applied=settings,
                  previous=previous, rollback=[])
    if module._diff:
        result["diff"] = dict(before=before_text, after=after_text, before_header=path, after_header=path)

    if module.check_mode or not result["changed"]:
        module.exit_json(**result)

    try:
        if content_changes:
            backup = make_backup(local) if original is not None and params["backup"] else None
            if backup:
                result["backup_file"] = host_path(host, backup)
            atomic_write(local, after_text.encode("utf-8"), mode=mode)
            if original is None or backup:
                result["rollback"] = [dict(path=path, backup=result.get("backup_file"))]
        else:
            os.chmod(local, mode)
    except (WriteError, OSError) as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
