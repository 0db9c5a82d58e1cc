# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's reading of the kernel's audit rules (netlink AUDIT_LIST_RULES)
against the real consumer's, `auditctl -l` (auditd 3.0.9, Debian 12), on the
lab VM: the same watched paths, file and directory watches alike. One ssh
call to add rules, one to read both ways, one to remove them: seconds."""

import base64
import json
import os
import re

import pytest

from conftest import REPO

# auditd 3.0.9 is the consumer this was held to; seconds, on the Debian 12 guest
pytestmark = pytest.mark.lab_suites("bookworm")
KEY = "stockade-lab-test"
RULES = ("-w /etc/docker -p wa -k %s" % KEY,
         "-w /usr/sbin/dockerd -p x -k %s" % KEY,
         "-a always,exit -F path=/usr/sbin/runc -F perm=x -k %s" % KEY,
         "-a always,exit -F dir=/var/lib/docker -F perm=wa -k %s" % KEY)
READ_BOTH = """
import json, subprocess, sys
sys.path.insert(0, "/tmp/stockade-audit-rules")
import audit_rules
print(json.dumps({"ours": audit_rules.kernel_watches(),
                  "auditctl": subprocess.run(["auditctl", "-l"], capture_output=True, text=True).stdout}))
"""


def _auditctl_paths(listing):
    """Watched paths as `auditctl -l` prints them (-w PATH, or -F path=/dir=)."""
    paths = set()
    for line in listing.splitlines():
        words = line.split()
        if words[:1] == ["-w"]:
            paths.add(words[1])
        paths.update(re.findall(r"-F (?:path|dir)=(\S+)", line))
    return paths


def test_kernel_watches_match_auditctl(guest):
    with open(os.path.join(REPO, "plugins", "module_utils", "posture", "readers", "audit_rules.py"), "rb") as handle:
        module = base64.b64encode(handle.read()).decode()
    # audit_rules imports .hostfs only for ConfigError: a stand-in package keeps it one file
    guest("mkdir -p /tmp/stockade-audit-rules && cd /tmp/stockade-audit-rules && "
          "echo %s | base64 -d | sed 's/^from .hostfs import ConfigError/ConfigError = ValueError/' "
          "> audit_rules.py && %s" % (module, " && ".join("auditctl " + rule for rule in RULES)))
    try:
        both = json.loads(guest("python3 -c '%s'" % READ_BOTH.replace("'", '"')).stdout)
    finally:
        guest("auditctl -D -k %s" % KEY, check=False)
    ours = {path for path, tree in both["ours"]}
    assert ours == _auditctl_paths(both["auditctl"]), both
    assert {"/etc/docker", "/usr/sbin/dockerd", "/usr/sbin/runc", "/var/lib/docker"} <= ours
    trees = {path for path, tree in both["ours"] if tree}
    assert "/etc/docker" in trees and "/var/lib/docker" in trees and "/usr/sbin/runc" not in trees
