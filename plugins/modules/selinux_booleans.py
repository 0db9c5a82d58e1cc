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
  - SELinux must be enabled (C(/sys/fs/selinux) mounted); on a host that still has to boot with
    SELinux the module fails and says so.
  - The policy store read for persisted values is C(/var/lib/selinux/<SELINUXTYPE>/active/booleans.local),
    with SELINUXTYPE from C(/etc/selinux/config).
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

import os

from ansible.module_utils.basic import AnsibleModule

SELINUXFS = "/sys/fs/selinux"
CONFIG = "/etc/selinux/config"
STORE = "/var/lib/selinux"
TRUE_WORDS = ("1", "true", "on")


def policy_type():
    try:
        with open(CONFIG) as handle:
            for line in handle:
                key, sep, value = line.strip().partition("=")
                if sep and key.strip() == "SELINUXTYPE":
                    return value.strip().strip('"')
    except (IOError, OSError):
        pass
    return "targeted"


def read_persisted(path):
    """{name: bool} from a booleans.local file (absent file: nothing persisted)."""
    values = {}
    try:
        with open(path) as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError):
        return values
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().lower() in TRUE_WORDS
    return values


def read_runtime(selinuxfs, name):
    """Current value of a boolean, or None when the policy has no such boolean."""
    try:
        with open(os.path.join(selinuxfs, "booleans", name)) as handle:
            return handle.read().split()[0] == "1"
    except (IOError, OSError, IndexError):
        return None


def plan(wanted, runtime, persisted, persistent):
    """Booleans whose runtime (or persisted) value differs from the wanted one."""
    return dict((name, value) for name, value in sorted(wanted.items())
                if runtime[name] != value or (persistent and persisted.get(name) != value))


def describe(names, runtime, persisted):
    def word(value):
        return "unset" if value is None else ("on" if value else "off")
    return "".join("%s=%s/%s\n" % (n, word(runtime.get(n)), word(persisted.get(n))) for n in sorted(names))


def main():
    module = AnsibleModule(
        argument_spec={
            "enabled": {"type": "list", "elements": "str", "default": []},
            "disabled": {"type": "list", "elements": "str", "default": []},
            "persistent": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    turn_on, turn_off = module.params["enabled"], module.params["disabled"]
    persistent = module.params["persistent"]
    both = sorted(set(turn_on) & set(turn_off))
    if both:
        module.fail_json(msg="booleans listed in both 'enabled' and 'disabled': %s" % ", ".join(both))
    if not os.path.exists(os.path.join(SELINUXFS, "enforce")):
        module.fail_json(msg="SELinux is not enabled on this host (%s is not mounted): booleans can be set "
                             "only once the host has booted with SELinux" % SELINUXFS)

    wanted = dict([(n, True) for n in turn_on] + [(n, False) for n in turn_off])
    runtime = dict((name, read_runtime(SELINUXFS, name)) for name in wanted)
    unknown_on = sorted(n for n in turn_on if runtime[n] is None)
    if unknown_on:
        module.fail_json(msg="the loaded SELinux policy has no boolean %s (%s/booleans): remove it from the "
                             "booleans to turn on, or install the policy module that defines it"
                             % (", ".join(unknown_on), SELINUXFS))
    missing = sorted(n for n in turn_off if runtime[n] is None)
    for name in missing:
        del wanted[name]

    store_file = os.path.join(STORE, policy_type(), "active", "booleans.local")
    persisted = read_persisted(store_file)
    changes = plan(wanted, runtime, persisted, persistent)
    result = {"changed": bool(changes), "changed_booleans": changes, "missing": missing}
    if changes:
        after_runtime = dict(runtime, **changes)
        after_persisted = dict(persisted, **changes) if persistent else persisted
        result["diff"] = {
            "before_header": "booleans (runtime/persisted)", "after_header": "booleans (runtime/persisted)",
            "before": describe(changes, runtime, persisted),
            "after": describe(changes, after_runtime, after_persisted),
        }
    if changes and not module.check_mode:
        argv = [module.get_bin_path("setsebool", required=True)] + (["-P"] if persistent else [])
        argv += ["%s=%d" % (name, int(value)) for name, value in sorted(changes.items())]
        rc, out, err = module.run_command(argv)
        if rc != 0:
            module.fail_json(msg="%s failed (rc %d): %s" % (" ".join(argv), rc, (err or out).strip()), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
