# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readers' verdicts against the guest's own consumers, with one reboot.

Before the reboot: libselinux's selinux_getenforcemode() (through ctypes and
`sestatus`) on odd /etc/selinux/config files; then the guest is given a boot
entry whose command line adds `security=selinux enforcing=0 enforcing=1`
(libselinux takes the first enforcing=, the kernel the last) through a
/etc/default/grub.d drop-in and the real update-grub, and a sysctl.d tree with a /dev/null mask, a dash, a slash
key, a carriage return and a glob. The engine, copied into the guest,
predicts the mode and the values from the real grub.cfg and sysctl.d; after
one reboot getenforce and sysctl must show exactly that. Everything is put
back afterwards (the reboot's effects go with the VM).

Seen on the Debian 12 lab guest (2026-11-29, kernel 6.1.0-57, grub 2.06-13+deb12u2,
libselinux 3.4, systemd 252): /proc/cmdline after the reboot was byte for byte the
line the reader built from grub.cfg; getenforce said Permissive (the kernel alone
would have taken the last enforcing=1); kernel.kptr_restrict stayed at the
kernel's 0 (the masked file's 1 never applied), vm.swappiness=17,
vm.dirty_ratio=21, vm.dirty_background_ratio=7, lo.log_martians=0 and
all.log_martians=1, exactly as predicted. On a loaded machine the guest's
reboot can take longer than vm.sh's 300 s wait for ssh (seen once).

Runs last of tests/lab/hardened (file name), on each hardened guest: it
reboots the guest into permissive, which the enforce tests before it must not
see. It needs no earlier test: on a stock guest the drop-in's
security=selinux turns SELinux on.
Cost: one reboot (~70-90 s under TCG), two update-grub runs and about ten ssh
commands: about 3-4 minutes of VM time.
"""

import json
import os
import io
import subprocess
import tarfile

import pytest

from conftest import REPO

ENGINE = "/tmp/stockade-plugins"
DROPIN = "/etc/default/grub.d/zz-stockade-lab.cfg"
SYSCTL_FILES = {
    "/usr/lib/sysctl.d/95-stockade-lab.conf": "kernel.kptr_restrict = 1\n",   # masked: never applied
    "/etc/sysctl.d/96-stockade-lab.conf": (
        "vm/swappiness = 17\n-vm.dirty_ratio=21\rvm.dirty_background_ratio = 7 \n"
        "net.ipv4.conf.*.log_martians = 1\nnet.ipv4.conf.lo.log_martians = 0\n"),
}
SYSCTL_MASK = "/etc/sysctl.d/95-stockade-lab.conf"
KEYS = ["kernel.kptr_restrict", "vm.swappiness", "vm.dirty_ratio", "vm.dirty_background_ratio",
        "net.ipv4.conf.lo.log_martians", "net.ipv4.conf.all.log_martians"]
CONFIGS = [
    'SELINUX="enforcing"\n', " SELINUX=enforcing\n", "SELINUX =enforcing\n",
    "SELINUX=permissive\nSELINUX=enforcing\n", 'SELINUX="permissive"\nSELINUX=Enforcing\n',
    "#" + "x" * 4094 + "SELINUX=disabled\nSELINUX=enforcing\n", "SELINUX=enforcing # x\n",
]
GETENFORCEMODE = r"""
import ctypes, json, subprocess, sys
lib = ctypes.CDLL("libselinux.so.1")
out = []
for text in json.loads(sys.stdin.read()):
    with open("/etc/selinux/config", "w") as handle:
        handle.write(text + "SELINUXTYPE=default\n")
    value = ctypes.c_int(-7)
    rc = lib.selinux_getenforcemode(ctypes.byref(value))
    sestatus = subprocess.run(["sestatus"], stdout=subprocess.PIPE, universal_newlines=True).stdout
    line = [l.split(":", 1)[1].strip() for l in sestatus.splitlines() if l.startswith("Mode from config file")]
    out.append([None if rc else {1: "enforcing", 0: "permissive", -1: "disabled"}[value.value],
                line[0] if line else None])
print(json.dumps(out))
"""
PREDICT = r"""
import json, sys
sys.path.insert(0, "%s")
from module_utils.posture.readers.hostfs import HostRoot
from module_utils.posture.readers import selinux_state, sysctl
host = HostRoot("/")
state = selinux_state.read_state(host)
boot = selinux_state.next_boot_mode(host, state)
settings = sysctl.persisted_values(host)
print(json.dumps({"mode": boot.mode, "evidence": boot.evidence,
                  "sysctl": {k: (settings.get(k) or [None])[0] for k in %r}}))
""" % (ENGINE, KEYS)


def copy_engine(lab_ssh):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(os.path.join(REPO, "plugins", "module_utils"), arcname="module_utils",
                    filter=lambda info: None if "__pycache__" in info.name else info)
    subprocess.run(lab_ssh.argv("rm -rf %s && mkdir -p %s && tar -xzf - -C %s" % (ENGINE, ENGINE, ENGINE)),
                   input=buffer.getvalue(), check=True, timeout=300)


def python_in_guest(guest, script, stdin=""):
    done = guest("python3 -c %s <<'STOCKADE_EOF'\n%s\nSTOCKADE_EOF" % (_quote(script), stdin))
    return json.loads(done.stdout)


def _quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"


def test_guest_libselinux_reads_config_files_as_the_reader(guest):
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.selinux_state import (
        enforce_mode,
    )
    guest("cp -p /etc/selinux/config /root/selinux-config.stockade-lab")
    try:
        seen = python_in_guest(guest, GETENFORCEMODE, json.dumps(CONFIGS))
    finally:
        guest("cp -p /root/selinux-config.stockade-lab /etc/selinux/config")
    for text, (mode, sestatus) in zip(CONFIGS, seen):
        expected = enforce_mode((text + "SELINUXTYPE=default\n").encode())[0]
        assert mode == expected, (text[:40], mode, expected)
        if sestatus is not None and expected is not None:   # sestatus prints it only where SELinux runs
            assert sestatus == expected, (text[:40], sestatus)


@pytest.fixture
def odd_boot(guest, lab_vm):
    """The odd boot entry and sysctl.d tree, removed again afterwards."""
    setup = ["printf '%%s\\n' 'GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX security=selinux enforcing=0 enforcing=1\"' > %s" % DROPIN]
    for path, text in SYSCTL_FILES.items():
        setup.append("printf %%s %s > %s" % (_quote(text), path))
    setup += ["ln -sfn /dev/null %s" % SYSCTL_MASK, "update-grub 2>/dev/null"]
    guest(" && ".join(setup))
    yield
    guest("rm -f %s %s %s && update-grub 2>/dev/null" % (DROPIN, SYSCTL_MASK, " ".join(SYSCTL_FILES)))


def test_one_reboot_boots_what_the_readers_predict(guest, lab_vm, lab_ssh, odd_boot):
    copy_engine(lab_ssh)
    predicted = python_in_guest(guest, PREDICT)
    assert predicted["mode"] == "permissive", predicted["evidence"]   # libselinux: the first enforcing= wins
    assert predicted["sysctl"]["kernel.kptr_restrict"] != "1"        # the lower file is masked
    assert predicted["sysctl"]["vm.dirty_ratio"] == "21" and predicted["sysctl"]["vm.swappiness"] == "17"
    subprocess.run([os.path.join(REPO, "lab", "vm.sh"), "reboot", lab_vm["instance"]], check=True, timeout=900,
                   stdout=subprocess.DEVNULL)
    after = guest("cat /proc/cmdline; getenforce; " + "; ".join("sysctl -n " + k for k in KEYS)).stdout.splitlines()
    assert len(after) == 2 + len(KEYS), after   # one line per key: none silently dropped by zip below
    assert "enforcing=0 enforcing=1" in after[0]
    assert after[1].lower() == predicted["mode"], (after, predicted)
    for key, value in zip(KEYS, after[2:]):
        if predicted["sysctl"][key] is None:     # no file sets it: the kernel's default, not ours to predict
            assert value.strip() != "1" or key != "kernel.kptr_restrict", "the masked file was applied"
            continue
        assert value.strip() == predicted["sysctl"][key], (key, value, predicted["sysctl"][key])
