# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lived-in Docker host meets the userns layer without the operator's leave.

On the stock guest, with a running container that holds a named volume and
the image it runs (what a user's host has), the userns role run as a user
runs it (the layer alone, `stockade_userns_docker_remap_hide_existing`
false) must stop at its remap guard, naming that container, image and
volume, and change nothing of Docker: daemon.json, /etc/docker, docker.service's
drop-ins, the subordinate id files, the account database, dockerd's main
PID (no restart) and the container still running.

The stock phase, on the Debian 12 guest only (the role and the guard are the
same on both releases), about two minutes under TCG. It removes its
container and volume, so Molecule's check step still starts from the stock
host; the enforce job's repair of a late Podman drop-in that keeps a site's
own key is tests/lab/hardened/test_runner_enforce.py."""

import pytest

from conftest import BUSYBOX_IMAGE as IMAGE, DOCKER_BUSYBOX

pytestmark = pytest.mark.lab_suites("bookworm")

CONTAINER = "lived-in-web"
VOLUME = "lived-in-data"
# What must be the same before and after the refused run, read in one guest call.
DOCKER_STATE = {
    "files": "sha256sum /etc/subuid /etc/subgid /etc/passwd /etc/group /etc/shadow 2>&1; "
             "find /etc/docker /etc/systemd/system/docker.service.d -exec sha256sum {} + 2>&1 | sort",
    "dockerd": "systemctl show -p ExecMainPID -p ActiveState docker",
    "container": "docker inspect -f '{{.State.Running}} {{.State.Pid}}' " + CONTAINER,
    "volume": "docker volume inspect -f '{{.Mountpoint}}' " + VOLUME,
    "remap user": "getent passwd dockremap || echo none",
}


def _state(guest_batch):
    return {name: result[1] + result[2] for name, result in guest_batch(DOCKER_STATE).items()}


@pytest.fixture
def lived_in_docker(guest_batch, guest):
    made = guest_batch({
        "image": DOCKER_BUSYBOX,
        "volume": "docker volume create %s" % VOLUME,
        "container": "docker run -d --name %s --network none -v %s:/data %s sleep 3600" % (CONTAINER, VOLUME, IMAGE),
    })
    try:
        assert all(code == 0 for code, _out, _err in made.values()), made
        yield
    finally:
        guest("docker rm -f %s; docker volume rm %s" % (CONTAINER, VOLUME), check=False)


@pytest.mark.usefixtures("lived_in_docker")
def test_userns_role_refuses_to_hide_a_lived_in_docker_host(play_role, guest_batch):
    before = _state(guest_batch)
    assert before["container"].startswith("true "), before
    done = play_role("userns", {"stockade_userns_docker_remap_hide_existing": False},
                     name="The userns layer, as a user runs it",
                     env={"ANSIBLE_CALLBACK_RESULT_FORMAT": "json"})  # the message on one line, not folded
    assert done.returncode == 2, done.stdout
    assert "refusing to set dockerd's userns-remap to default" in done.stdout, done.stdout
    for named in ("%s (running)" % CONTAINER, "stockade/busybox", VOLUME,
                  "stockade_userns_docker_remap_hide_existing: true"):
        assert named in done.stdout, (named, done.stdout)
    assert "changed=0" in done.stdout, done.stdout
    assert _state(guest_batch) == before
