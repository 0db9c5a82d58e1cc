# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the venv's ansible commands against the checkout's collection, with JSON output."""

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def ansible(*args):
    """Run `ansible`, `ansible-playbook`, ... (args[0]) from the venv; the json stdout callback."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"),
               ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="json",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    return subprocess.run([os.path.join(BIN, args[0])] + list(args[1:]), capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=300, check=False)


def json_document(stdout):
    """The json callback's document; the posture matrix callback (ansible.cfg) prints after it."""
    return json.JSONDecoder().raw_decode(stdout[stdout.index("{"):])[0]
