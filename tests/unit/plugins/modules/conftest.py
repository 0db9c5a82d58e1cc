# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import json
import os
import sys

import pytest
from ansible.module_utils.testing import patch_module_args

sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "module_utils", "posture"))


@pytest.fixture(autouse=True)
def module_process(monkeypatch):
    """Modules never run inside a controller process; once a test imported a
    controller plugin (the callback tests do), ansible-core would route module
    warnings to the controller's display instead of the module result."""
    from ansible.module_utils import _internal
    monkeypatch.setattr(_internal, "is_controller", False)


@pytest.fixture
def run_module(capsys):
    """run_module(main, args, check_mode=False) -> (result dict, failed?)."""
    def run(main, args, check_mode=False):
        if check_mode:
            args = dict(args, _ansible_check_mode=True)
        with patch_module_args(args):
            with pytest.raises(SystemExit) as info:
                main()
        result = json.loads(capsys.readouterr().out)
        return result, info.value.code != 0
    return run
