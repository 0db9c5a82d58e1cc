# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests against a running lab VM (lab/vm.sh start NAME [SUITE]).
STOCKADE_LAB_INSTANCE names the VM's instance.json; without it every test here
is skipped. The VM is changed by these tests: use a throw-away one.

Where a test goes (scripts/lab_stage.sh runs the phases, see lab/README.md):
  stock/     on each stock guest, after Molecule's prepare, before anything
             is hardened (and without a reboot: the check step comes next);
  hardened/  on each guest after Molecule's verify: hardened by harden.yml
             with the scenario's variables (lab_vars), rebooted, verified.
A test runs on every guest unless marked @pytest.mark.lab_suites(SUITE...):
mark the slow ones whose proof does not depend on the Debian release (what
runs on the controller, ansible-runner, the agent) so that only one guest
runs them, and spread them over the guests, which run side by side. Batch what you check: guest_batch runs many commands over one ssh
connection (each ssh call costs seconds under TCG)."""

import json
import os
import shlex
import subprocess

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Under TCG (and several VMs on two cores) sshd can take long to answer.
SSH_TIMEOUT = 120
# The lab image's busybox as Docker's stockade/busybox:latest, imported when Docker's
# current storage root lacks it (userns-remap gives dockerd a new, empty one).
BUSYBOX_IMAGE = "stockade/busybox:latest"
DOCKER_BUSYBOX = ("docker image inspect {0} >/dev/null 2>&1 || "
                  "docker import /opt/stockade/busybox-rootfs.tar {0} >/dev/null").format(BUSYBOX_IMAGE)
SCENARIO = os.path.join(REPO, "molecule", "default", "molecule.yml")


def pytest_configure(config):
    config.addinivalue_line("markers", "lab_suites(*suites): run only on lab guests of these Debian suites")


@pytest.fixture(autouse=True)
def _only_on_marked_suites(request):
    marker = request.node.get_closest_marker("lab_suites")
    if marker:
        suite = request.getfixturevalue("lab_vm").get("suite", "bookworm")
        if suite not in marker.args:
            pytest.skip("runs on the %s guest only; this guest is %s" % (" and ".join(marker.args), suite))


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
def lab_vars(lab_vm):
    """The variables the Molecule scenario hardens this guest with (its group_vars for
    `all` and for the groups of the platform of this suite): a job that runs harden.yml
    again must ask for the same layers, or it would undo some (a boot parameter)."""
    with open(SCENARIO, encoding="utf-8") as handle:
        scenario = yaml.safe_load(handle)
    group_vars = scenario["provisioner"]["inventory"]["group_vars"]
    suite = lab_vm.get("suite", "bookworm")
    groups = [g for p in scenario["platforms"] if p["suite"] == suite for g in p.get("groups", [])]
    merged = dict(group_vars.get("all", {}))
    for group in groups:
        merged.update(group_vars.get(group, {}))
    return merged


@pytest.fixture(scope="session")
def lab_inventory(lab_vm, lab_vars, tmp_path_factory):
    path = tmp_path_factory.mktemp("lab") / "inventory.yml"
    host = {
        "ansible_host": lab_vm["address"], "ansible_port": lab_vm["port"], "ansible_user": lab_vm["user"],
        "ansible_ssh_private_key_file": lab_vm["identity_file"],
        "ansible_python_interpreter": "/usr/bin/python3",
        # A connection open while the guest reboots (the enforce job's SELinux
        # reboot) must fail fast rather than hang: ServerAlive*.
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
                                   " -o ServerAliveInterval=5 -o ServerAliveCountMax=3",
    }
    host.update(lab_vars)
    path.write_text(yaml.safe_dump({"all": {"hosts": {lab_vm["instance"]: host}}}, default_flow_style=False))
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
    def run(command, check=True, timeout=600, stdin=None):
        done = subprocess.run(
            ["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ConnectTimeout=%d" % SSH_TIMEOUT,
             "-o", "IdentitiesOnly=yes", "-i", lab_vm["identity_file"], "-p", str(lab_vm["port"]),
             "%s@%s" % (lab_vm["user"], lab_vm["address"]), command],
            input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout,
            check=False)
        if check and done.returncode != 0:
            raise AssertionError("guest command failed (%d): %s\n%s%s" % (
                done.returncode, command, done.stdout, done.stderr))
        return done
    return run


# Run in the guest by guest_batch: each command of the JSON list on stdin, its
# result as one JSON list on stdout.
_BATCH = r"""
import json, subprocess, sys
out = []
for command in json.load(sys.stdin):
    done = subprocess.run(["/bin/sh", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, errors="replace")
    out.append([done.returncode, done.stdout, done.stderr])
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="session")
def guest_batch(guest):
    """guest_batch({name: command}) -> {name: (returncode, stdout, stderr)}: many shell commands,
    in order, over one ssh connection and one python3 start in the guest."""
    def run(commands, timeout=600):
        names = list(commands)
        done = guest("python3 -c %s" % shlex.quote(_BATCH), timeout=timeout,
                     stdin=json.dumps([commands[name] for name in names]))
        return dict(zip(names, (tuple(result) for result in json.loads(done.stdout))))
    return run
