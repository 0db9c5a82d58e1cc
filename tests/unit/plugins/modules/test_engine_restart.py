# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""engine_restart: restart once, roll the configuration back when the engine
does not come up.

This machine has no systemd, so the module runs against stand-in
`systemctl` and `journalctl` programs put first on PATH: the module, its
option handling, its subprocess calls and the real file restore all run
unchanged. The stand-in "engine" behaves like dockerd: it starts only when
its daemon.json is a JSON object without an unknown key, and logs dockerd's
own error otherwise. tests/engines/test_daemon_config_rollback.py repeats
the scenario with a real dockerd.
"""

import json
import os
import stat
import sys
import textwrap

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import make_backup
from ansible_collections.stockade.hardening.plugins.modules import engine_restart
from ansible_collections.stockade.hardening.plugins.module_utils import engine_restart as service_restart
from ansible_collections.stockade.hardening.plugins.module_utils.engine_restart import Health, wait_healthy

SYSTEMCTL = r'''
import json, os, sys
state_dir = os.environ["FAKE_ENGINE_DIR"]
def path(name):
    return os.path.join(state_dir, name)
def read(name, default=""):
    try:
        with open(path(name)) as handle:
            return handle.read()
    except FileNotFoundError:
        return default
def write(name, text, mode="w"):
    with open(path(name), mode) as handle:
        handle.write(text)
command, args = sys.argv[1], sys.argv[2:]
write("calls", " ".join(sys.argv[1:]) + "\n", "a")
if command == "restart":
    error = None
    try:
        with open(read("config_path")) as handle:
            config = json.load(handle)
        unknown = sorted(set(config) - {"debug", "icc", "live-restore"}) if isinstance(config, dict) else []
        if not isinstance(config, dict):
            error = "json: cannot unmarshal array into Go value of type map[string]interface {}"
        elif unknown:
            error = "the following directives don't match any configuration option: %s" % ", ".join(unknown)
    except FileNotFoundError:
        pass
    except ValueError as exc:
        error = "unable to configure the Docker daemon with file %s: %s" % (read("config_path"), exc)
    if error:
        write("state", "failed")
        write("journal", "dockerd[4242]: %s\nsystemd[1]: engine.service: Failed with result 'exit-code'.\n" % error, "a")
        sys.stderr.write("Job for engine.service failed because the control process exited with error code.\n")
        sys.exit(1)
    write("state", read("state_after_start", "active"))
elif command == "is-active":
    state = read("state", "inactive")
    print(state)
    sys.exit(0 if state == "active" else 3)
elif command == "status":
    print("* engine.service\n     Active: %s" % read("state", "inactive"))
    sys.stdout.write(read("journal"))
'''

JOURNALCTL = r'''
import os, sys
with open(os.path.join(os.environ["FAKE_ENGINE_DIR"], "journal")) as handle:
    sys.stdout.write(handle.read())
'''


@pytest.fixture
def engine(tmp_path, monkeypatch):
    """The stand-in engine: its state directory and its daemon.json."""
    state_dir = tmp_path / "engine"
    bin_dir = tmp_path / "bin"
    state_dir.mkdir()
    bin_dir.mkdir()
    for name, body in (("systemctl", SYSTEMCTL), ("journalctl", JOURNALCTL)):
        program = bin_dir / name
        program.write_text("#!%s\n%s" % (sys.executable, textwrap.dedent(body)))
        program.chmod(0o755)
    (state_dir / "journal").write_text("")
    config = tmp_path / "daemon.json"
    (state_dir / "config_path").write_text(str(config))
    monkeypatch.setenv("FAKE_ENGINE_DIR", str(state_dir))
    monkeypatch.setenv("PATH", "%s:%s" % (bin_dir, os.environ["PATH"]))
    return Engine(state_dir, config)


class Engine:
    def __init__(self, state_dir, config):
        self.state_dir = state_dir
        self.config = config

    def calls(self):
        path = self.state_dir / "calls"
        return path.read_text().splitlines() if path.exists() else []

    def set(self, name, text):
        (self.state_dir / name).write_text(text)


def run(check_mode=False, **args):
    args["_ansible_check_mode"] = check_mode
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            engine_restart.main()
    return json.loads(run.capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _capture(capsys):
    run.capsys = capsys


def test_healthy_restart(engine):
    engine.config.write_text('{"icc": false}')
    result = run(name="engine", health_check=["true"], timeout=5)
    assert result["changed"] is True and result["restarted"] is True
    assert result["rolled_back"] is False and result["failure"] is None
    assert result["state"] == "active"
    assert engine.calls() == ["restart engine", "is-active engine"]


def test_failed_restart_restores_backup_and_restarts_again(engine):
    original = '{"icc": false}\n'
    engine.config.write_text(original)
    os.chmod(str(engine.config), 0o600)
    backup = make_backup(str(engine.config))
    engine.config.write_text('{"icc": false, "no-such-option": true}\n')
    result = run(name="engine", restore=[{"path": str(engine.config), "backup": backup}], timeout=5)
    assert result["failed"] is True
    assert result["rolled_back"] is True and result["recovered"] is True
    assert engine.config.read_text() == original
    assert stat.S_IMODE(engine.config.stat().st_mode) == 0o600
    assert result["restored"] == [{"path": str(engine.config), "backup": backup, "action": "restored from %s" % backup}]
    # The engine's own error, not only systemd's summary, reaches the user.
    assert "don't match any configuration option: no-such-option" in result["msg"]
    assert "is running again with the previous configuration" in result["msg"]
    assert "exited 1: Job for engine.service failed" in result["failure"]
    assert engine.calls() == ["restart engine", "is-active engine", "reset-failed engine", "restart engine",
                              "is-active engine"]


def test_restore_with_null_backup_removes_the_new_file(engine):
    engine.config.write_text("{not json")
    result = run(name="engine", restore=[{"path": str(engine.config), "backup": None}], timeout=5)
    assert result["failed"] is True and result["recovered"] is True
    assert not engine.config.exists()
    assert result["restored"][0]["action"] == "removed (it did not exist before)"
    assert "unable to configure the Docker daemon" in result["msg"]


def test_failure_without_restore_list_reports_the_engine_error(engine):
    engine.config.write_text("[]")
    result = run(name="engine", timeout=5)
    assert result["failed"] is True and result["rolled_back"] is False
    assert "engine did not come back after the restart" in result["msg"]
    assert "dockerd[4242]: json: cannot unmarshal array" in result["msg"]
    assert engine.calls() == ["restart engine", "is-active engine"]


def test_rollback_that_does_not_help_says_so(engine):
    engine.config.write_text('{"bad-key": 1}')
    backup = make_backup(str(engine.config))  # the "old" file is just as bad
    result = run(name="engine", restore=[{"path": str(engine.config), "backup": backup}], timeout=5)
    assert result["failed"] is True and result["recovered"] is False
    assert "still does not come back" in result["msg"]


def test_health_check_failure_counts_as_failure(engine, tmp_path):
    engine.config.write_text('{"icc": false}')
    backup = make_backup(str(engine.config))
    result = run(name="engine", health_check=["sh", "-c", "echo cannot connect to the engine >&2; exit 1"], timeout=1,
                 restore=[{"path": str(engine.config), "backup": backup}])
    assert result["failed"] is True
    assert result["health_check_stderr"] == "cannot connect to the engine"
    assert "kept failing" in result["failure"]


def test_missing_backup_fails_before_restarting(engine, tmp_path):
    result = run(name="engine", restore=[{"path": str(engine.config), "backup": str(tmp_path / "gone~")}])
    assert result["failed"] is True and "nothing was restarted" in result["msg"]
    assert engine.calls() == []


def test_check_mode_restarts_nothing(engine):
    result = run(check_mode=True, name="engine")
    assert result["changed"] is True and result["restarted"] is False
    assert engine.calls() == []


def test_restart_false_does_nothing(engine):
    result = run(name="engine", restart=False)
    assert result["changed"] is False and engine.calls() == []


def test_daemon_reload_runs_first(engine):
    engine.config.write_text("{}")
    run(name="engine", daemon_reload=True, timeout=5)
    assert engine.calls()[:2] == ["daemon-reload", "restart engine"]


@pytest.mark.parametrize("args, message", [
    ({"name": "docker; reboot"}, "is not a systemd unit name"),
    ({"name": "--now"}, "is not a systemd unit name"),
    ({"name": "docker", "health_check": []}, "health_check: give a command"),
    ({"name": "docker", "probe": []}, "health_check: give a command"),  # its former name
    ({"name": "docker", "timeout": 0}, "timeout: must be at least 1"),
    ({"name": "docker", "log_lines": 0}, "log_lines: must be at least 1"),
    ({"name": "docker", "restore": [{"path": "/etc/docker/daemon.json"}]}, "missing required arguments: backup"),
    ({"name": "docker", "restore": [{"backup": None}]}, "missing required arguments: path"),
    ({"name": "docker", "restore": [{"path": "/etc/docker/daemon.json", "backup": ""}]}, "must be a path, or null"),
    ({"name": "docker", "restore": [{"path": "/etc/docker/daemon.json", "backup": 3}]}, "must be a path, or null"),
])
def test_invalid_options_are_refused(engine, args, message):
    result = run(**args)
    assert result["failed"] is True and message in result["msg"]
    assert engine.calls() == []


class ScriptedService:
    """States a service reports in turn (the last one repeats)."""
    name = "engine"

    def __init__(self, *states):
        self.states = list(states)

    def state(self):
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_wait_healthy_waits_through_activating():
    clock = Clock()
    health = wait_healthy(ScriptedService("activating", "activating", "active"), None, 10, clock=clock, sleep=clock.sleep)
    assert (health.ok, health.state, clock.now) == (True, "active", 1.0)


def test_wait_healthy_stops_at_failed_without_waiting_out_the_timeout():
    clock = Clock()
    health = wait_healthy(ScriptedService("activating", "failed"), None, 60, clock=clock, sleep=clock.sleep)
    assert (health.ok, health.reason, clock.now) == (False, "engine is failed (systemctl is-active)", 0.5)


def test_wait_healthy_times_out_in_activating():
    clock = Clock()
    health = wait_healthy(ScriptedService("activating"), None, 3, clock=clock, sleep=clock.sleep)
    assert not health.ok and "still activating after 3 s" in health.reason


def test_wait_healthy_retries_the_health_check_until_it_answers():
    clock = Clock()
    answers = [(False, "Cannot connect"), (False, "Cannot connect"), (True, "")]
    health = wait_healthy(ScriptedService("active"), ["docker", "info"], 10,
                          check_runner=lambda argv, timeout: answers.pop(0), clock=clock, sleep=clock.sleep)
    assert isinstance(health, Health) and health.ok and answers == []


def test_wait_healthy_notices_the_service_dying_during_the_health_check():
    clock = Clock()
    health = wait_healthy(ScriptedService("active", "active", "failed"), ["docker", "info"], 10,
                          check_runner=lambda argv, timeout: (False, "Cannot connect"), clock=clock, sleep=clock.sleep)
    assert not health.ok and health.reason == "engine went failed during its health check: Cannot connect"


def test_run_health_check_reports_timeout_and_missing_program():
    assert service_restart.run_health_check(["sleep", "5"], 1) == (False, "sleep 5 did not answer within 1 s")
    ok, error = service_restart.run_health_check(["/nonexistent/docker", "info"], 1)
    assert not ok and "cannot run /nonexistent/docker" in error
