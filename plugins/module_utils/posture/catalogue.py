# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one catalogue of controls: every layer module, imported explicitly so
that Ansible bundles them into modules, in the order reports list them."""

from __future__ import annotations

# The layer modules are imported for the controls they declare, one per layer
# (model.LAYERS); operations is a package cut by CIS section.
from .controls import (  # noqa: F401 pylint: disable=unused-import
    seccomp, kernel_fs, capabilities, selinux, no_new_privs, namespaces, userns,
    vm_isolation, kernel, engine_access,
)
from .controls.operations import (  # noqa: F401 pylint: disable=unused-import
    host_configuration, daemon_configuration, container_runtime,
)
from .model import ENGINES, LAYERS
from .registry import registered


def all_controls():
    """Every control, ordered by layer, then engine, then id."""
    return sorted(registered(), key=lambda c: (LAYERS.index(c.layer), ENGINES.index(c.engine), c.id))


def by_id():
    return {c.id: c for c in all_controls()}
