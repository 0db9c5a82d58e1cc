# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SELinux as it runs now and as it will boot next time.

Most checkers read /etc/selinux/config only; `setenforce 0` leaves that file
saying enforcing while the host is permissive, and a `selinux=0` on the
kernel command line disables SELinux whatever the file says. Read here: the
kernel's /sys/fs/selinux (runtime), /etc/selinux/config exactly as libselinux
reads it, and the next boot's kernel parameters (boot_params).

Mirrors libselinux 3.4 (Debian 12) and 3.8 (Debian 13; the same code but
for `unsigned char` casts), src/selinux_config.c and src/load_policy.c:
- `selinux_getenforcemode()`: the file is read in fgets() chunks of one page
  less one byte; only a chunk that starts with exactly `SELINUX=` counts
  (no leading blank, no blank before `=`, case-sensitive tag); blanks after
  `=` are skipped, then the value must START with enforcing, permissive or
  disabled, in any case (`SELINUX=Enforcing`, `SELINUX=enforcingfoo` are
  enforcing; `SELINUX="enforcing"` matches nothing). The FIRST chunk that
  matches wins; chunks that do not match are skipped. No match: -1.
- `init_selinux_config()`: SELINUXTYPE= after leading blanks, tag in any
  case, the rest of the line with trailing blanks and control characters
  cut; the last one wins; default `targeted`.
- `selinux_init_load_policy()` (systemd calls it at boot): the kernel command
  line's `enforcing=` (see kernel_cmdline.libselinux_enforcing) overrides the
  file; no usable mode at all means permissive; `disabled` disables SELinux
  at run time or, where the kernel refuses, leaves it permissive; a kernel
  without SELinux active ignores everything else.
"""

from __future__ import annotations

import posixpath

from . import boot_params, kernel_cmdline
from .hostfs import ConfigError

CONFIG = "/etc/selinux/config"
ENFORCE = "/sys/fs/selinux/enforce"
LSM_LIST = "/sys/kernel/security/lsm"
MODULE_STORE = "/var/lib/selinux"
SELINUX_ETC = "/etc/selinux"
PAGE_SIZE = 4096          # selinux_page_size: sysconf(_SC_PAGE_SIZE) on x86-64 and arm64
_C_SPACE = b" \t\n\v\f\r"
_MODES = (b"enforcing", b"permissive", b"disabled")


class SelinuxState:
    def __init__(self, runtime_mode, runtime_source, config_mode, policy_type, lsms, config_line=None):
        self.runtime_mode = runtime_mode      # enforcing/permissive/disabled/None (unknown)
        self.runtime_source = runtime_source
        self.config_mode = config_mode        # as selinux_getenforcemode() reads it; None: no mode
        self.config_line = config_line        # the line it came from
        self.policy_type = policy_type
        self.lsms = lsms                      # active LSMs, or None when not readable


def _fgets_chunks(data, size=PAGE_SIZE):
    """(line number, buffer) for each buffer fgets(buf, size, f) returns."""
    position = 0
    line = 1
    while position < len(data):
        newline = data.find(b"\n", position, position + size - 1)
        end = newline + 1 if newline >= 0 else min(position + size - 1, len(data))
        yield line, data[position:end]
        line += data.count(b"\n", position, end)
        position = end


def enforce_mode(data):
    """(mode, line number) as selinux_getenforcemode() reads the file's bytes;
    (None, None) when no buffer gives a mode (the function returns -1)."""
    for number, chunk in _fgets_chunks(data):
        text = chunk.split(b"\0", 1)[0]
        if not text.startswith(b"SELINUX="):
            continue
        value = text[len(b"SELINUX="):].lstrip(_C_SPACE)
        for mode in _MODES:
            if value[:len(mode)].lower() == mode:
                return mode.decode(), number
    return None, None


def config_policy_type(data):
    """SELINUXTYPE as init_selinux_config() reads it (default targeted)."""
    found = "targeted"
    for raw in data.split(b"\n"):
        line = raw.lstrip(_C_SPACE)
        if not line or line.startswith(b"#"):
            continue
        if line[:len(b"SELINUXTYPE=")].upper() == b"SELINUXTYPE=":
            value = line[len(b"SELINUXTYPE="):].lstrip(_C_SPACE).split(b"\0", 1)[0]
            while len(value) > 1 and (value[-1:] in _C_SPACE or value[-1] < 32 or value[-1] == 127):
                value = value[:-1]
            found = value.decode("utf-8", "replace")
    return found


def read_config(host):
    """(mode, policy type, line number) of /etc/selinux/config as libselinux reads it;
    (None, 'targeted', None) when the file is absent."""
    text = host.read_text(CONFIG)
    if text is None:
        return None, "targeted", None
    data = text.encode("utf-8")
    mode, line = enforce_mode(data)
    return mode, config_policy_type(data), line


def read_state(host):
    config_mode, config_type, config_line = read_config(host)
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
    return SelinuxState(runtime, source, config_mode, config_type, lsms, config_line)


class BootMode:
    """What SELinux will be after the next boot, and why."""

    def __init__(self, mode, evidence):
        self.mode = mode            # enforcing/permissive/disabled, or None: cannot tell
        self.evidence = evidence


def next_boot_mode(host, state):
    """BootMode of the next boot: the kernel (is SELinux the LSM that runs?),
    then selinux_init_load_policy() (command line over config file), then
    whether the configured policy exists to be loaded."""
    line, evidence = boot_params.next_or_running(host)
    if line is None:
        return BootMode(None, evidence)
    kconfig, kconfig_path = boot_params.kernel_config(host, line.release)
    if kconfig is None:
        return BootMode(None, evidence + ["%s not found: cannot tell whether that kernel runs SELinux"
                                          % (kconfig_path or "the next kernel's /boot/config-*")])
    lsm, why = kernel_cmdline.active_exclusive_lsm(line.params, kconfig)
    evidence.extend("%s: %s" % (kconfig_path, w) if w.startswith("built-in") else w for w in why)
    if lsm != "selinux":
        return BootMode("disabled", evidence + ["the kernel will run %s, not SELinux" % (lsm or "no major LSM")])
    from_cmdline = kernel_cmdline.libselinux_enforcing(line.text)
    if from_cmdline is not None and from_cmdline < 0:
        # selinux_init_load_policy(): only `secmdline >= 0` overrides the config file
        evidence.append("enforcing=%d on the command line is negative: libselinux takes %s instead"
                        % (from_cmdline, CONFIG))
        from_cmdline = None
    if from_cmdline is not None:
        evidence.append("enforcing=%d on the command line overrides %s (libselinux)" % (from_cmdline, CONFIG))
    if state.config_mode == "disabled":
        return BootMode("disabled", evidence + ["%s says disabled: SELinux is disabled at boot, or "
                                                "permissive where the kernel refuses that" % CONFIG])
    if from_cmdline is not None:
        enforcing = from_cmdline != 0
    else:
        enforcing = state.config_mode == "enforcing"
        if state.config_mode is None:
            evidence.append("%s gives no mode libselinux can read: it boots permissive" % CONFIG)
    policy_dir = posixpath.join(SELINUX_ETC, state.policy_type, "policy")
    if not any(n.startswith("policy.") for n in host.list_dir(policy_dir)):
        return BootMode("disabled", evidence + [
            "no policy in %s (SELINUXTYPE=%s): nothing to load, %s" % (
                policy_dir, state.policy_type, "systemd halts the boot" if enforcing else
                "SELinux stays without a policy")])
    return BootMode("enforcing" if enforcing else "permissive", evidence)


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


def disabled_modules(host, policy_type):
    """Names of the modules installed but disabled (`semodule -d`) in the module store."""
    return sorted(host.list_dir(posixpath.join(MODULE_STORE, policy_type, "active", "modules", "disabled")))


# Where the policy package keeps its modules ready to install: Debian's
# selinux-policy-default has NAME.pp (2:2.20221101) or NAME.pp.bz2 (2:2.20250213).
SHIPPED_MODULES_DIR = "/usr/share/selinux"


def shipped_modules(host, policy_type):
    """{name: file} of the modules the policy package ships (Debian 13's includes
    container, docker and podman; Debian 12's does not)."""
    directory = posixpath.join(SHIPPED_MODULES_DIR, policy_type)
    shipped = {}
    for name in sorted(host.list_dir(directory)):
        for ext in (".pp", ".pp.bz2"):
            if name.endswith(ext):
                shipped[name[:-len(ext)]] = posixpath.join(directory, name)
    return shipped


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
