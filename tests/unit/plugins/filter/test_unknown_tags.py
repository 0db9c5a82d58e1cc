# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""stockade.hardening.unknown_tags, and the pre-flight of harden.yml that uses it:
a mistyped control id gets the closest known one, and no tag the playbook and its
roles use is refused."""

import os
import re
import sys

import yaml

from ansible_collections.stockade.hardening.plugins.filter.unknown_tags import FilterModule, unknown_tags

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
sys.path.insert(0, os.path.join(REPO, "tests", "unit"))

from test_roles import ROLES, tasks_of  # noqa: E402  (every role task with its effective tags)

PLAYBOOK = os.path.join(REPO, "playbooks", "harden.yml")


def test_a_mistyped_control_id_gets_the_closest_known_one():
    assert unknown_tags(["docker-seccomp-enabld"]) == [
        "unknown tag docker-seccomp-enabld (did you mean docker-seccomp-enabled?)"]
    assert unknown_tags(["selinx", "all"]) == ["unknown tag selinx (did you mean selinux?)"]
    assert unknown_tags(["zzzzzz"]) == ["unknown tag zzzzzz"]
    assert unknown_tags(["verify"]) == ["unknown tag verify"]
    assert unknown_tags(["verify"], ["verify"]) == []
    assert FilterModule().filters()["unknown_tags"] is unknown_tags


def play_tags():
    """The extra tags harden.yml hands the filter in its pre-flight."""
    with open(PLAYBOOK, encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(r"stockade\.hardening\.unknown_tags\((\[[^]]*\])\)", text)
    assert found, "harden.yml no longer checks its tags"
    return yaml.safe_load(found.group(1))


def test_every_tag_the_playbook_and_its_roles_use_is_known():
    used = set()

    def collect(tasks):
        for task in tasks or []:
            tags = task.get("tags") or []
            used.update([tags] if isinstance(tags, str) else tags)
            for key in ("block", "rescue", "always"):
                collect(task.get(key))

    for path in (PLAYBOOK, os.path.join(REPO, "playbooks", "tasks", "publish_posture.yml")):
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        collect(data[0]["tasks"] if "tasks" in data[0] else data)
    for role in ROLES:
        if role == "agent":  # not part of harden.yml
            continue
        for task in tasks_of(role):
            used.update(task[2])  # (file, task, effective tags)
    assert {"preflight", "verify", "kernel", "docker-seccomp-enabled"} <= used
    assert unknown_tags(sorted(used), play_tags()) == []
