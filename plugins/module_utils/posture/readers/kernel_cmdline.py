# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A kernel command line as the kernel itself parses it, and the boot
parameters the security controls care about, decided as the kernel decides
them.

Mirrors Linux 6.1 (Debian 12) and 6.12 (Debian 13):
- `next_arg()` / `parse_args()` in kernel/params.c and lib/cmdline.c: words
  split on whitespace outside double quotes, `name="a b"` keeps the spaces and
  loses the quotes, `--` ends the kernel's parameters (the rest goes to init),
  `-` and `_` are the same in a parameter name (`parameq`);
- each `__setup`/`early_param` handler runs once per occurrence, so the last
  valid value wins (`lsm=`, `security=`, `selinux=`, `vsyscall=`,
  `ia32_emulation=`), and an invalid value leaves the previous one;
- `kstrtoul(s, 0)` for `selinux=`/`apparmor=` and `kstrtobool()` for
  `ia32_emulation=` (6.7+; 6.1 has no such parameter), both from numbers.py;
- security/security.c `ordered_lsm_init()`: `lsm=` replaces CONFIG_LSM and
  overrides `security=`; `security=X` disables every other legacy major LSM
  and appends X; the first enabled exclusive LSM in the order is the one
  that runs (SELinux, AppArmor and Smack exclude each other).
"""

from __future__ import annotations

import re

from . import numbers

_SPACE = " \t\n\v\f\r"
EXCLUSIVE_LSMS = ("selinux", "smack", "apparmor")
LEGACY_MAJOR_LSMS = ("selinux", "smack", "tomoyo", "apparmor")
# The Kconfig symbol that builds each LSM in.
LSM_SYMBOLS = {"selinux": "CONFIG_SECURITY_SELINUX", "apparmor": "CONFIG_SECURITY_APPARMOR",
               "smack": "CONFIG_SECURITY_SMACK", "tomoyo": "CONFIG_SECURITY_TOMOYO"}


def parse(text):
    """[(name, value or None)] of the kernel's own parameters, in order."""
    params = []
    rest = (text or "").lstrip(_SPACE)
    while rest:
        word, rest = _next_arg(rest)
        name, sep, value = word[0], word[1], word[2]
        if sep is None and name == "--":
            break
        params.append((name.replace("-", "_"), value))
    return params


def _next_arg(args):
    """One (name, '=' or None, value) and the rest, as lib/cmdline.c next_arg()."""
    quoted = in_quote = args.startswith('"')
    if quoted:
        args = args[1:]
    equals = None
    index = 0
    while index < len(args):
        char = args[index]
        if char in _SPACE and not in_quote:
            break
        if equals is None and char == "=":
            equals = index
        if char == '"':
            in_quote = not in_quote
        index += 1
    word = args[:index]
    if equals is None:
        name, sep, value = word, None, None
        if quoted and name.endswith('"'):
            name = name[:-1]
    else:
        name, sep, value = word[:equals], "=", word[equals + 1:]
        if value.startswith('"'):
            value = value[1:]
            if value.endswith('"'):
                value = value[:-1]
        elif quoted and value.endswith('"'):
            value = value[:-1]
    return (name, sep, value), args[index + 1:].lstrip(_SPACE)


def last_value(params, name, accept=None):
    """The value the kernel ends up with for `name=`: the last occurrence that
    `accept` (the handler's own validation) takes; None when never given.
    A bare `name` without `=` changes nothing: a `__setup("name=")` handler
    never sees it (it goes to init), and the early_param handlers of the
    parameters read here (ia32_emulation, vsyscall) refuse a missing value."""
    found = None
    for key, value in params:
        if key == name and value is not None and (accept is None or accept(value)):
            found = value
    return found


def kstrtoul(value):
    """kstrtoul(s, 0) (numbers.kstrtoul): the number, or None for -EINVAL/-ERANGE."""
    if value is None:
        return None
    parsed = numbers.kstrtoul(value)
    return None if parsed.error else parsed.value


kstrtobool = numbers.kstrtobool


def libselinux_enforcing(text):
    """The `enforcing=` libselinux's selinux_init_load_policy() (3.4 and 3.8)
    takes from /proc/cmdline: only the FIRST occurrence of the substring
    `enforcing=`, and only when it starts the line or follows whitespace
    (else the command line is ignored); atoi() of what follows. None when it
    does not apply."""
    line = (text or "").split("\n", 1)[0][:4095]   # fgets(buf, page size)
    found = line.find("enforcing=")
    if found < 0 or (found > 0 and line[found - 1] not in _SPACE):
        return None
    return numbers.c_atoi(line[found + len("enforcing="):])


def active_exclusive_lsm(params, kconfig):
    """(name of the exclusive LSM that will run or None, evidence lines).

    `kconfig` is the kernel's build configuration ({symbol: value}); None
    when unknown, and then the answer is None with the reason."""
    if kconfig is None:
        return None, ["the kernel's build configuration is not known: cannot tell which LSM it runs"]
    built = {name for name, symbol in LSM_SYMBOLS.items() if kconfig.get(symbol) == "y"}
    order_cmdline = last_value(params, "lsm")
    legacy = last_value(params, "security")
    evidence = []
    if order_cmdline is not None:
        order = order_cmdline.split(",")
        evidence.append("lsm=%s decides the LSM order" % order_cmdline)
        if legacy is not None:
            evidence.append("security=%s is ignored (lsm= supersedes it)" % legacy)
            legacy = None
    else:
        builtin = kconfig.get("CONFIG_LSM")
        if builtin is None:
            return None, ["the kernel's configuration has no CONFIG_LSM: cannot tell which LSM it runs"]
        order = builtin.strip('"').split(",")
        evidence.append("built-in LSM order CONFIG_LSM=%s" % builtin.strip('"'))
    disabled = set()
    if legacy is not None:
        disabled = {name for name in LEGACY_MAJOR_LSMS if name != legacy}
        order = order + [legacy]
        evidence.append("security=%s turns the other major LSMs off" % legacy)
    for name, param in (("selinux", "selinux"), ("apparmor", "apparmor")):
        flag = last_value(params, param, accept=lambda v: kstrtoul(v) is not None)
        if flag is not None and kstrtoul(flag) == 0:
            disabled.add(name)
            evidence.append("%s=%s turns %s off" % (param, flag, name))
    for name in order:
        if name in EXCLUSIVE_LSMS and name in built and name not in disabled:
            return name, evidence
    return None, evidence + ["no exclusive LSM (SELinux, AppArmor, Smack) is enabled"]


def parse_kconfig(text):
    """{CONFIG_X: value} of a kernel .config (`# CONFIG_X is not set` gives 'n')."""
    values = {}
    for line in (text or "").splitlines():
        line = line.strip()
        unset = re.match(r"# (CONFIG_\w+) is not set$", line)
        if unset:
            values[unset.group(1)] = "n"
        elif line.startswith("CONFIG_") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values
