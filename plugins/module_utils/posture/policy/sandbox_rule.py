# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The policy's `sandbox_required`: which containers must run in the gVisor sandbox.

    sandbox_required:
      names: ["untrusted-*", "ci-runner-?"]   # shell patterns (fnmatch, case-sensitive) on the name
      labels: ["stockade.sandbox=required", "untrusted"]   # KEY=VALUE, or KEY: the label is set

A container is selected when its name matches one pattern or it carries one of
the labels. A container no engine reported (containerd's `ctr`, another user's
engine) has no labels the audit can read: its id is matched against `names`.
Anything else in the mapping is an error, as is an empty pattern or label."""

from __future__ import annotations

import fnmatch

from .evaluation import PolicyError

KEYS = ("names", "labels")


class SandboxRule:
    def __init__(self, names=(), labels=()):
        self.names = list(names)
        self.labels = list(labels)   # [(key, value or None)]

    def __bool__(self):
        return bool(self.names or self.labels)

    def selects(self, name, labels=None):
        """Why the rule selects a container named `name` with `labels`, or None."""
        for pattern in self.names:
            if fnmatch.fnmatchcase(name, pattern):
                return "name %s matches %s" % (name, pattern)
        for key, value in self.labels:
            if labels and key in labels and (value is None or str(labels[key]) == value):
                return "label %s" % (key if value is None else "%s=%s" % (key, value))
        return None

    def as_dict(self):
        return {"names": list(self.names),
                "labels": [key if value is None else "%s=%s" % (key, value) for key, value in self.labels]}


def parse(value, source="policy"):
    """The SandboxRule of the policy's sandbox_required value (None: no rule)."""
    if value is None:
        return SandboxRule()
    where = "%s: sandbox_required" % source
    if not isinstance(value, dict):
        raise PolicyError("%s must be a mapping with names and/or labels, not a %s" % (where, type(value).__name__))
    unknown = sorted(str(key) for key in value if key not in KEYS)
    if unknown:
        raise PolicyError("%s: unknown key(s) %s; expected %s" % (where, ", ".join(unknown), ", ".join(KEYS)))
    lists = {}
    for key in KEYS:
        items = value.get(key)
        if items is None:
            items = []
        if not isinstance(items, list):
            raise PolicyError("%s: %s must be a list of strings" % (where, key))
        for index, item in enumerate(items, 1):
            if not isinstance(item, str) or not item.strip():
                raise PolicyError("%s: %s item %d (%r) must be a non-empty string" % (where, key, index, item))
        lists[key] = items
    labels = []
    for item in lists["labels"]:
        key, sep, label_value = item.partition("=")
        if not key.strip():
            raise PolicyError("%s: labels item %r has no key" % (where, item))
        labels.append((key, label_value if sep else None))
    return SandboxRule(lists["names"], labels)
