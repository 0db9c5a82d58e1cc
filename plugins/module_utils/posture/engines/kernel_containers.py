# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel's view of every container on the host, whoever started it.

One pass over /proc (processes.ProcTable) per audit finds every container by
  - its cgroup, as each engine names it (cgroup_paths: Docker's and Podman's
    scopes under system.slice, machine.slice and user@UID.service, their
    cgroupfs paths, CRI-O's and containerd's CRI scopes, ctr's /default/<id>);
  - its monitor: a containerd shim (`containerd-shim-runc-v2 -namespace NS -id ID`:
    NS moby is Docker, root's or a user's; k8s.io is the CRI; any other is
    containerd driven directly, e.g. by `ctr run`), a conmon (`-c ID`; Podman
    when its --exit-command is podman, else CRI-O), whose descendants are the
    container's processes when it has no cgroup of its own (rootless cgroupfs);
  - a gVisor sandbox (`runsc-sandbox ... boot ... ID`), under a monitor or on its own
    (`runsc run`/`runsc do`): the processes the host kernel sees are the
    sandbox's own (sandbox, gofer, systrap stubs); the workload runs inside it.
Its owner is the uid its monitor runs as (a user's rootless engine runs as that
user), or the user@UID.service its cgroup is under, else root (uid 0).

For each container the processes' kernel facts are read once: status (seccomp,
no_new_privs, capabilities), the LSM labels, namespace links, and per namespace
the uid_map and the mount table. Nothing forks, no engine is asked: the engines'
own answers are matched to these containers by id or init pid (live.py).
Where /proc hides processes (hidepid= for a non-root audit) the view says it
is incomplete rather than pass."""

from __future__ import annotations

import os

from . import cgroup_paths
from .processes import ProcTable, ProcUnreadable, link_at, proc_mount_options

RUNTIME_HELPERS = ("runc", "crun", "runsc", "conmon", "containerd-shim", "exe")
SANDBOX_NAMESPACES_OWN = ("pid", "ipc", "uts")  # gVisor's sentry implements these itself
NAMESPACE_KINDS = ("pid", "net", "ipc", "uts")
GVISOR = "gVisor"


def _arg(argv, *flags):
    """The value of the first of `flags` in argv (`-id X`, `--id=X`), or None."""
    for index, word in enumerate(argv):
        for flag in flags:
            if word == flag and index + 1 < len(argv):
                return argv[index + 1]
            if word.startswith(flag + "="):
                return word[len(flag) + 1:]
    return None


def is_shim(process):
    return process.program.startswith("containerd-shim") and _arg(process.argv, "-id", "--id") is not None


def is_conmon(process):
    return process.program == "conmon" and _arg(process.argv, "-c", "--cid") is not None


def is_sandbox(process):
    """A gVisor sandbox process: runsc renames argv[0] runsc-sandbox; older
    runsc keep `runsc ... boot`."""
    return process.program == "runsc-sandbox" or (process.program == "runsc" and "boot" in process.argv)


def is_gofer(process):
    return process.program == "runsc-gofer" or (process.program == "runsc" and "gofer" in process.argv)


def _helper(process):
    """A runtime's own short-lived process (runc create, runsc start), not the container's."""
    return process.program in ("runc", "crun") or (process.program == "runsc" and not is_sandbox(process))


class Monitor:
    """A shim, conmon or standalone sandbox, and what its command line says."""

    def __init__(self, process, engine, container_id, namespace=None, runtime_path=None):
        self.process = process
        self.engine = engine
        self.id = container_id
        self.namespace = namespace
        self.runtime_path = runtime_path

    def describe(self):
        return "%s (pid %d)" % (self.process.program or self.process.name, self.process.pid)


def monitor_of(process):
    """The Monitor `process` is, or None."""
    if is_shim(process):
        namespace = _arg(process.argv, "-namespace", "--namespace") or "default"
        engine = {"moby": "docker", "k8s.io": "containerd"}.get(namespace, "containerd")
        return Monitor(process, engine, _arg(process.argv, "-id", "--id"), namespace)
    if is_conmon(process):
        exit_command = _arg(process.argv, "--exit-command") or ""
        engine = "podman" if "podman" in os.path.basename(exit_command) else "crio" if not exit_command else "conmon"
        return Monitor(process, engine, _arg(process.argv, "-c", "--cid"),
                       runtime_path=_arg(process.argv, "-r", "--runtime"))
    return None


class KernelContainer:
    """One container as the kernel shows it."""

    def __init__(self, engine, owner_uid, container_id, namespace=None):
        self.engine = engine            # docker, podman, containerd, crio, runsc, conmon
        self.owner_uid = owner_uid      # 0 for root's engines
        self.id = container_id
        self.namespace = namespace      # containerd's namespace (moby, k8s.io, default, ...)
        self.cgroup = None              # the cgroup path that names it, or None
        self.monitor = None             # Monitor, or None
        self.processes = []             # processes.Process, init first
        self.found_by = []
        self.sandbox = None             # GVISOR, or None
        self.host_namespaces = ({}, None)  # ({kind: link} of the host, whose), for shared_namespaces()

    @property
    def init(self):
        return self.processes[0] if self.processes else None

    @property
    def key(self):
        return (self.engine, self.owner_uid, self.namespace, self.id)

    @property
    def rootless(self):
        return self.owner_uid not in (None, 0)

    def owner(self):
        """'root's Docker', 'uid 1000's rootless Podman', 'containerd (namespace default)'."""
        engine = {"docker": "Docker", "podman": "Podman", "containerd": "containerd", "crio": "CRI-O",
                  "runsc": "runsc", "conmon": "a conmon"}.get(self.engine, self.engine)
        if self.engine == "containerd" and self.namespace:
            engine += " (namespace %s)" % self.namespace
        return ("uid %d's rootless %s" % (self.owner_uid, engine)) if self.rootless else "root's %s" % engine

    def label(self):
        return "%s container %s" % (self.owner(), self.id[:12] if len(self.id) == 64 else self.id)

    def describe(self):
        """The label with where it was found, its command and its cgroup."""
        init = self.init
        command = init.command if init else "(no process)"
        cgroup = self.cgroup or "%s (its init's; the container has none of its own)" % (
            cgroup_paths.container_path(init.cgroups) if init else "-")
        return "%s: init pid %s `%s`, cgroup %s, found by %s" % (
            self.label(), init.pid if init else "-", _short(command), cgroup, ", ".join(self.found_by))

    def shared_namespaces(self):
        """{kind: (namespace, 'PID 1')} for each of pid/net/ipc/uts the init
        shares with the host; None when it cannot be compared. A gVisor
        sandbox's pid, ipc and uts namespaces are the sentry's, not the host's."""
        init = self.init
        reference, whose = self.host_namespaces
        if init is None or not reference or not all(k in init.namespaces for k in NAMESPACE_KINDS):
            return None
        shared = {}
        for kind in NAMESPACE_KINDS:
            if self.sandbox and kind in SANDBOX_NAMESPACES_OWN:
                continue
            if init.namespaces[kind] == reference.get(kind):
                shared[kind] = (init.namespaces[kind], whose)
        return shared


def _short(text, limit=160):
    return text if len(text) <= limit else text[:limit - 3] + "..."


class KernelScan:
    """Every container found in one read of /proc."""

    def __init__(self, table, containers, incomplete=None):
        self.table = table
        self.containers = containers
        self.incomplete = incomplete    # why processes may be hidden, or None
        self.views = {}                 # live.kernel_view_of's answers, by container and init
        self._by_pid = {p.pid: c for c in containers for p in c.processes}

    def labels(self, process):
        """Read the LSM labels (and the command line) of a container's process
        other than its init, on demand; False when it is gone."""
        return self.table.read_labels(process)

    def container_of_pid(self, pid):
        return self._by_pid.get(pid)

    def find(self, engine, container_id, pid):
        """The container `engine` reports with full id `container_id` and init `pid`."""
        for container in self.containers:
            if container.id == container_id and container.engine == engine:
                return container
        found = self._by_pid.get(pid) if pid else None
        return found if found is not None and found.engine in (engine, "runsc", "conmon") else None

    def mounts(self, process):
        try:
            return self.table.mounts(process)
        except Exception:  # the process went away, or mountinfo is unreadable: no view
            return {}

    def uid_map(self, process):
        try:
            return self.table.uid_map(process)
        except Exception:  # as above
            return None


def scan(proc_dir, euid=None):
    """A KernelScan of `proc_dir` (the audited root's /proc)."""
    table = ProcTable(proc_dir, hold=_may_be_in_a_container).scan()
    try:
        containers = _containers(table)
        reference = _host_namespaces(table)
    finally:
        table.release()
    for container in containers:
        container.host_namespaces = reference
    return KernelScan(table, containers, _incomplete(proc_dir, table, euid))


def _may_be_in_a_container(process):
    """Whether the first pass keeps the process's /proc directory open for its details."""
    return process.pid == 1 or bool(process.argv) or cgroup_paths.may_name_container(process.cgroup_text)


def _host_namespaces(table):
    """({kind: link} of the host, whose they are): PID 1's, or the auditing
    process's where PID 1's cannot be read (a sandbox that hides its init)."""
    host = table.processes.get(1)
    if host is not None and table.read_details(host, namespaces=True) and all(
            kind in host.namespaces for kind in NAMESPACE_KINDS):
        return host.namespaces, "PID 1"
    own = {kind: link_at(None, os.path.join(table.proc_dir, "self", "ns", kind)) for kind in NAMESPACE_KINDS}
    return (own, "the auditing process") if all(own.values()) else ({}, None)


def _incomplete(proc_dir, table, euid):
    euid = os.geteuid() if euid is None else euid
    options = proc_mount_options(proc_dir) or []
    hidden = [o for o in options if o.startswith("hidepid=") and o not in ("hidepid=0", "hidepid=off")]
    reasons = []
    if hidden and euid != 0:
        reasons.append("%s is mounted with %s and the audit does not run as root: other users' processes "
                       "are hidden" % (proc_dir, hidden[0]))
    if table.unreadable:
        reasons.append("%d process(es) could not be read (%s)" % (len(table.unreadable), table.unreadable[0][1]))
    return "; ".join(reasons) or None


def _containers(table):
    processes = table.processes
    found = {}

    def container(engine, owner, container_id, namespace=None):
        key = (engine, owner, namespace, container_id)
        if key not in found:
            found[key] = KernelContainer(engine, owner, container_id, namespace)
        return found[key]

    owner_of = {}  # pid -> container, by cgroup first
    for process in processes.values():
        if not cgroup_paths.may_name_container(process.cgroup_text):
            continue
        match = cgroup_paths.match(process.cgroups)
        if match is None or match.monitor:
            continue
        namespace = "k8s.io" if match.engine == "containerd" and "cri-containerd-" in match.path else (
            "default" if match.engine == "containerd" else None)
        owner = match.owner_uid if match.owner_uid is not None else 0  # root's slices and cgroupfs paths
        box = container(match.engine, owner, match.id, namespace)
        if box.cgroup is None:
            box.cgroup = match.path
            box.found_by.append("cgroup %s" % match.path)
        owner_of[process.pid] = box
    children = table.children()
    for process in sorted(processes.values(), key=lambda p: p.pid):
        if not process.argv:  # monitors are known by their comm first (processes.MONITOR_COMMS)
            continue
        monitor = monitor_of(process)
        if monitor is None and is_sandbox(process) and not _under_monitor(process, processes):
            monitor = Monitor(process, "runsc", _sandbox_id(process))
        if monitor is None or not monitor.id or not table.read_details(process):  # its uid: the owner
            continue
        descendants = _descendants(monitor.process.pid, children, processes)
        if monitor.engine == "runsc":  # `runsc run/do`: the sandbox and its gofer, a sibling
            descendants[:0] = [monitor.process] + [
                processes[pid] for pid in children.get(process.ppid, []) if is_gofer(processes[pid])]
        claimed = [owner_of[p.pid] for p in descendants if p.pid in owner_of]
        box = _monitored(container, monitor, claimed, process.uid)
        box.monitor = monitor
        box.found_by.append("%s -id %s" % (monitor.describe(), monitor.id) if monitor.engine != "runsc"
                            else "gVisor sandbox %s" % monitor.describe())
        for member in descendants:
            if member.pid not in owner_of:  # a process with a container cgroup of its own stays there
                owner_of[member.pid] = box
    for pid, box in sorted(owner_of.items()):
        box.processes.append(processes[pid])
    result = []
    for box in found.values():
        if not box.processes:
            continue
        _order(box, processes)
        # the details of each process, the namespaces of the init; a process gone
        # meanwhile (or its pid reused) is not judged
        box.processes = [p for p in box.processes if table.read_details(p, namespaces=p is box.processes[0])]
        if box.processes:
            _order(box, processes)
            table.read_details(box.init, namespaces=True)
            result.append(box)
    for box in result:
        path = cgroup_paths.container_path(box.init.cgroups)
        if box.cgroup is None and box.namespace and cgroup_paths.is_namespace_path(path, box.namespace, box.id):
            box.cgroup = path  # ctr run in a namespace of its own: /<namespace>/<id>
            box.found_by.append("cgroup %s" % path)
    return sorted(result, key=lambda box: (box.owner_uid, box.engine, box.id))


def _monitored(container, monitor, claimed, uid):
    """The container a monitor runs: the one its children's cgroup names when
    that is its id (cgroup and monitor agree), else a container of its own."""
    for box in claimed:
        if box.id == monitor.id:
            if monitor.engine == "containerd" and box.namespace != monitor.namespace:
                box.namespace = monitor.namespace
            return box
    engine = monitor.engine
    if engine == "containerd" and claimed and any(b.engine == "containerd" for b in claimed):
        return next(b for b in claimed if b.engine == "containerd")  # a CRI pod's shim: its containers' own
    return container(engine, uid, monitor.id, monitor.namespace if engine == "containerd" else None)


def _under_monitor(process, processes):
    parent = processes.get(process.ppid)
    seen = 0
    while parent is not None and seen < 64:
        if monitor_of(parent) is not None or is_sandbox(parent):
            return True
        parent = processes.get(parent.ppid)
        seen += 1
    return False


def _sandbox_id(process):
    """`runsc boot ... <container id>`: the last argument, if it is not a flag."""
    last = process.argv[-1] if process.argv else ""
    return last if last and not last.startswith("-") else "pid-%d" % process.pid


def _descendants(pid, children, processes):
    """Every process below `pid`, breadth first, runtime helpers left out."""
    found, queue, seen = [], list(children.get(pid, [])), set()
    while queue:
        child = queue.pop(0)
        if child in seen:
            continue
        seen.add(child)
        process = processes[child]
        if not _helper(process) and monitor_of(process) is None:
            found.append(process)
            queue.extend(children.get(child, []))
    return found


def _order(box, processes):
    """Put the init first: the gVisor sandbox if there is one, else the process
    whose parent is outside the container (the monitor's child), live before zombie."""
    members = {p.pid for p in box.processes}
    sandboxes = [p for p in box.processes if is_sandbox(p)]
    if sandboxes:
        box.sandbox = GVISOR
        init = sandboxes[0]
    else:
        tops = [p for p in box.processes if p.ppid not in members] or box.processes
        tops.sort(key=lambda p: (p.zombie, box.monitor is not None and p.ppid != box.monitor.process.pid, p.pid))
        init = tops[0]
    box.processes = [init] + [p for p in box.processes if p is not init]


def read(proc_dir, euid=None):
    """scan(), or a KernelScan with no container and the reason when /proc cannot be listed."""
    try:
        return scan(proc_dir, euid)
    except ProcUnreadable as exc:
        return KernelScan(ProcTable(proc_dir), [], "%s: %s" % (exc.path, exc.cause))
