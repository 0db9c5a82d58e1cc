# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""containers.conf layering and decoding, our reader against the real Podman 4.3.

Each scenario is a host tree of /etc/containers and /usr/share/containers
files. Podman reads it in a private mount namespace (`unshare --mount`, the
tree bind-mounted over both directories, nothing of the host's changed) and
says which seccomp profile it would use (`podman info`,
Host.Security.SECCOMPProfilePath, which is [containers] seccomp_profile) or
refuses to start; our reader (layered_config.containers_conf) must say the
same of the same tree. The schema check gives every key of containers-common
0.50's Config a value of the wrong type: Podman must refuse each one (a key
it did not know it would ignore), so the schema holds exactly its keys.
"""

import os
import shutil
import subprocess

import pytest

import podman_versions
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import (
    containers_conf_schema as schema,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    containers_conf,
)

REFUSED = "refused"
PROFILE = '[containers]\nseccomp_profile = "%s"\n'


@pytest.fixture(scope="module")
def podman_setup(tmp_path_factory):
    podman = shutil.which("podman")
    if not podman or not shutil.which("unshare") or os.geteuid() != 0:
        if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
            pytest.fail("podman, unshare and root are needed")
        pytest.skip("podman, unshare and root are needed")
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "podman"], capture_output=True, text=True,
                             check=False).stdout.strip()
    base = tmp_path_factory.mktemp("podman-layers")
    storage = base / "storage.conf"
    storage.write_text('[storage]\ndriver = "overlay"\ngraphroot = "%s/root"\nrunroot = "%s/run"\n' % (base, base))
    return podman, version, base, storage


def podman_profile(podman_setup, root, home=None):
    """What the real Podman makes of the tree at `root`: its seccomp profile path, or REFUSED."""
    podman, dummy, base, storage = podman_setup
    script = ("mount --bind %s/etc/containers /etc/containers && mount --bind %s/usr/share/containers "
              "/usr/share/containers && exec %s --root %s/root --runroot %s/run --cgroup-manager cgroupfs "
              "--events-backend none info --format '{{.Host.Security.SECCOMPProfilePath}}'"
              % (root, root, podman, base, base))
    env = dict(os.environ, CONTAINERS_STORAGE_CONF=str(storage), HOME=str(home or base))
    env.pop("CONTAINERS_CONF", None)
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            capture_output=True, text=True, timeout=60, env=env, check=False)
    return result.stdout.strip() if result.returncode == 0 else REFUSED


def our_profile(root):
    try:
        return containers_conf(HostRoot(str(root))).get("containers.seccomp_profile", "").value
    except ConfigError:
        return REFUSED


def write(root, files, dpkg_version):
    for directory in ("etc/containers", "usr/share/containers"):
        (root / directory).mkdir(parents=True, exist_ok=True)
    (root / "var/lib/dpkg").mkdir(parents=True, exist_ok=True)
    (root / "var/lib/dpkg/status").write_text(
        "Package: podman\nStatus: install ok installed\nVersion: %s\n" % dpkg_version)
    for path, content in files.items():
        full = root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):     # ("symlink", target)
            os.symlink(content[1], full)
        elif content is None:              # a directory
            full.mkdir()
        else:
            full.write_text(content)


D = "etc/containers/containers.conf.d/"
SCENARIOS = [
    # (name, files, Podman 4.3.1's answer on this machine, 2026-11-29)
    ("usr-only", {"usr/share/containers/containers.conf": PROFILE % "/usr.json"}, "/usr.json"),
    ("etc-over-usr", {"usr/share/containers/containers.conf": PROFILE % "/usr.json",
                      "etc/containers/containers.conf": PROFILE % "/etc.json"}, "/etc.json"),
    ("dropins-by-name", {"etc/containers/containers.conf": PROFILE % "/etc.json", D + "20-b.conf": PROFILE % "/b.json",
                         D + "10-a.conf": PROFILE % "/a.json"}, "/b.json"),
    ("dot-file-dropin-is-read", {D + "10-a.conf": PROFILE % "/a.json", D + ".zz.conf": PROFILE % "/dot.json"},
     "/a.json"),
    ("dot-file-sorts-first", {D + ".hidden.conf": PROFILE % "/dot.json"}, "/dot.json"),
    ("symlinked-dropin", {"etc/containers/target.conf": PROFILE % "/linked.json",
                          D + "50-link.conf": ("symlink", "../target.conf")},
     "/linked.json"),
    ("other-suffix-ignored", {D + "10-a.conf": PROFILE % "/a.json", D + "90-b.conf.bak": PROFILE % "/b.json"},
     "/a.json"),
    ("directory-named-conf-skipped", {D + "10-a.conf": PROFILE % "/a.json", D + "90-dir.conf": None}, "/a.json"),
    ("subdirectory-not-read", {D + "10-a.conf": PROFILE % "/a.json", D + "sub/90-b.conf": PROFILE % "/b.json"},
     "/a.json"),
    ("rootful-conf-d-not-read", {D + "10-a.conf": PROFILE % "/a.json",
                                 "etc/containers/containers.rootful.conf.d/90-b.conf": PROFILE % "/b.json"}, "/a.json"),
    ("usr-conf-d-not-read", {"usr/share/containers/containers.conf": PROFILE % "/usr.json",
                             "usr/share/containers/containers.conf.d/90-b.conf": PROFILE % "/b.json"}, "/usr.json"),
    ("keys-fold-case", {D + "10-a.conf": '[CONTAINERS]\nSeccomp_Profile = "/upper.json"\n'}, "/upper.json"),
    ("long-s-folds-to-s", {D + "10-a.conf": '[containers]\n"\u017feccomp_profile" = "/longs.json"\n'}, "/longs.json"),
    ("dotted-keys", {D + "10-a.conf": 'containers.seccomp_profile = "/dotted.json"\n'}, "/dotted.json"),
    ("array-of-tables-refused", {D + "10-a.conf": PROFILE % "/a.json",
                                 D + "20-b.conf": '[[containers]]\nseccomp_profile = "/b.json"\n'}, REFUSED),
    ("wrong-type-refused", {D + "10-a.conf": PROFILE % "/a.json", D + "20-b.conf": "[engine]\nnum_locks = -1\n"},
     REFUSED),
    ("invalid-toml-refused", {D + "10-a.conf": PROFILE % "/a.json", D + "20-b.conf": "a = 0123\n"}, REFUSED),
    ("dangling-symlink-refused", {D + "10-a.conf": PROFILE % "/a.json", D + "20-b.conf": ("symlink", "/nowhere")},
     REFUSED),
    ("symlink-to-directory-refused", {D + "10-a.conf": PROFILE % "/a.json", D + "20-b.conf": ("symlink", "/tmp")},
     REFUSED),
    ("unknown-key-ignored", {D + "10-a.conf": PROFILE % "/a.json",
                             D + "20-b.conf": '[containers]\nread_only = "not a boolean"\n[nosuch]\nx = 1\n'}, "/a.json"),
]


@pytest.mark.parametrize("name, files, podman_says", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_layering_as_podman_4_3_reads_it(podman_setup, tmp_path, name, files, podman_says):
    write(tmp_path, files, podman_setup[1])
    assert podman_profile(podman_setup, tmp_path) == podman_says
    assert our_profile(tmp_path) == podman_says


def test_roots_home_config_is_not_read_by_podman_4_3(podman_setup, tmp_path):
    home = tmp_path / "home"
    (home / ".config/containers").mkdir(parents=True)
    (home / ".config/containers/containers.conf").write_text(PROFILE % "/home.json")
    write(tmp_path / "tree", {"etc/containers/containers.conf": PROFILE % "/etc.json"}, podman_setup[1])
    assert podman_profile(podman_setup, tmp_path / "tree", home=home) == "/etc.json"


WRONG = {schema.STRING: "1", schema.BOOL: '"x"', schema.INT64: '"x"', schema.UINT64: "1.5", schema.UINT32: "-1",
         schema.UINT16: "70000", schema.STRINGS: '"x"', schema.APPENDABLE_STRINGS: '"x"', schema.SIZE_TEXT: "true",
         schema.SUBNET_POOLS: '"x"'}
WRONG_ENTRY = {schema.STRING_MAP: "1", schema.STRINGS_MAP: '"x"', schema.DESTINATIONS: "1"}


def wrong_type(table, key, kind):
    """A containers.conf that gives `table.key` a value of another type than its Go field's."""
    if kind in WRONG_ENTRY:
        return "[%s.%s]\nentry = %s\n" % (table, key, WRONG_ENTRY[kind])
    return "[%s]\n%s = %s\n" % (table, key, WRONG[kind])


KEYS_0_50 = sorted((table, key, kind) for table, fields in schema.V0_50.items() for key, kind in fields.items())


@pytest.mark.parametrize("table, key, kind", KEYS_0_50, ids=["%s.%s" % k[:2] for k in KEYS_0_50])
def test_podman_4_3_refuses_a_wrong_type_for_every_key_of_the_schema(podman_setup, tmp_path, table, key, kind):
    text = wrong_type(table, key, kind)
    path = tmp_path / "containers.conf"
    path.write_text(text)
    result = subprocess.run([podman_setup[0], "system", "connection", "list"], capture_output=True, text=True,
                            env=dict(os.environ, CONTAINERS_CONF=str(path)), timeout=60, check=False)
    assert result.returncode != 0, text
    write(tmp_path / "tree", {D + "10-a.conf": text}, podman_setup[1])
    assert our_profile(tmp_path / "tree") == REFUSED


KEYS_0_62 = sorted((table, key, kind) for table, fields in schema.V0_62.items() for key, kind in fields.items())


@pytest.fixture(scope="module")
def podman_5_4():
    return podman_versions.podman_5_4()


@pytest.mark.parametrize("table, key, kind", KEYS_0_62, ids=["%s.%s" % k[:2] for k in KEYS_0_62])
def test_podman_5_4_refuses_a_wrong_type_for_every_key_of_its_schema(podman_5_4, tmp_path, table, key, kind):
    """Debian 13's Podman 5.4.2 (containers-common 0.62.2), unpacked: the 0.62 schema holds its keys."""
    text = wrong_type(table, key, kind)
    path = tmp_path / "containers.conf"
    path.write_text(text)
    verdict, stderr = podman_versions.reads(podman_5_4, path)
    assert verdict == "reject", text


@pytest.mark.parametrize("text, verdict", [
    ('[containers]\ndefault_capabilities = ["SYS_ADMIN", {append = true}]\n', "accept"),
    ('[containers]\ndefault_capabilities = ["SYS_ADMIN", {append = 1}]\n', "reject"),
    ('[containers]\ndefault_capabilities = ["SYS_ADMIN", {nope = true}]\n', "reject"),
    ('[containers]\nread_only = true\n', "accept"),
])
def test_podman_5_4_appendable_arrays_as_our_0_62_reading(podman_5_4, tmp_path, text, verdict):
    path = tmp_path / "containers.conf"
    path.write_text(text)
    assert podman_versions.reads(podman_5_4, path)[0] == verdict
    write(tmp_path / "tree", {D + "10-a.conf": text}, "5.4.2+ds1-2")
    assert (our_profile(tmp_path / "tree") == REFUSED) == (verdict == "reject")
