# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether posture's readers say dockerd starts with a case's daemon.json
and flags (shared by the unit test and the engine test)."""

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
    daemon_json, dockerd_flags,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.docker_daemon import (
    DockerDaemonConfig,
)


def reader_verdict(case, version):
    line = dockerd_flags.parse(["dockerd", "--config-file", "/etc/docker/daemon.json"] + case.flags, version)
    if line.refusal:
        return "refuse"
    document = daemon_json.decode("/etc/docker/daemon.json", case.config, version)
    if document.refusal or document.ambiguous:
        return "refuse"
    if DockerDaemonConfig(document, line, "docker.service").conflicts:
        return "refuse"
    return "accept"
