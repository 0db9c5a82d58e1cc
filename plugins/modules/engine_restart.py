#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: engine_restart
short_description: Restart a container engine once, and put its configuration back if it does not come up
version_added: 0.1.0
description:
  - Restarts a systemd service such as C(docker) or C(crio), waits until C(systemctl is-active) reports it active,
    and, when O(probe) is given, until that command succeeds (for example C(docker info)).
  - When the engine does not come back, the files in O(restore) are put back from their backups, the service is
    restarted again, and the module fails with the engine's own error (the last lines of C(journalctl -u NAME),
    or of C(systemctl status) without a journal) and the probe's error output. The host is left running the old
    configuration rather than without an engine.
  - Made to follow M(stockade.hardening.docker_daemon_config) and the other Stockade config writers, whose
    C(rollback) return value is the O(restore) list.
author:
  - Stockade contributors (@stockade)
options:
  name:
    description:
      - The systemd service to restart, such as C(docker), C(crio) or C(podman.socket).
    type: str
    required: true
  restart:
    description:
      - Whether to restart at all. Pass a writer's C(changed) here to restart only when its configuration changed.
      - When false, the module does nothing and reports no change.
    type: bool
    default: true
  daemon_reload:
    description:
      - Run C(systemctl daemon-reload) before the restart, as needed after a unit file or drop-in changed.
    type: bool
    default: false
  probe:
    description:
      - A command (argument vector, no shell) that must succeed once the service is active, such as C([docker, info]).
      - It is retried until it succeeds or O(timeout) runs out.
    type: list
    elements: str
  timeout:
    description:
      - Seconds to wait, after each restart, for the service to be active and O(probe) to succeed.
    type: int
    default: 90
  restore:
    description:
      - Files to put back when the service does not come back after the restart.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: The configuration file.
        type: path
        required: true
      backup:
        description:
          - The path of the copy of the file from before the change. Its content, mode and owner are put back.
          - Null means the file did not exist before the change, so it is removed.
          - Required, so that a forgotten backup never reads as "remove the file"; give null explicitly.
        type: raw
        required: true
  log_lines:
    description:
      - How many lines of the service's log to return, and to put in the error message, when it fails.
    type: int
    default: 30
notes:
  - C(systemctl reset-failed) runs before the rollback restart, so that systemd's start rate limit
    (C(StartLimitBurst=)) does not refuse the restart that puts the old configuration back.
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.docker_daemon_config
  - module: ansible.builtin.systemd_service
attributes:
  check_mode:
    support: full
    description: Nothing is restarted; reports a change when O(restart) is true.
  diff_mode:
    support: none
    description: The module changes no file unless it rolls back, and then it fails.
"""

EXAMPLES = r"""
- name: Harden dockerd
  stockade.hardening.docker_daemon_config:
    settings: {no-new-privileges: true}
  register: __docker_config

- name: Restart dockerd, roll back daemon.json if it does not come back
  stockade.hardening.engine_restart:
    name: docker
    restart: "{{ __docker_config.changed }}"
    probe: [docker, info]
    timeout: 120
    restore: "{{ __docker_config.rollback }}"

- name: Restart CRI-O after a new drop-in (which did not exist before)
  stockade.hardening.engine_restart:
    name: crio
    probe: [crictl, info]
    restore:
      - path: /etc/crio/crio.conf.d/50-stockade.conf
        backup: null
"""

RETURN = r"""
restarted:
  description: Whether the service was restarted (false in check mode and when O(restart) is false).
  returned: always
  type: bool
  sample: true
rolled_back:
  description: Whether the files of O(restore) were put back because the service did not come back.
  returned: always
  type: bool
  sample: false
restored:
  description: What was done to each file of O(restore).
  returned: always
  type: list
  elements: dict
  sample: [{path: /etc/docker/daemon.json, backup: "/etc/docker/daemon.json.2517.2026-03-01@10:12:44~", action: restored}]
recovered:
  description: After a rollback, whether the service came back with the restored files; null when there was no rollback.
  returned: always
  type: bool
  sample: null
state:
  description: The service's last C(systemctl is-active) state.
  returned: when the service was restarted
  type: str
  sample: active
failure:
  description: Why the first restart failed; null when it did not.
  returned: always
  type: str
  sample: "docker is failed (systemctl is-active)"
logs:
  description: The service's own last log lines after a failed restart.
  returned: when the restart failed
  type: list
  elements: str
probe_stderr:
  description: The error output of the last failed O(probe) run.
  returned: when the probe failed
  type: str
"""

import os
import re
import subprocess
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import WriteError, restore

# States after which waiting longer cannot make the service active.
FINAL_STATES = frozenset(("failed", "inactive"))
POLL_SECONDS = 0.5


class Health:
    """Whether the service came back, and if not, why."""

    def __init__(self, ok, state, reason=None, probe_stderr=None):
        self.ok = ok
        self.state = state
        self.reason = reason
        self.probe_stderr = probe_stderr


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


def run_probe(argv, timeout):
    """(ok, stderr) of one run of the probe command, bounded by `timeout`."""
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=max(timeout, 1), check=False)
    except subprocess.TimeoutExpired:
        return False, "%s did not answer within %d s" % (" ".join(argv), timeout)
    except OSError as exc:
        return False, "cannot run %s: %s" % (argv[0], exc.strerror or exc)
    return result.returncode == 0, (result.stderr or result.stdout).strip() or "exit status %d" % result.returncode


def wait_healthy(service, probe, timeout, probe_runner=run_probe, clock=time.monotonic, sleep=time.sleep):
    """Wait until `service` is active and `probe` succeeds, at most `timeout` s."""
    deadline = clock() + timeout
    state = service.state()
    while state != "active":
        if state in FINAL_STATES:
            return Health(False, state, "%s is %s (systemctl is-active)" % (service.name, state))
        if clock() >= deadline:
            return Health(False, state, "%s is still %s after %d s" % (service.name, state, timeout))
        sleep(POLL_SECONDS)
        state = service.state()
    if not probe:
        return Health(True, state)
    while True:
        ok, stderr = probe_runner(probe, deadline - clock())
        if ok:
            return Health(True, state)
        state = service.state()
        if state != "active":
            return Health(False, state, "%s went %s while probing: %s" % (service.name, state, stderr), stderr)
        if clock() >= deadline:
            return Health(False, state, "%s is active but %s kept failing for %d s: %s"
                          % (service.name, " ".join(probe), timeout, stderr), stderr)
        sleep(POLL_SECONDS)


def restart_and_wait(service, probe, timeout, probe_runner=run_probe):
    rc, out, err = service.restart()
    if rc != 0:
        return Health(False, service.state(), "systemctl restart %s exited %d: %s" % (service.name, rc, err or out))
    return wait_healthy(service, probe, timeout, probe_runner)


def restart_with_rollback(service, probe, timeout, restore_list, log_lines, probe_runner=run_probe, clock=time.time):
    """Restart once; when the service does not come back, restore the files and
    restart again. Returns (result, error message or None)."""
    started = clock()
    health = restart_and_wait(service, probe, timeout, probe_runner)
    result = dict(changed=True, restarted=True, rolled_back=False, restored=[], recovered=None,
                  state=health.state, failure=None)
    if health.ok:
        return result, None
    result.update(failure=health.reason, logs=service.logs(log_lines, started))
    if health.probe_stderr:
        result["probe_stderr"] = health.probe_stderr
    own_error = "\n".join(result["logs"]) or "(no log lines)"
    if not restore_list:
        return result, "%s did not come back after the restart: %s\nIts log:\n%s" % (service.name, health.reason, own_error)

    result["rolled_back"] = True
    problems = []
    for entry in restore_list:
        try:
            action = restore(entry["path"], entry["backup"])
        except WriteError as exc:
            action = "not restored: %s" % exc
            problems.append(str(exc))
        result["restored"].append(dict(entry, action=action))
    service.reset_failed()  # else StartLimitBurst= may refuse the recovery restart
    again = restart_and_wait(service, probe, timeout, probe_runner)
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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            restart=dict(type="bool", default=True),
            daemon_reload=dict(type="bool", default=False),
            probe=dict(type="list", elements="str"),
            timeout=dict(type="int", default=90),
            restore=dict(type="list", elements="dict", default=[], options=dict(
                path=dict(type="path", required=True),
                # raw: a required path option turns null into "", and null has a meaning here.
                backup=dict(type="raw", required=True),
            )),
            log_lines=dict(type="int", default=30),
        ),
        supports_check_mode=True,
    )
    params = module.params
    name = params["name"]
    if not re.fullmatch(r"[A-Za-z0-9@_.:\\-]+", name) or name.startswith("-"):
        module.fail_json(msg="name: %r is not a systemd unit name" % name)
    if params["probe"] is not None and not [w for w in params["probe"] if w]:
        module.fail_json(msg="probe: give a command such as [docker, info], or leave it out")
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
    result, error = restart_with_rollback(service, params["probe"], params["timeout"], params["restore"], params["log_lines"])
    if error:
        module.fail_json(msg=error, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
