# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd_validate against this machine's real dockerd (Debian 12's 20.10,
which has no --validate): "cannot validate", never "bad file". Docker 26's
answers (configuration OK, and its refusals) are proven in the Debian 13 lab
guest, tests/lab/hardened/test_engines_current.py."""

import subprocess

from ansible_collections.stockade.hardening.plugins.module_utils import dockerd_validate


def run_command(argv):
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=60, check=False)
    return done.returncode, done.stdout, done.stderr


def test_docker_20_10_cannot_validate(docker_binaries, tmp_path):
    config = tmp_path / "daemon.json"
    config.write_text('{"no-new-privileges": "not a boolean"}\n')
    result = dockerd_validate.validate(run_command, docker_binaries[0], config_file=str(config))
    assert result.supported is False and result.ok is None
    assert "unknown flag: --validate" in result.message
