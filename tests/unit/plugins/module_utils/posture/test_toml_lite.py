# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine's TOML reader gives TOML 1.0's verdict and tomllib's values.

Three sources of documents: our corpus (toml_cases.py, each with tomllib's
and Podman 4.3's recorded verdict), random documents built from TOML 1.0's
grammar, and random mutations of those (a character deleted, doubled or
replaced, lines swapped or repeated). For each, toml_lite and tomllib
(Python 3.11) must accept and reject the same documents and read the same
values; the only exceptions are numbers tomllib keeps although TOML 1.0 and
the engines refuse them (integers beyond int64, floats that overflow).
"""

import datetime
import glob
import math
import random
import tomllib

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.toml_lite import (
    MAX_NESTING, TomlError, loads,
)
from toml_cases import DOCS
from toml_documents import random_document, mutations

RANDOM_DOCUMENTS = 1000
MUTATIONS_EACH = 6


def same(ours, theirs):
    """Equal values and types, NaN equal to NaN, -0.0 apart from 0.0."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(same(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs))
    if isinstance(ours, float):
        if math.isnan(ours):
            return math.isnan(theirs)
        return ours == theirs and math.copysign(1, ours) == math.copysign(1, theirs)
    if isinstance(ours, datetime.datetime):
        return ours == theirs and ours.utcoffset() == theirs.utcoffset()
    return ours == theirs


def tomllib_verdict(text):
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return exc


def beyond_the_engines(value):
    """True when tomllib read a number TOML 1.0 / BurntSushi refuse: an int beyond int64 or an infinite float
    (only reachable from a finite literal, since inf is spelled out and then toml_lite accepts it too)."""
    if isinstance(value, dict):
        return any(beyond_the_engines(v) for v in value.values())
    if isinstance(value, list):
        return any(beyond_the_engines(v) for v in value)
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -(1 << 63) <= value < (1 << 63)
    return isinstance(value, float) and math.isinf(value)


def assert_agrees_with_tomllib(text):
    theirs = tomllib_verdict(text)
    try:
        ours = loads(text)
    except TomlError as exc:
        assert exc.line >= 1
        if not isinstance(theirs, Exception):
            assert "out of range" in str(exc) and beyond_the_engines(theirs), (text, exc)
        return False
    assert not isinstance(theirs, Exception), (text, ours, theirs)
    assert same(ours, theirs), (text, ours, theirs)
    return True


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_corpus_verdict_and_values(doc):
    accepted = assert_agrees_with_tomllib(doc.text) if doc.tomllib_accepts == doc.valid else None
    if accepted is None:  # tomllib laxer than TOML 1.0 and the engines: only our verdict is checked
        with pytest.raises(TomlError):
            loads(doc.text)
        tomllib.loads(doc.text)
    else:
        assert accepted == doc.valid


def test_random_documents_and_their_mutations_read_as_tomllib_reads_them():
    rng = random.Random(20261129)
    accepted = rejected = 0
    for dummy in range(RANDOM_DOCUMENTS):
        text = random_document(rng)
        assert assert_agrees_with_tomllib(text), text   # the generator writes valid TOML only
        for mutant in mutations(rng, text, MUTATIONS_EACH):
            if assert_agrees_with_tomllib(mutant):
                accepted += 1
            else:
                rejected += 1
    # the mutations must exercise both sides, or they prove nothing
    assert accepted > RANDOM_DOCUMENTS and rejected > RANDOM_DOCUMENTS, (accepted, rejected)


def test_dates_and_times_are_values():
    assert loads("a = 1979-05-27T07:32:00-07:00\nb = 07:32:00.5\n") == {
        "a": datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone(-datetime.timedelta(hours=7))),
        "b": datetime.time(7, 32, 0, 500000)}


@pytest.mark.parametrize("text", ["a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n",
                                  "a = " + "{b = " * (MAX_NESTING + 1) + "1" + "}" * (MAX_NESTING + 1) + "\n",
                                  ".".join(["k"] * (MAX_NESTING + 1)) + " = 1\n"])
def test_deep_nesting_is_an_error_not_a_recursion(text):
    with pytest.raises(TomlError, match="deep|parts"):
        loads(text)


@pytest.mark.parametrize("text, line", [("a = 1\n\n[b]\nc = 0123\n", 4), ("a = 1 # \x00\n", 1),
                                        ('x = """\n\n\x01"""\n', 3)])
def test_errors_name_the_line(text, line):
    with pytest.raises(TomlError) as info:
        loads(text)
    assert info.value.line == line


@pytest.mark.parametrize("path", sorted(
    glob.glob("/usr/share/containers/*.conf") + glob.glob("/etc/containers/*.conf")
    + glob.glob("/etc/crio/*.conf")))
def test_reads_this_machines_engine_configs_like_tomllib(path):
    with open(path, encoding="utf-8") as handle:
        assert assert_agrees_with_tomllib(handle.read())
