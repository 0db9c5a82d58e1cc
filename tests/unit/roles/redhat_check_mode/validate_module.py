# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""For harness.py (in a forked child of Ansible's worker): does a module's own
code accept these arguments? Also runnable alone:

    python validate_module.py MODULE_PATH ARGS_JSON [TREE]

The module file runs as __main__ with the arguments as Ansible passes them;
its AnsibleModule() validates them against the module's argument_spec (and
fails the module, as on a host, when they do not fit). Then the module stops
there: it never acts on this machine. With TREE, a read-only Stockade module
(posture_facts, posture_verify, selinux_host_info, coexistence_info) instead runs to the end
with TREE as the host's root, rpm asked about TREE's database. Prints one
JSON line: {"validated": ..., "result": {...}} or {"validated": ..., "failed": true, "msg": ...}."""

import io
import json
import os
import runpy
import sys


class Validated(Exception):
    pass


def answer(path, args, tree):
    """{"validated": bool, "result": {...}} or {"validated": bool, "failed": True, "msg": ...}."""
    from ansible.module_utils import basic
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
    basic._ANSIBLE_PROFILE = "legacy"
    original = basic.AnsibleModule.__init__
    state = {"validated": False}

    def init(self, *init_args, **kwargs):
        original(self, *init_args, **kwargs)   # validation: fails the module here when the arguments do not fit
        state["validated"] = True
        if not tree:
            raise Validated()
    basic.AnsibleModule.__init__ = init
    if tree:
        _root_on(tree)
    captured = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, captured
    try:
        runpy.run_module(dotted_name(path), run_name="__main__", alter_sys=True)
    except Validated:
        return {"validated": True, "result": documented_result(path)}
    except SystemExit:
        pass
    finally:
        sys.stdout = real_stdout
        basic.AnsibleModule.__init__ = original
    out = captured.getvalue().strip().splitlines()
    found = json.loads(out[-1]) if out else {"failed": True, "msg": "the module printed nothing"}
    if found.get("failed"):
        return dict(found, validated=state["validated"])
    return {"validated": state["validated"], "result": found}


def main():
    path, args_json, tree = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
    print(json.dumps(answer(path, json.loads(args_json), tree)))


def dotted_name(path):
    """The module's import name (modules use relative and collection imports)."""
    parts = path[:-3].split(os.sep)
    for anchor in ("ansible_collections", "ansible"):
        if anchor in parts:
            start = len(parts) - 1 - parts[::-1].index(anchor)
            if anchor == "ansible" and parts[start + 1:start + 2] != ["modules"]:
                continue
            return ".".join(parts[start:])
    raise SystemExit("cannot import %s" % path)


def documented_result(path):
    """changed: false and the keys the module's RETURN documents, each empty."""
    from ansible.parsing.plugin_docs import read_docstring
    import yaml
    docs = read_docstring(path).get("returndocs")
    returned = yaml.safe_load(docs) if isinstance(docs, str) else (docs or {})
    result = _empty_values(returned or {})
    result.pop("ansible_facts", None)
    result["changed"] = False
    return result


def _empty_values(documented):
    empty = {"list": [], "str": "", "path": "", "int": 0, "float": 0.0, "bool": False, "raw": None}
    values = {}
    for key, spec in documented.items():
        if not isinstance(spec, dict):
            continue
        if spec.get("type") in ("dict", "complex") or "contains" in spec:
            values[key] = _empty_values(spec.get("contains") or {})
        else:
            values[key] = empty.get(spec.get("type"))
    return values


def _root_on(tree):
    """Point the read-only Stockade modules at TREE as the host's root."""
    from ansible_collections.stockade.hardening.plugins.module_utils import (
        coexistence_info, kernel_cmdline_info, posture_facts, posture_module, posture_verify, selinux_host_info)
    audit = posture_module.audit_from_params

    def audit_on_tree(params, *args, **kwargs):
        return audit(dict(params, root=tree, live=False), *args, **kwargs)
    for helper in (posture_facts, posture_verify):   # each module's helper, named after it
        helper.audit_from_params = audit_on_tree
    coexistence = coexistence_info.coexistence
    coexistence_info.coexistence = lambda params: coexistence(dict(params, root=tree))
    cmdline_info = kernel_cmdline_info.cmdline_info
    kernel_cmdline_info.cmdline_info = lambda params: cmdline_info(dict(params, root=tree))
    host_facts = selinux_host_info.host_facts
    selinux_host_info.host_facts = lambda params, root="/": host_facts(params, root=tree)
    run = selinux_host_info._run

    def run_on_tree(argv):
        if argv[0] == "rpm":
            argv = ["rpm", "--dbpath", os.path.join(tree, "var", "lib", "rpm")] + argv[1:]
        return run(argv)
    selinux_host_info._run = run_on_tree


if __name__ == "__main__":
    main()
