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
  - Runs as root only (set C(become)); without root it fails at its start, in check mode too, with one line saying so.
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
      image: localhost/stockade-probe:0.2.0
      inside: {seccomp: "2", no_new_privs: "1", uid_map: "0 100000 65536", int80_status: "159"}
      reason: null
controls:
  description: The probe controls (id, layer, engine, status, evidence, remediation) as in the posture report.
  returned: always
  type: list
  elements: dict
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.container_probe import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
