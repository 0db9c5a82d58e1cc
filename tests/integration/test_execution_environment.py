# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment's build context, made by the real ansible-builder,
and every build stage that can run without a container registry: the galaxy
stage's install of the collection archive, the builder stage's introspection
of the installed collection, and bindep's reading of the system requirements.
(`ansible-builder build` itself needs the base image from a registry.)"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)


def tool(name):
    path = shutil.which(name, path=VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    if path is None:
        pytest.skip("%s is not installed (pip install -r requirements.txt)" % name)
    return path


def run(argv, cwd):
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    assert done.returncode == 0, "%s failed:\n%s" % (" ".join(argv), done.stdout)
    return done.stdout


def pins():
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", handle.read(), re.M))


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """ansible-builder create, after building the collection archive it copies in."""
    run([tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", ".cache/ee", "."], REPO)
    target = tmp_path_factory.mktemp("ee") / "context"
    run([tool("ansible-builder"), "create", "--file", "execution-environment.yml", "--context", str(target)], REPO)
    return target


@pytest.fixture(scope="module")
def galaxy_yml():
    with open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_containerfile_pins_what_the_tests_run(context):
    containerfile = (context / "Containerfile").read_text()
    wanted = pins()
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core==%s ansible-runner==%s"' % (
        wanted["ansible-core"], wanted["ansible-runner"]) in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile  # ansible-core 2.19 needs 3.11+
    for stage in ("AS base", "AS galaxy", "AS builder", "AS final"):
        assert stage in containerfile
    assert "introspect.py introspect --user-pip=requirements.txt --user-bindep=bindep.txt" in containerfile


def test_galaxy_requirements_install_this_collection(context, galaxy_yml, tmp_path):
    build = context / "_build"
    with open(os.path.join(REPO, "meta", "ee-requirements.yml"), encoding="utf-8") as handle:
        assert yaml.safe_load((build / "requirements.yml").read_text()) == yaml.safe_load(handle)
    collections = {c["name"]: c for c in yaml.safe_load((build / "requirements.yml").read_text())["collections"]}
    archive = "collections/%s-%s-%s.tar.gz" % (galaxy_yml["namespace"], galaxy_yml["name"], galaxy_yml["version"])
    assert collections[archive]["type"] == "file", "meta/ee-requirements.yml must name the version in galaxy.yml"
    assert (build / archive).is_file()
    for dependency in galaxy_yml["dependencies"]:
        assert dependency in collections
    # The galaxy stage runs `ansible-galaxy collection install -r requirements.yml` in _build;
    # the archive entry installs offline (its dependencies come from Galaxy in a real build).
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "--force",
         "-p", str(tmp_path / "collections"), archive], str(build))
    installed = tmp_path / "collections" / "ansible_collections" / "stockade" / "hardening"
    for path in ("plugins/modules/posture_verify.py", "plugins/callback/posture_matrix.py",
                 "playbooks/audit.yml", "playbooks/tasks/publish_posture.yml", "roles/agent/tasks/main.yml",
                 "bin/stockade-audit", "meta/execution-environment.yml", "meta/ee-requirements.txt", "bindep.txt"):
        assert (installed / path).is_file(), path


def test_introspection_takes_the_collection_requirements_not_the_test_pins(context, tmp_path):
    build = context / "_build"
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "--force",
         "-p", str(tmp_path / "collections"), "collections/" + next(
             p.name for p in (build / "collections").glob("stockade-hardening-*.tar.gz"))], str(build))
    out = run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", str(tmp_path / "collections"),
               "--user-pip", str(build / "requirements.txt"), "--user-bindep", str(build / "bindep.txt"),
               "--write-pip", str(tmp_path / "pip.txt"), "--write-bindep", str(tmp_path / "bindep.txt")], str(build))
    found = yaml.safe_load(out)
    # requirements.txt of the checkout (pytest, molecule, ansible-lint pins) must not reach the EE.
    assert found["python"] == []
    system = (tmp_path / "bindep.txt").read_text()
    assert "openssh-clients [platform:rpm]  # from collection stockade.hardening" in system
    assert "tar [platform:rpm platform:dpkg]  # from collection stockade.hardening" in system


def test_bindep_reads_the_system_requirements(context):
    done = subprocess.run([tool("bindep"), "--file", str(context / "_build" / "bindep.txt"), "--brief"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120, check=False)
    # 0: all present, 1: some missing (listed); a parse error has a traceback on stderr.
    assert done.returncode in (0, 1) and not done.stderr, done.stderr
    assert set(done.stdout.split()) <= {"openssh-client", "sshpass", "tar", "gzip"}
