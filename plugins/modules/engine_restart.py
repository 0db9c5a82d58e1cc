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
    and, when O(health_check) is given, until that command succeeds (for example C(docker info)).
  - When the engine does not come back, the files in O(restore) are put back from their backups, the service is
    restarted again, and the module fails with the engine's own error (the last lines of C(journalctl -u NAME),
    or of C(systemctl status) without a journal) and the health check's error output. The host is left running the old
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
  health_check:
    description:
      - A command (argument vector, no shell) that must succeed once the service is active, such as C([docker, info]).
      - It is retried until it succeeds or O(timeout) runs out.
      - C(probe) is its former name, still accepted.
    type: list
    elements: str
    aliases: [probe]
  timeout:
    description:
      - Seconds to wait, after each restart, for the service to be active and O(health_check) to succeed.
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
  validate:
    description:
      - C(dockerd) runs C(dockerd --validate) on the new configuration before the restart (Docker 23 and later).
        When dockerd refuses it (a wrong type, an unknown key), the files of O(restore) are put back, nothing is
        restarted, the running dockerd keeps its old configuration, and the module fails with dockerd's words.
      - A dockerd that cannot validate (Docker 20.10) is restarted as without it; the rollback after the restart
        stays for what loading the configuration cannot catch (a missing seccomp profile file, a runtime).
    type: str
    choices: [none, dockerd]
    default: none
  validate_config_file:
    description:
      - The daemon.json for O(validate=dockerd); default dockerd's own default path.
    type: path
notes:
  - Runs as root only (set C(become)); without root it fails at once, in check mode too.
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

- name: Restart dockerd after dockerd --validate, roll back daemon.json if it does not come back
  stockade.hardening.engine_restart:
    name: docker
    restart: "{{ __docker_config.changed }}"
    validate: dockerd
    validate_config_file: "{{ __docker_config.path }}"
    health_check: [docker, info]
    timeout: 120
    restore: "{{ __docker_config.rollback }}"

- name: Restart CRI-O after a new drop-in (which did not exist before)
  stockade.hardening.engine_restart:
    name: crio
    health_check: [crictl, info]
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
health_check_stderr:
  description: The error output of the last failed O(health_check) run.
  returned: when the health check failed
  type: str
validated:
  description:
    - With O(validate=dockerd), whether dockerd accepted the new configuration before the restart; null when
      not asked or when this dockerd cannot validate.
  returned: when the module got as far as the restart, or when validation refused the configuration
  type: bool
  sample: true
validation:
  description: What C(dockerd --validate) printed (C(configuration OK), its refusal, or that it has no such flag).
  returned: when O(validate=dockerd)
  type: str
  sample: configuration OK
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.engine_restart import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
