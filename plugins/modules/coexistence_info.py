#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: coexistence_info
short_description: Find the settings of other hardening roles that would fight Stockade's
version_added: 0.1.0
description:
  - Reports which file C(systemd-sysctl) applies last for each sysctl the C(stockade.hardening.kernel) role sets,
    once O(sysctl_file) holds them and O(sysctl_files_replaced) are removed, read by the audit's own sysctl reader;
    the keys another file overrides, and which of those the audit would fail (RV(blocking)).
  - Reports the persisted C(net.ipv4.ip_forward) and C(kernel.unprivileged_userns_clone), which generic hardening
    (dev-sec's C(os_hardening)) sets to 0.
  - Reports the marks other hardening roles left on the host (dev-sec's C(os_hardening), linux-system-roles'
    C(selinux)); see C(docs/COEXISTENCE.md).
  - Changes nothing.
author:
  - Stockade contributors (@stockade)
extends_documentation_fragment:
  - stockade.hardening.host_reader
options:
  sysctl_file:
    description: The file the kernel role writes its sysctls to.
    type: path
    required: true
  sysctls:
    description: The sysctls the kernel role writes, name to value.
    type: dict
    default: {}
  sysctl_files_replaced:
    description: Earlier files of the kernel role, read as removed.
    type: list
    elements: path
    default: []
notes:
  - Runs as root only (set C(become)); dev-sec's C(/etc/sysctl.d/90-dev-sec.conf) is readable by root only.
"""

EXAMPLES = r"""
- name: Find which sysctl file wins
  stockade.hardening.coexistence_info:
    sysctl_file: /etc/sysctl.d/99-zz-stockade.conf
    sysctls: {fs.protected_fifos: 2}
    sysctl_files_replaced: [/etc/sysctl.d/99-stockade.conf]
  register: coexistence
"""

RETURN = r"""
applied:
  description: For each of O(sysctls), the value C(systemd-sysctl) applies at boot and the file it comes from.
  returned: always
  type: dict
  sample: {fs.protected_fifos: {value: "2", file: /etc/sysctl.d/99-zz-stockade.conf}}
overridden:
  description: The O(sysctls) a later file sets to another value (C(key), C(ours), C(value), C(file), C(control),
    C(audit_passes)).
  returned: always
  type: list
  elements: dict
blocking:
  description: The RV(overridden) entries whose winning value the audit fails, or that no control judges.
  returned: always
  type: list
  elements: dict
running_differs:
  description: The O(sysctls) whose running value (C(/proc/sys)) is not the one wanted.
  returned: always
  type: list
  elements: str
ip_forward:
  description: The persisted C(net.ipv4.ip_forward) and its file, null when no file sets it.
  returned: always
  type: dict
unprivileged_userns_clone:
  description: The persisted C(kernel.unprivileged_userns_clone) (Debian) and its file, null when no file sets it.
  returned: always
  type: dict
failures:
  description: What C(systemd-sysctl) would report as failures while applying the files.
  returned: always
  type: list
  elements: str
managers:
  description: Other hardening roles found on the host (C(tool), C(evidence)).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.coexistence_info import ARGUMENT_SPEC, run_module


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True))


if __name__ == "__main__":
    main()
