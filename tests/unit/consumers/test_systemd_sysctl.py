# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sysctl.d as systemd-sysctl applies it: posture.sysctl against the real
systemd-sysctl, and both against the verdicts recorded from it.

Recorded from systemd 252 (252.38-1~deb12u1, Debian 12) on the CI machine:
each tree is laid at the real paths (tmpfs over /etc/sysctl.d, /run/sysctl.d,
/usr/local/lib/sysctl.d, /usr/lib/sysctl.d, and over /proc/sys with empty
files for the keys, so the values it writes can be read back) in a private
mount namespace, then /lib/systemd/systemd-sysctl runs. The reader's tree
is the same files under a temporary root. `None` means systemd-sysctl wrote
nothing to that key; `exit` is its exit status (1: it reported a failure,
which the reader notes in SysctlSettings.failures while it reads on, as
systemd-sysctl applies the rest). A symlink to
/dev/zero (systemd-sysctl reads it forever) and a FIFO (it blocks) are
hostile-corpus cases instead: they cannot be run to a verdict.
"""


import pytest

from namespace import run_in_namespace
from tree_files import write_tree
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.sysctl import (
    persisted_values,
)

E, R, L, U = "etc/sysctl.d/", "run/sysctl.d/", "usr/local/lib/sysctl.d/", "usr/lib/sysctl.d/"
NULL = {"symlink": "/dev/null"}

# (name, {path: content}, {key: value systemd-sysctl wrote or None}, its exit status)
CASES = [
    ("etc-overrides-usr", {U + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": "kernel.x = 2\n"},
     {"kernel.x": "2"}, 0),
    ("run-overrides-usr", {U + "50-a.conf": "kernel.x = 1\n", R + "50-a.conf": "kernel.x = 2\n"},
     {"kernel.x": "2"}, 0),
    ("usr-local-overrides-usr", {U + "50-a.conf": "kernel.x = 1\n", L + "50-a.conf": "kernel.x = 3\n"},
     {"kernel.x": "3"}, 0),
    ("etc-overrides-run", {R + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": "kernel.x = 2\n"},
     {"kernel.x": "2"}, 0),
    ("dev-null-masks", {U + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": NULL}, {"kernel.x": None}, 0),
    ("dev-null-in-run-masks", {U + "50-a.conf": "kernel.x = 1\n", R + "50-a.conf": NULL},
     {"kernel.x": None}, 0),
    ("empty-file-masks", {U + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": ""}, {"kernel.x": None}, 0),
    ("dangling-symlink-hides", {U + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": {"symlink": "/nope"}},
     {"kernel.x": None}, 0),
    ("directory-hides-and-fails", {U + "50-a.conf": "kernel.x = 1\n", E + "50-a.conf": {"dir": True}},
     {"kernel.x": None}, 1),
    ("name-order-across-dirs", {E + "10-a.conf": "kernel.x = 1\n", U + "20-b.conf": "kernel.x = 2\n"},
     {"kernel.x": "2"}, 0),
    ("mask-does-not-hide-other-names", {U + "10-a.conf": "kernel.x = 1\n", E + "20-b.conf": NULL},
     {"kernel.x": "1"}, 0),
    ("hidden-backup-and-case", {E + ".10-a.conf": "kernel.x = 1\n", E + "10-a.conf~": "kernel.x = 2\n",
                                E + "10-a.CONF": "kernel.x = 3\n", E + "10-a.conf.bak": "kernel.x = 4\n"},
     {"kernel.x": None}, 0),
    ("later-line-wins", {E + "10-a.conf": "kernel.x = 1\nkernel.x = 2\n"}, {"kernel.x": "2"}, 0),
    ("dash-prefix", {E + "10-a.conf": "-kernel.x = 2 \n"}, {"kernel.x": "2"}, 0),
    ("comments", {E + "10-a.conf": "  ; kernel.x = 1\n\t# kernel.y = 1\nkernel.z=3\n"},
     {"kernel.x": None, "kernel.y": None, "kernel.z": "3"}, 0),
    ("slash-key", {E + "10-a.conf": "kernel/z.w = 3\n"}, {"kernel/z.w": "3"}, 0),
    ("dots-and-slash-swap", {E + "10-a.conf": "kernel.q.r/s = 4\n"}, {"kernel/q/r.s": "4"}, 0),
    ("inner-blanks-kept", {E + "10-a.conf": "  kernel.x =  5 6  \n"}, {"kernel.x": "5 6"}, 0),
    ("not-an-assignment", {E + "10-a.conf": "kernel.x = 1\nfoo\n"}, {"kernel.x": "1"}, 1),
    ("glob", {E + "10-a.conf": "kernel.* = 1\nkernel.b = 2\n"},
     {"kernel.a": "1", "kernel.b": "2", "kernel.c": "1"}, 0),
    ("later-glob-keeps-explicit", {E + "10-a.conf": "kernel.b = 2\n", E + "20-a.conf": "kernel.* = 1\n"},
     {"kernel.a": "1", "kernel.b": "2"}, 0),
    ("nul-ends-a-line", {E + "10-a.conf": "kernel.x = 1\0 junk\nkernel.y=\t3\t\n"},
     {"kernel.x": "1", "kernel.y": "3"}, 1),
    ("cr-ends-a-line", {E + "10-a.conf": "kernel.x = 1\rkernel.y = 2\r\n"}, {"kernel.x": "1", "kernel.y": "2"}, 0),
    ("no-continuation-no-unquoting", {E + "10-a.conf": "kernel.x = 1 \\\n 2\nkernel.y=\"3\"\n"},
     {"kernel.x": "1 \\", "kernel.y": '"3"'}, 1),
    ("sysctl-conf-only-via-symlink", {"etc/sysctl.conf": "kernel.x = 9\n"}, {"kernel.x": None}, 0),
    ("debian-99-sysctl-symlink", {"etc/sysctl.conf": "kernel.x = 9\n",
                                  E + "99-sysctl.conf": {"symlink": "../sysctl.conf"}}, {"kernel.x": "9"}, 0),
    ("no-final-newline", {E + "10-a.conf": "kernel.x = 4"}, {"kernel.x": "4"}, 0),
    # blanks after the "ignore failures" dash are cut: the later file still sets the key
    ("dash-then-blank", {"usr/lib/sysctl.d/10-a.conf": "kernel.x = 0\n", E + "99-b.conf": "- kernel.x = 1\n"},
     {"kernel.x": "1"}, 0),
    # a dash without "=" is a negative match: no glob and no earlier assignment writes the key
    ("negative-match-beats-glob", {"usr/lib/sysctl.d/10-a.conf": "kernel.* = 1\n", E + "99-b.conf": "-kernel.x\n"},
     {"kernel.x": None, "kernel.y": "1"}, 0),
    ("negative-match-drops-earlier", {"usr/lib/sysctl.d/10-a.conf": "kernel.x = 2\n", E + "99-b.conf": "-kernel.x\n"},
     {"kernel.x": None}, 0),
]

SYSTEMD_SYSCTL = r"""
DIRS = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/proc/sys"]
results = []
for case in PAYLOAD:
    for directory in DIRS:
        subprocess.run(["umount", "-l", directory], stderr=subprocess.DEVNULL)
        os.makedirs(directory, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "stockade-test", directory], check=True)
    conf = case["files"].get("etc/sysctl.conf")
    scratch = "/proc/sys/.sysctl.conf"   # on the tmpfs: the namespace's own /etc/sysctl.conf
    with open(scratch, "w") as handle:
        handle.write(conf or "")
    subprocess.run(["mount", "--bind", scratch, "/etc/sysctl.conf"], check=True)
    from tree_files import write_tree
    write_tree("/", {path: content for path, content in case["files"].items() if path != "etc/sysctl.conf"})
    for key in case["keys"]:
        full = "/proc/sys/" + key
        os.makedirs(os.path.dirname(full), exist_ok=True)
        open(full, "w").close()
    run = subprocess.run(["/lib/systemd/systemd-sysctl"], capture_output=True, timeout=20)
    values = {}
    for key in case["keys"]:
        with open("/proc/sys/" + key) as handle:
            text = handle.read()
        values[key] = text[:-1] if text.endswith("\n") else (None if text == "" else text)
    subprocess.run(["umount", "-l", "/etc/sysctl.conf"], check=True)
    results.append({"exit": run.returncode, "values": values})
print(json.dumps(results))
"""


def _key_path(key):
    from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.sysctl import normalize
    return normalize(key)


@pytest.fixture(scope="module")
def systemd_sysctl():
    payload = [{"files": case[1], "keys": [_key_path(k) for k in case[2]]} for case in CASES]
    return run_in_namespace(SYSTEMD_SYSCTL, payload)


@pytest.mark.parametrize("name,files,expected,status", CASES, ids=[c[0] for c in CASES])
def test_sysctl_reader_is_systemd_sysctl(systemd_sysctl, tmp_path, name, files, expected, status):
    real = systemd_sysctl[[c[0] for c in CASES].index(name)]
    assert real == {"exit": status, "values": {_key_path(k): v for k, v in expected.items()}}, \
        "systemd-sysctl here differs from the recorded verdict"
    write_tree(str(tmp_path), files)
    settings = persisted_values(HostRoot(str(tmp_path)))
    assert {k: (settings.get(k) or (None,))[0] for k in expected} == expected
    assert bool(settings.failures) == (status != 0), settings.failures
