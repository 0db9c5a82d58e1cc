#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: posture_facts
short_description: Audit every container-confinement layer of a host and return it as facts
version_added: 0.1.0
description:
  - Runs Stockade's posture audit on the managed host and sets C(ansible_facts.stockade_posture).
  - Every control reads host state (files under O(root), and running engines when O(live) allows),
    judges the effective state rather than one file, and reports C(pass), C(fail), C(not_applicable)
    or C(error) with the evidence it read and the role and variables that fix it.
  - Layers covered are seccomp, kernel_fs, capabilities, selinux, no_new_privs, namespaces, userns,
    vm_isolation and kernel, for the engines docker, podman and crio and for the host.
  - To fail a play on findings, use M(stockade.hardening.posture_verify) instead.
author:
  - Stockade contributors (@stockade)
extends_documentation_fragment:
  - stockade.hardening.posture
attributes:
  facts:
    support: full
    description: Sets C(ansible_facts.stockade_posture).
"""

EXAMPLES = r"""
- name: Audit the host
  stockade.hardening.posture_facts:

- name: Show what fails
  ansible.builtin.debug:
    msg: "{{ ansible_facts.stockade_posture.summary.failed_required }}"

- name: Audit an unpacked image tree, no live engine queries
  stockade.hardening.posture_facts:
    root: /srv/images/rootfs
    layers: [seccomp, selinux]
"""

RETURN = r"""
ansible_facts:
  description: Facts set by this module.
  returned: always
  type: dict
  contains:
    stockade_posture:
      description:
        - The full report. C(controls) lists every control with C(id), C(layer), C(engine), C(title),
          C(status), C(evidence), C(remediation), C(reboot_pending), C(required) and C(cis_docker_1_6_0).
        - C(summary) counts verdicts under the default policy (C(verdicts), the counts every report format
          shows), the checks' statuses (C(counts)), and lists the required controls that failed.
      returned: always
      type: dict
      sample:
        root: /
        live: true
        engines: {docker: {installed: true, live: true}}
        controls:
          - id: docker-no-new-privileges
            layer: no_new_privs
            engine: docker
            status: fail
            evidence: ["no-new-privileges = (unset) (engine default)"]
            remediation: {role: stockade.hardening.no_new_privs, variables: {stockade_no_new_privs_docker: true}}
        summary: {compliant: false, failed_required: [docker-no-new-privileges]}
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.posture_facts import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
