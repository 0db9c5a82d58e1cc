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
connection (each ssh call costs seconds under TCG).

The fixtures (never build an ssh line or a play in a test; tests/unit/test_lab_fixtures.py holds that):
  guest, guest_batch  shell commands as root in the VM, one or many per ssh connection;
  lab_ssh             the one ssh command line to the VM (argv(command); command_line() for git);
  play_role           play one role of the collection with these variables (role parameters, or
                      extra_args such as ["-e", JSON]) -> CompletedProcess;
  lab_inventory, lab_vars, ansible_env  for what runs on the controller (ansible, ansible-runner)."""

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


class LabSsh:
    """The one ssh command line to a lab VM: root's key, no host key kept, fail fast
    in batch mode (sshd under TCG can take SSH_TIMEOUT to answer)."""

    def __init__(self, lab_vm):
        self.options = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                        "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ConnectTimeout=%d" % SSH_TIMEOUT,
                        "-o", "IdentitiesOnly=yes", "-i", lab_vm["identity_file"], "-p", str(lab_vm["port"])]
        self.target = "%s@%s" % (lab_vm["user"], lab_vm["address"])

    def argv(self, command):
        """ssh's argument vector that runs the shell command `command` in the VM."""
        return ["ssh"] + self.options + [self.target, command]

    def command_line(self):
        """The ssh command without a target, as one shell word list (GIT_SSH_COMMAND)."""
        return " ".join(shlex.quote(word) for word in ["ssh"] + self.options)


@pytest.fixture(scope="session")
def lab_ssh(lab_vm):
    """The LabSsh of this run's VM: every ssh command line of the lab tests comes from it."""
    return LabSsh(lab_vm)


@pytest.fixture(scope="session")
def guest(lab_ssh):
    """guest(command) -> CompletedProcess of a shell command run as root in the VM."""
    def run(command, check=True, timeout=600, stdin=None):
        done = subprocess.run(
            lab_ssh.argv(command),
            input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout,
            check=False)
        if check and done.returncode != 0:
            raise AssertionError("guest command failed (%d): %s\n%s%s" % (
                done.returncode, command, done.stdout, done.stderr))
        return done
    return run


def role_play(role, variables=None, name=None):
    """The one-role play `play_role` runs: `hosts: all`, no fact gathering, the role
    stockade.hardening.ROLE with `variables` as its parameters."""
    play = {"hosts": "all", "gather_facts": False,
            "roles": [dict({"role": "stockade.hardening." + role}, **(variables or {}))]}
    if name is not None:
        play = dict({"name": name}, **play)
    return [play]


def run_role_play(inventory, env, directory, role, variables=None, extra_args=(), name=None, timeout=1800):
    """ansible-playbook of role_play(...) written under `directory`, from the checkout, against
    `inventory` -> CompletedProcess, stdout and stderr together as text."""
    playbook = os.path.join(str(directory), "play-%s.yml" % role)
    with open(playbook, "w", encoding="utf-8") as handle:
        json.dump(role_play(role, variables, name), handle)
    return subprocess.run(
        ["ansible-playbook", "-i", str(inventory), playbook] + list(extra_args), cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout, check=False)


@pytest.fixture
def play_role(lab_inventory, ansible_env, tmp_path):
    """play_role(role, variables=None, extra_args=(), env=None, name=None, timeout=1800) ->
    CompletedProcess: play one role of the collection on the VM with these variables (role
    parameters; `extra_args` such as ["-e", JSON] go to ansible-playbook), `env` over ansible_env."""
    def play(role, variables=None, extra_args=(), env=None, name=None, timeout=1800):
        return run_role_play(lab_inventory, dict(ansible_env, **(env or {})), tmp_path, role, variables,
                             extra_args, name, timeout)
    return play


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
