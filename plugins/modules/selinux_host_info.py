#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: selinux_host_info
short_description: Read a host's SELinux state as the Stockade audit reads it
version_added: 0.1.0
description:
  - Reports, in one run, what the C(stockade.hardening.selinux) role decides on - the running SELinux mode,
    the mode and policy type of C(/etc/selinux/config) exactly as libselinux reads them, the mode the next boot
    will have (the kernel parameters of the entry GRUB will boot, and the kernel's LSM order), the active LSMs
    and policy modules, missing packages, root file system labels, sshd's SELinux domain and denials, and file
    contexts.
  - The SELinux state is read by the same code as the audit's C(host-selinux-*) controls, so the role acts on
    exactly what the audit judges.
  - Changes nothing.
author:
  - Stockade contributors (@stockade)
extends_documentation_fragment:
  - stockade.hardening.host_reader.READS_ONLY
options:
  policy_type:
    description: Policy whose module store (C(/var/lib/selinux/<policy_type>)) is listed.
    type: str
    required: true
  package_tool:
    description: How to tell whether O(packages) are installed.
    type: str
    choices: [dpkg, rpm]
  packages:
    description: Packages to report as missing when not installed.
    type: list
    elements: str
    default: []
  label_witnesses:
    description: Paths whose lack of an SELinux label means the root was never labelled.
    type: list
    elements: path
    default: []
  preflight_paths:
    description: Paths (globs) whose labels must match the policy before enforcing (C(matchpathcon -V)).
    type: list
    elements: str
    default: []
  grub_dropin:
    description: A GRUB defaults drop-in whose current content is returned.
    type: path
  kernel_params:
    description: C(NAME=VALUE) kernel parameters the boot entry GRUB will boot must pass.
    type: list
    elements: str
    default: []
  file_contexts:
    description: C({path, setype}) entries whose policy file context must carry C(setype).
    type: list
    elements: dict
    default: []
notes:
  - Runs as root only (set C(become)); without root it fails at its start, in check mode too, with one line saying so.
  - The pre-flight keys (RV(self_domain), RV(sshd_domains), RV(sshd_denials), RV(unverified_labels)) are returned
    only where SELinux runs.
"""

EXAMPLES = r"""
- name: Read the SELinux state
  stockade.hardening.selinux_host_info:
    policy_type: default
  register: selinux_host
"""

RETURN = r"""
runtime:
  description: The running mode (C(disabled) when SELinux does not run).
  returned: always
  type: str
  sample: enforcing
config_mode:
  description: The mode C(selinux_getenforcemode()) reads from C(/etc/selinux/config); null when it reads none.
  returned: always
  type: str
  sample: enforcing
config_type:
  description: SELINUXTYPE as libselinux reads it.
  returned: always
  type: str
  sample: default
next_boot:
  description: The mode after the next boot (C(enforcing), C(permissive), C(disabled)); null when it cannot be told.
  returned: always
  type: str
  sample: enforcing
lsms:
  description: Active Linux security modules.
  returned: always
  type: list
  elements: str
modules:
  description: Active policy modules of O(policy_type).
  returned: always
  type: list
  elements: str
disabled_modules:
  description: Policy modules of O(policy_type) installed but disabled.
  returned: always
  type: list
  elements: str
shipped_modules:
  description:
    - Modules the policy package ships ready to install, name to file (C(/usr/share/selinux/POLICY/NAME.pp[.bz2])).
  returned: always
  type: dict
  sample: {container: /usr/share/selinux/default/container.pp.bz2}
missing_packages:
  description: O(packages) not installed.
  returned: always
  type: list
  elements: str
root_labelled:
  description: Whether every O(label_witnesses) path carries an SELinux label.
  returned: always
  type: bool
autorelabel_pending:
  description: Whether C(/.autorelabel) exists.
  returned: always
  type: bool
grub_dropin:
  description: Content of O(grub_dropin), null when absent.
  returned: always
  type: str
grub_cfg_has_params:
  description: Whether the entry GRUB will boot passes every O(kernel_params).
  returned: always
  type: bool
file_context_mismatches:
  description: O(file_contexts) entries whose policy context lacks the wanted type.
  returned: always
  type: list
  elements: dict
self_domain:
  description: The SELinux domain this module ran in.
  returned: when SELinux runs
  type: str
sshd_domains:
  description: Domains of the running sshd processes.
  returned: when SELinux runs
  type: list
  elements: str
sshd_denials:
  description: AVC denials involving sshd since boot (at most 20).
  returned: when SELinux runs
  type: list
  elements: str
unverified_labels:
  description: O(preflight_paths) whose labels differ from the policy's.
  returned: when SELinux runs
  type: list
  elements: str
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.selinux_host_info import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
