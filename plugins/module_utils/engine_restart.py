# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine_restart module's work: restart a service once, roll back its
configuration files when it does not come back.

The restart path is restart_with_rollback(service, ...): a step that must
pass before the restart (for example `dockerd --validate` on Docker 26) goes
in front of it in run_module, where a failure leaves the running engine
alone.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

from ansible_collections.stockade.hardening.plugins.module_utils import dockerd_validate
from ansible_collections.stockade.hardening.plugins.module_utils.config_files import WriteError, restore
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

# States after which waiting longer cannot make the service active.
FINAL_STATES = frozenset(("failed", "inactive"))
POLL_SECONDS = 0.5


class Health:
    """Whether the service came back, and if not, why."""

    def __init__(self, ok, state, reason=None, health_check_stderr=None):
        self.ok = ok
        self.state = state
        self.reason = reason
        self.health_check_stderr = health_check_stderr


class SystemdService:
    """The only code that talks to systemd, so that everything else can be
    exercised against any service manager (the engine tests use a dockerd
    started by pid file, since their machine has no systemd)."""

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def _systemctl(self, *args):
        rc, out, err = self.module.run_command([self.module.get_bin_path("systemctl", required=True)] + list(args))
        return rc, out.strip(), err.strip()

    def daemon_reload(self):
        return self._systemctl("daemon-reload")

    def restart(self):
        return self._systemctl("restart", self.name)

    def reset_failed(self):
        return self._systemctl("reset-failed", self.name)

    def state(self):
        return self._systemctl("is-active", self.name)[1] or "unknown"

    def logs(self, lines, since):
        journalctl = self.module.get_bin_path("journalctl")
        if journalctl:
            since_text = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since))
            rc, out, dummy = self.module.run_command(
                [journalctl, "--no-pager", "-o", "short", "-n", str(lines), "-u", self.name, "--since", since_text])
            if rc == 0 and out.strip() and not out.startswith("-- No entries --"):
                return out.strip().splitlines()[-lines:]
        out = self._systemctl("status", "--no-pager", "--full", "-n", str(lines), self.name)[1]
        return out.splitlines()


def run_health_check(argv, timeout):
    """(ok, stderr) of one run of the health check command (such as `docker info`), bounded by
    `timeout`."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=max(timeout, 1), check=False)
    except subprocess.TimeoutExpired:
        return False, "%s did not answer within %d s" % (" ".join(argv), timeout)
    except OSError as exc:
        return False, "cannot run %s: %s" % (argv[0], exc.strerror or exc)
    return result.returncode == 0, (result.stderr or result.stdout).strip() or "exit status %d" % result.returncode


def wait_healthy(service, health_check, timeout, check_runner=run_health_check, clock=time.monotonic, sleep=time.sleep):
    """Wait until `service` is active and the `health_check` command succeeds, at most `timeout` s."""
    deadline = clock() + timeout
    state = service.state()
    while state != "active":
        if state in FINAL_STATES:
            return Health(False, state, "%s is %s (systemctl is-active)" % (service.name, state))
        if clock() >= deadline:
            return Health(False, state, "%s is still %s after %d s" % (service.name, state, timeout))
        sleep(POLL_SECONDS)
        state = service.state()
    if not health_check:
        return Health(True, state)
    while True:
        ok, stderr = check_runner(health_check, deadline - clock())
        if ok:
            return Health(True, state)
        state = service.state()
        if state != "active":
            return Health(False, state, "%s went %s during its health check: %s" % (service.name, state, stderr),
                          stderr)
        if clock() >= deadline:
            return Health(False, state, "%s is active but %s kept failing for %d s: %s"
                          % (service.name, " ".join(health_check), timeout, stderr), stderr)
        sleep(POLL_SECONDS)


def restart_and_wait(service, health_check, timeout, check_runner=run_health_check):
    rc, out, err = service.restart()
    if rc != 0:
        return Health(False, service.state(), "systemctl restart %s exited %d: %s" % (service.name, rc, err or out))
    return wait_healthy(service, health_check, timeout, check_runner)


def restore_files(restore_list):
    """Put each file of `restore_list` back: (restored entries with their action, problems)."""
    restored, problems = [], []
    for entry in restore_list:
        try:
            action = restore(entry["path"], entry["backup"])
        except WriteError as exc:
            action = "not restored: %s" % exc
            problems.append(str(exc))
        restored.append(dict(entry, action=action))
    return restored, problems


def validate_first(module, params):
    """Before the restart: `dockerd --validate` of the new configuration where asked
    (validate: dockerd). Returns the result keys to report; fails the module, with
    the files put back and nothing restarted, when dockerd refuses the configuration."""
    if params["validate"] != "dockerd":
        return dict(validated=None)
    checked = dockerd_validate.validate(module.run_command, module.get_bin_path("dockerd", required=True),
                                        config_file=params["validate_config_file"])
    if not checked.supported:  # Docker before 23: the restart and its rollback decide
        return dict(validated=None, validation=checked.message)
    if checked.ok:
        return dict(validated=True, validation=checked.message)
    restored, problems = restore_files(params["restore"])
    module.fail_json(
        msg="dockerd --validate refuses the new configuration, so %s was not restarted and keeps running with the "
            "old one%s: %s" % (params["name"], "; %s put back" % ", ".join(e["path"] for e in restored)
                               if restored and not problems else
                               "; restoring failed: %s" % "; ".join(problems) if problems else "", checked.message),
        changed=bool(restored), restarted=False, rolled_back=bool(restored), restored=restored, recovered=None,
        failure=checked.message, validated=False, validation=checked.message)


def restart_with_rollback(service, health_check, timeout, restore_list, log_lines, check_runner=run_health_check,
                          clock=time.time):
    """Restart once; when the service does not come back, restore the files and
    restart again. Returns (result, error message or None)."""
    started = clock()
    health = restart_and_wait(service, health_check, timeout, check_runner)
    result = dict(changed=True, restarted=True, rolled_back=False, restored=[], recovered=None,
                  state=health.state, failure=None)
    if health.ok:
        return result, None
    result.update(failure=health.reason, logs=service.logs(log_lines, started))
    if health.health_check_stderr:
        result["health_check_stderr"] = health.health_check_stderr
    own_error = "\n".join(result["logs"]) or "(no log lines)"
    if not restore_list:
        return result, "%s did not come back after the restart: %s\nIts log:\n%s" % (service.name, health.reason, own_error)

    result["rolled_back"] = True
    result["restored"], problems = restore_files(restore_list)
    service.reset_failed()  # else StartLimitBurst= may refuse the recovery restart
    again = restart_and_wait(service, health_check, timeout, check_runner)
    result.update(recovered=again.ok, state=again.state)
    files = ", ".join(e["path"] for e in restore_list)
    if again.ok and not problems:
        outcome = "restored %s; %s is running again with the previous configuration" % (files, service.name)
    elif again.ok:
        outcome = "%s is running again, but some files could not be restored: %s" % (service.name, "; ".join(problems))
    else:
        outcome = "restored %s%s, but %s still does not come back: %s" % (
            files, " (with errors: %s)" % "; ".join(problems) if problems else "", service.name, again.reason)
    return result, "%s did not come back after the restart: %s\n%s\nIts log:\n%s" % (
        service.name, health.reason, outcome, own_error)


ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    restart=dict(type="bool", default=True),
    daemon_reload=dict(type="bool", default=False),
    health_check=dict(type="list", elements="str", aliases=["probe"]),
    timeout=dict(type="int", default=90),
    restore=dict(type="list", elements="dict", default=[], options=dict(
        path=dict(type="path", required=True),
        # raw: a required path option turns null into "", and null has a meaning here.
        backup=dict(type="raw", required=True),
    )),
    log_lines=dict(type="int", default=30),
    validate=dict(type="str", choices=["none", "dockerd"], default="none"),
    validate_config_file=dict(type="path"),
)


def run_module(module):
    """Everything engine_restart does, on an AnsibleModule."""
    params = module.params
    require_root(module, "engine_restart", "restarts a systemd service and may put its configuration files back")
    name = params["name"]
    if not re.fullmatch(r"[A-Za-z0-9@_.:\\-]+", name) or name.startswith("-"):
        module.fail_json(msg="name: %r is not a systemd unit name" % name)
    if params["health_check"] is not None and not [w for w in params["health_check"] if w]:
        module.fail_json(msg="health_check: give a command such as [docker, info], or leave it out")
    if params["timeout"] < 1:
        module.fail_json(msg="timeout: must be at least 1 second, found %d" % params["timeout"])
    if params["log_lines"] < 1:
        module.fail_json(msg="log_lines: must be at least 1, found %d" % params["log_lines"])

    idle = dict(changed=False, restarted=False, rolled_back=False, restored=[], recovered=None, failure=None)
    if not params["restart"]:
        module.exit_json(**idle)

    for entry in params["restore"]:
        backup = entry["backup"]
        if backup is not None and (not isinstance(backup, str) or not backup):
            module.fail_json(msg="restore: backup of %s must be a path, or null when the file did not exist; found %r"
                             % (entry["path"], backup))
    if module.check_mode:
        idle["changed"] = True
        module.exit_json(**idle)

    for entry in params["restore"]:
        backup = entry["backup"]
        if backup is not None and not (os.path.isfile(backup) and os.access(backup, os.R_OK)):
            # Found now, not after the engine is down: a missing backup would turn
            # the rollback into the loss of the file.
            module.fail_json(msg="restore: backup %s of %s is not a readable file; nothing was restarted"
                             % (entry["backup"], entry["path"]))

    service = SystemdService(module, name)
    if params["daemon_reload"]:
        rc, out, err = service.daemon_reload()
        if rc != 0:
            module.fail_json(msg="systemctl daemon-reload failed: %s; nothing was restarted" % (err or out))
    validation = validate_first(module, params)
    result, error = restart_with_rollback(service, params["health_check"], params["timeout"], params["restore"],
                                          params["log_lines"])
    result.update(validation)
    if error:
        module.fail_json(msg=error, **result)
    module.exit_json(**result)
