# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controls judged from the kernel's view of every container: the
host-containers-* rows (containers no engine reported), host-unreported-containers,
the engines' per-container controls on gVisor containers, the runtime agreement
and the policy's sandbox_required; on fixture /proc trees (proctree.py) with
recorded engine answers (inspect/*.json)."""

import copy
import json
import os

import pytest

from hosttree import HARDENED, write_tree
from proctree import ALL_CAPS, ProcTree, hex_id, CONTAINER_MOUNTS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import by_id
from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import kernel_containers, live
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, apply, validate,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.sandbox_rule import SandboxRule

INSPECT = os.path.join(os.path.dirname(__file__), "inspect")
A, B = hex_id("a"), hex_id("b")
ROOTLESS_MAP = "0 1000 1\n1 100000 65536\n"


def docker_doc(container_id, name, pid, runtime="runc"):
    with open(os.path.join(INSPECT, "docker-20.10-plain.json")) as handle:
        doc = json.load(handle)
    doc = copy.deepcopy(doc)
    doc.update(Id=container_id, Name="/" + name)
    doc["State"]["Pid"] = pid
    doc["HostConfig"]["Runtime"] = runtime
    return doc


@pytest.fixture
def host(tmp_path):
    """A hardened tree whose /proc holds root's Docker container A (reported by
    dockerd), a rootless Podman container, a ctr container and a runsc sandbox."""
    root = write_tree(tmp_path / "root", HARDENED)
    tree = ProcTree(root)
    tree.host_basics()
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    user = "0::/user.slice/user-1000.slice/user@1000.service/user.slice"
    tree.conmon(200, B, uid=1000, cgroup=user + "/libpod-conmon-%s.scope\n" % B)
    tree.container_init(201, 200, user + "/libpod-%s.scope/container\n" % B, uid=1000, uid_map=ROOTLESS_MAP,
                        new_ns=("pid", "net", "ipc", "uts", "mnt", "user"))
    tree.shim(300, "default", "web")
    tree.container_init(301, 300, "8:pids:/default/web\n0::/\n")
    tree.process(400, 50, "runsc", ["runsc", "do", "sleep", "60"])
    tree.runsc_sandbox(401, 400, "8:pids:/runsc-7\n0::/\n", "runsc-7", gofer_pid=402, gofer_ppid=400)
    return tree


def context(tree, docker_docs=(), info=None, rule=None):
    """An audit of the tree as if dockerd answered `docker_docs` and Podman ran nothing."""
    ctx = AuditContext(tree.root, live_mode=False, machine="x86_64", sandbox_required=rule)
    scan = kernel_containers.read(tree.proc, euid=0)
    ctx.use_live_view(live.LiveEngine("docker", info=info or {},
                                      containers=live._containers(ctx.host, list(docker_docs), "docker", scan)))
    ctx.use_live_view(live.LiveEngine("podman"))
    return ctx


def run(ctx, control_id):
    return by_id()[control_id].check(ctx)


def test_unreported_containers_are_named_with_cgroup_and_command(host):
    outcome = run(context(host, [docker_doc(A, "web-a", 101)]), "host-unreported-containers")
    assert outcome.status == "fail"
    text = "\n".join(outcome.evidence)
    assert "3 container(s) no running engine reported (engines asked: docker, podman)" in text
    assert "uid 1000's rootless Podman container %s: init pid 201 `/bin/busybox sleep 600`" % B[:12] in text
    assert "root's containerd (namespace default) container web: init pid 301" in text and "cgroup /default/web" in text
    assert "root's runsc container runsc-7: init pid 401 `runsc-sandbox" in text
    assert A[:12] not in text  # dockerd reported it


def test_every_container_reported_passes(tmp_path):
    tree = ProcTree(write_tree(tmp_path / "root", HARDENED))
    tree.host_basics()
    tree.shim(100, "moby", A)
    tree.container_init(101, 100, "0::/system.slice/docker-%s.scope\n" % A)
    outcome = run(context(tree, [docker_doc(A, "web-a", 101)]), "host-unreported-containers")
    assert (outcome.status, outcome.evidence) == ("pass", [
        "the kernel shows 1 container(s), every one reported by a running engine (engines asked: docker, podman)"])
    assert run(context(tree, [docker_doc(A, "web-a", 101)]), "host-containers-seccomp").status == "not_applicable"


def test_unreported_containers_are_judged_from_the_kernel(host):
    """ctr runs as host root (identity uid_map); the rootless container maps root to
    the user; gVisor's sandbox is judged as a sandbox (no host /proc/sys in it)."""
    ctx = context(host, [docker_doc(A, "web-a", 101)])
    userns = run(ctx, "host-containers-userns")
    assert userns.status == "fail"
    assert userns.evidence[0] == "root's containerd (namespace default) container web: its root is host root " \
                                 "(uid_map 0 0 4294967295)"
    assert len([e for e in userns.evidence if "container" in e and "root is host root" in e]) == 1
    for control_id in ("host-containers-seccomp", "host-containers-kernel-fs", "host-containers-no-new-privileges",
                       "host-containers-capabilities", "host-containers-host-namespaces"):
        outcome = run(ctx, control_id)
        assert outcome.status == "pass", (control_id, outcome.evidence)
        assert "3 container(s) no running engine reported, all compliant" in outcome.evidence[0]


@pytest.mark.parametrize("control_id, change, expected", [
    ("host-containers-seccomp", dict(seccomp="0", filters="0"), "its init process runs with Seccomp: 0"),
    ("host-containers-no-new-privileges", dict(nnp="0"), "its init process has NoNewPrivs: 0"),
    ("host-containers-kernel-fs", dict(mountinfo=CONTAINER_MOUNTS.replace("/proc/sys ro,", "/proc/sys rw,")),
     "/proc/sys not mounted read-only"),
    ("host-containers-capabilities", dict(cap_eff=ALL_CAPS),
     "SYS_ADMIN"),
])
def test_a_rootless_container_breaking_a_layer_fails_naming_it(host, control_id, change, expected):
    user = "0::/user.slice/user-1000.slice/user@1000.service/user.slice"
    host.container_init(201, 200, user + "/libpod-%s.scope/container\n" % B, uid=1000, uid_map=ROOTLESS_MAP,
                        new_ns=("pid", "net", "ipc", "uts", "mnt", "user"), **change)
    outcome = run(context(host, [docker_doc(A, "web-a", 101)]), control_id)
    assert outcome.status == "fail"
    assert outcome.evidence[0].startswith("uid 1000's rootless Podman container %s: " % B[:12])
    assert expected in outcome.evidence[0]
    if control_id == "host-containers-capabilities":
        assert "capabilities of its own user namespace: 0 1000 1; 1 100000 65536" in outcome.evidence[0]


def test_a_second_process_without_seccomp_is_found(host):
    host.process(302, 301, "sh", ["sh", "-c", "x"], cgroup="8:pids:/default/web\n0::/\n", seccomp="0", nnp="1")
    outcome = run(context(host, [docker_doc(A, "web-a", 101)]), "host-containers-seccomp")
    assert outcome.evidence[0] == "root's containerd (namespace default) container web: pid 302 (sh) runs with " \
                                  "Seccomp: 0"


def test_host_network_of_a_ctr_container(host):
    host.container_init(301, 300, "8:pids:/default/web\n0::/\n", new_ns=("pid", "ipc", "uts", "mnt"))
    outcome = run(context(host, [docker_doc(A, "web-a", 101)]), "host-containers-host-namespaces")
    assert outcome.status == "fail"
    assert outcome.evidence[0] == ("root's containerd (namespace default) container web: shares the host network "
                                   "(net:[4026531840]) namespace with PID 1")


def test_no_pass_when_proc_hides_processes(tmp_path):
    tree = ProcTree(write_tree(tmp_path / "root", HARDENED), proc_mount_options="rw,hidepid=2")
    tree.host_basics()
    ctx = context(tree)
    ctx.answers.keep("kernel_containers", (), kernel_containers.read(tree.proc, euid=1000))
    outcome = run(ctx, "host-containers-seccomp")
    assert outcome.status == "error" and "hidepid=2" in outcome.evidence[0]
    assert run(ctx, "host-unreported-containers").status == "error"


def test_offline_the_kernel_controls_are_not_applicable(tmp_path):
    ctx = AuditContext(write_tree(tmp_path / "root", HARDENED), live_mode=False, machine="x86_64")
    for control_id in ("host-unreported-containers", "host-containers-seccomp"):
        outcome = run(ctx, control_id)
        assert outcome.status == "not_applicable" and "live checks need the audited root to be /" in outcome.evidence[0]


# Engine-reported gVisor containers ----------------------------------------------------------

@pytest.fixture
def runsc_docker(tmp_path):
    tree = ProcTree(write_tree(tmp_path / "root", HARDENED))
    tree.host_basics()
    tree.shim(100, "moby", A)
    tree.runsc_sandbox(110, 100, "8:pids:/docker/%s\n0::/\n" % A, A, gofer_pid=105, stub_pids=(111,))
    tree.shim(200, "moby", B)
    tree.container_init(201, 200, "8:pids:/docker/%s\n0::/\n" % B)
    return tree


RUNTIMES = {"runc": {"path": "runc"}, "runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--network=none"]},
            "fake": {"path": "/usr/bin/runc"}}


def test_a_gvisor_container_is_judged_as_a_sandbox(runsc_docker):
    """Before the kernel view, containers-kernel-fs said "/sys and /proc/sys not
    mounted read-only" for the sandbox's empty tmpfs root, and containers-host-pid
    took runsc-sandbox's host PID namespace for the container's."""
    docs = [docker_doc(A, "boxed", 110, runtime="runsc"), docker_doc(B, "plain", 201)]
    ctx = context(runsc_docker, docs, info={"Runtimes": RUNTIMES})
    for control_id in ("docker-containers-kernel-fs", "docker-containers-host-pid", "docker-containers-seccomp",
                       "docker-containers-no-new-privileges", "docker-containers-runtime"):
        outcome = run(ctx, control_id)
        assert outcome.status == "pass", (control_id, outcome.evidence)
    boxed = [c for c in ctx.live("docker").containers if c.name == "boxed"][0]
    assert boxed.sandbox == "gVisor" and boxed.pid == 110 and boxed.kernel.processes[0].program == "runsc-sandbox"


def test_a_runtime_named_runsc_that_is_runc_fails(runsc_docker):
    docs = [docker_doc(A, "boxed", 110, runtime="runsc"), docker_doc(B, "fake-box", 201, runtime="runsc")]
    outcome = run(context(runsc_docker, docs, info={"Runtimes": dict(RUNTIMES, runsc={"path": "/usr/bin/runc"})}),
                  "docker-containers-runtime")
    assert outcome.status == "fail"
    assert outcome.evidence == ["fake-box (%s): runtime runsc (/usr/bin/runc), but the kernel shows its init on the "
                                "host kernel (pid 201 `/bin/busybox sleep 600`): it is not sandboxed" % B[:12]]


def test_a_sandbox_the_engine_does_not_name_is_a_disagreement(runsc_docker):
    docs = [docker_doc(A, "boxed", 110, runtime="fake")]
    outcome = run(context(runsc_docker, docs, info={"Runtimes": RUNTIMES}), "docker-containers-runtime")
    assert outcome.status == "fail" and "runtime fake (/usr/bin/runc), but the kernel shows a gVisor sandbox" in \
        outcome.evidence[0]


def test_policy_requires_the_sandbox_for_selected_containers(runsc_docker):
    docs = [docker_doc(A, "untrusted-boxed", 110, runtime="runsc"), docker_doc(B, "untrusted-plain", 201),
            docker_doc(hex_id("z"), "trusted", 0)]
    docs[2]["Config"]["Labels"] = {"tier": "untrusted"}
    rule = SandboxRule(names=["untrusted-*"], labels=[("tier", "untrusted")])
    outcome = run(context(runsc_docker, docs, info={"Runtimes": RUNTIMES}, rule=rule),
                  "docker-containers-sandbox-required")
    assert outcome.status == "fail"
    assert outcome.evidence == [
        "untrusted-plain (%s): selected by the policy's sandbox_required (name untrusted-plain matches untrusted-*), "
        "but runs without the gVisor sandbox (runtime runc)" % B[:12],
        "trusted (%s): selected by the policy's sandbox_required (label tier=untrusted), but runs without the gVisor "
        "sandbox (runtime runc; its processes could not be read)" % hex_id("z")[:12]]
    assert run(context(runsc_docker, docs[:1], rule=rule), "docker-containers-sandbox-required").status == "pass"
    assert run(context(runsc_docker, docs), "docker-containers-sandbox-required").status == "not_applicable"


def test_policy_selects_an_unreported_container_by_id(host):
    outcome = run(context(host, [docker_doc(A, "web-a", 101)], rule=SandboxRule(names=["web", "runsc-*"])),
                  "host-containers-sandbox-required")
    assert outcome.status == "fail"
    assert outcome.evidence[0] == ("root's containerd (namespace default) container web: selected by the policy's "
                                   "sandbox_required (name web matches web), but runs without the gVisor sandbox")
    assert not any("runsc-7" in line for line in outcome.evidence)


# The policy key -------------------------------------------------------------------------------

def test_sandbox_required_in_the_policy():
    ids = list(by_id())
    policy = validate({"sandbox_required": {"names": ["ci-*"], "labels": ["untrusted", "tier=dmz"]}}, ids)
    rule = policy["sandbox_required"]
    assert rule.selects("ci-1") == "name ci-1 matches ci-*"
    assert rule.selects("web", {"untrusted": ""}) == "label untrusted"
    assert rule.selects("web", {"tier": "dmz"}) == "label tier=dmz" and rule.selects("web", {"tier": "x"}) is None
    report = {"controls": []}
    apply(report, policy)
    assert report["policy"]["sandbox_required"] == {"names": ["ci-*"], "labels": ["untrusted", "tier=dmz"]}
    assert not validate({}, ids)["sandbox_required"]


@pytest.mark.parametrize("value, message", [
    (["ci-*"], "sandbox_required must be a mapping"),
    ({"name": ["x"]}, "unknown key(s) name"),
    ({"names": "ci-*"}, "names must be a list of strings"),
    ({"labels": [""]}, "labels item 1 ('') must be a non-empty string"),
    ({"labels": ["=x"]}, "labels item '=x' has no key"),
    ({"names": [3]}, "names item 1 (3) must be a non-empty string"),
])
def test_sandbox_required_is_validated_strictly(value, message):
    with pytest.raises(PolicyError) as caught:
        validate({"sandbox_required": value}, list(by_id()), source="p.yml")
    assert "p.yml: sandbox_required" in str(caught.value) and message in str(caught.value)
