# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""toml_writer: what it writes, toml_lite and tomllib read back as the same data."""

import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils import toml_writer
from ansible_collections.stockade.hardening.plugins.module_utils.posture import toml_lite

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
    ({"a": {"k": [["nested"]]}}, "arrays may hold only"),
    ({"a": {"k": [{"t": 1}]}}, "arrays may hold only"),
    ({"a": {"k": object()}}, "cannot write a object"),
    ({"a": {1: "x"}}, "keys must be strings"),
])
def test_refuses_what_it_cannot_write(data, message):
    with pytest.raises(toml_writer.TomlWriteError, match=message):
        toml_writer.dumps(data)
