# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every control in its pass, fail and error states, on host trees.

The hardened tree passes every offline control; each FAIL case changes one
thing and that control must fail; each ERROR case breaks one input and the
controls that read it must report error naming the file, never pass."""

import pytest

from hosttree import EXECUTABLE, HARDENED, STOCK, Symlink, daemon_json, grub_cfg, seccomp_profile
from test_controls_cis import ABSENT_FROM_HARDENED, CIS_ERROR_CASES, CIS_FAIL_CASES, CIS_NO_ERROR_CASE
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls

OFFLINE_CONTROLS = sorted(c.id for c in all_controls() if not c.live)
# Podman and CRI-O have no engine-wide no_new_privs switch: always not_applicable.
NO_SWITCH = {"podman-no-new-privileges", "crio-no-new-privileges"}
# The hardened tree runs SELinux: AppArmor's controls do not apply (AppArmor is not an active LSM).
APPARMOR_ONLY = {"host-apparmor-enabled", "docker-apparmor-profile", "podman-apparmor-profile"}
PROFILE = "etc/stockade/seccomp/no-compat.json"
PODMAN_LATE = "etc/containers/containers.conf.d/90-late.conf"
CRIO_LATE = "etc/crio/crio.conf.d/90-late.conf"
# The hardened tree's rootless-capable users are the system users holding the engines' ranges
# (dockremap, containers: home /, so they read only the system files). Alice is a login user
# with her own ranges and files; DOCKERD_ROOTLESS sets up her dockerd-rootless as hardened.
ALICE = {"etc/passwd": HARDENED["etc/passwd"] + "alice:x:1001:1001::/home/alice:/bin/bash\n",
         "etc/subuid": HARDENED["etc/subuid"] + "alice:231072:65536\n",
         "etc/subgid": HARDENED["etc/subgid"] + "alice:231072:65536\n",
         "home/alice/.config/.keep": ""}
ALICE_PODMAN = "home/alice/.config/containers/containers.conf"
ALICE_DOCKER = "home/alice/.config/docker/daemon.json"
DOCKERD_ROOTLESS = dict(ALICE, **{ALICE_DOCKER: {"no-new-privileges": True, "seccomp-profile": "/" + PROFILE}})
# No user of the hardened tree runs dockerd-rootless: not applicable there, pass with DOCKERD_ROOTLESS.
ROOTLESS_DOCKER = {"docker-rootless-seccomp-enabled", "docker-rootless-seccomp-no-32bit",
                   "docker-rootless-no-new-privileges"}
# The hardened tree runs SELinux: AppArmor's userns restriction does not exist there.
APPARMOR_USERNS = {"host-apparmor-userns-profiles"}
RESTRICTED = {"proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1\n"}   # AppArmor runs and restricts


daemon = daemon_json


def sysctl(name, value):
    return {"proc/sys/" + name: value + "\n"}


# A host whose major LSM is AppArmor, with Docker's and Podman's profiles loaded in enforce mode.
AA_PROFILES = "sys/kernel/security/apparmor/profiles"
APPARMOR_HOST = {"sys/kernel/security/lsm": "lockdown,capability,landlock,yama,apparmor",
                 "sys/module/apparmor/parameters/enabled": "Y\n",
                 AA_PROFILES: "docker-default (enforce)\ncontainers-default-0.50.1 (enforce)\n"}

FAIL_CASES = {
    "host-apparmor-enabled": dict(APPARMOR_HOST, **{"sys/module/apparmor/parameters/enabled": "N\n"}),
    "docker-apparmor-profile": dict(APPARMOR_HOST, **{
        AA_PROFILES: "docker-default (complain)\ncontainers-default-0.50.1 (enforce)\n"}),
    "podman-apparmor-profile": dict(APPARMOR_HOST, **{
        AA_PROFILES: "docker-default (enforce)\ncontainers-default-0.50.1 (complain)\n"}),
    "docker-seccomp-enabled": dict(daemon(seccomp_profile="/etc/stockade/log.json"),
                                   **{"etc/stockade/log.json": seccomp_profile(default_action="SCMP_ACT_LOG")}),
    "docker-seccomp-no-32bit": daemon(seccomp_profile=None),
    "podman-seccomp-enabled": {PODMAN_LATE: '[containers]\nseccomp_profile = "unconfined"\n'},
    "podman-seccomp-no-32bit": {PODMAN_LATE: '[containers]\nseccomp_profile = '
                                             '"/usr/share/containers/seccomp.json"\n'},
    "crio-seccomp-enabled": {CRIO_LATE: '[crio.runtime]\nseccomp_profile = "unconfined"\n'},
    "crio-seccomp-no-32bit": {CRIO_LATE: '[crio.runtime]\nseccomp_profile = ""\n'},
    "podman-read-only-rootfs": {PODMAN_LATE: "[containers]\nread_only = false\n"},
    "crio-read-only-rootfs": {CRIO_LATE: "[crio.runtime]\nread_only = false\n"},
    "podman-default-capabilities": {PODMAN_LATE: '[containers]\ndefault_capabilities = '
                                                 '["CHOWN", "SYS_ADMIN"]\n'},
    "crio-default-capabilities": {CRIO_LATE: '[crio.runtime]\ndefault_capabilities = '
                                             '["CHOWN", "NET_RAW"]\n'},
    "host-selinux-enforcing": {"sys/fs/selinux/enforce": "0"},
    "host-selinux-container-policy": {"var/lib/selinux/default/active/modules/200/container/cil": None},
    "host-selinux-container-booleans": {"sys/fs/selinux/booleans/container_use_devices": "1 1"},
    "docker-selinux-enabled": daemon(selinux_enabled=False),
    "podman-selinux-label": {PODMAN_LATE: "[containers]\nlabel = false\n"},
    "podman-not-privileged": {PODMAN_LATE: "[containers]\nprivileged = true\n"},
    "crio-selinux-enabled": {CRIO_LATE: "[crio.runtime]\nselinux = false\n"},
    "docker-no-new-privileges": daemon(no_new_privileges=False),
    "docker-icc-disabled": daemon(icc=True),
    "docker-userland-proxy-disabled": daemon(userland_proxy=None),
    "docker-cgroupns-private": daemon(default_cgroupns_mode="host"),
    "podman-namespaces-private": {PODMAN_LATE: '[containers]\npidns = "host"\n'},
    "docker-userns-remap": daemon(userns_remap=None),
    "docker-userns-subids": {"etc/subuid": "dockremap:100000:65536\ncontainers:150000:65536\n"},
    "podman-userns-subids": {"etc/subgid": "dockremap:100000:65536\n"},
    "podman-userns-auto": {PODMAN_LATE: '[containers]\nuserns = "host"\n'},
    "host-max-user-namespaces": sysctl("user/max_user_namespaces", "0"),
    "docker-vm-runtime": daemon(runtimes=None),
    "podman-vm-runtime": {"usr/bin/kata-runtime": None},
    "crio-vm-runtime": {"etc/crio/crio.conf": '[crio.runtime]\nseccomp_profile = "/%s"\n'
                                              'selinux = true\nread_only = true\n' % PROFILE},
    "host-sysctl-ptrace-scope": sysctl("kernel/yama/ptrace_scope", "0"),
    "host-sysctl-kptr-restrict": sysctl("kernel/kptr_restrict", "1"),
    "host-sysctl-dmesg-restrict": sysctl("kernel/dmesg_restrict", "0"),
    "host-sysctl-perf-event-paranoid": sysctl("kernel/perf_event_paranoid", "1"),
    "host-sysctl-protected-symlinks": sysctl("fs/protected_symlinks", "0"),
    "host-sysctl-protected-hardlinks": sysctl("fs/protected_hardlinks", "0"),
    "host-sysctl-protected-fifos": sysctl("fs/protected_fifos", "1"),
    "host-sysctl-protected-regular": sysctl("fs/protected_regular", "1"),
    "host-sysctl-suid-dumpable": sysctl("fs/suid_dumpable", "2"),
    "host-ip-forward-kept": sysctl("net/ipv4/ip_forward", "0"),
    "host-ia32-emulation-off": {"proc/cmdline": "root=/dev/vda1 security=selinux vsyscall=none\n",
                                "boot/grub/grub.cfg": grub_cfg("security=selinux vsyscall=none"),
                                "etc/default/grub": 'GRUB_CMDLINE_LINUX="security=selinux vsyscall=none"\n'},
    "host-vsyscall-none": {"proc/cmdline": "root=/dev/vda1 security=selinux ia32_emulation=0\n"},
    "podman-rootless-seccomp-enabled": dict(ALICE, **{ALICE_PODMAN: '[containers]\nseccomp_profile = "unconfined"\n'}),
    "podman-rootless-seccomp-no-32bit": dict(ALICE, **{ALICE_PODMAN: '[containers]\nseccomp_profile = '
                                                                     '"/usr/share/containers/seccomp.json"\n'}),
    "podman-rootless-default-capabilities": dict(ALICE, **{ALICE_PODMAN: '[containers]\ndefault_capabilities = '
                                                                         '["CHOWN", "SYS_ADMIN"]\n'}),
    "podman-rootless-selinux-label": dict(ALICE, **{ALICE_PODMAN: "[containers]\nlabel = false\n"}),
    "podman-rootless-not-privileged": dict(ALICE, **{ALICE_PODMAN: "[containers]\nprivileged = true\n"}),
    "docker-rootless-seccomp-enabled": dict(DOCKERD_ROOTLESS, **{
        ALICE_DOCKER: {"no-new-privileges": True, "seccomp-profile": "/etc/stockade/log.json"},
        "etc/stockade/log.json": seccomp_profile(default_action="SCMP_ACT_LOG")}),
    "docker-rootless-seccomp-no-32bit": dict(DOCKERD_ROOTLESS, **{ALICE_DOCKER: {"no-new-privileges": True}}),
    "docker-rootless-no-new-privileges": dict(DOCKERD_ROOTLESS, **{ALICE_DOCKER: {"seccomp-profile": "/" + PROFILE}}),
    "host-rootless-subids": dict(ALICE, **{"etc/subgid": HARDENED["etc/subgid"]}),   # alice: subuid only
    "host-rootless-prerequisites": {"usr/bin/newgidmap": EXECUTABLE},   # neither setuid nor cap_setgid=ep
    "host-apparmor-userns-profiles": RESTRICTED,    # /usr/bin/podman has no profile granting userns
}

# A change that breaks one control may break these others too, and only these.
COUPLED = {
    "docker-seccomp-enabled": {"docker-seccomp-no-32bit"},   # unconfined allows every ABI
    "podman-seccomp-enabled": {"podman-seccomp-no-32bit", "podman-rootless-seccomp-enabled",
                               "podman-rootless-seccomp-no-32bit"},
    "crio-seccomp-enabled": {"crio-seccomp-no-32bit"},
    "docker-userns-subids": {"podman-userns-subids", "host-rootless-subids"},   # one overlap, two owners
    "podman-vm-runtime": {"crio-vm-runtime"},                # both use the kata binary
    # The system containers.conf is the start of every rootless user's chain (the hardened tree's
    # dockremap and containers), so a system setting weakens their containers too.
    "podman-seccomp-no-32bit": {"podman-rootless-seccomp-no-32bit"},
    "podman-default-capabilities": {"podman-rootless-default-capabilities"},
    "podman-selinux-label": {"podman-rootless-selinux-label"},
    # containers holds a subuid range and no subgid range: its rootless containers cannot start either
    "podman-userns-subids": {"host-rootless-subids"},
    # rootless engines need user namespaces
    "host-max-user-namespaces": {"host-rootless-prerequisites"},
    "podman-rootless-seccomp-enabled": {"podman-rootless-seccomp-no-32bit"},
    "docker-rootless-seccomp-enabled": {"docker-rootless-seccomp-no-32bit"},
    # privileged undoes seccomp, capabilities and SELinux too
    "podman-not-privileged": {"podman-seccomp-enabled", "podman-seccomp-no-32bit", "podman-default-capabilities",
                              "podman-selinux-label", "podman-rootless-not-privileged",
                              "podman-rootless-seccomp-enabled", "podman-rootless-seccomp-no-32bit",
                              "podman-rootless-default-capabilities", "podman-rootless-selinux-label"},
    "podman-rootless-not-privileged": {"podman-rootless-seccomp-enabled", "podman-rootless-seccomp-no-32bit",
                                       "podman-rootless-default-capabilities", "podman-rootless-selinux-label"},
}

DAEMON_JSON = "/etc/docker/daemon.json"
DOCKER_CONFIG_CONTROLS = ("docker-no-new-privileges", "docker-icc-disabled", "docker-userns-remap",
                          "docker-seccomp-enabled", "docker-selinux-enabled")
SYSCTL_CONTROLS = ("host-sysctl-ptrace-scope", "host-sysctl-suid-dumpable")

# (case name, broken input, controls that must report error, text the evidence must contain)
ERROR_CASES = [
    ("apparmor profiles listing cut mid-line",
     dict(APPARMOR_HOST, **{AA_PROFILES: "docker-default (enforce)\ncontainers-def"}),
     ("host-apparmor-enabled", "docker-apparmor-profile", "podman-apparmor-profile"),
     "/sys/kernel/security/apparmor/profiles: does not end with a newline"),
    ("daemon.json truncated", {"etc/docker/daemon.json": '{"icc": false,'},
     DOCKER_CONFIG_CONTROLS, DAEMON_JSON),
    ("daemon.json is a list", {"etc/docker/daemon.json": "[]"}, DOCKER_CONFIG_CONTROLS,
     "into Go value of type map"),
    ("daemon.json not UTF-8", {"etc/docker/daemon.json": b'{"icc": \xff}'}, DOCKER_CONFIG_CONTROLS,
     "refuses to start with it"),
    ("daemon.json is a directory", {"etc/docker/daemon.json": None, "etc/docker/daemon.json/x": "1"},
     DOCKER_CONFIG_CONTROLS, "is a directory"),
    ("daemon.json symlink loop", {"etc/docker/daemon.json": Symlink("daemon.json")},
     DOCKER_CONFIG_CONTROLS, "symbolic links"),
    ("daemon.json bool as string", daemon(no_new_privileges="true"), DOCKER_CONFIG_CONTROLS,
     "cannot unmarshal string into Go struct field Config.no-new-privileges of type bool"),
    ("daemon.json runtimes not an object", daemon(runtimes="kata"), ("docker-vm-runtime",),
     "Config.runtimes of type map"),
    ("daemon.json userns-remap a number", daemon(userns_remap=5), ("docker-userns-remap",),
     "Config.userns-remap of type string"),
    ("seccomp profile truncated", {PROFILE: '{"defaultAction": "SCMP_ACT_ERRNO", "archMap": ['},
     ("docker-seccomp-enabled", "docker-seccomp-no-32bit", "podman-seccomp-no-32bit",
      "crio-seccomp-no-32bit"), "not JSON"),
    ("seccomp profile is a list", {PROFILE: "[1, 2]"}, ("docker-seccomp-no-32bit",), "cannot unmarshal array"),
    # runc 1.1.5 (this machine): "string  is not a valid action for seccomp"
    ("seccomp profile without defaultAction", {PROFILE: {"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}},
     ("podman-seccomp-enabled",), "defaultAction"),
    ("seccomp profile with both arch keys",
     {PROFILE: dict(seccomp_profile(), architectures=["SCMP_ARCH_X86_64"])},
     ("crio-seccomp-no-32bit",), "both archMap and architectures"),
    ("seccomp archMap not a list", {PROFILE: dict(seccomp_profile(compat=()), archMap={})},
     ("docker-seccomp-no-32bit",), "archMap: cannot unmarshal"),
    ("seccomp archMap entry unnamed", {PROFILE: dict(seccomp_profile(compat=()), archMap=[{}])},
     ("docker-seccomp-no-32bit",), "architecture"),
    ("seccomp subArchitectures a string",
     {PROFILE: dict(seccomp_profile(compat=()),
                    archMap=[{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": "x"}])},
     ("docker-seccomp-no-32bit",), "subArchitectures"),
    ("seccomp architectures not a list",
     {PROFILE: {"defaultAction": "SCMP_ACT_ERRNO", "architectures": "SCMP_ARCH_X86_64"}},
     ("podman-seccomp-no-32bit",), "architectures: cannot unmarshal"),
    ("seccomp syscalls not a list", {PROFILE: dict(seccomp_profile(compat=()), syscalls={})},
     ("docker-seccomp-enabled",), "syscalls: cannot unmarshal"),
    ("seccomp profile missing", {PROFILE: None}, ("docker-seccomp-no-32bit", "podman-seccomp-enabled"),
     "does not exist"),
    ("seccomp profile action bogus", {PROFILE: {"defaultAction": "DENY"}}, ("docker-seccomp-enabled",),
     "'DENY'"),
    ("containers.conf unterminated string", {PODMAN_LATE: '[containers]\nuserns = "auto\n'},
     ("podman-userns-auto", "podman-seccomp-enabled", "podman-selinux-label", "podman-rootless-seccomp-enabled",
      "podman-rootless-selinux-label", "podman-rootless-not-privileged"), "90-late.conf"),
    ("containers.conf table twice", {PODMAN_LATE: "[containers]\n[containers]\n"},
     ("podman-userns-auto",), "already defined"),
    ("containers.conf key twice", {PODMAN_LATE: "[containers]\nlabel = true\nlabel = false\n"},
     ("podman-selinux-label",), "defined twice"),
    ("containers.conf profile a number", {PODMAN_LATE: "[containers]\nseccomp_profile = 42\n"},
     ("podman-seccomp-enabled", "podman-seccomp-no-32bit", "podman-rootless-seccomp-enabled",
      "podman-rootless-seccomp-no-32bit"), "must be a string"),
    ("containers.conf userns a boolean", {PODMAN_LATE: "[containers]\nuserns = true\n"},
     ("podman-userns-auto", "podman-userns-subids"), "must be a string"),
    ("containers.conf caps a string", {PODMAN_LATE: '[containers]\ndefault_capabilities = "ALL"\n'},
     ("podman-default-capabilities", "podman-rootless-default-capabilities"), "must be an array"),
    ("containers.conf privileged a string", {PODMAN_LATE: '[containers]\nprivileged = "yes"\n'},
     ("podman-rootless-not-privileged", "podman-not-privileged", "podman-selinux-label"), "must be a boolean"),
    ("rootless user's containers.conf truncated", dict(ALICE, **{ALICE_PODMAN: '[containers]\nlabel = "\n'}),
     ("podman-rootless-seccomp-enabled", "podman-rootless-default-capabilities", "podman-rootless-selinux-label",
      "podman-rootless-not-privileged"), "/" + ALICE_PODMAN),
    ("rootless user's daemon.json truncated", dict(DOCKERD_ROOTLESS, **{ALICE_DOCKER: '{"icc": false,'}),
     tuple(sorted(ROOTLESS_DOCKER)), "/" + ALICE_DOCKER),
    ("containers.conf label a string", {PODMAN_LATE: '[containers]\nlabel = "yes"\n'},
     ("podman-selinux-label",), "must be a boolean"),
    ("containers.conf read_only a string", {PODMAN_LATE: '[containers]\nread_only = "true"\n'},
     ("podman-read-only-rootfs",), "must be a boolean"),
    # Podman 4.3 (this machine): "incompatible types: TOML value has type time.Time; destination has type string"
    ("containers.conf date value", {PODMAN_LATE: "[containers]\npidns = 1979-05-27\n"},
     ("podman-namespaces-private",), "pidns"),
    ("containers.conf garbage line", {PODMAN_LATE: "[containers]\nthis is not toml\n"},
     ("podman-namespaces-private",), "line 2"),
    ("containers.conf not UTF-8", {PODMAN_LATE: b"[containers]\nlabel = \xfe\n"},
     ("podman-selinux-label",), "not UTF-8"),
    ("containers.conf pidns a list", {PODMAN_LATE: '[containers]\npidns = ["host"]\n'},
     ("podman-namespaces-private",), "must be a string"),
    ("crio.conf unterminated array", {CRIO_LATE: "[crio.runtime]\ndefault_capabilities = [\"CHOWN\",\n"},
     ("crio-seccomp-enabled", "crio-default-capabilities"), "unterminated array"),
    ("crio.conf selinux a string", {CRIO_LATE: '[crio.runtime]\nselinux = "true"\n'},
     ("crio-selinux-enabled",), "must be a boolean"),
    ("crio.conf profile missing", {CRIO_LATE: '[crio.runtime]\nseccomp_profile = "/nope.json"\n'},
     ("crio-seccomp-enabled", "crio-seccomp-no-32bit"), "/nope.json"),
    ("subuid garbage", {"etc/subuid": "dockremap:100000:65536\ngarbage here\n"},
     ("docker-userns-subids", "podman-userns-subids", "host-rootless-subids"), "/etc/subuid: line 2"),
    ("subgid count not a number", {"etc/subgid": "dockremap:100000:lots\n"},
     ("docker-userns-subids",), "/etc/subgid"),
    ("passwd uid not a number", {"etc/passwd": "root:x:zero:0::/root:/bin/sh\n"},
     ("docker-userns-subids",), "/etc/passwd"),
    ("storage.conf broken", {"etc/containers/storage.conf": "[storage\n"},
     ("podman-userns-subids",), "storage.conf"),
    ("selinux config not UTF-8", {"etc/selinux/config": b"SELINUX=enforcing\n# \xff\n"},
     ("host-selinux-enforcing", "host-selinux-container-policy"), "/etc/selinux/config: not UTF-8"),
    ("grub.cfg menu built at boot time",
     {"boot/grub/grub.cfg": "blscfg\n" + grub_cfg("security=selinux ia32_emulation=0 vsyscall=none")},
     ("host-selinux-enforcing", "host-ia32-emulation-off", "host-vsyscall-none"), "/boot/grub/grub.cfg"),
    ("selinux enforce file garbage", {"sys/fs/selinux/enforce": "2"}, ("host-selinux-enforcing",),
     "expected 0 or 1"),
    ("booleans.local garbage", {"var/lib/selinux/default/active/booleans.local": "container_x\n"},
     ("host-selinux-container-booleans",), "booleans.local"),
    ("boolean runtime file garbage", {"sys/fs/selinux/booleans/container_manage_cgroup": "on"},
     ("host-selinux-container-booleans",), "container_manage_cgroup"),
    ("sysctl.d values not integers", {"etc/sysctl.d/90-stockade.conf": "kernel.yama.ptrace_scope = one\n"
                                                                       "fs.suid_dumpable = zero\n"},
     SYSCTL_CONTROLS, "90-stockade.conf"),
    ("proc sysctl not a number", sysctl("kernel/yama/ptrace_scope", "abc"),
     ("host-sysctl-ptrace-scope",), "ptrace_scope"),
    ("max_user_namespaces not a number", sysctl("user/max_user_namespaces", "x"),
     ("host-max-user-namespaces", "host-rootless-prerequisites"), "max_user_namespaces"),
    ("docker.service unbalanced quote",
     {"lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/sbin/dockerd --label 'x\n"},
     DOCKER_CONFIG_CONTROLS, "ExecStart"),
    ("docker.service required EnvironmentFile missing",
     {"lib/systemd/system/docker.service": "[Service]\nEnvironmentFile=/etc/default/docker\n"
                                           "ExecStart=/usr/sbin/dockerd $DOCKER_OPTS\n"},
     DOCKER_CONFIG_CONTROLS, "/etc/default/docker"),
    ("grub unbalanced quote", {"etc/default/grub": 'GRUB_CMDLINE_LINUX="ia32_emulation=0\n'},
     ("host-ia32-emulation-off", "host-vsyscall-none"), "/etc/default/grub"),
    ("apparmor profile unclosed", dict(RESTRICTED, **{"etc/apparmor.d/podman": "profile podman /usr/bin/podman {\n"}),
     ("host-apparmor-userns-profiles",), "/etc/apparmor.d/podman"),
]


def test_hardened_tree_passes_every_offline_control(audit_tree):
    results = audit_tree(HARDENED)
    not_passing = {i: (results[i]["status"], results[i]["evidence"]) for i in OFFLINE_CONTROLS
                   if i not in NO_SWITCH | ABSENT_FROM_HARDENED | APPARMOR_ONLY and results[i]["status"] != "pass"}
    assert set(not_passing) == ROOTLESS_DOCKER | APPARMOR_USERNS
    for control_id in APPARMOR_ONLY:
        assert results[control_id]["status"] == "not_applicable", results[control_id]
        assert "selinux" in results[control_id]["evidence"][0].lower()
    assert not_passing["host-apparmor-userns-profiles"][0] == "not_applicable"
    assert "not restricted by AppArmor" in not_passing["host-apparmor-userns-profiles"][1][-1]
    del not_passing["host-apparmor-userns-profiles"]
    for control_id in ROOTLESS_DOCKER:
        assert not_passing[control_id][0] == "not_applicable"
        assert "no rootless-capable user has set up dockerd-rootless" in not_passing[control_id][1][0]
    for control_id in NO_SWITCH:
        assert results[control_id]["status"] == "not_applicable"
        assert "no engine-wide no_new_privs" in results[control_id]["evidence"][0]
    results = audit_tree(HARDENED, DOCKERD_ROOTLESS)
    not_passing = {i: (results[i]["status"], results[i]["evidence"]) for i in OFFLINE_CONTROLS
                   if i not in NO_SWITCH | ABSENT_FROM_HARDENED | APPARMOR_ONLY | APPARMOR_USERNS
                   and results[i]["status"] != "pass"}
    assert not_passing == {}


def test_live_controls_are_not_applicable_offline(audit_tree):
    results = audit_tree(HARDENED)
    live = [c.id for c in all_controls() if c.live]
    assert live, "the catalogue has per-container controls"
    for control_id in live:
        assert results[control_id]["status"] == "not_applicable", control_id
        reason = results[control_id]["evidence"][0]
        assert "root to be /" in reason or "probe not requested" in reason, reason


def test_every_offline_control_has_a_fail_case():
    # the CIS controls outside the confinement layers have theirs in test_controls_cis.py
    assert sorted(list(FAIL_CASES) + list(CIS_FAIL_CASES)) == sorted(set(OFFLINE_CONTROLS) - NO_SWITCH)


@pytest.mark.parametrize("control_id", sorted(FAIL_CASES))
def test_control_fails_when_its_layer_is_broken(audit_tree, control_id):
    results = audit_tree(HARDENED, FAIL_CASES[control_id])
    assert results[control_id]["status"] == "fail", results[control_id]["evidence"]
    assert results[control_id]["evidence"], "a failure must say what was read"
    changed = {i for i in OFFLINE_CONTROLS if i != control_id and results[i]["status"] == "fail"}
    assert changed <= COUPLED.get(control_id, set()), changed


def test_every_offline_control_has_an_error_case():
    covered = {c for case in ERROR_CASES + CIS_ERROR_CASES for c in case[2]}
    reads_nothing = NO_SWITCH
    missing = set(OFFLINE_CONTROLS) - covered - reads_nothing - {
        "host-ip-forward-kept", "host-sysctl-kptr-restrict", "host-sysctl-dmesg-restrict",
        "host-sysctl-perf-event-paranoid", "host-sysctl-protected-symlinks",
        "host-sysctl-protected-hardlinks", "host-sysctl-protected-fifos",
        "host-sysctl-protected-regular",  # same check as the sysctls covered above
        "docker-cgroupns-private", "docker-userland-proxy-disabled",  # same daemon.json reader
        "crio-read-only-rootfs", "crio-vm-runtime", "podman-vm-runtime",  # same TOML readers
        "podman-seccomp-no-32bit",
    } - CIS_NO_ERROR_CASE
    assert missing == set()
    assert len(ERROR_CASES) >= 40


@pytest.mark.parametrize("name,broken,controls,needle", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_malformed_input_is_an_error_naming_the_file(audit_tree, name, broken, controls, needle):
    results = audit_tree(HARDENED, broken)
    for control_id in controls:
        entry = results[control_id]
        assert entry["status"] == "error", (control_id, entry["status"], entry["evidence"])
        assert any(needle in line for line in entry["evidence"]), (control_id, entry["evidence"])
    # a broken file must never turn into a pass elsewhere either
    assert not any("Traceback" in line for e in results.values() for line in e["evidence"])


def test_stock_host_fails_the_layers_that_need_hardening(audit_tree):
    results = audit_tree(STOCK)
    expected_fail = {
        "docker-seccomp-no-32bit", "podman-seccomp-no-32bit", "crio-seccomp-no-32bit",
        "host-selinux-enforcing", "host-selinux-container-policy", "docker-selinux-enabled",
        "crio-selinux-enabled", "docker-no-new-privileges", "docker-icc-disabled",
        "docker-userland-proxy-disabled", "docker-userns-remap", "podman-userns-auto",
        "host-sysctl-ptrace-scope", "host-sysctl-kptr-restrict", "host-sysctl-suid-dumpable",
    }
    wrong = {i: results[i]["status"] for i in expected_fail if results[i]["status"] != "fail"}
    assert wrong == {}
    # stock engine defaults that are already safe must not be flagged
    for control_id in ("docker-seccomp-enabled", "podman-seccomp-enabled", "podman-selinux-label",
                       "podman-default-capabilities", "podman-namespaces-private",
                       "docker-cgroupns-private", "host-max-user-namespaces"):
        assert results[control_id]["status"] == "pass", (control_id, results[control_id]["evidence"])


def test_later_containers_conf_dropin_wins(audit_tree):
    early = "etc/containers/containers.conf.d/10-early.conf"
    results = audit_tree(HARDENED, {early: '[containers]\nuserns = "host"\n'})
    assert results["podman-userns-auto"]["status"] == "pass"  # 50-stockade.conf comes later
    late = "etc/containers/containers.conf.d/99-late.conf"
    results = audit_tree(HARDENED, {late: '[containers]\nuserns = "host"\n'})
    assert results["podman-userns-auto"]["status"] == "fail"
    assert "containers.conf.d/99-late.conf" in results["podman-userns-auto"]["evidence"][0]
    # no containers-common release reads a containers.rootful.conf.d (0.50.1 to 0.64: systemConfigs())
    results = audit_tree(HARDENED, {"etc/containers/containers.rootful.conf.d/01.conf":
                                    '[containers]\nuserns = "host"\n'})
    assert results["podman-userns-auto"]["status"] == "pass"


def test_dockerd_flag_in_dropin_is_judged_and_conflicts_reported(audit_tree):
    dropin = "etc/systemd/system/docker.service.d/override.conf"
    results = audit_tree(HARDENED, daemon(no_new_privileges=None), {
        dropin: "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --no-new-privileges\n"})
    assert results["docker-no-new-privileges"]["status"] == "pass"
    assert "flag in /etc/systemd/system/docker.service.d/override.conf" in \
        results["docker-no-new-privileges"]["evidence"][0]
    results = audit_tree(HARDENED, {dropin: "[Service]\nExecStart=\n"
                                            "ExecStart=/usr/sbin/dockerd --icc=false\n"})
    assert results["docker-icc-disabled"]["status"] == "fail"
    assert any("refuses to start" in line for line in results["docker-icc-disabled"]["evidence"])


def test_docker_opts_from_environment_file(audit_tree):
    results = audit_tree(HARDENED, daemon(userns_remap=None),
                         {"etc/default/docker": 'DOCKER_OPTS="--userns-remap=default"\n'})
    assert results["docker-userns-remap"]["status"] == "pass"


def test_config_file_flag_moves_daemon_json(audit_tree):
    results = audit_tree(HARDENED, {
        "etc/docker/daemon.json": None,
        "etc/docker/alt.json": HARDENED["etc/docker/daemon.json"],
        "etc/systemd/system/docker.service.d/x.conf":
            "[Service]\nExecStart=\nExecStart=/usr/sbin/dockerd --config-file /etc/docker/alt.json\n"})
    assert results["docker-no-new-privileges"]["status"] == "pass"
    assert "/etc/docker/alt.json" in results["docker-no-new-privileges"]["evidence"][0]


def test_architectures_form_without_compat_passes(audit_tree):
    results = audit_tree(HARDENED, {PROFILE: seccomp_profile(compat=(), form="architectures")})
    assert results["docker-seccomp-no-32bit"]["status"] == "pass"
    results = audit_tree(HARDENED, {PROFILE: seccomp_profile(compat=("SCMP_ARCH_X32",),
                                                             form="architectures")})
    assert results["docker-seccomp-no-32bit"]["status"] == "fail"
    assert "SCMP_ARCH_X32" in results["docker-seccomp-no-32bit"]["evidence"][1]


def test_arm64_profile_judged_for_its_own_compat_abi(audit_tree):
    results = audit_tree(HARDENED, machine="aarch64")
    # the fixture profile still maps AARCH64 -> ARM: on arm64 that is the compat ABI
    assert results["docker-seccomp-no-32bit"]["status"] == "fail"
    assert "SCMP_ARCH_ARM" in results["docker-seccomp-no-32bit"]["evidence"][1]


def test_absolute_symlink_is_resolved_inside_the_root(audit_tree):
    results = audit_tree(HARDENED, {
        "etc/docker/daemon.json": Symlink("/srv/config/daemon.json"),
        "srv/config/daemon.json": HARDENED["etc/docker/daemon.json"]})
    assert results["docker-no-new-privileges"]["status"] == "pass"


def test_selinux_runtime_and_config_disagree(audit_tree):
    results = audit_tree(HARDENED, {"etc/selinux/config": "SELINUX=permissive\nSELINUXTYPE=default\n"})
    entry = results["host-selinux-enforcing"]
    assert entry["status"] == "fail"
    assert "next boot: permissive" in entry["evidence"]


def test_selinux_enabled_in_config_but_kernel_off_is_reboot_pending(audit_tree):
    results = audit_tree(HARDENED, {"sys/fs/selinux/enforce": None,
                                    "sys/kernel/security/lsm": "lockdown,capability"})
    entry = results["host-selinux-enforcing"]
    assert entry["status"] == "fail" and entry["reboot_pending"] is True


def test_boot_parameter_configured_but_not_booted_is_reboot_pending(audit_tree):
    results = audit_tree(HARDENED, {"proc/cmdline": "root=/dev/vda1 vsyscall=none\n"})
    entry = results["host-ia32-emulation-off"]
    assert entry["status"] == "fail" and entry["reboot_pending"] is True


def test_sysctl_persisted_value_that_undoes_a_good_running_value(audit_tree):
    results = audit_tree(HARDENED, {"etc/sysctl.d/99-late.conf": "kernel.kptr_restrict = 0\n"})
    entry = results["host-sysctl-kptr-restrict"]
    assert entry["status"] == "fail"
    assert any("99-late.conf" in line for line in entry["evidence"])


@pytest.mark.parametrize("persisted, status", [("0x0", "fail"), ("00", "fail"), ("0", "fail"), ("15000", "pass"),
                                               ("\uff13", "error")])
def test_max_user_namespaces_persisted_is_read_as_the_kernel_reads_it(audit_tree, persisted, status):
    """proc_dointvec (base 0): 0x0 and 00 are 0, which turns user namespaces off at the next boot; a
    fullwidth digit is no number to the kernel."""
    results = audit_tree(HARDENED, {"etc/sysctl.d/99-late.conf": "user.max_user_namespaces = %s\n" % persisted})
    entry = results["host-max-user-namespaces"]
    assert entry["status"] == status, entry
    if status == "error":
        assert "99-late.conf" in " ".join(entry["evidence"]), entry


def test_offline_tree_without_proc_judges_persisted_sysctls(audit_tree):
    no_proc = {k: None for k in HARDENED if k.startswith("proc/sys/")}
    results = audit_tree(HARDENED, no_proc)
    assert results["host-sysctl-kptr-restrict"]["status"] == "pass"
    results = audit_tree(HARDENED, no_proc, {"etc/sysctl.d/90-stockade.conf": None})
    assert results["host-sysctl-kptr-restrict"]["status"] == "fail"


def test_engine_not_installed_is_not_applicable(audit_tree):
    results = audit_tree(HARDENED, {"usr/bin/crio": None, "etc/crio/crio.conf": "garbage [[["})
    assert results["crio-seccomp-enabled"]["status"] == "not_applicable"
    assert "crio is not installed" in results["crio-seccomp-enabled"]["evidence"][0]


def test_podman_default_profile_prefers_admin_override(audit_tree):
    results = audit_tree(STOCK, {"etc/containers/seccomp.json": seccomp_profile(compat=())})
    assert results["podman-seccomp-no-32bit"]["status"] == "pass"
    assert "/etc/containers/seccomp.json" in results["podman-seccomp-no-32bit"]["evidence"][1]


def test_ia32_parameter_is_ignored_by_old_kernels(audit_tree):
    results = audit_tree(HARDENED, {"proc/sys/kernel/osrelease": "6.1.0-28-amd64\n",
                                    "boot/config-6.1.0-28-amd64": "CONFIG_IA32_EMULATION=y\n"})
    entry = results["host-ia32-emulation-off"]
    assert entry["status"] == "fail" and any("needs 6.7" in line for line in entry["evidence"])
    assert entry["reboot_pending"] is True   # the entry GRUB boots is a 6.12 kernel
    results = audit_tree(HARDENED, {"proc/sys/kernel/osrelease": "6.12.9-amd64\n"})
    assert results["host-ia32-emulation-off"]["status"] == "pass"


def test_ia32_off_by_kernel_build(audit_tree):
    results = audit_tree(STOCK, {"proc/sys/kernel/osrelease": "6.1.0\n",
                                 "boot/config-6.1.0": "# CONFIG_IA32_EMULATION is not set\n"})
    assert results["host-ia32-emulation-off"]["status"] == "pass"
    results = audit_tree(STOCK, {"proc/sys/kernel/osrelease": "6.8.0\n",
                                 "boot/config-6.8.0": "CONFIG_IA32_EMULATION=y\n"
                                                      "CONFIG_IA32_EMULATION_DEFAULT_DISABLED=y\n"})
    assert results["host-ia32-emulation-off"]["status"] == "pass"


def test_subgid_entry_owned_by_the_users_uid(audit_tree):
    # newgidmap matches a subgid owner by user name or uid, never by gid
    results = audit_tree(HARDENED, {"etc/subgid": "998:100000:65536\ncontainers:165536:65536\n"})
    assert results["docker-userns-subids"]["status"] == "pass", results["docker-userns-subids"]["evidence"]


def test_sysctl_running_but_set_by_no_file_fails(audit_tree):
    # the next boot restores the kernel's default (kptr_restrict 0): no proof it holds
    results = audit_tree(HARDENED, {"etc/sysctl.d/90-stockade.conf": "kernel.yama.ptrace_scope = 1\n"})
    entry = results["host-sysctl-kptr-restrict"]
    assert entry["status"] == "fail"
    assert any("no sysctl.d file sets" in line for line in entry["evidence"])
    assert results["host-sysctl-ptrace-scope"]["status"] == "pass"


def test_root_podman_privileged_undoes_every_layer_it_names(audit_tree):
    """[containers] privileged = true in the system chain: every layer it undoes fails for root's Podman,
    not only the capability and seccomp ones (SELinux labels and /proc, /sys were a pass before)."""
    results = audit_tree(HARDENED, FAIL_CASES["podman-not-privileged"])
    for control_id in ("podman-not-privileged", "podman-selinux-label", "podman-default-capabilities",
                       "podman-seccomp-enabled"):
        assert results[control_id]["status"] == "fail", (control_id, results[control_id]["evidence"])
        assert any("privileged" in line for line in results[control_id]["evidence"]), control_id
