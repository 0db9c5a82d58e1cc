# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab tests' two fixtures, tests/lab/conftest.py's lab_ssh (the one ssh
command line to a VM) and play_role (play one role with these variables),
checked without a VM: ssh itself resolves the command line (`ssh -G`, no
connection), ansible-playbook itself reads the play (`--list-tasks`, nothing
runs), and no lab test builds either one on its own."""

import glob
import importlib.util
import os
import shlex
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(REPO, "tests", "lab")
VM = {"instance": "stockade-lab-x", "address": "127.0.0.1", "port": 2299, "user": "root"}


def lab_conftest():
    spec = importlib.util.spec_from_file_location("lab_conftest", os.path.join(LAB, "conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ssh_config(argv):
    """{option: [values]} ssh resolves for `argv` (ssh ... TARGET COMMAND), without connecting."""
    done = subprocess.run(argv[:1] + ["-G"] + argv[1:-1], capture_output=True, text=True, check=True, timeout=30)
    config = {}
    for line in done.stdout.splitlines():
        key, _sep, value = line.partition(" ")
        config.setdefault(key, []).append(value)
    return config


def test_lab_ssh_is_the_vms_ssh_as_ssh_reads_it(tmp_path):
    key = tmp_path / "id_ed25519"     # ssh -G lists an identity file only when it exists
    key.write_text("")
    vm = dict(VM, identity_file=str(key))
    lab = lab_conftest()
    ssh = lab.LabSsh(vm)
    argv = ssh.argv("uname -r")
    assert argv[-2:] == ["root@127.0.0.1", "uname -r"]
    config = ssh_config(argv)
    assert (config["hostname"], config["port"], config["user"]) == (["127.0.0.1"], ["2299"], ["root"])
    assert vm["identity_file"] in config["identityfile"]
    assert (config["batchmode"], config["identitiesonly"], config["stricthostkeychecking"]) == (["yes"], ["yes"], ["false"])
    assert config["userknownhostsfile"] == ["/dev/null"] and config["connecttimeout"] == [str(lab.SSH_TIMEOUT)]
    # git's GIT_SSH_COMMAND: the same options, one shell line, the target given by git
    assert shlex.split(ssh.command_line()) + [ssh.target, "uname -r"] == argv


def test_play_role_plays_the_role_with_its_variables(tmp_path):
    lab = lab_conftest()
    assert lab.role_play("kernel", {"stockade_kernel_vsyscall_none": True}, name="one role") == [
        {"name": "one role", "hosts": "all", "gather_facts": False,
         "roles": [{"role": "stockade.hardening.kernel", "stockade_kernel_vsyscall_none": True}]}]
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("lab ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".cache", "collections"))
    done = lab.run_role_play(str(inventory), env, tmp_path, "kernel", {"stockade_kernel_vsyscall_none": True},
                             extra_args=["--list-tasks"], timeout=300)
    assert done.returncode == 0, done.stdout
    assert "stockade.hardening.kernel : Write the sysctls" in done.stdout, done.stdout


def test_no_lab_test_builds_its_own_ssh_line_or_play():
    own = []
    for path in glob.glob(os.path.join(LAB, "**", "*.py"), recursive=True):
        if os.path.basename(path) == "conftest.py":
            continue
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        words = ["ssh -o", "import_role"] + [quote + name + quote for name in ("ssh", "ansible-playbook", "roles")
                                             for quote in ('"', "'")]
        own += [(path, word) for word in words if word in text]
    assert own == []
