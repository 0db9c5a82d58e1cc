# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the real consumers do with a FIFO, a device, a socket, a directory,
a dangling link, a huge or a deeply nested file where a configuration file
belongs, run on this machine, and that hostfs answers the same way.

- systemd-sysctl 252 over a private /etc/sysctl.d (its own mount namespace,
  and a network namespace so that the one key it may apply,
  net.ipv4.ip_forward, is private too);
- podman 4.3 over a private /etc/containers/containers.conf.d (its own mount
  namespace, private storage);
- dockerd 20.10 with a hostile --config-file (private roots and socket).

A consumer that hangs, or refuses to start, means the audit must say
`error` naming the file; one that skips the entry means the audit leaves it
out of the listing. These verdicts are the ones recorded in
tests/unit/hostile/cases_hostfs.py and in hostfs.SKIPPED_BY_SYSTEMD; for
containers.conf.d the audit's own reader (layered_config.containers_conf)
is held to podman's.
"""

import os
import resource
import shutil
import socket
import stat
import subprocess
import time

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    containers_conf,
)

import engine_helpers

# systemd-sysctl and podman answer a plain file in < 0.1 s on an idle machine, but podman took over 3 s
# once in a clean-clone CI run on this 2-core machine: a consumer is judged hung only after 10 s.
HANG_S = 10
DOCKERD_HANG_S = 20  # dockerd answers its API within ~2 s when idle (64 MiB config included); margin for a loaded CI
SYSTEMD_SYSCTL = "/lib/systemd/systemd-sysctl"
SYSCTL_DIRS = ("/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
               "/lib/sysctl.d")


def _need(path):
    if not path or not os.path.exists(path):
        message = "%s not found (see tests/engines/README.md for the packages)" % path
        if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def make_entry(path, kind, content):
    """Put an entry of `kind` at `path` (content only for a plain file).
    Links are relative, to a hidden name in the same directory, so that the
    consumer (which sees the directory bind-mounted) and hostfs (which sees
    it under a root) follow them to the same place."""
    if kind == "plain":
        with open(path, "w") as handle:
            handle.write(content)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-fifo":
        os.mkfifo(os.path.join(os.path.dirname(path), ".pipe"))
        os.symlink(".pipe", path)
    elif kind == "dir":
        os.mkdir(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path)
        sock.close()
    elif kind in ("dev-zero", "dev-null"):
        os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 5 if kind == "dev-zero" else 3))
    elif kind == "dangling":
        os.symlink(".nothing", path)
    else:
        raise ValueError(kind)


def hostfs_answer(root, directory, name):
    """What hostfs makes of the entry: 'reads', 'ignores' (not listed, or
    empty) or 'error' (reading it names it)."""
    host = HostRoot(root)
    entry = directory + "/" + name
    if name not in host.list_dir(directory, ".conf"):
        return "ignores"
    try:
        text = host.read_text(entry)
    except ConfigError as exc:
        assert exc.path == entry, exc
        return "error"
    return "reads" if text else "ignores"


def _in_namespaces(script, flags, cwd):
    """Run a shell script in new namespaces (`flags` for unshare); returns
    (exit status or None when it hung, output)."""
    try:
        done = subprocess.run(["unshare", *flags, "--propagation", "private", "sh", "-c", script],
                              capture_output=True, text=True, timeout=HANG_S * 3, cwd=cwd, check=False)
    except subprocess.TimeoutExpired:
        return None, ""
    return done.returncode, done.stdout + done.stderr


# -- systemd-sysctl ----------------------------------------------------------
# 10-a.conf sets ip_forward 0; a plain 20-x.conf sets it back to 1.
SYSCTL_VERDICTS = {
    "plain": "reads",            # 20-x.conf applied after 10-a.conf
    "dev-null": "ignores",       # reads as empty
    "dir": "ignores",            # "Failed to read file ..., ignoring: Is a directory"
    "socket": "ignores",         # "Failed to open file ..., ignoring: No such device or address"
    "dangling": "ignores",       # skipped silently
    "fifo": "error",             # hangs: nothing applied at all
    "link-to-fifo": "error",     # hangs
    "dev-zero": "error",         # reads without end: nothing applied
}


def run_systemd_sysctl(tree):
    """Run systemd-sysctl 252 over tree/etc/sysctl.d alone (every other
    sysctl.d hidden), in private mount and network namespaces, with
    ip_forward 1 before; returns (its exit status or None when it hung,
    ip_forward after, its output)."""
    empty = os.path.join(tree, "empty")
    os.makedirs(empty, exist_ok=True)
    mounts = ["[ -d %s ] && mount --bind %s %s" % (d, empty, d) for d in SYSCTL_DIRS]
    script = "\n".join(mounts + [
        "mount --bind %s/etc/sysctl.d /etc/sysctl.d || exit 90" % tree,
        "[ -f /etc/sysctl.conf ] && mount --bind /dev/null /etc/sysctl.conf",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        "timeout %d %s --prefix=/net/ipv4/ip_forward; echo \"rc=$?\"" % (HANG_S, SYSTEMD_SYSCTL),
        "echo \"ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)\"",
    ])
    status, output = _in_namespaces(script, ["-m", "-n"], tree)
    assert status == 0, output
    rc = int(output.split("rc=")[1].split()[0])
    forward = output.split("ip_forward=")[1].split()[0]
    return (None if rc == 124 else rc), forward, output


def systemd_sysctl_verdict(tree):
    """What systemd-sysctl did with 20-x.conf (10-a.conf sets ip_forward 0,
    a plain 20-x.conf sets it back to 1)."""
    rc, forward, output = run_systemd_sysctl(tree)
    if rc is None:
        assert forward == "1", output   # nothing applied
        return "error"
    if forward == "1" and rc == 0:
        return "reads"
    assert forward == "0", output
    return "ignores"


@pytest.mark.parametrize("kind", sorted(SYSCTL_VERDICTS))
def test_systemd_sysctl_and_hostfs_agree(workdir, kind):
    _need(SYSTEMD_SYSCTL)
    tree = os.path.join(workdir, "sysctl-" + kind)
    os.makedirs(os.path.join(tree, "etc/sysctl.d"))
    with open(os.path.join(tree, "etc/sysctl.d/10-a.conf"), "w") as handle:
        handle.write("net.ipv4.ip_forward = 0\n")
    make_entry(os.path.join(tree, "etc/sysctl.d/20-x.conf"), kind, "net.ipv4.ip_forward = 1\n")
    consumer = systemd_sysctl_verdict(tree)
    assert consumer == SYSCTL_VERDICTS[kind]
    assert hostfs_answer(tree, "/etc/sysctl.d", "20-x.conf") == consumer


# -- podman containers.conf.d -------------------------------------------------
# 10-a.conf sets pids_limit 4321; a plain 20-x.conf sets 99.
PODMAN_VERDICTS = {
    "plain": "reads",
    "dev-null": "ignores",       # empty
    "dir": "ignores",            # WalkDir skips directories
    "socket": "refuses",         # "reading system config ...: no such device or address"
    "dangling": "refuses",       # "reading system config ...: no such file or directory"
    "fifo": "error",             # hangs
    "link-to-fifo": "error",     # hangs
    "dev-zero": "error",         # reads without end
}


def audit_podman_answer(tree, entry):
    """What the audit's containers.conf reader, told that this machine's
    Podman is installed, makes of the entry: 'reads' (its pids_limit of 99
    applies), 'ignores', or 'error' (a ConfigError naming it)."""
    status = subprocess.run(["dpkg-query", "-W", "-f", "Package: podman\nStatus: ${Status}\nVersion: ${Version}\n",
                             "podman"], capture_output=True, text=True, check=True).stdout
    os.makedirs(os.path.join(tree, "var/lib/dpkg"), exist_ok=True)
    with open(os.path.join(tree, "var/lib/dpkg/status"), "w") as handle:
        handle.write(status)
    try:
        config = containers_conf(HostRoot(tree))
    except ConfigError as exc:
        assert exc.path == entry, exc
        return "error"
    return "reads" if config.get("containers.pids_limit").value == 99 else "ignores"


def podman_verdict(podman, tree):
    """Run podman 4.3 with tree/etc/containers.conf.d as its
    /etc/containers/containers.conf.d; what it did with 20-x.conf."""
    etc = os.path.join(tree, "etc-containers")
    shutil.copytree("/etc/containers", etc, symlinks=True)
    shutil.rmtree(os.path.join(etc, "containers.conf.d"), ignore_errors=True)
    os.mkdir(os.path.join(etc, "containers.conf.d"))
    base = "timeout %d %s --root %s/storage --runroot %s/run" % (HANG_S, podman, tree, tree)
    script = "\n".join([
        "mount --bind %s /etc/containers || exit 90" % etc,
        "mount --bind %s/etc/containers/containers.conf.d /etc/containers/containers.conf.d || exit 91"
        % tree,
        "%s run --help > help.txt 2>&1; echo \"rc=$?\"" % base,
        "grep -o 'pids-limit.*(default [-0-9]*)' help.txt",
        "head -c 400 help.txt",
    ])
    status, output = _in_namespaces(script, ["-m"], tree)
    assert status == 0, output
    if "rc=124" in output:
        return "error"
    if "rc=0" not in output:
        assert "reading system config" in output and "20-x.conf" in output, output
        return "refuses"
    return "reads" if "(default 99)" in output else "ignores"


@pytest.mark.parametrize("kind", sorted(PODMAN_VERDICTS))
def test_podman_and_hostfs_agree(workdir, kind):
    podman = _need(shutil.which("podman"))
    tree = os.path.join(workdir, "podman-conf-" + kind)
    dropins = os.path.join(tree, "etc/containers/containers.conf.d")
    os.makedirs(dropins)
    with open(os.path.join(dropins, "10-a.conf"), "w") as handle:
        handle.write("[containers]\npids_limit = 4321\n")
    make_entry(os.path.join(dropins, "20-x.conf"), kind, "[containers]\npids_limit = 99\n")
    consumer = podman_verdict(podman, tree)
    assert consumer == PODMAN_VERDICTS[kind]
    # podman refusing to start and podman hanging are both an error for the audit
    audit = "error" if consumer == "refuses" else consumer
    assert audit_podman_answer(tree, "/etc/containers/containers.conf.d/20-x.conf") == audit


def test_dot_files_podman_reads_and_systemd_sysctl_skips(workdir):
    podman = _need(shutil.which("podman"))
    _need(SYSTEMD_SYSCTL)
    sysctl_tree = os.path.join(workdir, "sysctl-hidden")
    os.makedirs(os.path.join(sysctl_tree, "etc/sysctl.d"))
    with open(os.path.join(sysctl_tree, "etc/sysctl.d/.20-x.conf"), "w") as handle:
        handle.write("net.ipv4.ip_forward = 0\n")    # the only file: read, it turns forwarding off
    assert run_systemd_sysctl(sysctl_tree)[:2] == (0, "1")            # skipped
    assert HostRoot(sysctl_tree).list_dir("/etc/sysctl.d", ".conf") == []
    podman_tree = os.path.join(workdir, "podman-conf-hidden")
    dropins = os.path.join(podman_tree, "etc/containers/containers.conf.d")
    os.makedirs(dropins)
    with open(os.path.join(dropins, ".20-x.conf"), "w") as handle:
        handle.write("[containers]\npids_limit = 99\n")            # the only drop-in
    assert podman_verdict(podman, podman_tree) == "reads"
    assert audit_podman_answer(podman_tree, "/etc/containers/containers.conf.d/.20-x.conf") == "reads"


# -- dockerd daemon.json --------------------------------------------------------
def _sparse(path, head, size):
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)


def _nested(path, depth):
    with open(path, "w") as handle:
        handle.write('{"log-opts": ' + "[" * depth + "]" * depth + "}")


DOCKERD_CASES = {
    # kind: (how to make it, what dockerd 20.10 does)
    "fifo": (lambda p: make_entry(p, "fifo", None), "hangs"),
    "dev-zero": (lambda p: make_entry(p, "dev-zero", None), "refuses"),   # fatal error: out of memory
    "dev-null": (lambda p: make_entry(p, "dev-null", None), "refuses"),   # EOF (20.10 refuses empty)
    "socket": (lambda p: make_entry(p, "socket", None), "refuses"),       # no such device or address
    "dir": (lambda p: make_entry(p, "dir", None), "refuses"),             # is a directory
    "nested-20k": (lambda p: _nested(p, 20000), "refuses"),               # exceeded max depth
    "nested-5k": (lambda p: _nested(p, 5000), "refuses"),                 # cannot unmarshal array
    # dockerd reads all 64 MiB and decodes only the first value: it starts,
    # honouring the head. hostfs refuses anything over MAX_FILE_BYTES (error,
    # never a pass): a deliberate, fail-safe difference.
    "sparse-64m": (lambda p: _sparse(p, b'{"no-new-privileges": true}', 64 << 20), "starts"),
}
DOCKERD_MEMORY = 3 << 30   # enough for dockerd's threads
# reading /dev/zero runs out of any limit; a low one makes that quick (0.5 s)
DOCKERD_MEMORY_FOR = {"dev-zero": 1 << 30}


def dockerd_verdict(dockerd, directory, config, memory=DOCKERD_MEMORY):
    """Start dockerd 20.10 on `config`: 'hangs', 'refuses' or 'starts'."""
    pidfile = os.path.join(directory, "docker.pid")
    sock = os.path.join(directory, "docker.sock")
    with open(os.path.join(directory, "dockerd.log"), "w") as log:
        process = subprocess.Popen(
            [dockerd, "--config-file", config, "--data-root", os.path.join(directory, "data"),
             "--exec-root", os.path.join(directory, "exec"), "-H", "unix://" + sock,
             "--pidfile", pidfile, "--bridge", "none", "--iptables=false", "--ip-masq=false"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory)))
    deadline = time.monotonic() + DOCKERD_HANG_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return "refuses"
        if engine_helpers._answers_ping(sock):  # pylint: disable=protected-access
            engine_helpers.stop_dockerd(process, pidfile)
            return "starts"
        time.sleep(0.1)
    process.kill()   # blocked in its first read: it has started nothing else yet
    process.wait()
    return "hangs"


@pytest.mark.parametrize("kind", sorted(DOCKERD_CASES))
def test_dockerd_daemon_json_and_hostfs(docker_binaries, workdir, kind):
    make, expected = DOCKERD_CASES[kind]
    directory = os.path.join(workdir, "dockerd-json-" + kind)
    os.makedirs(os.path.join(directory, "etc/docker"))
    config = os.path.join(directory, "etc/docker/daemon.json")
    make(config)
    memory = DOCKERD_MEMORY_FOR.get(kind, DOCKERD_MEMORY)
    assert dockerd_verdict(docker_binaries[0], directory, config, memory) == expected
    with pytest.raises(ConfigError) as caught:
        HostRoot(directory).read_json("/etc/docker/daemon.json")
    assert caught.value.path == "/etc/docker/daemon.json"
