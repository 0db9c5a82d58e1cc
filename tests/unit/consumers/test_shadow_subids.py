# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""/etc/subuid as shadow reads it: posture.subids against the real
`getsubids` (uidmap 1:4.13+dfsg1-1+deb12u2, Debian 12, on the CI machine),
and both against the verdicts recorded from it.

Each file is put at the real path in a private mount namespace (a tmpfs copy
of /etc bound over /etc, so nothing of this machine changes) with a passwd
that has `dockremap` as uid 998; `getsubids dockremap` lists the ranges shadow
gives that user (by name or by its uid, list_owner_ranges()). The reader's
side is shadow_parse() over the same lines. shadow 4.17 (Debian 13) differs
only in refusing negative numbers (str2ul), read from its source, not run.
"""

import pytest

from namespace import run_in_namespace
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.subids import (
    shadow_lines, shadow_parse,
)

OWNER, UID = "dockremap", 998
PASSWD = "root:x:0:0:root:/root:/bin/sh\ndockremap:x:998:998::/:/usr/sbin/nologin\n"

# (name, /etc/subuid content, [(start, count)] getsubids printed for dockremap; when it
# finds none it says "Error fetching ranges" and exits 1, the same as when it cannot read the file)
CASES = [
    ("plain", "dockremap:100000:65536\n", [(100000, 65536)]),
    ("by-uid", "998:100000:65536\n", [(100000, 65536)]),
    ("name-and-uid", "dockremap:100000:65536\n998:200000:10\n", [(100000, 65536), (200000, 10)]),
    ("hex", "dockremap:0x186a0:65536\n", [(100000, 65536)]),
    ("octal", "dockremap:0303240:65536\n", [(100000, 65536)]),
    ("leading-blank-in-number", "dockremap: 100000:65536\n", [(100000, 65536)]),
    ("plus-sign", "dockremap:+100000:65536\n", [(100000, 65536)]),
    ("negative-wraps", "dockremap:-1:65536\n", [(2 ** 64 - 1, 65536)]),
    ("beyond-uint32", "dockremap:4294967296:65536\n", [(4294967296, 65536)]),
    ("twenty-digits-max", "dockremap:18446744073709551615:1\n", [(18446744073709551615, 1)]),
    ("twenty-digits-overflow", "dockremap:18446744073709551616:1\n", []),
    ("non-ascii-digits", "dockremap:\u0661\u0660\u0660\u0660\u0660\u0660:65536\n", []),
    ("fullwidth-digits", "dockremap:\uff11\uff10\uff10\uff10\uff10\uff10:65536\n", []),
    ("trailing-blank", "dockremap:100000:65536 \n", []),
    ("crlf", "dockremap:100000:65536\r\n", []),
    ("leading-blank-owner", " dockremap:100000:65536\n", []),
    ("commented", "#dockremap:100000:65536\n", []),
    ("blank-lines-and-comments", "\n# x\ndockremap:100000:65536\n\n", [(100000, 65536)]),
    ("four-fields", "dockremap:100000:65536:junk\n", [(100000, 65536)]),
    ("two-fields", "dockremap:100000\n", []),
    ("empty-count", "dockremap:100000:\n", []),
    ("hex-without-digits", "dockremap:0x:65536\n", []),
    ("nis-line", "+dockremap:100000:65536\n", []),
    ("long-line", "dockremap:100000:65536" + ":x" * 600 + "\n", []),
    # line 2 alone is good, yet nothing is listed: the NUL made the whole file unreadable
    ("nul-fails-the-file", "dockremap:100000:65536\0junk\ndockremap:200000:65536\n", []),
    ("nul-in-last-unterminated-line", "dockremap:100000:65536\0junk", [(100000, 65536)]),
    ("no-final-newline", "dockremap:100000:65536", [(100000, 65536)]),
    ("zero-count", "dockremap:100000:0\n", [(100000, 0)]),
    ("other-owner-only", "containers:100000:65536\n", []),
    # issue 18: long and odd numbers, read by numbers.shadow_getulong (bounded, ASCII digits only)
    ("five-hundred-digits", "dockremap:" + "9" * 500 + ":1\n", []),
    ("nine-hundred-leading-zeros", "dockremap:" + "0" * 900 + "100000:1\n", [(32768, 1)]),
    ("superscript-three", "dockremap:\u00b3:1\n", []),
    ("hex-capital-x", "dockremap:0X186A0:65536\n", [(100000, 65536)]),
    ("octal-08", "dockremap:08:1\n", []),
    ("negative-max", "dockremap:-18446744073709551615:1\n", [(1, 1)]),
    ("negative-overflow", "dockremap:-18446744073709551616:1\n", []),
    ("sign-only", "dockremap:-:1\n", []),
]

GETSUBIDS = r"""
import shutil
subprocess.run(["mount", "-t", "tmpfs", "stockade-test", "/mnt"], check=True)
subprocess.run(["cp", "-a", "/etc/.", "/mnt/"], check=True)
with open("/mnt/passwd", "w") as handle:
    handle.write(PAYLOAD["passwd"])
subprocess.run(["mount", "--bind", "/mnt", "/etc"], check=True)
results = []
for content in PAYLOAD["files"]:
    with open("/etc/subuid", "wb") as handle:
        handle.write(content.encode("utf-8"))
    run = subprocess.run(["getsubids", PAYLOAD["owner"]], capture_output=True, timeout=20)
    if run.returncode != 0 and run.stderr.strip() == b"Error fetching ranges":
        results.append([])
        continue
    if run.returncode != 0:   # any other failure is the harness's, never "no ranges"
        raise SystemExit("getsubids failed (%d): %r" % (run.returncode, run.stderr))
    ranges = []
    for line in run.stdout.decode().splitlines():
        _index, _owner, start, count = line.split()
        ranges.append([int(start), int(count)])
    results.append(ranges)
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def getsubids():
    return run_in_namespace(GETSUBIDS, {"passwd": PASSWD, "owner": OWNER, "files": [c[1] for c in CASES]})


def shadow_ranges(text, owner, uid):
    """The owner's ranges as the reader says shadow reads them."""
    try:
        lines = shadow_lines(text)
    except ValueError:
        return []
    found = []
    for _number, line in lines:
        parsed = shadow_parse(line)
        if parsed and parsed[0] in (owner, str(uid)):
            found.append((parsed[1], parsed[2]))
    return found


@pytest.mark.parametrize("name,content,recorded", CASES, ids=[c[0] for c in CASES])
def test_subid_reader_is_shadow(getsubids, name, content, recorded):
    real = getsubids[[c[0] for c in CASES].index(name)]
    assert [tuple(r) for r in real] == recorded, "getsubids here differs from the recorded verdict"
    assert shadow_ranges(content, OWNER, UID) == recorded
