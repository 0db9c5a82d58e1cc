# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AppArmor profile files in /etc/apparmor.d, read for one fact: which
program each profile attaches to, and whether it grants `userns`.

Mirrors apparmor_parser 4.0 (apparmor v4.0.0-beta3, the sources of Ubuntu
24.04's 4.0.1really4.0.0-beta3; 4.0.x and 4.1.x read these files the same
way; a newer apparmor is refused: MIRRORED), as apparmor.service runs it on the directory at boot:
- parser_main.c profile_dir_cb(): every entry that is not a directory and
  that libapparmor's _aa_is_blacklisted() keeps (no dot files, no README, no
  .dpkg-new/-old/-dist/-bak/-remove, .pacsave, .pacnew, .rpmnew, .rpmsave,
  .orig, .rej or `~` names) is loaded, unless a file of the same name is in
  /etc/apparmor.d/disable/ (test_for_dir_mode());
- parser_lex.l / parser_yacc.y, the part used here: `#` starts a comment
  (`#include` is an include); a top-level block is `profile NAME [ATTACHMENT]
  [flags=(...)] {` or `ATTACHMENT [flags=(...)] {` (a name that is a path
  attaches to that path); rules end with `,`; `userns,` and `userns create,`
  (after `allow` or `audit`) grant user namespace creation, `deny userns`
  takes it away whatever grants it;
- includes: `include [if exists] <local/NAME>` (the site's additions, where a
  `deny userns,` may be) is read as part of the profile; other includes
  (tunables, abstractions) are not followed: none that Ubuntu 24.04 ships
  grants or denies userns (inference from apparmor v4.0.0-beta3's
  profiles/apparmor.d/abstractions, not proven for a site's own).
- the attachment is matched as AppArmor globs it: `*` (not /), `**`,
  `?`, `{a,b}` (nested) and `[...]`; a variable (`@{...}`) assigned in the
  same file is expanded, one from tunables is not: where it could hold
  what the program's path needs, the profile is an error.
The kernel attaches a profile by the path of the executed file after
symlinks: callers pass the resolved path.

Hostile inputs (FIFOs, devices, huge files, undecodable text) are hostfs's
errors naming the file; braces nested deeper than MAX_DEPTH and unbalanced
braces are errors too. Tests: tests/unit/plugins/module_utils/posture/
test_apparmor_profiles.py (the real profiles of tests/unit/platforms/ubuntu2404),
tests/unit/hostile/cases_apparmor_profiles.py.
"""

from __future__ import annotations

import os
import posixpath
import re

from .hostfs import ConfigError
from .mirrored import Mirrored
from .packages import package_version

PROFILE_DIR = "/etc/apparmor.d"
DISABLE_DIR = "/etc/apparmor.d/disable"
IGNORED_SUFFIXES = (".dpkg-new", ".dpkg-old", ".dpkg-dist", ".dpkg-bak", ".dpkg-remove", ".pacsave", ".pacnew",
                    ".rpmnew", ".rpmsave", ".orig", ".rej", "~")
# apparmor_parser reads what this reader reads (the directory walk, the skipped names, disable/, the
# profile header and the userns rule) the same way from 4.0.0-beta3 to 4.1.8 (sources compared); major.minor.
MIRRORED = Mirrored("apparmor", "4.0", "4.1", consumer="apparmor_parser", mirrors="apparmor 4.1.8",
                    reading="the profiles in /etc/apparmor.d")
MAX_DEPTH = 16
MAX_FILES = 4096

# A brace alternation in a path, nested up to three deep (apparmor's own profiles nest two).
_ALT = r"\{[^{}\s]*\}"
for _level in range(2):
    _ALT = r"\{(?:[^{}\s]|%s)*\}" % _ALT
_TOKEN = re.compile(r"""
    (?P<include>\#include\b[^\n]*)
  | (?P<comment>\#[^\n]*)
  | (?P<assignment>@\{[^}\s]*\}[ \t]*\+?=[^\n]*)
  | (?P<quoted>"(?:[^"\\\n]|\\.)*")
  | (?P<path>[/@](?:[^\s{}",()]|%s)*)
  | (?P<punct>[{},\n])
  | (?P<blank>[ \t\r\f\v]+)
  | (?P<word>(?:[^\s{},"()]|\([^)\n]*\))+)
  | (?P<odd>.)
""" % _ALT, re.VERBOSE)
_VARIABLE = re.compile(r"@\{")


class Profile:
    """One top-level profile of a file."""

    def __init__(self, name, attachment, path):
        self.name = name
        self.attachment = attachment      # None: attaches to nothing by path
        self.path = path
        self.grants = []                  # "FILE: rule" lines that grant userns
        self.denies = []

    @property
    def grants_userns(self):
        return bool(self.grants) and not self.denies

    def attaches_to(self, program):
        if self.attachment is None:
            return False
        if _VARIABLE.search(self.attachment):
            # a variable may hold anything: only an attachment that could not match whatever it holds is decided
            loose = "".join(".*" if part.startswith("@{") else glob_pattern(part)
                            for part in re.split(r"(@\{[^}]*\})", self.attachment) if part)
            if re.fullmatch(loose, program) is None:
                return False
            raise ConfigError(self.path, "profile %s attaches to %s: variables (@{...}) are not expanded by this "
                                         "reader, so whether it attaches to %s cannot be told"
                              % (self.name, self.attachment, program))
        return re.fullmatch(glob_pattern(self.attachment), program) is not None


def loaded_files(host):
    """The files in /etc/apparmor.d that apparmor_parser loads at boot, sorted."""
    names = []
    for name in _listing(host, PROFILE_DIR):
        if name.startswith(".") or name == "README" or name.endswith(IGNORED_SUFFIXES):
            continue
        path = posixpath.join(PROFILE_DIR, name)
        if host.is_dir(path) or host.exists(posixpath.join(DISABLE_DIR, name)):
            continue
        names.append(path)
    return names


def _listing(host, directory):
    # every name: HostRoot.list_dir leaves out what systemd skips, apparmor_parser does not
    try:
        names = os.listdir(host.resolve(directory))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(directory, "cannot list: %s" % (exc.strerror or exc))
    if len(names) > MAX_FILES:
        raise ConfigError(directory, "more than %d entries: refused" % MAX_FILES)
    return sorted(names)


def profiles(host):
    """[Profile] of every file apparmor_parser loads at boot; ConfigError (naming the package
    database) for an apparmor newer than MIRRORED.newest."""
    installed = package_version(host, ("apparmor",))
    if installed is not None:
        MIRRORED.check(installed[2], installed[1], installed[0])
    found = []
    for path in loaded_files(host):
        found.extend(read_profiles(host, path, host.read_text(path) or ""))
    return found


def read_profiles(host, path, text):
    """[Profile] of one file's text."""
    found, depth, words, current, variables = [], 0, [], None, {}
    for kind, value in _tokens(path, text):
        if kind == "assignment":
            if depth == 0:
                _assign(variables, value)
        elif kind == "include":
            if current is not None and depth == 1:
                _include(host, path, value, current)
            words = []
        elif value == "{":
            if depth == 0:
                current = _header(path, words, variables)
                found.append(current)
            depth += 1
            if depth > MAX_DEPTH:
                raise ConfigError(path, "blocks nested deeper than %d levels: refused" % MAX_DEPTH)
            words = []
        elif value == "}":
            depth -= 1
            if depth < 0:
                raise ConfigError(path, "a `}` closes no block")
            if depth == 0:
                current = None
            words = []
        elif value == ",":
            if current is not None and depth == 1:
                _rule(path, words, current)
            words = []
        elif value == "\n":
            if words and words[0] == "include":
                if current is not None and depth == 1:
                    _include(host, path, " ".join(words), current)
                words = []
        else:
            words.append(value)
    if depth != 0:
        raise ConfigError(path, "a block is not closed (%d `{` left open)" % depth)
    return found


def _tokens(path, text):
    for match in _TOKEN.finditer(text):    # every character is some token: `odd` takes the rest
        kind = match.lastgroup
        if kind in ("comment", "blank"):
            continue
        if kind == "odd":
            line = text.count("\n", 0, match.start()) + 1
            raise ConfigError(path, "line %d: unexpected %r" % (line, match.group()))
        value = match.group()
        if kind == "quoted":
            value = value[1:-1]
        if kind == "include":
            value = value[1:]
        yield kind, value


def _assign(variables, text):
    """`@{NAME} = a b` or `@{NAME} += c` (parser_lex.l's variable assignment): its values, kept for the
    attachments of the same file."""
    name, _sep, values = text.partition("=")
    append = name.rstrip().endswith("+")
    name = name.rstrip().rstrip("+").strip()
    words = values.split()
    variables[name] = (variables.get(name, []) if append else []) + words


def _expand(attachment, variables):
    """The attachment with the file's own variables written as `{a,b}` alternations; others left as they are."""
    def one(match):
        values = variables.get(match.group())
        if values is None:
            return match.group()
        return values[0] if len(values) == 1 else "{%s}" % ",".join(values)
    for _round in range(4):         # a variable's value may name another
        attachment = re.sub(r"@\{[^}\s]*\}", one, attachment)
    return attachment


def _header(path, words, variables):
    words = [w for w in words if not re.match(r"(flags|xattrs|attach_disconnected\.path)\s*=", w)
             and not w.startswith("(") and w != "="]
    words = [w for w in words if w not in ("audit", "deny", "priority")]
    if words and words[0] == "profile":
        if len(words) < 2:
            raise ConfigError(path, "a profile without a name")
        name = words[1]
        attachment = words[2] if len(words) > 2 else (name if name.startswith(("/", "@{")) else None)
        return Profile(name, attachment and _expand(attachment, variables), path)
    if words and words[0].startswith(("/", "@{")):
        return Profile(words[0], _expand(words[0], variables), path)
    # `hat`, `^name`, a conditional block (`if ... {`) or a name that is no path: attaches to nothing
    return Profile(" ".join(words) or "(unnamed)", None, path)


def _rule(path, words, profile):
    qualifiers = {"audit", "allow", "quiet"}
    rest = [w for w in words if w not in qualifiers]
    deny = bool(rest) and rest[0] == "deny"
    if deny:
        rest = rest[1:]
    if rest and rest[0] == "userns" and (len(rest) == 1 or rest[1:] == ["create"]):
        (profile.denies if deny else profile.grants).append("%s: %s," % (path, " ".join(words)))


def _include(host, path, value, profile):
    """Follow `include [if exists] <local/NAME>`: its rules are the profile's."""
    words = value.split()
    optional = words[1:3] == ["if", "exists"]
    target = words[3] if optional else (words[1] if len(words) > 1 else "")
    if not (target.startswith("<local/") and target.endswith(">")):
        return
    local = posixpath.join(PROFILE_DIR, target[1:-1])
    if posixpath.normpath(local) != local or not local.startswith(PROFILE_DIR + "/local/"):
        raise ConfigError(path, "include %s leaves %s/local" % (target, PROFILE_DIR))
    if host.is_dir(local):
        raise ConfigError(local, "included by %s, is a directory (apparmor_parser would read every file in it; "
                                 "not modelled here)" % path)
    text = host.read_text(local)
    if text is None:
        if not optional:
            raise ConfigError(path, "includes %s, which does not exist: apparmor_parser refuses the profile" % local)
        return
    words = []
    for kind, token in _tokens(local, text):
        if token in ("{", "}"):
            raise ConfigError(local, "a block inside a profile's local include: not modelled here")
        if token == ",":
            _rule(local, words, profile)
            words = []
        elif token == "\n" or kind == "include":
            if kind == "include" or (words and words[0] == "include"):
                raise ConfigError(local, "an include inside a local include: not followed by this reader")
        else:
            words.append(token)


def glob_pattern(glob):
    """A Python regular expression for one AppArmor path glob."""
    out, index, depth = [], 0, 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        elif char == "[":
            end = glob.find("]", index + 1)
            if end < 0:
                out.append(re.escape(char))
            else:
                body = glob[index + 1:end]
                out.append("[%s%s]" % ("^" if body.startswith("^") else "", re.escape(body.lstrip("^"))))
                index = end
        elif char == "\\" and index + 1 < len(glob):
            index += 1
            out.append(re.escape(glob[index]))
        else:
            out.append(re.escape(char))
        index += 1
    if depth:
        return re.escape(glob)
    return "".join(out)


def userns_grant(host, program):
    """(granted, evidence lines) for the program at the resolved host path `program`:
    granted when every loaded profile that attaches to it (the exact ones if any,
    else the globbing ones) grants `userns` and none denies it."""
    matching = [p for p in profiles(host) if p.attaches_to(program)]
    exact = [p for p in matching if p.attachment == program]
    chosen = exact or matching
    if not chosen:
        return False, ["no profile in %s attaches to %s" % (PROFILE_DIR, program)]
    evidence = []
    for profile in chosen:
        if profile.grants_userns:
            evidence.append("%s: profile %s (attachment %s) grants userns (%s)" % (
                profile.path, profile.name, profile.attachment, profile.grants[0]))
        elif profile.denies:
            evidence.append("%s: profile %s denies userns (%s)" % (profile.path, profile.name, profile.denies[0]))
        else:
            evidence.append("%s: profile %s (attachment %s) has no userns rule" % (
                profile.path, profile.name, profile.attachment))
    return all(p.grants_userns for p in chosen), evidence
