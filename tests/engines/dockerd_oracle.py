# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask a real dockerd whether it starts with a daemon.json and flags.

20.10 (this machine's) has no --validate: it is started for real, private
in everything (data root, exec root, socket, pid file, no bridge, no
iptables). It writes its pid file right after it has read its flags and
configuration, so a pid file means "accepted" and it is then stopped by the
pid in that file; an exit before it means "refused". 26.1 (Debian 13's,
unpacked by scripts/debian13-consumers.sh) is asked with --validate, which
reads the same and exits.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

DOCKERD_20 = "/usr/sbin/dockerd"
TIMEOUT = 30


def _private_flags(directory):
    return ["--data-root", os.path.join(directory, "data"), "--exec-root", os.path.join(directory, "exec"),
            "-H", "unix://" + os.path.join(directory, "docker.sock"),
            "--pidfile", os.path.join(directory, "docker.pid"),
            "--bridge", "none", "--iptables=false", "--ip-masq=false"]


def _unmount_below(path):
    with open("/proc/self/mounts") as handle:
        points = [line.split()[1] for line in handle]
    for point in sorted((p for p in points if p.startswith(path + "/")), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


def verdict_20(config_bytes, flags, workdir):
    """("accept"|"refuse", dockerd's last words) from a real start of 20.10."""
    directory = tempfile.mkdtemp(dir=workdir)
    config = os.path.join(directory, "daemon.json")
    with open(config, "wb") as handle:
        handle.write(config_bytes)
    pidfile = os.path.join(directory, "docker.pid")
    log = os.path.join(directory, "dockerd.log")
    argv = [DOCKERD_20, "--config-file", config] + _private_flags(directory) + list(flags)
    with open(log, "w") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    outcome = None
    while outcome is None:
        if os.path.exists(pidfile) and os.path.getsize(pidfile):
            outcome = "accept"
        elif process.poll() is not None:
            outcome = "refuse"
        elif time.monotonic() > deadline:
            outcome = "timeout"
        else:
            time.sleep(0.05)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    with open(log) as handle:
        words = [line for line in handle.read().splitlines() if "level=info" not in line]
    _unmount_below(directory)
    shutil.rmtree(directory, ignore_errors=True)
    return outcome, (words[-1] if words else "")


def verdict_26(dockerd, config_bytes, flags, workdir):
    """("accept"|"refuse", dockerd's output) from 26.1's --validate."""
    directory = tempfile.mkdtemp(dir=workdir)
    config = os.path.join(directory, "daemon.json")
    with open(config, "wb") as handle:
        handle.write(config_bytes)
    result = subprocess.run([dockerd, "--validate", "--config-file", config] + list(flags),
                            capture_output=True, text=True, timeout=TIMEOUT, check=False)
    shutil.rmtree(directory, ignore_errors=True)
    output = (result.stdout + result.stderr).strip()
    return ("accept" if result.returncode == 0 else "refuse"), output.splitlines()[-1] if output else ""
