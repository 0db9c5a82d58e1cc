# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kernel's view of every container, against real containers on this machine.

One private dockerd runs a plain container, a gVisor one (runtime runsc, the
real binary) and one whose runtime is named like a sandbox but is runc; root's
Podman (private store) runs one; a containerd of our own, started by PID, runs
one with `ctr run`; a rootless Podman (an unprivileged uid of its own, no
account needed: HOME and XDG_RUNTIME_DIR are given) runs one, on cgroupfs, so
it has no cgroup of its own. kernel_containers must find each in one read of
/proc, attribute it to the right owner, and the audit must report those no
engine reported, judge them from the kernel, and tell runsc from a fake.

Hybrid cgroups and no systemd here: only the cgroupfs paths are real; the
systemd driver's scopes and rootless Docker are proved by fixtures only
(test_kernel_containers.py) until the lab runs them."""

import json
import os
import shutil
import signal
import subprocess
import tarfile
import time

import pytest

from engine_helpers import IMAGE, PODMAN_RUN_OPTIONS, podman_as_user, run, terminate
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import (
    docker_api, kernel_containers, live,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.sandbox_rule import SandboxRule
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot

SLEEP = ["/bin/busybox", "sleep", "600"]
ROOTLESS_UID = 64123  # no account: podman takes HOME from the environment (unshare.HomeDir)


def _require(*names):
    from conftest import _require as require
    return require(*names)


def _by_id(scan):
    return {c.id: c for c in scan.containers}


def _wait_for(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.1)


# Docker: plain, gVisor and a fake sandbox ---------------------------------------------------

@pytest.fixture(scope="module")
def docker_three(start_dockerd):
    (runsc,) = _require("runsc")
    # "gvisor" is a runtime named like the sandbox whose binary is runc (notes 6.3)
    config = {"runtimes": {"runsc": {"path": runsc, "runtimeArgs": ["--network=none"]},
                           "gvisor": {"path": shutil.which("runc")}}}
    with start_dockerd("kernel-view", config) as daemon:
        ids = {}
        for name, options in (("plain", []), ("boxed", ["--runtime", "runsc"]), ("fake", ["--runtime", "gvisor"])):
            ids[name] = daemon.docker("run", "-d", "--name", name, "--network", "none", *options,
                                      IMAGE, *SLEEP).stdout.strip()
        try:
            yield daemon, ids
        finally:
            daemon.docker("rm", "-f", *ids, check=False)


def test_docker_containers_found_by_cgroup_and_shim(docker_three):
    daemon, ids = docker_three
    scan = kernel_containers.read("/proc")
    found = _by_id(scan)
    for name, container_id in ids.items():
        box = found[container_id]
        assert (box.engine, box.owner_uid, box.monitor.namespace) == ("docker", 0, "moby"), box.describe()
        assert box.cgroup.endswith("/docker/%s" % container_id), box.describe()  # cgroupfs on this host
        assert box.monitor.process.program == "containerd-shim-runc-v2"
        pid = int(daemon.docker("inspect", "-f", "{{.State.Pid}}", name).stdout)
        assert box.init.pid == pid, (name, box.describe())  # State.Pid: runsc-sandbox for the gVisor one
    assert found[ids["boxed"]].sandbox == "gVisor" and found[ids["boxed"]].init.program == "runsc-sandbox"
    assert found[ids["fake"]].sandbox is None and found[ids["plain"]].sandbox is None
    init = found[ids["plain"]].init
    assert (init.status["Seccomp"], init.program) == ("2", "busybox")
    assert scan.mounts(init)["/proc/sys"][0] == "ro"


def test_docker_runtime_and_sandbox_judged_from_the_kernel(docker_three):
    daemon, ids = docker_three
    view = live.query_docker(HostRoot("/"), docker_api.Endpoint("unix", daemon.sock, "test"))
    by_name = {c.name: c for c in view.containers}
    assert by_name["boxed"].sandbox == "gVisor" and by_name["boxed"].runtime == "runsc"
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import by_id
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
    ctx = AuditContext("/", live_mode="auto", machine="x86_64",
                       sandbox_required=SandboxRule(names=["boxed", "fake"]))
    ctx.use_live_view(view)
    controls = by_id()
    runtime = controls["docker-containers-runtime"].check(ctx)
    assert runtime.status == "fail"
    assert len(runtime.evidence) == 1 and runtime.evidence[0].startswith(
        "fake (%s): runtime gvisor (%s), but the kernel shows its init on the host kernel" % (
            ids["fake"][:12], shutil.which("runc"))), runtime.evidence
    required = controls["docker-containers-sandbox-required"].check(ctx)
    assert [line.split(" (")[0] for line in required.evidence] == ["fake"]
    # the sandbox's own empty tmpfs root is no "writable /proc/sys", and its host PID namespace is runsc's
    for control_id in ("docker-containers-kernel-fs", "docker-containers-host-pid", "docker-containers-seccomp"):
        outcome = controls[control_id].check(ctx)
        assert outcome.status == "pass", (control_id, outcome.evidence)


# Root's Podman -----------------------------------------------------------------------------

def test_root_podman_container_found_by_cgroup_and_conmon(podman):
    conf = podman.containers_conf("kernel-view", "")
    container_id = podman.podman(conf, "run", "-d", "--name", "kv-podman", "--network", "none",
                                 *(PODMAN_RUN_OPTIONS + (IMAGE,) + tuple(SLEEP))).stdout.strip()
    try:
        box = _by_id(kernel_containers.read("/proc"))[container_id]
        assert (box.engine, box.owner_uid, box.cgroup) == ("podman", 0, "/libpod_parent/libpod-%s" % container_id)
        assert box.monitor.process.program == "conmon" and box.monitor.runtime_path.endswith("runc")
        assert box.init.program == "busybox"
    finally:
        podman.podman(conf, "rm", "-f", "-t", "0", "kv-podman", check=False)


# containerd driven by ctr ------------------------------------------------------------------

@pytest.fixture
def containerd(workdir, probe_tar):
    """A containerd of our own (root, state, socket, no CRI plugin), stopped by its PID."""
    binary, ctr = _require("containerd", "ctr")
    base = os.path.join(workdir, "containerd")
    os.makedirs(base)
    sock = os.path.join(base, "c.sock")
    config = os.path.join(base, "config.toml")
    with open(config, "w") as handle:
        handle.write('version = 2\nroot = "%s/root"\nstate = "%s/state"\n'
                     'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "%s"\n'
                     % (base, base, sock))
    rootfs = os.path.join(base, "rootfs")
    with tarfile.open(probe_tar) as archive:
        archive.extractall(rootfs)
    with open(os.path.join(base, "containerd.log"), "w") as log:
        process = subprocess.Popen([binary, "--config", config], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        _wait_for(lambda: os.path.exists(sock) or process.poll() is not None, "containerd's socket")
        assert process.poll() is None, open(os.path.join(base, "containerd.log")).read()[-2000:]
        yield [ctr, "-a", sock], rootfs
    finally:
        terminate(process)


def test_ctr_container_is_found_and_reported_as_no_engine_s(containerd):
    ctr, rootfs = containerd
    run(ctr + ["-n", "stockade-kv", "run", "-d", "--rootfs", rootfs, "kvctr"] + SLEEP)
    try:
        found = _by_id(kernel_containers.read("/proc"))
        box = found["kvctr"]
        assert (box.engine, box.namespace, box.owner_uid) == ("containerd", "stockade-kv", 0), box.describe()
        assert box.cgroup == "/stockade-kv/kvctr" and box.init.program == "busybox"
        report = run_audit("/", live="auto")
        results = {entry["id"]: entry for entry in report["controls"]}
        unreported = results["host-unreported-containers"]
        assert unreported["status"] == "fail"
        line = [e for e in unreported["evidence"] if "kvctr" in e]
        assert line and line[0].startswith("root's containerd (namespace stockade-kv) container kvctr: init pid %d "
                                           "`/bin/busybox sleep 600`, cgroup /stockade-kv/kvctr" % box.init.pid)
        userns = results["host-containers-userns"]
        assert any(e.startswith("root's containerd (namespace stockade-kv) container kvctr: its root is host root")
                   for e in userns["evidence"]), userns["evidence"]
        # `ctr run` applies no seccomp profile unless given --seccomp: the kernel shows it
        seccomp = results["host-containers-seccomp"]
        assert "root's containerd (namespace stockade-kv) container kvctr: its init process runs with Seccomp: 0" \
            in seccomp["evidence"], seccomp["evidence"]
    finally:
        run(ctr + ["-n", "stockade-kv", "tasks", "kill", "-s", "SIGKILL", "kvctr"], check=False)
        _wait_for(lambda: "STOPPED" in run(ctr + ["-n", "stockade-kv", "tasks", "ls"], check=False).stdout
                  or "kvctr" not in run(ctr + ["-n", "stockade-kv", "tasks", "ls"], check=False).stdout, "ctr task")
        run(ctr + ["-n", "stockade-kv", "tasks", "rm", "kvctr"], check=False)
        run(ctr + ["-n", "stockade-kv", "containers", "rm", "kvctr"], check=False)


# A user's rootless Podman ------------------------------------------------------------------

@pytest.fixture
def rootless_podman(workdir, probe_tar):
    podman_binary, setpriv = _require("podman", "setpriv")
    home = os.path.join(workdir, "rootless-home")
    runtime_dir = os.path.join(workdir, "rootless-run")
    for path in (home, runtime_dir):
        os.makedirs(path, mode=0o700)
        os.chown(path, ROOTLESS_UID, ROOTLESS_UID)
    user_podman = podman_as_user(podman_binary, setpriv, ROOTLESS_UID, home, runtime_dir, probe_tar)
    try:
        yield user_podman
    finally:
        user_podman("rm", "-f", "-t", "0", "-a", check=False)
        _stop_processes_of(ROOTLESS_UID)
        run(["rm", "-rf", home, runtime_dir], check=False)


def _pids_of(uid):
    found = []
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and os.stat("/proc/" + name).st_uid == uid:
                found.append(int(name))
        except OSError:
            continue
    return found


def _stop_processes_of(uid):
    """Stop, by pid, what this test's uid left running (Podman's pause process
    and any conmon): uid ROOTLESS_UID is this test's alone. Their mount
    namespace holds copies of the session's mounts: until they are gone,
    the scratch directory cannot be removed (EBUSY)."""
    for pid in _pids_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _wait_for(lambda: not _pids_of(uid), "the processes of uid %d to exit" % uid)


def test_rootless_podman_container_is_found_by_its_conmon(rootless_podman):
    container_id = rootless_podman("run", "-d", "--name", "kv-rootless", "--network", "none",
                                   *(PODMAN_RUN_OPTIONS + (IMAGE,) + tuple(SLEEP))).stdout.strip()
    scan = kernel_containers.read("/proc")
    box = _by_id(scan)[container_id]
    assert (box.engine, box.owner_uid, box.rootless) == ("podman", ROOTLESS_UID, True), box.describe()
    assert box.cgroup is None  # cgroupfs rootless: no cgroup of its own (notes 4.1)
    assert box.found_by == ["conmon (pid %d) -id %s" % (box.monitor.process.pid, container_id)]
    assert box.init.program == "busybox" and box.init.uid == ROOTLESS_UID
    assert scan.uid_map(box.init).startswith("0 %d 1" % ROOTLESS_UID)  # single mapping: no subuid range
    report = run_audit("/", live="auto")
    results = {entry["id"]: entry for entry in report["controls"]}
    named = [e for e in results["host-unreported-containers"]["evidence"] if container_id[:12] in e]
    assert named and named[0].startswith("uid %d's rootless Podman container %s: init pid %d" % (
        ROOTLESS_UID, container_id[:12], box.init.pid))
    assert not any(container_id[:12] in e for e in results["host-containers-userns"]["evidence"]
                   if "host root" in e)
    # Podman sets no no_new_privs unless asked: the kernel shows it for this user's container too
    assert any(e.startswith("uid %d's rootless Podman container %s: its init process has NoNewPrivs: 0" % (
        ROOTLESS_UID, container_id[:12])) for e in results["host-containers-no-new-privileges"]["evidence"])


def test_root_podman_runsc_container_is_a_sandbox(podman):
    """Podman names the runtime runsc (OCIRuntime) and conmon runs the real binary:
    engine and kernel agree; the sandbox is init (State.Pid)."""
    (runsc,) = _require("runsc")
    conf = podman.containers_conf("kernel-view-runsc", "")
    container_id = podman.podman(conf, "--runtime", runsc, "--runtime-flag", "network=none", "run", "-d",
                                 "--name", "kv-runsc", "--network", "none",
                                 "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                                 IMAGE, *SLEEP).stdout.strip()
    pids = []
    try:
        box = _by_id(kernel_containers.read("/proc"))[container_id]
        pids = [p.pid for p in box.processes] + [box.monitor.process.pid]
        assert (box.engine, box.sandbox, box.init.program) == ("podman", "gVisor", "runsc-sandbox"), box.describe()
        assert box.monitor.runtime_path == runsc
        documents = json.loads(podman.podman(conf, "container", "inspect", "kv-runsc").stdout)
        assert box.init.pid == documents[0]["State"]["Pid"]
        view = live.LiveEngine("podman", containers=live._containers(HostRoot("/"), documents, "podman"))
        assert view.containers[0].runtime.endswith("runsc") and view.containers[0].sandbox == "gVisor"
        from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import by_id
        from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
        ctx = AuditContext("/", live_mode="auto", machine="x86_64")
        ctx.use_live_view(view)
        for control_id in ("podman-containers-runtime", "podman-containers-kernel-fs"):
            outcome = by_id()[control_id].check(ctx)
            assert outcome.status == "pass", (control_id, outcome.evidence)
    finally:
        podman.podman(conf, "rm", "-f", "-t", "0", "kv-runsc", check=False)
        # the sandbox's mount namespace holds copies of Podman's store mounts until it is gone
        _wait_for(lambda: not any(os.path.exists("/proc/%d" % pid) for pid in pids), "the sandbox to exit")
