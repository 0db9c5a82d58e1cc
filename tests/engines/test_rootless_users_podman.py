# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A rootless user's own containers.conf, against the real Podman 4.3 on this machine.

An unprivileged uid of its own (no account on this machine, as in
test_kernel_view_engines.py) runs Podman with HOME inside an audit tree whose
/etc/passwd and /etc/subuid name that uid and home, and whose system files are
this machine's: the file Podman reads is the file the audit reads. With
seccomp_profile = "unconfined" in ~/.config/containers/containers.conf the
container runs with Seccomp: 0 and podman-rootless-seccomp-enabled fails naming
the user and the file; with the line removed the container runs with Seccomp: 2
and the control passes. Every process the uid leaves is stopped by its PID."""

import os
import shutil

import pytest

from engine_helpers import IMAGE, PODMAN_RUN_OPTIONS, podman_as_user, run
from test_kernel_view_engines import _require, _stop_processes_of
from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit

UID = 64124   # this test's alone
USER = "rlx"
SYSTEM_FILES = ("usr/share/containers/containers.conf", "usr/share/containers/seccomp.json",
                "etc/containers/containers.conf", "etc/containers/seccomp.json")


@pytest.fixture
def rootless_tree(workdir, probe_tar):
    podman_binary, setpriv = _require("podman", "setpriv")
    root = os.path.join(workdir, "rootless-root")
    home = os.path.join(root, "home", USER)
    runtime_dir = os.path.join(workdir, "rootless-run-%d" % UID)
    for path in SYSTEM_FILES:
        if os.path.exists("/" + path):
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            shutil.copy("/" + path, os.path.join(root, path))
    if os.path.isdir("/etc/containers/containers.conf.d"):
        shutil.copytree("/etc/containers/containers.conf.d", os.path.join(root, "etc/containers/containers.conf.d"))
    os.makedirs(os.path.join(root, "usr/bin"), exist_ok=True)
    shutil.copy(podman_binary, os.path.join(root, "usr/bin/podman"))
    version = run([podman_binary, "version", "--format", "{{.Client.Version}}"]).stdout.strip()
    files = {"etc/passwd": "root:x:0:0:root:/root:/bin/bash\n%s:x:%d:%d::/home/%s:/bin/sh\n" % (USER, UID, UID, USER),
             "etc/group": "root:x:0:\n%s:x:%d:\n" % (USER, UID),
             "etc/subuid": "%s:3000000:65536\n" % USER, "etc/subgid": "%s:3000000:65536\n" % USER,
             "var/lib/dpkg/status": "Package: podman\nStatus: install ok installed\nVersion: %s\n" % version}
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
        with open(os.path.join(root, path), "w") as handle:
            handle.write(text)
    conf_dir = os.path.join(home, ".config", "containers")
    os.makedirs(conf_dir)
    os.makedirs(runtime_dir, mode=0o700)
    for path in (os.path.join(root, "home"), home, os.path.join(home, ".config"), conf_dir, runtime_dir):
        os.chown(path, UID, UID)
    user_podman = podman_as_user(podman_binary, setpriv, UID, home, runtime_dir, probe_tar)
    try:
        yield root, os.path.join(conf_dir, "containers.conf"), user_podman
    finally:
        user_podman("rm", "-f", "-t", "0", "-a", check=False)
        _stop_processes_of(UID)
        run(["rm", "-rf", home, runtime_dir], check=False)


def _seccomp_inside(user_podman):
    status = user_podman("run", "--rm", "--network", "none", *(PODMAN_RUN_OPTIONS + (
        IMAGE, "/bin/busybox", "cat", "/proc/self/status"))).stdout
    return [line.split()[1] for line in status.splitlines() if line.startswith("Seccomp:")][0]


def _rootless_seccomp(root):
    report = run_audit(root, live=False)
    return [e for e in report["controls"] if e["id"] == "podman-rootless-seccomp-enabled"][0]


def test_a_users_unconfined_seccomp_fails_then_passes_once_fixed(rootless_tree):
    root, conf, user_podman = rootless_tree
    with open(conf, "w") as handle:
        handle.write('[containers]\nseccomp_profile = "unconfined"\n')
    os.chown(conf, UID, UID)
    assert _seccomp_inside(user_podman) == "0"     # Podman really read the user's file
    entry = _rootless_seccomp(root)
    evidence = "\n".join(entry["evidence"])
    assert entry["status"] == "fail", evidence
    assert "user %s (uid %d)" % (USER, UID) in evidence
    assert "/home/%s/.config/containers/containers.conf" % USER in evidence

    with open(conf, "w") as handle:
        handle.write("[containers]\n")
    assert _seccomp_inside(user_podman) == "2"
    entry = _rootless_seccomp(root)
    assert entry["status"] == "pass", entry["evidence"]
