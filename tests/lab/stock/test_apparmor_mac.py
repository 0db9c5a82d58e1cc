# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppArmor as the MAC layer (policy `mac: apparmor`) on the stock Debian 13
guest (AppArmor 4.1, Linux 6.12, AppArmor its major LSM before the selinux
layer switches it).

With a Docker and a Podman container running, stockade-audit (this checkout's
engine, copied into the guest) passes host-apparmor-enabled, both engines'
default profiles in enforce mode and Podman's per-container row; a Docker
container started beside them with `apparmor=unconfined` fails
docker-containers-apparmor, named (and the confined one is not). The selinux
role with `stockade_mac: apparmor`, run in check mode, changes nothing on
the stock guest (apparmor installed and running, no Podman drop-in needed). From the inside: in a container with
CAP_SYS_ADMIN, `mount -t tmpfs` is refused under docker-default (its `deny
mount,` rule) with EACCES, the LSM's answer (a missing capability or seccomp
gives EPERM), and succeeds under apparmor=unconfined, all else equal. The
kernel logs no `apparmor="DENIED"` line for it: an explicit `deny` rule is
quiet (not audited) in AppArmor, and every rule of docker-default that
denies is one (seen on the guest: auditd running, no AppArmor line in its
log or in dmesg).

Every container it starts is removed; it changes nothing else on the guest
(Podman loading its containers-default profile into the kernel is undone by
the reboot into SELinux later). About a minute and a half under TCG."""

import base64
import io
import json
import os
import tarfile

import pytest

from conftest import BUSYBOX_IMAGE as IMAGE, DOCKER_BUSYBOX, REPO

pytestmark = pytest.mark.lab_suites("trixie")

ENGINE_DIR = "/tmp/stockade-aa"
CONFINED, UNCONFINED, PODMAN = "aa-confined", "aa-unconfined", "aa-podman"
PODMAN_BUSYBOX = ("podman image exists localhost/stockade/busybox:latest || "
                  "podman import /opt/stockade/busybox-rootfs.tar stockade/busybox:latest >/dev/null")
POLICY = {"mac": "apparmor", "layers": ["selinux"]}
AUDIT = "python3 %s/bin/stockade-audit --format json --layer selinux --policy %s/policy.json" % (
    ENGINE_DIR, ENGINE_DIR)
MOUNT = "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted"


def _engine_tarball():
    """bin/stockade-audit and the posture engine, as a base64 tar for the guest."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(os.path.join(REPO, "bin", "stockade-audit"), arcname="bin/stockade-audit")
        tar.add(os.path.join(REPO, "plugins", "module_utils", "posture"), arcname="plugins/module_utils/posture",
                filter=lambda info: None if "__pycache__" in info.name else info)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def engine_in_guest(guest):
    guest("mkdir -p %s && cd %s && base64 -d | tar xz && echo '%s' > policy.json"
          % (ENGINE_DIR, ENGINE_DIR, json.dumps(POLICY)), stdin=_engine_tarball())
    try:
        yield
    finally:
        guest("rm -rf %s" % ENGINE_DIR, check=False)


@pytest.fixture
def containers(guest_batch, guest):
    try:
        made = guest_batch({
            "docker image": DOCKER_BUSYBOX,
            "podman image": PODMAN_BUSYBOX,
            "confined": "docker run -d --name %s --network none %s sleep 600" % (CONFINED, IMAGE),
            "podman": "podman run -d --name %s --network none stockade/busybox:latest sleep 600" % PODMAN,
            "unconfined": "docker run -d --name %s --network none --security-opt apparmor=unconfined %s sleep 600"
                          % (UNCONFINED, IMAGE),
        })
        assert all(code == 0 for code, _out, _err in made.values()), made
        yield
    finally:
        guest("docker rm -f %s %s; podman rm -f -t 0 %s" % (CONFINED, UNCONFINED, PODMAN), check=False)


def _audit(guest):
    done = guest(AUDIT, check=False)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    return report, {entry["id"]: entry for entry in report["controls"]}


@pytest.mark.usefixtures("engine_in_guest", "containers")
def test_apparmor_meets_the_mac_layer(guest, guest_batch):
    facts = guest_batch({
        "lsm": "cat /sys/kernel/security/lsm",
        "profiles": "cat /sys/kernel/security/apparmor/profiles",
        "docker label": "cat /proc/$(docker inspect -f '{{.State.Pid}}' %s)/attr/apparmor/current" % CONFINED,
        "podman label": "cat /proc/$(podman inspect -f '{{.State.Pid}}' %s)/attr/apparmor/current" % PODMAN,
    })
    assert ",apparmor" in facts["lsm"][1], facts
    assert "docker-default (enforce)" in facts["profiles"][1], facts
    assert facts["docker label"][1].strip() == "docker-default (enforce)", facts
    assert facts["podman label"][1].strip().startswith("containers-default-"), facts

    # one audit: the confined containers pass, the apparmor=unconfined one fails, named
    report, controls = _audit(guest)
    for control_id in ("host-apparmor-enabled", "docker-apparmor-profile", "podman-apparmor-profile",
                       "podman-containers-apparmor"):
        assert controls[control_id]["status"] == "pass", (control_id, controls[control_id])
        assert controls[control_id]["required"], control_id
    entry = controls["docker-containers-apparmor"]
    assert entry["status"] == "fail" and entry["required"], entry
    assert any(UNCONFINED in line for line in entry["evidence"]), entry
    assert not any(CONFINED + " " in line for line in entry["evidence"]), entry
    assert report["summary"]["failed_required"] == ["docker-containers-apparmor"], report["summary"]
    assert report["summary"]["mac"]["name"] == "AppArmor", report["summary"]["mac"]
    assert report["summary"]["mac"]["status"] == "pass", report["summary"]["mac"]
    # SELinux is not running here: its controls fail, and the AppArmor policy makes them advisory
    assert controls["host-selinux-enforcing"]["status"] == "fail"
    assert controls["host-selinux-enforcing"]["required"] is False
    assert controls["host-selinux-enforcing"]["not_required"] == "the policy's MAC is AppArmor"

    # from the inside: docker-default denies a tmpfs mount that CAP_SYS_ADMIN alone would allow
    inside = guest_batch({
        "confined": "docker run --rm --network none --cap-add SYS_ADMIN %s sh -c '%s'" % (IMAGE, MOUNT),
        "unconfined": "docker run --rm --network none --cap-add SYS_ADMIN --security-opt apparmor=unconfined %s "
                      "sh -c '%s'" % (IMAGE, MOUNT),
    })
    code, out, err = inside["confined"]
    # EACCES is the LSM's answer; a missing capability or seccomp would give EPERM ("Operation not permitted")
    assert code != 0 and "mounted" not in out and "Permission denied" in err, inside
    code, out, err = inside["unconfined"]
    assert code == 0 and "mounted" in out, inside


def test_selinux_role_in_apparmor_mode_changes_nothing_on_the_stock_guest(play_role):
    done = play_role("selinux", {"stockade_mac": "apparmor"}, extra_args=["--check", "--diff"],
                     name="The MAC layer kept as AppArmor", timeout=1200)
    assert done.returncode == 0, done.stdout
    assert "changed=0" in done.stdout and "failed=0" in done.stdout, done.stdout
    tasks = _task_results(done.stdout)
    for task in ("Install AppArmor's user space", "Enable and start apparmor.service"):
        ran = [result for name, result in tasks.items() if task in name]
        assert ran and ran[0].startswith("ok:"), (task, ran, done.stdout)
    # nothing of SELinux ran but its read-only probe: no policy modules, no boot parameters, no mode change
    for name, result in tasks.items():
        what = name.split(" : ", 1)[-1].split("|")[0]
        if ("semodule" in what or "SELinux" in what) and "AppArmor" not in what \
                and not what.startswith(("Read ", "Validating arguments")):
            assert not result.startswith(("ok:", "changed:")), (name, result)


def _task_results(output):
    """{task header: first result line under it} of ansible-playbook's default output."""
    results, name = {}, None
    for line in output.splitlines():
        if line.startswith("TASK ["):
            name = line
        elif name and line.startswith(("ok:", "changed:", "skipping:", "fatal:")) and name not in results:
            results[name] = line
    return results
