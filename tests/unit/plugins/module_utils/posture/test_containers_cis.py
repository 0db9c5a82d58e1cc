# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-container and live controls (CIS Docker Benchmark 1.6.0 section 5,
and the sockets of section 3) judged on recorded engine answers.

inspect/*.json are real `docker inspect` (docker.io 20.10.24) and `podman
container inspect` (podman 4.3.1) documents taken on this project's CI
machine (Debian 12) from containers started as their names say (see
inspect/README.md); each case changes one field as the engine writes it
for the option named. tests/engines proves the same controls against live
engines. Where docker-bench-security 1.6.0 gives another verdict, the test
says which and why."""

import copy
import json
import os
import socket

import pytest

from hosttree import HARDENED, Mode, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import by_id
from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.live import (
    Container, KernelView, LiveEngine,
)

INSPECT = os.path.join(os.path.dirname(__file__), "inspect")
LIMITS = {"Memory": 67108864, "NanoCpus": 500000000, "PidsLimit": 100,
          "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 5}}
KERNEL = KernelView({"NoNewPrivs": "1", "Seccomp": "2"}, {"/sys": ["ro"], "/proc/sys": ["ro"]}, None,
                    ["busybox"])


def recorded(name):
    with open(os.path.join(INSPECT, name + ".json")) as handle:
        return json.load(handle)


def compliant(engine):
    """A recorded container of `engine` with every operations setting CIS asks for."""
    doc = recorded("docker-20.10-limited" if engine == "docker" else "podman-4.3-plain")
    doc["HostConfig"].update(copy.deepcopy(LIMITS))
    doc["Config"]["Healthcheck"] = {"Test": ["CMD-SHELL", "true"]}
    return doc


def bind(source, destination="/mnt", rw=True, propagation="rprivate"):
    return {"Type": "bind", "Source": source, "Destination": destination, "Mode": "", "RW": rw,
            "Propagation": propagation}


def judge(tmp_path, control_id, docs, kernel=KERNEL, tree=(), info=None):
    control = by_id()[control_id]
    root = write_tree(tmp_path / ("root-" + control_id), HARDENED, *tree)
    ctx = AuditContext(root, live_mode=False, machine="x86_64")
    ctx.use_live_view(LiveEngine(control.engine, info=info or {},
                                 containers=[Container(doc, kernel) for doc in docs]))
    return control.check(ctx)


def host_config(**values):
    return lambda doc: doc["HostConfig"].update(values)


def mounts(*entries):
    return lambda doc: doc.__setitem__("Mounts", list(entries))


def ports(*bindings):
    return lambda doc: doc["NetworkSettings"].__setitem__("Ports", {"80/tcp": [
        {"HostIp": ip, "HostPort": str(port)} for ip, port in bindings]})


# suffix -> a change that breaks it (the compliant container passes each)
FAIL = {
    "containers-host-ipc": host_config(IpcMode="host"),
    "containers-host-uts": host_config(UTSMode="host"),
    "containers-mount-propagation": mounts(bind("/srv/data", propagation="rshared")),
    "containers-sensitive-mounts": mounts(bind("/etc", "/hostetc")),
    "containers-devices": host_config(Devices=[{"PathOnHost": "/dev/sda", "PathInContainer": "/dev/sda",
                                                "CgroupPermissions": "rwm"}]),
    "containers-socket-mount": mounts(bind("/run/docker.sock", "/var/run/docker.sock")),
    "containers-memory-limit": host_config(Memory=0),
    "containers-cpu-limit": host_config(NanoCpus=0, CpuShares=0, CpuQuota=0, CpusetCpus=""),
    "containers-pids-limit": host_config(PidsLimit=0),
    "containers-privileged-ports": ports(("127.0.0.1", 80)),
    "containers-bound-address": ports(("0.0.0.0", 8080)),
    "containers-restart-policy": host_config(RestartPolicy={"Name": "always", "MaximumRetryCount": 0}),
    "containers-cgroup-parent": host_config(CgroupParent="/custom"),
    "containers-healthcheck": lambda doc: doc["Config"].pop("Healthcheck"),
    "containers-published-ports": ports(("127.0.0.1", 8080)),
}


@pytest.mark.parametrize("engine", ["docker", "podman"])
@pytest.mark.parametrize("suffix", sorted(FAIL))
def test_compliant_container_passes_and_one_change_fails(tmp_path, engine, suffix):
    control_id = "%s-%s" % (engine, suffix)
    outcome = judge(tmp_path, control_id, [compliant(engine)])
    assert outcome.status == "pass", outcome.evidence
    broken = compliant(engine)
    FAIL[suffix](broken)
    outcome = judge(tmp_path, control_id, [compliant(engine), broken])
    assert outcome.status == "fail", outcome.evidence
    assert len(outcome.evidence) == 1, outcome.evidence  # only the changed container is named


def test_default_bridge(tmp_path):
    doc = compliant("docker")
    doc["NetworkSettings"]["Networks"] = {"app": {"NetworkID": "f00"}}
    assert judge(tmp_path, "docker-containers-default-bridge", [doc]).status == "pass"
    doc["NetworkSettings"]["Networks"] = {"bridge": {"NetworkID": ""}}  # dockerd -b none: not attached
    assert judge(tmp_path, "docker-containers-default-bridge", [doc]).status == "pass"
    doc["NetworkSettings"]["Networks"] = {"bridge": {"NetworkID": "f00"}}
    assert judge(tmp_path, "docker-containers-default-bridge", [doc]).status == "fail"


def test_ulimits_of_the_container_or_of_the_daemon(tmp_path):
    doc = compliant("docker")
    doc["HostConfig"]["Ulimits"] = []
    assert judge(tmp_path, "docker-containers-ulimits", [doc]).status == "pass"  # HARDENED sets default-ulimits
    no_default = ({"etc/docker/daemon.json": dict(HARDENED["etc/docker/daemon.json"], **{"default-ulimits": {}})},)
    assert judge(tmp_path, "docker-containers-ulimits", [doc], tree=no_default).status == "fail"
    doc["HostConfig"]["Ulimits"] = [{"Name": "nofile", "Hard": 1024, "Soft": 1024}]
    assert judge(tmp_path, "docker-containers-ulimits", [doc], tree=no_default).status == "pass"
    podman = compliant("podman")
    podman["HostConfig"]["Ulimits"] = []
    assert judge(tmp_path, "podman-containers-ulimits", [podman]).status == "fail"


def test_sshd_is_found_among_the_processes_of_the_container(tmp_path):
    outcome = judge(tmp_path, "docker-containers-no-sshd", [compliant("docker")])
    assert outcome.status == "pass"
    with_sshd = KernelView(KERNEL.status, KERNEL.mounts, None, ["s6-svscan", "sshd"])
    outcome = judge(tmp_path, "docker-containers-no-sshd", [compliant("docker")], kernel=with_sshd)
    assert outcome.status == "fail" and "runs sshd" in outcome.evidence[0]


def test_sshd_check_never_passes_on_unread_processes(tmp_path):
    """docker-bench 5.6 runs `docker exec CONTAINER ps -el` and passes when the
    image has no ps (exit 126/127 is not the 255 it looks for); here the
    processes come from the kernel, and none read is not a pass."""
    unread = KernelView(KERNEL.status, KERNEL.mounts, None, [])
    outcome = judge(tmp_path, "podman-containers-no-sshd", [compliant("podman")], kernel=unread)
    assert outcome.status == "fail" and "could not be read" in outcome.evidence[0]


SELINUX_TREE = ({"sys/fs/selinux/enforce": "1"},)


@pytest.mark.parametrize("label,status", [
    ("system_u:system_r:container_t:s0:c123,c456", "pass"),
    ("system_u:system_r:spc_t:s0", "fail"),
    ("system_u:system_r:initrc_t:s0", "fail"),
    ("system_u:system_r:container_t:s0", "fail"),
])
def test_selinux_label_of_the_init_process_is_judged(tmp_path, label, status):
    kernel = KernelView(KERNEL.status, KERNEL.mounts, label, ["busybox"])
    outcome = judge(tmp_path, "docker-containers-selinux", [compliant("docker")], kernel=kernel,
                    tree=SELINUX_TREE)
    assert outcome.status == status, outcome.evidence


def test_selinux_security_options_are_not_what_separates(tmp_path):
    """docker-bench 5.2 (CIS 5.3) warns for every container whose SecurityOpt
    is empty, the normal labelled case, and passes any container with some
    option, including the label=disable that Docker adds for --pid host."""
    plain = recorded("docker-20.10-plain")  # SecurityOpt null: labelled by dockerd
    outcome = judge(tmp_path, "docker-containers-selinux", [plain],
                    kernel=KernelView({}, {}, "system_u:system_r:container_t:s0:c1,c2", []), tree=SELINUX_TREE)
    assert outcome.status == "pass", outcome.evidence
    pid_host = recorded("docker-20.10-plain")
    pid_host["HostConfig"].update(PidMode="host", SecurityOpt=["label=disable"])
    outcome = judge(tmp_path, "docker-containers-selinux", [pid_host], tree=SELINUX_TREE)
    assert outcome.status == "fail" and "label=disable" in outcome.evidence[0]


APPARMOR_TREE = ({"sys/kernel/security/lsm": "lockdown,capability,apparmor"},)


def test_apparmor_is_judged_only_where_it_is_the_lsm(tmp_path):
    """docker-bench 5.1 (CIS 5.2) warns for every container of an SELinux host,
    where AppArmorProfile is always empty: AppArmor is not there to apply."""
    outcome = judge(tmp_path, "docker-containers-apparmor", [recorded("docker-20.10-plain")])
    assert outcome.status == "not_applicable" and "not an active LSM" in outcome.evidence[0]
    confined = recorded("docker-20.10-plain")
    confined["AppArmorProfile"] = "docker-default"
    outcome = judge(tmp_path, "docker-containers-apparmor", [confined], tree=APPARMOR_TREE)
    assert outcome.status == "pass", outcome.evidence
    unconfined = recorded("docker-20.10-plain")
    unconfined["AppArmorProfile"] = "unconfined"
    outcome = judge(tmp_path, "podman-containers-apparmor", [unconfined], tree=APPARMOR_TREE)
    assert outcome.status == "fail"


def test_no_new_privs_is_read_from_the_kernel_not_the_daemon_default(tmp_path):
    """docker-bench 5.25 (CIS 5.26) passes every container as soon as dockerd
    has no-new-privileges, even one started with no-new-privileges=false."""
    opted_out = compliant("docker")
    opted_out["HostConfig"]["SecurityOpt"] = ["no-new-privileges=false"]
    kernel = KernelView({"NoNewPrivs": "0", "Seccomp": "2"}, KERNEL.mounts, None, ["busybox"])
    outcome = judge(tmp_path, "docker-containers-no-new-privileges", [opted_out], kernel=kernel)
    assert outcome.status == "fail" and "NoNewPrivs: 0" in outcome.evidence[0]


def test_restart_policy_no_is_bounded(tmp_path):
    """docker-bench 5.14 (CIS 5.15) warns unless MaximumRetryCount is exactly 5,
    so a container that never restarts is flagged; CIS's own audit text says
    RestartPolicyName=no is a secure option."""
    for name, retries, status in (("no", 0, "pass"), ("", 0, "pass"), ("on-failure", 3, "pass"),
                                  ("on-failure", 0, "fail"), ("on-failure", 6, "fail"),
                                  ("unless-stopped", 0, "fail")):
        doc = compliant("docker")
        doc["HostConfig"]["RestartPolicy"] = {"Name": name, "MaximumRetryCount": retries}
        outcome = judge(tmp_path, "docker-containers-restart-policy", [doc])
        assert outcome.status == status, (name, retries, outcome.evidence)


def test_any_cpu_setting_counts(tmp_path):
    """docker-bench 5.11 (CIS 5.12) looks at CpuShares and NanoCpus only: a
    container limited by --cpu-quota or --cpuset-cpus is flagged there."""
    for field, value in (("CpuQuota", 50000), ("CpusetCpus", "0"), ("CpuShares", 512)):
        doc = compliant("docker")
        doc["HostConfig"].update(NanoCpus=0, CpuShares=0, CpuQuota=0, CpusetCpus="")
        doc["HostConfig"][field] = value
        outcome = judge(tmp_path, "docker-containers-cpu-limit", [doc])
        assert outcome.status == "pass", (field, outcome.evidence)


def test_ipv6_wildcard_and_ports_are_read(tmp_path):
    """docker-bench 5.7/5.13 (CIS 5.8/5.14) cut `docker port` output at the
    first ':', so an IPv6 binding (:::80) is read as neither a port nor an
    address: a privileged port on [::] passes both there."""
    doc = compliant("docker")
    ports(("::", 80))(doc)
    assert judge(tmp_path, "docker-containers-privileged-ports", [doc]).status == "fail"
    assert judge(tmp_path, "docker-containers-bound-address", [doc]).status == "fail"


@pytest.mark.parametrize("mount,status", [
    (bind("/", "/host", rw=False), "fail"),           # docker-bench 5.5: only read-write mounts count
    (bind("/etc/shadow", "/shadow"), "fail"),         # docker-bench: only the directory itself
    (bind("/etc/localtime", "/etc/localtime", rw=False), "pass"),
    (bind("/usr/share/zoneinfo", "/zoneinfo", rw=False), "pass"),
    (bind("/srv/data", "/data"), "pass"),
    ({"Type": "volume", "Source": "/var/lib/docker/volumes/v/_data", "Destination": "/etc", "RW": True}, "pass"),
])
def test_sensitive_mounts(tmp_path, mount, status):
    doc = compliant("docker")
    doc["Mounts"] = [mount]
    assert judge(tmp_path, "docker-containers-sensitive-mounts", [doc]).status == status


@pytest.mark.parametrize("source,status", [
    ("/run", "fail"),                                   # docker-bench 5.31 greps for "docker.sock"
    ("/run/podman", "fail"),
    ("/run/containerd/containerd.sock", "fail"),
    ("/srv/docker.sock.d", "pass"),                    # a name, not the daemon's socket
])
def test_engine_socket_reached_through_any_bind(tmp_path, source, status):
    doc = compliant("docker")
    doc["Mounts"] = [bind(source)]
    assert judge(tmp_path, "docker-containers-socket-mount", [doc]).status == status


def test_socket_of_a_moved_listener_is_found(tmp_path):
    doc = compliant("docker")
    doc["Mounts"] = [bind("/srv/engine")]
    moved = {"etc/systemd/system/docker.service.d/h.conf":
             "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd -H unix:///srv/engine/api.sock\n"}
    outcome = judge(tmp_path, "docker-containers-socket-mount", [doc], tree=(moved,))
    assert outcome.status == "fail" and "/srv/engine/api.sock" in outcome.evidence[0]


def test_no_running_container_is_not_a_pass(tmp_path):
    assert judge(tmp_path, "docker-containers-memory-limit", []).status == "not_applicable"


def test_swarm_mode(tmp_path):
    assert judge(tmp_path, "docker-swarm-off", [], info={"Swarm": {"LocalNodeState": "inactive"}}).status == "pass"
    assert judge(tmp_path, "docker-swarm-off", [], info={"Swarm": {"LocalNodeState": "active"}}).status == "fail"


def test_running_daemon_not_restarted_fails_a_good_configuration(tmp_path):
    info = {"LiveRestoreEnabled": False, "LoggingDriver": "json-file", "Driver": "overlay2",
            "ExperimentalBuild": True, "Debug": True,
            "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"], "IndexConfigs": {}},
            "Plugins": {"Authorization": None}}
    for control_id in ("docker-live-restore", "docker-remote-logging", "docker-experimental-off",
                       "docker-log-level", "docker-insecure-registries", "docker-authorization-plugin"):
        outcome = judge(tmp_path, control_id, [], info=info)
        assert outcome.status == "fail", (control_id, outcome.evidence)
        assert any("running dockerd" in line for line in outcome.evidence), control_id
    info = {"LiveRestoreEnabled": True, "LoggingDriver": "syslog", "Driver": "overlay2",
            "ExperimentalBuild": False, "Debug": False,
            "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8", "::1/128"], "IndexConfigs": {
                "docker.io": {"Secure": True}}}, "Plugins": {"Authorization": ["authz-broker"]}}
    for control_id in ("docker-live-restore", "docker-remote-logging", "docker-experimental-off",
                       "docker-log-level", "docker-insecure-registries", "docker-authorization-plugin"):
        assert judge(tmp_path, control_id, [], info=info).status == "pass", control_id


def _socket(path, mode, owner=(0, 0)):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    os.chmod(path, mode)
    os.chown(path, *owner)
    return server


@pytest.mark.parametrize("control_id,path,mode,owner,status", [
    ("docker-socket-mode", "run/docker.sock", 0o660, (0, 0), "pass"),
    ("docker-socket-mode", "run/docker.sock", 0o666, (0, 0), "fail"),
    ("docker-socket-mode", "run/docker.sock", 0o606, (0, 0), "fail"),   # docker-bench 3.16: 606 <= 660
    ("docker-socket-owner", "run/docker.sock", 0o660, (0, 995), "pass"),  # the docker group
    ("docker-socket-owner", "run/docker.sock", 0o660, (1000, 995), "fail"),
    ("docker-socket-owner", "run/docker.sock", 0o660, (0, 1000), "fail"),
    ("docker-containerd-socket-mode", "run/containerd/containerd.sock", 0o666, (0, 0), "fail"),
    ("docker-containerd-socket-owner", "run/containerd/containerd.sock", 0o660, (0, 0), "pass"),
    ("podman-socket-mode", "run/podman/podman.sock", 0o660, (0, 0), "pass"),
    ("podman-socket-owner", "run/podman/podman.sock", 0o660, (1000, 0), "fail"),
])
def test_engine_sockets(tmp_path, control_id, path, mode, owner, status):
    tree = {"etc/group": HARDENED["etc/group"] + "docker:x:995:\n", "run/containerd/containerd.sock": None}
    root = write_tree(tmp_path / "root", HARDENED, tree)
    server = _socket(os.path.join(root, path), mode, owner)
    try:
        ctx = AuditContext(root, live_mode=False, machine="x86_64")
        ctx.use_live_view(LiveEngine(by_id()[control_id].engine))
        outcome = by_id()[control_id].check(ctx)
    finally:
        server.close()
    assert outcome.status == status, outcome.evidence


def test_sockets_offline_are_not_applicable(audit_tree):
    results = audit_tree(HARDENED, {"run/docker.sock": Mode("", 0o666)})
    assert results["docker-socket-mode"]["status"] == "not_applicable"


@pytest.mark.parametrize("apparmor, status, why", [
    (("docker-default", "enforce"), "pass", None),
    (("docker-default", "complain"), "fail", "complain mode"),
    (None, "fail", "could not be read"),      # its processes were read, its label was not: no proof
])
def test_apparmor_mode_is_the_kernels_word_whenever_the_processes_were_read(tmp_path, apparmor, status, why):
    confined = recorded("docker-20.10-plain")
    confined["AppArmorProfile"] = "docker-default"
    kernel = KernelView(KERNEL.status, KERNEL.mounts, None, ["busybox"], apparmor=apparmor, processes=["init"])
    outcome = judge(tmp_path, "docker-containers-apparmor", [confined], kernel=kernel, tree=APPARMOR_TREE)
    assert outcome.status == status, outcome.evidence
    assert why is None or why in " ".join(outcome.evidence), outcome.evidence
