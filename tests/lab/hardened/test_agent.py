# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent role in the lab VM: installs, its timer fires on its own, the fact
appears and Ansible sees it, hand-made drift is reported (journal line + hook)
by the timer, and a second run of the role changes nothing.
Runs on the guest Molecule hardened (docker-no-new-privileges passes there).
Tests run in file order and build on each other (one VM, minutes per step)."""

import json
import re
import subprocess
import time

import pytest

from conftest import REPO

pytestmark = pytest.mark.lab_suites("trixie")  # the agent is the collection's audit on a timer: release-independent

HOOK_LOG = "/root/stockade-drift-hook.log"
AGENT_VARS = {
    "stockade_agent_interval": "minutely",      # so that the test sees the timer fire on its own
    "stockade_agent_randomized_delay": "0",
    "stockade_agent_drift_hook": 'echo "new=$STOCKADE_NEW_FAILURES failing=$STOCKADE_FAILED_CONTROLS" >> %s' % HOOK_LOG,
}
# One timer period plus an audit under TCG on a loaded machine.
TIMER_WAIT = 240
DAEMON_JSON = "/etc/docker/daemon.json"
# The hand-made drift: dockerd's no-new-privileges switched off in the hardened daemon.json.
DRIFT = ("""sed -i 's/"no-new-privileges": true/"no-new-privileges": false/' %s"""
         """ && grep -q '"no-new-privileges": false' %s""" % (DAEMON_JSON, DAEMON_JSON))
UNDO_DRIFT = """sed -i 's/"no-new-privileges": false/"no-new-privileges": true/' %s""" % DAEMON_JSON


def apply_role(play_role, *extra):
    """The agent role as the lab tests apply it: its variables AGENT_VARS, then `extra`, as --extra-vars."""
    done = play_role("agent", extra_args=["-e", json.dumps(AGENT_VARS)] + list(extra))
    assert done.returncode == 0, done.stdout
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", done.stdout)
    assert recap, done.stdout
    return int(recap.group(2)), done.stdout


def agent_lines(guest, since):
    """The agent's journal lines since the guest's epoch `since`."""
    out = guest("journalctl -t stockade-agent -o cat --no-pager --since @%d" % since).stdout
    return [line for line in out.splitlines() if line and not line.startswith("-- ")]


def wait_for_line(guest, since, predicate, what):
    deadline = time.time() + TIMER_WAIT
    while time.time() < deadline:
        lines = agent_lines(guest, since)
        if any(predicate(line) for line in lines):
            return lines
        time.sleep(10)
    raise AssertionError("no agent run reported %s within %d s; journal since then:\n%s" % (
        what, TIMER_WAIT, "\n".join(agent_lines(guest, since))))


def guest_now(guest):
    return int(guest("date +%s").stdout)


def failing_of(line):
    match = re.search(r"failing: ([^;]*)", line)
    return match.group(1).split(", ") if match else []


def test_role_installs_in_check_mode_without_changing_the_host(play_role, guest):
    guest("rm -f /usr/local/bin/stockade-audit /etc/systemd/system/stockade-agent.timer")
    changed, out = apply_role(play_role, "--check", "--diff")
    assert changed > 0, out
    assert guest("test -e /usr/local/bin/stockade-audit", check=False).returncode == 1
    assert guest("test -e /etc/systemd/system/stockade-agent.timer", check=False).returncode == 1


def test_role_installs_and_the_timer_writes_the_fact(play_role, guest):
    guest("rm -f /etc/ansible/facts.d/stockade.fact %s" % HOOK_LOG)
    since = guest_now(guest)
    changed, out = apply_role(play_role)
    assert changed > 0, out
    assert guest("systemctl is-enabled stockade-agent.timer").stdout.strip() == "enabled"
    assert guest("/usr/local/bin/stockade-audit --version").stdout.startswith("stockade-audit ")
    # Nobody starts the service: the timer must.
    lines = wait_for_line(guest, since, lambda l: "COMPLIANT" in l, "a summary line")
    summary = next(l for l in lines if "COMPLIANT" in l)
    assert re.match(r"(NOT )?COMPLIANT: \d+ pass, \d+ fail, \d+ error, \d+ warn, \d+ waived, \d+ reboot, \d+ n/a; "
                    r"failing: ", summary), summary
    fact = json.loads(guest("cat /etc/ansible/facts.d/stockade.fact").stdout)
    assert fact["summary"]["failed_required"] == failing_of(summary) or fact["summary"]["compliant"]
    assert guest("systemctl show stockade-agent.timer -p LastTriggerUSec --value").stdout.strip() not in ("", "n/a")


def test_ansible_sees_the_fact_as_ansible_local(lab_inventory, ansible_env, lab_vm):
    done = subprocess.run(
        ["ansible", "-i", lab_inventory, "all", "-m", "ansible.builtin.setup", "-a", "filter=ansible_local"],
        cwd=REPO, env=dict(ansible_env, ANSIBLE_CALLBACK_RESULT_FORMAT="json"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout
    start = done.stdout.index("{")
    result = json.JSONDecoder().raw_decode(done.stdout[start:])[0]
    facts = result["ansible_facts"]["ansible_local"]["stockade"]
    assert {"controls", "summary", "engines", "generated_at"} <= set(facts)
    assert len(facts["controls"]) > 50
    assert facts["engines"]["docker"]["installed"]


def test_hand_made_drift_is_reported_by_the_timer(guest):
    # Known state first: the hardened host passes docker-no-new-privileges.
    since = guest_now(guest)
    wait_for_line(guest, since, lambda l: "COMPLIANT" in l and "docker-no-new-privileges" not in failing_of(l),
                  "docker-no-new-privileges passing")
    guest("rm -f %s" % HOOK_LOG)
    # The drift, by hand (configuration only; dockerd need not restart).
    guest(DRIFT)
    since = guest_now(guest)
    lines = wait_for_line(guest, since, lambda l: l.startswith("drift hook exited"), "drift and its hook")
    drift = [l for l in lines if re.search(r"new: [^;]*docker-no-new-privileges", l)]
    assert drift, lines
    assert re.search(r"new: docker-no-new-privileges;", drift[0]), drift  # exactly that control is new
    assert lines[lines.index(drift[0]) + 1] == "drift hook exited 0", lines
    hook = guest("cat %s" % HOOK_LOG).stdout
    assert "new=docker-no-new-privileges failing=" in hook, hook
    # Not compliant runs are logged at warning priority.
    warnings = guest("journalctl -t stockade-agent -p warning -o cat --no-pager --since @%d" % since).stdout
    assert "new: docker-no-new-privileges" in warnings
    # The next run does not call the hook again for the same drift.
    since = guest_now(guest)
    wait_for_line(guest, since + 1, lambda l: "COMPLIANT" in l and "new: none" in l, "a further run without new drift")
    assert guest("grep -c . %s" % HOOK_LOG).stdout.strip() == "1"
    guest(UNDO_DRIFT)  # the tests after this one start from the hardened host


def test_second_run_changes_nothing(play_role):
    changed, out = apply_role(play_role)
    assert changed == 0, out
