# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A set-aside drop-in's other keys still apply, as the real Podman 4.3 sees it (issue 9, item 7b).

A lived-in containers.conf.d: a legacy drop-in read after ours turns seccomp
off and sets the site's pids_limit. The module runs through real Ansible
(`ansible localhost -m stockade.hardening.config_dropins`), first in check
mode (nothing changes), then for real; Podman then reads the directory (bound
over /etc/containers in a private mount namespace) and starts a container:
seccomp is on (our profile), and pids.max is still the legacy file's 4096.
"""

import hashlib
import json
import os
import subprocess
import sys

import engine_helpers

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "integration"))
from ansible_cli import ansible, json_document  # noqa: E402

LEGACY = '# site limits\n[containers]\nseccomp_profile = "unconfined"  # an old app needed it\npids_limit = 4096\n'
INSIDE = "grep '^Seccomp:' /proc/self/status; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/*/pids.max 2>/dev/null"


def podman_sees(podman, etc):
    """(Seccomp mode, pids.max) of a container Podman starts with `etc` as its /etc/containers."""
    argv = (["unshare", "--mount", "--propagation", "private", "sh", "-c",
             'mount --bind "$0" /etc/containers && exec "$@"', str(etc)] + podman.base
            + ["run", "--rm", "--network", "none"] + list(engine_helpers.PODMAN_RUN_OPTIONS)
            + [engine_helpers.IMAGE, "/bin/busybox", "sh", "-c", INSIDE])
    env = {k: v for k, v in podman.env.items() if k != "CONTAINERS_CONF"}
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    return lines[1], lines[2]


def digest(directory):
    found = hashlib.sha256()
    for name in sorted(os.listdir(directory)):
        found.update(name.encode() + b"\0" + open(os.path.join(directory, name), "rb").read())
    return found.hexdigest()


def run_module(directory, profile, check):
    args = {"directory": str(directory), "shadowing": "disable",
            "files": {"50-stockade-seccomp.conf": {"containers": {"seccomp_profile": profile}}}}
    command = ["ansible", "localhost", "-m", "stockade.hardening.config_dropins", "-a", json.dumps(args)]
    result = ansible(*(command + (["--check", "--diff"] if check else [])))
    assert result.returncode == 0, result.stdout + result.stderr
    return json_document(result.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]


def test_the_legacy_files_pids_limit_still_applies_after_ours_wins(podman, hardened_profile_path, workdir):
    etc = os.path.join(workdir, "lived-in-etc")
    dropins = os.path.join(etc, "containers.conf.d")
    os.makedirs(dropins)
    legacy = os.path.join(dropins, "99-legacy.conf")
    with open(legacy, "w") as handle:
        handle.write(LEGACY)
    assert podman_sees(podman, etc) == ("0", "4096")      # the legacy file wins: no seccomp

    before = digest(dropins)
    checked = run_module(dropins, hardened_profile_path, check=True)
    assert checked["changed"] and digest(dropins) == before

    done = run_module(dropins, hardened_profile_path, check=False)
    (entry,) = done["disabled_files"]
    assert entry["keys"] == ["containers.seccomp_profile"] and entry["kept_keys"] == ["containers.pids_limit"]
    assert open(entry["disabled_as"]).read() == LEGACY
    assert podman_sees(podman, etc) == ("2", "4096")      # ours applies, and so does the site's limit
