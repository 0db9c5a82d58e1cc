# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile boot configurations: what the entry GRUB will boot passes to the
kernel, and what the kernel and libselinux make of it.

Verdicts are read from the sources named in each case (GRUB 2.06
grub-core/normal/menu.c and script lexer, Linux 6.12 kernel/params.c,
lib/cmdline.c and security/security.c, libselinux 3.4 load_policy.c); the
lab test tests/lab/hardened/test_zz_boot_verdicts.py boots one such line
(enforcing=0 enforcing=1) for real, the others are not booted."""

from corpus import Case
from hosttree import KERNEL_RELEASE, grub_cfg

GOOD = "security=selinux selinux=1 ia32_emulation=0 vsyscall=none"
GRUB = "boot/grub/grub.cfg"
LSM = "Linux 6.12 security/security.c ordered_lsm_init() (source)"
PARAMS = "Linux 6.12 kernel/params.c parse_args(), lib/cmdline.c next_arg() (source)"
ENFORCING = "libselinux 3.4 selinux_init_load_policy() (source): first enforcing= only"
MENU = "GRUB 2.06 grub-core/normal/menu.c get_entry_number() (source)"


def boot(name, args, control, expect, consumer, extra=None, note=""):
    tree = {GRUB: grub_cfg(args)}
    tree.update(extra or {})
    return Case("boot-" + name, "boot_params", control, expect, tree, consumer=consumer, note=note,
                names="/" + GRUB)


SEL, IA32, VSYS = "host-selinux-enforcing", "host-ia32-emulation-off", "host-vsyscall-none"
RECOVERY = "gnulinux-advanced-0d1e>gnulinux-%s-recovery-0d1e" % KERNEL_RELEASE
BAD_RECOVERY = grub_cfg(GOOD).replace(" ro single ", " ro single enforcing=0 ")

CASES = [
    boot("selinux-0", GOOD + " selinux=0", SEL, "fail", LSM + "; selinux= via kstrtoul"),
    boot("selinux-0x0", GOOD + " selinux=0x0", SEL, "fail", LSM + "; kstrtoul base 0 reads 0x0"),
    boot("selinux-yes-ignored", GOOD + " selinux=yes", SEL, "pass", LSM + "; kstrtoul refuses 'yes', left at 1"),
    boot("selinux-0-then-1", "security=selinux selinux=0 selinux=1 ia32_emulation=0 vsyscall=none", SEL, "pass",
         PARAMS + ": the last value wins"),
    boot("enforcing-0", GOOD + " enforcing=0", SEL, "fail", ENFORCING),
    boot("enforcing-0-after-dashes", GOOD + " -- enforcing=0", SEL, "fail",
         ENFORCING + ": it searches the whole /proc/cmdline, init's arguments included"),
    boot("enforcing-first-wins", GOOD + " enforcing=0 enforcing=1", SEL, "fail",
         ENFORCING + " (the kernel's last-wins enforcing=1 is overridden by libselinux's setenforce(0))"),
    boot("enforcing-inside-a-word", GOOD + " xenforcing=0", SEL, "pass",
         ENFORCING + ": the first match follows 'x', so the command line is ignored"),
    boot("security-apparmor", "security=apparmor ia32_emulation=0 vsyscall=none", SEL, "fail", LSM),
    boot("lsm-overrides-security", GOOD + " lsm=landlock,lockdown,yama,apparmor", SEL, "fail",
         LSM + ": lsm= supersedes security="),
    boot("bare-lsm-keeps-the-earlier-order", GOOD + " lsm=landlock,lockdown,yama,apparmor lsm", SEL, "fail",
         PARAMS + ": a word without = never reaches __setup(\"lsm=\"); " + LSM),
    boot("enforcing-negative-falls-back-to-config", GOOD + " enforcing=-1", SEL, "fail",
         ENFORCING + ": only secmdline >= 0 overrides the config file (permissive here)",
         extra={"etc/selinux/config": "SELINUX=permissive\nSELINUXTYPE=default\n"}),
    boot("lsm-with-selinux-first", "lsm=lockdown,yama,selinux,apparmor ia32_emulation=0 vsyscall=none", SEL,
         "pass", LSM + ": the first enabled exclusive LSM runs"),
    boot("apparmor-off-builtin-order", "apparmor=0 ia32_emulation=0 vsyscall=none", SEL, "pass",
         LSM + ": CONFIG_LSM lists apparmor then selinux; apparmor=0 leaves selinux first"),
    boot("no-security-param", "ia32_emulation=0 vsyscall=none", SEL, "fail",
         LSM + ": Debian's CONFIG_LSM puts apparmor before selinux"),
    boot("quoted-selinux-0", GOOD + ' "selinux=0"', SEL, "fail",
         "GRUB 2.06 script lexer drops the quotes; " + LSM),
    boot("security-after-dashes", "ia32_emulation=0 vsyscall=none -- security=selinux", SEL, "fail",
         PARAMS + ": after -- the words go to init"),
    Case("boot-pending-update-grub", "boot_params", SEL, "fail",
         {GRUB: grub_cfg("ia32_emulation=0 vsyscall=none")},
         consumer="GRUB 2.06 reads only grub.cfg; /etc/default/grub waits for update-grub (grub-mkconfig)"),
    Case("boot-next-entry-one-time", "boot_params", SEL, "fail",
         {"boot/grub/grubenv": "# GRUB Environment Block\nnext_entry=%s\n" % RECOVERY,
          GRUB: BAD_RECOVERY},
         consumer=MENU + "; 00_header sets default to next_entry when grubenv has one"),
    Case("boot-saved-entry-submenu", "boot_params", SEL, "fail",
         {"boot/grub/grubenv": "saved_entry=%s\n" % RECOVERY,
          GRUB: grub_cfg(GOOD, default="${saved_entry}").replace(" ro single ", " ro single enforcing=0 ")},
         consumer=MENU + ": a 'submenu>entry' path, saved_entry from grubenv"),
    Case("boot-nested-id-without-path", "boot_params", SEL, "pass",
         {"boot/grub/grubenv": "next_entry=gnulinux-%s-recovery-0d1e\n" % KERNEL_RELEASE, GRUB: BAD_RECOVERY},
         consumer=MENU + ": only the top menu is searched; no match boots entry 0"),
    Case("boot-default-out-of-range", "boot_params", SEL, "pass",
         {GRUB: grub_cfg(GOOD, default="9")}, consumer=MENU + ": out of range boots entry 0"),
    Case("boot-default-08-is-octal-0", "boot_params", SEL, "pass",
         {GRUB: grub_cfg(GOOD, default="08")},
         consumer=MENU + ": kern/misc.c grub_strtoull takes 0 as octal only before 0-7, so 08 is 8, out of "
                         "range: entry 0 (was a traceback)"),
    # issue 18: GRUB's own overflow rules, decided from the digit count
    Case("boot-default-5000-digits", "boot_params", SEL, "pass", {GRUB: grub_cfg(GOOD, default="9" * 5000)},
         consumer=MENU + "; kern/misc.c grub_strtoull: GRUB_ERR_OUT_OF_RANGE, entry -1: entry 0 (was an internal "
                         "error)"),
    Case("boot-default-2-32-plus-1", "boot_params", SEL, "error", {GRUB: grub_cfg(GOOD, default="4294967297")},
         consumer=MENU + ": (int) grub_strtoul() is entry 1 on x86_64-efi, an overflow (entry 0) on i386-pc, "
                         "whose long is 32 bits: which GRUB runs is not in grub.cfg", names="/" + GRUB),
    Case("boot-default-2-32", "boot_params", SEL, "pass", {GRUB: grub_cfg(GOOD, default="4294967296")},
         consumer=MENU + ": (int) of 2^32 is 0 on x86_64-efi, an overflow on i386-pc: entry 0 on both"),
    Case("boot-default-arabic-indic-one", "boot_params", SEL, "pass", {GRUB: grub_cfg(GOOD, default="\u0661")},
         consumer=MENU + ": not a digit to grub_strtoull, no title or id matches: entry 0"),
    Case("boot-default-plus-one", "boot_params", SEL, "pass", {GRUB: grub_cfg(GOOD, default="+1")},
         consumer=MENU + ": grub_strtoull takes no sign, no title or id is '+1': entry 0"),
    Case("boot-default-names-nothing", "boot_params", SEL, "pass",
         {GRUB: grub_cfg(GOOD, default="no such entry")}, consumer=MENU + ": no match boots entry 0"),
    Case("boot-bls-menu", "boot_params", SEL, "error",
         {GRUB: "blscfg\n" + grub_cfg(GOOD)}, names="/" + GRUB,
         consumer="GRUB blscfg builds the menu at boot time from /boot/loader/entries: not decided here"),
    Case("boot-kernel-config-missing", "boot_params", SEL, "fail",
         {"boot/config-" + KERNEL_RELEASE: None},
         consumer=LSM + ": without the kernel's CONFIG_LSM and build options nothing proves SELinux runs"),
    Case("boot-kernel-install-cmdline", "boot_params", SEL, "pass",
         {GRUB: None, "etc/kernel/cmdline": "root=UUID=0d1e ro " + GOOD + "\n"},
         consumer="systemd 252 kernel-install 90-loaderentry.install: /etc/kernel/cmdline is the entry's options"),
    boot("ia32-n", GOOD.replace("ia32_emulation=0", "ia32_emulation=n"), IA32, "pass",
         "Linux 6.12 arch/x86 ia32_emulation= via kstrtobool (source)"),
    boot("ia32-of", GOOD.replace("ia32_emulation=0", "ia32_emulation=of"), IA32, "pass",
         "Linux 6.12 kstrtobool: 'o' then 'f' is false (source)"),
    boot("ia32-on", GOOD.replace("ia32_emulation=0", "ia32_emulation=on"), IA32, "fail",
         "Linux 6.12 kstrtobool: 'on' is true (source)"),
    boot("ia32-later-1", GOOD + " ia32_emulation=1", IA32, "fail", PARAMS + ": the last value wins"),
    boot("ia32-later-true", GOOD + " ia32_emulation=true", IA32, "fail",
         "Linux 6.12 lib/kstrtox.c kstrtobool: 't' is true since 5.19 (0d6ea3ac94ca; source): the last value wins"),
    boot("ia32-false", GOOD.replace("ia32_emulation=0", "ia32_emulation=false"), IA32, "pass",
         "Linux 6.12 lib/kstrtox.c kstrtobool: 'f' is false since 5.19 (0d6ea3ac94ca; source)"),
    boot("ia32-later-garbage", GOOD + " ia32_emulation=x", IA32, "pass",
         PARAMS + ": kstrtobool refuses 'x', the earlier 0 stays"),
    boot("ia32-dash-name", GOOD.replace("ia32_emulation=0", "ia32-emulation=0"), IA32, "pass",
         PARAMS + ": parameq() treats - and _ alike"),
    Case("boot-ia32-old-kernel-entry", "boot_params", IA32, "fail",
         {GRUB: grub_cfg(GOOD, release="6.1.0-18-amd64"),
          "boot/config-6.1.0-18-amd64": "CONFIG_IA32_EMULATION=y\nCONFIG_SECURITY_SELINUX=y\n"},
         consumer="Linux 6.1 has no ia32_emulation= (added in 6.7; source)"),
    boot("vsyscall-later-xonly", GOOD + " vsyscall=xonly", VSYS, "fail", PARAMS + ": the last valid value wins"),
    boot("vsyscall-later-garbage", GOOD + " vsyscall=off", VSYS, "pass",
         "Linux 6.12 vsyscall_setup() refuses 'off'; the earlier none stays (source)"),
    boot("vsyscall-after-dashes", GOOD.replace(" vsyscall=none", "") + " -- vsyscall=none", VSYS, "fail",
         PARAMS + ": after -- the words go to init"),
]

CASES.append(Case("boot-custom-cfg", "boot_params", SEL, "error",
                  {"boot/grub/custom.cfg": "set default=1\n"}, names="/" + GRUB,
                  consumer="GRUB 2.06 41_custom sources custom.cfg at boot: its menu and default are not "
                           "decided here"))
