# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container_probe module's work: run the audit's probe controls (the
probe container, posture/probe/) for the engines asked for, and return what
the kernel applies inside each one."""

from __future__ import annotations

from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.container import ProbeRequest
from ansible_collections.stockade.hardening.plugins.module_utils.privilege import require_root

ENGINES = ["docker", "podman"]
ARGUMENT_SPEC = dict(
    engines=dict(type="list", elements="str", choices=ENGINES, default=list(ENGINES)),
    image=dict(type="str"),
    extra_args=dict(type="dict", default={}),
)


def argument_problems(extra_args):
    """The keys of `extra_args` that are not an engine mapped to a list of strings."""
    return [k for k, v in extra_args.items()
            if k not in ENGINES or not isinstance(v, list) or not all(isinstance(a, str) for a in v)]


def run_module(module):
    """Everything container_probe does, on an AnsibleModule."""
    params = module.params
    require_root(module, "container_probe", "starts containers with the engines and may import the probe image")
    extra_args = params["extra_args"]
    bad = argument_problems(extra_args)
    if bad:
        module.fail_json(msg="extra_args maps docker or podman to a list of strings; check %s" % ", ".join(map(str, bad)))
    controls = [c for c in all_controls() if c.probe and c.engine in params["engines"]]
    report = run_audit("/", controls=controls, may_import=not module.check_mode,
                       probe=ProbeRequest(image=params["image"], extra_args=extra_args))
    probes = {engine: info.get("probe") for engine, info in report["engines"].items()
              if engine in params["engines"]}
    module.exit_json(changed=False, probe=probes, controls=report["controls"])
