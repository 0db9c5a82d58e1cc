# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""toml_writer: what it writes, toml_lite and tomllib read back as the same data."""

import datetime
import os
import sys
import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import toml_writer
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import toml_lite

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "posture"))
from toml_cases import DOCS  # noqa: E402  (the TOML corpus of the reader's tests)

CASES = [
    pytest.param({}, id="empty"),
    pytest.param({"containers": {"read_only": True}}, id="one-table"),
    pytest.param({"crio": {"runtime": {"default_capabilities": ["CHOWN", "KILL", "SETUID", "SETGID", "FOWNER"],
                                       "read_only": False}}}, id="nested-long-list"),
    pytest.param({"containers": {"pidns": "private", "netns": "private", "ipcns": "private",
                                 "utsns": "private", "cgroupns": "private"}}, id="namespaces"),
    pytest.param({"engine": {"runtimes": {"kata": ["/usr/bin/kata-runtime"], "runsc": ["/usr/bin/runsc"]}}},
                 id="podman-runtimes"),
    pytest.param({"crio": {"runtime": {"runtimes": {"kata": {
        "runtime_path": "/usr/bin/containerd-shim-kata-v2", "runtime_type": "vm",
        "runtime_root": "/run/vc", "privileged_without_host_devices": True}}}}}, id="crio-handler"),
    pytest.param({"top": 1, "flag": True, "name": "x", "table": {"a": -5, "b": 0, "c": []}}, id="root-scalars"),
    pytest.param({"empty": {}, "also": {"inner": {}}}, id="empty-tables"),
    pytest.param({"weird keys": {"a.b": 1, "": "empty key", "ü": "unicode", "x-y_z": "bare"}}, id="quoted-keys"),
    pytest.param({"s": {"quote": 'say "hi"', "backslash": "C:\\path\\", "newline": "a\nb\r\tc",
                        "control": "\x00\x01\x1f\x7f", "unicode": "Zürich ✓ 🎉", "hash": "# not a comment",
                        "brackets": "[x] = {y}"}}, id="string-escapes"),
    pytest.param({"n": {"big": 2 ** 62, "neg": -(2 ** 40), "float": 1.5, "exp": 1e20, "tiny": 5e-7}}, id="numbers"),
    pytest.param({"mixed": {"list": ["a", 1, True]}}, id="mixed-array"),
]


@pytest.mark.parametrize("data", CASES)
def test_round_trip_through_toml_lite_and_tomllib(data):
    text = toml_writer.dumps(data, "layer test")
    assert toml_lite.loads(text) == data
    assert tomllib.loads(text) == data


def test_header_names_the_collection_and_the_owner():
    text = toml_writer.dumps({"containers": {"read_only": True}}, "layer kernel_fs")
    first = text.splitlines()[0]
    assert first.startswith("# Managed by stockade.hardening (layer kernel_fs)")
    assert text.endswith("\n") and "\n\n\n" not in text


def test_owner_with_newlines_stays_one_comment_line():
    text = toml_writer.dumps({}, "layer x\n[evil]\nkey = 1")
    assert tomllib.loads(text) == {} and len(text.splitlines()) == 1


def test_output_is_deterministic_whatever_the_key_order():
    one = {"containers": {"b": 1, "a": 2}, "engine": {"z": True}}
    two = {"engine": {"z": True}, "containers": {"a": 2, "b": 1}}
    assert toml_writer.dumps(one) == toml_writer.dumps(two)


def test_layout_is_what_an_operator_expects():
    text = toml_writer.dumps({"crio": {"runtime": {"read_only": True, "default_capabilities": ["CHOWN", "KILL"]}}}, "layer t")
    assert text.splitlines()[1:] == [
        "[crio.runtime]",
        'default_capabilities = ["CHOWN", "KILL"]',
        "read_only = true",
    ]


def test_values_come_before_subtables():
    text = toml_writer.dumps({"a": {"sub": {"x": 1}, "y": 2}})
    assert text.index("y = 2") < text.index("[a.sub]")
    assert tomllib.loads(text) == {"a": {"sub": {"x": 1}, "y": 2}}


@pytest.mark.parametrize("data,message", [
    ([], "top level must be a table"),
    ({"a": {"k": None}}, "a.k: TOML has no null"),
    ({"a": {"k": [1, None]}}, r"a.k.\[1\]: TOML has no null"),
    ({"a": {"k": object()}}, "cannot write a object"),
    ({"a": {1: "x"}}, "keys must be strings"),
    ({"a": {"k": 2 ** 63}}, "a.k: 9223372036854775808 is beyond"),
    ({"a": {"k": "x\udc80y"}}, "a.k: a lone surrogate"),
    ({"a": {"k\ud800": 1}}, "lone surrogate"),
    ({"a": {"k": datetime.time(1, 2, tzinfo=datetime.timezone.utc)}}, "no time of day with an offset"),
    ({"a": {"k": datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(seconds=30)))}},
     "offset of seconds"),
    ({"a": {"k": b"bytes"}}, "cannot write a bytes"),
    ({"a": {"k": {1, 2}}}, "cannot write a set"),
])
def test_refuses_what_it_cannot_write_naming_the_key(data, message):
    with pytest.raises(toml_writer.TomlWriteError, match=message):
        toml_writer.dumps(data)


@pytest.mark.parametrize("data", [
    pytest.param({"a": {"nested": [[1, 2], ["x", [True]]], "tables": [{"t": 1}, {"u": {"v": "w"}}]}}, id="nested"),
    pytest.param({"containers": {"default_capabilities": ["CHOWN", {"append": True}]}}, id="append-attribute"),
    pytest.param({"t": {"dt": datetime.datetime(1979, 5, 27, 7, 32, 0, 999999),
                        "utc": datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone.utc),
                        "off": datetime.datetime(1979, 5, 27, 0, 32, tzinfo=datetime.timezone(
                            -datetime.timedelta(hours=7, minutes=30))),
                        "d": datetime.date(1979, 5, 27), "tm": datetime.time(0, 32, 0, 5)}}, id="dates"),
    pytest.param({"f": {"nan": float("nan"), "neg_nan": -float("nan"), "inf": float("-inf"), "zero": -0.0,
                        "third": 1 / 3, "int64": [-(2 ** 63), 2 ** 63 - 1]}}, id="float-corners"),
])
def test_writes_every_value_toml_lite_reads_exactly(data):
    text = toml_writer.dumps(data)
    assert toml_writer._first_difference(data, toml_lite.loads(text), ()) is None


@pytest.mark.parametrize("doc", [d for d in DOCS if d.valid], ids=[d.name for d in DOCS if d.valid])
def test_every_valid_corpus_document_is_rewritten_to_the_same_data(doc):
    data = toml_lite.loads(doc.text)
    assert toml_writer._first_difference(data, toml_lite.loads(toml_writer.dumps(data)), ()) is None
