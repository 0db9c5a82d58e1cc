# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The values posture.docker_daemon says dockerd 20.10 applies for a
dockerd_applied_cases case, read from a host tree with the case's flags in
docker.service and its bytes as /etc/docker/daemon.json (shared by the unit
test and tests/engines/test_dockerd_applied.py)."""

from hosttree import write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import docker_daemon
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.docker_daemon_checks import (
    effective_value)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot

DEBIAN_12_DOCKER = "Package: docker.io\nStatus: install ok installed\nVersion: 20.10.24+dfsg1-1+deb12u1\n\n"


def reader_applied(root, case):
    write_tree(root, {
        "lib/systemd/system/docker.service": "[Service]\nExecStart=/usr/sbin/dockerd -H fd:// %s\n"
                                             % " ".join(case.flags),
        "etc/docker/daemon.json": case.config,
        "var/lib/dpkg/status": DEBIAN_12_DOCKER,
    })
    config = docker_daemon.load(HostRoot(str(root)))
    return {key: effective_value(config, key, False)[1] for key in case.applied}
