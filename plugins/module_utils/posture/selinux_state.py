# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SELinux as it runs now and as it will boot next time.

Most checkers read /etc/selinux/config only; `setenforce 0` leaves that file
saying enforcing while the host is permissive. Both are read here: the kernel's
/sys/fs/selinux (runtime) and the config file (persisted).
"""

from __future__ import annotations

import posixpath

from .hostfs import ConfigError

CONFIG = "/etc/selinux/config"
ENFORCE = "/sys/fs/selinux/enforce"
LSM_LIST = "/sys/kernel/security/lsm"
MODULE_STORE = "/var/lib/selinux"
_MODES = ("enforcing", "permissive", "disabled")


class SelinuxState:
    def __init__(self, runtime_mode, runtime_source, config_mode, policy_type, lsms):
        self.runtime_mode = runtime_mode      # enforcing/permissive/disabled/None (unknown)
        self.runtime_source = runtime_source
        self.config_mode = config_mode        # None when the config file is absent
        self.policy_type = policy_type
        self.lsms = lsms                      # active LSMs, or None when not readable


def read_config(host):
    text = host.read_text(CONFIG)
    if text is None:
        return None, None
    values = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(CONFIG, "line %d is not KEY=value: %r" % (number, line[:40]))
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip().strip('"')
    mode = values.get("SELINUX")
    if mode is not None and mode.lower() not in _MODES:
        raise ConfigError(CONFIG, "SELINUX=%s is not one of %s" % (mode, ", ".join(_MODES)))
    return (mode.lower() if mode else None), values.get("SELINUXTYPE", "targeted")


def read_state(host):
    config_mode, policy_type = read_config(host)
    lsm_text = host.read_text(LSM_LIST)
    lsms = [x for x in lsm_text.strip().split(",") if x] if lsm_text is not None else None
    enforce = host.read_text(ENFORCE)
    if enforce is not None:
        flag = enforce.strip()
        if flag not in ("0", "1"):
            raise ConfigError(ENFORCE, "expected 0 or 1, found %r" % flag[:20])
        runtime, source = ("enforcing" if flag == "1" else "permissive"), ENFORCE
    elif host.is_live or lsms is not None:
        # On a running kernel a missing selinuxfs means SELinux is off.
        runtime, source = "disabled", "%s absent" % ENFORCE
    else:
        runtime, source = None, None
    return SelinuxState(runtime, source, config_mode, policy_type, lsms)


def installed_modules(host, policy_type):
    """Names of active policy modules in the module store (any priority)."""
    active = posixpath.join(MODULE_STORE, policy_type, "active", "modules")
    names = set()
    if not host.is_dir(active):
        return None
    for priority in host.list_subdirs(active):
        if priority == "disabled":
            continue
        names.update(host.list_subdirs(posixpath.join(active, priority)))
    disabled_dir = posixpath.join(active, "disabled")
    disabled = set(host.list_dir(disabled_dir))
    return names - disabled


def boolean_values(host, policy_type, names):
    """{name: (runtime 0/1 or None, persisted 0/1 or None)} for booleans the policy has."""
    local_file = posixpath.join(MODULE_STORE, policy_type, "active", "booleans.local")
    persisted = {}
    text = host.read_text(local_file)
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or value.strip() not in ("0", "1", "true", "false", "on", "off"):
            raise ConfigError(local_file, "line %d is not name=0|1: %r" % (number, line[:40]))
        persisted[key.strip()] = 1 if value.strip() in ("1", "true", "on") else 0
    result = {}
    for name in names:
        runtime = host.read_text("/sys/fs/selinux/booleans/" + name)
        current = None
        if runtime is not None:
            first = runtime.split()
            if not first or first[0] not in ("0", "1"):
                raise ConfigError("/sys/fs/selinux/booleans/" + name, "expected '0 0' style content")
            current = int(first[0])
        if current is not None or name in persisted:
            result[name] = (current, persisted.get(name))
    return result
