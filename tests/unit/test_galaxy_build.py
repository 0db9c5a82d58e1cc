# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What `ansible-galaxy collection build` puts in the archive (galaxy.yml's
build_ignore), and the collection metadata an installed user relies on
(meta/runtime.yml's action group). tests/integration/test_installed_collection.py
installs the archive and runs it; this only reads it."""

import os
import subprocess
import sys
import tarfile

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The checkout's development files: tools, CI, tests and the lab stay out of what users install.
DEVELOPMENT = ("Makefile", "ansible.cfg", "requirements.txt", ".ansible-lint", ".gitignore", ".git",
               "execution-environment.yml", "bench/", "lab/", "scripts/", "tests/", "molecule/", ".ci/",
               ".cache/", ".collections/", ".venv/", ".pytest_cache/", "changelogs/fragments/", "playbooks/awx/")


def load_yaml(*parts):
    with open(os.path.join(REPO, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-galaxy"), "collection", "build",
                           "--output-path", str(out), REPO], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    galaxy = load_yaml("galaxy.yml")
    with tarfile.open(out / ("%s-%s-%s.tar.gz" % (galaxy["namespace"], galaxy["name"], galaxy["version"]))) as tar:
        return [member.name + ("/" if member.isdir() else "") for member in tar.getmembers()]


def test_the_archive_holds_no_development_file(members):
    shipped = [name for name in members if name.startswith(DEVELOPMENT) or name.rstrip("/") in DEVELOPMENT
               or "__pycache__" in name or name.endswith(".pyc")]
    assert shipped == []


def test_the_archive_holds_what_an_installed_collection_uses(members):
    files = set(members)
    for path in ("MANIFEST.json", "FILES.json", "README.md", "LICENSE", "meta/runtime.yml", "harden.yml",
                 "playbooks/harden.yml", "playbooks/audit.yml", "playbooks/tasks/publish_posture.yml",
                 "plugins/callback/posture_matrix.py", "bin/stockade-audit", "changelogs/changelog.yaml",
                 # meta/execution-environment.yml names them for ansible-builder's introspection
                 "meta/execution-environment.yml", "meta/ee-requirements.txt", "bindep.txt"):
        assert path in files, path
    for path in os.listdir(os.path.join(REPO, "docs")):
        assert "docs/" + path in files
    for folder in ("plugins/modules", "plugins/module_utils/posture/readers"):
        assert {"%s/%s" % (folder, name) for name in os.listdir(os.path.join(REPO, folder))
                if name.endswith(".py")} <= files
    roles = {name.split("/")[1] for name in members if name.startswith("roles/") and name.count("/") > 1}
    assert roles == set(os.listdir(os.path.join(REPO, "roles")))
    for changelog in ("CHANGELOG.rst", "CHANGELOG.md"):
        assert (changelog in files) == os.path.exists(os.path.join(REPO, changelog))


def test_galaxy_yml_has_no_placeholder_url():
    galaxy = load_yaml("galaxy.yml")
    assert not [key for key, value in galaxy.items() if isinstance(value, str) and ".invalid" in value]


def test_every_module_is_in_the_action_group():
    """module_defaults: group/stockade.hardening.stockade: reaches every module."""
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    assert sorted(load_yaml("meta", "runtime.yml")["action_groups"]["stockade"]) == modules
