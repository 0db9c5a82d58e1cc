#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: kernel_cmdline_info
short_description: Read the running kernel's command line as the kernel and the Stockade audit read it
version_added: 0.3.0
description:
  - Reads C(/proc/cmdline) with the audit's own reader of the kernel command line (Linux's C(parse_args())
    words, double quotes, C(--) ending the kernel's parameters, C(-) and C(_) alike in a name, the last value
    the parameter's handler accepts winning) and reports which of O(params) the running kernel did not get.
  - The C(stockade.hardening.kernel) role decides its reboot on RV(missing), so it agrees with the audit's
    C(host-ia32-emulation-off) and C(host-vsyscall-none) controls.
  - Changes nothing.
author:
  - Stockade contributors (@stockade)
extends_documentation_fragment:
  - stockade.hardening.host_reader
options:
  params:
    description:
      - Boot parameters, each C(name=value), whose presence on the running kernel's command line is asked.
      - C(ia32_emulation) values are compared as the kernel's C(kstrtobool()) reads them, C(vsyscall) values as
        its handler reads them (C(emulate), C(xonly) or C(none)); other values as text.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Which boot parameters the running kernel lacks
  stockade.hardening.kernel_cmdline_info:
    params: [ia32_emulation=0, vsyscall=none]
  register: boot
"""

RETURN = r"""
cmdline:
  description: The running kernel's command line (C(/proc/cmdline)), null when it is not under O(root).
  returned: always
  type: str
  sample: BOOT_IMAGE=/vmlinuz-6.12.0 root=/dev/vda1 ro vsyscall=none
params:
  description: The kernel's own parameters, in order, each C([name, value]) (value null for a bare word), null
    when C(/proc/cmdline) is not under O(root).
  returned: always
  type: list
  elements: list
missing:
  description: The O(params) the running kernel did not get (all of them when C(/proc/cmdline) is not there).
  returned: always
  type: list
  elements: str
  sample: [ia32_emulation=0]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.kernel_cmdline_info import ARGUMENT_SPEC, run_module


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True))


if __name__ == "__main__":
    main()
