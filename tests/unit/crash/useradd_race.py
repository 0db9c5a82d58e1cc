# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Race subid_ranges against a loop of real useradd/userdel (shadow's own
tools, which lock /etc/.pwd.lock and /etc/subuid.lock as commonio does) and
count the subid entries lost.

    python useradd_race.py ROUNDS SCRATCH [--no-lock]   (as root, inside
                                                         `unshare -m`)

In this private mount namespace a copy of /etc (under SCRATCH) is
bind-mounted over /etc, and empty directories over /home, /var/mail and
/var/log, so neither tool can touch the machine's own files. Then, at the
same time:
- a loop of ROUNDS `useradd -l -M` of normal users (shadow gives each a
  range in /etc/subuid and /etc/subgid, under its lock), deleting every
  third one again with `userdel` (which removes its ranges);
- a loop of ROUNDS runs of the subid_ranges module, as Ansible runs it, each
  for a new system user it creates itself (useradd --system) and gives
  ranges.
Afterwards every user that exists has its line in both files, no deleted
user has one left, and every run exited 0; else entries were lost.
`--no-lock` runs the module without shadow's lock, to show that the check
can fail. Prints a JSON summary.
"""

import json
import os
import subprocess
import sys
import threading

from ansible.module_utils import _internal
from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.module_utils import subid_ranges as logic
from ansible_collections.stockade.hardening.plugins.modules import subid_ranges

PRIVATE = ("/home", "/var/mail", "/var/log")


def private_etc(scratch):
    """This namespace's /etc: a copy, without mail spools; the real one is never written."""
    etc = os.path.join(scratch, "etc")
    subprocess.run(["cp", "-a", "/etc", etc], check=True)
    for name in ("subuid", "subgid"):
        with open(os.path.join(etc, name), "w") as handle:
            handle.write("")
    defaults = os.path.join(etc, "default", "useradd")
    with open(defaults, "a") as handle:
        handle.write("\nCREATE_MAIL_SPOOL=no\n")
    subprocess.run(["mount", "--bind", etc, "/etc"], check=True)
    for index, path in enumerate(PRIVATE):
        if os.path.isdir(path):
            empty = os.path.join(scratch, "private%d" % index)
            os.makedirs(empty)
            subprocess.run(["mount", "--bind", empty, path], check=True)


class NoLock:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def run_module(name, scratch):
    """Exit status of one module run in a forked child (its output in SCRATCH/module.out)."""
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            fd = os.open(os.path.join(scratch, "module.out"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            _internal.is_controller = False
            with patch_module_args({"name": name, "backup": False}):
                try:
                    subid_ranges.main()
                except SystemExit as exc:
                    code = exc.code or 0
        finally:
            sys.stdout.flush()
            os._exit(code if isinstance(code, int) else 1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def shadow_loop(rounds, events):
    for index in range(rounds):
        name = "racer%d" % index
        done = subprocess.run(["useradd", "-l", "-M", "-s", "/usr/sbin/nologin", name], capture_output=True, check=False)
        events.append(("useradd", name, done.returncode, done.stderr.decode("utf-8", "replace").strip()))
        if index % 3 == 2:
            victim = "racer%d" % (index - 1)
            done = subprocess.run(["userdel", victim], capture_output=True, check=False)
            events.append(("userdel", victim, done.returncode, done.stderr.decode("utf-8", "replace").strip()))


def owners(path):
    with open(path) as handle:
        return [line.split(":", 1)[0] for line in handle if line.strip()]


def main():
    rounds, scratch = int(sys.argv[1]), sys.argv[2]
    if "--no-lock" in sys.argv:
        logic.ShadowLock = NoLock
    private_etc(scratch)
    events = []
    loop = threading.Thread(target=shadow_loop, args=(rounds, events))
    loop.start()
    module_runs = []
    for index in range(rounds):
        name = "svc%d" % index
        module_runs.append((name, run_module(name, scratch)))
    loop.join()

    users = set()
    with open("/etc/passwd") as handle:
        users = set(line.split(":", 1)[0] for line in handle)
    created = set(name for kind, name, rc, err in events if kind == "useradd" and rc == 0)
    deleted = set(name for kind, name, rc, err in events if kind == "userdel" and rc == 0)
    expected = (created - deleted) | set(name for name, rc in module_runs if rc == 0)
    lost, leftover, doubled = [], [], []
    for path in ("/etc/subuid", "/etc/subgid"):
        present = owners(path)
        lost += ["%s: %s" % (path, u) for u in sorted(expected) if u not in present]
        leftover += ["%s: %s" % (path, u) for u in sorted(set(present) - users)]
        doubled += ["%s: %s" % (path, u) for u in sorted(set(present)) if present.count(u) > 1]
    with open(os.path.join(scratch, "module.out"), errors="replace") as handle:
        output = handle.read()
    json.dump({
        "rounds": rounds, "locking": "--no-lock" not in sys.argv,
        "useradd_ok": sum(1 for e in events if e[0] == "useradd" and e[2] == 0),
        "userdel_ok": sum(1 for e in events if e[0] == "userdel" and e[2] == 0),
        "module_ok": sum(1 for name, rc in module_runs if rc == 0),
        "failed_tools": ["%s %s: exit %d %s" % e for e in events if e[2] != 0],
        "failed_modules": [name for name, rc in module_runs if rc != 0],
        "lost": lost, "deleted_user_lines_left": leftover, "doubled": doubled,
        "users_with_ranges": len(expected), "module_output_tail": output[-1500:] if output else "",
    }, sys.stdout)


if __name__ == "__main__":
    main()
