# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kill a writer with SIGKILL at random moments and check what it leaves.

    python sigkill_driver.py WRITER KILLS SEED SCRATCH   (as root, in a private
                                                           mount namespace)

Each writer runs as Ansible runs it: its module's main() in a child process,
its arguments passed the way ansible-core passes them (the agent's report:
stockade-audit's main() with its command line). The child is forked from this
process once everything is imported, so a random moment falls in the
writer's own work, not in Python's start-up. For each kill:

1. the writer's files are set back to the old state;
2. a child runs the writer and is SIGKILLed after a random delay between 0
   and 1.2 times an uninterrupted run's duration (the median of the last
   uninterrupted runs, so the window follows the machine's load);
3. every file the writer manages is byte for byte its old or its new
   version (or absent where the old or new state has none, or one of the
   writer's `intermediate` versions: a file a writer changes in two steps,
   such as a subid file its pair repair completes before its own range is
   added), every file named as a backup holds a complete copy of the old
   file, and nothing else is there but temporary files named as ours and
   the lock files of shadow's protocol (FILE.lock, FILE.PID);
4. the writer runs again, uninterrupted: it succeeds, the files are exactly
   the new state of an uninterrupted run, no temporary or lock file is left
   (shadow's /etc/.pwd.lock stays, as glibc leaves it), and each temporary
   file that was there is named in a warning.

Prints a JSON summary (kills, where they left the files, violations).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

from ansible.module_utils import _internal
from ansible.module_utils.common.warnings import get_warning_messages
from ansible.module_utils.testing import patch_module_args

from ansible_collections.stockade.hardening.plugins.modules import (
    config_dropins, docker_daemon_config, seccomp_profile, subid_ranges)
from ansible_collections.stockade.hardening.plugins.module_utils import engine_restart
from ansible_collections.stockade.hardening.plugins.module_utils.posture import cli
from ansible_collections.stockade.hardening.plugins.module_utils.subid_ranges import PairRequest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir, os.pardir))
BACKUP = re.compile(r"(?P<base>.+)\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~\d*\Z")
TEMPORARY = re.compile(r"\.(?P<base>.+)\.stockade-\d+-[0-9a-f]{12}\.tmp\Z")
SHADOW_LOCK = re.compile(r"(?P<base>.+)\.(lock|\d+)\Z")   # shadow's FILE.lock and FILE.PID (commonio)


# -- the writers: where they write, their old state and how they are run --------
class Writer:
    """A scenario: `files` {name: bytes} in `directory` before the run
    (`old`), and how to run the writer over them."""

    name = None
    old = {}
    intermediate = {}     # name -> versions a kill may leave besides the old and the new one
    succeeded = (0,)      # exit statuses of a run that did its job

    def __init__(self, scratch):
        self.scratch = os.path.join(scratch, self.name)
        self.directory = os.path.join(self.scratch, self.watched)
        os.makedirs(self.directory, exist_ok=True)

    watched = "watched"   # the directory the writer writes in, under its scratch

    def reset(self):
        """Put the watched directory back to the old state, nothing else."""
        for entry in os.listdir(self.directory):
            path = os.path.join(self.directory, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        for name, data in self.old.items():
            with open(os.path.join(self.directory, name), "wb") as handle:
                handle.write(data)

    def run(self):
        """Run the writer in this (child) process; returns its exit status."""
        raise NotImplementedError

    def same(self, name, data, reference):
        return data == reference


class ModuleWriter(Writer):
    module = None

    def args(self):
        raise NotImplementedError

    def run(self):
        _internal.is_controller = False
        args = dict(self.args(), _ansible_remote_tmp=os.path.join(self.scratch, "tmp"),
                    _ansible_keep_remote_files=False)
        with patch_module_args(args):
            try:
                self.module.main()
            except SystemExit as exc:
                return exc.code or 0
        return 0


class DaemonJson(ModuleWriter):
    """docker_daemon_config over a root whose daemon.json has user keys."""
    name = "docker_daemon_config"
    module = docker_daemon_config
    old = {"daemon.json": b'{\n  "log-driver": "journald",\n  "data-root": "/srv/docker",\n'
                          b'  "no-new-privileges": false\n}\n'}

    watched = "root/etc/docker"

    def __init__(self, scratch):
        super().__init__(scratch)
        self.root = os.path.join(self.scratch, "root")
        unit = os.path.join(self.root, "lib/systemd/system/docker.service")
        os.makedirs(os.path.dirname(unit), exist_ok=True)
        with open(unit, "w") as handle:
            handle.write("[Service]\nExecStart=/usr/sbin/dockerd -H fd://\n")

    def args(self):
        return {"root": self.root, "settings": {"no-new-privileges": True, "icc": False,
                                                "userland-proxy": False}}


class Dropins(ModuleWriter):
    """config_dropins writing an owned drop-in over an older version of it,
    with a later site drop-in that overrides one owned key (set aside)."""
    name = "config_dropins"
    module = config_dropins
    old = {"50-stockade.conf": b'# owned by stockade.hardening (layer seccomp)\n[containers]\nuserns = "host"\n',
           "90-site.conf": b'[containers]\nseccomp_profile = "unconfined"\npids_limit = 4096\n'}

    def args(self):
        return {"directory": self.directory, "shadowing": "disable",
                "files": {"50-stockade.conf": {"containers": {
                    "seccomp_profile": "/etc/stockade/seccomp/no-compat.json", "userns": "auto"}}}}


class Seccomp(ModuleWriter):
    """seccomp_profile replacing an older hardened profile."""
    name = "seccomp_profile"
    module = seccomp_profile

    def __init__(self, scratch):
        super().__init__(scratch)
        with open(os.path.join(REPO, "roles", "seccomp", "files", "baseline-seccomp.json"), "rb") as handle:
            self.base = handle.read()
        self.base_path = os.path.join(self.scratch, "base.json")
        with open(self.base_path, "wb") as handle:
            handle.write(self.base)
        self.old = {"no-compat.json": self.base}

    def args(self):
        return {"base": self.base_path, "path": os.path.join(self.directory, "no-compat.json"),
                "deny_syscalls": ["userfaultfd"]}


class Subids(ModuleWriter):
    """subid_ranges giving dockremap a range in /etc/subuid and /etc/subgid
    (this process's private /etc is the watched directory)."""
    name = "subid_ranges"
    module = subid_ranges
    users = b"root:x:0:0:root:/root:/bin/sh\ndockremap:x:998:998::/nonexistent:/usr/sbin/nologin\n"
    ranges = b"alice:100000:65536\nbob:165536:65536\n"
    old = {"passwd": users, "group": b"root:x:0:\ndockremap:x:998:\n", "subuid": ranges, "subgid": ranges}
    # both files change: the journal of the pair is there between the first write and the second
    intermediate = {"subuid.stockade-pair": [PairRequest("dockremap", 65536, 100000).to_json().encode("utf-8")]}

    def args(self):
        return {"name": "dockremap"}


class SubidPairRepair(Subids):
    """subid_ranges for `containers` on a host where a run for dockremap was killed between /etc/subuid
    and /etc/subgid: the run completes dockremap's pair first, then gives containers its ranges."""
    name = "subid_pair_repair"
    users = Subids.users + b"containers:x:997:997::/nonexistent:/usr/sbin/nologin\n"
    groups = b"root:x:0:\ndockremap:x:998:\ncontainers:x:997:\n"
    journal = PairRequest("dockremap", 65536, 100000).to_json().encode("utf-8")
    old = {"passwd": users, "group": groups, "subuid": Subids.ranges + b"dockremap:231072:65536\n",
           "subgid": Subids.ranges, "subuid.stockade-pair": journal}
    intermediate = {
        "subgid": [Subids.ranges + b"dockremap:231072:65536\n"],
        "subuid.stockade-pair": [PairRequest("containers", 65536, 100000).to_json().encode("utf-8")],
    }

    def args(self):
        return {"name": "containers"}


class Rollback(Writer):
    """engine_restart's rollback (restore_files): daemon.json put back from its backup, a drop-in that did
    not exist before removed."""
    name = "engine_restart_rollback"
    old = {"daemon.json": b'{"icc": false, "userns-remap": "default"}\n', "saved-daemon.json": b'{"icc": true}\n',
           "50-stockade.conf": b'[containers]\nuserns = "auto"\n'}

    def run(self):
        _restored, problems = engine_restart.restore_files([
            {"path": os.path.join(self.directory, "daemon.json"),
             "backup": os.path.join(self.directory, "saved-daemon.json")},
            {"path": os.path.join(self.directory, "50-stockade.conf"), "backup": None}])
        print(json.dumps({"warnings": list(get_warning_messages()), "problems": problems}))  # as the module's result
        return 1 if problems else 0


class Report(Writer):
    """The agent's report: stockade-audit --output over an earlier report."""
    name = "agent_report"
    succeeded = (0, 1)    # 1: the audited root is not compliant, the report is written all the same
    old = {"stockade.fact": b'{"summary": {"compliant": true}, "controls": []}\n'}

    def __init__(self, scratch):
        super().__init__(scratch)
        self.root = os.path.join(self.scratch, "root")
        os.makedirs(os.path.join(self.root, "proc/sys/kernel"), exist_ok=True)

    def run(self):
        return cli.main(["--root", self.root, "--offline", "--format", "json", "--layer", "kernel",
                         "--output", os.path.join(self.directory, "stockade.fact")])

    def same(self, name, data, reference):
        """A report is new when it is a whole report; its time stamp differs."""
        if data == reference:
            return True
        try:
            mine, theirs = json.loads(data), json.loads(reference)
        except ValueError:
            return False
        mine.pop("generated_at", None)
        theirs.pop("generated_at", None)
        return mine == theirs


WRITERS = {w.name: w for w in (DaemonJson, Dropins, Seccomp, Subids, SubidPairRepair, Rollback, Report)}


# -- running a writer in a child -------------------------------------------------
def run_child(writer, kill_after=None):
    """(killed?, exit status, seconds, stdout) of one run of the writer."""
    out = os.path.join(writer.scratch, "child.out")
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 99
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            code = writer.run()
        except BaseException:  # pylint: disable=broad-except
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 1)
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    status = os.waitpid(pid, 0)[1]
    elapsed = time.monotonic() - started
    with open(out, "rb") as handle:
        output = handle.read().decode("utf-8", "replace")
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return killed, (None if killed else os.waitstatus_to_exitcode(status)), elapsed, output


def snapshot(directory):
    files = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as handle:
            files[name] = handle.read()
    return files


def classify(writer, after, new):
    """(problems, temporaries, state words) of the directory after a kill."""
    problems, temporaries, state = [], [], []
    for name, data in after.items():
        backup, temporary = BACKUP.match(name), TEMPORARY.match(name)
        if temporary:
            temporaries.append(name)
        elif name not in writer.old and name not in new and SHADOW_LOCK.match(name):
            state.append("%s:left" % re.sub(r"\.\d+\Z", ".PID", name))   # a killed holder's: the next taker breaks it
        elif name in writer.intermediate and data in writer.intermediate[name]:
            state.append("%s:step%d" % (name, writer.intermediate[name].index(data) + 1))
        elif backup:
            base = backup.group("base")
            if writer.old.get(base) != data and data not in writer.intermediate.get(base, ()):
                problems.append("backup %s is not a whole copy of the old %s (%d of %d bytes)"
                                % (name, base, len(data), len(writer.old.get(base) or b"")))
        elif name in writer.old and writer.same(name, data, writer.old[name]):
            state.append("%s:old" % name)
        elif name in new and writer.same(name, data, new[name]):
            state.append("%s:new" % name)
        else:
            problems.append("%s is neither its old nor its new version (%d bytes)" % (name, len(data)))
    for name in set(writer.old) | set(new):
        if name not in after and name in writer.old and name in new:
            problems.append("%s is gone: it exists before and after" % name)
        elif name not in after:
            state.append("%s:absent" % name)
    return problems, temporaries, " ".join(sorted(state))


def managed(files):
    """The files of a state, without backups."""
    return {n: d for n, d in files.items() if not BACKUP.match(n)}


def drive(writer, kills, seed):
    rng = random.Random(seed)
    writer.reset()
    durations = []
    for _attempt in range(5):  # calibrate: how long one uninterrupted run takes
        writer.reset()
        killed, code, elapsed, output = run_child(writer)
        if code not in writer.succeeded:
            return {"writer": writer.name, "problems": ["an uninterrupted run failed: %s" % output[-2000:]]}
        durations.append(elapsed)
    new = managed(snapshot(writer.directory))
    summary = {"writer": writer.name, "seed": seed, "kills": 0,
               "finished_before_kill": 0, "states": {}, "left_temporaries": 0, "problems": []}
    attempts = 0
    while summary["kills"] < kills and attempts < kills * 10:
        attempts += 1
        writer.reset()
        recent = sorted(durations[-9:])
        killed, code, elapsed, output = run_child(writer, kill_after=rng.uniform(0, 1.2 * recent[len(recent) // 2]))
        if not killed:
            summary["finished_before_kill"] += 1
            continue
        summary["kills"] += 1
        after = snapshot(writer.directory)
        problems, temporaries, state = classify(writer, after, new)
        summary["states"][state] = summary["states"].get(state, 0) + 1
        summary["left_temporaries"] += bool(temporaries)
        problems = ["kill %d: %s" % (summary["kills"], p) for p in problems]
        killed, code, elapsed, output = run_child(writer)
        durations.append(elapsed)
        if code not in writer.succeeded:
            problems.append("kill %d: the re-run failed: %s" % (summary["kills"], output[-1500:]))
        rerun = snapshot(writer.directory)
        left = [n for n in rerun if TEMPORARY.match(n) or (n not in new and SHADOW_LOCK.match(n))]
        if left:
            problems.append("kill %d: the re-run left temporaries %s" % (summary["kills"], left))
        if managed(rerun) != new and not all(writer.same(n, rerun.get(n), d) for n, d in new.items()):
            problems.append("kill %d: the re-run did not reach the new state" % summary["kills"])
        unreported = [t for t in temporaries if t not in output]
        if unreported:
            problems.append("kill %d: the re-run removed %s without a warning" % (summary["kills"], unreported))
        summary["problems"].extend(problems)
    summary["run_ms"] = round(sorted(durations)[len(durations) // 2] * 1000, 1)
    return summary


def main():
    name, kills, seed, scratch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    writer = WRITERS[name](scratch)
    if isinstance(writer, Subids):  # its files are /etc/subuid and /etc/subgid: a private /etc
        writer.reset()
        subprocess.run(["mount", "--bind", writer.directory, "/etc"], check=True)
    json.dump(drive(writer, kills, seed), sys.stdout)


if __name__ == "__main__":
    main()
