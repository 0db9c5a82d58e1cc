# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules as Ansible really runs them (AnsiballZ bundles the engine
package), and their documentation as ansible-doc shows it."""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture"))

from hosttree import HARDENED, STOCK, write_tree  # noqa: E402


def ansible(*args):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"),
               ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    return subprocess.run([os.path.join(BIN, args[0])] + list(args[1:]), capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300, check=False)


@pytest.mark.parametrize("module,options", [
    ("posture_facts", ["root", "live", "layers", "probe", "probe_image"]),
    ("posture_verify", ["root", "live", "layers", "probe", "probe_image", "policy"]),
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
    # the json callback's document; the posture matrix callback (ansible.cfg) prints after it
    data = json.JSONDecoder().raw_decode(stdout[stdout.index("{"):])[0]
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
