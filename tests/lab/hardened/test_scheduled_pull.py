# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent role's enforce mode (stockade_agent_pull_url): ansible-pull on a systemd
timer, run by the host itself from a git repository, repairs hand-made drift.

Runs after test_agent.py and test_runner_*.py on the same VM, which is
hardened (SELinux enforcing, every layer compliant). The pulled repository is
made here from this checkout: local.yml imports stockade.hardening.harden, and
the collection and ansible.posix sit under collections/ next to it (ansible-pull
installs no collections). It is pushed over ssh into a bare repository in the
guest, so that nothing needs the guest's network. The guest runs the
ansible-core and git of Debian 13 (2.19), which the lab image must carry.
Tests run in file order and build on each other (one VM, minutes per step)."""

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import REPO
from test_agent import DAEMON_JSON, DRIFT, apply_role, guest_now

pytestmark = pytest.mark.lab_suites("trixie")  # ansible-pull of the guest's own ansible-core 2.19 (Debian 13)

BARE_REPO = "/srv/stockade-pull.git"
PULL_URL = "file://" + BARE_REPO
PULL_DIR = "/var/lib/stockade/pull"
UNITS = ["stockade-pull.service", "stockade-pull.timer"]
PULL_VARS = {
    "stockade_agent_interval": "hourly",        # test_agent.py's minutely audit would compete with the pull run
    "stockade_agent_pull_url": PULL_URL,
    # Far from now: the test starts the service itself, the timer must not race it.
    "stockade_agent_pull_interval": "*-01-01 00:00:00",
    "stockade_agent_randomized_delay": "0",
    # The whole harden.yml, as the timer runs it: on a converged host only the drift changes.
    "stockade_agent_pull_args": [],
}
BOOT_VARS = ("stockade_kernel_ia32_emulation_disabled", "stockade_kernel_vsyscall_none")
# ansible-pull of the whole harden.yml with the guest's ansible-core under TCG.
PULL_TIMEOUT = 3600
LOCAL_YML = """---
# Enforce mode: ansible-pull runs this on the host itself (stockade_agent_pull_url).
- name: Harden this host
  ansible.builtin.import_playbook: stockade.hardening.harden
"""


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=stockade-lab", "-c", "user.email=lab@stockade.invalid"] + list(args),
                   cwd=cwd, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)


def collection_path(ansible_env, name):
    """The directory of an installed collection, as the controller's ansible resolves it."""
    done = subprocess.run(["ansible-galaxy", "collection", "list", name, "--format", "json"], env=ansible_env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=True)
    for root, found in json.loads(done.stdout).items():
        if name in found:
            return os.path.join(root, *name.split("."))
    raise AssertionError("collection %s is not installed on the controller" % name)


def make_pull_repo(path, ansible_env):
    """A git repository as an operator would publish it: local.yml, this collection
    (the checkout's git-tracked files) and ansible.posix under collections/."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, stdout=subprocess.PIPE, check=True).stdout
    target = path / "collections" / "ansible_collections" / "stockade" / "hardening"
    for name in tracked.decode("utf-8").split("\0"):
        source = os.path.join(REPO, name)
        if name and os.path.isfile(source):  # a tracked file deleted in the work tree is not copied
            os.makedirs(str(target / os.path.dirname(name)), exist_ok=True)
            shutil.copy2(source, str(target / name))
    shutil.copytree(collection_path(ansible_env, "ansible.posix"),
                    str(path / "collections" / "ansible_collections" / "ansible" / "posix"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (path / "local.yml").write_text(LOCAL_YML)
    git("init", "-q", cwd=str(path))
    git("checkout", "-q", "-b", "main", cwd=str(path))
    git("add", "-A", cwd=str(path))
    git("commit", "-q", "-m", "Stockade enforce mode for the lab", cwd=str(path))
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=str(path), stdout=subprocess.PIPE,
                          universal_newlines=True, check=True).stdout.strip()


def pull_output(guest, since):
    """What ansible-pull printed since the guest's epoch `since` (the unit's SyslogIdentifier; the modules'
    own "Invoked with" lines and systemd's lines carry other identifiers)."""
    return guest("journalctl -t stockade-pull -o cat --no-pager --since @%d" % since).stdout


def after_task(name, result):
    """A regex for the task named `name` (up to its " | tags"), then the result line of localhost."""
    return r"TASK \[%s \|[^\n]*\]\s*\*+\n(?:\s*\n)*%s: \[localhost\]" % (re.escape(name), result)


def test_guest_has_ansible_pull_and_git(guest):
    """The lab image carries Debian's ansible-core and git: the role's package task is then a no-op
    and nothing needs the guest's network."""
    done = guest("command -v ansible-pull && command -v git && ansible-pull --version", check=False)
    assert done.returncode == 0, (
        "the lab image lacks ansible-core or git (add both to PACKAGES in lab/build-image.sh): %s%s"
        % (done.stdout, done.stderr))
    assert re.search(r"ansible-pull \[core 2\.\d+\.\d+\]", done.stdout), done.stdout


def test_pull_repository_reaches_the_guest(tmp_path, ansible_env, lab_ssh, guest):
    commit = make_pull_repo(tmp_path, ansible_env)
    guest("rm -rf %s && git init -q --bare %s" % (BARE_REPO, BARE_REPO))
    push = subprocess.run(
        ["git", "push", "-q", "%s:%s" % (lab_ssh.target, BARE_REPO), "main:main"],
        cwd=str(tmp_path), env=dict(os.environ, GIT_SSH_COMMAND=lab_ssh.command_line()), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=1800, check=False)
    assert push.returncode == 0, push.stdout
    assert guest("git --git-dir=%s rev-parse main" % BARE_REPO).stdout.strip() == commit


def pull_vars(lab_vars):
    """PULL_VARS, the run asking for the boot parameters the scenario hardened this guest with
    (harden.yml with the kernel role's defaults would take them out again)."""
    boot = ["%s=%s" % (name, str(lab_vars[name]).lower()) for name in BOOT_VARS if name in lab_vars]
    return dict(PULL_VARS, stockade_agent_pull_args=[arg for pair in boot for arg in ("-e", pair)])


def test_role_installs_the_pull_timer(play_role, lab_vars, guest):
    guest("rm -rf %s" % PULL_DIR)
    changed, out = apply_role(play_role, "-e", json.dumps(pull_vars(lab_vars)))
    assert changed > 0, out
    unit = guest("cat /etc/systemd/system/stockade-pull.service").stdout
    # An inventory of its own: without one, ansible-pull's playbook run matches no host for `hosts: all`.
    assert '"--url" "%s" "--checkout" "main" "--directory" "%s" "--inventory" "localhost,"' % (
        PULL_URL, PULL_DIR) in unit, unit
    assert guest("systemctl is-enabled stockade-pull.timer").stdout.strip() == "enabled"
    assert guest("systemctl is-active stockade-pull.timer").stdout.strip() == "active"
    assert guest("systemctl show stockade-pull.timer -p NextElapseUSecRealtime --value").stdout.strip() not in ("", "n/a")


def test_pull_run_repairs_hand_made_drift(guest):
    guest(DRIFT)
    since = guest_now(guest)
    # A oneshot unit: `systemctl start` returns when ansible-pull has finished, non-zero when it failed.
    start = guest("systemctl start stockade-pull.service", check=False, timeout=PULL_TIMEOUT)
    output = pull_output(guest, since)
    assert start.returncode == 0, output + start.stderr
    assert guest("systemctl show stockade-pull.service -p Result --value").stdout.strip() == "success"
    # It ran what the bare repository holds.
    assert guest("git -C %s rev-parse HEAD" % PULL_DIR).stdout == guest(
        "git --git-dir=%s rev-parse main" % BARE_REPO).stdout
    # The repair: daemon.json written back by engine_config inside the pull run, dockerd restarted for it.
    assert '"no-new-privileges": true' in guest("cat %s" % DAEMON_JSON).stdout
    assert re.search(after_task("stockade.hardening.engine_config : Merge the keys the layers declared into "
                                "daemon.json", "changed"), output), output
    # The whole play ran on the host and its verification passed: the failing task is skipped.
    assert "skipping: no hosts matched" not in output, output
    recap = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0", output)
    assert recap and int(recap.group(1)) > 20, output
    # posture_verify passed with the default policy (every layer), so the fail task was skipped.
    assert re.search(after_task("Fail the hosts where a required layer does not hold", "skipping"), output), output


def test_pull_mode_off_removes_the_units(play_role, lab_vars, guest):
    changed, out = apply_role(play_role, "-e",
                              json.dumps(dict(pull_vars(lab_vars), stockade_agent_pull_url=None)))
    assert changed > 0, out
    for unit in UNITS:
        assert guest("test -e /etc/systemd/system/%s" % unit, check=False).returncode == 1, unit
        assert guest("systemctl is-enabled %s" % unit, check=False).returncode != 0, unit
    assert "stockade-pull" not in guest("systemctl list-timers --all --no-pager").stdout
    assert "stockade-pull" not in guest("systemctl list-unit-files 'stockade-*' --no-pager").stdout
    assert guest("test -e %s" % PULL_DIR, check=False).returncode == 1
    # The audit agent stays. (A second run with stockade_agent_pull_url null changing nothing is test_agent.py's.)
    assert guest("systemctl is-enabled stockade-agent.timer").stdout.strip() == "enabled"


@pytest.fixture(scope="module", autouse=True)
def _cleanup_bare_repo(guest):
    yield
    guest("rm -rf %s" % BARE_REPO, check=False)
