# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""containers.conf read as each containers-common version reads it, on fixture trees.

The behaviours asserted here were each seen in a real Podman 4.3 (Debian 12,
this machine; tests/engines/test_containers_conf_podman.py repeats them) or
read from containers-common 0.62.0's pkg/config (Podman 5.4, Debian 13; not
run here): see containers_conf.py.
"""

import os

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.containers_conf import (
    COMMON_0_50, COMMON_0_62, file_order, login_environment, reading_for,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    containers_conf,
)
from hosttree import HARDENED, Symlink, write_tree

DPKG_PODMAN_43 = ("Package: podman\nStatus: install ok installed\nVersion: 4.3.1+ds1-8+deb12u1+b3\n\n"
                  "Package: runc\nStatus: install ok installed\nVersion: 1.1.5+ds1-1+deb12u1\n")
DPKG_PODMAN_54 = "Package: podman\nStatus: install ok installed\nVersion: 5.4.2+ds1-2\n"
DROPINS = "etc/containers/containers.conf.d/"


def host(tmp_path, dpkg, *layers):
    tree = {"var/lib/dpkg/status": dpkg} if dpkg else {}
    return HostRoot(str(write_tree(tmp_path / "root", HARDENED, tree, *layers)))


@pytest.mark.parametrize("dpkg, reading", [(DPKG_PODMAN_43, COMMON_0_50), (DPKG_PODMAN_54, COMMON_0_62),
                                           (None, COMMON_0_62)])
def test_the_version_comes_from_dpkg(tmp_path, dpkg, reading):
    assert reading_for(host(tmp_path, dpkg))[0] is reading


def test_podman_4_3_reads_usr_etc_and_etc_dropins_only(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {
        "etc/containers/containers.conf": "",
        DROPINS + "a.conf": "", DROPINS + ".hidden.conf": "", DROPINS + "b.conf.disabled": "",
        DROPINS + "sub.conf/x.conf": "", DROPINS + "link.conf": Symlink("a.conf"),
        "etc/containers/containers.rootful.conf.d/z.conf": "", "usr/share/containers/containers.conf.d/z.conf": "",
        "root/.config/containers/containers.conf": ""})
    assert [p for p, required in file_order(root, COMMON_0_50, {})] == [
        "/usr/share/containers/containers.conf", "/etc/containers/containers.conf",
        "/etc/containers/containers.conf.d/.hidden.conf", "/etc/containers/containers.conf.d/50-stockade.conf",
        "/etc/containers/containers.conf.d/a.conf", "/etc/containers/containers.conf.d/link.conf"]


def test_podman_5_4_reads_roots_home_config_after_etc(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_54, {"root/.config/containers/containers.conf.d/99-mine.conf":
                                           '[containers]\nseccomp_profile = "unconfined"\n'})
    config = containers_conf(root)
    assert config.get("containers.seccomp_profile").source == \
        "/root/.config/containers/containers.conf.d/99-mine.conf"
    assert file_order(root, COMMON_0_62, {"XDG_CONFIG_HOME": "/srv/cfg"})[-1][0] == "/srv/cfg/containers/containers.conf"


def test_rootful_conf_d_is_not_read_by_either_version(tmp_path):
    for dpkg in (DPKG_PODMAN_43, DPKG_PODMAN_54):
        root = host(tmp_path / dpkg[17:20], dpkg, {"etc/containers/containers.rootful.conf.d/01.conf":
                                                   '[containers]\nuserns = "host"\n'})
        assert containers_conf(root).get("containers.userns").value == "auto"


def test_containers_conf_from_the_login_environment_replaces_every_file(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {"etc/environment": 'LANG=C\nCONTAINERS_CONF="/srv/only.conf"\n',
                                           "srv/only.conf": '[containers]\nuserns = "host"\n'})
    assert login_environment(root)["CONTAINERS_CONF"] == "/srv/only.conf"
    config = containers_conf(root)
    assert config.files == ["/srv/only.conf"]
    assert config.get("containers.userns").value == "host"


def test_a_missing_containers_conf_file_stops_podman(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {"etc/environment": "CONTAINERS_CONF=/nope.conf\n"})
    with pytest.raises(ConfigError, match="/nope.conf"):
        containers_conf(root)


def test_override_is_read_last_by_5_4_only(tmp_path):
    layer = {"etc/environment": "CONTAINERS_CONF_OVERRIDE=/srv/last.conf\n",
             "srv/last.conf": '[containers]\nuserns = "host"\n'}
    assert containers_conf(host(tmp_path / "a", DPKG_PODMAN_54, layer)).get("containers.userns").value == "host"
    assert containers_conf(host(tmp_path / "b", DPKG_PODMAN_43, layer)).get("containers.userns").value == "auto"


def test_dangling_dropin_stops_4_3_and_is_skipped_by_5_4(tmp_path):
    layer = {DROPINS + "99-gone.conf": Symlink("/nowhere.conf")}
    with pytest.raises(ConfigError, match="99-gone.conf"):
        containers_conf(host(tmp_path / "a", DPKG_PODMAN_43, layer))
    assert containers_conf(host(tmp_path / "b", DPKG_PODMAN_54, layer)).get("containers.userns").value == "auto"


@pytest.mark.parametrize("text, message", [
    ("[[containers]]\nuserns = \"auto\"\n", "containers must be a table"),    # Podman 4.3: type mismatch
    ("containers = 1\n", "containers must be a table"),
    ("[containers]\npids_limit = 1.5\n", "pids_limit must be an integer"),
    ("[engine]\nnum_locks = -1\n", "out of range for uint32"),
    ("[network]\ndns_bind_port = 70000\n", "out of range for uint16"),
    ("[engine.runtimes]\nrunc = \"/usr/bin/runc\"\n", "engine.runtimes.runc must be an array of strings"),
    ("[engine.service_destinations.a]\nuri = 1\n", "service_destinations.a.uri must be a string"),
    ("[containers]\ndevices = [[\"a\"]]\n", "devices must hold strings"),
    ("[Containers]\nSECCOMP_PROFILE = 1\n", "SECCOMP_PROFILE must be a string"),
    ("[containers]\nseccomp_profile = \"a\"\nSeccomp_Profile = \"b\"\n", "at random"),
])
def test_a_value_podman_refuses_is_an_error_naming_the_file(tmp_path, text, message):
    root = host(tmp_path, DPKG_PODMAN_54, {DROPINS + "90-late.conf": text})
    with pytest.raises(ConfigError) as info:
        containers_conf(root)
    assert info.value.path == "/etc/containers/containers.conf.d/90-late.conf"
    assert message.lower() in str(info.value).lower()


def test_keys_match_fields_case_insensitively_as_go_does(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {DROPINS + "90-late.conf": '[CONTAINERS]\nUserNS = "host"\n'})
    setting = containers_conf(root).get("containers.userns")
    assert (setting.value, setting.source) == ("host", "/etc/containers/containers.conf.d/90-late.conf")
    # U+017F (long s) folds to "s" in Go's EqualFold, so this key names seccomp_profile too
    root = host(tmp_path / "b", DPKG_PODMAN_43, {DROPINS + "90-late.conf":
                                                 '[containers]\n"\u017feccomp_profile" = "unconfined"\n'})
    assert containers_conf(root).get("containers.seccomp_profile").value == "unconfined"


def test_unknown_keys_are_ignored_and_said_so(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {DROPINS + "90-late.conf": "[containers]\nread_only = true\n"})
    setting = containers_conf(root).get("containers.read_only", False)
    assert setting.value is False and setting.source is None
    assert "ignores it" in setting.describe("read_only")
    root = host(tmp_path / "b", DPKG_PODMAN_54, {DROPINS + "90-late.conf": "[containers]\nread_only = true\n"})
    assert containers_conf(root).get("containers.read_only", False).value is True


def test_arrays_replace_and_append_only_where_the_version_has_it(tmp_path):
    late = {DROPINS + "90-late.conf": '[containers]\ndefault_capabilities = ["SYS_ADMIN", {append = true}]\n',
            DROPINS + "95-later.conf": '[containers]\ndefault_capabilities = ["NET_RAW"]\n'}
    config = containers_conf(host(tmp_path / "a", DPKG_PODMAN_54, late))
    caps = config.get("containers.default_capabilities").value
    assert caps[-2:] == ["SYS_ADMIN", "NET_RAW"] and "CHOWN" in caps   # append sticks for later files
    assert "90-late.conf + " in config.get("containers.default_capabilities").source
    with pytest.raises(ConfigError, match="must be an array of strings"):   # Podman 4.3: a table in a []string
        containers_conf(host(tmp_path / "b", DPKG_PODMAN_43, late))


def test_map_entries_merge_key_by_key_and_tables_of_them_are_replaced_whole(tmp_path):
    root = host(tmp_path, DPKG_PODMAN_43, {
        DROPINS + "10-a.conf": '[engine.runtimes]\nkata = ["/a"]\n[engine.service_destinations.x]\n'
                               'uri = "ssh://a"\nidentity = "/key"\n',
        DROPINS + "20-b.conf": '[engine.runtimes]\nrunsc = ["/b"]\n[engine.service_destinations.x]\nuri = "ssh://b"\n'})
    config = containers_conf(root)
    assert sorted(config.table("engine.runtimes")) == ["kata", "runsc"]
    assert {k: s.value for k, s in config.table("engine.service_destinations").items()} == {"x.uri": "ssh://b"}


def test_unreadable_dropin_directory_is_an_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every directory")
    root = host(tmp_path, DPKG_PODMAN_43)
    os.chmod(os.path.join(root.root, DROPINS), 0)
    with pytest.raises(ConfigError):
        containers_conf(root)
