# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The subid_ranges module's work: give one user its ranges in /etc/subuid
and /etc/subgid (the plan is subid_allocation.py's), safely next to shadow's
own tools and to a kill at any moment.

- Shadow's lock: the files are read, planned and replaced while holding the
  locks useradd, usermod and userdel take (shadow_lock.py), so a user tool
  running at the same moment waits instead of losing its update or ours.
  The user is created (useradd, which takes the same locks) before they are
  taken.
- Pairs: when both files change, a journal (/etc/subuid.stockade-pair, the
  user and the request) is written first and removed after the second file.
  A run killed in between leaves it, and the next run of the module, for
  whatever user, finishes that user's pair first, under the lock, before
  anything else. Meanwhile the audit fails the user, who has a range in one
  file and not in the other (posture/readers/subids.py).
- Reading: through hostfs and the audit's reader (posture/readers/subids.py),
  so a file the audit calls `error` is refused with its words.
"""

from __future__ import annotations

import json
import os

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError, atomic_write, check_replaceable, clean_up_killed_writers, make_backup,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.atomic_files import fsync_directory
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.userns import STORAGE_CONF
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.docker_daemon import remap_identity
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    LayeredConfig,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    MIN_RANGE, SUBID_FILES, read_ids, read_ranges,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root
from ansible_collections.stockade.hardening.plugins.module_utils.shadow_lock import LockError, ShadowLock
from ansible_collections.stockade.hardening.plugins.module_utils.subid_allocation import (
    DEFAULT_START, ID_LIMIT, AllocationError, plan,
)

ARGUMENT_SPEC = dict(
    name=dict(type="str"),
    podman_auto_user=dict(type="bool", default=False),
    docker_remap=dict(type="str"),
    count=dict(type="int", default=MIN_RANGE),
    min_start=dict(type="int", default=DEFAULT_START),
    create_user=dict(type="bool", default=True),
    backup=dict(type="bool", default=True),
)
PAIR_JOURNAL = "/etc/subuid.stockade-pair"
NOLOGIN_SHELLS = ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false")
HOST_ROOT = "/"   # tests point it at a tree


class PairRequest:
    """One user's pair of ranges as asked for: what the journal records."""

    def __init__(self, user, count, min_start):
        self.user, self.count, self.min_start = user, count, min_start

    def to_json(self):
        return json.dumps(dict(user=self.user, count=self.count, min_start=self.min_start), sort_keys=True) + "\n"

    @classmethod
    def from_journal(cls, host):
        """The request an interrupted run recorded, or None; ConfigError naming the journal when it is not ours."""
        text = host.read_text(PAIR_JOURNAL)
        if text is None:
            return None
        try:
            data = json.loads(text)
            request = cls(data["user"], data["count"], data["min_start"])
        except (ValueError, KeyError, TypeError):
            request = None
        if request is None or not isinstance(request.user, str) or not all(
                isinstance(n, int) and not isinstance(n, bool) and 0 < n < ID_LIMIT
                for n in (request.count, request.min_start)):
            raise ConfigError(PAIR_JOURNAL, "is not a journal of subid_ranges (user, count, min_start): remove it "
                                            "once you have checked /etc/subuid and /etc/subgid")
        return request


class PairWrite:
    """The plan for one user under the lock, and how it is written."""

    def __init__(self, root, request):
        self.root = root
        self.request = request
        self.host = HostRoot(root)      # a fresh view: read under the lock
        users, groups = read_ids(self.host, "/etc/passwd"), read_ids(self.host, "/etc/group")
        self.uid = users.get(request.user)
        self.plans = plan(self.host, request.user, self.uid, request.count, request.min_start, users.values(),
                          groups.values(), *SUBID_FILES)

    @property
    def changed(self):
        return any(p.changed for p in self.plans)

    def diffs(self):
        return [dict(before=p.text or "", after=p.render(), before_header=p.path, after_header=p.path)
                for p in self.plans if p.changed]

    def write(self, backup):
        """Write the changed files (the journal first when both change, removed after both); the backups made."""
        changed = [p for p in self.plans if p.changed]
        check_replaceable([self.host.resolve(p.path) for p in changed])  # before the journal
        journal = self.host.resolve(PAIR_JOURNAL)
        if len(changed) > 1:
            atomic_write(journal, self.request.to_json().encode("utf-8"))
        backups = []
        for entry in changed:
            local = self.host.resolve(entry.path)
            if entry.text is not None and backup:
                backups.append(host_path(self.root, make_backup(local)))
            atomic_write(local, entry.render().encode("utf-8"))
        if os.path.lexists(journal):
            try:
                os.unlink(journal)
                fsync_directory(os.path.dirname(journal))
            except OSError as exc:
                raise WriteError(PAIR_JOURNAL, "cannot remove the journal after writing both files: %s"
                                 % (exc.strerror or exc))
        return backups


def host_path(root, local):
    return local if root == "/" else "/" + os.path.relpath(local, root)


def podman_auto_user(host):
    """storage.conf's root-auto-userns-user, read as the audit reads it."""
    storage = LayeredConfig.load(host, STORAGE_CONF)
    return storage.typed("storage.options.root-auto-userns-user", str, "containers").value


def create_user(module, name):
    shell = next((s for s in NOLOGIN_SHELLS if os.path.exists(s)), NOLOGIN_SHELLS[-1])
    useradd = module.get_bin_path("useradd", required=True)
    module.run_command([useradd, "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", shell, name], check_rc=True)


def finish_interrupted_pair(module, result):
    """Before anything else: complete the pair of a run that was killed between the two files (its journal
    is there). Check mode reports it. Fails the module when it cannot be completed."""
    try:
        pending = PairRequest.from_journal(HostRoot(HOST_ROOT))
        if pending is None:
            return
        result["repaired_pair"] = pending.user
        result["changed"] = True
        if module.check_mode:
            module.warn("a run of subid_ranges for %s was interrupted between /etc/subuid and /etc/subgid (%s is "
                        "there); the next run completes that user's ranges first" % (pending.user, PAIR_JOURNAL))
            return
        with ShadowLock(HOST_ROOT, SUBID_FILES):
            pending = PairRequest.from_journal(HostRoot(HOST_ROOT))   # another run may have finished it
            if pending is None:
                return
            repair = PairWrite(HOST_ROOT, pending)
            result["backup_files"] += repair.write(False)
            result.setdefault("diff", []).extend(repair.diffs())
    except (ConfigError, AllocationError, LockError, WriteError) as exc:
        module.fail_json(msg="cannot complete the ranges of an interrupted run of subid_ranges: %s" % exc, **result)
    module.warn("completed the ranges of %s in /etc/subuid and /etc/subgid, which an interrupted run of "
                "subid_ranges had written to only one of them" % pending.user)


def requested_user(module):
    """The user the ranges are for, from `name`, dockerd's userns-remap value or storage.conf; fails the
    module on a bad request."""
    params = module.params
    name = params["name"]
    if [name is not None, params["podman_auto_user"], params["docker_remap"] is not None].count(True) != 1:
        module.fail_json(msg="give exactly one of name, docker_remap and podman_auto_user")
    if params["docker_remap"] is not None:
        name = remap_identity(params["docker_remap"])[0]
    elif name is None:
        try:
            name = podman_auto_user(HostRoot(HOST_ROOT))
        except ConfigError as exc:
            module.fail_json(msg=str(exc))
    if not name or ":" in name or name != name.strip():
        module.fail_json(msg="name %r cannot be an owner in /etc/subuid (empty, a colon or blanks)" % name)
    if params["count"] < 1 or params["min_start"] < 1 or params["min_start"] + params["count"] > ID_LIMIT:
        module.fail_json(msg="count must be positive and min_start + count at most %d" % ID_LIMIT)
    return name


def ensure_user(module, name):
    """Whether the user had to be created (it is, unless in check mode); ConfigError on unreadable files."""
    host = HostRoot(HOST_ROOT)
    for path in SUBID_FILES:  # refuse garbage before the user is created
        read_ranges(host, path)
    if name in read_ids(host, "/etc/passwd"):
        return False
    if not module.params["create_user"]:
        module.fail_json(msg="user %s does not exist in /etc/passwd and create_user is false" % name)
    if not module.check_mode:
        create_user(module, name)
    return True


def run_module(module):
    """Everything subid_ranges does, on an AnsibleModule."""
    params = module.params
    require_root(module, "subid_ranges", "edits /etc/subuid and /etc/subgid under shadow's lock and may create "
                                         "the user with useradd")
    result = dict(changed=False, backup_files=[])
    finish_interrupted_pair(module, result)
    name = requested_user(module)
    request = PairRequest(name, params["count"], params["min_start"])
    result.update(user=name)
    journal_and_files = [HostRoot(HOST_ROOT).resolve(p) for p in SUBID_FILES + (PAIR_JOURNAL,)]
    try:
        created = ensure_user(module, name)
        clean_up_killed_writers(module, journal_and_files, **result)
        if module.check_mode:
            pair = PairWrite(HOST_ROOT, request)
            report(module, result, pair, created)
            module.exit_json(**result)
        with ShadowLock(HOST_ROOT, SUBID_FILES):
            pair = PairWrite(HOST_ROOT, request)
            report(module, result, pair, created)
            result["backup_files"] += pair.write(params["backup"])
    except (ConfigError, AllocationError, LockError, WriteError) as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


def report(module, result, pair, created):
    """The result keys and warnings of the plan."""
    result.update(changed=result["changed"] or created or pair.changed, uid=pair.uid, user_created=created,
                  removed_lines=["%s:%d: %r" % (r.path, r.line, r) for p in pair.plans for r in p.dropped])
    for entry, key in zip(pair.plans, ("subuid", "subgid")):
        start, length = entry.range
        result[key] = dict(start=start, count=length)
    for line in result["removed_lines"]:
        module.warn("removed %s: it overlaps another owner's range or a real id" % line)
    if module._diff:
        result["diff"] = result.get("diff", []) + pair.diffs()
    else:
        result.pop("diff", None)
