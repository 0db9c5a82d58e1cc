# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppArmor's loaded policy: the securityfs `profiles` listing, and whether
the module is enabled.

The producer is the kernel's apparmorfs (security/apparmor/apparmorfs.c,
Linux 6.1 and 6.12): `seq_show_profile()` prints one line per loaded
profile, `NAME (MODE)` then a newline, depth first over the namespaces the
reader may see (a sub-namespace's profiles as `:NS:NAME (MODE)`); MODE is one
of `aa_profile_mode_names` (enforce, complain, kill, unconfined, user). The
file is a seq_file: stat() says 0 bytes, and only root may open it
(`policy_view_capable`), so an audit without root gets an error, never "none
loaded".

The consumer mirrored is `aa-status` (AppArmor 3.0.8 on Debian 12, 4.1 on
Debian 13, binutils/aa_status.c `get_profiles()`): getline() per line, then
libapparmor's `aa_splitcon()` (libraries/libapparmor/src/kernel.c
`splitcon()`): one trailing newline dropped; the text up to the first NUL
(strlen); the mode is what lies between the LAST ` (` (not at the start)
and a final `)`, the name what lies before it. The line parser is held to
libapparmor's own aa_splitcon() by tests/unit/consumers/test_apparmor_splitcon.py.

Where aa-status skips a line it cannot split ("failed profile name split")
or counts a mode it does not know under none, this reader refuses the
listing (ConfigError naming the file and the line): the kernel never writes
such a line, so the file is not the kernel's listing (or was cut short), and
a profile hidden by a skipped line cannot be proved loaded. A listing that
does not end in a newline was cut mid-line and is refused for the same
reason. Bytes that are not UTF-8 are refused by hostfs (a profile name is
bytes to the kernel, but none that matters here is anything but ASCII).

`/sys/module/apparmor/parameters/enabled` is read as libapparmor's
`param_check_base()` reads it: the first byte `Y` means enabled, anything
else not; the file's absence means AppArmor is not built in.
"""

from __future__ import annotations

from .hostfs import ConfigError

PROFILES = "/sys/kernel/security/apparmor/profiles"
ENABLED = "/sys/module/apparmor/parameters/enabled"
# aa_profile_mode_names, security/apparmor/lib.c (6.1 and 6.12)
MODES = ("enforce", "complain", "kill", "unconfined", "user")


def split_label(line):
    """(name, mode or None) of one line as libapparmor's aa_splitcon() splits it,
    or None where it fails. `line` is one getline() line (text)."""
    text = line.split("\0", 1)[0]
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return None
    if text == "unconfined":
        return text, None
    if len(text) > 3 and text.endswith(")"):
        name, sep, mode = text[:-1].rpartition(" (")
        if sep and name:
            return name, mode
    return None


class Profiles:
    """The loaded profiles: [(name, mode)] in the kernel's order."""

    def __init__(self, entries, path=PROFILES):
        self.entries = entries
        self.path = path

    def named(self, name):
        """The modes of the profiles called `name` (one per namespace that holds it)."""
        return [mode for profile, mode in self.entries if profile == name]

    def with_prefix(self, prefix):
        """[(name, mode)] of the profiles whose name starts with `prefix`."""
        return [(profile, mode) for profile, mode in self.entries if profile.startswith(prefix)]


def parse_profiles(text, path=PROFILES):
    """Profiles of a listing's text; ConfigError for anything the kernel does not write."""
    if text and not text.endswith("\n"):
        raise ConfigError(path, "does not end with a newline: the listing was cut short (truncated), "
                                "so a profile may be missing from it")
    entries = []
    for number, line in enumerate(text.split("\n")[:-1], 1):
        split = split_label(line + "\n")
        if split is None or split[1] is None:
            raise ConfigError(path, "line %d is not 'NAME (MODE)' as the kernel lists a profile: %r"
                              % (number, line[:80]))
        name, mode = split
        if "\0" in line:
            raise ConfigError(path, "line %d holds a NUL byte (aa-status would read only %r)" % (number, name[:80]))
        if mode not in MODES:
            raise ConfigError(path, "line %d: profile %r has mode %r; the kernel's modes are %s"
                              % (number, name[:80], mode[:20], ", ".join(MODES)))
        entries.append((name, mode))
    return Profiles(entries, path)


def read_profiles(host):
    """Profiles loaded now, or None when the listing does not exist (AppArmor
    inactive, or securityfs not mounted). ConfigError when it cannot be read."""
    text = host.read_text(PROFILES)
    if text is None:
        return None
    return parse_profiles(text)


def read_enabled(host):
    """True/False as libapparmor reads the module parameter; None when the file is absent."""
    text = host.read_text(ENABLED)
    if text is None:
        return None
    return text[:1] == "Y"
