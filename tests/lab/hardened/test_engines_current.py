# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each guest's engines really do with the settings whose meaning depends
on their version, recorded from the engines themselves:

- Podman (4.3.1 on Debian 12, 5.4.2 on Debian 13) ignores `no_new_privileges`
  in containers.conf: podman-no-new-privileges stays "no engine-wide switch";
- `dockerd --validate` (module_utils/dockerd_validate.py): Docker 26 loads the
  configuration and says whether it would start, Docker 20.10 cannot; and
  engine_restart with validate: dockerd puts a refused daemon.json back without
  stopping the running dockerd;
- Docker 26 reads seccomp-profile "builtin" and "unconfined" as names and
  "default" as a file (20.10 reads all three as files: tests/engines).
Each test leaves the hardened guest as it found it."""

import json
import re
import shlex
import subprocess

import pytest

from conftest import REPO

from ansible_collections.stockade.hardening.plugins.module_utils import dockerd_validate

DROPIN = "/etc/containers/containers.conf.d/99-lab-version-check.conf"
# -t: without a tty, the output of a short-lived container under enforcing SELinux can vanish over ssh
PODMAN_NNP = "podman run --rm -t --network none stockade/busybox grep NoNewPrivs /proc/self/status"


def test_podman_ignores_no_new_privileges_in_containers_conf(guest_batch):
    results = guest_batch({
        "version": "podman version --format '{{.Client.Version}}'",
        # a string where a boolean belongs: a key Podman knew would be refused (see pids_limit below)
        "unknown": "printf '[containers]\\nno_new_privileges = \"yes\"\\n' > %s && %s" % (DROPIN, PODMAN_NNP),
        "true": "printf '[containers]\\nno_new_privileges = true\\n' > %s && %s" % (DROPIN, PODMAN_NNP),
        # the same drop-in is read: a key both releases know (read_only is new in 5.x, and unknown
        # keys are ignored) with the wrong type stops podman, naming the file
        "known": "printf '[containers]\\npids_limit = \"yes\"\\n' > %s && %s" % (DROPIN, PODMAN_NNP),
        "cleanup": "rm -f %s" % DROPIN,
    })
    version = results["version"][1].strip()
    assert version in ("4.3.1", "5.4.2"), version
    for case in ("unknown", "true"):
        code, out, err = results[case]
        assert code == 0 and "NoNewPrivs:\t0" in out, (version, case, results[case])
    code, out, err = results["known"]
    assert code != 0 and DROPIN in out + err and "pids_limit" in out + err, (version, results["known"])
    assert results["cleanup"][0] == 0


def test_audit_names_the_podman_version_it_judged(guest_batch):
    results = guest_batch({"installed": "command -v stockade-audit",
                           "audit": "stockade-audit --format json --layer no_new_privs"})
    if results["installed"][0] != 0:
        pytest.skip("stockade-audit is not installed on this guest (the agent tests install it on Debian 13)")
    # exit 1 is a failing control (the report is still printed); a crash prints no report and fails here
    assert results["audit"][0] in (0, 1), results["audit"]
    entry = next(c for c in json.loads(results["audit"][1])["controls"] if c["id"] == "podman-no-new-privileges")
    assert entry["status"] == "not_applicable"
    # the version and where it was read: the running engine, or dpkg's status file when no container runs
    # (the live audit asks Podman nothing then)
    assert re.match(r"Podman \d+\.\d+\.\d+\S* \((podman info|/var/lib/dpkg/status: podman)\) ",
                    entry["evidence"][0]), entry


def guest_runner(guest):
    def run_command(argv):
        done = guest(" ".join(shlex.quote(a) for a in argv), check=False)
        return done.returncode, done.stdout, done.stderr
    return run_command


def test_dockerd_validate(guest):
    run_command = guest_runner(guest)
    version = guest("dockerd --version").stdout
    bad = "/root/lab-daemon-bad.json"
    conflict = "/root/lab-daemon-conflict.json"
    guest("""printf '{"no-new-privileges": "yes"}\\n' > %s && printf '{"hosts": ["unix:///run/lab.sock"]}\\n' > %s"""
          % (bad, conflict))
    try:
        hardened = dockerd_validate.validate(run_command, "dockerd", config_file="/etc/docker/daemon.json")
        wrong_type = dockerd_validate.validate(run_command, "dockerd", config_file=bad)
        both_ways = dockerd_validate.validate(run_command, "dockerd", ["-H", "unix:///run/lab2.sock"], conflict)
    finally:
        guest("rm -f %s %s" % (bad, conflict))
    if "version 20." in version:
        for result in (hardened, wrong_type, both_ways):
            assert result.supported is False and result.ok is None, result.message
        return
    assert "version 26." in version, version
    assert hardened.supported and hardened.ok, hardened.message
    assert "configuration OK" in hardened.message
    assert wrong_type.supported and wrong_type.ok is False and "no-new-privileges" in wrong_type.message
    assert both_ways.supported and both_ways.ok is False and "hosts" in both_ways.message, both_ways.message


# A private dockerd per value (own data root, socket and pid file, its own
# namespace in the system's containerd, no network setup), asked what it runs,
# then stopped by its pid; the system's dockerd and its containers are not
# touched. `docker version` first: `docker info --format` prints null and exits
# 0 while no daemon answers (Docker 26's CLI).
PRIVATE_DOCKERD = r"""
set -u
d=/root/lab-dockerd-$1; rm -rf "$d"; mkdir -p "$d"
printf '{"seccomp-profile": "%s"}\n' "$1" > "$d/daemon.json"
dockerd --data-root "$d/data" --exec-root "$d/exec" -H "unix://$d/s.sock" --pidfile "$d/pid" \
  --containerd /run/containerd/containerd.sock --containerd-namespace "lab-$1" \
  --containerd-plugins-namespace "lab-$1-plugins" --config-file "$d/daemon.json" \
  --bridge none --iptables=false --ip6tables=false --ip-masq=false > "$d/log" 2>&1 &
pid=$!
started=no
for i in $(seq 90); do
  if timeout 20 docker -H "unix://$d/s.sock" version --format '{{.Server.Version}}' >/dev/null 2>&1 &&
     timeout 20 docker -H "unix://$d/s.sock" info --format '{{json .SecurityOptions}}' > "$d/info" 2>/dev/null; then
    started=yes; break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "started=$started"
echo "info=$(cat "$d/info" 2>/dev/null)"
echo "error=$(grep -o 'opening seccomp profile[^"]*' "$d/log" | head -1)"
kill "$pid" 2>/dev/null
for i in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
kill -9 "$pid" 2>/dev/null
umount -R "$d/data" "$d/exec" 2>/dev/null; rm -rf "$d"
"""


@pytest.mark.lab_suites("trixie")  # Debian 12's 20.10 is proven on the CI machine itself (tests/engines)
def test_docker_26_seccomp_profile_names(guest_batch):
    values = ["builtin", "unconfined", "default"]
    results = guest_batch({v: "sh -c %s sh %s" % (shlex.quote(PRIVATE_DOCKERD), v) for v in values}, timeout=900)
    seen = {}
    for value in values:
        lines = dict(line.split("=", 1) for line in results[value][1].splitlines() if "=" in line)
        seen[value] = lines
    assert seen["builtin"]["started"] == "yes" and "name=seccomp,profile=builtin" in seen["builtin"]["info"], seen
    assert seen["unconfined"]["started"] == "yes" and "profile=unconfined" in seen["unconfined"]["info"], seen
    assert seen["default"]["started"] == "no", seen
    assert "opening seccomp profile (default) failed" in seen["default"]["error"], seen


@pytest.mark.lab_suites("trixie")  # Docker 20.10 cannot validate: the restart's rollback, tests/engines
def test_engine_restart_puts_back_what_dockerd_refuses_without_stopping_it(
        lab_inventory, lab_vm, ansible_env, guest):
    daemon_json, backup = "/etc/docker/daemon.json", "/root/daemon.json.lab-backup"
    before = guest("cp -p %s %s && cat %s && systemctl show docker -p MainPID --value" % (
        daemon_json, backup, daemon_json)).stdout
    guest("""python3 -c 'import json; c = json.load(open("%s")); c["no-new-privileges"] = "yes"; """
          """json.dump(c, open("%s", "w"))'""" % (daemon_json, daemon_json))
    args = {"name": "docker", "validate": "dockerd", "validate_config_file": daemon_json,
            "health_check": ["docker", "info"], "restore": [{"path": daemon_json, "backup": backup}]}
    done = subprocess.run(
        ["ansible", "-i", lab_inventory, lab_vm["instance"], "-m", "stockade.hardening.engine_restart",
         "-a", json.dumps(args)], cwd=REPO, env=dict(ansible_env, ANSIBLE_CALLBACK_RESULT_FORMAT="json"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=900, check=False)
    after = guest("cat %s && systemctl show docker -p MainPID --value; rm -f %s" % (daemon_json, backup)).stdout
    assert done.returncode != 0, done.stdout
    assert "dockerd --validate refuses the new configuration, so docker was not restarted" in done.stdout
    assert "Config.no-new-privileges of type bool" in done.stdout
    assert after == before  # the hardened file back, the same dockerd process still running
