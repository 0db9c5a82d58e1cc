# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rootless users' own configuration, on fixture trees: who can run rootless, which files that
user's Podman and dockerd-rootless read (engines/rootless.py), and the per-user controls.

The chain for a rootless user is containers-common's systemConfigs(): 0.50.1
(Podman 4.3, Debian 12) ifRootlessConfigPath() and 0.62 (Podman 5.4, Debian 13)
userConfigPath() both add ~/.config/containers/containers.conf and its .d after
the system files; tests/engines/test_rootless_users_podman.py runs the real 4.3."""

import os
import shutil
import stat
import struct
import tempfile

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.userns import (
    file_capability_bits,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.policy.evaluation import (
    PolicyError, validate,
)
from hosttree import EXECUTABLE, HARDENED, Symlink, seccomp_profile, write_tree

PASSWD = HARDENED["etc/passwd"] + ("alice:x:1001:1001::/home/alice:/bin/bash\n"
                                   "bob:x:1002:1002::/home/bob:/bin/bash\n")
SUBIDS = HARDENED["etc/subuid"] + "alice:231072:65536\n"
ALICE = {"etc/passwd": PASSWD, "etc/subuid": SUBIDS, "etc/subgid": SUBIDS,
         "home/alice/.profile": "# alice\n", "etc/shadow": "root:$6$SECRETHASH:19000:0:99999:7:::\n"}
HOME_CONF = "home/alice/.config/containers/containers.conf"
HOME_D = "home/alice/.config/containers/containers.conf.d/"
UNCONFINED = '[containers]\nseccomp_profile = "unconfined"\n'
PODMAN_43 = {"var/lib/dpkg/status": "Package: podman\nStatus: install ok installed\nVersion: 4.3.1+ds1-8+deb12u1+b3\n"}
PODMAN_54 = {"var/lib/dpkg/status": "Package: podman\nStatus: install ok installed\nVersion: 5.4.2+ds1-2\n"}


@pytest.fixture
def audit(tmp_path):
    counter = iter(range(1000))

    def run(*layers, **kwargs):
        root = write_tree(tmp_path / ("root%d" % next(counter)), HARDENED, *layers)
        for path, mode in kwargs.get("special", {}).items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if mode == "fifo":
                os.mkfifo(full)
            else:
                with open(full, "wb") as handle:
                    handle.truncate(mode)
        report = run_audit(root, live=False, machine="x86_64", rootless_users=kwargs.get("users", ()))
        return {entry["id"]: entry for entry in report["controls"]}
    return run


def text(entry):
    return "\n".join(entry["evidence"])


def test_the_system_users_with_ranges_read_only_the_system_files(audit):
    found = audit()
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "pass"
    assert "user containers (uid 997)" in text(entry) and "user dockremap (uid 998)" in text(entry)


def test_no_rootless_capable_user_is_not_applicable(audit):
    found = audit({"etc/subuid": "", "etc/subgid": ""})
    for control in ("podman-rootless-seccomp-enabled", "podman-rootless-seccomp-no-32bit",
                    "podman-rootless-default-capabilities", "podman-rootless-not-privileged",
                    "docker-rootless-seccomp-enabled", "docker-rootless-no-new-privileges",
                    "host-rootless-subids", "host-rootless-prerequisites"):
        assert found[control]["status"] == "not_applicable", control


@pytest.mark.parametrize("dpkg", [PODMAN_43, PODMAN_54, {}])
@pytest.mark.parametrize("where", [HOME_CONF, HOME_D + "90-mine.conf"])
def test_a_users_own_file_switching_seccomp_off_fails_naming_user_and_file(audit, dpkg, where):
    found = audit(ALICE, dpkg, {where: UNCONFINED})
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "fail"
    assert "user alice (uid 1001)" in text(entry)
    assert "/" + where in text(entry)
    assert "fix remove [containers] seccomp_profile in /%s" % where in text(entry)
    assert found["podman-seccomp-enabled"]["status"] == "pass"   # the rootful engine is untouched


def test_a_later_user_file_undoes_an_earlier_one(audit):
    found = audit(ALICE, {HOME_CONF: UNCONFINED, HOME_D + "90-fix.conf": '[containers]\nseccomp_profile = ""\n'})
    assert found["podman-rootless-seccomp-enabled"]["status"] == "pass"


def test_xdg_config_home_from_the_login_environment_moves_the_user_files(audit):
    found = audit(ALICE, {"etc/environment": 'XDG_CONFIG_HOME="/srv/xdg"\n', HOME_CONF: UNCONFINED,
                          "srv/xdg/containers/containers.conf": UNCONFINED})
    assert "/srv/xdg/containers/containers.conf" in text(found["podman-rootless-seccomp-enabled"])


def test_containers_conf_replaces_the_whole_chain(audit):
    found = audit(ALICE, {"etc/environment": "CONTAINERS_CONF=/etc/only.conf\n", "etc/only.conf": "",
                          HOME_CONF: UNCONFINED})
    assert found["podman-rootless-seccomp-enabled"]["status"] == "pass"


def test_a_user_profile_that_keeps_the_32bit_abis_fails(audit):
    found = audit(ALICE, {HOME_CONF: '[containers]\nseccomp_profile = "/home/alice/.config/containers/seccomp.json"\n',
                          "home/alice/.config/containers/seccomp.json": seccomp_profile()})
    assert found["podman-rootless-seccomp-enabled"]["status"] == "pass"
    entry = found["podman-rootless-seccomp-no-32bit"]
    assert entry["status"] == "fail" and "seccomp.json" in text(entry)


def test_added_capabilities_and_privileged(audit):
    found = audit(ALICE, {HOME_CONF: '[containers]\ndefault_capabilities = ["CHOWN", "SYS_ADMIN"]\n'})
    entry = found["podman-rootless-default-capabilities"]
    assert entry["status"] == "fail" and "SYS_ADMIN" in text(entry) and "user alice" in text(entry)
    found = audit(ALICE, PODMAN_54, {HOME_CONF: "[containers]\nprivileged = true\n"})
    for control in ("podman-rootless-default-capabilities", "podman-rootless-not-privileged",
                    "podman-rootless-seccomp-enabled"):
        assert found[control]["status"] == "fail", control
    found = audit(ALICE, PODMAN_43, {HOME_CONF: "[containers]\nprivileged = true\n"})
    assert found["podman-rootless-not-privileged"]["status"] == "pass"   # 0.50 has no such key


def test_label_false_matters_only_where_selinux_runs(audit):
    found = audit(ALICE, {HOME_CONF: "[containers]\nlabel = false\n", "sys/fs/selinux/enforce": None})
    assert found["podman-rootless-selinux-label"]["status"] == "not_applicable"
    found = audit(ALICE, {HOME_CONF: "[containers]\nlabel = false\n", "sys/fs/selinux/enforce": "1"})
    assert found["podman-rootless-selinux-label"]["status"] == "fail"


# -- hostile homes -----------------------------------------------------------------------

def test_a_symlink_to_etc_shadow_is_never_read(audit):
    found = audit(ALICE, {HOME_CONF: Symlink("/etc/shadow")})
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "error"
    assert "user alice (uid 1001)" in text(entry) and "/" + HOME_CONF in text(entry)
    assert "SECRETHASH" not in text(entry)


def test_a_symlinked_config_directory_leaving_the_home_is_an_error(audit):
    found = audit(ALICE, {"home/alice/.config": Symlink("/etc"), "etc/containers/containers.conf": UNCONFINED})
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "error"
    assert "user alice (uid 1001): a symlink leads out of the home /home/alice (to /etc/containers/containers.conf)" \
        in text(entry)


def test_a_symlink_inside_the_home_is_followed(audit):
    found = audit(ALICE, {"home/alice/dotfiles/podman.conf": UNCONFINED, HOME_CONF: Symlink("../../dotfiles/podman.conf")})
    assert found["podman-rootless-seccomp-enabled"]["status"] == "fail"


def test_a_symlink_never_leaves_the_audited_root(audit):
    found = audit(ALICE, {HOME_CONF: Symlink("../../../../../../../../etc/passwd")})
    assert found["podman-rootless-seccomp-enabled"]["status"] == "error"


@pytest.mark.parametrize("special", ["fifo", 64 * 1024 * 1024])
def test_fifos_and_huge_files_are_errors(audit, special):
    found = audit(ALICE, special={HOME_D + "90-x.conf": special})
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "error" and "user alice" in text(entry) and HOME_D + "90-x.conf" in text(entry)


def test_a_named_profile_leaving_the_home_is_an_error(audit):
    found = audit(ALICE, {HOME_CONF: '[containers]\nseccomp_profile = "/home/alice/p.json"\n',
                          "home/alice/p.json": Symlink("/etc/shadow")})
    entry = found["podman-rootless-seccomp-no-32bit"]
    assert entry["status"] == "error" and "/home/alice/p.json" in text(entry)


def test_an_unreadable_home_is_an_error_naming_user_and_path():
    if os.geteuid() != 0:
        pytest.skip("needs root to drop to another uid")
    # the audit as an unprivileged uid cannot search alice's 0700 home
    parent = tempfile.mkdtemp(prefix="rootless-home-")
    os.chmod(parent, 0o755)
    root = write_tree(os.path.join(parent, "root"), HARDENED, ALICE, {HOME_CONF: UNCONFINED})
    os.chown(os.path.join(root, "home/alice"), 1001, 1001)
    os.chmod(os.path.join(root, "home/alice"), 0o700)
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(65534)
            os.setuid(65534)
            report = run_audit(root, live=False, machine="x86_64")
            entry = [e for e in report["controls"] if e["id"] == "podman-rootless-seccomp-enabled"][0]
            ok = entry["status"] == "error" and "user alice" in text(entry) and "/home/alice/.config" in text(entry)
        except Exception:  # pylint: disable=broad-except
            ok = False
        os._exit(0 if ok else 1)
    status = os.waitpid(pid, 0)[1]
    shutil.rmtree(parent)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


# -- who can run rootless -----------------------------------------------------------------

def test_the_policy_adds_users_and_names_unknown_ones(audit):
    found = audit(ALICE, {"home/bob/.config/containers/containers.conf": UNCONFINED}, users=("bob",))
    entry = found["podman-rootless-seccomp-enabled"]
    assert entry["status"] == "fail" and "user bob (uid 1002)" in text(entry)
    assert found["host-rootless-subids"]["status"] == "pass"   # bob has no range: single-id mapping
    found = audit(ALICE, users=("carol",))
    assert found["podman-rootless-seccomp-enabled"]["status"] == "error"
    assert "carol" in text(found["podman-rootless-seccomp-enabled"])


def test_policy_rootless_users_is_a_list_of_names():
    assert validate({"rootless_users": ["bob", "alice", "bob"]}, [])["rootless_users"] == ["alice", "bob"]
    with pytest.raises(PolicyError):
        validate({"rootless_users": "bob"}, [])


def test_a_range_given_by_uid_makes_the_user_rootless_capable(audit):
    found = audit(ALICE, {"etc/subuid": HARDENED["etc/subuid"] + "1002:300000:65536\n",
                          "etc/subgid": HARDENED["etc/subgid"] + "1002:300000:65536\n",
                          "home/bob/.config/containers/containers.conf": UNCONFINED})
    assert "user bob (uid 1002)" in text(found["podman-rootless-seccomp-enabled"])


def test_a_range_owner_is_a_uid_only_as_shadow_prints_it(audit):
    """shadow's find_range() compares a numeric owner with "%lu" of the uid: 01002 is no one, and a
    5000-digit owner is no one either (not a traceback)."""
    for owner in ("01002", "1" * 5000):
        found = audit(ALICE, {"etc/subuid": HARDENED["etc/subuid"] + "%s:300000:65536\n" % owner,
                              "etc/subgid": HARDENED["etc/subgid"] + "%s:300000:65536\n" % owner,
                              "home/bob/.config/containers/containers.conf": UNCONFINED})
        assert "user bob" not in text(found["podman-rootless-seccomp-enabled"]), owner[:10]


def test_overlapping_user_ranges_fail(audit):
    overlapping = SUBIDS + "bob:231100:65536\n"
    found = audit(ALICE, {"etc/subuid": overlapping, "etc/subgid": overlapping})
    entry = found["host-rootless-subids"]
    assert entry["status"] == "fail" and "overlaps" in text(entry)


# -- rootless Docker -----------------------------------------------------------------------

DOCKER_JSON = "home/alice/.config/docker/daemon.json"
DOCKER_26 = {"var/lib/dpkg/status": "Package: docker.io\nStatus: install ok installed\nVersion: 26.1.5+dfsg1-9+b9\n"}


def test_dockerd_rootless_reads_the_users_daemon_json(audit):
    found = audit(ALICE)
    assert found["docker-rootless-seccomp-enabled"]["status"] == "not_applicable"
    found = audit(ALICE, DOCKER_26, {DOCKER_JSON: {"seccomp-profile": "unconfined"}})
    entry = found["docker-rootless-seccomp-enabled"]
    assert entry["status"] == "fail" and "/" + DOCKER_JSON in text(entry)
    # dockerd 20.10 reads "unconfined" as a path: with the version unknown, it cannot be told
    assert audit(ALICE, {DOCKER_JSON: {"seccomp-profile": "unconfined"}})[
        "docker-rootless-seccomp-enabled"]["status"] == "error"
    assert found["docker-rootless-no-new-privileges"]["status"] == "fail"
    found = audit(ALICE, {"home/alice/.config/systemd/user/docker.service": "[Service]\nExecStart=dockerd-rootless.sh\n"})
    assert found["docker-rootless-seccomp-enabled"]["status"] == "pass"
    assert found["docker-rootless-no-new-privileges"]["status"] == "fail"
    found = audit(ALICE, {DOCKER_JSON: {"no-new-privileges": True}})
    assert found["docker-rootless-no-new-privileges"]["status"] == "pass"


def test_a_daemon_json_symlinked_out_of_the_home_is_an_error(audit):
    found = audit(ALICE, {DOCKER_JSON: Symlink("/etc/docker/daemon.json")})
    entry = found["docker-rootless-no-new-privileges"]
    assert entry["status"] == "error" and "user alice" in text(entry)


# -- what rootless needs from the host -----------------------------------------------------

def test_id_map_helpers_setuid_or_file_capability(audit, tmp_path):
    helpers = {"usr/bin/newuidmap": EXECUTABLE, "usr/bin/newgidmap": EXECUTABLE}
    found = audit(ALICE, helpers)
    entry = found["host-rootless-prerequisites"]
    assert entry["status"] == "fail" and "neither setuid nor cap_setuid=ep" in text(entry)


def test_file_capability_bits():
    v2 = struct.pack("<IIIII", 0x02000001, 1 << 7, 0, 0, 0)
    assert file_capability_bits(v2) == (1 << 7, True)
    assert file_capability_bits(b"") is None
    assert file_capability_bits(struct.pack("<III", 0x07000000, 0, 0)) is None


def test_a_setuid_root_helper_passes(tmp_path):
    root = write_tree(tmp_path / "setuid", HARDENED, ALICE, {"usr/bin/newuidmap": "x", "usr/bin/newgidmap": "x"})
    for name in ("newuidmap", "newgidmap"):
        os.chmod(os.path.join(root, "usr/bin", name), 0o4755 | stat.S_IFREG)
    report = run_audit(root, live=False, machine="x86_64")
    entry = [e for e in report["controls"] if e["id"] == "host-rootless-prerequisites"][0]
    if os.geteuid() != 0:
        pytest.skip("the files belong to the test's uid")
    assert entry["status"] == "pass", entry["evidence"]


# -- the rootful engine's own [containers] privileged -------------------------------------

def test_rootful_privileged_fails_seccomp_and_capabilities(audit):
    found = audit(PODMAN_54, {"etc/containers/containers.conf.d/90-late.conf": "[containers]\nprivileged = true\n"})
    for control_id in ("podman-seccomp-enabled", "podman-seccomp-no-32bit", "podman-default-capabilities"):
        assert found[control_id]["status"] == "fail", (control_id, found[control_id]["evidence"])
        assert "[containers] privileged = true (/etc/containers/containers.conf.d/90-late.conf)" in text(
            found[control_id])
    found = audit(PODMAN_43, {"etc/containers/containers.conf.d/90-late.conf": "[containers]\nprivileged = true\n"})
    assert found["podman-seccomp-enabled"]["status"] == "pass"   # 0.50 has no such key
