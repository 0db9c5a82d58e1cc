# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel's view of every container (engines/kernel_containers.py) on
fixture /proc trees: every cgroup pattern and monitor of notes 4.1/4.2, the
gVisor sandbox, and the pitfalls (processes gone mid-read, zombies, pid reuse,
hidepid, kernel threads, FIFOs). tests/engines/test_kernel_view_engines.py
finds real containers of each kind on this machine."""

import errno
import os
import signal
import subprocess

import pytest

from proctree import DOCKER_CAPS, PODMAN_CAPS, ProcTree, hex_id
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import (
    cgroup_paths, kernel_containers, processes,
)

A, B, C = hex_id("a"), hex_id("b"), hex_id("c")


def scan(tree, euid=0):
    return kernel_containers.read(tree.proc, euid=euid)


def only(found):
    assert len(found.containers) == 1, [c.describe() for c in found.containers]
    return found.containers[0]


@pytest.fixture
def tree(tmp_path):
    t = ProcTree(tmp_path)
    t.host_basics()
    return t


# Each engine's cgroup path and monitor ------------------------------------------------------

def test_docker_systemd_driver_found_by_cgroup_and_shim(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    box = only(scan(tree))
    assert (box.engine, box.owner_uid, box.id, box.init.pid) == ("docker", 0, A, 101)
    assert box.cgroup == "/system.slice/docker-%s.scope" % A
    assert box.found_by == ["cgroup /system.slice/docker-%s.scope" % A, "containerd-shim-runc-v2 (pid 100) -id %s" % A]


def test_docker_cgroupfs_on_a_hybrid_host_is_told_by_a_v1_line(tree):
    """The v2 line of a hybrid host is just `/` (measured): a v1 controller names the container."""
    tree.shim(100, "moby", A, cgroup="0::/\n8:pids:/\n")
    tree.container_init(101, 100, "9:name=systemd:/docker/%s\n8:pids:/docker/%s\n0::/\n" % (A, A))
    tree.process(102, 101, "sh", ["sh"], cgroup="8:pids:/docker/%s\n0::/\n" % A, seccomp="2", nnp="1")
    box = only(scan(tree))
    assert (box.engine, box.cgroup, [p.pid for p in box.processes]) == ("docker", "/docker/%s" % A, [101, 102])


def test_rootless_docker_systemd_and_without_cgroups(tree):
    user = "0::/user.slice/user-1000.slice/user@1000.service"
    tree.shim(100, "moby", A, uid=1000, cgroup=user + "/app.slice/docker.service\n")
    tree.container_init(101, 100, user + "/user.slice/docker-%s.scope\n" % A, uid=1000,
                        uid_map="0 1000 1\n1 100000 65536\n", new_ns=("pid", "net", "ipc", "uts", "mnt", "user"))
    # driver "none": no cgroup of its own, only the shim tells it
    tree.shim(200, "moby", B, uid=1001, cgroup="0::/user.slice/user-1001.slice/session-3.scope\n")
    tree.container_init(201, 200, "0::/user.slice/user-1001.slice/session-3.scope\n", uid=1001)
    found = {c.id: c for c in scan(tree).containers}
    assert (found[A].engine, found[A].owner_uid, found[A].rootless) == ("docker", 1000, True)
    assert found[A].owner() == "uid 1000's rootless Docker"
    assert (found[B].owner_uid, found[B].cgroup, found[B].init.pid) == (1001, None, 201)
    assert "session-3.scope (its init's; the container has none of its own)" in found[B].describe()


def test_podman_systemd_with_crun_subgroup_and_conmon_scope(tree):
    tree.conmon(100, A, cgroup="0::/machine.slice/libpod-conmon-%s.scope\n" % A, runtime="/usr/bin/crun")
    tree.container_init(101, 100, "0::/machine.slice/libpod-%s.scope/container\n" % A, caps=PODMAN_CAPS)
    box = only(scan(tree))
    assert (box.engine, box.owner_uid, box.cgroup) == ("podman", 0, "/machine.slice/libpod-%s.scope/container" % A)
    assert box.monitor.runtime_path == "/usr/bin/crun"
    assert [p.pid for p in box.processes] == [101]  # conmon is the monitor, not a member


def test_podman_cgroupfs_root(tree):
    tree.conmon(100, A, cgroup="8:pids:/libpod_parent/conmon\n0::/\n")
    tree.container_init(101, 100, "8:pids:/libpod_parent/libpod-%s\n0::/\n" % A)
    assert only(scan(tree)).cgroup == "/libpod_parent/libpod-%s" % A


def test_podman_rootless_systemd_and_cgroupfs(tree):
    user = "0::/user.slice/user-1000.slice/user@1000.service/user.slice"
    tree.conmon(100, A, uid=1000, cgroup=user + "/libpod-conmon-%s.scope\n" % A)
    tree.container_init(101, 100, user + "/libpod-%s.scope/container\n" % A, uid=1000,
                        uid_map="0 1000 1\n1 100000 65536\n")
    # cgroupfs on a hybrid host: no cgroup of its own (the session, `/` on v2)
    tree.conmon(200, B, uid=1001, cgroup="0::/\n8:pids:/user.slice\n")
    tree.container_init(201, 200, "0::/\n8:pids:/user.slice\n", uid=1001)
    tree.process(202, 201, "httpd", ["httpd"], cgroup="0::/\n8:pids:/user.slice\n", uid=1001, seccomp="2")
    tree.process(300, 1, "podman pause", ["podman"], cgroup="0::/\n8:pids:/user.slice\n", uid=1001)
    found = {c.id: c for c in scan(tree).containers}
    assert (found[A].engine, found[A].owner_uid) == ("podman", 1000)
    assert found[A].found_by[0].startswith("cgroup /user.slice/user-1000.slice/user@1000.service/")
    assert (found[B].owner_uid, found[B].cgroup) == (1001, None)
    assert [p.pid for p in found[B].processes] == [201, 202]  # the pause process is no member


def test_podman_split_cgroup_under_a_unit(tree):
    tree.conmon(100, A, cgroup="0::/system.slice/app.service\n")
    tree.container_init(101, 100, "0::/system.slice/app.service/libpod-payload-%s\n" % A)
    box = only(scan(tree))
    assert (box.engine, box.cgroup) == ("podman", "/system.slice/app.service/libpod-payload-%s" % A)


def test_ctr_run_in_the_default_and_in_its_own_namespace(tree):
    tree.shim(100, "default", "web")
    tree.container_init(101, 100, "8:pids:/default/web\n0::/\n")
    tree.shim(200, "rltest", "ctrgv")
    tree.container_init(201, 200, "8:pids:/rltest/ctrgv\n0::/\n")
    found = {c.id: c for c in scan(tree).containers}
    assert (found["web"].engine, found["web"].namespace, found["web"].cgroup) == ("containerd", "default", "/default/web")
    assert (found["ctrgv"].namespace, found["ctrgv"].cgroup) == ("rltest", "/rltest/ctrgv")
    assert found["ctrgv"].owner() == "root's containerd (namespace rltest)"


def test_crio_and_containerd_cri_pods(tree):
    pod = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice"
    tree.conmon(100, A, podman=False, cgroup=pod + "/crio-conmon-%s.scope\n" % A)
    tree.container_init(101, 100, pod + "/crio-%s.scope/container\n" % A)
    # containerd CRI: one shim per pod, its containers each in a scope of their own
    tree.shim(200, "k8s.io", C)
    tree.container_init(201, 200, pod + "/cri-containerd-%s.scope\n" % C, name="pause", argv=("/pause",))
    tree.container_init(202, 200, pod + "/cri-containerd-%s.scope\n" % B)
    found = {c.id: c for c in scan(tree).containers}
    assert found[A].engine == "crio"
    assert (found[B].engine, found[B].namespace, found[B].init.pid) == ("containerd", "k8s.io", 202)
    assert (found[C].engine, found[C].init.pid) == ("containerd", 201)


def test_gvisor_under_docker_is_judged_as_a_sandbox(tree):
    """State.Pid of a runsc container is runsc-sandbox (notes 3.8): the init here too."""
    cgroup = "8:pids:/docker/%s\n0::/\n" % A
    tree.shim(100, "moby", A)
    tree.runsc_sandbox(110, 100, cgroup, A, gofer_pid=105, stub_pids=(111, 112))
    box = only(scan(tree))
    assert (box.sandbox, box.init.pid, box.engine) == ("gVisor", 110, "docker")
    assert sorted(p.pid for p in box.processes) == [105, 110, 111, 112]
    # its pid/ipc/uts namespaces are the sentry's: not "shared with the host"
    assert box.shared_namespaces() == {}


def test_runsc_run_on_its_own(tree):
    tree.process(300, 50, "runsc", ["runsc", "--rootless", "do", "sleep", "60"])
    tree.runsc_sandbox(301, 300, "8:pids:/runsc-12\n0::/\n", "runsc-12", gofer_pid=302, gofer_ppid=300)
    box = only(scan(tree))
    assert (box.engine, box.id, box.sandbox) == ("runsc", "runsc-12", "gVisor")
    assert sorted(p.pid for p in box.processes) == [301, 302]


def test_processes_of_no_container_are_left_alone(tree):
    """This machine's own shell sits in memory:/process_api/<hex>; a user session, a
    user service named like a container, a short-lived `runc` are no containers."""
    tree.process(60, 50, "bash", ["-bash"], cgroup="4:memory:/process_api/5e39549b957a8b82d87795d220e291ef\n0::/\n")
    tree.process(61, 1, "docker-cleaner", ["docker-cleaner"], cgroup="0::/system.slice/docker-cleaner.service\n")
    tree.process(62, 1, "runc", ["runc", "--root", "/run/runc", "state", "x"], cgroup="0::/\n")
    assert scan(tree).containers == []


def test_every_cgroup_pattern():
    cases = {
        "/system.slice/docker-%s.scope" % A: ("docker", None, False),
        "/user.slice/user-1000.slice/user@1000.service/user.slice/docker-%s.scope" % A: ("docker", 1000, False),
        "/docker/%s" % A: ("docker", None, False),
        "/../../docker/%s" % A: ("docker", None, False),  # outside the reader's cgroup namespace
        "/machine.slice/libpod-%s.scope" % A: ("podman", None, False),
        "/machine.slice/libpod-%s.scope/container" % A: ("podman", None, False),
        "/machine.slice/libpod-conmon-%s.scope" % A: ("podman", None, True),
        "/libpod_parent/libpod-%s" % A: ("podman", None, False),
        "/system.slice/x.service/libpod-payload-%s" % A: ("podman", None, False),
        "/kubepods.slice/kubepods-pod1.slice/crio-%s.scope" % A: ("crio", None, False),
        "/kubepods/pod1/crio-%s" % A: ("crio", None, False),
        "/kubepods.slice/crio-conmon-%s.scope" % A: ("crio", None, True),
        "/kubepods.slice/cri-containerd-%s.scope" % A: ("containerd", None, False),
        "/default/web-1": ("containerd", None, False),
    }
    for path, (engine, uid, monitor) in cases.items():
        found = cgroup_paths.match_path(path)
        assert (found.engine, found.owner_uid, found.monitor) == (engine, uid, monitor), path
    for path in ("/", "/system.slice/docker.service", "/docker/short", "/user.slice/user-1000.slice/session-1.scope",
                 "/libpod_parent/conmon", "/process_api/5e39549b957a8b82d87795d220e291ef", "/default/a/b"):
        assert cgroup_paths.match_path(path) is None, path


# The kernel facts -----------------------------------------------------------------------

def test_facts_of_a_container_process(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A,
                        attr_current="system_u:system_r:container_t:s0:c1,c2\x00",
                        apparmor_current="docker-default (enforce)\n", uid_map="0 100000 65536\n",
                        new_ns=("pid", "net", "ipc", "uts", "mnt", "user"))
    found = scan(tree)
    box = only(found)
    init = box.init
    assert (init.status["Seccomp"], init.status["Seccomp_filters"], init.status["NoNewPrivs"]) == ("2", "1", "1")
    assert init.status["CapEff"] == DOCKER_CAPS
    assert init.selinux_label() == "system_u:system_r:container_t:s0:c1,c2"
    assert init.apparmor_label() == ("docker-default", "enforce")
    assert found.uid_map(init) == "0 100000 65536"
    assert found.mounts(init)["/proc/sys"][0] == "ro" and "ro" in found.mounts(init)["/sys"]
    assert box.shared_namespaces() == {}


def test_shared_host_namespaces_are_named(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A, new_ns=("mnt", "pid"))
    assert sorted(only(scan(tree)).shared_namespaces()) == ["ipc", "net", "uts"]


def test_apparmor_label_rules():
    """libapparmor's aa_getprocattr_raw: one trailing newline, the mode after the last ' ('."""
    assert processes.apparmor_label("unconfined\n", None) == ("unconfined", None)
    assert processes.apparmor_label("a//&b (mixed)\n", None) == ("a//&b", "mixed")
    assert processes.apparmor_label("my profile (complain)\n", None) == ("my profile", "complain")
    assert processes.apparmor_label(None, "docker-default (enforce)\n") == ("docker-default", "enforce")
    # attr/current under SELinux is no AppArmor label
    assert processes.apparmor_label(None, "system_u:system_r:container_t:s0:c1,c2\x00") is None
    assert processes.selinux_label("docker-default (enforce)\n") is None
    # one splitter with the listing's reader (libapparmor aa_splitcon): what it refuses is no label
    assert processes.apparmor_label(" (enforce)\n", None) is None
    assert processes.apparmor_label("docker-default\n", None) is None
    assert processes.apparmor_label("x (enforce)\x00 (complain)\n", None) == ("x", "enforce")


def test_mountinfo_per_mount_options_and_escapes():
    text = ("36 35 98:0 /mnt1 /mnt\\040with\\040space ro,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
            "37 36 0:5 /sys /proc/sys ro,nosuid - proc proc rw\n")
    assert processes.parse_mountinfo(text) == {"/mnt with space": ["ro", "noatime"], "/proc/sys": ["ro", "nosuid"]}


def test_stat_with_a_comm_holding_parentheses():
    text = "77 (a) b (c)) S 1 77 77 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456 0 0\n"
    assert processes.parse_stat(text) == (4194560, 123456)


# Pitfalls ------------------------------------------------------------------------------------

def test_kernel_threads_are_skipped_with_and_without_the_kthread_field(tree):
    found = kernel_containers.read(tree.proc, euid=0)
    assert sorted(found.table.processes) == [1, 50]


def test_a_process_gone_before_its_files_are_read_is_dropped(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    os.makedirs(os.path.join(tree.proc, "102"))  # listed, then gone: its directory is empty
    found = scan(tree)
    assert 102 not in found.table.processes and found.incomplete is None


def test_a_real_process_that_exits_mid_read_is_gone_not_an_error():
    """ENOENT or ESRCH from the kernel once the process is reaped (proc.rst 1.1)."""
    child = subprocess.Popen(["sleep", "30"])
    fd = os.open("/proc/%d" % child.pid, os.O_RDONLY | os.O_DIRECTORY)
    try:
        assert processes.read_at(fd, "status", "/proc/%d" % child.pid).startswith(b"Name:")
        child.send_signal(signal.SIGKILL)
        child.wait()
        with pytest.raises(processes.ProcGone):
            processes.read_at(fd, "cmdline", "/proc/%d" % child.pid)
    finally:
        os.close(fd)


def test_esrch_while_reading_drops_the_process(tree, monkeypatch):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    real_read = os.read

    def read(fd, size):
        if os.readlink("/proc/self/fd/%d" % fd).endswith("/101/stat"):
            raise OSError(errno.ESRCH, "No such process")
        return real_read(fd, size)
    monkeypatch.setattr(processes.os, "read", read)
    found = scan(tree)
    assert 101 not in found.table.processes and found.containers == [] and found.incomplete is None


def test_zombie_init_goes_after_a_live_process(tree):
    tree.conmon(100, A)
    tree.container_init(101, 100, "8:pids:/libpod_parent/libpod-%s\n0::/\n" % A, state="Z (zombie)", argv=())
    tree.container_init(102, 100, "8:pids:/libpod_parent/libpod-%s\n0::/\n" % A)
    box = only(scan(tree))
    assert [p.pid for p in box.processes] == [102, 101] and box.processes[1].zombie


def test_pid_reuse_between_the_scan_and_the_second_look(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    table = processes.ProcTable(tree.proc).scan()
    first = table.processes[101]
    tree.container_init(101, 1, "0::/\n", starttime=999999)  # the pid now names another process
    assert table.read_details(first) is False and first.namespaces == {} and first.status == {}
    assert scan(tree).containers == []  # a fresh read: the new process at that pid is no container's


def test_hidepid_for_a_non_root_audit_is_incomplete(tmp_path):
    tree = ProcTree(tmp_path, proc_mount_options="rw,hidepid=invisible")
    tree.host_basics()
    assert "hidepid=invisible" in scan(tree, euid=1000).incomplete
    assert scan(tree, euid=0).incomplete is None


def test_a_fifo_or_an_unreadable_file_makes_the_view_incomplete(tree):
    tree.process(70, 1, "odd", ["odd"])
    os.unlink(os.path.join(tree.proc, "70", "cgroup"))
    os.mkfifo(os.path.join(tree.proc, "70", "cgroup"))
    found = scan(tree)
    assert 70 not in found.table.processes
    assert "is not a regular file" in found.incomplete


def test_an_unlistable_proc_gives_the_reason(tmp_path):
    found = kernel_containers.read(str(tmp_path / "missing"), euid=0)
    assert found.containers == [] and "No such file" in found.incomplete


def test_this_machine_proc_is_read_without_error():
    found = kernel_containers.read("/proc")
    assert os.getpid() in found.table.processes
    me = found.table.processes[os.getpid()]
    assert me.name == open("/proc/self/comm").read().strip()[:15] and me.argv is None
    assert found.table.read_details(me, namespaces=True) and me.argv[0].endswith(("python", "python3")) or "python" in me.argv[0]
    assert me.uid == os.getuid() and me.status["Seccomp"] in ("0", "2") and "mnt" in me.namespaces


def test_the_auditing_process_stands_in_for_an_unreadable_pid_1(tree):
    """Where PID 1's ns links are denied (this machine's sandbox), the old audit
    compared with the auditing process's own namespaces; so does the kernel view."""
    from proctree import HOST_NS
    os.unlink(os.path.join(tree.proc, "1", "ns", "net"))
    os.makedirs(os.path.join(tree.proc, "self", "ns"))
    for kind, inode in HOST_NS.items():
        os.symlink("%s:[%d]" % (kind, inode), os.path.join(tree.proc, "self", "ns", kind))
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A, new_ns=("mnt", "pid", "uts", "net"))
    assert only(scan(tree)).shared_namespaces() == {"ipc": ("ipc:[%d]" % HOST_NS["ipc"], "the auditing process")}


def test_a_symlinked_pid_directory_and_a_huge_file_are_refused(tree, tmp_path):
    """No /proc/<pid> is a symlink and no file of it is 4 MiB: a tree that has
    them is not read through them, and the view says it is incomplete."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(str(elsewhere), os.path.join(tree.proc, "80"))
    tree.process(81, 1, "big", ["big"])
    with open(os.path.join(tree.proc, "81", "cgroup"), "w") as handle:
        handle.write("0::/" + "x" * (processes.MAX_PROC_BYTES + 1) + "\n")
    found = scan(tree)
    assert 80 not in found.table.processes and 81 not in found.table.processes
    reasons = dict(found.table.unreadable)
    assert "larger than" in reasons[81] and 80 in reasons


def test_labels_of_a_process_other_than_the_init_on_demand(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A, apparmor_current="docker-default (enforce)\n")
    tree.process(102, 101, "sh", ["sh"], cgroup="0::/system.slice/docker-%s.scope\n" % A, seccomp="2", nnp="1",
                 apparmor_current="unconfined\n")
    found = scan(tree)
    other = only(found).processes[1]
    assert other.status["Seccomp"] == "2" and other.apparmor_label() is None  # not read by the scan
    assert found.labels(other) and other.apparmor_label() == ("unconfined", None) and other.argv == ["sh"]


def test_an_engine_report_finds_its_container_by_id_and_by_init_pid(tree):
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    found = scan(tree)
    box = only(found)
    assert found.find("docker", A, 101) is box
    assert found.find("docker", "0" * 64, 101) is box      # an id the kernel view names otherwise: by its init
    assert found.container_of_pid(101) is box
    assert found.container_of_pid(4242) is None and found.find("docker", "0" * 64, 4242) is None
