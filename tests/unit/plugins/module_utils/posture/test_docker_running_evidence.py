# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the running dockerd reports (`docker info` SecurityOptions) as live
evidence next to daemon.json, with the answers recorded from the engines
themselves: Docker 26.1.5 in the Debian 13 lab guest lists
name=seccomp,profile=builtin for its default profile, the configured path for
a file, and name=no-new-privileges when that is on; Docker 20.10.24 (Debian 12)
names its default profile "default" and never lists no-new-privileges."""

from hosttree import HARDENED, write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines import live
from ansible_collections.stockade.hardening.plugins.module_utils.posture.context import AuditContext
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls import engine_profiles
from ansible_collections.stockade.hardening.plugins.module_utils.posture.catalogue import by_id

PROFILE = "/etc/stockade/seccomp/no-compat.json"
DOCKER_26_STOCK = {"ServerVersion": "26.1.5+dfsg1",
                   "SecurityOptions": ["name=apparmor", "name=seccomp,profile=builtin", "name=cgroupns"]}
DOCKER_26_HARDENED = {"ServerVersion": "26.1.5+dfsg1",
                      "SecurityOptions": ["name=apparmor", "name=seccomp,profile=" + PROFILE, "name=userns",
                                          "name=cgroupns", "name=no-new-privileges"]}
DOCKER_20_STOCK = {"ServerVersion": "20.10.24+dfsg1", "SecurityOptions": ["name=seccomp,profile=default"]}


def context(tmp_path, info, *layers):
    """An audit context over a host tree whose dockerd answered `info` (recorded above)."""
    root = write_tree(tmp_path / "root", HARDENED, *layers)
    ctx = AuditContext(str(root))
    ctx.use_live_view(live.LiveEngine("docker", info=info))
    return ctx


def without_seccomp_setting():
    config = dict(HARDENED["etc/docker/daemon.json"])
    del config["seccomp-profile"]
    return {"etc/docker/daemon.json": config}


def test_a_daemon_not_restarted_for_the_profile_is_not_in_force(tmp_path):
    profile = engine_profiles.docker(context(tmp_path, DOCKER_26_STOCK))
    assert profile.stale == ("dockerd runs with seccomp profile builtin, not the configured %s: it has not "
                             "been restarted since the change" % PROFILE)


def test_the_running_profile_is_evidence_when_it_matches(tmp_path):
    profile = engine_profiles.docker(context(tmp_path, DOCKER_26_HARDENED))
    assert profile.stale is None
    assert profile.setting_line.endswith("; running dockerd (docker info): profile=%s" % PROFILE)


def test_the_default_profile_goes_by_each_versions_name(tmp_path):
    assert engine_profiles.docker(context(tmp_path, DOCKER_26_STOCK, without_seccomp_setting())).stale is None
    assert engine_profiles.docker(context(tmp_path, DOCKER_20_STOCK, without_seccomp_setting())).stale is None
    stale = engine_profiles.docker(context(tmp_path, DOCKER_20_STOCK)).stale
    assert "runs with seccomp profile default" in stale


def nnp(ctx):
    return by_id()["docker-no-new-privileges"].check(ctx)


def test_docker_26_lists_no_new_privileges_and_a_stale_daemon_fails(tmp_path):
    outcome = nnp(context(tmp_path, DOCKER_26_HARDENED))
    assert outcome.status == "pass"
    assert "running dockerd (docker info): name=no-new-privileges present" in outcome.evidence
    outcome = nnp(context(tmp_path, DOCKER_26_STOCK))
    assert outcome.status == "fail" and "dockerd has not been restarted since the change" in outcome.evidence


def test_docker_20_10_is_not_asked_for_what_it_never_lists(tmp_path):
    outcome = nnp(context(tmp_path, DOCKER_20_STOCK))
    assert outcome.status == "pass"
    assert "running dockerd (docker info): Docker 20.10.24+dfsg1 (docker info) does not list " \
           "name=no-new-privileges" in outcome.evidence
