# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which paths the Linux audit system watches: the kernel's loaded rules,
and the rules auditd will load at its next start.

The kernel's rules are listed over NETLINK_AUDIT (AUDIT_LIST_RULES, the
request `auditctl -l` sends; struct audit_rule_data of <linux/audit.h>):
a watch is a rule with an AUDIT_WATCH or AUDIT_DIR field, whose path is in
the rule's string buffer, one string per string-valued field in field order
(kernel/auditfilter.c audit_krule_to_data). Listing needs CAP_AUDIT_CONTROL;
without it the audit says so and judges the files.

The files are read as Debian 12's auditd 3.0.9 loads them: augenrules
concatenates /etc/audit/rules.d/*.rules in name order into audit.rules and
loads that (auditd.service ExecStartPost); without rules.d the existing
/etc/audit/audit.rules is loaded. `-w PATH` and `-F path=`/`-F dir=` add a
watch, `-W PATH` removes one, `-D` deletes every rule before it.
"""

from __future__ import annotations

import errno
import posixpath
import socket
import struct

from .hostfs import ConfigError

NETLINK_AUDIT = 9
AUDIT_LIST_RULES = 1013
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
AUDIT_WATCH, AUDIT_DIR = 105, 107
# Fields whose value is the length of a string in the rule's buffer.
STRING_FIELDS = frozenset(list(range(13, 18)) + list(range(19, 24)) + [AUDIT_WATCH, AUDIT_DIR, 112, 210])
RULE_HEADER = struct.Struct("=III64I64I64I64II")  # flags, action, field_count, mask, fields, values, fieldflags, buflen
NLMSG_HEADER = struct.Struct("=IHHII")
RULES_DIR = "/etc/audit/rules.d"
RULES_FILE = "/etc/audit/audit.rules"
RECEIVE_BYTES = 1 << 16


class AuditUnavailable(Exception):
    """The kernel's rules cannot be listed (no audit support, or no permission)."""


def _rule_paths(payload):
    """Watched paths of one struct audit_rule_data: [(path, whole directory tree)]."""
    if len(payload) < RULE_HEADER.size:
        return []
    values = RULE_HEADER.unpack_from(payload)
    count = min(values[2], 64)
    fields = values[3 + 64:3 + 128]
    lengths = values[3 + 128:3 + 192]
    buffer = payload[RULE_HEADER.size:]
    paths, offset = [], 0
    for index in range(count):
        field = fields[index]
        if field not in STRING_FIELDS:
            continue
        text = buffer[offset:offset + lengths[index]].decode("utf-8", "replace")
        offset += lengths[index]
        if field in (AUDIT_WATCH, AUDIT_DIR):
            paths.append((text, field == AUDIT_DIR))
    return paths


def kernel_watches(timeout=5.0):
    """Every path the running kernel's audit rules watch, as [(path, whole
    directory tree)] (what `auditctl -l` lists as -w or -F path=/dir=)."""
    try:
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
    except OSError as exc:
        raise AuditUnavailable("the kernel's audit interface cannot be opened: %s" % (exc.strerror or exc))
    paths = []
    with sock:
        sock.settimeout(timeout)
        try:
            sock.bind((0, 0))
            sock.send(NLMSG_HEADER.pack(NLMSG_HEADER.size, AUDIT_LIST_RULES,
                                        NLM_F_REQUEST | NLM_F_DUMP, 1, 0))
            while True:
                data = sock.recv(RECEIVE_BYTES)
                offset = 0
                while offset + NLMSG_HEADER.size <= len(data):
                    length, kind = NLMSG_HEADER.unpack_from(data, offset)[:2]
                    if length < NLMSG_HEADER.size:
                        return paths
                    payload = data[offset + NLMSG_HEADER.size:offset + length]
                    if kind == NLMSG_DONE:
                        return paths
                    if kind == NLMSG_ERROR:
                        code = -struct.unpack_from("=i", payload)[0] if len(payload) >= 4 else 0
                        if code:
                            raise AuditUnavailable("the kernel refused to list audit rules: %s" % (
                                errno.errorcode.get(code, code)))
                        return paths
                    if kind == AUDIT_LIST_RULES:
                        paths.extend(_rule_paths(payload))
                    offset += (length + 3) & ~3
        except socket.timeout:
            raise AuditUnavailable("the kernel did not list its audit rules within %s s" % timeout)
        except OSError as exc:
            raise AuditUnavailable("the kernel's audit rules cannot be listed: %s" % (exc.strerror or exc))


def _apply_line(watches, line):
    """Apply one auditctl rule line to {path: "w" | "path" | "dir"}."""
    words = line.split()
    if words[0] == "-D":
        watches.clear()
        return
    if words[0] in ("-w", "-W") and len(words) > 1:
        path = posixpath.normpath(words[1])
        if words[0] == "-w":
            watches[path] = "w"
        else:
            watches.pop(path, None)
        return
    if words[0] in ("-a", "-A", "-d"):
        for index, word in enumerate(words[:-1]):
            if word == "-F":
                name, sep, value = words[index + 1].partition("=")
                if sep and name in ("path", "dir") and value:
                    path = posixpath.normpath(value)
                    if words[0] == "-d":
                        watches.pop(path, None)
                    else:
                        watches[path] = name


def file_watches(host):
    """Paths auditd will watch after its next start, as [(path, whole
    directory tree)], and the rule files that say so."""
    names = host.list_dir(RULES_DIR, ".rules")
    files = [posixpath.join(RULES_DIR, name) for name in names] or [RULES_FILE]
    watches = {}
    read = []
    for path in files:
        text = host.read_text(path)
        if text is None:
            continue
        read.append(path)
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not line.startswith("-"):
                raise ConfigError(path, "line %d is not an auditctl rule: %r" % (number, line[:60]))
            _apply_line(watches, line)
    # auditctl turns -w on a directory into a tree watch (AUDIT_DIR), on a file into AUDIT_WATCH
    return [(path, kind == "dir" or kind == "w" and host.is_dir(path)) for path, kind in sorted(watches.items())], read
