# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Boot Loader Specification Type #1 entries (/boot/loader/entries/*.conf),
read as the two programs that boot them read them.

RHEL's GRUB, the `blscfg` command of the rhboot/grub2 fork
(grub-core/commands/blscfg.c; line numbers of tag rhel-9.4.0 unless said):
RHEL 9.0-9.4 and Fedora 40 (identical for everything below), RHEL 9.6+ /
RHEL 10 / later Fedora builds (rhel-9-main 7878971f, rhel-10-main 6c99dd73:
a `\\$` in a value is kept, commit 396e8afb), and RHEL 8 (rhel-8-main
ca8b1d2c: another sort, no `+` rule, files over 1 MiB skipped).

- files (read_entry 421-540): names not starting with `.`, longer than five
  characters, ending exactly in `.conf` (case-sensitive); the id is the name
  without `.conf`; an id in which `.conf` occurs anywhere but at its end makes
  create_entry() loop forever (750-758: GRUB hangs building the menu);
- lines (read_entry, lib/getline.c): `\\r` dropped; leading blanks skipped; `#`
  lines skipped; the key ends at the first space (a tab only when the line has
  no space); a line with no separator or nothing after it -- an empty line
  too -- ends the file: later lines are never read; the value keeps its
  trailing blanks; the first occurrence of a key wins (bls_get_val 107-132);
- order (bls_add_entry 377-413, bls_cmp 352-366, split_package_string
  277-319, vercmp 140-272): newest first by name, version and release split
  off the id at its last two dashes, compared with rpm's segment comparison
  plus a `+` rule; a file that compares equal to one already listed is
  dropped silently (which one depends on the directory order: unknown here);
  RHEL 8 (rhel-8-main bls_cmp 393-437, find_entry 793-860): by `version` when
  every file has one, then by id, with qsort (ties: unknown order);
- a file without `linux` takes part in the order but makes no menu entry
  (create_entry 714-928); the menu entry's title is `title` or else the linux
  path, its id the file's id with one more trailing `.conf` cut;
- `options` (first occurrence; without one, $default_kernelopts) is expanded
  by expand_val() (644-685) and field_append() (615-642) from GRUB's
  environment when `blscfg` runs: `$name` (ASCII letters, digits, `_`) becomes
  the variable's value plus a space, an unset one nothing; a space right after
  a name is eaten; a one-character literal run just before `$` or at the end of
  the value is lost; `${name}` is not understood.

systemd-boot 252 and 257 (src/boot/efi/boot.c in 252, src/boot/boot.c in 257;
bootctl's src/shared/bootspec.c, which Debian's bootctl 252 runs here): names
ending in `.conf` in any case, a boot counter `+LEFT[-DONE]` cut from the id,
every line stripped, `#` and empty lines skipped and the file read on, the
last `title`/`version`/`linux`/`sort-key`/`machine-id` wins, every `options`
line joined by a space, no variable expansion; ordered by sort-key, then
machine-id and version, then id, newest first with systemd's
strverscmp_improved(); the default is the EFI variable LoaderEntryOneShot,
then LoaderEntryDefault, then loader.conf's `default`, each a glob matched
case-insensitively against the id with its `.conf`; else the first entry.
sd-boot (not bootctl) also drops a pair of double quotes around a value.

grubby (grubby-bls, RHEL 8/9, 8.40-*) writes these files: it rewrites every
line that starts with `options` (so after grubby an entry has one options
line) and leaves the rest; its output is read by the rules above, not by
grubby's own (which takes every `options` line).

Tests: tests/unit/readers/bls/ -- test_bls.py (cases from the sources),
test_bls_consumer.py (systemd 252's bootctl on the same trees: discovery,
parsing and order where the two agree), hostile_cases.py.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import re
import stat

from .hostfs import ConfigError
from .numbers import U64_MAX, plain_decimal

ENTRIES_DIR = "/boot/loader/entries"
# blscfg reads /loader/entries on $root and falls back to /boot/loader/entries (find_entry 940-985).
BLSDIR_SEEN_AS = ("/loader/entries", "/loader/entries/", "/boot/loader/entries", "/boot/loader/entries/")
MAX_ENTRIES = 1000          # far above any real /boot; bounds GRUB's O(n^2) insertion sort here
RHEL8_MAX_ENTRY_BYTES = 1024 * 1024   # rhel-8-main read_entry 473-474: larger files are skipped

RHEL9 = "rhel9"             # rhel-9.0.0 .. rhel-9.4.0, fedora-40
RHEL9_ESCAPE = "rhel9-escape"   # rhel-9-main, rhel-10-main, fedora-41+ after 396e8afb
RHEL8 = "rhel8"             # rhel-8-main
FLAVOURS = (RHEL9, RHEL9_ESCAPE, RHEL8)


class BootAnswer:
    """The command line a BLS host boots next (boot_params makes it a BootLine)."""

    def __init__(self, text, source, release, notes):
        self.text = text
        self.source = source      # the bootloader configuration and the entry file it boots
        self.release = release    # the kernel release, when the entry says
        self.notes = notes


class BlsFile:
    """One entry file as one consumer read it."""

    def __init__(self, name, path, keyvals):
        self.name = name                  # file name, e.g. <machine-id>-5.14.0-427.el9.x86_64.conf
        self.path = path                  # host path
        self.keyvals = keyvals            # [(key, value)] in file order (blscfg), or {key: value} (sd-boot)
        self.id = name[:-5]               # blscfg's entry->filename
        self.stopped_at = None            # blscfg: the line number whose shape ended the reading

    def first(self, key):
        for name, value in self.keyvals:
            if name == key:
                return value
        return None

    def all(self, key):
        return [value for name, value in self.keyvals if name == key]

    def menu_id(self):
        """create_entry(): one more trailing `.conf` cut off the id."""
        return self.id[:-5] if self.id.endswith(".conf") else self.id

    def hangs_grub(self):
        """create_entry()'s `.conf` search restarts at the same match forever
        when the first `.conf` in the id is not at its end."""
        at = self.id.find(".conf")
        return at >= 0 and at != len(self.id) - 5

    def __repr__(self):
        return "BlsFile(%r)" % self.name


# ---------------------------------------------------------------- the files

def _lines(data):
    """grub_file_getline(): lines without their `\\r`s; a last line without a
    newline counts when it is not empty; each line is a C string (cut at NUL)."""
    text = data.replace(b"\r", b"")
    lines = text.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [line.split(b"\x00", 1)[0] for line in lines]


def blscfg_keyvals(data):
    """([(key, value)], line number that ended the reading or None) as read_entry() reads a file."""
    keyvals = []
    for number, raw in enumerate(_lines(data), 1):
        line = raw.lstrip(b" \t")
        if line.startswith(b"#"):
            continue
        cut = line.find(b" ")
        if cut < 0:
            cut = line.find(b"\t")
        if cut < 0 or cut + 1 >= len(line):
            return keyvals, number
        value = line[cut + 1:].lstrip(b" \t")
        keyvals.append((_text(line[:cut]), _text(value)))
    return keyvals, None


_SDBOOT_SINGLE = ("title", "version", "machine-id", "sort-key", "architecture", "linux", "efi", "devicetree")


def sdboot_fields(data, unquote=False):
    """{key: value} of a Type #1 file as systemd-boot/bootctl 252 and 257 read it:
    `options` joined, `initrd` a list, other keys the last one; unquote: sd-boot's
    line_get_key_value() drops one pair of double quotes around a value."""
    fields = {"options": [], "initrd": []}
    for raw in data.split(b"\n"):
        line = raw.strip(b" \t\r\n")
        if not line or line.startswith(b"#"):
            continue
        cut = min((at for at in (line.find(b" "), line.find(b"\t")) if at >= 0), default=len(line))
        key, value = _text(line[:cut]), _text(line[cut:].strip(b" \t"))
        if unquote and len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if key in ("options", "initrd"):
            fields[key].append(value)
        elif key in _SDBOOT_SINGLE:
            fields[key] = value
    fields["options"] = " ".join(v for v in fields["options"] if v) or None
    return fields


def _text(raw):
    return raw.decode("utf-8", "surrogateescape")


def list_entry_files(host, directory, accept):
    """Host paths of the files in `directory` whose names `accept` takes,
    sorted by name (the directory order GRUB sees is unknown here); [] when the
    directory is absent. ConfigError for what cannot be read as GRUB or
    systemd-boot read it: a symbolic link (both resolve links on their own file
    system), a FIFO, socket or device, more than MAX_ENTRIES files."""
    local = host.resolve(directory)
    if local != host.resolve("/").rstrip("/") + directory:
        raise ConfigError(directory, "is reached through a symbolic link: the bootloader resolves links on "
                                     "the /boot file system itself, which this reader does not follow")
    try:
        names = sorted(os.listdir(local))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(directory, "cannot list: %s" % (exc.strerror or exc))
    chosen = [n for n in names if accept(n)]
    if len(chosen) > MAX_ENTRIES:
        raise ConfigError(directory, "holds %d boot entries, more than the %d this reader accepts"
                          % (len(chosen), MAX_ENTRIES))
    paths = []
    for name in chosen:
        path = posixpath.join(directory, name)
        try:
            mode = os.lstat(os.path.join(local, name)).st_mode
        except OSError as exc:
            raise ConfigError(path, "cannot stat: %s" % (exc.strerror or exc))
        if stat.S_ISDIR(mode):
            continue    # opening it fails: no entry (read_entry 457-459)
        if stat.S_ISLNK(mode):
            raise ConfigError(path, "is a symbolic link: the bootloader resolves it on the /boot file system "
                                    "itself, which this reader does not follow")
        if not stat.S_ISREG(mode):
            raise ConfigError(path, "is not a regular file (a FIFO, socket or device): not read")
        paths.append(path)
    return paths


def blscfg_accepts(name):
    """read_entry() 440-451: what blscfg tries to open."""
    return not name.startswith(".") and len(name) > 5 and name.endswith(".conf")


def read_blscfg_files(host, flavour, directory=ENTRIES_DIR):
    """[BlsFile] of `directory` as `flavour`'s blscfg reads them (unordered)."""
    files = []
    for path in list_entry_files(host, directory, blscfg_accepts):
        data = host.read_bytes(path)
        if data is None:
            continue
        if flavour == RHEL8 and len(data) > RHEL8_MAX_ENTRY_BYTES:
            continue
        keyvals, stopped = blscfg_keyvals(data)
        entry = BlsFile(posixpath.basename(path), path, keyvals)
        entry.stopped_at = stopped
        files.append(entry)
    return files


# ---------------------------------------------------------------- blscfg's order

def _alnum(byte):
    return 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122


def _digit(byte):
    return 48 <= byte <= 57


def _alpha(byte):
    return 65 <= byte <= 90 or 97 <= byte <= 122


_TILDE, _PLUS = 0x7E, 0x2B


def vercmp(one, two, plus=True):
    """blscfg.c vercmp(): 1 when `one` is newer, -1 when `two` is, 0 when equal
    (bytes). plus=False: RHEL 8's, where `+` is a separator."""
    if one == two:
        return 0
    a, b = bytes(one) + b"\0", bytes(two) + b"\0"
    i = j = 0
    kept = (_TILDE, _PLUS) if plus else (_TILDE,)
    while a[i] or b[j]:
        while a[i] and not _alnum(a[i]) and a[i] not in kept:
            i += 1
        while b[j] and not _alnum(b[j]) and b[j] not in kept:
            j += 1
        if a[i] == _TILDE or b[j] == _TILDE:    # sorts before everything
            if a[i] != _TILDE:
                return 1
            if b[j] != _TILDE:
                return -1
            i, j = i + 1, j + 1
            continue
        if plus and (a[i] == _PLUS or b[j] == _PLUS):   # like ~, but the end is older
            if not a[i]:
                return -1
            if not b[j]:
                return 1
            if a[i] != _PLUS:
                return 1
            if b[j] != _PLUS:
                return -1
            i, j = i + 1, j + 1
            continue
        if not (a[i] and b[j]):
            break
        kind = _digit if _digit(a[i]) else _alpha
        end_a, end_b = i, j
        while a[end_a] and kind(a[end_a]):
            end_a += 1
        while b[end_b] and kind(b[end_b]):
            end_b += 1
        if end_a == i:
            return -1        # "cannot happen" (a non-ASCII byte): blscfg answers -1
        if end_b == j:
            return 1 if kind is _digit else -1
        seg_a, seg_b = a[i:end_a], b[j:end_b]
        if kind is _digit:
            seg_a, seg_b = seg_a.lstrip(b"0"), seg_b.lstrip(b"0")
            if len(seg_a) != len(seg_b):
                return 1 if len(seg_a) > len(seg_b) else -1
        if seg_a != seg_b:
            return 1 if seg_a > seg_b else -1
        i, j = end_a, end_b
    if not a[i] and not b[j]:
        return 0
    return -1 if not a[i] else 1


def split_package_string(text, has_name=True):
    """split_package_string(): (name, version, release) split at the last two
    dashes; None for a missing part (has_name=False: (None, version, release))."""
    release = None
    if b"-" in text:
        text, release = text.rsplit(b"-", 1)
    if not has_name:
        return None, text, release
    version = None
    if b"-" in text:
        text, version = text.rsplit(b"-", 1)
    if version is None:
        version, release = release, None
    return text, version, release


def split_cmp(one, two, has_name=True, plus=True):
    """split_cmp(): name, then version, then release (a missing part is "")."""
    first, second = split_package_string(one, has_name), split_package_string(two, has_name)
    for index in range(0 if has_name else 1, 3):
        found = vercmp(first[index] or b"", second[index] or b"", plus)
        if found:
            return found
    return 0


def _raw(text):
    return text.encode("utf-8", "surrogateescape")


class Ordering:
    """blscfg's list of entries (newest first) and what makes it unknowable."""

    def __init__(self, files, ties):
        self.files = files
        self.ties = ties      # [(file, file)] that compare equal: which one GRUB keeps (or their order) is unknown


def blscfg_order(files, flavour):
    """Ordering of `files` as `flavour`'s blscfg builds its list."""
    if flavour == RHEL8:
        return _rhel8_order(files)
    ordered, ties = [], []
    for entry in files:          # bls_add_entry(): before the first entry it is newer than
        for position, other in enumerate(ordered):
            found = split_cmp(_raw(entry.id), _raw(other.id))
            if found == 0:
                ties.append((other, entry))    # the one read second is dropped
                break
            if found == 1:
                ordered.insert(position, entry)
                break
        else:
            ordered.append(entry)
    return Ordering(ordered, ties)


def _rhel8_order(files):
    use_version = all(entry.first("version") is not None for entry in files)

    def compare(one, two):
        if use_version:
            found = split_cmp(_raw(one.first("version")), _raw(two.first("version")), has_name=False, plus=False)
            if found:
                return found
        return split_cmp(_raw(one.menu_id()), _raw(two.menu_id()), plus=False)

    ordered = sorted(files, key=functools.cmp_to_key(compare), reverse=True)
    ties = [(a, b) for a, b in zip(ordered, ordered[1:]) if compare(a, b) == 0]
    if use_version:
        # RHEL 8.0-8.10 GA builds cut the last five characters of each id before
        # this comparison (fixed by rhel-8-main ca8b1d2c): where that changes the
        # order of equal versions, the order depends on the build.
        for a, b in zip(ordered, ordered[1:]):
            same_version = split_cmp(_raw(a.first("version")), _raw(b.first("version")),
                                     has_name=False, plus=False) == 0
            if same_version and split_cmp(_raw(a.id[:-5]), _raw(b.id[:-5]), plus=False) != compare(a, b):
                ties.append((a, b))
    return Ordering(ordered, ties)


# ---------------------------------------------------------------- $variables

def expand_val(value, lookup, escape=False):
    """expand_val() of blscfg: `value` with its $variables replaced through
    lookup(name) -> str or None (unset). escape=True: rhel-9-main's rule that a
    `$` right after a backslash is not a variable. None when nothing is left
    (create_entry then falls back to $default_kernelopts)."""
    if value is None:
        return None
    out = None
    start = end = 0
    is_var = False

    def append(out, is_var, first, last):
        piece = value[first:last + 1] if last >= first else ""
        if is_var:
            found = lookup(piece)
            if found is None:
                return out
            piece = found + " "
        return (out or "") + piece

    for position, char in enumerate(value):
        if char == "$" and not (escape and value[end] == "\\"):
            if start != end:
                out = append(out, is_var, start, end)
            is_var = True
            start = position + 1
        elif is_var and not (char.isascii() and (char.isalnum() or char == "_")):
            out = append(out, True, start, end)
            is_var = False
            start = position
            if value[start] == " ":
                start += 1
        end = position
    if start != end:
        out = append(out, is_var, start, end)
    return out


# ---------------------------------------------------------------- systemd-boot

SDBOOT_VENDOR_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
_VERSION_PUNCT = b"~-^."   # in the order strverscmp_improved() looks at them
_DASH = 0x2D


def strverscmp_improved(one, two):
    """systemd's strverscmp_improved() (src/fundamental/string-util-fundamental.c,
    252 and 257): <0, 0, >0. Segments of digits or letters, other characters
    dropped except the prefixes `~` (oldest), `-`, `^` and `.`: at each step
    the side without the prefix being looked at is newer, `~` before the end
    check, the others after it; a numeric segment is newer than a letter one;
    more digits is newer; a longer letter segment is newer."""
    a = one.encode("utf-8", "surrogateescape") + b"\0"
    b = two.encode("utf-8", "surrogateescape") + b"\0"
    i = j = 0
    while True:
        while a[i] and not (_alnum(a[i]) or a[i] in _VERSION_PUNCT):
            i += 1
        while b[j] and not (_alnum(b[j]) or b[j] in _VERSION_PUNCT):
            j += 1
        for mark in _VERSION_PUNCT:
            if mark == _DASH and (not a[i] or not b[j]):
                return _cmp(a[i], b[j])     # checked once, after `~`: the longer string is newer
            if a[i] == mark or b[j] == mark:
                found = _cmp(a[i] != mark, b[j] != mark)
                if found:
                    return found
                i, j = i + 1, j + 1
        kind = _digit if (_digit(a[i]) or _digit(b[j])) else _alpha
        end_a, end_b = i, j
        while kind(a[end_a]):
            end_a += 1
        while kind(b[end_b]):
            end_b += 1
        if kind is _digit:
            found = _cmp(end_a != i, end_b != j)
            if found:
                return found
            while a[i] == 0x30:
                i += 1
            while b[j] == 0x30:
                j += 1
            found = _cmp(end_a - i, end_b - j) or _cmp(a[i:end_a], b[j:end_b])
        else:
            common = min(end_a - i, end_b - j)
            found = _cmp(a[i:i + common], b[j:j + common]) or _cmp(end_a - i, end_b - j)
        if found:
            return found
        i, j = end_a, end_b


def _cmp(x, y):
    return (x > y) - (x < y)


class SdBootEntry:
    """A Type #1 entry as systemd-boot lists it."""

    def __init__(self, name, path, fields):
        self.name = name
        self.path = path
        self.fields = fields
        base, self.tries_left, self.tries_done = _boot_counter(name)
        self.id = base                    # file name with .conf, without the counter

    def __repr__(self):
        return "SdBootEntry(%r)" % self.id


def _boot_counter(name):
    """boot_filename_extract_tries(): `NAME+LEFT[-DONE].conf` -> (NAME.conf, LEFT, DONE)."""
    stem, suffix = name[:-5], name[-5:]
    plus = stem.rfind("+")
    if plus < 0:
        return name, None, None
    counter = stem[plus + 1:]
    left, _dash, done = counter.partition("-")
    tries_left, tries_done = plain_decimal(left, U64_MAX), plain_decimal(done, U64_MAX)
    if tries_left is None or (done and tries_done is None) or counter.endswith("-"):
        return name, None, None     # ASCII digits only; an overflowing counter is no counter (252's loop)
    return stem[:plus] + suffix, tries_left, tries_done


def sdboot_accepts(name):
    return not name.startswith(".") and name.lower().endswith(".conf")


_SDBOOT_NAME = re.compile(r"[A-Za-z0-9+_.-]+")


def sdboot_name_valid(name):
    """efi_loader_entry_name_valid() of systemd 252: ASCII letters, digits and
    `+_.-` only (bootctl refuses other names: "Invalid loader entry name";
    257 also allows `@`)."""
    return bool(_SDBOOT_NAME.fullmatch(name))


def read_sdboot_entries(host, directories, unquote=True):
    """[SdBootEntry] of every Type #1 file in `directories` (the ESP's and
    XBOOTLDR's loader/entries), sorted as systemd-boot shows them."""
    entries = []
    for directory in directories:
        for path in list_entry_files(host, directory, sdboot_accepts):
            if not sdboot_name_valid(posixpath.basename(path)):
                raise ConfigError(path, "is a name systemd 252's bootctl refuses (only letters, digits and +_.-): "
                                        "whether systemd-boot lists it is not known here")
            data = host.read_bytes(path)
            if data is not None:
                entries.append(SdBootEntry(posixpath.basename(path), path, sdboot_fields(data, unquote)))
    ordered = sorted(entries, key=functools.cmp_to_key(_sdboot_compare))
    for one, two in zip(ordered, ordered[1:]):
        if _sdboot_compare(one, two) == 0:
            raise ConfigError(two.path, "sorts equal to %s for systemd-boot: their order is the order the "
                                        "directory lists them in, which the files do not say" % one.path)
    return ordered


def _sdboot_compare(one, two):
    """boot_entry_compare() (bootspec.c 252 519-561; sd-boot config_entry_compare):
    negative when `one` is listed first."""
    found = (one.tries_left == 0) - (two.tries_left == 0)
    if found:
        return found
    key_a, key_b = one.fields.get("sort-key"), two.fields.get("sort-key")
    found = (key_a is None) - (key_b is None)
    if found:
        return found
    if key_a is not None and key_b is not None:
        for field in ("sort-key", "machine-id"):
            x, y = one.fields.get(field) or "", two.fields.get(field) or ""
            if x != y:
                return -1 if _raw(x) < _raw(y) else 1
        found = -strverscmp_improved(one.fields.get("version") or "", two.fields.get("version") or "")
        if found:
            return found
    return -strverscmp_improved(one.id, two.id)


def sdboot_pick(entries, patterns):
    """(entry, why) systemd-boot boots: the first of `patterns` [(pattern, where)]
    that matches an id (fnmatch, case-insensitive, with `.conf`), else the first
    entry. None when there is no entry."""
    for pattern, where in patterns:
        if not pattern:
            continue
        for entry in entries:
            if fnmatch.fnmatchcase(entry.id.lower(), pattern.lower()):
                return entry, "%s %s" % (where, pattern)
    return (entries[0], "the first entry (no default matches)") if entries else (None, "no entry")
