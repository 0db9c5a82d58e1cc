# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests against a running lab VM (lab/vm.sh start NAME). STOCKADE_LAB_INSTANCE
names the VM's instance.json; without it every test here is skipped.
The VM is changed by these tests: use a throw-away one."""

import json
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Under TCG (and several VMs on two cores) sshd can take long to answer.
SSH_TIMEOUT = 120


def no_lab(reason):
    """Skip, unless this run must have the lab (STOCKADE_LAB_REQUIRED=1, as CI's lab stage sets):
    then fail, so that a machine that cannot run the lab never passes silently."""
    if os.environ.get("STOCKADE_LAB_REQUIRED") == "1":
        pytest.fail("lab required but unavailable: " + reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab_vm():
    path = os.environ.get("STOCKADE_LAB_INSTANCE")
    if not path:
        no_lab("no lab VM: set STOCKADE_LAB_INSTANCE to the instance.json printed by lab/vm.sh start NAME")
    if not os.path.isfile(path):
        no_lab("STOCKADE_LAB_INSTANCE=%s does not exist (is the VM running?)" % path)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture(scope="session")
def lab_inventory(lab_vm, tmp_path_factory):
    path = tmp_path_factory.mktemp("lab") / "inventory.yml"
    path.write_text(
        "all:\n  hosts:\n    %s:\n      ansible_host: %s\n      ansible_port: %d\n"
        "      ansible_user: %s\n      ansible_ssh_private_key_file: %s\n"
        "      ansible_python_interpreter: /usr/bin/python3\n"
        # A connection open while the guest reboots (the enforce job's SELinux
        # reboot) must fail fast rather than hang: ServerAlive*.
        "      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
        " -o ServerAliveInterval=5 -o ServerAliveCountMax=3\n"
        % (lab_vm["instance"], lab_vm["address"], lab_vm["port"], lab_vm["user"], lab_vm["identity_file"]))
    return str(path)


@pytest.fixture(scope="session")
def ansible_env():
    """Environment for ansible commands run from the checkout."""
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(REPO, ".cache", "collections")
    env["ANSIBLE_TIMEOUT"] = str(SSH_TIMEOUT)
    env["ANSIBLE_HOST_KEY_CHECKING"] = "False"
    env["ANSIBLE_FORCE_COLOR"] = "0"
    return env


@pytest.fixture(scope="session")
def guest(lab_vm):
    """guest(command) -> CompletedProcess of a shell command run as root in the VM."""
    def run(command, check=True, timeout=600):
        done = subprocess.run(
            ["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ConnectTimeout=%d" % SSH_TIMEOUT,
             "-o", "IdentitiesOnly=yes", "-i", lab_vm["identity_file"], "-p", str(lab_vm["port"]),
             "%s@%s" % (lab_vm["user"], lab_vm["address"]), command],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError("guest command failed (%d): %s\n%s%s" % (
                done.returncode, command, done.stdout, done.stderr))
        return done
    return run
