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
  - The file is replaced atomically (temporary file, fsync, rename), keeping its mode, owner and SELinux label;
    the missing parent directories are created (mode 0755). The file is rewritten only when the JSON it holds
    differs from the derived profile.
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
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.posture_facts
attributes:
  check_mode:
    support: full
    description: Reports whether the file would change, with the diff, and writes nothing.
  diff_mode:
    support: full
    description: Returns the JSON text of the file before and after.
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
  description: The file's JSON text before and after.
  returned: in diff mode
  type: dict
"""

import json
import os
import platform

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import (
    WriteError,
    atomic_write,
    make_backup,
    clean_up_killed_writers,
    read_bytes,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.seccomp import (
    analyse, exact_profile,
)
from ansible_collections.stockade.hardening.plugins.module_utils.seccomp_profile import harden_profile

CONTAINERS_COMMON_PROFILE = "/usr/share/containers/seccomp.json"
BASELINE = "baseline"


class ProfileError(Exception):
    """The base cannot be used; the message names it and says why."""


def load_base(base, baseline):
    """(profile, origin) to derive from."""
    if base is None:
        if os.path.exists(CONTAINERS_COMMON_PROFILE):
            base = CONTAINERS_COMMON_PROFILE
        elif baseline is not None:
            return baseline, BASELINE
        else:
            raise ProfileError("no base profile: %s does not exist and no baseline was given; set base or baseline"
                               % CONTAINERS_COMMON_PROFILE)
    try:
        data = read_bytes(base)
    except WriteError as exc:
        raise ProfileError(str(exc))
    if data is None:
        raise ProfileError("base %s does not exist" % base)
    try:
        return exact_profile(data.decode("utf-8"), base, platform.machine()), base
    except UnicodeDecodeError as exc:
        raise ProfileError("base %s is not a seccomp profile: not UTF-8 (byte %d)" % (base, exc.start))
    except ConfigError as exc:
        raise ProfileError("base %s" % exc)


def render(profile):
    return json.dumps(profile, indent=2) + "\n"


def current_profile(data):
    """The JSON in the existing file, or None when absent or not JSON (then it is replaced)."""
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/stockade/seccomp/no-compat.json"),
            base=dict(type="path"),
            baseline=dict(type="dict"),
            deny_syscalls=dict(type="list", elements="str", default=[]),
            backup=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    params = module.params
    path = params["path"]
    machine = platform.machine()
    try:
        base, origin = load_base(params["base"], params["baseline"])
        try:
            hardened = harden_profile(base, machine, params["deny_syscalls"])
            removed = analyse(base, origin, machine).compat_allowed
        except (ValueError, ConfigError) as exc:
            raise ProfileError("base %s: %s" % (origin, getattr(exc, "cause", exc)))
        original = read_bytes(path)
    except (ProfileError, WriteError) as exc:
        module.fail_json(msg=str(exc), path=path)

    after_text = render(hardened)
    changed = current_profile(original) != hardened
    before_text = "" if original is None else original.decode("utf-8", "replace")
    result = dict(changed=changed, path=path, base=origin, machine=machine,
                  compat_abis_removed=removed)
    if module._diff:
        result["diff"] = dict(before=before_text, after=after_text if changed else before_text,
                              before_header=path, after_header=path)
    clean_up_killed_writers(module, [path], **result)
    if module.check_mode or not changed:
        module.exit_json(**result)

    try:
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        if original is not None and params["backup"]:
            result["backup_file"] = make_backup(path)
        atomic_write(path, after_text.encode("utf-8"))
    except (WriteError, OSError) as exc:
        module.fail_json(msg=str(exc), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
