# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the kernel's view of every container costs the live audit.

Builds one synthetic host: the hardened fixture tree (tests/unit/.../hosttree.py)
with a /proc and /sys/fs/cgroup of 20 rootless users and 50 containers in all
(proctree.py shapes, as measured on this machine): root's Docker (10, reported
by dockerd) and Podman (8, reported by Podman), 20 users' rootless Podman and
4 of them rootless Docker, 4 `ctr run`, 2 CRI-O, 2 gVisor sandboxes, each with
its monitor, and 150 ordinary host processes and 40 kernel threads. Then times
(median of --repeat runs, each in a child process of its own code):
  - today: the audit at --baseline (default: the last commit before the kernel
    view), dockerd's and Podman's answers replayed, each reported container's
    kernel facts read from the tree as that code reads them (per container);
  - now: this checkout, the same answers, one read of the tree's /proc for all
    50 containers, and the host-containers-* controls judging the 32 others.
Both sides run in turn (--rounds child processes each) so that other work on
the machine weighs on both alike; the ratio is of CPU time (user + system:
the reads are system calls), which other work on a shared machine disturbs
far less than wall time (printed too). Prints both and the ratio now / today (goal:
at most 1.5x, issue 15). The baseline must be the same code without the kernel
view: on a branch not yet merged, --baseline main.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "tests", "unit", "plugins", "module_utils", "posture")
BASELINE = "ea47e5d"  # main before the kernel view (engines/kernel_containers.py)
USERS = 20
ROOT_DOCKER, ROOT_PODMAN, ROOTLESS_DOCKER, CTR, CRIO, RUNSC = 10, 8, 4, 4, 2, 2
HOST_PROCESSES, KERNEL_THREADS = 150, 40


def build_host(root):
    """Write the synthetic host under `root`; return the engines' answers
    {engine: [inspect documents]} for the containers they report."""
    sys.path.insert(0, FIXTURES)
    from hosttree import HARDENED, write_tree
    from proctree import PODMAN_CAPS, ProcTree, hex_id
    write_tree(root, HARDENED)
    tree = ProcTree(root)
    tree.host_basics()
    with open(os.path.join(FIXTURES, "inspect", "docker-20.10-plain.json")) as handle:
        docker_doc = json.load(handle)
    with open(os.path.join(FIXTURES, "inspect", "podman-4.3-plain.json")) as handle:
        podman_doc = json.load(handle)
    for number in range(KERNEL_THREADS):
        tree.process(100 + number, 2, "kworker/%d" % number, [], kthread=True)
    for number in range(HOST_PROCESSES):
        tree.process(200 + number, 1, "service%d" % number, ["/usr/sbin/service%d" % number, "--flag"],
                     cgroup="9:name=systemd:/system.slice/s%d.service\n8:pids:/system.slice\n0::/\n" % number)
    answers = {"docker": [], "podman": []}
    pid = [1000]

    def next_pid():
        pid[0] += 1
        return pid[0]

    def cgroup_procs(path, pids):
        directory = os.path.join(root, "sys", "fs", "cgroup", "pids", path.lstrip("/"))
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "cgroup.procs"), "w") as handle:
            handle.write("".join("%d\n" % p for p in pids))

    def container(monitor, cgroup_path, uid=0, uid_map=None, caps=None, workers=1):
        init = next_pid()
        cgroup = "8:pids:%s\n0::/\n" % cgroup_path if cgroup_path else "8:pids:/user.slice\n0::/\n"
        extra = {"uid_map": uid_map} if uid_map else {}
        if caps:
            extra["caps"] = caps
        tree.container_init(init, monitor, cgroup, uid=uid, **extra)
        members = [init]
        for dummy in range(workers):
            members.append(tree.process(next_pid(), init, "worker", ["worker"], cgroup=cgroup, uid=uid,
                                        seccomp="2", nnp="1"))
        if cgroup_path:
            cgroup_procs(cgroup_path, members)
        return init

    def reported(engine, template, container_id, name, init):
        doc = json.loads(json.dumps(template))
        doc.update(Id=container_id, Name=("/" if engine == "docker" else "") + name)
        doc["State"]["Pid"] = init
        answers[engine].append(doc)

    for number in range(ROOT_DOCKER):
        container_id = hex_id("docker%d" % number)
        shim = tree.shim(next_pid(), "moby", container_id)
        reported("docker", docker_doc, container_id, "d%d" % number,
                 container(shim, "/docker/%s" % container_id, workers=2))
    for number in range(ROOT_PODMAN):
        container_id = hex_id("podman%d" % number)
        conmon = tree.conmon(next_pid(), container_id, cgroup="8:pids:/libpod_parent/conmon\n0::/\n")
        reported("podman", podman_doc, container_id, "p%d" % number,
                 container(conmon, "/libpod_parent/libpod-%s" % container_id, caps=PODMAN_CAPS))
    for user in range(USERS):
        uid = 2000 + user
        rootless_map = "0 %d 1\n1 %d 65536\n" % (uid, 200000 + 65536 * user)
        tree.process(next_pid(), 1, "podman pause", ["podman"], uid=uid, cgroup="8:pids:/user.slice\n0::/\n")
        container_id = hex_id("rootless%d" % user)
        conmon = tree.conmon(next_pid(), container_id, uid=uid, cgroup="8:pids:/user.slice\n0::/\n")
        container(conmon, None, uid=uid, uid_map=rootless_map, caps=PODMAN_CAPS)
        if user < ROOTLESS_DOCKER:
            container_id = hex_id("rootlessdocker%d" % user)
            shim = tree.shim(next_pid(), "moby", container_id, uid=uid, cgroup="8:pids:/user.slice\n0::/\n")
            container(shim, None, uid=uid, uid_map=rootless_map)
    for number in range(CTR):
        shim = tree.shim(next_pid(), "default", "job%d" % number)
        container(shim, "/default/job%d" % number)
    for number in range(CRIO):
        container_id = hex_id("crio%d" % number)
        conmon = tree.conmon(next_pid(), container_id, podman=False, cgroup="8:pids:/kubepods/besteffort\n0::/\n")
        container(conmon, "/kubepods/besteffort/pod%d/crio-%s" % (number, container_id))
    for number in range(RUNSC):
        container_id = hex_id("runsc%d" % number)
        shim = tree.shim(next_pid(), "moby", container_id)
        sandbox = next_pid()
        stubs = (next_pid(), next_pid())
        tree.runsc_sandbox(sandbox, shim, "8:pids:/docker/%s\n0::/\n" % container_id, container_id,
                           gofer_pid=next_pid(), stub_pids=stubs)
        cgroup_procs("/docker/%s" % container_id, (sandbox,) + stubs)
    return answers


def measure(plugins, root, answers_file, repeat):
    """In a child process: the median seconds of the live audit of `root` with the
    recorded answers, by the code under `plugins`; also the count of live verdicts."""
    sys.path.insert(0, plugins)
    from module_utils.posture import audit
    from module_utils.posture.catalogue import all_controls
    from module_utils.posture.context import AuditContext
    from module_utils.posture.engines import live
    with open(answers_file) as handle:
        answers = json.load(handle)
    controls = all_controls()
    new_code = hasattr(AuditContext, "kernel_containers")
    samples, walls, verdicts = [], [], {}
    for dummy in range(repeat):
        started, wall = time.process_time(), time.perf_counter()
        ctx = AuditContext(root, live_mode=False, machine="x86_64")
        ctx.live_enabled = True
        if new_code:  # the engines' answers are replayed: ask no real engine (as use_live_view does)
            ctx.answers.keep("start_live_queries", (), {})
        for engine in ("docker", "podman"):
            if new_code:  # what query_docker/query_podman do once the engine has answered
                containers = live._containers(ctx.host, answers[engine], engine, ctx.kernel_containers())
            else:
                containers = live._containers(ctx.host, answers[engine])
            ctx.use_live_view(live.LiveEngine(engine, containers=containers))
        verdicts = {}
        for control in controls:
            outcome = audit._run_one(ctx, control)
            verdicts[outcome.status] = verdicts.get(outcome.status, 0) + 1
        samples.append(time.process_time() - started)
        walls.append(time.perf_counter() - wall)
    print(json.dumps({"samples": samples, "walls": walls, "controls": len(controls), "verdicts": verdicts}))


def child(plugins, root, answers_file, repeat):
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--measure", plugins, root, answers_file,
                           "--repeat", str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved(sides, root, answers_file, rounds, repeat):
    """{side: result} with the samples of `rounds` child runs per side, taken in
    turn: a machine shared with other work slows both sides alike."""
    results = {}
    for dummy in range(rounds):
        for side, plugins in sides.items():
            found = child(plugins, root, answers_file, repeat)
            kept = results.setdefault(side, dict(found, samples=[], walls=[]))
            kept["samples"] += found["samples"]
            kept["walls"] += found["walls"]
    for result in results.values():
        result["seconds"] = statistics.median(result["samples"])
        result["wall"] = statistics.median(result["walls"])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="audits per child process")
    parser.add_argument("--rounds", type=int, default=5, help="child processes per side, taken in turn")
    parser.add_argument("--baseline", default=BASELINE,
                        help="the git revision of today's audit (main before the kernel view; on a branch not yet "
                             "merged, main)")
    parser.add_argument("--measure", nargs=3, metavar=("PLUGINS", "ROOT", "ANSWERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(*args.measure, repeat=args.repeat)
    with tempfile.TemporaryDirectory() as scratch:
        root = os.path.join(scratch, "host")
        answers = build_host(root)
        answers_file = os.path.join(scratch, "answers.json")
        with open(answers_file, "w") as handle:
            json.dump(answers, handle)
        baseline = os.path.join(scratch, "baseline")
        os.makedirs(baseline)
        archive = subprocess.run(["git", "-C", REPO, "archive", args.baseline, "plugins"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", baseline], input=archive, check=True)
        results = interleaved({"today": os.path.join(baseline, "plugins"), "now": os.path.join(REPO, "plugins")},
                              root, answers_file, args.rounds, args.repeat)
        today, now = results["today"], results["now"]
        processes = len([n for n in os.listdir(os.path.join(root, "proc")) if n.isdigit()])
    print("synthetic host: %d users, %d containers (%d reported by dockerd and Podman), %d /proc entries" % (
        USERS, ROOT_DOCKER + ROOT_PODMAN + USERS + ROOTLESS_DOCKER + CTR + CRIO + RUNSC, ROOT_DOCKER + ROOT_PODMAN,
        processes))
    print("%-56s %8s %8s %9s" % ("live audit, engine answers replayed (median of %d)" % (args.rounds * args.repeat),
                                 "CPU ms", "wall ms", "controls"))
    for label, result in (("today (%s): kernel facts per reported container" % args.baseline, today),
                          ("now: one read of /proc, every container", now)):
        print("%-56s %8.1f %8.1f %9d" % (label, result["seconds"] * 1000, result["wall"] * 1000, result["controls"]))
    print("now / today: %.2fx CPU time (goal: at most 1.5x); wall time %.2fx" % (
        now["seconds"] / today["seconds"], now["wall"] / today["wall"]))
    print("verdicts today %s; now %s" % (today["verdicts"], now["verdicts"]))
    shutil.rmtree(os.path.join(REPO, "bench", "__pycache__"), ignore_errors=True)


if __name__ == "__main__":
    main()
