# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who is in a group, and the names of uids and gids, from /etc/passwd and
/etc/group as glibc's `files` NSS backend reads them (name:x:id:... lines;
a group's members are its fourth field and every user whose primary group
it is). Ids come from subids.read_ids, the one reader of the id fields."""

from __future__ import annotations

from .numbers import passwd_id
from .subids import read_ids

PASSWD = "/etc/passwd"
GROUP = "/etc/group"


def _lines(host, path):
    for raw in (host.read_text(path) or "").splitlines():
        if raw.strip() and not raw.startswith("#"):
            yield raw.split(":")


def group_members(host, group):
    """(gid or None when the group does not exist, sorted member names)."""
    gid = read_ids(host, GROUP).get(group)
    if gid is None:
        return None, []
    members = set()
    for fields in _lines(host, GROUP):
        if fields[0] == group and len(fields) >= 4:
            members.update(name for name in fields[3].split(",") if name)
    for fields in _lines(host, PASSWD):
        if len(fields) >= 4 and passwd_id(fields[3]) == gid:
            members.add(fields[0])
    return gid, sorted(members)


def homes(host):
    """{user name: (uid, home directory)} from /etc/passwd (uids read by subids.read_ids)."""
    uids = read_ids(host, PASSWD)
    found = {}
    for fields in _lines(host, PASSWD):
        if fields[0] in uids and fields[0] not in found:
            found[fields[0]] = (uids[fields[0]], fields[5] if len(fields) >= 6 and fields[5] else "/")
    return found


def owner_names(host):
    """({uid: user name}, {gid: group name}) for evidence lines."""
    users = {uid: name for name, uid in read_ids(host, PASSWD).items()}
    groups = {gid: name for name, gid in read_ids(host, GROUP).items()}
    return users, groups
