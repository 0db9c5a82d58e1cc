#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: container_probe
short_description: Prove the confinement layers from inside a real container on each engine
version_added: 0.1.0
description:
  - Starts one throwaway container per engine (Docker, Podman) with no extra security options, as a
    user's container is started, and reads what the kernel applies inside it, namely the seccomp mode,
    whether i386 (C(int 0x80)) and x32 syscalls are killed, NoNewPrivs, the uid map, the SELinux
    context, read-only C(/sys) and C(/proc/sys), and the effective capabilities.
  - The syscall probes are tiny static x86-64 programs written by the collection itself and
    bind-mounted read-only into the container, so any image with C(/bin/sh) will do. Without
    O(image), a probe image is imported from the host's static busybox (Debian package busybox-static);
    no registry is needed.
  - Returns the inside view and the C(*-probe-*) controls of the posture report. An engine that is not
    installed, not reachable or has no usable image is reported C(not_applicable) with the reason.
author:
  - Stockade contributors (@stockade)
options:
  engines:
    description: Engines to probe; those not installed are reported as not applicable.
    type: list
    elements: str
    choices: [docker, podman]
    default: [docker, podman]
  image:
    description: Image to run the probe in (needs C(/bin/sh)). Default is the collection's probe image.
    type: str
  extra_args:
    description:
      - Extra C(run) arguments per engine, for hosts whose engine needs them, for example
        C(podman) mapped to C([--runtime, runc]). Security options here change what is measured.
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: In check mode no image is imported; a probe whose image is missing is reported not applicable.
  diff_mode:
    support: none
    description: Nothing on the host changes; the probe container is removed when it exits.
notes:
  - Supports x86-64 hosts (the syscall probes are x86-64 programs).
"""

EXAMPLES = r"""
- name: Prove the layers from inside a container
  stockade.hardening.container_probe:
  register: probe

- name: Show what a Docker container sees
  ansible.builtin.debug:
    var: probe.probe.docker.inside
"""

RETURN = r"""
probe:
  description: Per engine, the image used, the inside view (key/value) and why there is none.
  returned: always
  type: dict
  sample:
    docker:
      image: localhost/stockade-probe:0.1.0
      inside: {seccomp: "2", no_new_privs: "1", uid_map: "0 100000 65536", int80_status: "159"}
      reason: null
controls:
  description: The probe controls (id, layer, engine, status, evidence, remediation) as in the posture report.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.posture.audit import run_audit
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import all_controls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.container import ProbeRequest


def main():
    module = AnsibleModule(
        argument_spec=dict(
            engines=dict(type="list", elements="str", choices=["docker", "podman"], default=["docker", "podman"]),
            image=dict(type="str"),
            extra_args=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    extra_args = module.params["extra_args"]
    bad = [k for k, v in extra_args.items()
           if k not in ("docker", "podman") or not isinstance(v, list) or not all(isinstance(a, str) for a in v)]
    if bad:
        module.fail_json(msg="extra_args maps docker or podman to a list of strings; check %s" % ", ".join(map(str, bad)))
    controls = [c for c in all_controls() if c.probe and c.engine in module.params["engines"]]
    report = run_audit("/", controls=controls, may_import=not module.check_mode,
                       probe=ProbeRequest(image=module.params["image"], extra_args=extra_args))
    probes = {engine: info.get("probe") for engine, info in report["engines"].items()
              if engine in module.params["engines"]}
    module.exit_json(changed=False, probe=probes, controls=report["controls"])


if __name__ == "__main__":
    main()
