# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as a user gets it: `ansible-galaxy collection build`, installed
into an empty collections path with only the dependencies galaxy.yml declares
(Galaxy is unreachable here, so they come from the `ansible` PyPI package in the
venv, as the checkout takes them), and ansible told not to look anywhere else
(ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false, no ansible.cfg). Then every shipped
playbook passes --syntax-check, every role loads, and a --check run of
stockade.hardening.harden against localhost does what it must on this machine."""

import json
import os
import re
import subprocess
import sys
import sysconfig
import tarfile

import pytest
import yaml

from ansible.galaxy.dependency_resolution.versioning import meets_requirements

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
# where the `ansible` PyPI package puts its collections, in the venv that runs the tests
SITE_COLLECTIONS = os.path.join(sysconfig.get_paths()["purelib"], "ansible_collections")


def galaxy():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class Sandbox:
    """An empty collections path and an environment that sees nothing else."""

    def __init__(self, root):
        self.root = str(root)
        self.collections = os.path.join(self.root, "collections")
        config = os.path.join(self.root, "ansible.cfg")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write("[defaults]\n")
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
        self.env.update(ANSIBLE_CONFIG=config, ANSIBLE_COLLECTIONS_PATH=self.collections,
                        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_LOCALHOST_WARNING="false",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1")

    def run(self, *argv, **extra_env):
        return subprocess.run([os.path.join(BIN, argv[0])] + list(argv[1:]), cwd=self.root,
                              env=dict(self.env, **extra_env), capture_output=True, text=True,
                              timeout=600, check=False)

    def ok(self, *argv):
        done = self.run(*argv)
        assert done.returncode == 0, "%s failed:\n%s\n%s" % (" ".join(argv), done.stdout, done.stderr)
        return done.stdout

    def installed(self, fqcn=None):
        path = os.path.join(self.collections, "ansible_collections")
        return path if fqcn is None else os.path.join(path, *fqcn.split("."))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out),
                           REPO], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    data = galaxy()
    path = out / ("%s-%s-%s.tar.gz" % (data["namespace"], data["name"], data["version"]))
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def sandbox(archive, tmp_path_factory):
    box = Sandbox(tmp_path_factory.mktemp("user"))
    for name, wanted in galaxy()["dependencies"].items():
        source = os.path.join(SITE_COLLECTIONS, *name.split("."))
        with open(os.path.join(source, "MANIFEST.json"), encoding="utf-8") as handle:
            version = json.load(handle)["collection_info"]["version"]
        assert meets_requirements(version, wanted), "%s %s in the venv does not meet %s" % (name, version, wanted)
        box.ok("ansible-galaxy", "collection", "install", "-p", box.collections, source)
    # --offline: the archive's dependencies must be satisfied by what is installed, from galaxy.yml alone
    box.ok("ansible-galaxy", "collection", "install", "--offline", "-p", box.collections, str(archive))
    return box


def test_the_archive_carries_the_license(archive):
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        shipped = tar.extractfile("LICENSE").read().decode()
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    with open(os.path.join(REPO, "LICENSE"), encoding="utf-8") as handle:
        assert shipped == handle.read()
    assert shipped.lstrip().startswith("GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007")
    assert manifest["collection_info"]["license"] == ["GPL-3.0-or-later"]
    # the AWX playbook needs awx.awx, which is no dependency: it is not shipped (docs/AWX.md)
    assert not [n for n in names if n.startswith("playbooks/awx")]


def test_only_the_declared_collections_are_visible(sandbox):
    listed = sandbox.ok("ansible-galaxy", "collection", "list", "--format", "json")
    found = {name for path in json.loads(listed).values() for name in path
             if not name.startswith("ansible._")}  # ansible-core's own internal collections
    assert found == {"stockade.hardening"} | set(galaxy()["dependencies"])
    # and ansible itself finds no other collection: the venv's `ansible` package has awx.awx,
    # which it would find on sys.path
    hidden = sandbox.run("ansible-doc", "awx.awx.job_template")
    assert not hidden.stdout and "awx.awx.job_template was not found" in hidden.stderr
    assert "awx.awx.job_template" in sandbox.run("ansible-doc", "awx.awx.job_template",
                                                 ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="true").stdout
    assert sandbox.ok("ansible-doc", "stockade.hardening.posture_verify")


def shipped_playbooks(sandbox):
    """(what to pass to ansible-playbook, label) for every playbook in the installed collection."""
    root = sandbox.installed("stockade.hardening")
    found = []
    for path in sorted(os.listdir(os.path.join(root, "playbooks"))):
        if path.endswith((".yml", ".yaml")):
            found.append("stockade.hardening." + path.rsplit(".", 1)[0])
    found.append(os.path.join(root, "harden.yml"))  # the checkout's entry point, shipped at the top
    return found


def test_every_shipped_playbook_passes_its_syntax_check(sandbox):
    playbooks = shipped_playbooks(sandbox)
    assert {"stockade.hardening.harden", "stockade.hardening.audit"} <= set(playbooks)
    for playbook in playbooks:
        sandbox.ok("ansible-playbook", "-i", "localhost,", "--syntax-check", playbook)


def test_every_role_loads_by_its_fqcn(sandbox):
    # include_role in harden.yml is dynamic, so its syntax check does not open the roles: import each one.
    roles = sorted(os.listdir(os.path.join(sandbox.installed("stockade.hardening"), "roles")))
    assert len(roles) >= 11
    play = [{"name": "Every role", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "Role %s" % role, "ansible.builtin.import_role": {"name": "stockade.hardening." + role}}
                       for role in roles]}]
    path = os.path.join(sandbox.root, "roles.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(play, handle)
    sandbox.ok("ansible-playbook", "-i", "localhost,", "--syntax-check", path)
    for role in roles:
        # the argument spec is shipped: its options are the role's public variables
        assert "stockade_%s_" % role in sandbox.ok("ansible-doc", "-t", "role", "stockade.hardening." + role)


# The README's six-line playbook (the layer roles by their FQCN, each writing its engines' settings itself).
SIX_LINES = """- name: Harden container hosts
  hosts: container_hosts
  become: true
  roles:
    - stockade.hardening.seccomp
    - stockade.hardening.no_new_privs
"""


def test_the_readme_six_line_playbook_loads(sandbox):
    path = os.path.join(sandbox.root, "site.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(SIX_LINES)
    assert len(SIX_LINES.splitlines()) == 6
    sandbox.ok("ansible-playbook", "-i", "container_hosts,", "--syntax-check", path)


def pid1_is_systemd():
    with open("/proc/1/comm", encoding="utf-8") as handle:
        return handle.read().strip() == "systemd"


def test_a_check_run_of_harden_on_this_machine(sandbox):
    """This machine (and CI) runs without systemd as PID 1: the pre-flight must refuse it,
    after reading facts only, and say so; a check run on a booted host is the lab's (Molecule)."""
    if pid1_is_systemd():
        pytest.skip("PID 1 is systemd here: a check run of harden.yml on such a host is Molecule's check stage")
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    done = sandbox.run("ansible-playbook", "stockade.hardening.harden", "--check", "--diff", "-i", "localhost,",
                       "-c", "local", "-e", "ansible_python_interpreter=" + python, ANSIBLE_STDOUT_CALLBACK="json")
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr
    report = json.loads(done.stdout)
    tasks = report["plays"][0]["tasks"]
    names = [task["task"]["name"] for task in tasks]
    assert all(name.startswith("Pre-flight") for name in names), names
    failed = tasks[-1]["hosts"]["localhost"]
    assert failed.get("failed") and "check that the host is booted with systemd" in names[-1]
    assert "hosts booted with systemd as PID 1; this host's service manager is" in failed["msg"]
    assert "Nothing was changed" in failed["msg"]
    # the tag check and setup only: nothing else ran
    assert names[0].startswith("Pre-flight, check that every tag") and names[1].startswith("Pre-flight, read the")
    assert report["stats"]["localhost"]["changed"] == 0


def test_a_mistyped_control_id_in_tags_stops_the_run_with_the_closest_one(sandbox):
    done = sandbox.run("ansible-playbook", "stockade.hardening.harden", "--check", "-i", "localhost,", "-c", "local",
                       "--tags", "docker-seccomp-enabld", "--skip-tags", "selinx", ANSIBLE_STDOUT_CALLBACK="json")
    report = json.loads(done.stdout)
    tasks = report["plays"][0]["tasks"]
    assert len(tasks) == 1 and done.returncode == 2
    assert tasks[0]["hosts"]["localhost"]["msg"] == (
        "unknown tag docker-seccomp-enabld (did you mean docker-seccomp-enabled?); "
        "unknown tag selinx (did you mean selinux?)")


def test_the_audit_playbook_runs_on_this_machine(sandbox):
    """stockade.hardening.audit is read-only and for any host: it runs the installed modules and
    fails the host only because this machine is not hardened (failed controls, not a policy error)."""
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    done = sandbox.run("ansible-playbook", "stockade.hardening.audit", "--check", "-i", "localhost,", "-c", "local",
                       "-e", "ansible_python_interpreter=" + python, "-e", "stockade_live=false",
                       ANSIBLE_STDOUT_CALLBACK="json")
    report = json.loads(done.stdout)
    by_name = {task["task"]["name"]: task["hosts"]["localhost"] for task in report["plays"][0]["tasks"]}
    verify = by_name["Audit every layer against the policy (read-only) | verify"]
    assert verify["failed_controls"] and "summary" in verify, verify.get("msg")
    assert by_name["Fail the hosts that drifted from the policy | verify"]["failed"]
    assert done.returncode == 2 and report["stats"]["localhost"]["changed"] == 0


VERIFY_PLAY = """
- name: Verify, as a user would write it
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Every required layer must hold
      stockade.hardening.posture_verify:
        live: false
"""

VERIFY_REGISTERED_PLAY = """
- name: Verify and keep the report
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Verify, registered
      stockade.hardening.posture_verify:
        live: false
      register: posture
      failed_when: posture.failed_controls is not defined
    - name: Show what the registered result holds
      ansible.builtin.debug:
        msg: "{{ {'controls': posture.report.controls | length, 'failed': posture.failed_controls | length,
                  'warn': posture.summary.verdicts.warn, 'message_lines': posture.msg.splitlines() | length,
                  'applying': posture.summary.verdicts | dict2items | rejectattr('key', 'eq', 'not_applicable')
                  | map(attribute='value') | sum} }}"
"""


def test_a_failing_verify_prints_under_4_kb_and_a_registered_one_keeps_the_report(sandbox):
    """Measured with ansible's default output on this machine, which fails about 15 required controls."""
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    plays = {}
    for name, text in (("bare", VERIFY_PLAY), ("registered", VERIFY_REGISTERED_PLAY)):
        path = os.path.join(sandbox.root, name + ".yml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        plays[name] = path
    # ansible's default result format (json) and the checkout's (yaml)
    for result_format in ("json", "yaml"):
        bare = sandbox.run("ansible-playbook", "-i", "localhost,", "-e", "ansible_python_interpreter=" + python,
                           plays["bare"], ANSIBLE_CALLBACK_RESULT_FORMAT=result_format)
        printed = bare.stdout + bare.stderr
        assert bare.returncode == 2 and "required control(s) failed (" in printed
        assert "failed_controls" in printed and "rationale" not in printed  # the report is left out
        assert len(printed.encode()) < 4096, "a failing verify printed %d bytes (%s)" % (
            len(printed.encode()), result_format)
    registered = sandbox.run("ansible-playbook", "-i", "localhost,", "-e", "ansible_python_interpreter=" + python,
                             plays["registered"])
    assert registered.returncode == 0, registered.stdout
    shown = registered.stdout[registered.stdout.index("TASK [Show what"):]
    found = dict(re.findall(r'"(controls|failed|warn|message_lines|applying)": (\d+)', shown))
    # the slim report of a failure keeps every control that applies (report_path keeps the whole one)
    assert int(found["controls"]) == int(found["applying"]) > 50
    assert int(found["failed"]) >= 5 and int(found["message_lines"]) >= 2


def test_a_role_run_on_its_own_does_the_preflight_harden_does(sandbox):
    """The README's six-line play on this machine (no systemd as PID 1): the first role's pre-flight
    refuses, after reading facts only; nothing else runs."""
    if pid1_is_systemd():
        pytest.skip("PID 1 is systemd here: the role would go on to harden this machine")
    path = os.path.join(sandbox.root, "alone.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(SIX_LINES.replace("container_hosts", "localhost"))
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    done = sandbox.run("ansible-playbook", "--check", "-i", "localhost,", "-c", "local",
                       "-e", "ansible_python_interpreter=" + python, path, ANSIBLE_STDOUT_CALLBACK="json")
    assert done.returncode == 2, done.stdout[-3000:] + done.stderr
    report = json.loads(done.stdout)
    tasks = report["plays"][0]["tasks"]
    ran = [task["task"]["name"].split(" : ", 1)[-1] for task in tasks if "skipped" not in task["hosts"]["localhost"]]
    assert ran[-1].startswith("Pre-flight, check that the host is booted with systemd"), ran
    # facts, the role's argument spec, and its pre-flight: nothing else ran
    assert all(name.startswith(("Pre-flight", "Gathering Facts", "Validating arguments")) for name in ran), ran
    failed = tasks[-1]["hosts"]["localhost"]
    assert failed.get("failed") and "booted with systemd as PID 1" in failed["msg"]
    assert "Nothing was changed" in failed["msg"]
    assert report["stats"]["localhost"]["changed"] == 0
