#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_remap_guard
short_description: Refuse a Docker userns-remap change that would hide existing containers, images and volumes
version_added: 0.1.0
description:
  - With C(userns-remap), dockerd keeps its containers, images and volumes under a storage root of its own,
    C(DATA_ROOT/UID.GID) (the first subordinate uid and gid of the remap user). Setting it, or changing it, makes
    what dockerd has now disappear from Docker's view after the restart. Nothing is deleted, but a running container
    stops and does not come back.
  - This module lists what would disappear and fails, naming each container, image and volume, unless
    O(hide_existing) is true. It changes nothing, so it runs in check mode too and shows the same list there.
  - What exists is asked from the running dockerd over its API (the socket the docker CLI would use, or
    O(docker_host)); when dockerd does not answer, it is read from its current storage root on disk
    (C(containers/*/config.v2.json), C(image/DRIVER/repositories.json) and C(imagedb), C(volumes/*)).
  - The current storage root comes from the running dockerd (C(DockerRootDir)), or from dockerd's effective
    configuration (C(data-root) and C(userns-remap) in daemon.json or the flags of docker.service).
  - When the remap user has no subordinate ids yet (in check mode, before M(stockade.hardening.subid_ranges) made
    them), the new storage root cannot be named but is certainly new.
author:
  - Stockade contributors (@stockade)
options:
  remap:
    description: The C(userns-remap) value to be set, C(default) or C(USER) or C(USER:GROUP).
    type: str
    required: true
  hide_existing:
    description: Accept that existing containers, images and volumes disappear from Docker's view (they are listed in a
      warning).
    type: bool
    default: false
  variable:
    description: The name of the variable that sets O(hide_existing), quoted in the message of a refusal.
    type: str
    default: hide_existing
  docker_host:
    description: dockerd's API address (C(unix:///path) or C(tcp://host:port)), as C(DOCKER_HOST); by default the one
      the docker CLI would use on this host.
    type: str
  root:
    description: The host's root directory (a chroot or an image tree is read from disk only, unless O(docker_host) is
      given).
    type: path
    default: /
notes:
  - Runs as root only (set C(become)) on a live host (O(root=/)); without root it fails at its start, in check mode too, with one line saying so.
  - Target-side code uses the Python standard library only (Python 3.9 or newer).
seealso:
  - module: stockade.hardening.subid_ranges
  - module: stockade.hardening.docker_daemon_config
attributes:
  check_mode:
    support: full
    description: Reads only; the refusal is the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to compare.
"""

EXAMPLES = r"""
- name: Refuse userns-remap on a host whose containers would disappear
  stockade.hardening.docker_remap_guard:
    remap: default
    hide_existing: "{{ stockade_userns_docker_remap_hide_existing }}"
    variable: stockade_userns_docker_remap_hide_existing
"""

RETURN = r"""
would_hide:
  description: Whether the change hides something (containers, images or volumes exist in a storage root that is not
    the new one).
  returned: always
  type: bool
storage_root:
  description: Where dockerd keeps its data now.
  returned: always
  type: str
  sample: /var/lib/docker
new_storage_root:
  description: Where it would keep it with O(remap); null while the remap user has no subordinate ids.
  returned: always
  type: str
  sample: /var/lib/docker/100000.100000
source:
  description: How the current storage root was read (dockerd's API, or the disk).
  returned: always
  type: str
containers:
  description: The containers of the current storage root, with their state and image.
  returned: always
  type: list
  elements: dict
  sample: [{name: web, state: running, image: "nginx:1.25"}]
images:
  description: The images of the current storage root (their tags, or their id when untagged).
  returned: always
  type: list
  elements: str
volumes:
  description: The volumes of the current storage root.
  returned: always
  type: list
  elements: str
"""

from copy import deepcopy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.stockade.hardening.plugins.module_utils.docker_remap_guard import ARGUMENT_SPEC, run_module


def main():
    # a copy: AnsibleModule fills the defaults of nested options into the default values themselves
    run_module(AnsibleModule(argument_spec=deepcopy(ARGUMENT_SPEC), supports_check_mode=True))


if __name__ == "__main__":
    main()
