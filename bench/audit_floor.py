# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the agent's seconds go, above the floor of starting Python at all (issue 20).

Installs the agent twice under a scratch prefix, as roles/agent lays it out
(PREFIX/bin/stockade-audit, PREFIX/lib/stockade/module_utils/posture, sources
only): --baseline (default: where this branch left main) and this checkout, each followed by the byte
code its role leaves (where the role compiles none, what Python's own
first run as root writes; else the role's compile-engine). Then,
for each side, one process run after another (median of --repeat):
  - the floor: `python3 -c pass` and `python3 -I -S -c pass`,
  - `import` of the cli with no byte code (-B, nothing cached: every module
    compiled) and with the byte code installed, and `-X importtime`'s top
    offenders of the warm import,
  - `stockade-audit --offline --format json` of the hardened fixture tree,
    of / offline, and of / live (whatever engines run here: see --dockerd),
  - with strace, if installed: the files each audit of / opened, how many of
    them more than once, and the programs it executed (the engines' CLIs),
  - with --verdicts, the proof that nothing but speed changed: the JSON
    report of the stock and hardened fixture trees and of every case of the
    hostile corpus (tests/unit/hostile, run as root here), offline, and of /
    live, from both sides, identical but for `generated_at` and the tree's path.
Both sides run in turn, sample by sample, so that other work on a shared
machine weighs on both alike. Prints each figure's wall and CPU time (user +
system of the process and its children: far less disturbed by other work than
wall time), CPU as a multiple of `python3 -c pass`, and the ratios baseline /
now; then live / offline per side (issue 20: at most 1.2x).
--dockerd starts a dockerd of our own with tests/engines' DockerDaemon (by
PID, stopped by PID, also when anything after its start fails) and two
busybox containers from the probe image.
"""

import argparse
import concurrent.futures
import contextlib
import glob
import importlib
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIT = os.path.join(REPO, "tests", "unit")
sys.path.insert(0, os.path.join(UNIT, "plugins", "module_utils", "posture"))
sys.path.insert(0, os.path.join(UNIT, "hostile"))
sys.path.insert(0, os.path.join(REPO, "tests", "engines"))
sys.path.insert(0, os.path.join(REPO, ".collections"))  # the checkout as ansible_collections.stockade.hardening

import engine_helpers  # noqa: E402
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.rootfs import probe_rootfs_tar  # noqa: E402
from hosttree import HARDENED, STOCK, write_tree  # noqa: E402

ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"}


# -- installing a side -----------------------------------------------------------

def install(source_root, prefix):
    """Lay the agent out as roles/agent does, from `source_root` (a checkout)."""
    engine = os.path.join(source_root, "plugins", "module_utils", "posture")
    lib = os.path.join(prefix, "lib", "stockade", "module_utils")
    os.makedirs(lib)
    shutil.copytree(engine, os.path.join(lib, "posture"), ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    os.makedirs(os.path.join(prefix, "bin"))
    shutil.copy(os.path.join(source_root, "bin", "stockade-audit"), os.path.join(prefix, "bin"))
    return os.path.join(prefix, "bin", "stockade-audit")


def drop_bytecode(prefix):
    for path in glob.glob(os.path.join(prefix, "**", "__pycache__"), recursive=True):
        shutil.rmtree(path)


def leave_bytecode(source_root, prefix, python, agent):
    """The byte code a side's installation leaves: its role's compile step when
    it has one, else what Python writes on the first (root) run."""
    drop_bytecode(prefix)
    compile_engine = os.path.join(source_root, "roles", "agent", "files", "compile-engine")
    if os.path.exists(compile_engine):  # as the role runs it after unpacking
        subprocess.run([python, compile_engine, os.path.join(prefix, "lib", "stockade", "module_utils")], env=ENV,
                       check=True, stdout=subprocess.DEVNULL)
    else:
        subprocess.run([python, agent, "--list-controls"], env=ENV, check=True, stdout=subprocess.DEVNULL)


# -- timing --------------------------------------------------------------------

def run_once(argv, env=None):
    """(wall seconds, CPU seconds: user + system of the process and the children it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENV, cwd="/")
    dummy, dummy_status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped above
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def interleaved(commands, repeat):
    """{key: (median wall, median CPU)} of `commands` ({key: (argv, env)}), run in turn
    `repeat` times, so that other work on a shared machine weighs on each alike."""
    samples = {key: [] for key in commands}
    for dummy in range(repeat):
        for key, (argv, env) in commands.items():
            samples[key].append(run_once(argv, env))
    return {key: (statistics.median(w for w, c in runs), statistics.median(c for w, c in runs))
            for key, runs in samples.items()}


def import_offenders(python, lib, count):
    """The slowest modules of a warm `import` of the cli, by cumulative time."""
    done = subprocess.run([python, "-X", "importtime", "-c", "import module_utils.posture.cli"],
                          stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=dict(ENV, PYTHONPATH=lib),
                          cwd="/", check=True)
    rows = []
    for line in done.stderr.decode().splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    total = [r for r in rows if r[2] == "module_utils.posture.cli"][0][0]
    modules = len(rows)
    rows.sort(reverse=True)
    return total, modules, [r for r in rows if r[2] not in ("module_utils", "module_utils.posture",
                                                            "module_utils.posture.cli")][:count]


def strace_counts(python, agent, live):
    """(files opened, files opened more than once, programs executed) by one audit of /."""
    if shutil.which("strace") is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".strace") as log:
        argv = [python, agent, "--format", "json"] + ([] if live else ["--offline"])
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,execve", "-o", log.name] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd="/", check=False)
        with open(log.name, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    opened, executed = [], []
    for line in lines:
        match = re.search(r'openat\([^,]+, "([^"]*)", [^)]*\) = \d+', line)
        if match and not match.group(1).endswith((".py", ".pyc", ".so")) and "/python3" not in match.group(1) \
                and "__pycache__" not in match.group(1) and not match.group(1).startswith("/usr/lib/"):
            opened.append(match.group(1))
        match = re.search(r'execve\("([^"]*)", .*\) = 0', line)
        if match:
            executed.append(match.group(1))
    repeated = sorted({p for p in opened if opened.count(p) > 1})
    return len(opened), repeated, executed[1:]


def prepare(label, source_root, prefix):
    agent = install(source_root, prefix)
    return {"label": label, "source": source_root, "prefix": prefix, "agent": agent,
            "lib": os.path.join(prefix, "lib", "stockade")}


def measure(sides, python, tree, repeat, offenders):
    """Each side's figures ({what: (wall, CPU)}), import offenders and strace counts, the sides in turn."""
    for side in sides:
        drop_bytecode(side["prefix"])
    cold = interleaved({side["label"]: ([python, "-B", "-c", "import module_utils.posture.cli"],
                                        dict(ENV, PYTHONPATH=side["lib"])) for side in sides}, repeat)
    for side in sides:
        leave_bytecode(side["source"], side["prefix"], python, side["agent"])
        side["pyc"] = len(glob.glob(os.path.join(side["prefix"], "**", "*.pyc"), recursive=True))
        side["figures"] = {"import cli, no byte code (-B)": cold[side["label"]]}
    what = {"import cli, installed byte code": lambda side: [python, "-c", "import module_utils.posture.cli"],
            "audit of the hardened fixture tree": lambda side: [python, side["agent"], "--format", "json",
                                                                "--offline", "--root", tree],
            "audit of / offline": lambda side: [python, side["agent"], "--format", "json", "--offline"],
            "audit of / live": lambda side: [python, side["agent"], "--format", "json"]}
    for label, argv in what.items():
        found = interleaved({side["label"]: (argv(side), dict(ENV, PYTHONPATH=side["lib"])) for side in sides}, repeat)
        for side in sides:
            side["figures"][label] = found[side["label"]]
    for side in sides:
        side["imports"] = import_offenders(python, side["lib"], offenders)
        side["strace_offline"] = strace_counts(python, side["agent"], live=False)
        side["strace_live"] = strace_counts(python, side["agent"], live=True)


# -- verdicts --------------------------------------------------------------------

def verdict_trees(scratch):
    """{name: root} of the trees whose reports must not change."""
    import corpus
    trees = {"stock": write_tree(os.path.join(scratch, "stock"), STOCK),
             "hardened": write_tree(os.path.join(scratch, "hardened"), HARDENED)}
    cases = []
    for path in sorted(glob.glob(os.path.join(UNIT, "hostile", "cases_*.py"))):
        cases += importlib.import_module(os.path.basename(path)[:-3]).CASES
    for path in sorted(glob.glob(os.path.join(UNIT, "readers", "*", "hostile_cases.py"))):
        spec = importlib.util.spec_from_file_location("hostile_cases_" + os.path.basename(os.path.dirname(path)), path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += module.CASES
    parent = os.path.join(scratch, "hostile")
    os.makedirs(parent)
    for case in cases:
        trees["hostile/" + case.id] = corpus.build(case, parent)
    return trees


def report_of(python, agent, root):
    """The JSON report of `root` (live for "/", else offline), as the agent writes it, with the time and
    the tree's path masked."""
    mode = [] if root == "/" else ["--offline", "--root", root]
    done = subprocess.run([python, agent, "--format", "json"] + mode,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd="/", timeout=60, check=False)
    text, errors = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    if root != "/":
        text, errors = text.replace(root, "ROOT"), errors.replace(root, "ROOT")
    return done.returncode, re.sub(r'"generated_at": "[^"]*"', '"generated_at": "-"', text), errors


def compare_verdicts(sides, scratch, python):
    trees = verdict_trees(scratch)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {(name, side["label"]): pool.submit(report_of, python, side["agent"], root)
                   for name, root in trees.items() for side in sides}
        reports = {key: future.result() for key, future in futures.items()}
    # this machine's / live, the two sides one after the other (the engines' answers, the containers)
    trees["/ (live)"] = "/"
    for side in sides:
        reports[("/ (live)", side["label"])] = report_of(python, side["agent"], "/")
    differ = [name for name in trees if reports[(name, sides[0]["label"])] != reports[(name, sides[1]["label"])]]
    return len(trees), differ


# -- dockerd ---------------------------------------------------------------------

BENCH_CONTAINERS = {"bench-plain": [], "bench-unconfined": ["--security-opt", "seccomp=unconfined"]}


@contextlib.contextmanager
def private_dockerd(scratch):
    """A dockerd of our own (engine_helpers.DockerDaemon: started by PID and
    stopped by PID, also when a later step fails) running BENCH_CONTAINERS
    from the probe image; yields its socket."""
    dockerd, docker = shutil.which("dockerd"), shutil.which("docker")
    if dockerd is None or docker is None:
        raise SystemExit("--dockerd needs dockerd and docker on PATH")
    image_tar = os.path.join(scratch, "probe-rootfs.tar")
    with open(image_tar, "wb") as handle:
        handle.write(probe_rootfs_tar())
    with engine_helpers.DockerDaemon(dockerd, docker, scratch, "bench", {}, image_tar) as daemon:
        try:
            for name, options in BENCH_CONTAINERS.items():
                daemon.docker("run", "-d", "--network", "none", "--name", name, *options, engine_helpers.IMAGE,
                              "/bin/busybox", "sleep", "3600")
            yield daemon.sock
        finally:  # killed here: busybox as PID 1 ignores SIGTERM, and dockerd's stop would wait for them
            daemon.docker("rm", "-f", *BENCH_CONTAINERS, check=False)


# -- main ------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="git revision to compare with (default: where this branch left main, "
                        "git merge-base main HEAD: main may have moved on with other changes)")
    parser.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3")
                        else sys.executable, help="the interpreter the agent runs on (default: the system's)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--offenders", type=int, default=8)
    parser.add_argument("--verdicts", action="store_true", help="also compare the reports of both sides")
    parser.add_argument("--dockerd", action="store_true", help="start a dockerd by PID with two containers")
    args = parser.parse_args()
    python = args.python
    if args.baseline is None:
        args.baseline = subprocess.run(["git", "-C", REPO, "merge-base", "main", "HEAD"], stdout=subprocess.PIPE,
                                       check=True).stdout.decode().strip()[:7]
    with tempfile.TemporaryDirectory(prefix="stockade-floor-") as scratch:
        os.chmod(scratch, 0o755)
        baseline = os.path.join(scratch, "baseline-src")
        os.makedirs(baseline)
        archive = subprocess.run(["git", "-C", REPO, "archive", args.baseline, "plugins/module_utils/posture",
                                  "bin/stockade-audit", "roles/agent/files"], stdout=subprocess.PIPE, check=True)
        subprocess.run(["tar", "-x", "-C", baseline], input=archive.stdout, check=True)
        tree = write_tree(os.path.join(scratch, "tree"), HARDENED)
        with contextlib.ExitStack() as stack:
            if args.dockerd:
                ENV["DOCKER_HOST"] = "unix://" + stack.enter_context(private_dockerd(scratch))
            floor = interleaved({"python3 -c pass": ([python, "-c", "pass"], None),
                                 "python3 -I -S -c pass": ([python, "-I", "-S", "-c", "pass"], None)}, args.repeat)
            sides = [prepare("baseline (%s)" % args.baseline, baseline, os.path.join(scratch, "before")),
                     prepare("now", REPO, os.path.join(scratch, "now"))]
            measure(sides, python, tree, args.repeat, args.offenders)
            verdicts = compare_verdicts(sides, scratch, python) if args.verdicts else None
    unit = floor["python3 -c pass"]
    print("%s (%s), one run, median of %d each, the sides in turn; wall ms / CPU ms (user + system), "
          "and CPU as a multiple of `python3 -c pass`" % (python, sys.version.split()[0], args.repeat))
    print("%-36s %17s %8s %17s %8s %11s" % ("what", "before wall/CPU", "x floor", "now wall/CPU", "x floor",
                                            "before/now"))
    for label, (wall, cpu) in floor.items():
        print("%-36s %8.1f %8.1f %8.1f" % (label, wall * 1000, cpu * 1000, cpu / unit[1]))
    for label in sides[0]["figures"]:
        before, now = sides[0]["figures"][label], sides[1]["figures"][label]
        print("%-36s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %5.2f/%.2f" % (
            label, before[0] * 1000, before[1] * 1000, before[1] / unit[1], now[0] * 1000, now[1] * 1000,
            now[1] / unit[1], before[0] / now[0], before[1] / now[1]))
    for side in sides:
        figures = side["figures"]
        print("\n%s: live / offline audit of / %.2fx wall, %.2fx CPU; byte code files installed: %d"
              % (side["label"], figures["audit of / live"][0] / figures["audit of / offline"][0],
                 figures["audit of / live"][1] / figures["audit of / offline"][1], side["pyc"]))
        total, modules, rows = side["imports"]
        print("  warm import of the cli: %.1f ms, %d modules; top by cumulative time (us):" % (total / 1000, modules))
        print("    " + ", ".join("%s %d" % (name, micro) for micro, depth, name in rows))
        for mode in ("offline", "live"):
            counts = side["strace_" + mode]
            if counts is not None:
                opened, repeated, executed = counts
                print("  audit of / %s: %d host files opened, %d of them more than once%s; programs run: %s"
                      % (mode, opened, len(repeated), (" (" + ", ".join(repeated[:6]) + ")") if repeated else "",
                         ", ".join(executed) or "none"))
    if verdicts is not None:
        count, differ = verdicts
        print("\nreports compared (fixture trees, hostile corpus, / live): %d, differing: %d%s"
              % (count, len(differ), (": " + ", ".join(differ[:20])) if differ else ""))
        if differ:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
