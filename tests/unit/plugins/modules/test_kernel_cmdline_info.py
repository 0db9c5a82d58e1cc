# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kernel_cmdline_info: the boot parameters the running kernel did not get,
as the kernel parses /proc/cmdline (the audit's kernel_cmdline reader), which
the kernel role's reboot decision now reads instead of Ansible's `cmdline`
fact. Each command line below is one where Ansible's fact (shlex words, the
last word of a name wins, nothing ends at `--`) and the kernel disagree, or
the plain cases both agree on."""

import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import kernel_cmdline
from ansible_collections.stockade.hardening.plugins.modules import kernel_cmdline_info

WANTED = ["ia32_emulation=0", "vsyscall=none"]
BASE = "BOOT_IMAGE=/vmlinuz-6.12.0 root=/dev/vda1 ro"


def tree(tmp_path, cmdline):
    if cmdline is not None:
        (tmp_path / "proc").mkdir()
        (tmp_path / "proc" / "cmdline").write_text(cmdline)
    return str(tmp_path)


@pytest.mark.parametrize("cmdline,missing", [
    (BASE + " ia32_emulation=0 vsyscall=none\n", []),
    (BASE + "\n", WANTED),
    (BASE + " vsyscall=none\n", ["ia32_emulation=0"]),
    # `--` ends the kernel's parameters: what follows goes to init (Ansible's fact still counts it)
    (BASE + " -- ia32_emulation=0 vsyscall=none\n", WANTED),
    # the handler refuses `vsyscall=off` and `ia32_emulation=maybe`: the earlier valid value stays
    (BASE + " ia32_emulation=0 ia32_emulation=maybe vsyscall=none vsyscall=off\n", []),
    # the last valid value wins
    (BASE + " ia32_emulation=0 vsyscall=none ia32_emulation=1 vsyscall=emulate\n", WANTED),
    # kstrtobool reads `n`, `off` as false, as it reads `0`
    (BASE + " ia32_emulation=off vsyscall=none\n", []),
    # `-` and `_` are the same in a name; quotes go
    (BASE + ' ia32-emulation=0 "vsyscall=none"\n', []),
])
def test_missing_as_the_kernel_parses_the_line(tmp_path, run_module, cmdline, missing):
    result, failed = run_module(kernel_cmdline_info.main, {"params": WANTED, "root": tree(tmp_path, cmdline)})
    assert not failed and not result["changed"]
    assert result["missing"] == missing
    assert result["cmdline"] == cmdline.rstrip("\n")


def test_check_mode_reads_the_same(tmp_path, run_module):
    root = tree(tmp_path, BASE + " vsyscall=none\n")
    result, failed = run_module(kernel_cmdline_info.main, {"params": WANTED, "root": root}, check_mode=True)
    assert not failed and result["missing"] == ["ia32_emulation=0"]


def test_no_proc_cmdline_under_the_root_means_every_parameter_is_missing(tmp_path, run_module):
    result, failed = run_module(kernel_cmdline_info.main, {"params": WANTED, "root": tree(tmp_path, None)})
    assert not failed
    assert result == dict(result, cmdline=None, params=None, missing=WANTED)


def test_a_fifo_is_an_error_naming_the_file_never_a_hang(tmp_path, run_module):
    (tmp_path / "proc").mkdir()
    os.mkfifo(str(tmp_path / "proc" / "cmdline"))
    result, failed = run_module(kernel_cmdline_info.main, {"params": WANTED, "root": str(tmp_path)})
    assert failed and "/proc/cmdline" in result["msg"]


def test_this_machines_running_kernel(run_module):
    """The real /proc/cmdline: the parameters are the reader's, and a parameter
    taken from it is not missing."""
    with open("/proc/cmdline") as handle:
        text = handle.read()
    params = kernel_cmdline.parse(text)
    named = [(name, value) for name, value in params if value is not None]
    wanted = ["%s=%s" % named[-1]] if named else []
    result, failed = run_module(kernel_cmdline_info.main, {"params": wanted + ["stockade_no_such_param=1"]})
    assert not failed
    assert result["params"] == [list(item) for item in params]
    assert result["missing"] == ["stockade_no_such_param=1"]
