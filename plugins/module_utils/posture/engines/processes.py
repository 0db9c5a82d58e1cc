# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every process of the audited host, read from /proc once per audit.

The consumer mirrored is the kernel's procfs (Documentation/filesystems/proc.rst,
fs/proc/array.c, fs/proc/base.c; Linux 6.1 and 6.12, and 6.18 on this machine).
A first pass reads, for every process,
  - `stat`: comm, state, ppid, flags (field 9: PF_KTHREAD, so kernel threads are
    skipped on every kernel, with or without status's `Kthread:`), starttime
    (field 22); parsed after the last ')' because comm may hold spaces and ')',
  - `cgroup` (`ID:controllers:path`; v2 is `0::path`),
  - `cmdline` (NUL-separated argv) only of the would-be monitors and runtimes,
    known by their comm (MONITOR_COMMS).
Then, only for the processes of a container and their monitors, the details:
`status` (Uid, Seccomp, Seccomp_filters since 5.9, NoNewPrivs, CapEff, CapBnd,
NSpid), `cmdline`, `attr/current`, `attr/apparmor/current`, the `ns/*` links, and
per namespace `uid_map` and `mountinfo`. A host has thousands of processes and
few containers: the first pass costs two small reads per process.

Every file is opened relative to a descriptor of `/proc/<pid>` held while that
process is read, so a pid reused by a new process is never mixed with the old
one (proc.rst 1.1); the second look (the details) compares `stat`'s starttime
with the first before it reads anything else. A process that exits meanwhile gives ENOENT
or ESRCH: it is dropped, not an error. Nothing here forks. Files are read only
when they are regular and at most MAX_PROC_BYTES long (a fixture tree could hold
a FIFO where /proc never does)."""

from __future__ import annotations

import errno
import os
import re
import stat

from ..readers import apparmor

MAX_PROC_BYTES = 4 * 1024 * 1024
PF_KTHREAD = 0x00200000
# A process that went away while it was read (ESRCH: the file was open when it exited).
GONE = (errno.ENOENT, errno.ESRCH)
STATUS_FIELDS = ("Name", "State", "PPid", "Uid", "NSpid", "Seccomp", "Seccomp_filters", "NoNewPrivs",
                 "CapEff", "CapBnd", "CapPrm")
NAMESPACE_KINDS = ("pid", "net", "ipc", "uts", "mnt", "user")
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


class ProcGone(Exception):
    """The process exited (or its pid now names another process)."""


class ProcUnreadable(Exception):
    """A file of the process exists but cannot be read (permission, not a regular file, too large)."""

    def __init__(self, path, cause):
        super().__init__("%s: %s" % (path, cause))
        self.path = path
        self.cause = cause


def read_at(dir_fd, name, where, limit=MAX_PROC_BYTES, optional=False):
    """Bytes of the regular file `name` under `dir_fd`; ProcGone when the process
    went away, ProcUnreadable otherwise; None when the file does not exist but
    the process does, or when an `optional` file (attr/apparmor/current where
    AppArmor is not built in) does not exist."""
    try:
        fd = os.open(name, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ENOENT and (optional or _alive(dir_fd)):
            return None
        if exc.errno in GONE:
            raise ProcGone(where)
        raise ProcUnreadable("%s/%s" % (where, name), exc.strerror or str(exc))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ProcUnreadable("%s/%s" % (where, name), "is not a regular file")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 65536)
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise ProcUnreadable("%s/%s" % (where, name), "larger than %d bytes" % limit)
            if len(chunk) < 65536:  # a short read is the end (a procfs seq_file gives all it has, up to the size asked)
                return b"".join(chunks)
    except OSError as exc:
        if exc.errno in GONE:
            raise ProcGone(where)
        # EINVAL: attr/current with no LSM answering it; EACCES: ptrace-read denied
        raise ProcUnreadable("%s/%s" % (where, name), exc.strerror or str(exc))
    finally:
        os.close(fd)


def link_at(dir_fd, name):
    """The target of the symlink `name` under `dir_fd` (a path when dir_fd is None),
    or None (gone, denied, missing)."""
    try:
        return os.readlink(name, dir_fd=dir_fd)
    except OSError:
        return None


def _alive(dir_fd):
    """Whether the process of `dir_fd` still exists (its status can be opened)."""
    try:
        os.close(os.open("status", _OPEN_FLAGS, dir_fd=dir_fd))
        return True
    except OSError:
        return False


def _text(data):
    return data.decode("utf-8", "replace") if data is not None else None


_STATUS_LINE = re.compile(r"^(%s):[ \t]*(.*?)[ \t]*$" % "|".join(STATUS_FIELDS), re.M)


def parse_status(text):
    """{field: value} of the status lines the audit uses (one regular
    expression over the text: a host has thousands of processes)."""
    return dict(_STATUS_LINE.findall(text or ""))


def parse_cgroup(text):
    """{hierarchy: path}: '0' for the unified (v2) line, else the v1 controllers
    ('pids', 'memory', 'name=systemd', ...) each with its path."""
    paths = {}
    for line in (text or "").splitlines():
        number, sep, rest = line.partition(":")
        controllers, sep2, path = rest.partition(":")
        if not (sep and sep2):
            continue
        if number == "0" and controllers == "":
            paths["0"] = path
        for controller in controllers.split(","):
            if controller:
                paths[controller] = path
    return paths


def parse_cmdline(data):
    """argv from the NUL-separated cmdline (a trailing NUL ends the last argument)."""
    if not data:
        return []
    parts = data.decode("utf-8", "replace").split("\x00")
    return parts[:-1] if parts[-1] == "" else parts


def unescape_mount_path(text):
    """A mountinfo path with the kernel's octal escapes (\\040 space, \\011 tab,
    \\012 newline, \\134 backslash; fs/proc_namespace.c mangle) decoded."""
    if "\\" not in text:
        return text
    out, index = [], 0
    while index < len(text):
        chunk = text[index:index + 4]
        if len(chunk) == 4 and chunk[0] == "\\" and all(c in "01234567" for c in chunk[1:]):
            out.append(chr(int(chunk[1:], 8)))
            index += 4
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def parse_mountinfo(text):
    """{mount point: [per-mount options]} (the last mount of a point is the one
    seen); field 6 is the per-mount options, which carry the `ro` of a read-only
    bind such as the engines' /proc/sys (the super options after '-' say rw)."""
    mounts = {}
    for line in (text or "").splitlines():
        fields = line.split(" ")
        if len(fields) < 7 or "-" not in fields[6:]:
            continue
        mounts[unescape_mount_path(fields[4])] = fields[5].split(",")
    return mounts


def apparmor_label(apparmor_current, attr_current):
    """The AppArmor label, split as libapparmor's aa_getprocattr() splits it
    (readers.apparmor.split_label, the listing's own reader: the same kernel
    format, `NAME (MODE)` or `unconfined`): (label, mode) or None where it
    cannot be split. attr/apparmor/current is AppArmor's own file whatever the
    stacking order; attr/current is used only when the former does not exist
    (kernels before 5.1), and only when it does not look like an SELinux context."""
    text = apparmor_current
    if text is None:
        text = attr_current
        if text is None or _looks_selinux(text):
            return None
    return apparmor.split_label(text)


def _looks_selinux(text):
    """An SELinux context is user:role:type:level, NUL-terminated, no spaces."""
    return text.count(":") >= 3 and " " not in text.strip("\x00\n")


def selinux_label(attr_current):
    """The SELinux context from attr/current, or None when it is not one."""
    if attr_current is None or not _looks_selinux(attr_current):
        return None
    return attr_current.strip("\x00\n ") or None


def parse_stat_fields(text):
    """(comm, state, ppid, flags, starttime) from /proc/PID/stat, or None when it is
    malformed; comm is what lies between the first '(' and the last ')' (it may
    hold spaces and parentheses)."""
    head, sep, rest = (text or "").rpartition(")")
    name = head.partition("(")[2]
    fields = rest.split()
    if not sep or len(fields) < 20:
        return None
    try:  # after ')': state(3) ppid(4) ... flags(9) ... starttime(22), so index field-3
        return name, fields[0], int(fields[1]), int(fields[6]), int(fields[19])
    except ValueError:
        return None


def parse_stat(text):
    """(flags, starttime) from /proc/PID/stat, or (None, None) when it is malformed."""
    fields = parse_stat_fields(text)
    return (fields[3], fields[4]) if fields else (None, None)


# A process whose command line the first pass reads: the monitors (containerd's
# shims, conmon), runsc's processes (comm `exe`, or runsc) and the runtimes'
# short-lived processes (runc, crun, `runc:[2:INIT]`), known by their comm.
MONITOR_COMMS = ("containerd-shim", "conmon", "exe", "runsc", "runc", "crun")


class Process:
    """What the reads of /proc/<pid> found: the first pass (stat, cgroup, and the
    command line of monitors and cgroup-named container processes), then, for the
    processes of a container and their monitors, the details (status, cmdline,
    attr/*, ns/*)."""

    __slots__ = ("pid", "ppid", "name", "state", "uid", "argv", "status", "cgroup_text", "_cgroups", "starttime",
                 "program", "kernel_thread", "attr_current", "apparmor_current", "namespaces", "errors",
                 "details_read")

    def __init__(self, pid, name, state, ppid, flags, starttime, argv=None):
        self.pid = pid
        self.name = name
        self.state = state
        self.ppid = ppid
        self.starttime = starttime
        self.kernel_thread = bool(flags & PF_KTHREAD)
        self.cgroup_text = ""        # /proc/PID/cgroup as read (parsed on demand: most processes never need it)
        self._cgroups = None
        self.argv = None
        self.program = ""
        self.set_argv(argv)
        self.status = {}             # status fields, once the details are read
        self.uid = None              # real uid (status Uid), once the details are read
        self.attr_current = None     # text of attr/current, or None
        self.apparmor_current = None  # text of attr/apparmor/current, or None when absent
        self.namespaces = {}         # {kind: 'mnt:[4026531840]'}
        self.errors = []             # files that exist and could not be read
        self.details_read = False

    def set_argv(self, argv):
        self.argv = argv
        # runsc's processes rename argv[0]: runsc-sandbox, runsc-gofer
        self.program = os.path.basename(argv[0]) if argv else ""

    def set_status(self, status):
        self.status = status
        self.uid = _int((status.get("Uid") or "").split("\t")[0].split(" ")[0])
        if status.get("Name"):
            self.name = status["Name"]

    @property
    def cgroups(self):
        """{hierarchy: path} (parse_cgroup)."""
        if self._cgroups is None:
            self._cgroups = parse_cgroup(self.cgroup_text)
        return self._cgroups

    @property
    def zombie(self):
        return self.state in ("Z", "X")

    @property
    def command(self):
        """The command line as text (comm in brackets when there is none, as ps prints it)."""
        return " ".join(self.argv) if self.argv else "[%s]" % self.name

    def selinux_label(self):
        return selinux_label(self.attr_current)

    def apparmor_label(self):
        return apparmor_label(self.apparmor_current, self.attr_current)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ProcTable:
    """Every process of one /proc: a first pass over all of them (stat, cgroup),
    the details of chosen ones on demand, and the per-namespace files once each."""

    # Descriptors of /proc/<pid> kept open between the first pass and the details,
    # at most this many (the rest are opened again and checked by starttime).
    MAX_HELD = 256

    def __init__(self, proc_dir, hold=None):
        self.proc_dir = proc_dir
        self.processes = {}
        self.unreadable = []   # (pid, why) of processes whose basic files could not be read
        self._uid_maps = {}
        self._mounts = {}
        # hold(process) -> whether its /proc/<pid> stays open for the details (a
        # would-be container process: no second open, and never another process)
        self._hold = hold or (lambda process: False)
        self._held = {}

    def release(self):
        """Close the descriptors held for the details."""
        for dir_fd in self._held.values():
            os.close(dir_fd)
        self._held.clear()

    def scan(self):
        try:
            names = os.listdir(self.proc_dir)
        except OSError as exc:
            raise ProcUnreadable(self.proc_dir, exc.strerror or str(exc))
        for name in names:
            if name.isdigit():
                try:
                    process = self._read(int(name))
                except ProcGone:
                    continue
                except ProcUnreadable as exc:
                    self.unreadable.append((int(name), "%s: %s" % (exc.path, exc.cause)))
                    continue
                if not process.kernel_thread:
                    self.processes[process.pid] = process
        return self

    def _open(self, pid):
        where = "%s/%d" % (self.proc_dir, pid)
        try:
            return os.open(where, _DIR_FLAGS), where
        except OSError as exc:
            if exc.errno in GONE:
                raise ProcGone(where)
            raise ProcUnreadable(where, exc.strerror or str(exc))

    def _read(self, pid):
        dir_fd, where = self._open(pid)
        held = False
        try:
            fields = parse_stat_fields(_text(read_at(dir_fd, "stat", where)))
            if fields is None:
                raise ProcUnreadable(where + "/stat", "not in the kernel's format")
            process = Process(pid, *fields)
            if process.kernel_thread:
                return process
            process.cgroup_text = _text(read_at(dir_fd, "cgroup", where)) or ""
            if process.name.startswith(MONITOR_COMMS):
                process.set_argv(parse_cmdline(read_at(dir_fd, "cmdline", where)))
            if len(self._held) < self.MAX_HELD and self._hold(process):
                self._held[pid] = dir_fd
                held = True
        finally:
            if not held:
                os.close(dir_fd)
        return process

    def read_details(self, process, namespaces=False):
        """status of `process` (and with `namespaces`, for a container's init,
        also its cmdline, attr/current, attr/apparmor/current and ns/* links),
        if it is still the process first read (same stat starttime: a reused pid
        is another process); False when it is gone. read_labels() gives any
        other process's labels on demand."""
        if process.details_read and (process.namespaces or not namespaces):
            return True
        held = self._held.get(process.pid)
        where = "%s/%d" % (self.proc_dir, process.pid)
        try:
            dir_fd = held if held is not None else self._open(process.pid)[0]
        except (ProcGone, ProcUnreadable):
            return False
        try:
            if held is None:
                fields = parse_stat_fields(_text(read_at(dir_fd, "stat", where)))
                if fields is None or fields[4] != process.starttime:
                    return False  # the pid names another process now
            if not process.details_read:
                status = _text(read_at(dir_fd, "status", where))
                if status is None:
                    raise ProcGone(where)
                process.set_status(parse_status(status))
            if namespaces:
                for kind in NAMESPACE_KINDS:
                    target = link_at(dir_fd, "ns/" + kind)
                    if target:
                        process.namespaces[kind] = target
                if process.argv is None:
                    process.set_argv(parse_cmdline(read_at(dir_fd, "cmdline", where)))
                self._read_labels(process, dir_fd, where)
        except ProcGone:
            return False
        finally:
            if held is None:
                os.close(dir_fd)
        process.details_read = True
        return True

    def read_labels(self, process):
        """attr/current, attr/apparmor/current and the cmdline of any process
        read before (its init's are read with its details); False when it is gone."""
        try:
            dir_fd, where = self._open(process.pid)
        except (ProcGone, ProcUnreadable):
            return False
        try:
            fields = parse_stat_fields(_text(read_at(dir_fd, "stat", where)))
            if fields is None or fields[4] != process.starttime:
                return False
            if process.argv is None:
                process.set_argv(parse_cmdline(read_at(dir_fd, "cmdline", where)))
            self._read_labels(process, dir_fd, where)
        except ProcGone:
            return False
        finally:
            os.close(dir_fd)
        return True

    @staticmethod
    def _read_labels(process, dir_fd, where):
        for name, attribute in (("attr/current", "attr_current"), ("attr/apparmor/current", "apparmor_current")):
            try:
                setattr(process, attribute, _text(read_at(dir_fd, name, where, optional=True)))
            except ProcUnreadable as exc:
                if "Invalid argument" not in exc.cause:  # EINVAL: no LSM answers this file
                    process.errors.append("%s: %s" % (exc.path, exc.cause))

    def _per_namespace(self, cache, kind, process, name, parse):
        key = process.namespaces.get(kind) or ("pid", process.pid)
        if key not in cache:
            dir_fd, where = self._open(process.pid)
            try:
                cache[key] = parse(_text(read_at(dir_fd, name, where)))
            finally:
                os.close(dir_fd)
        return cache[key]

    def uid_map(self, process):
        """The uid_map of the process's user namespace as read from the host
        ('0 1000 1\\n1 100000 65536'), whitespace normalised; read once per namespace."""
        return self._per_namespace(self._uid_maps, "user", process, "uid_map",
                                   lambda text: "\n".join(" ".join(l.split()) for l in (text or "").splitlines()
                                                          if l.strip()))

    def mounts(self, process):
        """{mount point: per-mount options} of the process's mount namespace (once per namespace)."""
        return self._per_namespace(self._mounts, "mnt", process, "mountinfo", parse_mountinfo)

    def children(self):
        """{ppid: [pids]}, sorted."""
        found = {}
        for process in self.processes.values():
            found.setdefault(process.ppid, []).append(process.pid)
        for pids in found.values():
            pids.sort()
        return found


def proc_mount_options(proc_dir):
    """The super options of the proc file system at `proc_dir` as the kernel
    lists them in <proc_dir>/self/mountinfo (hidepid=, subset=), or None."""
    try:
        with open(os.path.join(proc_dir, "self", "mountinfo"), "rb") as handle:
            text = handle.read(MAX_PROC_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    for line in text.splitlines():
        fields = line.split(" ")
        if len(fields) > 4 and fields[4] == "/proc" and "-" in fields:
            after = fields[fields.index("-") + 1:]
            if after and after[0] == "proc" and len(after) > 2:
                return after[2].split(",")
    return None
