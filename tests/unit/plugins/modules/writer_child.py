# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one writer module over a host tree, as Ansible runs it, in this process:

    python writer_child.py MODULE ROOT ARGS_JSON

MODULE is a module name (plugins/modules/MODULE.py); its helper's HOST_ROOT,
where it has one, is pointed at ROOT (docker_daemon_config takes `root` among
its arguments). The module prints its JSON result on stdout, as under
Ansible. Used by test_writers_hostile.py, which runs it under a timeout so
that a hang is a finding, not a stuck test run."""

import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, *[os.pardir] * 4))
sys.path.insert(0, os.path.join(REPO, ".cache", "collections"))

from ansible.module_utils import _internal  # noqa: E402
from ansible.module_utils.testing import patch_module_args  # noqa: E402

PACKAGE = "ansible_collections.stockade.hardening.plugins"


def main():
    name, root, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    _internal.is_controller = False
    helper = importlib.import_module("%s.module_utils.%s" % (PACKAGE, name))
    if hasattr(helper, "HOST_ROOT"):
        helper.HOST_ROOT = root
    module = importlib.import_module("%s.modules.%s" % (PACKAGE, name))
    with patch_module_args(args):
        try:
            module.main()
        except SystemExit:
            pass


if __name__ == "__main__":
    main()
