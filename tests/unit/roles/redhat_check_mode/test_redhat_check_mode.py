# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""harden.yml in check mode for hosts whose facts say RHEL 9.4 and Fedora 40
(harness.py): every module call of the Red Hat path, with the arguments the
roles build from RHEL's and Fedora's facts and variables, is accepted by
that module's own argument validation.

What this proves: the play reaches and templates the RedHat path of every
role (include_vars of RedHat.yml, `ansible.builtin.package` resolving to dnf,
grubby for the boot parameters, ansible.posix.selinux, the engine writers)
without an undefined variable or a Jinja error, and every module would take
its arguments: dnf, command (grubby), ansible.posix.selinux, copy, stat,
the Stockade writers. The read-only Stockade modules ran on a RHEL 9.4 /
Fedora 40 tree (tests/unit/platforms/rhel94) as the host's root.
What it does not prove: what dnf, grubby, semodule or restorecon do on a
real RHEL (their results here are their documented keys, empty), the
branches taken only after such real outputs, a real run's changes and
idempotence, a reboot. No RHEL or Fedora machine runs here."""

import json
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, os.pardir, os.pardir)
sys.path.insert(0, os.path.join(UNIT, "plugins", "module_utils", "posture"))
sys.path.insert(0, os.path.join(UNIT, "platforms", "rhel94"))

from hosttree import EXECUTABLE, write_tree  # noqa: E402
from rhel94_tree import rhel94  # noqa: E402

FEDORA_BOOT = os.path.join(UNIT, "readers", "bls", "fixtures", "fedora40-uefi")
# what a running host has under /sys and /proc (the offline tree has none): SELinux enforcing, the LSMs
RUNNING = {"sys/fs/selinux/enforce": "1", "sys/kernel/security/lsm": "lockdown,capability,yama,selinux,bpf,landlock"}


def fedora40():
    tree = {path: content for path, content in rhel94(EXECUTABLE).items()
            if not path.startswith(("boot/", "etc/kernel/", "etc/default/", "etc/tuned/", "etc/sysconfig/"))}
    for directory, _dirs, names in os.walk(FEDORA_BOOT):
        for name in names:
            relative = os.path.relpath(os.path.join(directory, name), FEDORA_BOOT)
            if relative != "SOURCE.md":
                with open(os.path.join(FEDORA_BOOT, relative), "rb") as handle:
                    tree[relative] = handle.read()
    tree["boot/config-6.8.9-300.fc40.x86_64"] = tree.pop("boot/config-5.14.0-427.13.1.el9_4.x86_64", "")
    return tree


# (tree, what /sys says): the RHEL host has no /sys/fs/selinux, which the selinux role reads as SELinux
# disabled, so its switch to permissive then enforcing runs; the Fedora host enforces already.
HOSTS = {"rhel9": (lambda: rhel94(EXECUTABLE), {}), "fedora40": (fedora40, RUNNING)}


@pytest.fixture(scope="module", params=sorted(HOSTS))
def run(request, tmp_path_factory):
    host = request.param
    tree, running = HOSTS[host]
    root = write_tree(tmp_path_factory.mktemp(host), tree(), running)
    report = str(tmp_path_factory.mktemp("report") / "report.json")
    done = subprocess.run([sys.executable, os.path.join(HERE, "harness.py"), host,
                           os.path.join(HERE, "facts", host + ".json"), root, report,
                           "-e", "stockade_kernel_vsyscall_none=true"],
                          capture_output=True, text=True, timeout=1200, check=False)
    with open(report) as handle:
        found = json.load(handle)
    found["log"] = done.stdout + done.stderr
    found["host"] = host
    return found


def test_every_module_accepts_its_arguments(run):
    refused = [(c["task"], c["module"], c["msg"]) for c in run["calls"] if not c["accepted"]]
    assert refused == []


def test_only_the_final_verify_fails(run):
    """In check mode nothing changes, so the stock tree's required controls still
    fail at the end (posture_verify's verdict, after it accepted its arguments)."""
    failed = [c for c in run["calls"] if c["failed"]]
    assert [c["module"] for c in failed] == ["stockade.hardening.posture_verify"]
    assert "required control(s) failed" in failed[0]["msg"]
    fatal_tasks = re.findall(r"TASK \[([^\]]*)\][^\n]*\n(?:(?!TASK \[).*\n)*?fatal:", run["log"])
    assert [t for t in fatal_tasks if "verify" not in t] == []


def test_the_red_hat_path_is_taken(run):
    modules = {c["module"] for c in run["calls"]}
    assert {"ansible.builtin.dnf", "stockade.hardening.selinux_host_info", "stockade.hardening.posture_facts"} <= modules
    assert ("ansible.posix.selinux" in modules) == (run["host"] == "rhel9")
    assert "ansible.builtin.apt" not in modules
    commands = [c["args"].get("argv") for c in run["calls"] if c["module"] == "ansible.builtin.command"]
    assert ["grubby", "--info=ALL"] in commands
    assert ["grubby", "--update-kernel=ALL", "--args=vsyscall=none"] in commands
    assert not any(argv and argv[0] in ("update-grub", "grub-mkconfig") for argv in commands)


def test_boot_parameters_never_go_to_a_grub_d_dropin(run):
    paths = [json.dumps(c["args"]) for c in run["calls"]]
    assert not any("/etc/default/grub.d" in p for p in paths)
    # in check mode the copy action decides from the stat alone and calls no module: its task says changed
    assert re.search(r"TASK \[[^\]]*Keep the boot parameters in /etc/kernel/cmdline[^\]]*\][^\n]*\n[^\n]*\n"
                     r"changed: \[%s\]" % run["host"], run["log"])


def test_the_read_only_modules_ran_on_the_tree(run):
    host_facts = [c for c in run["calls"] if c["module"] == "stockade.hardening.selinux_host_info"]
    assert host_facts and all(c["ran_on_tree"] for c in host_facts)
    # the sysctl files are read once, in the playbook's pre-flight, not again in the kernel layer
    sysctl_files = [c for c in run["calls"] if c["module"] == "stockade.hardening.coexistence_info"]
    assert len(sysctl_files) == 1 and sysctl_files[0]["ran_on_tree"]
    dnf = [c for c in run["calls"] if c["module"] == "ansible.builtin.dnf"]
    # the tree's rpm database has container-selinux (RHEL's 2.229.0), not the policy tools
    assert "container-selinux" not in dnf[0]["args"]["name"]


def test_the_kernel_role_reads_the_running_command_line_with_the_audits_reader(run):
    """The reboot for the boot parameters is decided by kernel_cmdline_info on the tree, not by the
    host's `cmdline` fact (which the facts file still carries)."""
    reads = [c for c in run["calls"] if c["module"] == "stockade.hardening.kernel_cmdline_info"]
    assert len(reads) == 1 and reads[0]["ran_on_tree"] and reads[0]["accepted"], reads
    assert reads[0]["args"]["params"] == ["vsyscall=none"]
