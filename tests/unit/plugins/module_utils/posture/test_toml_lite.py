# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine's TOML reader must read what tomllib reads (on the files that
containers.conf and crio.conf use) and reject what tomllib rejects."""

import glob
import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.toml_lite import TomlError, loads

SAMPLES = [
    "",
    "# only a comment\n",
    '[containers]\nuserns = "auto"\nlabel = true\nread_only = false\n',
    "[containers]\ndefault_capabilities = [\n  \"CHOWN\",  # why\n  \"KILL\",\n]\n",
    "[engine.runtimes]\nkata = [\"/usr/bin/kata-runtime\", \"/opt/kata/bin/kata-runtime\"]\n",
    "[crio.runtime.runtimes.runc]\nruntime_path = \"\"\nruntime_type = \"oci\"\n",
    "a.b.c = 1\n[x]\n\"quoted key\" = 'literal \\ string'\n",
    "n = -1_000\nhex = 0xff\noct = 0o17\nbin = 0b101\nf = 6.02e23\ng = -0.5\ninf1 = inf\n",
    'multi = """\nline one\nline two"""\nraw = \'\'\'\nC:\\path\'\'\'\n',
    'folded = """\\\n   joined \\\n   here"""\n',
    'esc = "tab\\there \\u00e9 \\"q\\""\n',
    "inline = {a = 1, b = \"two\", c = [1, 2]}\n",
    "[[network.plugins]]\nname = \"bridge\"\n[[network.plugins]]\nname = \"host\"\n",
    "empty_array = []\nnested = [[1, 2], [\"a\"]]\n",
]
INVALID = [
    "[containers\nx = 1\n", "x = \n", 'x = "unterminated\n', "x = 1\nx = 2\n",
    "[a]\n[a]\n", "x = [1, 2\n", "x = 1 2\n", "x = {a = 1\n", "= 1\n", "x = 'open\n",
    'x = "\\q"\n', "x = tru\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_reads_what_tomllib_reads(text):
    assert loads(text) == tomllib.loads(text)


@pytest.mark.parametrize("text", INVALID)
def test_rejects_with_a_line_number(text):
    with pytest.raises(TomlError) as info:
        loads(text)
    assert info.value.line >= 1
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)


def test_dates_are_refused_not_misread():
    with pytest.raises(TomlError, match="dates"):
        loads("when = 1979-05-27T07:32:00Z\n")


@pytest.mark.parametrize("path", sorted(
    glob.glob("/usr/share/containers/*.conf") + glob.glob("/etc/containers/*.conf")
    + glob.glob("/etc/crio/*.conf")))
def test_reads_this_machines_engine_configs_like_tomllib(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert loads(text) == tomllib.loads(text)
