# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one refusal of a module that runs without the privilege it needs.

A module that changes root's files, restarts services or runs containers
fails at its start, in check mode too, with one line that names the module,
what it needs root for and the fix (`become: true`): a check run that
reports "changed" and a real run that dies on a raw "[Errno 13] Permission
denied" are both worse. Modules that only read report what they cannot read
as `error` instead (the posture modules). Standard library only.
"""

from __future__ import annotations

import os


def is_root():
    return os.geteuid() == 0


def refusal(module_name, needs):
    """The one line a module fails with when it runs without root."""
    return ("stockade.hardening.%s must run as root (become: true): it %s; this task runs as uid %d, so "
            "nothing was read or changed" % (module_name, needs, os.geteuid()))


def require_root(module, module_name, needs):
    """Fail `module` (an AnsibleModule) unless the process runs as root."""
    if not is_root():
        module.fail_json(msg=refusal(module_name, needs))


def require_write_access(module, module_name, paths):
    """Fail `module` unless it runs as root or can replace every one of `paths`
    (local paths; a file that does not exist yet needs its nearest existing
    directory to be writable). A file writer pointed at a tree its user owns
    (an image being built) needs no root; on the host's /etc it does, and
    check mode says so as a real run would."""
    if is_root():
        return
    blocked = [path for path in paths if not _replaceable(path)]
    if blocked:
        module.fail_json(msg=refusal(module_name, "replaces %s, which uid %d cannot write"
                                     % (", ".join(blocked), os.geteuid())))


def _replaceable(path):
    """Whether this process could replace `path`: write and search access to
    the nearest existing directory (a rename needs both), and to the file."""
    directory = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(directory) and directory != os.path.dirname(directory):
        directory = os.path.dirname(directory)
    if not _access(directory, os.W_OK | os.X_OK):
        return False
    return not os.path.lexists(path) or _access(path, os.W_OK)


def _access(path, mode):
    # the effective ids decide what this process may do (a setuid or sudo-like wrapper changes only those)
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)
