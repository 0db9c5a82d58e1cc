# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""List the variable names of a role that Stockade's roles must not collide with
(names only), from a checkout of that role:

  python3 scripts/anchor_variables.py NAME ROLE_DIR PREFIX [COMMIT]

NAME is how the list is labelled (owner/repo[:role]), ROLE_DIR the role's
directory, PREFIX its variable prefix (selinux, podman, firewall,
kernel_settings, os). Public names come from defaults/main.yml,
meta/argument_specs.yml and the variables and facts its README documents;
private names from vars/*.yml and the register, set_fact and loop_var names of
its tasks and handlers (registered and set facts live on the host, across
roles). The output is one YAML document for tests/unit/data/anchor_variables.yml;
tests/unit/test_variable_collisions.py holds every Stockade role against it."""

from __future__ import annotations

import glob
import os
import re
import sys

import yaml

_IDENTIFIER = r"[a-z_][a-z0-9_]*"
_SET_FACT = ("set_fact", "ansible.builtin.set_fact", "ansible.legacy.set_fact")
_NESTED = ("block", "rescue", "always")


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _keys(path):
    data = _load(path) if os.path.isfile(path) else None
    return set(data) if isinstance(data, dict) else set()


def _spec_options(path):
    if not os.path.isfile(path):
        return set()
    specs = (_load(path) or {}).get("argument_specs") or {}
    return {name for entry in specs.values() for name in ((entry or {}).get("options") or {})}


def _documented(readme, prefix):
    """Names in headings and `code` of the README that carry the role's prefix."""
    if not os.path.isfile(readme):
        return set()
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    tokens = re.findall(r"^#+ +(.+)$", text, re.M)
    tokens = [t for line in tokens for t in re.split(r"[ ,()]+", line)] + re.findall(r"`(%s)`" % _IDENTIFIER, text)
    return {t for t in tokens if re.fullmatch(_IDENTIFIER, t) and (t == prefix or t.startswith(prefix + "_"))}


def _task_names(tasks):
    found = set()
    stack = list(tasks or [])
    while stack:
        task = stack.pop()
        if not isinstance(task, dict):
            continue
        if isinstance(task.get("register"), str):
            found.add(task["register"])
        for key in _SET_FACT:
            if isinstance(task.get(key), dict):
                found |= {k for k in task[key] if k != "cacheable"}
        loop_var = (task.get("loop_control") or {}).get("loop_var")
        if isinstance(loop_var, str):
            found.add(loop_var)
        for key in _NESTED:
            stack.extend(task.get(key) or [])
    return found


def names(role_dir, prefix):
    public = _keys(os.path.join(role_dir, "defaults", "main.yml"))
    public |= _spec_options(os.path.join(role_dir, "meta", "argument_specs.yml"))
    public |= _documented(os.path.join(role_dir, "README.md"), prefix)
    private = set()
    for path in glob.glob(os.path.join(role_dir, "vars", "*.yml")):
        private |= _keys(path)
    for path in glob.glob(os.path.join(role_dir, "tasks", "*.yml")) + glob.glob(
            os.path.join(role_dir, "handlers", "*.yml")):
        private |= _task_names(_load(path))
    private = {n for n in private if re.fullmatch(_IDENTIFIER, n)}  # not a templated set_fact key
    return sorted(public), sorted(private - public)


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as yamllint (ansible-lint) wants them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    public, private = names(argv[1], argv[2])
    entry = {"public": public, "private": private}
    if len(argv) == 4:
        entry = {"commit": argv[3], **entry}
    sys.stdout.write(yaml.dump({argv[0]: entry}, Dumper=_IndentedDumper, default_flow_style=False, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
