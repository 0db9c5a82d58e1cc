# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive private Docker and Podman instances on this machine.

Why private instances: other engineers share the machine, and the system
daemon's configuration is exactly what our roles change. Every dockerd here
has its own data root, exec root, socket, pid file and daemon.json, no
bridge and no iptables rules; every podman call has its own storage,
containers.conf and storage.conf. Nothing touches the system engines.
"""

import json
import os
import signal
import socket
import subprocess
import time

from ansible_collections.stockade.hardening.plugins.module_utils.posture.abi.programs import (
    STATUS_ENOSYS, STATUS_KILLED_BY_SIGSYS,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.inside import parse_report
from ansible_collections.stockade.hardening.plugins.module_utils.posture.probe.rootfs import INSIDE_SCRIPT

IMAGE = "stockade-probe:test"
COMMAND_TIMEOUT = 60
# crun fails on hybrid v1/v2 cgroups (see the lab notes) while runc works, and
# without CAP_SYS_RESOURCE podman cannot raise rlimits to its defaults.
PODMAN_RUN_OPTIONS = (
    "--runtime", "runc",
    "--ulimit", "nofile=1024:1024",
    "--ulimit", "nproc=1024:1024",
)

# Measured durations (label -> seconds), printed at the end of the session.
TIMINGS = {}


def outcome(report, program):
    """What happened to a syscall program in an inside.sh report: 'ran' (exit
    status is its pid's low byte), 'enosys' (passed the filter, the kernel
    lacks the ABI), 'sigsys' (killed by the seccomp filter), else the status."""
    status = int(report[program + "_status"])
    if status == int(report[program + "_pid"]) % 256:
        return "ran"
    return {STATUS_ENOSYS: "enosys", STATUS_KILLED_BY_SIGSYS: "sigsys"}.get(status, "status %d" % status)


def run(argv, env=None, check=True):
    """Run a command, capturing text output; a failure names its output."""
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    if check and result.returncode != 0:
        raise AssertionError("%s exited %d\nstdout: %s\nstderr: %s" % (
            " ".join(argv), result.returncode, result.stdout, result.stderr))
    return result


def _answers_ping(sock_path):
    """True once the daemon's API answers on its unix socket."""
    try:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(1)
            conn.connect(sock_path)
            conn.sendall(b"GET /_ping HTTP/1.0\r\n\r\n")
            return conn.recv(64).startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def terminate(process, timeout=30):
    """SIGTERM our own child `process` by its pid, SIGKILL after `timeout` seconds."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def stop_dockerd(process, pidfile):
    """SIGTERM the pid that dockerd wrote to its pid file (it stops its
    containerd too), after checking that it is our own child."""
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):  # died, or never got to write it
        pid = process.pid
    if pid != process.pid:
        process.kill()
        process.wait()
        raise AssertionError("pid file %s names %d, not our dockerd %d" % (pidfile, pid, process.pid))
    if process.poll() is None:
        os.kill(pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            process.wait()


class DockerDaemon:
    """A dockerd of our own, started with a scenario's daemon.json (a dict,
    or the file's bytes as they are) and extra flags, and stopped, as a
    context manager, by the pid from its own pid file."""

    def __init__(self, dockerd, docker_cli, workdir, name, config, image_tar, extra_args=()):
        self.image_tar = image_tar
        self.extra_args = list(extra_args)  # more dockerd flags (a later flag wins)
        self.dockerd = dockerd
        self.docker_cli = docker_cli
        self.name = name
        self.config = config
        self.dir = os.path.join(workdir, "docker-" + name)
        self.sock = os.path.join(self.dir, "docker.sock")
        self.pidfile = os.path.join(self.dir, "docker.pid")
        self.log = os.path.join(self.dir, "dockerd.log")
        self.env = dict(os.environ, DOCKER_CONFIG=os.path.join(self.dir, "cli"))
        self.process = None

    def __enter__(self):
        os.makedirs(self.dir)
        config_file = os.path.join(self.dir, "daemon.json")
        with open(config_file, "wb") as handle:
            handle.write(self.config if isinstance(self.config, bytes) else json.dumps(self.config).encode())
        started = time.monotonic()
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [self.dockerd,
                 "--data-root", os.path.join(self.dir, "data"),
                 "--exec-root", os.path.join(self.dir, "exec"),
                 "-H", "unix://" + self.sock,
                 "--pidfile", self.pidfile,
                 "--config-file", config_file,
                 "--bridge", "none", "--iptables=false", "--ip-masq=false"] + self.extra_args,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_up()
            TIMINGS["dockerd start (%s)" % self.name] = time.monotonic() - started
            # Each daemon has its own store (userns-remap even a separate one).
            self.docker("import", self.image_tar, IMAGE)
        except BaseException:
            self._stop()
            raise
        return self

    def _wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while not _answers_ping(self.sock):
            if self.process.poll() is not None or time.monotonic() > deadline:
                with open(self.log) as log:
                    tail = log.read()[-3000:]
                raise AssertionError("dockerd %s did not come up:\n%s" % (self.name, tail))
            time.sleep(0.05)

    def __exit__(self, *exc_info):
        started = time.monotonic()
        self._stop()
        TIMINGS["dockerd stop (%s)" % self.name] = time.monotonic() - started

    def _stop(self):
        stop_dockerd(self.process, self.pidfile)

    def docker(self, *args, check=True):
        return run([self.docker_cli, "-H", "unix://" + self.sock] + list(args), env=self.env, check=check)

    def security_options(self):
        """`docker info` Security Options, e.g. 'name=seccomp,profile=...'."""
        return json.loads(self.docker("info", "--format", "{{json .SecurityOptions}}").stdout)

    def run_container(self, *args, check=True):
        """docker run --rm, no network; args are options, then the command."""
        return self.docker("run", "--rm", "--network", "none", *args, check=check)

    def probe(self, *options):
        """The inside.sh report of a probe container run with `options`."""
        return parse_report(self.run_container(*(options + (IMAGE, INSIDE_SCRIPT))).stdout)


class Podman:
    """Podman with private storage, run root and config files, so neither
    the system's containers.conf nor its image store take part."""

    def __init__(self, podman, workdir, image_tar):
        self.dir = os.path.join(workdir, "podman")
        os.makedirs(self.dir)
        root, runroot = os.path.join(self.dir, "root"), os.path.join(self.dir, "run")
        storage_conf = os.path.join(self.dir, "storage.conf")
        with open(storage_conf, "w") as handle:
            handle.write('[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' % (root, runroot))
        self.env = dict(os.environ, CONTAINERS_STORAGE_CONF=storage_conf)
        self.base = [
            podman,
            "--root", root,
            "--runroot", runroot,
            "--tmpdir", os.path.join(self.dir, "tmp"),
            "--cgroup-manager", "cgroupfs",
            "--events-backend", "none",
        ]
        self.podman(self.containers_conf("import", ""), "import", image_tar, IMAGE)

    def containers_conf(self, name, text):
        """Write a scenario's containers.conf; return its path."""
        path = os.path.join(self.dir, name + ".containers.conf")
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def podman(self, containers_conf, *args, check=True):
        env = dict(self.env, CONTAINERS_CONF=containers_conf)
        return run(self.base + list(args), env=env, check=check)

    def run_container(self, containers_conf, *args, check=True):
        """podman run --rm, no network, runc; args are options, then the command."""
        return self.podman(containers_conf, "run", "--rm", "--network", "none",
                           *(PODMAN_RUN_OPTIONS + args), check=check)

    def probe(self, containers_conf, *options):
        """The inside.sh report of a probe container run with `options`."""
        return parse_report(self.run_container(containers_conf, *(options + (IMAGE, INSIDE_SCRIPT))).stdout)


SUBID_FILES = ("/etc/subuid", "/etc/subgid")


def _account_exists(database, name):
    return run(["getent", database, name], check=False).returncode == 0


def _read_lines(path):
    try:
        with open(path) as handle:
            return handle.read().splitlines()
    except FileNotFoundError:
        return []


class DockremapGuard:
    """Leave the host's accounts as found around a `userns-remap: default`
    daemon, which creates user and group dockremap and their subuid/subgid
    ranges. Only what appeared during the test is removed; a dockremap that
    existed before is kept untouched."""

    def __enter__(self):
        self.user_existed = _account_exists("passwd", "dockremap")
        self.group_existed = _account_exists("group", "dockremap")
        self.subid_lines = {path: set(_read_lines(path)) for path in SUBID_FILES}
        return self

    def subordinate_range(self, path):
        """(start, count) of dockremap's first range in `path`, or None."""
        for line in _read_lines(path):
            name, dummy, rest = line.partition(":")
            if name == "dockremap":
                start, dummy, count = rest.partition(":")
                return int(start), int(count)
        return None

    def __exit__(self, *exc_info):
        if not self.user_existed and _account_exists("passwd", "dockremap"):
            run(["userdel", "dockremap"])
        if not self.group_existed and _account_exists("group", "dockremap"):
            run(["groupdel", "dockremap"])
        for path, before in self.subid_lines.items():
            lines = _read_lines(path)
            kept = [line for line in lines if line in before or not line.startswith("dockremap:")]
            if kept != lines:
                with open(path, "w") as handle:
                    handle.write("".join(line + "\n" for line in kept))


def podman_as_user(podman_binary, setpriv, uid, home, runtime_dir, probe_tar):
    """A function running rootless Podman as `uid` (no account needed: setpriv) with HOME and
    XDG_RUNTIME_DIR of the test's own, once the probe image is imported into that user's store."""
    import shutil
    tar = os.path.join(home, "probe.tar")
    shutil.copy(probe_tar, tar)
    os.chown(tar, uid, uid)
    base = [setpriv, "--reuid", str(uid), "--regid", str(uid), "--clear-groups",
            "env", "-i", "HOME=" + home, "XDG_RUNTIME_DIR=" + runtime_dir, "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            podman_binary, "--cgroup-manager", "cgroupfs", "--events-backend", "none", "--storage-driver", "vfs"]

    def user_podman(*args, check=True):
        return run(base + list(args), check=check)
    user_podman("import", tar, IMAGE)
    return user_podman
