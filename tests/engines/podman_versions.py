# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two Podman versions that read containers.conf in these tests.

4.3.1 is this machine's (Debian 12: containers-common 0.50.1, BurntSushi/toml
1.2.0). 5.4.2 is Debian 13's (containers-common 0.62.2, BurntSushi/toml
1.4.0), unpacked with its libraries by scripts/debian13-consumers.sh and run
through its own dynamic loader: it only reads configuration here
(`podman system connection list`), it starts no container.
"""

import os
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def unavailable(message):
    if os.environ.get("STOCKADE_REQUIRE_ENGINES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def podman_4_3():
    path = shutil.which("podman")
    if not path:
        unavailable("podman not found")
    return [path]


def podman_5_4():
    result = subprocess.run([os.path.join(REPO, "scripts", "debian13-consumers.sh")], capture_output=True,
                            text=True, timeout=900, check=False)
    if result.returncode != 0:
        unavailable("Debian 13 consumers not available: %s" % result.stderr[-500:])
    root = os.path.join(result.stdout.strip(), "root")
    libraries = os.path.join(root, "usr", "lib", "x86_64-linux-gnu")
    return [os.path.join(libraries, "ld-linux-x86-64.so.2"), "--library-path", libraries,
            os.path.join(root, "usr", "bin", "podman")]


def reads(command, path):
    """("accept"|"reject", stderr) of Podman reading `path` as its only containers.conf."""
    result = subprocess.run(command + ["system", "connection", "list"], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, CONTAINERS_CONF=str(path)), check=False)
    return ("accept" if result.returncode == 0 else "reject"), result.stderr
