# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hostile corpus: host trees that are odd but possible, each with the
verdict its real consumer gives.

A case is the hardened fixture tree with one change (`tree`, the same
{path: content} form as hosttree.py, plus the special entries below), the
control that change concerns, and the status that control must report. The
expected status comes from the real consumer of the input (systemd, dockerd,
libselinux, runc, tomllib, systemd-sysctl, shadow, the kernel): `consumer`
says which one, which version, and where its verdict was taken (this machine
or the lab VM). Cases are collected from every `cases_*.py` module next to
this one (one module per reader).

Each case runs the real `bin/stockade-audit --offline --format json` in a
child process under a wall-clock and an address-space limit, so a hang, a
memory blow-up or a traceback fails the case instead of the test run.
"""

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

from hosttree import HARDENED, write_tree

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir))
AGENT = os.path.join(REPO, "bin", "stockade-audit")
TIME_LIMIT_S = 20
MEMORY_LIMIT = 1024 * 1024 * 1024   # address space of the audit process
STATUSES = ("pass", "fail", "not_applicable", "error")


# -- special tree entries (written after the plain ones) --------------------
class Fifo:
    """A named pipe where a file belongs: reading it would block forever."""


class Socket:
    """A bound unix socket where a file belongs."""


class CharDevice:
    """A character device node (default /dev/zero's 1:5: endless data)."""

    def __init__(self, major=1, minor=5):
        self.major, self.minor = major, minor


class Sparse:
    """A sparse regular file of `size` bytes, optionally starting with `head`."""

    def __init__(self, size, head=b""):
        self.size, self.head = size, head


class Mode:
    """`content` written with permission bits `mode` (for unreadable files, run as_user)."""

    def __init__(self, content, mode):
        self.content, self.mode = content, mode


class DirMode:
    """A directory (made if absent, its files kept) with permission bits `mode`."""

    def __init__(self, mode):
        self.mode = mode


class Link:
    """A symbolic link to `target`, made after the plain entries (so it may
    point at a special one, or replace a file of the base tree)."""

    def __init__(self, target):
        self.target = target


SPECIAL = (Fifo, Socket, CharDevice, Sparse, Mode, DirMode, Link)


class Case:
    """One hostile input and the verdict its real consumer gives."""

    def __init__(self, id, reader, control, expect, tree, consumer, names=None, as_user=None,
                 base=None, note=""):
        if expect not in STATUSES:
            raise ValueError("case %s: unknown status %r" % (id, expect))
        self.id = id
        self.reader = reader          # which reader the case exercises (e.g. "systemd_units")
        self.control = control        # the control whose verdict is checked
        self.expect = expect          # the status it must report
        self.tree = tree              # changes over `base` (default: the hardened tree)
        self.consumer = consumer      # who decides, e.g. "systemd 252 (lab VM, systemctl show)"
        self.names = names            # text the evidence of an `error` must contain (a path)
        self.as_user = as_user        # run the audit as this uid (unreadable-file cases)
        self.base = HARDENED if base is None else base
        self.note = note

    def __repr__(self):
        return "Case(%s)" % self.id

    def expected_name(self):
        """The path an `error` must name: given, or the one path the case changes."""
        if self.names is not None:
            return self.names
        paths = [p for p, v in self.tree.items() if v is not None]
        return "/" + paths[0] if len(paths) == 1 else None


def build(case, parent):
    """Write the case's tree under a fresh directory in `parent`; returns its path."""
    root = tempfile.mkdtemp(prefix="hostile-", dir=parent)
    os.chmod(root, 0o755)
    plain = {p: v for p, v in case.tree.items() if not isinstance(v, SPECIAL)}
    special = {p: v for p, v in case.tree.items() if isinstance(v, SPECIAL)}
    # a special entry replaces whatever the base tree has at that path (a
    # DirMode keeps the files under its directory)
    write_tree(root, case.base, {p: None for p in special}, plain)
    # links last, directory modes after everything under them
    order = sorted(special.items(), key=lambda item: (
        isinstance(item[1], DirMode), isinstance(item[1], DirMode) and -item[0].count("/"),
        isinstance(item[1], Link), item[0]))
    for path, entry in order:
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        _write_special(full, entry)
    return root


def _write_special(full, entry):
    if isinstance(entry, Fifo):
        os.mkfifo(full)
    elif isinstance(entry, Socket):
        import socket
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(full)
        sock.close()
    elif isinstance(entry, CharDevice):
        os.mknod(full, 0o644 | stat.S_IFCHR, os.makedev(entry.major, entry.minor))
    elif isinstance(entry, Sparse):
        with open(full, "wb") as handle:
            handle.write(entry.head)
            handle.truncate(entry.size)
    elif isinstance(entry, DirMode):
        os.makedirs(full, exist_ok=True)
        os.chmod(full, entry.mode)
    elif isinstance(entry, Link):
        os.symlink(entry.target, full)
    elif isinstance(entry, Mode):
        data = entry.content.encode("utf-8") if isinstance(entry.content, str) else entry.content
        with open(full, "wb") as handle:
            handle.write(data)
        os.chmod(full, entry.mode)


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Run:
    """What the audit did with one case."""

    def __init__(self, returncode, report, stderr, timed_out):
        self.returncode = returncode
        self.report = report
        self.stderr = stderr
        self.timed_out = timed_out

    def entry(self, control):
        for item in (self.report or {}).get("controls", []):
            if item["id"] == control:
                return item
        return None


SYSTEM_PYTHON = "/usr/bin/python3"
_INSTALL_LOCK = threading.Lock()


def agent_for_user(parent):
    """(python, agent) another user can run: the agent and its engine copied
    under `parent` (the checkout and the venv's interpreter may sit in a
    directory only root may enter), run by the system's Python 3."""
    installed = os.path.join(parent, "agent")
    with _INSTALL_LOCK:   # cases run on several threads: one copy, made once
        if not os.path.isdir(installed):
            _install_agent(installed)
    python = SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else sys.executable
    return python, os.path.join(installed, "bin", "stockade-audit")


def _install_agent(installed):
    ignore = shutil.ignore_patterns("__pycache__")
    for package in ("posture",):
        shutil.copytree(os.path.join(REPO, "plugins", "module_utils", package),
                        os.path.join(installed, "lib", "stockade", "module_utils", package), ignore=ignore)
    os.makedirs(os.path.join(installed, "bin"))
    shutil.copy(AGENT, os.path.join(installed, "bin", "stockade-audit"))
    for directory, _dirs, files in os.walk(installed):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)


def run(case, parent):
    """Audit the case's tree in a child process under the limits."""
    root = build(case, parent)
    python, agent = (sys.executable, AGENT) if case.as_user is None else agent_for_user(parent)
    command = [python, agent, "--root", root, "--offline", "--format", "json"]
    user = case.as_user
    try:
        completed = subprocess.run(
            command, capture_output=True, timeout=TIME_LIMIT_S, cwd="/", check=False,
            preexec_fn=_limits, user=user, group=user, extra_groups=[] if user is not None else None,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired as exc:
        return Run(None, None, (exc.stderr or b"").decode("utf-8", "replace"), True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    try:
        report = json.loads(completed.stdout.decode("utf-8"))
    except ValueError:
        report = None
    return Run(completed.returncode, report, completed.stderr.decode("utf-8", "replace"), False)


def problems(case, outcome):
    """Why `outcome` is not what the case demands (empty when it is)."""
    if outcome.timed_out:
        return ["hang: no verdict within %d s" % TIME_LIMIT_S]
    found = []
    if "Traceback" in outcome.stderr:
        found.append("traceback: %s" % outcome.stderr[-2000:])
    if outcome.returncode not in (0, 1):
        found.append("exit status %s (stderr: %s)" % (outcome.returncode, outcome.stderr[-500:]))
    entry = outcome.entry(case.control)
    if entry is None:
        return found + ["no verdict for %s in the report" % case.control]
    if entry["status"] != case.expect:
        found.append("%s is %s, the consumer (%s) says %s; evidence: %s" % (
            case.control, entry["status"], case.consumer, case.expect, entry["evidence"]))
    for line in entry["evidence"]:
        if "internal error" in line:
            found.append("internal error in the evidence: %s" % line)
    wanted = case.expected_name()
    if case.expect == "error" and wanted and not any(wanted in line for line in entry["evidence"]):
        found.append("the error does not name %s: %s" % (wanted, entry["evidence"]))
    return found
