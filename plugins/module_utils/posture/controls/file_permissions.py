# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helper, not a layer: the factories of ownership and mode checks (which
files, who may own them, which permission bits they may have). Modes are
compared bit by bit (a mode is "644 or more restrictive" when it has no bit
outside 0644), never as decimal numbers: 0606 is world-writable although
606 < 644."""

from __future__ import annotations

import stat as stat_module

from ..model import judged, not_applicable


def _present(ctx, paths):
    found = []
    for path in paths:
        info = ctx.host.stat(path)
        if info is not None:
            found.append((path, info))
    return found


def describe(ctx, path, info):
    users, groups = ctx.owner_names
    return "%s: %s:%s, mode %04o" % (path, users.get(info.st_uid, info.st_uid),
                                     groups.get(info.st_gid, info.st_gid), stat_module.S_IMODE(info.st_mode))


def ownership_check(what, paths_of, groups_of=None):
    """A check that every file of `paths_of(ctx)` that exists is owned by
    root, with a group in `groups_of(ctx)` (default: root only)."""
    def check(ctx):
        found = _present(ctx, paths_of(ctx))
        if not found:
            return not_applicable("%s: not present on this host" % what)
        allowed = groups_of(ctx) if groups_of else {0}
        wrong = [describe(ctx, path, info) for path, info in found
                 if info.st_uid != 0 or info.st_gid not in allowed]
        return judged(not wrong, wrong or [describe(ctx, path, info) for path, info in found])
    return check


def mode_check(what, paths_of, mask_of):
    """A check that every file of `paths_of(ctx)` that exists has no
    permission bit outside `mask_of(path)`."""
    def check(ctx):
        found = _present(ctx, paths_of(ctx))
        if not found:
            return not_applicable("%s: not present on this host" % what)
        wrong = []
        for path, info in found:
            extra = stat_module.S_IMODE(info.st_mode) & ~mask_of(path)
            if extra:
                wrong.append("%s (bits %04o beyond %04o)" % (describe(ctx, path, info), extra, mask_of(path)))
        return judged(not wrong, wrong or [describe(ctx, path, info) for path, info in found])
    return check


def fixed_mask(mask):
    return lambda path: mask
