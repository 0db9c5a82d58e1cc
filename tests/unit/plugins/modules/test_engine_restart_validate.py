# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""engine_restart with validate: dockerd, on the stand-in systemctl of
test_engine_restart.py and a stand-in `dockerd` that answers --validate with
the words Docker 26.1.5 printed in the Debian 13 lab guest (tests/lab/hardened/
test_engines_current.py runs the real one). Docker 20.10's "unknown flag" is
tested with the real dockerd in tests/engines/test_dockerd_validate.py."""

import json
import os
import sys

from ansible_collections.stockade.hardening.plugins.module_utils.config_files import make_backup

# engine and _capture are pytest fixtures: imported so that pytest finds them here
from test_engine_restart import engine, run, _capture  # noqa: F401 pylint: disable=unused-import

# dockerd 26.1.5 --validate: "configuration OK" (rc 0), or the loader's refusal (rc 1).
DOCKERD_26 = r'''
import json, sys
path = sys.argv[sys.argv.index("--config-file") + 1]
config = json.load(open(path))
if isinstance(config.get("no-new-privileges"), str):
    sys.stderr.write("unable to configure the Docker daemon with file %s: json: cannot unmarshal string into Go "
                     "struct field Config.no-new-privileges of type bool\n" % path)
    sys.exit(1)
sys.stderr.write("configuration OK\n")
'''
DOCKERD_20 = r'''
import sys
sys.stdout.write("Status: unknown flag: --validate\nSee 'dockerd --help'., Code: 125\n")
sys.exit(1)
'''


def stand_in_dockerd(tmp_path, body):
    program = tmp_path / "bin" / "dockerd"
    program.write_text("#!%s\n%s" % (sys.executable, body))
    program.chmod(0o755)


def test_a_configuration_dockerd_refuses_is_put_back_and_nothing_restarts(engine, tmp_path):
    stand_in_dockerd(tmp_path, DOCKERD_26)
    original = '{"icc": false}\n'
    engine.config.write_text(original)
    backup = make_backup(str(engine.config))
    engine.config.write_text('{"icc": false, "no-new-privileges": "yes"}\n')
    result = run(name="engine", validate="dockerd", validate_config_file=str(engine.config),
                 restore=[{"path": str(engine.config), "backup": backup}], timeout=5)
    assert result["failed"] is True and result["restarted"] is False and result["validated"] is False
    assert engine.config.read_text() == original
    assert "cannot unmarshal string into Go struct field Config.no-new-privileges" in result["msg"]
    assert "was not restarted and keeps running with the old one; %s put back" % engine.config in result["msg"]
    assert engine.calls() == []


def test_a_configuration_dockerd_accepts_is_restarted(engine, tmp_path):
    stand_in_dockerd(tmp_path, DOCKERD_26)
    engine.config.write_text('{"icc": false}\n')
    result = run(name="engine", validate="dockerd", validate_config_file=str(engine.config), timeout=5)
    assert result["restarted"] is True and result["validated"] is True
    assert result["validation"] == "configuration OK"
    assert engine.calls() == ["restart engine", "is-active engine"]


def test_a_dockerd_that_cannot_validate_is_restarted_with_its_rollback(engine, tmp_path):
    stand_in_dockerd(tmp_path, DOCKERD_20)
    engine.config.write_text('{"icc": false, "no-such-option": true}\n')
    backup = make_backup(str(engine.config))
    result = run(name="engine", validate="dockerd", validate_config_file=str(engine.config),
                 restore=[{"path": str(engine.config), "backup": backup}], timeout=5)
    assert result["validated"] is None and "unknown flag: --validate" in result["validation"]
    assert result["failed"] is True and result["rolled_back"] is True  # the restart's rollback took over
    assert engine.calls()[0] == "restart engine"
    assert os.path.exists(str(engine.config)) and json.loads(engine.config.read_text())["icc"] is False
