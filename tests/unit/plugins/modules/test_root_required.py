# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module that needs root refuses to run without it, in check mode too,
with one line that names the module and says `become: true`; and it does so
before it reads or changes anything.

The module runs in a forked child whose effective uid and gid are nobody's
(the modules are imported first: the checkout may be closed to nobody)."""

import importlib
import json
import os
import shutil
import sys
import tempfile

import pytest
from ansible.module_utils.testing import patch_module_args

NOBODY = 65534
PACKAGE = "ansible_collections.stockade.hardening.plugins.modules"
NEEDS_ROOT = [
    ("subid_ranges", {"name": "dockremap"}),
    ("selinux_booleans", {"disabled": ["container_use_devices"]}),
    ("engine_restart", {"name": "docker", "health_check": ["docker", "info"]}),
    ("container_probe", {}),
    ("selinux_host_info", {"policy_type": "default"}),
    ("docker_remap_guard", {"remap": "default"}),
    ("coexistence_info", {"sysctl_file": "/etc/sysctl.d/99-zz-stockade.conf"}),
    # file writers: root unless the files they replace are the caller's (a tree being built)
    ("docker_daemon_config", {"settings": {"icc": False}}),
    ("config_dropins", {"directory": "/etc/containers/containers.conf.d", "files": {"50-stockade-x.conf": {
        "containers": {"userns": "auto"}}}}),
    ("seccomp_profile", {"base": "/usr/share/containers/seccomp.json"}),
]


def run_as_nobody(name, args, check_mode):
    """The module's JSON result, run in a child with nobody's effective ids."""
    module = importlib.import_module("%s.%s" % (PACKAGE, name))
    args = dict(args, _ansible_check_mode=check_mode)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 3
        try:
            os.close(read_end)
            sys.stdout = os.fdopen(write_end, "w")   # pytest has its own sys.stdout
            os.setegid(NOBODY)
            os.seteuid(NOBODY)
            from ansible.module_utils import _internal
            _internal.is_controller = False
            with patch_module_args(args):
                try:
                    module.main()
                except SystemExit as exc:
                    code = exc.code or 0
        finally:
            sys.stdout.flush()
            os._exit(code if isinstance(code, int) else 1)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        output = handle.read()
    os.waitpid(pid, 0)
    return json.loads(output.decode("utf-8"))


@pytest.mark.parametrize("check_mode", [True, False], ids=["check", "run"])
@pytest.mark.parametrize("name, args", NEEDS_ROOT, ids=[n for n, a in NEEDS_ROOT])
def test_refuses_without_root_in_one_line(name, args, check_mode):
    if os.geteuid() != 0:
        pytest.skip("switching to nobody needs root")
    result = run_as_nobody(name, args, check_mode)
    assert result.get("failed") is True
    assert result["msg"].startswith("stockade.hardening.%s must run as root (become: true): " % name), result["msg"]
    assert "\n" not in result["msg"] and "uid %d" % NOBODY in result["msg"]
    assert result.get("changed") is not True


def test_a_file_writer_needs_no_root_for_a_tree_its_user_owns():
    """An image tree owned by the user who builds it: the writer works there without root."""
    if os.geteuid() != 0:
        pytest.skip("switching to nobody needs root")
    top = tempfile.mkdtemp(prefix="stockade-tree-", dir="/tmp")   # pytest's tmp_path is closed to nobody
    try:
        os.chmod(top, 0o755)
        root = os.path.join(top, "tree")
        os.makedirs(os.path.join(root, "etc", "docker"))
        for path in (root, os.path.join(root, "etc"), os.path.join(root, "etc", "docker")):
            os.chown(path, NOBODY, NOBODY)
        result = run_as_nobody("docker_daemon_config", {"root": root, "settings": {"icc": False}}, False)
        assert not result.get("failed"), result.get("msg")
        assert result["changed"] is True
        assert os.stat(os.path.join(root, "etc", "docker", "daemon.json")).st_uid == NOBODY
    finally:
        shutil.rmtree(top)
