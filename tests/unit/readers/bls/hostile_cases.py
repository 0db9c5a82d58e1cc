# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile BLS hosts: a RHEL 9.4-shaped boot (grub.cfg ending in `blscfg`,
grubenv, /boot/loader/entries) on the hardened tree, with one odd change.

Verdicts are read from rhboot/grub2 rhel-9.4.0 (blscfg.c read_entry(),
bls_add_entry(), create_entry(), expand_val(); normal/menu.c
get_entry_number(); lib/envblk.c; util/grub.d/08_fallback_counting.in,
00_header.in) and, for the kernel's side, from the same sources as the
Debian boot cases (Linux 6.12 security/security.c, libselinux 3.4).
Unreadable inputs (FIFOs, devices, oversized files, links GRUB resolves on
its own file system) are `error` naming the file: never a pass."""

import os

from corpus import Case, CharDevice, Fifo, Link, Sparse
from hosttree import HARDENED, KERNEL_RELEASE

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "fixtures", "rhel94-bios", "boot", "grub2", "grub.cfg")) as _handle:
    RHEL94_GRUB_CFG = _handle.read()

M = "7c3e5a1f0b9d4c2e8a6f4b1d3e5c7a90"
NEW, OLD = KERNEL_RELEASE, KERNEL_RELEASE.replace("6.12.57", "6.12.50")
GOOD = "root=/dev/vda1 ro security=selinux selinux=1 ia32_emulation=0 vsyscall=none"
BAD = "root=/dev/vda1 ro security=selinux selinux=0 ia32_emulation=0 vsyscall=none"
ENTRIES = "boot/loader/entries/"
NEW_ENTRY, OLD_ENTRY = ENTRIES + "%s-%s.conf" % (M, NEW), ENTRIES + "%s-%s.conf" % (M, OLD)
GRUBENV = "boot/grub2/grubenv"
CFG = "boot/grub2/grub.cfg"
SIGNATURE = "# GRUB Environment Block\n"

SEL = "host-selinux-enforcing"
BLSCFG = "rhboot/grub2 rhel-9.4.0 grub-core/commands/blscfg.c (source)"
MENU = "rhboot/grub2 rhel-9.4.0 grub-core/normal/menu.c get_entry_number() (source)"
ENVBLK = "rhboot/grub2 rhel-9.4.0 grub-core/lib/envblk.c, commands/loadenv.c (source; = GRUB 2.06's grub-editenv here)"
SCRIPT = "rhboot/grub2 rhel-9.4.0 grub-core/script/yylex.l and execute.c (source)"


def grubenv(**values):
    body = SIGNATURE + "".join("%s=%s\n" % item for item in values.items())
    return body + "#" * max(0, 1024 - len(body))


def entry(kernel, options, before_options=""):
    return ("title Red Hat Enterprise Linux (%s) 9.4 (Plow)\nversion %s\nlinux /vmlinuz-%s\n"
            "initrd /initramfs-%s.img $tuned_initrd\n%soptions %s $tuned_params\ngrub_users $grub_users\n"
            "grub_arg --unrestricted\ngrub_class rhel\n" % (kernel, kernel, kernel, kernel, before_options, options))


BASE = dict(HARDENED, **{
    "boot/grub/grub.cfg": None,
    CFG: RHEL94_GRUB_CFG,
    GRUBENV: grubenv(saved_entry="%s-%s" % (M, NEW), boot_success="1"),
    NEW_ENTRY: entry(NEW, GOOD),
    OLD_ENTRY: entry(OLD, BAD),
    "etc/os-release": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
})


def bls_case(name, expect, changes, consumer, names=None, control=SEL, note=""):
    return Case("bls-" + name, "bls", control, expect, changes, consumer=consumer, names=names, base=BASE,
                note=note)


def saved(value):
    return {GRUBENV: grubenv(saved_entry=value, boot_success="1")}


CASES = [
    bls_case("newest-entry-passes", "pass", {}, BLSCFG + "; " + MENU),
    bls_case("saved-entry-older-kernel", "fail", saved("%s-%s" % (M, OLD)), MENU + ": an id"),
    bls_case("saved-entry-title", "fail", saved("Red Hat Enterprise Linux (%s) 9.4 (Plow)" % OLD), MENU + ": a title"),
    bls_case("saved-entry-number", "fail", saved("1"), MENU + ": a number, after ids and titles"),
    bls_case("saved-entry-hex", "fail", saved("0x1"), MENU + "; kern/misc.c grub_strtoull base 0"),
    bls_case("saved-entry-08-is-eight", "pass", saved("08"), MENU + ": 08 is decimal 8, out of range: entry 0"),
    bls_case("saved-entry-number-with-blank", "pass", saved("1 "), MENU + ": a tail refuses the number"),
    bls_case("saved-entry-past-32-bits", "pass", saved("4294967297"),
             MENU + ": i386-pc's 32-bit grub_strtoul() overflows on 2^32+1 (~0UL, (int) -1): entry 0"),
    bls_case("next-entry-one-time", "fail",
             {GRUBENV: grubenv(next_entry="%s-%s" % (M, OLD), saved_entry="%s-%s" % (M, NEW))},
             "rhel-9.4.0 util/grub.d/00_header.in: next_entry before saved_entry"),
    bls_case("boot-counter-ran-out", "fail",
             {GRUBENV: grubenv(saved_entry="%s-%s" % (M, NEW), boot_counter="0", boot_success="0")},
             "rhel-9.4.0 util/grub.d/08_fallback_counting.in: `set default=1` inside its if"),
    bls_case("boot-counter-counting", "pass",
             {GRUBENV: grubenv(saved_entry="%s-%s" % (M, NEW), boot_counter="2", boot_success="0")},
             "rhel-9.4.0 util/grub.d/08_fallback_counting.in: only decremented"),
    bls_case("grubenv-without-signature", "pass", {GRUBENV: "saved_entry=%s-%s\n" % (M, OLD)},
             ENVBLK + ": grub_envblk_open() refuses it, default is empty: entry 0"),
    bls_case("grubenv-fifo", "error", {GRUBENV: Fifo()}, ENVBLK + " (a FIFO is never read here)"),
    bls_case("grubenv-dev-zero", "error", {GRUBENV: CharDevice()}, ENVBLK + " (a device is never read here)"),
    bls_case("grubenv-oversized", "error", {GRUBENV: Sparse(9 << 20, SIGNATURE.encode())},
             ENVBLK + " (over the 8 MiB read cap)"),
    bls_case("grubenv-non-utf8-saved-entry", "pass", {GRUBENV: (SIGNATURE + "saved_entry=\xff\n").encode("latin-1")},
             MENU + ": matches no id or title: entry 0"),
    bls_case("grubenv-blsdir-elsewhere", "error", {GRUBENV: grubenv(blsdir="/root/entries")},
             BLSCFG + " find_entry(): $blsdir", names="/boot/grub2/grub.cfg"),
    bls_case("entry-fifo", "error", {ENTRIES + "%s-7.0.0-1.conf" % M: Fifo()}, BLSCFG + " (a FIFO is never read here)"),
    bls_case("entry-dev-zero", "error", {ENTRIES + "%s-7.0.0-1.conf" % M: CharDevice()},
             BLSCFG + " (a device is never read here)"),
    bls_case("entry-symlink", "error", {ENTRIES + "%s-7.0.0-1.conf" % M: Link("/etc/passwd")},
             BLSCFG + ": GRUB resolves links on the /boot file system itself"),
    bls_case("entries-dir-symlink", "error", {NEW_ENTRY: None, OLD_ENTRY: None, "boot/loader/entries": Link("real"),
                                              "boot/loader/real/%s-%s.conf" % (M, NEW): entry(NEW, GOOD)},
             BLSCFG + ": GRUB resolves links on the /boot file system itself", names="/boot/loader/entries"),
    bls_case("entry-oversized", "error", {ENTRIES + "%s-7.0.0-1.conf" % M: Sparse(9 << 20, b"title x\nlinux /x\n")},
             BLSCFG + " (over the 8 MiB read cap)"),
    bls_case("entry-blank-line-before-options", "fail", {NEW_ENTRY: entry(NEW, GOOD, before_options="\n")},
             BLSCFG + " read_entry(): an empty line ends the file; Debian's CONFIG_LSM runs AppArmor first"),
    bls_case("entry-second-options-ignored", "pass",
             {NEW_ENTRY: entry(NEW, GOOD) + "options selinux=0\n"}, BLSCFG + " bls_get_val(): the first wins"),
    bls_case("entry-tab-after-options", "fail", {NEW_ENTRY: entry(NEW, GOOD).replace("options ", "options\t")},
             BLSCFG + " read_entry(): a space first, so the key is `options\\troot=...`"),
    bls_case("entry-nul-cuts-the-line", "pass", {NEW_ENTRY: entry(NEW, GOOD + "\x00 selinux=0")},
             BLSCFG + ": a line is a C string"),
    bls_case("entry-non-utf8-title-of-another", "pass",
             {OLD_ENTRY: entry(OLD, BAD).replace("9.4 (Plow)", "\udcff").encode("utf-8", "surrogateescape")},
             BLSCFG + ": bytes; the default entry is another"),
    bls_case("entry-non-utf8-options", "error",
             {NEW_ENTRY: entry(NEW, GOOD + " x=\udcff").encode("utf-8", "surrogateescape")},
             "the kernel gets bytes that are not UTF-8: not judged"),
    bls_case("entry-equal-version-twin", "error",
             {ENTRIES + "%s-%s.conf" % (M, NEW.replace("6.12.57", "6.12.057")): entry(NEW, BAD)},
             BLSCFG + " bls_add_entry(): equal by vercmp, one is dropped silently", names=M + "-"),
    bls_case("entry-id-with-conf-inside", "error", {ENTRIES + "%s-9.9.conf.x.conf" % M: entry("9.9", GOOD)},
             BLSCFG + " create_entry(): the `.conf` search never ends (GRUB hangs)"),
    bls_case("entry-uki-of-rhel10", "error", {ENTRIES + "%s-7.1.0.conf" % M: "title UKI\nefi /EFI/Linux/u.efi\n"},
             "rhboot/grub2 rhel-10-main blscfg.c create_entry(): an `efi` entry (source)"),
    bls_case("entry-dollar-brace", "error", {NEW_ENTRY: entry(NEW, GOOD + " ${x}")},
             BLSCFG + " expand_val() leaves {x}; " + SCRIPT + ": `{` is a token"),
    bls_case("entry-comment-after-good", "pass", {NEW_ENTRY: entry(NEW, GOOD + " #selinux=0")},
             SCRIPT + ": `#` starts a comment"),
    bls_case("entry-semicolon-ends-linux", "pass", {NEW_ENTRY: entry(NEW, GOOD + "; selinux=0")},
             SCRIPT + ": `;` ends the command, selinux=0 becomes a variable"),
    bls_case("entry-too-long", "error", {NEW_ENTRY: entry(NEW, GOOD + " x=" + "y" * 2100)},
             "rhboot/grub2 rhel-9.4.0 lib/cmdline.c + x86 COMMAND_LINE_SIZE 2048: words are dropped"),
    bls_case("kernelopts-from-grubenv", "fail",
             {NEW_ENTRY: entry(NEW, "$kernelopts"), GRUBENV: grubenv(saved_entry="%s-%s" % (M, NEW), kernelopts=BAD)},
             BLSCFG + " expand_val(): RHEL 8's $kernelopts from grubenv"),
    bls_case("tuned-params-reset-by-grub-cfg", "pass",
             {GRUBENV: grubenv(saved_entry="%s-%s" % (M, NEW), tuned_params="selinux=0")},
             "tuned 00_tuned.grub: `set tuned_params=\"\"` runs after load_env"),
    bls_case("custom-cfg-sourced", "error", {"boot/grub2/custom.cfg": "set default=1\n"},
             "rhel-9.4.0 util/grub.d/41_custom.in: a sourced file this reader does not run",
             names="/boot/grub2/custom.cfg"),
    bls_case("grub-d-dropin-not-read", "pass",
             {"etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX selinux=0"\n'},
             "rhel-9.4.0 util/grub-mkconfig.in sources /etc/default/grub only"),
    bls_case("newer-rhel-than-mirrored", "error", {"etc/os-release": 'ID="rhel"\nVERSION_ID="11.0"\n'},
             "a release newer than rhel-10-main: never a pass"),
    bls_case("grub-cfg-unterminated-quote", "error", {CFG: RHEL94_GRUB_CFG.replace('set pager=1', 'set pager="1')},
             SCRIPT + ": an unterminated quote"),
    bls_case("grub-cfg-unknown-command", "error", {CFG: RHEL94_GRUB_CFG.replace("set pager=1", "play 480 440 1")},
             "a command this reader does not model: never guessed"),
]
