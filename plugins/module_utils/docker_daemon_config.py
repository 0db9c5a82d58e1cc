# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The docker_daemon_config module's work: merge owned keys into daemon.json.

The file is read through the audit's file boundary (hostfs: stat first, no
FIFO, device or socket, at most 8 MiB, symlinks resolved inside the root)
and its reader (posture.daemon_json, as dockerd 20.10 or 26.1 reads it,
whichever the host has; both when that cannot be told), so the writer and
the audit never disagree about what the file says. A file the audit calls
`error` is refused with the audit's own words and left untouched, and so is
one that cannot be rewritten without changing what it says (duplicate keys,
numbers beyond float64, invalid UTF-8, lone surrogate escapes).
"""

from __future__ import annotations

import json
import os
import re

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    check_replaceable,
    make_backup,
    clean_up_killed_writers,
    parse_mode,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_write_access
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import daemon_json
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.docker_daemon import (
    DEFAULT_DAEMON_JSON, MERGED_KEYS, command_line, config_path, dockerd_command, dockerd_versions, versions_disagree,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.dockerd_flags import (
    NOT_SETTINGS,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot, lone_surrogate,
)

ARGUMENT_SPEC = dict(
    path=dict(type="path"),
    settings=dict(type="dict", required=True),
    backup=dict(type="bool", default=True),
    mode=dict(type="raw"),
    root=dict(type="path", default="/"),
)
TYPE_NAMES = {daemon_json.BOOL: "a boolean (true/false, unquoted)", daemon_json.STRING: "a string",
              daemon_json.OBJECT: "an object", daemon_json.LIST: "a list", daemon_json.INT: "an integer",
              daemon_json.NUMBER: "a number"}


class DaemonJsonError(Exception):
    """The merge must not happen; the message says why and what to do."""


def type_problem(key, value):
    """Why dockerd would reject `value` for `key`, or None."""
    kind = daemon_json.KEY_TYPES.get(key)
    if kind is None or value is None or daemon_json._has_type(value, kind):
        return None
    return "%s must be %s, found %s" % (key, TYPE_NAMES[kind], json.dumps(value))


def validate_settings(settings):
    """Errors in the requested settings (types, names, JSON-representable values)."""
    errors = []
    for key, value in settings.items():
        if not key or key != key.strip():
            errors.append("setting name %r is not a daemon.json key" % key)
        elif key in NOT_SETTINGS:
            errors.append("%s is a dockerd flag only; it cannot be set in daemon.json" % key)
        problem = type_problem(key, value)
        if problem:
            errors.append(problem)
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            errors.append("%s: value cannot be written as JSON: %s" % (key, exc))
    return errors


def current_settings(path, data, versions):
    """The file's top-level settings, in order, as every applicable dockerd
    reads them; DaemonJsonError when the file must not be rewritten. A file
    that parses but holds a setting dockerd refuses may be rewritten: the
    result is checked again before anything is written."""
    if data is None or not data.strip(b" \t\r\n"):
        return {}  # dockerd 20.10 refuses a blank file, but there is nothing in it to lose
    documents = [(version, daemon_json.decode(path, data, version)) for version in versions]
    refused = [(version, ConfigError(path, "dockerd %s refuses to start with it: %s" % (version, document.refusal)))
               for version, document in documents if not document.parsed]
    if refused:  # in the audit's words (posture.engines.docker_daemon: read_daemon_json, load)
        error = refused[0][1] if len(refused) == len(documents) else versions_disagree(
            path, documents[0][0], next(v for v, d in documents[1:] if d.parsed != documents[0][1].parsed),
            refused[0][1])
        raise DaemonJsonError("%s; it was left untouched: fix or remove it, then run again" % error)
    values = None
    for version, document in documents:
        inexact = list(document.inexact)
        odd = lone_surrogate(document.values)
        if odd is not None:
            inexact.append("a lone UTF-16 surrogate escape in %s, which dockerd reads as U+FFFD"
                           % json.dumps(odd))
        if inexact:
            raise DaemonJsonError("%s cannot be rewritten without changing what it says (%s); it was left "
                                  "untouched: edit it by hand first" % (path, "; ".join(inexact)))
        if document.ambiguous:
            raise DaemonJsonError("%s sets %s both at the top level and inside an object, which dockerd reads "
                                  "in random order; it was left untouched" % (path, ", ".join(document.ambiguous)))
        values = document.values
    return dict(values)


def flag_conflicts(host, command, lines, settings):
    """One message per key being set that dockerd's unit also gives as a flag.

    dockerd refuses to start with "the following directives are specified both
    as a flag and in the configuration file", so this is checked before writing.
    """
    if command is None:
        return []
    messages = []
    for key, value in settings.items():
        words = sorted(set(w for line in lines for w in line.given.get(key, ())))
        if value is None or not words or key in MERGED_KEYS or key in NOT_SETTINGS:
            continue
        files = _files_mentioning(host, command.sources, words) or command.sources
        messages.append("%s is also given as dockerd flag %s in %s; dockerd refuses to start when an option is "
                        "both a flag and in daemon.json: remove the flag there (a drop-in can reset ExecStart=) "
                        "or leave %s out of the settings" % (key, " ".join(words), ", ".join(files), key))
    return messages


def _files_mentioning(host, sources, words):
    patterns = [re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(w.split()[0].partition("=")[0])) for w in words]
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
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def host_path(host, local):
    """The path the host itself uses for `local`, a path under its root."""
    if host.is_live:
        return local
    return "/" + os.path.relpath(local, host.root)


def plan(params):
    """(result, content to write or None, local path, mode) for the module's
    parameters; DaemonJsonError / ConfigError / WriteError when it must stop."""
    settings = params["settings"]
    try:
        mode = None if params["mode"] is None else parse_mode(params["mode"])
    except ValueError as exc:
        raise DaemonJsonError("mode: %s" % exc)
    errors = validate_settings(settings)
    if errors:
        raise DaemonJsonError("invalid settings for daemon.json: " + "; ".join(errors))
    host = HostRoot(params["root"])
    versions = dockerd_versions(host)
    command = dockerd_command(host)
    lines = [command_line(command, version) for version in versions]
    path = params["path"] or config_path(lines[0])
    local = host.resolve(path)
    conflicts = flag_conflicts(host, command, lines, settings)
    if conflicts:
        raise DaemonJsonError("refusing to write %s: %s" % (path, "; ".join(conflicts)))
    original = _current_bytes(host, path)
    current = current_settings(path, original, versions)
    merged, previous = merge(current, settings)
    content_changes = bool(merged) if original is None else not same_json(merged, current)
    for version in versions:  # write only what dockerd starts with
        refusal = daemon_json.decode(path, render(merged).encode("utf-8"), version).refusal
        if content_changes and refusal:
            raise DaemonJsonError("refusing to write %s: dockerd %s would not start with the result: %s; the "
                                  "file was left untouched" % (path, version, refusal))
    mode_changes = mode is not None and original is not None and os.stat(local).st_mode & 0o7777 != mode
    before_text = "" if original is None else original.decode("utf-8-sig", "replace")
    after_text = render(merged) if content_changes else before_text
    result = dict(changed=content_changes or mode_changes, path=path, settings_applied=settings,
                  previous=previous, rollback=[], diff=dict(before=before_text, after=after_text,
                                                            before_header=path, after_header=path))
    return host, result, (after_text.encode("utf-8") if content_changes else None), local, mode, original


def _current_bytes(host, path):
    """The file's bytes as the audit reads them (None when absent); a file the
    audit refuses (a FIFO, a device, over 8 MiB, unreadable) is refused with
    the same message."""
    try:
        return host.read_bytes(path)
    except ConfigError as exc:
        raise DaemonJsonError("%s; it was left untouched" % exc)


def run_module(module):
    """Everything docker_daemon_config does, on an AnsibleModule."""
    params = module.params
    target = params["path"] or DEFAULT_DAEMON_JSON
    require_write_access(module, "docker_daemon_config", [os.path.join(params["root"], target.lstrip("/"))])
    try:
        host, result, content, local, mode, original = plan(params)
    except (ConfigError, WriteError, DaemonJsonError) as exc:
        module.fail_json(msg=str(exc), path=params["path"] or getattr(exc, "path", None))
    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    clean_up_killed_writers(module, [local], **result)
    if module.check_mode or not result["changed"]:
        module.exit_json(**result)
    try:
        check_replaceable([local])
        if content is not None:
            backup = make_backup(local) if original is not None and params["backup"] else None
            if backup:
                result["backup_file"] = host_path(host, backup)
            atomic_write(local, content, mode=mode)
            if original is None or backup:
                result["rollback"] = [dict(path=result["path"], backup=result.get("backup_file"))]
        else:
            os.chmod(local, mode)
    except (WriteError, OSError) as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)
