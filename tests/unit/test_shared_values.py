# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values a role sets and the engine judges are pinned to each other.

The roles' defaults stay literal YAML: they are what users read and override,
what meta/argument_specs.yml documents and the READMEs are generated from
(the linux-system-roles and dev-sec way). The engine's controls are the one
definition of what compliant means. This test holds the two together, so that
neither side can move alone: the sysctls the kernel role writes pass every
sysctl control, the capability sets the capabilities role writes are the
engine's minimal sets, and the drop-in directories engine_config writes are
those the engine reads. (The container SELinux booleans are pinned in
test_selinux_role_vars.py.)"""

import os

import pytest
import yaml

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.containers_conf import (
    ETC_FILE,
)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.capabilities import (
    CRIO_DEFAULT_CAPS, PODMAN_DEFAULT_CAPS)
from ansible_collections.stockade.hardening.plugins.module_utils.posture.controls.kernel import SYSCTLS
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import HostRoot
from ansible_collections.stockade.hardening.plugins.module_utils.posture.engines.layered_config import (
    crio_conf,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def role_file(role, *parts):
    with open(os.path.join(REPO, "roles", role, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def kernel_sysctls():
    return role_file("kernel", "defaults", "main.yml")["stockade_kernel_sysctls"]


@pytest.mark.parametrize("control_id,name,predicate", [(s[0], s[1], s[2]) for s in SYSCTLS],
                         ids=[s[0] for s in SYSCTLS])
def test_the_kernel_role_sets_every_audited_sysctl_to_a_passing_value(control_id, name, predicate):
    value = kernel_sysctls().get(name)
    assert value is not None, "%s: the kernel role does not set %s" % (control_id, name)
    assert predicate(int(value)), "%s: the kernel role sets %s = %s, which fails it" % (control_id, name, value)


def test_the_kernel_role_keeps_user_namespaces_available():
    assert int(kernel_sysctls()["user.max_user_namespaces"]) > 0     # host-max-user-namespaces


def test_the_kernel_role_sets_nothing_the_audit_warns_about():
    assert "net.ipv4.ip_forward" not in kernel_sysctls()             # host-ip-forward-kept


def test_the_capabilities_role_writes_the_engines_minimal_sets():
    defaults = role_file("capabilities", "defaults", "main.yml")
    assert set(defaults["stockade_capabilities_podman_default"]) == set(PODMAN_DEFAULT_CAPS)
    assert set(defaults["stockade_capabilities_crio_default"]) == set(CRIO_DEFAULT_CAPS)


def test_engine_config_writes_where_the_engine_reads(tmp_path):
    role_vars = role_file("engine_config", "vars", "main.yml")
    assert role_vars["__stockade_engine_config_podman_dir"] == ETC_FILE + ".d"
    crio_dir = tmp_path / role_vars["__stockade_engine_config_crio_dir"].lstrip("/")
    crio_dir.mkdir(parents=True)
    (crio_dir / "50-stockade.conf").write_text("[crio.runtime]\nselinux = true\n")
    assert crio_conf(HostRoot(str(tmp_path))).typed("crio.runtime.selinux", bool, False).value is True
