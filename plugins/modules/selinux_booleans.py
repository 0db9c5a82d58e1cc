#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: selinux_booleans
short_description: Set many SELinux booleans in one policy transaction
version_added: 0.1.0
description:
  - Sets every listed SELinux boolean on or off, at runtime and (by default) persistently, with one
    C(setsebool -P) call, so the policy store is rebuilt once instead of once per boolean.
  - A boolean counts as persisted only when the policy store's C(booleans.local) records it; a
    boolean that is merely at its policy default is written there too, so a policy update that
    changes the default cannot turn it back on.
  - Booleans listed in O(disabled) that the loaded policy does not have are reported in RV(missing)
    and skipped (the same list serves policies with and without them); a boolean in O(enabled) that
    the policy lacks is an error.
author:
  - Stockade contributors (@stockade)
options:
  enabled:
    description: Booleans to turn on.
    type: list
    elements: str
    default: []
  disabled:
    description: Booleans to turn off. A name in both O(enabled) and O(disabled) is an error.
    type: list
    elements: str
    default: []
  persistent:
    description: Also record the values in the policy store so that they survive a reboot.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Reports what would change without calling C(setsebool).
  diff_mode:
    support: full
    description: Shows the changed booleans as C(name=runtime/persisted) lines.
notes:
  - Runs as root only (set C(become)); without root it fails at its start, in check mode too, with one line saying so.
  - SELinux must be enabled (C(/sys/fs/selinux) mounted); on a host that still has to boot with
    SELinux the module fails and says so.
  - The policy store read for persisted values is C(/var/lib/selinux/<SELINUXTYPE>/active/booleans.local),
    with SELINUXTYPE from C(/etc/selinux/config) as libselinux reads it; both are read by the same code as the
    audit's C(host-selinux-container-booleans) control, and a C(booleans.local) it cannot read makes the module
    fail naming the file instead of guessing.
requirements:
  - setsebool (policycoreutils)
"""

EXAMPLES = r"""
- name: Container booleans off, except cgroup management for systemd containers
  stockade.hardening.selinux_booleans:
    enabled: [container_manage_cgroup]
    disabled: [container_connect_any, container_use_devices, container_use_sysadmin]
"""

RETURN = r"""
changed_booleans:
  description: Booleans that were (or in check mode would be) set, with their new value.
  returned: always
  type: dict
  sample: {container_use_devices: false}
missing:
  description: Booleans from O(disabled) that the loaded policy does not define.
  returned: always
  type: list
  elements: str
  sample: [container_use_dri]
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.selinux_booleans import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
