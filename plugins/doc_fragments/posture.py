# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the modules that run the posture audit."""

from __future__ import annotations


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  root:
    description:
      - Directory holding the host file system to audit.
      - C(/) audits the managed host itself; another path audits a chroot or an unpacked image
        tree on that host, and then engines are never asked (their controls report C(not_applicable)).
    type: path
    default: /
  live:
    description:
      - When O(root=/), also ask running engines (C(docker info), C(docker inspect), C(podman info),
        C(podman inspect)) for per-container findings and the running daemon's settings.
      - When false, or when O(root) is not C(/), those controls report C(not_applicable), never C(pass).
    type: bool
    default: true
  layers:
    description:
      - Only audit controls of these layers. Default is every layer.
    type: list
    elements: str
    choices: [seccomp, kernel_fs, capabilities, selinux, no_new_privs, namespaces, userns, vm_isolation, kernel,
              engine_access, operations]
  probe:
    description:
      - Also run one throwaway container per reachable engine, started as a user's container is, and
        judge what the kernel applies inside it (the C(*-probe-*) controls, see M(stockade.hardening.container_probe)).
      - Without a probe image (O(probe_image)) one is imported from the host's static busybox. In check mode
        nothing is imported; the probe then runs only if the image is already there.
    type: bool
    default: false
  probe_image:
    description:
      - Image for the probe container; it needs C(/bin/sh). Implies O(probe=true).
    type: str
attributes:
  check_mode:
    support: full
    description: The audit only reads; it runs the same way in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to diff.
notes:
  - The audit reads files only and changes nothing, so check mode and normal mode behave the same.
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
"""
