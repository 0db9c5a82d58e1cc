# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the selinux_booleans module does: turn SELinux booleans on or off,
now and (by default) persistently, with setsebool.

The booleans' current and persisted values and the policy type are read by
the posture engine's readers (posture.selinux_state: /sys/fs/selinux/booleans,
the policy store's booleans.local, SELINUXTYPE as libselinux reads it), so the
module changes exactly what host-selinux-container-booleans then judges, and
refuses a booleans.local it cannot read instead of guessing. Standard library
only (plus AnsibleModule): runs on the managed host.
"""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.selinux_state import (
    ENFORCE, MODULE_STORE, boolean_values, read_config,
)
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

ARGUMENT_SPEC = {
    "enabled": {"type": "list", "elements": "str", "default": []},
    "disabled": {"type": "list", "elements": "str", "default": []},
    "persistent": {"type": "bool", "default": True},
}


class BooleanError(Exception):
    """The request cannot be carried out; the message says why and what to do."""


class BooleanPlan:
    """The booleans to change, from what the host has now."""

    def __init__(self, host, turn_on, turn_off, persistent):
        both = sorted(set(turn_on) & set(turn_off))
        if both:
            raise BooleanError("booleans listed in both 'enabled' and 'disabled': %s" % ", ".join(both))
        if not host.exists(ENFORCE):
            raise BooleanError("SELinux is not enabled on this host (%s is absent): booleans can be set only "
                               "once the host has booted with SELinux" % ENFORCE)
        wanted = dict([(n, True) for n in turn_on] + [(n, False) for n in turn_off])
        _mode, policy_type, _line = read_config(host)
        values = boolean_values(host, policy_type, sorted(wanted))   # ConfigError names the file
        self.runtime = {n: _flag(values.get(n, (None, None))[0]) for n in wanted}
        self.persisted = {n: _flag(values[n][1]) for n in values if values[n][1] is not None}
        unknown_on = sorted(n for n in turn_on if self.runtime[n] is None)
        if unknown_on:
            raise BooleanError("the loaded SELinux policy has no boolean %s (/sys/fs/selinux/booleans): remove it "
                               "from the booleans to turn on, or install the policy module that defines it"
                               % ", ".join(unknown_on))
        self.missing = sorted(n for n in turn_off if self.runtime[n] is None)
        self.persistent = persistent
        self.store = "%s/%s/active/booleans.local" % (MODULE_STORE, policy_type)
        self.changes = dict(
            (name, value) for name, value in sorted(wanted.items()) if name not in self.missing
            and (self.runtime[name] != value or (persistent and self.persisted.get(name) != value)))

    def diff(self):
        after_runtime = dict(self.runtime, **self.changes)
        after_persisted = dict(self.persisted, **self.changes) if self.persistent else self.persisted
        header = "booleans (runtime/persisted)"
        return {"before_header": header, "after_header": header,
                "before": _describe(self.changes, self.runtime, self.persisted),
                "after": _describe(self.changes, after_runtime, after_persisted)}

    def setsebool_argv(self, setsebool):
        return ([setsebool] + (["-P"] if self.persistent else [])
                + ["%s=%d" % (name, int(value)) for name, value in sorted(self.changes.items())])


def _flag(value):
    return None if value is None else value == 1


def _describe(names, runtime, persisted):
    def word(value):
        return "unset" if value is None else ("on" if value else "off")
    return "".join("%s=%s/%s\n" % (n, word(runtime.get(n)), word(persisted.get(n))) for n in sorted(names))


# The host's root; tests point it at a tree of their own.
HOST_ROOT = "/"


def run_module(module):
    params = module.params
    require_root(module, "selinux_booleans", "runs setsebool and reads the policy store's booleans.local, which "
                                             "only root may")
    try:
        plan = BooleanPlan(HostRoot(HOST_ROOT), params["enabled"], params["disabled"], params["persistent"])
    except (BooleanError, ConfigError) as exc:
        module.fail_json(msg=str(exc))
    result = {"changed": bool(plan.changes), "changed_booleans": plan.changes, "missing": plan.missing}
    if plan.changes:
        result["diff"] = plan.diff()
    if plan.changes and not module.check_mode:
        argv = plan.setsebool_argv(module.get_bin_path("setsebool", required=True))
        rc, out, err = module.run_command(argv)
        if rc != 0:
            module.fail_json(msg="%s failed (rc %d): %s" % (" ".join(argv), rc, (err or out).strip()), **result)
    module.exit_json(**result)
