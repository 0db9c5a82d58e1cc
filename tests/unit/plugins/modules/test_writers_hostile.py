# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every writer against the hostile input classes of the audit: a FIFO, a
character device (/dev/zero's node), a symlink out of the root, a 100 MiB
sparse file, deep nesting, bad encoding, a lone surrogate escape and a
5000-digit number, each put where the writer reads its current file.

Each writer runs as Ansible runs it, in a child process (writer_child.py)
under a timeout, over the hardened fixture tree with one hostile entry.
None may hang, print a traceback or write: every file of the tree keeps its
bytes, mtime and inode. Where the audit reads the same file, it runs on the
same tree and the writer's message must hold the audit's own words for it
(`PATH: cause`). A symlink out of the root is followed inside the root, as
the audit follows it: the file outside is never read or written.

Cells that do not apply say why (NOT_APPLICABLE). A 5000-digit number that
the format's own reader still cannot read (it raises Python's ValueError
from int(), the `readers` work on posture/readers/numbers.py) is an expected
failure that names the reader, and turns into a real check once it reads it.
"""

import json
import os
import stat
import subprocess
import sys

import pytest

from hosttree import HARDENED, write_tree

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, *[os.pardir] * 4))
CHILD = os.path.join(HERE, "writer_child.py")
AGENT = os.path.join(REPO, "bin", "stockade-audit")
TIME_LIMIT_S = 60
LONG = "1" * 5000
DROPINS = "etc/containers/containers.conf.d"
PROFILE = "etc/stockade/seccomp/no-compat.json"


class Fifo:
    pass


class Device:
    """/dev/zero's node: endless data."""


class Sparse:
    def __init__(self, size, head):
        self.size, self.head = size, head


class OutsideLink:
    """A symlink to an absolute path outside the root, where a real file is."""


# -- the writers: where each reads its current file, and how it is run ------------------------------
class Writer:
    def __init__(self, name, module, target, args, layer, valid, formats, settled=None):
        self.name = name          # the row's name
        self.module = module      # plugins/modules/MODULE.py
        self.target = target      # the file it reads, relative to the root
        self.args = args          # root -> the module's arguments
        self.layer = layer        # --layer of the audit that reads the same file (None: the audit does not)
        self.valid = valid        # a valid content of the file (the head of the huge case)
        self.formats = formats    # class -> content in the writer's format, where the class applies
        self.settled = settled or {}  # files already as the writer writes them (nothing else to change)


OWNED_DROPIN = {"containers": {"userns": "auto", "seccomp_profile": "/" + PROFILE}}


def _dropin_args(root):
    return {"directory": os.path.join(root, DROPINS), "shadowing": "fail", "files": {"50-stockade.conf": OWNED_DROPIN}}


def _rendered_dropin():
    from ansible_collections.stockade.hardening.plugins.module_utils.toml_writer import dumps
    return dumps(OWNED_DROPIN, "50-stockade.conf")   # the header names its owner: the file name


JSON_DAEMON = {
    "deep": '{"log-opts": ' + "[" * 5000 + "]" * 5000 + "}",
    "bad_encoding": b'{"labels": ["a\xff\xfeb"]}',
    "lone_surrogate": '{"labels": ["\\ud800"]}',
    "long_number": '{"mtu": %s}' % LONG,
}
PROFILE_TEXT = HARDENED[PROFILE] if isinstance(HARDENED[PROFILE], str) else json.dumps(HARDENED[PROFILE])
JSON_PROFILE = {
    "deep": '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": ' + "[" * 5000 + "]" * 5000 + "}",
    "bad_encoding": b'{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["\xff"], "action": "SCMP_ACT_ALLOW"}]}',
    "lone_surrogate": '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["\\ud800"], '
                      '"action": "SCMP_ACT_ALLOW"}]}',
    "long_number": '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": %s, "syscalls": []}' % LONG,
}
TOML = {
    "deep": "[containers]\nx = " + "[" * 200 + "]" * 200 + "\n",
    "bad_encoding": b"[containers]\nlog_tag = \"a\xffb\"\n",
    "lone_surrogate": "[containers]\nlog_tag = \"\\uD800\"\n",
    "long_number": "[containers]\npids_limit = %s\n" % LONG,
}
LINES = "not a line-oriented format's class: it has no nesting or escapes"

WRITERS = [
    Writer("docker_daemon_config", "docker_daemon_config", "etc/docker/daemon.json",
           lambda root: {"root": root, "settings": {"icc": False}}, "no_new_privs",
           json.dumps(HARDENED["etc/docker/daemon.json"]), JSON_DAEMON),
    Writer("config_dropins (its own file)", "config_dropins", DROPINS + "/50-stockade.conf", _dropin_args, "userns",
           HARDENED[DROPINS + "/50-stockade.conf"], TOML),
    Writer("config_dropins (a later drop-in)", "config_dropins", DROPINS + "/90-site.conf", _dropin_args, "userns",
           "[containers]\nlog_driver = \"journald\"\n", TOML, settled={DROPINS + "/50-stockade.conf": _rendered_dropin}),
    Writer("seccomp_profile (its own file)", "seccomp_profile", PROFILE,
           lambda root: {"path": "/" + PROFILE, "base": "/usr/share/containers/seccomp.json"}, "seccomp",
           PROFILE_TEXT, JSON_PROFILE),
    Writer("seccomp_profile (the base profile)", "seccomp_profile", "usr/share/containers/seccomp.json",
           lambda root: {"path": "/" + PROFILE, "base": "/usr/share/containers/seccomp.json"}, None,
           json.dumps(HARDENED["usr/share/containers/seccomp.json"]), JSON_PROFILE),
    Writer("subid_ranges (/etc/subuid)", "subid_ranges", "etc/subuid",
           lambda root: {"name": "dockremap", "create_user": False}, "userns",
           HARDENED["etc/subuid"], {"long_number": "dockremap:100000:65536\nalice:%s:65536\n" % LONG}),
    Writer("subid_ranges (/etc/passwd)", "subid_ranges", "etc/passwd",
           lambda root: {"name": "dockremap", "create_user": False}, "userns",
           HARDENED["etc/passwd"], {"long_number": HARDENED["etc/passwd"] + "alice:x:%s:1000::/:/bin/sh\n" % LONG}),
    Writer("selinux_booleans (booleans.local)", "selinux_booleans", "var/lib/selinux/default/active/booleans.local",
           lambda root: {"disabled": ["container_manage_cgroup", "container_use_devices"]}, "selinux",
           HARDENED["var/lib/selinux/default/active/booleans.local"],
           {"long_number": "container_manage_cgroup=%s\n" % LONG}),
]
CLASSES = ("fifo", "device", "symlink_out_of_root", "huge", "deep", "bad_encoding", "lone_surrogate", "long_number")


def content_for(writer, hostile):
    """The tree entry of `hostile` at the writer's target, or a reason the class does not apply."""
    if hostile == "fifo":
        return Fifo()
    if hostile == "device":
        return Device()
    if hostile == "symlink_out_of_root":
        return OutsideLink()
    if hostile == "huge":
        head = writer.valid.encode("utf-8") if isinstance(writer.valid, str) else writer.valid
        return Sparse(100 << 20, head)
    if hostile == "bad_encoding" and hostile not in writer.formats:
        return (writer.valid.encode("utf-8") if isinstance(writer.valid, str) else writer.valid) + b"#\xff\xfe\n"
    if hostile in writer.formats:
        return writer.formats[hostile]
    return NotApplicable(LINES)


class NotApplicable:
    def __init__(self, why):
        self.why = why


# -- the tree, and what is in it -----------------------------------------------------------------------
def build(tmp_path, writer, entry):
    """(root, outside file): the hardened tree with `entry` at the writer's target."""
    root = str(tmp_path / "root")
    outside = str(tmp_path / "outside" / os.path.basename(writer.target))
    os.makedirs(os.path.dirname(outside))
    with open(outside, "w") as handle:
        handle.write(writer.valid if isinstance(writer.valid, str) else writer.valid.decode("utf-8"))
    write_tree(root, HARDENED, {DROPINS + "/90-site.conf": "[containers]\nlog_driver = \"journald\"\n"},
               {path: make() for path, make in writer.settled.items()}, {writer.target: None})
    full = os.path.join(root, writer.target)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if isinstance(entry, Fifo):
        os.mkfifo(full)
    elif isinstance(entry, Device):
        os.mknod(full, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    elif isinstance(entry, OutsideLink):
        os.symlink(outside, full)
    elif isinstance(entry, Sparse):
        with open(full, "wb") as handle:
            handle.write(entry.head)
            handle.truncate(entry.size)
    else:
        with open(full, "wb") as handle:
            handle.write(entry if isinstance(entry, bytes) else entry.encode("utf-8"))
    return root, outside


def snapshot(*tops):
    """{path: (kind, size, mtime_ns, inode, bytes of small regular files)}; special files are never opened."""
    found = {}
    for top in tops:
        for directory, dirs, files in os.walk(top):
            for name in dirs + files:
                path = os.path.join(directory, name)
                status = os.lstat(path)
                data = None
                if stat.S_ISREG(status.st_mode) and status.st_size < (1 << 20):
                    with open(path, "rb") as handle:
                        data = handle.read()
                found[path] = (stat.S_IFMT(status.st_mode), status.st_size, status.st_mtime_ns, status.st_ino, data)
    return found


def run_writer(writer, root):
    """(result or None, stderr, timed out)."""
    try:
        done = subprocess.run([sys.executable, CHILD, writer.module, root, json.dumps(writer.args(root))],
                              capture_output=True, timeout=TIME_LIMIT_S, cwd="/", check=False,
                              env=dict(os.environ, PATH="%s:/usr/bin:/bin" % os.path.join(root, "nonexistent")))
    except subprocess.TimeoutExpired as exc:
        return None, (exc.stderr or b"").decode("utf-8", "replace"), True
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        result = None
    return result, done.stderr.decode("utf-8", "replace"), False


def audit_words(root, writer):
    """The evidence lines of the audit on the same tree that name the writer's file."""
    if writer.layer is None:
        return []
    done = subprocess.run([sys.executable, AGENT, "--root", root, "--offline", "--format", "json", "--layer",
                           writer.layer], capture_output=True, timeout=TIME_LIMIT_S, cwd="/", check=False)
    report = json.loads(done.stdout.decode("utf-8"))
    host_path = "/" + writer.target
    return sorted(set(line for control in report["controls"] if control["status"] == "error"
                      for line in control["evidence"] if line.startswith(host_path + ":")))


def reader_still_raises(writer, entry):
    """Whether the format's own reader raises ValueError (Python's 4300-digit limit) on the long number."""
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
        seccomp, subids, toml_lite)
    text = entry if isinstance(entry, str) else entry.decode("utf-8")
    readers = {"seccomp_profile": lambda t: seccomp.decode_text(t, "/x"), "config_dropins": toml_lite.loads}
    try:
        if writer.target == "etc/passwd":
            subids.read_ids(_TextHost(text), "/etc/passwd")
        elif writer.module in readers:
            readers[writer.module](text)
    except ValueError as exc:
        return exc.__class__ is ValueError and "digits" in str(exc)   # not a subclass such as JSONDecodeError
    except Exception:  # pylint: disable=broad-except
        return False
    return False


class _TextHost:
    def __init__(self, text):
        self.text = text

    def read_text(self, path):
        return self.text


# -- the matrix ---------------------------------------------------------------------------------------
CELLS = [(w, c) for w in WRITERS for c in CLASSES]


@pytest.mark.parametrize("writer, hostile", CELLS, ids=["%s-%s" % (w.name, c) for w, c in CELLS])
def test_writer_neither_hangs_nor_crashes_nor_writes(tmp_path, writer, hostile):
    if os.geteuid() != 0:
        pytest.skip("device nodes need root")
    entry = content_for(writer, hostile)
    if isinstance(entry, NotApplicable):
        pytest.skip("does not apply: %s" % entry.why)
    if hostile == "long_number" and reader_still_raises(writer, entry):
        pytest.xfail("the %s reader itself raises ValueError on a 5000-digit number (Python's int() limit): "
                     "the consumer-exact numbers layer (posture/readers/numbers.py) fixes the reader" % writer.module)
    root, outside = build(tmp_path, writer, entry)
    before = snapshot(root, os.path.dirname(outside))
    result, stderr, timed_out = run_writer(writer, root)
    after = snapshot(root, os.path.dirname(outside))

    assert not timed_out, "hang: no result within %d s" % TIME_LIMIT_S
    assert "Traceback" not in stderr, stderr[-3000:]
    assert result is not None, "no module result; stderr: %s" % stderr[-2000:]
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    if hostile == "symlink_out_of_root":
        # Followed inside the root, as the audit follows it: the file outside stays as it was, and only the
        # link's target inside the root may be created.
        assert before[outside] == after[outside]
        inside = os.path.join(root, outside.lstrip("/"))
        lock = os.path.join(root, "etc", ".pwd.lock")   # shadow's global lock file stays, as glibc leaves it
        assert all(p in (inside, lock, os.path.dirname(lock)) or inside.startswith(p + "/") for p in changed), changed
        return
    assert result.get("failed") is True, "the writer accepted it: %s" % result
    assert "/" + writer.target in result["msg"], result["msg"]
    assert changed == [], "the writer changed %s" % changed
    for line in audit_words(root, writer):
        assert line in result["msg"], "the audit says %r, the writer %r" % (line, result["msg"])


# -- the agent's report writer (stockade-audit --output): it never reads its target, it replaces it ---------
REPORT_CLASSES = {
    "fifo": (Fifo(), "a named pipe (FIFO)"),
    "device": (Device(), "a character device"),
    "symlink_to_a_device": ("/dev/null", "a character device"),
}


@pytest.mark.parametrize("hostile", sorted(REPORT_CLASSES))
def test_agent_report_is_not_written_over_a_special_file(tmp_path, hostile):
    """The other classes (huge, deep, encodings, numbers) concern reading, and the report writer reads
    nothing of its target: it only must not replace what is not a regular file."""
    if os.geteuid() != 0:
        pytest.skip("device nodes need root")
    entry, words = REPORT_CLASSES[hostile]
    root = str(tmp_path / "root")
    write_tree(root, HARDENED)
    output = str(tmp_path / "out" / "report.json")
    os.makedirs(os.path.dirname(output))
    if isinstance(entry, Fifo):
        os.mkfifo(output)
    elif isinstance(entry, Device):
        os.mknod(output, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    else:
        os.symlink(entry, output)

    def node():
        found = os.stat(output)
        return found.st_ino, found.st_mode, found.st_rdev
    before = snapshot(os.path.dirname(output)), node()
    done = subprocess.run([sys.executable, AGENT, "--root", root, "--offline", "--format", "json", "--layer",
                           "kernel", "--output", output], capture_output=True, timeout=TIME_LIMIT_S, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "Traceback" not in stderr
    assert output in stderr and words in stderr, stderr
    assert (snapshot(os.path.dirname(output)), node()) == before
