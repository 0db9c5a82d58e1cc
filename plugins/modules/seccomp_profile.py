#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: seccomp_profile
short_description: Write a seccomp profile derived from the engine's default, without the 32-bit ABIs
version_added: 0.1.0
description:
  - Reads the engine's own default seccomp profile (O(base)), removes the compat ABIs of the managed host's
    machine type (on x86_64 i386 and x32, on aarch64 arm, on s390x s390) and, if asked, refuses O(deny_syscalls),
    then writes the result to O(path) for Docker, Podman or CRI-O to point at.
  - The allow-list stays the engine's own; only the compat ABIs (and O(deny_syscalls)) are removed. A syscall made
    through a removed ABI is killed with SIGSYS by runc and crun.
  - A base that is not a seccomp profile as Docker and Podman decode it (not JSON, an action or architecture
    runc does not know, both C(archMap) and C(architectures), no defaultAction and no rules, ...) is refused,
    naming the file; so is one that a rewrite would change (a field spelled other than its JSON name, such as
    C(DefaultAction), or a key given twice, which the engines read case-insensitively, the last one winning);
    nothing is written.
  - O(base) and the existing O(path) are read as the posture audit reads a profile (through its file rules and its
    seccomp reader, as the engines decode it). An existing O(path) the audit calls an error (a FIFO or a device, over
    8 MiB, nested too deeply, not a profile the engines accept, a lone surrogate escape such as C(\\ud800)) is refused,
    naming it, and left untouched; fix or remove it.
  - The file is replaced atomically (temporary file, fsync, rename), keeping its mode, owner and every extended
    attribute (SELinux label, ACLs, C(user.*)); a file with other hard links is refused (a rename would split them).
    The missing parent directories are created (mode 0755). The file is rewritten only when the profile the engines
    decode from it differs from the derived one.
  - The engines are not told; point them at O(path) (role M(stockade.hardening.seccomp) via engine_config).
author:
  - Stockade contributors (@stockade)
options:
  path:
    description: Where the hardened profile goes.
    type: path
    default: /etc/stockade/seccomp/no-compat.json
  base:
    description:
      - The profile to derive from, a file on the managed host.
      - When omitted, C(/usr/share/containers/seccomp.json) (containers-common, the default of Podman and CRI-O) if it
        exists, else O(baseline).
    type: path
  baseline:
    description:
      - A profile (JSON object) to derive from when O(base) is omitted and C(/usr/share/containers/seccomp.json) does not
        exist, as on a Docker-only host, whose default profile is compiled into dockerd.
      - The role M(stockade.hardening.seccomp) passes the copy of containers-common's profile that the collection ships.
    type: dict
  deny_syscalls:
    description:
      - Syscalls to refuse with EPERM on top of the base's allow-list; they are removed from every rule of the base.
    type: list
    elements: str
    default: []
  backup:
    description: Before replacing an existing file, keep a copy next to it named C(PATH.PID.YYYY-MM-DD@HH:MM:SS~).
    type: bool
    default: true
notes:
  - The machine type is that of the managed host (C(uname -m)); machines without a known compat table are refused.
  - Docker reads the profile when dockerd starts; a changed profile at an unchanged path needs a dockerd restart.
  - Needs root (set C(become)) unless the user it runs as may replace the file (a tree it owns); otherwise it fails at its start,
    in check mode too, with one line saying so.
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.posture_facts
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change, with the diff, and writes nothing.
  diff_mode:
    support: full
    description:
      - Shows what the profile means for containers, not its JSON, one fact a line - the default action, each
        architecture in the filter on this machine, each syscall's action - so a first run shows the
        architectures and syscalls it removes, not a thousand lines of JSON.
      - Before a first run the I(before) side is the base profile it derives from.
"""

EXAMPLES = r"""
- name: Derive the hardened profile from containers-common's default
  stockade.hardening.seccomp_profile:
  register: __profile

- name: Derive it from another profile and also refuse two syscalls
  stockade.hardening.seccomp_profile:
    base: /etc/containers/seccomp.json
    path: /etc/stockade/seccomp/strict.json
    deny_syscalls: [userfaultfd, io_uring_setup]

- name: Fall back to the collection's copy where containers-common is not installed
  stockade.hardening.seccomp_profile:
    baseline: "{{ lookup('ansible.builtin.file', 'baseline-seccomp.json') | from_json }}"
"""

RETURN = r"""
path:
  description: The file written (or that would be written).
  returned: always
  type: str
  sample: /etc/stockade/seccomp/no-compat.json
base:
  description: Where the profile was derived from, a path on the managed host or C(baseline).
  returned: always
  type: str
  sample: /usr/share/containers/seccomp.json
machine:
  description: The managed host's machine type the compat ABIs were chosen for.
  returned: always
  type: str
  sample: x86_64
compat_abis_removed:
  description: The compat ABIs the base allows and the written profile does not.
  returned: always
  type: list
  elements: str
  sample: [SCMP_ARCH_X86, SCMP_ARCH_X32]
backup_file:
  description: The backup of the previous file, when one was made.
  returned: when an existing file changed and O(backup) is true (not in check mode)
  type: str
  sample: /etc/stockade/seccomp/no-compat.json.2517.2026-03-01@10:12:44~
diff:
  description: What the profile means for containers before and after (see the diff_mode attribute).
  returned: in diff mode
  type: dict
  sample:
    before_header: "/etc/stockade/seccomp/no-compat.json (absent; shown: the base profile /usr/share/containers/seccomp.json it is derived from)"
    before: "architecture SCMP_ARCH_X32: in the filter\narchitecture SCMP_ARCH_X86: in the filter\n..."
    after: "architecture SCMP_ARCH_X86_64: in the filter (native)\n..."

"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
