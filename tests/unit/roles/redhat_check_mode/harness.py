# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run harden.yml in check mode for a host whose facts say RHEL 9 or Fedora,
on this Debian machine, without running anything on it; record every module
call the play makes and whether the module's own code accepts its arguments.

    python harness.py HOSTNAME FACTS.json TREE REPORT.json [ansible-playbook options]

How (ansible-core 2.19, in one process):
- the host's facts come from a jsonfile fact cache holding FACTS.json
  (gathering explicit): every `when:` on os_family, distribution,
  kernel, pkg_mgr sees RHEL's or Fedora's values, include_vars loads
  RedHat.yml, `ansible.builtin.package` picks dnf;
- ActionBase._execute_module, where every module call of every action
  plugin ends, is replaced: the module's file (as Ansible resolves it,
  `ansible.legacy.dnf` and all) is run in a child process with the task's
  arguments and Ansible's internal ones (check mode on) until its
  AnsibleModule() has validated them against the module's own
  argument_spec: unknown options, types, choices, required and mutually
  exclusive options fail there as they would on the host;
- what the play reads back: the read-only Stockade modules (posture_facts,
  posture_verify, selinux_host_info, coexistence_info, kernel_cmdline_info) run for real on TREE as the host's
  root (their root option, or selinux_host_info's; rpm queries go to TREE's
  database), so the engines installed and the SELinux state are the
  tree's; every other module returns only `changed: false` and the keys its
  RETURN documentation lists, empty (dnf, grubby's output, semodule: what
  RHEL's own tools would say is not known here);
- ActionBase._low_level_execute_command and the connection's exec_command
  raise: nothing is ever executed on this machine for the host.

The report: one record per module call (task, module, arguments, accepted
or the module's own error) and the play's return code."""

import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir, os.pardir, os.pardir))
COLLECTIONS = os.path.join(REPO, ".cache", "collections")
RUN_ON_TREE = ("posture_facts", "posture_verify", "selinux_host_info", "coexistence_info", "kernel_cmdline_info")


def main():
    hostname, facts_path, tree, report_path = sys.argv[1:5]
    extra = sys.argv[5:]
    cache = tempfile.mkdtemp(prefix="stockade-facts-")
    with open(facts_path) as handle:
        facts = json.load(handle)
    inventory = os.path.join(cache, "inventory.ini")
    with open(inventory, "w") as handle:
        handle.write("%s ansible_connection=local ansible_python_interpreter=%s\n" % (hostname, sys.executable))
    os.environ.update(ANSIBLE_CACHE_PLUGIN="jsonfile", ANSIBLE_CACHE_PLUGIN_CONNECTION=cache,
                      ANSIBLE_CACHE_PLUGIN_TIMEOUT="0", ANSIBLE_GATHERING="explicit",
                      ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_RETRY_FILES_ENABLED="false",
                      ANSIBLE_FORKS="1", ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=cache)
    _cache_facts(hostname, facts)
    calls = os.path.join(cache, "calls.jsonl")     # written by the worker processes Ansible forks
    _patch(calls, tree, cache)
    from ansible.cli.playbook import PlaybookCLI
    argv = ["ansible-playbook", "-i", inventory, "--check", os.path.join(REPO, "playbooks", "harden.yml")] + extra
    try:
        code = PlaybookCLI(argv).run()
    except SystemExit as exc:
        code = exc.code
    records = []
    if os.path.exists(calls):
        with open(calls) as handle:
            records = [json.loads(line) for line in handle]
    with open(report_path, "w") as handle:
        json.dump({"returncode": code, "calls": records}, handle, indent=1)
    return 0


def _cache_facts(hostname, facts):
    """Store the host's facts through Ansible's own fact cache (as `setup` would)."""
    from ansible import constants
    from ansible.plugins.loader import cache_loader
    cache_loader.get(constants.CACHE_PLUGIN).set(
        hostname, {"ansible_" + k if not k.startswith("ansible_") else k: v for k, v in facts.items()})


def _patch(calls, tree, scratch):
    from ansible.plugins.action import ActionBase
    from ansible.plugins.connection.local import Connection

    def execute_module(self, module_name=None, module_args=None, tmp=None, task_vars=None, persist_files=False,
                       delete_remote_tmp=None, wrap_async=False, ignore_unknown_opts=False):
        module_name = module_name or self._task.action
        args = dict(module_args if module_args is not None else self._task.args)
        self._update_module_args(module_name, args, task_vars or {}, ignore_unknown_opts=ignore_unknown_opts)
        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            module_name, collection_list=self._task.collections)
        path = context.plugin_resolved_path
        short = context.resolved_fqcn or module_name
        run = short.rsplit(".", 1)[-1] in RUN_ON_TREE and short.startswith("stockade.hardening.")
        answer = _in_child(path, args, tree if run else "")
        with open(calls, "a") as handle:
            handle.write(json.dumps({"task": self._task.get_name(), "module": short, "args": _plain(args),
                                     "ran_on_tree": run, "accepted": answer.get("validated", False),
                                     "failed": bool(answer.get("failed")), "msg": answer.get("msg")}) + "\n")
        if answer.get("failed"):
            return {"failed": True, "msg": "%s: %s" % (short, answer.get("msg"))}
        return answer["result"]

    def refuse(self, *args, **kwargs):
        raise RuntimeError("the check-mode harness never executes a command on this machine")

    def make_tmp_path(self, remote_user=None):
        # what an action plugin stages for a module (a rendered template) goes to the harness's scratch
        # directory, never to a path of this machine the host would own
        self._connection._shell.tmpdir = tempfile.mkdtemp(dir=scratch)
        return self._connection._shell.tmpdir

    ActionBase._execute_module = execute_module
    ActionBase._make_tmp_path = make_tmp_path
    ActionBase._remove_tmp_path = lambda self, tmp_path, force=False: None
    ActionBase._fixup_perms2 = lambda self, remote_paths, remote_user=None, execute=True: None
    ActionBase._remote_expand_user = lambda self, path, sudoable=True, pathsep=None: path
    ActionBase._low_level_execute_command = refuse
    Connection.exec_command = refuse


def _in_child(path, args, tree):
    """validate_module.answer() in a forked child: the module's sys.exit, its
    imports and its patches stay there."""
    sys.path.insert(0, HERE)
    import validate_module
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            data = json.dumps(validate_module.answer(path, args, tree), default=str)
        except BaseException as exc:  # noqa: BLE001 - any crash is an answer
            data = json.dumps({"validated": False, "failed": True, "msg": "harness: %r" % exc})
        with os.fdopen(write, "w") as handle:
            handle.write(data)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    try:
        return json.loads(data)
    except ValueError:
        return {"validated": False, "failed": True, "msg": "no answer for %s" % path}


def _plain(args):
    return {k: v for k, v in args.items() if not k.startswith("_ansible_")}


if __name__ == "__main__":
    sys.exit(main())
