# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bls.py against a real consumer of Type #1 entries: Debian 12's bootctl
(systemd 252, src/shared/bootspec.c, the parser and order systemd-boot 252
shares), run in a private mount namespace on trees written here.

What it proves:
- systemd-boot's reading (sdboot_fields, strverscmp_improved, the order and
  loader.conf's `default` glob) equals bootctl's on every tree, odd files
  included;
- blscfg's reading (blscfg_keyvals, vercmp/split_cmp order) equals bootctl's
  where the two programs agree by their sources: file discovery, one line
  per key, names of ordinary kernels (RHEL 8/9/10, Fedora, rescue), newest
  first;
- where their sources say they differ (a blank line, a repeated key, a tab
  after the key, `.CONF`, a boot counter), bootctl does differ from blscfg's
  reading: the oracle is not blind to what the reader does differently.
RHEL's GRUB itself does not run here; its `$var` expansion, `default` and
the command line are tested from the source (test_rhel_grub.py)."""

import json
import os
import random
import shutil
import subprocess

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import bls
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, os.pardir))
# installed, or unpacked by scripts/setup.sh (unpack_bootctl)
BOOTCTL = shutil.which("bootctl") or shutil.which("bootctl", path=os.path.join(REPO, ".cache", "systemd-boot",
                                                                               "usr", "bin"))
UNSHARE = shutil.which("unshare")
pytestmark = pytest.mark.skipif(not (BOOTCTL and UNSHARE and os.geteuid() == 0),
                                reason="needs bootctl (systemd 252), unshare and root")


def bootctl_list(root, json_output=True):
    """bootctl's entries of the tree at `root` (its /boot as ESP and XBOOTLDR);
    --root turns off the partition checks, the bind mount makes /boot a mount point."""
    script = ('mount --bind "$1/boot" "$1/boot" && exec "$2" --root="$1" --esp-path=/boot --boot-path=/boot '
              '--no-pager --json=%s list' % ("short" if json_output else "off"))
    done = subprocess.run([UNSHARE, "-m", "sh", "-c", script, "sh", root, BOOTCTL], capture_output=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8", "surrogateescape")
    if not json_output:
        return out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def write_entries(root, files, loader_conf=None):
    entries = os.path.join(root, "boot", "loader", "entries")
    os.makedirs(entries, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(entries, name), "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    if loader_conf is not None:
        with open(os.path.join(root, "boot", "loader", "loader.conf"), "w") as handle:
            handle.write(loader_conf)
    return root


MID = ("7c3e5a1f0b9d4c2e8a6f4b1d3e5c7a90", "2d9f6b3a8c1e4f7a9b0c5d2e6f1a3b4c", "9a1b2c3d4e5f40718293a4b5c6d7e8f9")


def ordinary_release(rng):
    """A kernel release as RHEL 8/9/10 and Fedora name them."""
    kind = rng.randrange(5)
    if kind == 0:
        return "5.14.0-%d.%d.%d.el9_%d.x86_64" % (rng.randrange(60, 600), rng.randrange(1, 40),
                                                  rng.randrange(1, 3), rng.randrange(0, 7))
    if kind == 1:
        return "4.18.0-%d.el8_%d.x86_64" % (rng.randrange(80, 560), rng.randrange(0, 11))
    if kind == 2:
        return "6.%d.%d-%d.fc%d.x86_64" % (rng.randrange(0, 15), rng.randrange(0, 20), rng.randrange(100, 310),
                                           rng.randrange(36, 43))
    if kind == 3:
        return "6.12.0-%d.el10_%d.x86_64" % (rng.randrange(1, 120), rng.randrange(0, 3))
    return "0-rescue"


def ordinary_entry(release):
    return ("title Linux (%s)\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img\n"
            "options root=/dev/mapper/rhel-root ro quiet\ngrub_class kernel\n" % (release, release, release, release))


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_order_of_ordinary_kernels(tmp_path, seed):
    """Random RHEL/Fedora kernel sets: bootctl's order == blscfg's (RHEL 9 and 8 rules) == systemd-boot's here."""
    rng = random.Random(seed)
    names = {}
    while len(names) < 8:
        release = ordinary_release(rng)
        names["%s-%s.conf" % (rng.choice(MID[:1] if seed % 2 else MID), release)] = ordinary_entry(release)
    root = write_entries(str(tmp_path), names)
    oracle = [e["id"] for e in bootctl_list(root)]
    host = HostRoot(root)
    for flavour in (bls.RHEL9, bls.RHEL8):
        files = bls.read_blscfg_files(host, flavour)
        ordering = bls.blscfg_order(files, flavour)
        assert not ordering.ties
        if flavour == bls.RHEL8 and len(set(n.split("-", 1)[0] for n in names)) > 1:
            continue      # RHEL 8 sorts by `version` first: another order than the ids' when machine-ids differ
        assert [f.name for f in ordering.files] == oracle, flavour
    assert [e.id for e in bls.read_sdboot_entries(host, ["/boot/loader/entries"], unquote=False)] == oracle


ODD_NAMES = ["a-6.1.0-1.conf", "a-6.1.0-2.conf", "a-6.1.0-10.conf", "a-6.1.0-1.1.conf", "a-6.1.0-1a.conf",
             "a-6.1.0.conf", "a-6.1.conf", "a-6.1.0-rc1.conf", "a-6.1.0-0.rc1.conf", "a-6.1.0-1.old.conf",
             "a-6.1.0-1+debug.conf", "a-6.1.0-1_x.conf", "b.conf", "b-1.conf", "ab-1-1.conf", "A-1.conf",
             "a-6.1.0-3.1.conf", "a-6.1.0-1.x86_64.conf", "a-6.1.0-1.x86_64+rt.conf",
             "a-6.1.0-1-1.conf", "a-6.1.0-.conf", "a--1.conf", "a-6.1.0-1.conf.conf",
             "a-6.1.0-7+3-0.conf", "a-6.1.0-8+0.conf", "a-6.1.0-9+2-1.conf"]


@pytest.mark.parametrize("seed", range(20))
def test_systemd_boot_order_of_odd_names(tmp_path, seed):
    """strverscmp_improved() and the boot-counter rules: bootctl's order on names
    blscfg and systemd-boot sort differently."""
    rng = random.Random(seed)
    chosen = rng.sample(ODD_NAMES, 10)
    files = {name: "title %s\nlinux /k\n%s" % (name, "sort-key s%d\n" % rng.randrange(3) if rng.random() < .2
                                               else "") for name in chosen}
    root = write_entries(str(tmp_path), files)
    oracle = [e["id"] for e in bootctl_list(root)]
    ours = [e.id for e in bls.read_sdboot_entries(HostRoot(root), ["/boot/loader/entries"], unquote=False)]
    assert ours == oracle


@pytest.mark.parametrize("name", ["z@1.conf", "a~1.conf", "a^1.conf", "a b.conf", "a:1.conf", "\u00e4-1.conf",
                                  "a=1.conf", "a_B-9.conf", "a+1.conf"])
def test_names_bootctl_refuses(tmp_path, name):
    root = write_entries(str(tmp_path), {name: "title t\nlinux /k\n", "ok-1.conf": "title ok\nlinux /k\n"})
    listed = bls.SdBootEntry(name, None, {}).id in [e["id"] for e in bootctl_list(root)]
    assert bls.sdboot_name_valid(name) == listed


def test_names_equal_to_strverscmp_are_refused(tmp_path):
    """a-006.1.0-1 and a-6.1.0-1 compare equal: their order is the directory's
    (FAT keeps no order systemd-boot sorts by): unknown."""
    root = write_entries(str(tmp_path), {"a-006.1.0-1.conf": "linux /k\n", "a-6.1.0-1.conf": "linux /k\n"})
    with pytest.raises(bls.ConfigError):
        bls.read_sdboot_entries(HostRoot(root), ["/boot/loader/entries"])


FIELD_CASES = {
    "plain": "title T\nversion 1\nlinux /vmlinuz-1\noptions root=/dev/sda1 ro quiet\ninitrd /i1\ninitrd /i2\n",
    "blank-line-then-options": "title T\nlinux /k\noptions selinux=0\n\noptions selinux=1\n",
    "two-options": "title T\nlinux /k\noptions one=1\noptions two=2\n",
    "two-titles-two-linux": "title First\ntitle Second\nlinux /first\nlinux /second\n",
    "tab-after-key": "title T\nlinux /k\noptions\troot=/dev/sda1 ro selinux=0\n",
    "crlf-and-indent": "  title Indented\r\nlinux /k\r\noptions crlf=1 \r\n",
    "comment-and-empty-options": "# comment\ntitle T\n  # indented comment\nlinux /k\noptions\n",
    "quoted": 'title T\nlinux /k\noptions "quiet selinux=0"\n',
    "spaces-around": "title    Spaced   title   \nlinux    /k\noptions   a=1    b=2   \n",
    "unknown-keys": "title T\nlinux /k\ngrub_users $grub_users\ngrub_arg --unrestricted\nid x\n",
    "no-newline-at-end": "title T\nlinux /k\noptions last=1",
    "key-only-then-more": "title T\nversion\nlinux /k\noptions after=1\n",
    "dollar-variables": "title T\nlinux /k\noptions root=x $kernelopts ${tuned_params}\n",
}


@pytest.mark.parametrize("name", sorted(FIELD_CASES))
def test_fields_as_bootctl_reads_them(tmp_path, name):
    root = write_entries(str(tmp_path), {"e-1.conf": FIELD_CASES[name]})
    (oracle,) = bootctl_list(root)
    fields = bls.sdboot_fields(FIELD_CASES[name].encode("utf-8"))
    assert (fields.get("title"), fields.get("linux"), fields.get("options")) == \
        (oracle.get("title"), oracle.get("linux"), oracle.get("options"))
    assert fields["initrd"] == oracle.get("initrd", [])


# Where blscfg (first key wins, stops at a key-only or empty line, space before tab) and bootctl part.
BLSCFG_DIFFERS = {"blank-line-then-options", "two-options", "two-titles-two-linux", "tab-after-key",
                  "key-only-then-more", "crlf-and-indent", "spaces-around"}


@pytest.mark.parametrize("name", sorted(FIELD_CASES))
def test_blscfg_reading_agrees_only_where_the_sources_agree(tmp_path, name):
    root = write_entries(str(tmp_path), {"e-1.conf": FIELD_CASES[name]})
    (oracle,) = bootctl_list(root)
    keyvals, _stopped = bls.blscfg_keyvals(FIELD_CASES[name].encode("utf-8"))
    entry = bls.BlsFile("e-1.conf", "/boot/loader/entries/e-1.conf", keyvals)
    ours = (entry.first("title"), entry.first("linux"), entry.first("options"))
    theirs = (oracle.get("title"), oracle.get("linux"), oracle.get("options"))
    assert (ours == theirs) == (name not in BLSCFG_DIFFERS), (ours, theirs)


def test_discovery(tmp_path):
    """Which files each program lists: .CONF, hidden, short names, a directory."""
    files = {"k-1.conf": "title one\nlinux /k\n", "k-2.CONF": "title upper\nlinux /k\n",
             ".k-3.conf": "title hidden\nlinux /k\n", "k-4.conf.bak": "title backup\nlinux /k\n"}
    root = write_entries(str(tmp_path), files)
    os.makedirs(os.path.join(root, "boot/loader/entries/k-5.conf"))
    oracle = sorted(e["id"] for e in bootctl_list(root))
    host = HostRoot(root)
    assert sorted(e.id for e in bls.read_sdboot_entries(host, ["/boot/loader/entries"], unquote=False)) == oracle
    blscfg = sorted(f.name for f in bls.read_blscfg_files(host, bls.RHEL9))
    assert blscfg == ["k-1.conf"] and oracle == ["k-1.conf", "k-2.CONF"]


@pytest.mark.parametrize("pattern", ["a-6.1.0-2.conf", "a-6.1.0-1*", "*RESCUE*", "A-6.1.0-1.CONF", "nomatch*",
                                     "a-6.1.0-?.conf", "*-0-rescue.conf", "[ab]-6.1.0-2*"])
def test_loader_conf_default_glob(tmp_path, pattern):
    files = {"a-6.1.0-1.conf": "title one\nlinux /k\n", "a-6.1.0-2.conf": "title two\nlinux /k\n",
             "a-0-rescue.conf": "title rescue\nlinux /k\n"}
    root = write_entries(str(tmp_path), files, loader_conf="timeout 3\ndefault %s\n" % pattern)
    text = bootctl_list(root, json_output=False)
    oracle = [block for block in text.split("\n\n") if "(default)" in block]
    assert len(oracle) == 1
    entries = bls.read_sdboot_entries(HostRoot(root), ["/boot/loader/entries"], unquote=False)
    chosen, _why = bls.sdboot_pick(entries, [(pattern, "loader.conf")])
    assert "id: %s\n" % chosen.id in oracle[0] + "\n"
