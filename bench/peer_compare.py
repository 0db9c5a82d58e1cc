# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker-bench-security next to stockade-audit on the same host, with the
same running containers: both times, their ratio, and both verdicts per
CIS Docker Benchmark 1.6.0 id.

  python3 bench/peer_compare.py --docker-bench DIR --vm NAME   a lab VM (lab/vm.sh ssh NAME)
  python3 bench/peer_compare.py --docker-bench DIR --local     this host (its running dockerd)

DIR is a checkout of docker-bench-security v1.6.0 (tag v1.6.0, commit
b7a5284ce47c); it is not part of this repository and is copied to the
target for the run. It is run with bash, as its shebang asks (under dash
its `[[ ]]` tests fail and give wrong verdicts). On the target the bench
starts five busybox containers (plain, seccomp=unconfined, --cap-add
SYS_ADMIN, --pid host --userns host, no-new-privileges=false), runs
docker-bench once and stockade-audit (live, and --offline) --runs times,
and removes the containers.

docker-bench 1.6.0 numbers section 5 one below the CIS 1.6.0 document (its
5.1 is CIS 5.2; CIS 5.1, swarm mode, is its 7.1; fixed upstream after the
release in commit 958f5fa): the table maps its ids to the CIS ones.
"""

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE = "stockade-peer:busybox"
CONTAINERS = {
    "peer-plain": [],
    "peer-unconfined": ["--security-opt", "seccomp=unconfined"],
    "peer-sysadmin": ["--cap-add", "SYS_ADMIN"],
    "peer-hostpid": ["--pid", "host", "--userns", "host"],
    "peer-nonnp": ["--security-opt", "no-new-privileges=false"],
}
GUEST_DIR = "/tmp/stockade-peer"
BUSYBOX_ROOTFS = "/opt/stockade/busybox-rootfs.tar"  # in the lab image (lab/build-image.sh)
SECTIONS = ("1", "2", "3", "5")
RESULT_LINE = re.compile(r"^\[(PASS|WARN|INFO|NOTE)\] (\d+(?:\.\d+)+) - (.*)$")
# Where docker-bench 1.6.0 is wrong, and the unit test that shows it.
KNOWN_WRONG = {
    "1.1.1": "dockerd bind-mounts its data root onto itself: `mountpoint` says yes without a partition "
             "(tests/engines/test_live_api.py::test_data_root_bind_mounted_onto_itself_is_not_a_partition)",
    "1.1.3": "checks /usr/bin/dockerd; Debian's is /usr/sbin/dockerd "
             "(test_controls_cis.py::test_audit_watch_is_matched_by_path_not_by_substring)",
    "1.1.8": "looks for a containerd.socket unit, not the containerd socket CIS names",
    "1.1.11": "a watch on /etc/docker covers daemon.json "
              "(test_controls_cis.py::test_directory_watch_covers_the_files_below)",
    "1.1.18": "checks /usr/bin/runc; Debian's is /usr/sbin/runc",
    "2.3": "jq prints null for a missing log-level: warns although the default is info "
           "(test_controls_cis.py::test_missing_settings_are_engine_defaults_not_null)",
    "2.5": "null for a missing insecure-registries is read as a registry "
           "(test_controls_cis.py::test_missing_settings_are_engine_defaults_not_null)",
    "2.12": "null for missing authorization-plugins passes "
            "(test_controls_cis.py::test_missing_settings_are_engine_defaults_not_null)",
    "5.2": "AppArmor is not the LSM of an SELinux host (test_containers_cis.py::"
           "test_apparmor_is_judged_only_where_it_is_the_lsm)",
    "5.3": "flags labelled containers with empty SecurityOpt, passes label=disable "
           "(test_containers_cis.py::test_selinux_security_options_are_not_what_separates)",
    "5.7": "runs `ps -el` in each container with docker exec: in a --pid host container that lists the host's "
           "processes, the host's sshd among them (tests/engines/test_live_api.py::"
           "test_per_container_cis_controls_on_real_containers); an image without ps passes "
           "(test_containers_cis.py::test_sshd_check_never_passes_on_unread_processes)",
    "1.2.2": "prints [PASS] for a check it records as INFO (manual: whether a version is current needs the "
             "vendor's release list); the JSON log says INFO",
    "5.15": "warns for containers that never restart (test_containers_cis.py::test_restart_policy_no_is_bounded)",
    "5.26": "passes every container once dockerd has no-new-privileges, even one that opted out "
            "(test_containers_cis.py::test_no_new_privs_is_read_from_the_kernel_not_the_daemon_default)",
    "5.32": "greps the mounts for the text docker.sock: a bind of /run (or of a moved socket's directory) "
            "reaches the socket unseen (test_containers_cis.py::test_engine_socket_reached_through_any_bind)",
    "2.4": "reads the newest process whose command line contains `dockerd` (pgrep -f -n), which need not be the "
           "daemon it audits; Stockade reads docker.service and daemon.json",
}


def cis_id(bench_id):
    """The CIS Docker Benchmark 1.6.0 id of a docker-bench 1.6.0 check id."""
    parts = bench_id.split(".")
    if parts[0] == "5" and len(parts) == 2:
        return "5.%d" % (int(parts[1]) + 1)
    if bench_id == "7.1":
        return "5.1"
    return bench_id


def parse_bench_json(text):
    """{docker-bench id: verdict} from its JSON log (its own verdicts: `pass -c`
    prints [PASS] in the text log for a result it records as INFO, as 1.2.2
    does), or None when that file is not valid JSON (it is written with printf)."""
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        return None
    return {result["id"]: result.get("result") for section in document.get("tests", [])
            for result in section.get("results", []) if isinstance(result, dict) and "id" in result}


def parse_bench_log(text):
    """{docker-bench id: (verdict, [detail lines])} from docker-bench's
    plain-text log (its JSON is written with printf and is not always valid
    JSON); detail lines are the `* ...` lines under a result."""
    results = {}
    current = None
    for line in text.splitlines():
        found = RESULT_LINE.match(line.strip())
        if found:
            current = None
            if len(found.group(2).split(".")) >= 2 and found.group(2) not in results:
                current = results[found.group(2)] = (found.group(1), [])
        elif current is not None and "* " in line:
            current[1].append(line.strip())
    return results


def named_by_bench(details, names):
    """The running containers a docker-bench result names in its detail lines."""
    return {name for name in names if any(re.search(r"(^|[\s:])%s($|[\s:])" % re.escape(name), line)
                                          for line in details)}


def named_by_stockade(entry):
    if entry["status"] != "fail":
        return set()
    return {line.split(" (", 1)[0] for line in entry["evidence"]}


# -- the part that runs on the audited host -----------------------------------

def _run(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False, **kwargs)


def _timed(argv, cwd=None):
    started = time.monotonic()
    done = _run(argv, cwd=cwd)
    return time.monotonic() - started, done


def _busybox_rootfs():
    """The lab image's busybox rootfs tar, or one made from this host's static busybox."""
    if os.path.exists(BUSYBOX_ROOTFS):
        with open(BUSYBOX_ROOTFS, "rb") as handle:
            return handle.read()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add("/bin/busybox", arcname="bin/busybox")
        link = tarfile.TarInfo("bin/sleep")
        link.type, link.linkname = tarfile.SYMTYPE, "busybox"
        tar.addfile(link)
    return buffer.getvalue()


def start_containers():
    if _run(["docker", "image", "inspect", IMAGE]).returncode != 0:
        subprocess.run(["docker", "import", "-", IMAGE], input=_busybox_rootfs(), stdout=subprocess.DEVNULL,
                       check=True)
    _run(["docker", "rm", "-f"] + list(CONTAINERS))
    for name, options in CONTAINERS.items():
        done = _run(["docker", "run", "-d", "--name", name] + options + [IMAGE, "/bin/sleep", "3600"])
        if done.returncode:
            raise SystemExit("docker run %s failed: %s" % (name, done.stderr.decode().strip()))


def guest(args):
    start_containers()
    try:
        os.makedirs(GUEST_DIR, exist_ok=True)
        bench_seconds, bench_done = _timed(["bash", "docker-bench-security.sh", "-b", "-l", GUEST_DIR + "/dbs.log"]
                                           + args.bench_args.split(), cwd=args.docker_bench)
        with open(GUEST_DIR + "/dbs.log", encoding="utf-8", errors="replace") as handle:
            bench_log = handle.read()
        with open(GUEST_DIR + "/dbs.log.json", encoding="utf-8", errors="replace") as handle:
            bench_json = handle.read()
        agent = [sys.executable, args.agent, "--format", "json"]
        _run(agent + ["--offline"])  # warm-up: Python compiles the agent's modules once
        live, offline, report = [], [], None
        for dummy in range(args.runs):
            seconds, done = _timed(agent)
            live.append(seconds)
            report = json.loads(done.stdout.decode())
            offline.append(_timed(agent + ["--offline"])[0])
    finally:
        _run(["docker", "rm", "-f"] + list(CONTAINERS))
    json.dump({"containers": [{"name": name, "options": options} for name, options in CONTAINERS.items()],
               "docker_bench_seconds": bench_seconds, "docker_bench_exit": bench_done.returncode,
               "docker_bench_log": bench_log, "docker_bench_json": bench_json, "live_seconds": live, "offline_seconds": offline,
               "report": report, "host": os.uname().nodename}, sys.stdout)


# -- the controller's part ------------------------------------------------------

def _payload(docker_bench):
    """A tar of docker-bench, this bench and the agent, to unpack in GUEST_DIR."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(docker_bench, arcname="docker-bench", filter=lambda info: None if "/.git" in info.name else info)
        tar.add(os.path.join(REPO, "bench", "peer_compare.py"), arcname="bench/peer_compare.py")
        tar.add(os.path.join(REPO, "bin", "stockade-audit"), arcname="bin/stockade-audit")
        tar.add(os.path.join(REPO, "plugins", "module_utils"), arcname="plugins/module_utils",
                filter=lambda info: None if "__pycache__" in info.name else info)
    return buffer.getvalue()


def run_on_vm(vm, docker_bench, runs, bench_args):
    script = ("rm -rf {d} && mkdir -p {d} && tar -C {d} -xf - && python3 {d}/bench/peer_compare.py --guest "
              "--docker-bench {d}/docker-bench --agent {d}/bin/stockade-audit --runs {r} --bench-args '{b}'"
              ).format(d=GUEST_DIR, r=runs, b=bench_args)
    done = subprocess.run([os.path.join(REPO, "lab", "vm.sh"), "ssh", vm, script], input=_payload(docker_bench),
                          stdout=subprocess.PIPE, check=False)
    if done.returncode:
        raise SystemExit("the guest part failed (exit %d)" % done.returncode)
    return json.loads(done.stdout.decode())


def run_locally(docker_bench, runs, bench_args):
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--guest", "--docker-bench", docker_bench,
                           "--agent", os.path.join(REPO, "bin", "stockade-audit"), "--runs", str(runs),
                           "--bench-args", bench_args],
                          stdout=subprocess.PIPE, check=True)
    return json.loads(done.stdout.decode())


def stockade_verdict(entry):
    if entry["status"] == "pass":
        return "pass"
    if entry["status"] == "not_applicable":
        return "n/a"
    if entry["status"] == "error":
        return "ERROR"
    return "FAIL" if entry["required_by_default"] else "warn"


def agreement(bench, ours):
    if bench in ("INFO", "NOTE", None):
        return "no verdict" if bench else "not run"
    if (bench == "PASS") == (ours == "pass") and ours not in ("n/a", "ERROR"):
        return "agree"
    return "DIFFER"


def table(result):
    bench = parse_bench_log(result["docker_bench_log"])
    recorded = parse_bench_json(result.get("docker_bench_json"))
    if recorded is not None:
        bench = {key: (recorded.get(key, verdict), details) for key, (verdict, details) in bench.items()}
    ours = {}
    for entry in result["report"]["controls"]:
        if entry["engine"] == "docker" and entry.get("cis_docker_1_6_0"):
            ours.setdefault(entry["cis_docker_1_6_0"], []).append(entry)
    names = [c["name"] for c in result.get("containers", [])] or list(CONTAINERS)
    rows = []
    for bench_id in sorted(bench, key=lambda i: [int(p) for p in i.split(".")]):
        cis = cis_id(bench_id)
        if cis.split(".")[0] not in SECTIONS:
            continue
        verdict_of_bench, details = bench[bench_id]
        entries = ours.get(cis, [])
        verdict = " ".join(stockade_verdict(e) for e in entries) or "-"
        agree = agreement(verdict_of_bench, verdict)
        named = ""
        if cis.startswith("5.") and entries and entries[0]["live"]:
            theirs = named_by_bench(details, names) if verdict_of_bench == "WARN" else set()
            mine = named_by_stockade(entries[0]) & set(names)  # other containers may run beside ours
            named = ", ".join(sorted(theirs)) or "-"
            if theirs != mine:
                named = "docker-bench: %s; Stockade: %s" % (named, ", ".join(sorted(mine)) or "-")
                if agree == "agree":
                    agree = "DIFFER (containers)"
        rows.append((cis, bench_id, verdict_of_bench, ", ".join(e["id"] for e in entries) or "(none)", verdict,
                     agree, named))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docker-bench", help="checkout of docker-bench-security v1.6.0")
    parser.add_argument("--from-json", metavar="FILE", help="print the table of a result saved with --json")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--vm", help="lab VM name (lab/vm.sh)")
    where.add_argument("--local", action="store_true", help="run on this host")
    where.add_argument("--guest", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--agent", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="stockade-audit runs (median); docker-bench runs once")
    parser.add_argument("--json", metavar="FILE", help="also save the raw results here")
    parser.add_argument("--bench-args", default="",
                        help="extra docker-bench arguments (e.g. '-c container_runtime' for a quick trial; "
                             "the comparison runs it whole)")
    args = parser.parse_args()
    if args.guest:
        return guest(args)
    if args.from_json:
        with open(args.from_json) as handle:
            return report(json.load(handle))
    if not args.docker_bench or not os.path.isfile(os.path.join(args.docker_bench, "docker-bench-security.sh")):
        parser.error("--docker-bench must name a docker-bench-security checkout")
    if args.vm:
        result = run_on_vm(args.vm, args.docker_bench, args.runs, args.bench_args)
    else:
        result = run_locally(os.path.abspath(args.docker_bench), args.runs, args.bench_args)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle)
    return report(result)


def report(result):
    live = statistics.median(result["live_seconds"])
    offline = statistics.median(result["offline_seconds"])
    print("host %s, five running containers (%s)" % (result["host"], ", ".join(CONTAINERS)))
    print("docker-bench-security 1.6.0 (bash, all sections): %8.1f s (exit %d)" % (
        result["docker_bench_seconds"], result["docker_bench_exit"]))
    print("stockade-audit live (median of %d):              %8.2f s" % (len(result["live_seconds"]), live))
    print("stockade-audit --offline (median of %d):         %8.2f s" % (len(result["offline_seconds"]), offline))
    print("docker-bench / stockade live:                     %8.1f x" % (result["docker_bench_seconds"] / live))
    print("stockade live / offline:                          %8.2f x" % (live / offline))
    print()
    rows = table(result)
    print("| CIS 1.6.0 | docker-bench id | docker-bench | Stockade control | Stockade | | containers named |")
    print("|---|---|---|---|---|---|---|")
    for cis, bench_id, bench, controls, verdict, agree, named in rows:
        print("| %s | %s | %s | `%s` | %s | %s | %s |" % (cis, bench_id, bench, controls, verdict, agree, named))
    counts = {}
    for row in rows:
        counts[row[5]] = counts.get(row[5], 0) + 1
    print()
    print("; ".join("%s: %d" % item for item in sorted(counts.items())))
    missing = [row[0] for row in rows if row[3] == "(none)" and row[2] in ("PASS", "WARN")]
    print("automated docker-bench checks without a Stockade verdict: %s" % (", ".join(missing) or "none"))
    for row in rows:
        if row[5].startswith("DIFFER"):
            print("  %s: %s" % (row[0], KNOWN_WRONG.get(row[0], "NOT EXPLAINED")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
