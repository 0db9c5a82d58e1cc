# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a policy file (JSON, or YAML when PyYAML is installed) strictly.

A policy decides what passes, so anything a reader could take two ways is
refused with a PolicyError naming the file (and the line, for YAML): a
duplicate key (YAML and JSON parsers keep the last one silently), YAML
aliases and merge keys (billion laughs; a policy has no use for them), JSON's
NaN and Infinity, nesting deeper than a policy ever needs, text that is not
UTF-8, and files that are not regular (a FIFO would hang the audit) or are
too large. YAML timestamps stay text: `expires` is checked by policy.validate
as a YYYY-MM-DD date, with a message instead of a traceback for 2027-02-30.
"""

from __future__ import annotations

import json

from ..readers.hostfs import nesting_depth, read_regular
from .evaluation import PolicyError

# A policy nests three levels (mapping > waivers > waiver); this leaves room.
MAX_POLICY_NESTING = 20


def read_policy_file(path):
    """The policy in `path` as plain data; PolicyError naming the file."""
    try:
        data = read_regular(path)
    except (OSError, ValueError) as exc:
        raise PolicyError("%s: cannot read: %s" % (path, getattr(exc, "strerror", None) or exc))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError("%s: not UTF-8 text (byte %d)" % (path, exc.start))
    if text.startswith("\ufeff"):
        text = text[1:]
    if path.endswith(".json"):
        return _json(path, text)
    try:
        import yaml
    except ImportError:
        try:
            return _json(path, text)
        except PolicyError:
            raise PolicyError("%s: YAML policies need PyYAML; write the policy as JSON" % path)
    return _yaml(yaml, path, text)


def _json(path, text):
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise PolicyError("%s: key %s is given twice" % (path, json.dumps(key)))
            seen[key] = value
        return seen

    def no_constant(name):
        raise PolicyError("%s: %s is not a JSON number" % (path, name))

    try:
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except RecursionError:
        raise PolicyError("%s: nested deeper than %d levels" % (path, MAX_POLICY_NESTING))
    except ValueError as exc:
        raise PolicyError("%s: invalid JSON: %s" % (path, exc))
    if nesting_depth(value) > MAX_POLICY_NESTING:
        raise PolicyError("%s: nested deeper than %d levels" % (path, MAX_POLICY_NESTING))
    return value


def _yaml(yaml, path, text):
    try:
        loader = _strict_loader(yaml, path)(text)     # PyYAML's reader refuses control characters here
    except yaml.reader.ReaderError as exc:
        raise PolicyError("%s: %s" % (path, _unprintable(text, exc)))
    try:
        return loader.get_single_data()
    except PolicyError:
        raise
    except RecursionError:
        raise PolicyError("%s: nested deeper than %d levels" % (path, MAX_POLICY_NESTING))
    except yaml.YAMLError as exc:
        raise PolicyError("%s: invalid YAML: %s" % (path, exc))
    except (ValueError, TypeError) as exc:  # a constructor refused a value
        raise PolicyError("%s: invalid YAML value: %s" % (path, exc))
    finally:
        loader.dispose()


def _unprintable(text, exc):
    """Where the character PyYAML refuses stands, by line and column, and what it is."""
    position = exc.position if isinstance(exc.position, int) and 0 <= exc.position < len(text) else None
    if position is None:
        return "invalid YAML: %s" % exc
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return "line %d, column %d: control character U+%04X, which YAML does not allow" % (
        line, column, ord(text[position]))


def _strict_loader(yaml, path):
    """A SafeLoader that refuses aliases, duplicate keys and deep nesting,
    and leaves timestamps as text."""

    class StrictLoader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise PolicyError("%s: line %d: YAML alias *%s: aliases and merge keys are not allowed in a policy"
                                  % (path, event.start_mark.line + 1, event.anchor))
            self.depth += 1
            if self.depth > MAX_POLICY_NESTING:
                raise PolicyError("%s: line %d: nested deeper than %d levels"
                                  % (path, self.peek_event().start_mark.line + 1, MAX_POLICY_NESTING))
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key: SafeLoader says so
                    break
                if duplicate:
                    raise PolicyError("%s: line %d: key %r is given twice"
                                      % (path, key_node.start_mark.line + 1, key))
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return StrictLoader
