# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""inside.sh and the probe rootfs: the script runs under POSIX shells
(busybox's, as in the image, and dash) and reports this host truthfully;
the tar is reproducible and holds what the image needs."""

import io
import platform
import shutil
import subprocess
import tarfile

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi.programs import (
    SYSCALL_PROGRAMS, STATUS_ENOSYS,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.inside import (
    INSIDE_SH, parse_report,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.rootfs import (
    INSIDE_SCRIPT, probe_rootfs_tar,
)


def _status_field(name):
    with open("/proc/self/status") as handle:
        for line in handle:
            key, dummy, value = line.partition(":")
            if key == name:
                return value.strip()
    return "missing"


def test_parse_report_keeps_key_value_lines_only():
    text = "seccomp=2\nBad system call\nattr_current=a=b (enforce)\n=x\nint80_status=159\n"
    assert parse_report(text) == {"seccomp": "2", "attr_current": "a=b (enforce)", "int80_status": "159"}


SHELLS = [pytest.param(["/bin/busybox", "sh"], id="busybox"), pytest.param(["/bin/sh"], id="sh")]


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the probes are x86-64 programs")
@pytest.mark.parametrize("shell", SHELLS)
def test_script_reports_this_host(tmp_path, shell):
    if not shutil.which(shell[0]):
        pytest.skip("%s not installed" % shell[0])
    for name, build in SYSCALL_PROGRAMS.items():
        (tmp_path / name).write_bytes(build())
        (tmp_path / name).chmod(0o755)
    script = tmp_path / "inside.sh"
    script.write_text(INSIDE_SH)
    result = subprocess.run(shell + [str(script)], capture_output=True, text=True, timeout=10, check=True)
    report = parse_report(result.stdout)
    # The shell inherits our seccomp mode, no_new_privs and capabilities.
    assert report["seccomp"] == _status_field("Seccomp")
    assert report["no_new_privs"] == _status_field("NoNewPrivs")
    assert report["cap_eff"] == _status_field("CapEff")
    assert report["cap_bnd"] == _status_field("CapBnd")
    with open("/proc/self/uid_map") as handle:
        assert report["uid_map"] == " ".join(handle.readline().split())
    assert report["sys_mount"] in ("ro", "rw", "none")
    assert report["attr_current"]
    for name in ("int80", "native"):
        assert int(report[name + "_status"]) == int(report[name + "_pid"]) % 256
    assert int(report["x32_status"]) in (int(report["x32_pid"]) % 256, STATUS_ENOSYS)


def test_rootfs_tar_is_reproducible_and_complete(tmp_path):
    busybox = tmp_path / "busybox"
    busybox.write_bytes(b"\x7fELF fake busybox")
    data = probe_rootfs_tar(str(busybox))
    assert data == probe_rootfs_tar(str(busybox))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = {member.name: member for member in tar.getmembers()}
        assert tar.extractfile("bin/busybox").read() == busybox.read_bytes()
        assert tar.extractfile(INSIDE_SCRIPT.lstrip("/")).read().decode() == INSIDE_SH
        for name, build in SYSCALL_PROGRAMS.items():
            assert tar.extractfile("probe/" + name).read() == build()
            assert members["probe/" + name].mode == 0o755
    assert members["bin/sh"].issym() and members["bin/sh"].linkname == "busybox"
    assert {"proc", "sys", "dev"} <= {name for name, member in members.items() if member.isdir()}
    assert all(member.uid == 0 and member.gid == 0 for member in members.values())
