#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: posture_verify
short_description: Fail when a required container-confinement control fails
version_added: 0.1.0
description:
  - Runs the same audit as M(stockade.hardening.posture_facts), applies a policy (which layers and
    controls are required, which failures are waived and why), and fails with one short line
    per failed control (id, status, first evidence, the role that fixes it; a waiver past its date
    says C(waiver expired on DATE)), as many as fit in about 1200 characters, then a count.
  - A required control fails the verification when its status is C(fail) or C(error), because a file
    that cannot be read or parsed is never taken as a pass. C(not_applicable) never fails it.
  - The full report is returned when the verification passes. Ansible prints the whole result of a failed
    task (a full report is over 100 KB), so a failure returns a slim RV(report) (the verdict of each control
    that applies, no evidence), RV(failures) and RV(summary) when the task registers its result (C(failed_when)
    on RV(failed_controls) keeps a registered failure quiet, as the playbook C(stockade.hardening.harden)
    does), and its message and RV(failed_controls) only when it does not. O(report_path) keeps the full
    report on the target.
  - Unknown control ids in the policy are an error that names the closest known id.
author:
  - Stockade contributors (@stockade)
extends_documentation_fragment:
  - stockade.hardening.posture
options:
  mac:
    description:
      - Which mandatory access control meets the selinux (MAC) layer, as the operator's C(stockade_mac) says
        (the playbook C(stockade.hardening.harden) passes it). C(apparmor) requires C(host-apparmor-enabled),
        C(docker-apparmor-profile) and C(podman-apparmor-profile) and makes the SELinux-only controls advisory
        (reason C(the policy's MAC is AppArmor)); C(selinux) the reverse.
      - Unset, the policy's own C(mac) decides (default C(selinux)); set, it must agree with the policy's C(mac).
    type: str
    choices: [selinux, apparmor]
    version_added: 0.2.0
  report_path:
    description:
      - A file on the target to write the full report to (JSON, as C(stockade-audit --format json) prints it,
        mode C(0600)), whether the verification passes or fails, also in check mode (it is this task's output,
        not host configuration). Its directory must exist.
      - Unset, the full report of a failing verification is not kept.
    type: path
    version_added: 0.1.0
  policy:
    description:
      - What the host must pass. Omitted keys keep their defaults.
    type: dict
    default: {}
    suboptions:
      layers:
        description:
          - Layers whose controls are required. Default is every layer.
          - Controls marked optional in the catalogue (for example C(host-ia32-emulation-off))
            stay advisory unless listed in O(policy.require).
        type: list
        elements: str
        choices: [seccomp, kernel_fs, capabilities, selinux, no_new_privs, namespaces, userns, vm_isolation, kernel,
                  engine_access, operations]
      require:
        description:
          - Further control ids that must pass, such as the opt-in ones.
        type: list
        elements: str
        default: []
      waivers:
        description:
          - Failures that are accepted, each with its reason. Unknown control ids are an error.
        type: list
        elements: dict
        default: []
        suboptions:
          control:
            description: Control id being waived.
            type: str
            required: true
          justification:
            description: Why the failure is accepted; shown in every report.
            type: str
            required: true
          expires:
            description: Date (YYYY-MM-DD) after which the waiver no longer applies.
            type: str
      selinux_booleans_allowed:
        description:
          - Container SELinux booleans that may be on. Control C(host-selinux-container-booleans) passes when
            every boolean that is on is listed here (its evidence says C(NAME on (allowed by policy))), and fails
            naming only the booleans that are on and not listed.
          - Unlike a waiver of the whole control, a boolean turned on later that is not listed still fails it.
          - Names must be container booleans the control knows (C(container_manage_cgroup),
            C(container_connect_any), C(container_use_devices), C(container_read_certs),
            C(container_can_execstack), C(container_use_host_all_caps), C(container_use_sysadmin),
            C(container_use_mknod), C(container_use_dri), C(container_use_ecryptfs),
            C(container_use_xserver_devices)); another name is an error.
          - The playbook C(stockade.hardening.harden) adds the selinux role's C(stockade_selinux_booleans_on) to this list.
        type: list
        elements: str
        default: []
      sandbox_required:
        description:
          - The containers that must run in the gVisor sandbox; controls C(docker-containers-sandbox-required),
            C(podman-containers-sandbox-required) and C(host-containers-sandbox-required) fail naming each
            selected container whose processes the kernel does not show inside a runsc sandbox.
        type: dict
        suboptions:
          names:
            description: Shell patterns (case-sensitive) on the container name; a container no engine reported
              is matched by its id.
            type: list
            elements: str
            default: []
          labels:
            description: Labels that select a container, C(KEY=VALUE), or C(KEY) for any value.
            type: list
            elements: str
            default: []
      rootless_users:
        description:
          - User names whose rootless engines are audited besides every account that holds a range in
            C(/etc/subuid) or C(/etc/subgid) (controls C(podman-rootless-*), C(docker-rootless-*), C(host-rootless-*)).
          - A name with no account in C(/etc/passwd) is an error.
        type: list
        elements: str
        default: []
        version_added: 0.2.0
      mac:
        description:
          - The MAC layer's mechanism, C(selinux) (default) or C(apparmor); see O(mac).
        type: str
        choices: [selinux, apparmor]
        version_added: 0.2.0
"""

EXAMPLES = r"""
- name: Every required layer must hold
  stockade.hardening.posture_verify:

- name: Keep the verdicts of a failing verification for later tasks, the full report on the host
  stockade.hardening.posture_verify:
    report_path: /root/stockade-verify.json
  register: posture
  failed_when: posture.failed_controls is not defined  # only a policy error fails this task

- name: Require the opt-in kernel boot parameter, waive userns for Docker
  stockade.hardening.posture_verify:
    policy:
      require: [host-ia32-emulation-off]
      waivers:
        - control: docker-userns-remap
          justification: CI runners need bind mounts owned by host uids (TICKET-123)
          expires: "2027-03-31"
  register: posture

- name: Systemd runs in containers, so container_manage_cgroup may be on (and no other container boolean)
  stockade.hardening.posture_verify:
    policy:
      selinux_booleans_allowed: [container_manage_cgroup]
"""

RETURN = r"""
report:
  description:
    - The full report with the policy applied (C(required), C(waived), C(waiver) per control) when the
      verification passes.
    - When it fails, a slim report; its summary is the full one, its C(controls) are those whose status is
      not C(not_applicable), each with C(id), C(layer), C(engine), C(status), C(required), and C(waived) and
      C(reboot_pending) when true. The full report is in RV(report_path).
    - Control C(host-selinux-container-booleans) is judged with O(policy.selinux_booleans_allowed); a boolean
      on and allowed shows as C(NAME on (allowed by policy)) in its evidence.
  returned: when the verification passes, or the task registers its result
  type: dict
failures:
  description: One line per required control that failed, in the order of RV(failed_controls) (id, status, first
    evidence, the role that fixes it).
  returned: when the verification fails and the task registers its result
  type: list
  elements: str
  sample: ["docker-no-new-privileges FAIL: no-new-privileges = (unset) (engine default) -- fix: stockade.hardening.no_new_privs"]
report_path:
  description: Where the full report was written on the target (O(report_path)).
  returned: when O(report_path) is set
  type: str
  sample: /root/stockade-verify.json
failed_controls:
  description: Ids of the required controls that failed and were not waived.
  returned: always
  type: list
  elements: str
  sample: [docker-no-new-privileges, host-selinux-enforcing]
summary:
  description:
    - Counts by verdict once the policy is applied (C(verdicts)), the numbers that the failure message, the
      C(stockade-audit) table, JUnit, SARIF and HTML reports show. An advisory control that fails is C(warn),
      not C(fail); C(reboot) is a required failure whose fix waits for a reboot; C(fail), C(error) and
      C(reboot) together are the required failures (C(failed_required)).
    - C(counts) are the checks' statuses before the policy (an advisory failure is a C(fail) there);
      use C(verdicts) for anything shown to people.
    - Also the required failures and the controls waiting for a reboot.
  returned: when the verification passes, or the task registers its result
  type: dict
  sample: {compliant: false, counts: {pass: 30, fail: 4}, failed_required: [host-selinux-enforcing], reboot_pending: [],
           verdicts: {pass: 30, fail: 1, error: 0, warn: 2, waived: 1, reboot: 0, not_applicable: 40}}
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.posture_verify import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
