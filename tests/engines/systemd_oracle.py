# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ask a real systemd how it loads a unit, without systemd as PID 1.

`systemd --test --system --unit=NAME` loads the units of the initial
transaction exactly as the manager does at boot (search path, drop-ins,
parsing, verification) and dumps them, then exits; it runs nothing.
SYSTEMD_UNIT_PATH replaces the search path, so a unit tree written under a
temporary directory (at the real paths) is offered in the real order. It
refuses to run as root, so it runs as nobody. Two versions:

- 252, Debian 12's own /lib/systemd/systemd on this machine;
- 257, Debian 13's, unpacked by scripts/debian13-consumers.sh and run with
  its own dynamic loader and libraries, in a private mount namespace where
  its /usr/lib/systemd (which holds the systemd-executor it insists on)
  hides this machine's.

The dump shows the command line after parsing (quotes, escapes, specifiers,
prefixes) and before variable expansion, which happens at start.
"""

import os
import re
import shlex
import subprocess

SYSTEMD_252 = "/lib/systemd/systemd"
TIMEOUT = 30
STUB_UNITS = {"sysinit.target": "[Unit]\n", "basic.target": "[Unit]\n", "shutdown.target": "[Unit]\n",
              "system.slice": "[Slice]\n", "systemd-journald.socket": "[Socket]\nListenDatagram=/dev/null\n"}


class Loaded:
    """What systemd made of one unit."""

    def __init__(self, state, commands, output, dropins=()):
        self.state = state          # loaded, masked, bad-setting, error, not-found
        self.commands = commands    # [argv] of ExecStart=, before variable expansion
        self.output = output
        self.dropins = list(dropins)  # DropIn Path: lines, in the order applied

    def __repr__(self):
        return "Loaded(%s, %r)" % (self.state, self.commands)


def write_stubs(directory):
    os.makedirs(directory, exist_ok=True)
    for name, text in STUB_UNITS.items():
        with open(os.path.join(directory, name), "w") as handle:
            handle.write(text)


def _command_252(env, unit):
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            SYSTEMD_252, "--test", "--system", "--unit=" + unit, "--no-pager", "--log-target=console"], env


def _command_257(root, env, unit):
    libs = "%s/usr/lib/x86_64-linux-gnu/systemd:%s/usr/lib/x86_64-linux-gnu" % (root, root)
    inner = " ".join(shlex.quote(w) for w in [
        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        root + "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "--library-path", libs,
        root + "/usr/lib/systemd/systemd", "--test", "--system", "--unit=" + unit, "--no-pager",
        "--log-target=console"])
    script = ("mount --bind {lib} /usr/lib/systemd && mount -t tmpfs none /usr/lib/systemd/system-generators"
              " && exec {inner}").format(lib=shlex.quote(root + "/usr/lib/systemd"), inner=inner)
    return ["unshare", "-m", "sh", "-c", script], env


def load(version, search_path, unit, debian13_root=None):
    """Loaded for `unit` by systemd `version` (252 or 257) over `search_path`."""
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SYSTEMD_UNIT_PATH": ":".join(search_path),
           "LANG": "C.UTF-8"}
    if version == 252:
        argv, env = _command_252(env, unit)
    else:
        argv, env = _command_257(debian13_root, env, unit)
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    return parse_dump(result.stdout + result.stderr, unit)


def parse_dump(output, unit):
    block = _unit_block(output, unit)
    if block is None:
        return Loaded(_refusal_state(output, unit), [], output)
    state = re.search(r"^\s*Unit Load State: (\S+)", block, re.M)
    dropins = re.findall(r"^\s*DropIn Path: (.*)$", block, re.M)
    commands = []
    in_start = False
    for line in block.splitlines():
        stripped = line.strip()
        if re.match(r"(->|\u2192) Exec", stripped):
            in_start = stripped.endswith(" ExecStart:")
        elif in_start and stripped.startswith("Command Line: "):
            commands.append(unquote_command_line(stripped[len("Command Line: "):]))
    return Loaded(state.group(1) if state else "unknown", commands, output, dropins)


_DUMP_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def unquote_command_line(text):
    """The argv of a dumped command line: words are separated by spaces; a
    word with special characters is in double quotes, where a backslash
    escapes `"`, `\\`, `` ` `` and `$`, or starts a C escape (\\t, \\xNN)."""
    words = []
    at = 0
    while at < len(text):
        if text[at] == " ":
            at += 1
            continue
        if text[at] != '"':
            end = text.find(" ", at)
            end = len(text) if end < 0 else end
            words.append(text[at:end])
            at = end
            continue
        at += 1
        word = []
        while text[at] != '"':
            if text[at] == "\\":
                char = text[at + 1]
                if char == "x":
                    word.append(chr(int(text[at + 2:at + 4], 16)))
                    at += 4
                    continue
                word.append(_DUMP_ESCAPES.get(char, char))
                at += 2
                continue
            word.append(text[at])
            at += 1
        words.append("".join(word))
        at += 1
    return words


def _unit_block(output, unit):
    blocks = re.findall(r"^\t(?:->|\u2192) Unit ([^:\n]+):\n(.*?)(?=^\t(?:->|\u2192) Unit |\Z)", output, re.M | re.S)
    for name, block in blocks:  # the unit itself, or the unit it is an alias of
        if name == unit or re.search(r"^\t\tAlias: %s$" % re.escape(unit), block, re.M):
            return block
    return None


def _refusal_state(output, unit):
    """The load state when systemd refused to make a transaction for it."""
    if re.search(r"Unit %s is masked" % re.escape(unit), output):
        return "masked"
    if "bad unit file setting" in output or "has a bad unit file setting" in output:
        return "bad-setting"
    if re.search(r"Unit %s not found" % re.escape(unit), output):
        return "not-found"
    if "failed to load" in output.lower() or "Failed to load configuration" in output:
        return "error"
    return "unknown"
