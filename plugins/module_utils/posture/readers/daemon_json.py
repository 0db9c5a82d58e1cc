# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""daemon.json as dockerd reads it: the one reader of the file, used by the
audit (posture.docker_daemon) and by the writer (docker_daemon_config).

Mirrors moby's config loader (daemon/config getConflictFreeConfiguration)
and Go's encoding/json for dockerd 20.10.24 (Debian 12) and 26.1.5 (Debian
13), held to both by tests/engines/test_dockerd_consumer.py (20.10 started
for real on this machine, 26.1 through `dockerd --validate`):

- JSON is Go's: RFC 8259 only (NaN, Infinity, comments, trailing commas,
  single quotes, leading zeros refused); a duplicate key: the last wins; a
  number beyond float64 (1e400) is refused ("cannot unmarshal number");
  nesting deeper than 10000 refused. Invalid UTF-8 inside a string is
  accepted by 20.10 (read as U+FFFD).
- Where the versions differ: 20.10 refuses a byte order mark and an empty
  file ("EOF"), and ignores anything after the first JSON value; 26.1 drops
  a UTF-8 BOM, decodes UTF-16 with a BOM, refuses invalid UTF-8 anywhere,
  takes a blank file as no settings, and refuses trailing data.
- Keys: one level of nesting is flattened (a key whose value is an object,
  other than log-opts, runtimes, default-ulimits, features, builder and a
  few more, contributes its children instead of itself); a key that is
  neither a flag name nor an option name is refused ("the following
  directives don't match any configuration option"); a flattened boolean
  flag is applied from its text (`fmt.Sprintf("%v")` then ParseBool), so
  {"x": {"no-new-privileges": 1}} does set it.
- Types: a top-level value of the wrong JSON type for its field is refused
  (KEY_TYPES); null leaves the default.
"""

from __future__ import annotations

import json
import math

from .dockerd_flags import FLAGS, GO_BOOLS
from .go_json import nesting_depth
from .hostfs import MAX_NESTING
from .numbers import go_parse_int

MAX_DEPTH = 10000
# Keys whose object value is a setting of its own, not a group to flatten.
FLAT_OPTIONS = {
    "20.10": frozenset(("cluster-store-opts", "log-opts", "runtimes", "default-ulimits", "features", "builder")),
    "26.1": frozenset(("cluster-store-opts", "default-network-opts", "log-opts", "runtimes", "default-ulimits",
                       "features", "builder")),
}
SKIP_VALIDATE = frozenset(("features", "builder", "deprecated-key-path"))
BOM = b"\xef\xbb\xbf"

# The JSON type of each daemon.json field that dockerd decodes strictly
# (Config struct of both versions); dockerd refuses to start on a mismatch.
BOOL, STRING, INT, NUMBER, LIST, OBJECT = "bool", "string", "int", "number", "list", "object"
KEY_TYPES = dict(
    {k: BOOL for k in (
        "icc", "no-new-privileges", "selinux-enabled", "userland-proxy", "live-restore", "ip-forward",
        "iptables", "ip6tables", "ip-masq", "ipv6", "debug", "experimental", "tls", "tlsverify", "init",
        "raw-logs", "rootless", "cri-containerd")},
    **{k: STRING for k in (
        "seccomp-profile", "userns-remap", "default-cgroupns-mode", "log-driver", "log-level", "data-root",
        "exec-root", "storage-driver", "default-runtime", "cgroup-parent", "default-ipc-mode",
        "default-shm-size", "bip", "bridge", "fixed-cidr", "fixed-cidr-v6", "ip", "group", "pidfile",
        "containerd", "tlscacert", "tlscert", "tlskey", "userland-proxy-path", "init-path",
        "containerd-namespace", "containerd-plugins-namespace", "api-cors-header", "metrics-addr",
        "swarm-default-advertise-addr", "default-gateway", "default-gateway-v6", "host-gateway-ip")},
    **{k: INT for k in (
        "mtu", "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts",
        "shutdown-timeout", "network-control-plane-mtu", "cpu-rt-period", "cpu-rt-runtime")},
    **{k: LIST for k in (
        "hosts", "labels", "dns", "dns-opts", "dns-search", "exec-opts", "storage-opts",
        "authorization-plugins", "insecure-registries", "registry-mirrors", "default-address-pools",
        "allow-nondistributable-artifacts", "node-generic-resources")},
    **{k: OBJECT for k in ("runtimes", "log-opts", "default-ulimits", "features", "builder")},
)
_GO_TYPE_NAMES = {BOOL: "bool", STRING: "string", INT: "int", NUMBER: "float64", LIST: "[]string",
                  OBJECT: "map"}


class DaemonJson:
    """What dockerd makes of a daemon.json."""

    def __init__(self, path, values, flattened, refusal, inexact, ambiguous, parsed=True):
        self.path = path
        self.parsed = parsed          # False when dockerd cannot even read the JSON
        self.values = values          # top-level key -> value (last of duplicates), in file order
        self.flattened = flattened    # configValuesSet: key -> value after one level of flattening
        self.refusal = refusal        # None, or why dockerd refuses to start with this file
        self.inexact = inexact        # why the file cannot be rewritten without changing it ([] if it can)
        self.ambiguous = ambiguous    # keys whose value depends on Go's random map order

    def key_present(self, key):
        return key in self.flattened

    def effective(self, key):
        """The value dockerd takes from this file for `key`, or None (default).

        A boolean flag is set from its flattened entry's text, so a nested
        or numeric one counts too; other keys only from the top level."""
        if KEY_TYPES.get(key) == BOOL:
            return GO_BOOLS.get(_go_text(self.flattened[key])) if key in self.flattened else None
        return self.values.get(key)


class _Refused(Exception):
    pass


def _go_text(value):
    """fmt.Sprintf("%v", value) for a value decoded into interface{}."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "<nil>"
    if isinstance(value, (int, float)):
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 1e21 else repr(number)
    if isinstance(value, str):
        return value
    return "<composite>"


def decode(path, data, version):
    """DaemonJson for the bytes of a daemon.json (`version`: "20.10" or "26.1")."""
    inexact = []
    try:
        text = _text(data, version, inexact)
        document = _parse(text, version, inexact)
    except _Refused as exc:
        return DaemonJson(path, {}, {}, str(exc), inexact, [], parsed=False)
    if document is None:  # `null`, or a blank file that 26.1 accepts
        return DaemonJson(path, {}, {}, None, inexact, [])
    pairs, = document
    raw = {}
    for key, value in pairs:
        raw.pop(key, None)
        raw[key] = value
    flattened, ambiguous = _flatten(raw, version)
    refusal = _unknown_keys(flattened, version) or _type_problem(raw)
    values = {key: plain(value) for key, value in raw.items()}
    return DaemonJson(path, values, flattened, refusal, inexact, ambiguous)


def _text(data, version, inexact):
    if version == "20.10":
        if data.startswith(BOM):
            raise _Refused("invalid character '\u00ef' looking for beginning of value")
        text = data.decode("utf-8", "surrogateescape")
        if any("\udc80" <= c <= "\udcff" for c in text):
            inexact.append("invalid UTF-8 (dockerd 20.10 reads it as U+FFFD)")
        if not text.strip(" \t\r\n"):
            raise _Refused("EOF")
        return text
    if data.startswith(BOM):
        data = data[3:]
        inexact.append("a byte order mark")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Refused("failed to decode configuration JSON at offset %d" % exc.start)
        inexact.append("UTF-16 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused("failed to decode configuration JSON at offset %d: invalid UTF-8" % exc.start)
    return text


_GO_SPACE = " \t\n\r\v\f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def _parse(text, version, inexact):
    """[(key, value)] of the top-level object (as a 1-tuple), or None for null/blank."""
    if version == "26.1":
        text = text.strip(_GO_SPACE)  # bytes.TrimSpace, then a blank file is no settings
        if not text:
            return None
    start = len(text) - len(text.lstrip(" \t\r\n"))
    _check_depth(text)
    hooks = _Hooks(inexact)
    decoder = json.JSONDecoder(object_pairs_hook=hooks.pairs, parse_constant=hooks.constant,
                               parse_float=hooks.number, parse_int=hooks.number)
    try:
        document, end = decoder.raw_decode(text, start)
    except _Refused:
        raise
    except ValueError as exc:
        raise _Refused(_go_syntax_message(exc))
    except RecursionError:
        raise _Refused("nested too deeply for the audit to read")
    if hooks.refusal:
        raise _Refused(hooks.refusal)
    if version == "26.1" and text[end:].strip(" \t\r\n"):
        raise _Refused("invalid character %r after top-level value" % text[end:].strip(" \t\r\n")[0])
    if document is None:
        return None
    if not isinstance(document, _Pairs):
        raise _Refused("json: cannot unmarshal %s into Go value of type map[string]interface {}"
                       % _json_kind(document))
    return (list(document),)


def _check_depth(text):
    deepest = nesting_depth(text)
    if deepest > MAX_DEPTH:
        raise _Refused("exceeded max depth")
    if deepest > MAX_NESTING:
        raise _Refused("nested %d levels deep: the audit reads no deeper than %d" % (deepest, MAX_NESTING))


class _Pairs(list):
    """An object's (key, value) pairs in file order, duplicates kept."""


class _Hooks:
    def __init__(self, inexact):
        self.inexact = inexact
        self.refusal = None

    def pairs(self, pairs):
        keys = [k for k, v in pairs]
        if len(set(keys)) != len(keys):
            self.inexact.append("duplicate keys (%s)" % ", ".join(sorted(set(k for k in keys if keys.count(k) > 1))))
        for key, dummy in pairs:
            if any("\ud800" <= c <= "\udfff" for c in key):
                self.inexact.append("a lone surrogate or invalid UTF-8 in a key")
        return _Pairs(pairs)

    def constant(self, name):
        raise _Refused("invalid character '%s' looking for beginning of value" % name[0])

    def number(self, text):
        value = float(text)
        if math.isinf(value):
            self.refusal = self.refusal or "json: cannot unmarshal number %s into Go value of type float64" % text
            self.inexact.append("the number %s, beyond float64" % text)
        if any(c in text for c in ".eE"):
            return value
        exact = go_parse_int(text, 10, 64)      # what an int field takes; past int64 only a float64 holds it
        return value if exact.error else exact.value


def _go_syntax_message(exc):
    return "invalid JSON: %s" % (exc.args[0] if exc.args else exc)


def _json_kind(value):
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def plain(value):
    """A decoded value with objects as dicts (last duplicate wins)."""
    if isinstance(value, _Pairs):
        return {k: plain(v) for k, v in value}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _flatten(values, version):
    flattened = {}
    origins = {}
    ambiguous = []
    for key, value in values.items():
        if isinstance(value, _Pairs) and key not in FLAT_OPTIONS[version]:
            children = plain(value)
            for child, child_value in children.items():
                if child in origins and origins[child] != key:
                    ambiguous.append(child)
                flattened[child] = child_value
                origins[child] = key
            continue
        if key in origins and origins[key] != key:
            ambiguous.append(key)
        flattened[key] = plain(value)
        origins[key] = key
    return flattened, sorted(set(ambiguous))


def _unknown_keys(flattened, version):
    table = FLAGS[version]
    known = set(table) | set(f.key for f in table.values()) | SKIP_VALIDATE
    unknown = sorted(k for k in flattened if k not in known)
    if unknown:
        return "the following directives don't match any configuration option: %s" % ", ".join(unknown)
    return None


def _type_problem(values):
    for key, value in values.items():
        kind = KEY_TYPES.get(key)
        if kind is None or value is None or _has_type(plain(value), kind):
            continue
        return "json: cannot unmarshal %s into Go struct field Config.%s of type %s" % (
            _json_kind(plain(value)) if not isinstance(value, _Pairs) else "object", key, _GO_TYPE_NAMES[kind])
    return None


def _has_type(value, kind):
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == STRING:
        return isinstance(value, str)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == LIST:
        return isinstance(value, list)
    return isinstance(value, dict)
