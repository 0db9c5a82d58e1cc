# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules as Ansible really runs them (AnsiballZ bundles the engine
package), and their documentation as ansible-doc shows it."""

import json
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from ansible_cli import ansible, json_document  # noqa: E402
from hosttree import HARDENED, STOCK, write_tree  # noqa: E402


@pytest.mark.parametrize("module,options", [
    ("posture_facts", ["root", "live", "layers", "probe", "probe_image"]),
    ("posture_verify", ["root", "live", "layers", "probe", "probe_image", "policy", "report_path", "mac"]),
    ("container_probe", ["engines", "image", "extra_args"]),
])
def test_ansible_doc_shows_full_documentation(module, options):
    result = ansible("ansible-doc", "--json", "stockade.hardening." + module)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)["stockade.hardening." + module]
    assert sorted(doc["doc"]["options"]) == sorted(options)
    assert doc["examples"] and doc["return"]
    for name, option in doc["doc"]["options"].items():
        assert option.get("description"), name


def _play_result(stdout):
    data = json_document(stdout)
    return data["plays"][0]["tasks"][0]["hosts"]["localhost"]


def test_verify_through_ansible_in_check_mode(tmp_path):
    stock = write_tree(tmp_path / "stock", STOCK)
    result = ansible("ansible", "localhost", "-c", "local", "--check", "-m",
                     "stockade.hardening.posture_verify", "-a", "root=%s" % stock)
    assert result.returncode != 0
    assert "docker-no-new-privileges" in result.stdout
    hardened = write_tree(tmp_path / "hardened", HARDENED)
    playbook = tmp_path / "verify.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - stockade.hardening.posture_verify:\n        root: %s\n" % hardened)
    result = ansible("ansible-playbook", "--check", str(playbook))
    assert result.returncode == 0, result.stdout[-3000:]
    host = _play_result(result.stdout)
    assert host["changed"] is False and host["failed_controls"] == []
