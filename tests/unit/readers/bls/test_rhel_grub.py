# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The next boot of RHEL 8/9 and Fedora hosts, whose grub.cfg builds its menu
with `blscfg`: the cases of /work/notes/bls/notes.md section 8, each expected
result read from rhboot/grub2 (tag rhel-9.4.0 unless named): the grub.cfg
top level (util/grub.d/*.in as grub2-mkconfig writes them), blscfg.c,
normal/menu.c get_entry_number(), kern/misc.c grub_strtoul(), lib/envblk.c,
lib/cmdline.c. No RHEL GRUB runs here: these are tests from the source."""

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers import boot_params, grub_script, rhel_grub
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import (
    ConfigError, HostRoot,
)

M = "7c3e5a1f0b9d4c2e8a6f4b1d3e5c7a90"
K4, K3 = "5.14.0-427.13.1.el9_4.x86_64", "5.14.0-362.24.1.el9_3.x86_64"
ENTRIES = "boot/loader/entries/"
GRUBENV = "boot/grub2/grubenv"
CFG = "boot/grub2/grub.cfg"
OPTIONS = ("root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M "
           "resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet")
LINE_K4 = "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s %s" % (K4, OPTIONS)
LINE_K3 = "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s %s" % (K3, OPTIONS)
SIGNATURE = "# GRUB Environment Block\n"


def grubenv(**values):
    body = SIGNATURE + "".join("%s=%s\n" % item for item in values.items())
    return body + "#" * (1024 - len(body))


def entry(kernel, options=OPTIONS + " $tuned_params", extra="", title=None):
    return ("title %s\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img $tuned_initrd\n%soptions %s\n"
            "grub_users $grub_users\ngrub_arg --unrestricted\ngrub_class rhel\n"
            % (title or "Red Hat Enterprise Linux (%s) 9.4 (Plow)" % kernel, kernel, kernel, kernel, extra, options))


def boot(tree, base="rhel94-bios", changes=None):
    root = tree(base, changes)
    return rhel_grub.next_boot(HostRoot(root))


def test_fixture_as_is(tree):
    answer = boot(tree)
    assert answer.text == LINE_K4
    assert answer.release == K4
    assert answer.source.endswith("/boot/loader/entries/%s-%s.conf" % (M, K4))


@pytest.mark.parametrize("saved, line", [
    ("%s-%s" % (M, K3), LINE_K3),                                       # by id
    ("%s-5.14.0-284.11.1.el9_2.x86_64" % M, LINE_K4),                   # a removed kernel: entry 0, the newest
    ("Red Hat Enterprise Linux (%s) 9.3 (Plow)" % K3, LINE_K3),         # by title (older grubby wrote titles)
    ("1", LINE_K3), ("01", LINE_K3), ("0x1", LINE_K3),                  # numbers, base 0
    ("08", LINE_K4),            # 8 (decimal: '8' is no octal digit), out of range: entry 0
    ("0X1", LINE_K4),           # only a lower-case 0x is hex: 0 with a tail, refused
    ("1 ", LINE_K4), ("1abc", LINE_K4), ("", LINE_K4),                  # a tail refuses the number
    ("%s-%s x" % (M, K3), LINE_K4),                                     # an id with text after it: -1, entry 0
    ("4294967297", LINE_K4),    # i386-pc: a 32-bit long, so grub_strtoul overflows: ~0UL, (int) -1, entry 0
])
def test_saved_entry(tree, saved, line):
    assert boot(tree, changes={GRUBENV: grubenv(saved_entry=saved)}).text == line


def test_next_entry_beats_saved_entry(tree):
    answer = boot(tree, changes={GRUBENV: grubenv(next_entry="%s-%s" % (M, K3), saved_entry="%s-%s" % (M, K4))})
    assert answer.text == LINE_K3
    assert any("next_entry" in note for note in answer.notes)


@pytest.mark.parametrize("counter, success, line", [
    ("0", "0", LINE_K3),       # 08_fallback_counting: `set default=1` when the countdown ran out
    ("-1", "0", LINE_K3),
    ("2", "0", LINE_K4),       # only decremented
    ("0", "1", LINE_K4),       # the last boot succeeded
])
def test_boot_counter(tree, counter, success, line):
    env = grubenv(saved_entry="%s-%s" % (M, K4), boot_counter=counter, boot_success=success)
    assert boot(tree, changes={GRUBENV: env}).text == line


@pytest.mark.parametrize("content", [None, "saved_entry=%s-%s\n" % (M, K3), "# GRUB Environment Block"])
def test_grubenv_missing_or_refused(tree, content):
    """No signature line (or nothing after it): load_env sets nothing, default is "" -> entry 0."""
    assert boot(tree, changes={GRUBENV: content}).text == LINE_K4


def test_grub_default_number_in_grub_cfg(tree):
    root = tree("rhel94-bios")
    path = root + "/" + CFG
    with open(path) as handle:
        text = handle.read().replace('set default="${saved_entry}"', 'set default="1"')
    with open(path, "w") as handle:
        handle.write(text)
    assert rhel_grub.next_boot(HostRoot(root)).text == LINE_K3


@pytest.mark.parametrize("options, tail", [
    ("%s\n\noptions selinux=0" % OPTIONS, OPTIONS),                  # an empty line ends the file (read_entry)
    ("%s\noptions audit=0" % OPTIONS, OPTIONS),                      # the first options line wins
    ("%s #selinux=0 audit=1" % OPTIONS, OPTIONS),                    # `#` starts a comment in the script
    ("%s; selinux=0" % OPTIONS, OPTIONS),                            # `;` ends the linux command
    ('%s foo="a b"' % OPTIONS, OPTIONS + ' "foo=a b"'),              # a word with a space is quoted
    ("%s a\\'b" % OPTIONS, OPTIONS + " a\\'b"),                      # ' escaped by lib/cmdline.c
    ("%s x=\\x41" % OPTIONS, OPTIONS + " x=\\x41"),                  # \xHH kept as it is
])
def test_options_line(tree, options, tail):
    changes = {ENTRIES + "%s-%s.conf" % (M, K4): entry(K4, options=options)}
    assert boot(tree, changes=changes).text == "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s %s" % (K4, tail)


def test_options_with_a_tab_is_no_options_key(tree):
    text = entry(K4).replace("options ", "options\t")
    assert boot(tree, changes={ENTRIES + "%s-%s.conf" % (M, K4): text}).text == \
        "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-%s" % K4


@pytest.mark.parametrize("options", ["%s ${tuned_params}" % OPTIONS, "%s {x}" % OPTIONS, "%s a|b" % OPTIONS])
def test_options_grub_cannot_parse(tree, options):
    changes = {ENTRIES + "%s-%s.conf" % (M, K4): entry(K4, options=options)}
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes=changes)
    assert caught.value.path.endswith("%s-%s.conf" % (M, K4))


def test_tuned_params_from_grub_cfg_override_grubenv(tree):
    """00_tuned's `set tuned_params=""` runs after load_env."""
    assert boot(tree, changes={GRUBENV: grubenv(saved_entry="%s-%s" % (M, K4), tuned_params="nosmt")}).text \
        == LINE_K4


def test_tuned_params_from_grubenv(tree):
    root = tree("rhel94-bios", {GRUBENV: grubenv(saved_entry="%s-%s" % (M, K4), tuned_params="nosmt")})
    path = root + "/" + CFG
    with open(path) as handle:
        text = handle.read().replace('set tuned_params=""\n', "")
    with open(path, "w") as handle:
        handle.write(text)
    assert rhel_grub.next_boot(HostRoot(root)).text == LINE_K4 + " nosmt"


def test_equal_ids_are_unknown(tree):
    """bls_cmp() says 0: blscfg drops the second file read, silently."""
    twin = "%s-5.14.0-427.13.01.el9_4.x86_64.conf" % M
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes={ENTRIES + twin: entry("5.14.0-427.13.01.el9_4.x86_64")})
    assert "compares equal" in caught.value.cause


@pytest.mark.parametrize("name, content", [
    ("%s-6.0.conf" % M, "title No linux\nversion 6.0\noptions x\n"),          # no linux: no menu entry
    ("zz.CONF", entry("6.9.0")),                                               # .CONF is not .conf
    (".%s-9.conf" % M, entry("6.9.0")),                                        # hidden
    ("a.conf", entry("6.9.0")),                                                # five characters or fewer
])
def test_files_that_make_no_entry(tree, name, content):
    assert boot(tree, changes={ENTRIES + name: content}).text == LINE_K4


def test_plus_debug_sorts_first_but_saved_entry_still_picks(tree):
    debug = "%s+debug" % K4
    answer = boot(tree, changes={ENTRIES + "%s-%s.conf" % (M, debug): entry(debug)})
    assert answer.text == LINE_K4
    assert "menu entry 1 of 4" in " ".join(answer.notes)


def test_custom_cfg_and_unusual_user_cfg_are_unknown(tree):
    with pytest.raises(ConfigError):
        boot(tree, changes={"boot/grub2/custom.cfg": "menuentry x { linux /x }\n"})
    with pytest.raises(ConfigError):
        boot(tree, changes={"boot/grub2/user.cfg": "set default=2\n"})
    assert boot(tree, changes={"boot/grub2/user.cfg": "GRUB2_PASSWORD=grub.pbkdf2.sha512.10000.AB.CD\n"}).text \
        == LINE_K4


def test_blsdir_elsewhere_is_unknown(tree):
    with pytest.raises(ConfigError):
        boot(tree, changes={GRUBENV: grubenv(blsdir="/root/boot/loader/entries")})


def test_id_with_conf_inside_hangs_grub(tree):
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes={ENTRIES + "%s-9.9.conf.x.conf" % M: entry("9.9")})
    assert "hangs" in caught.value.cause


def test_rhel8_kernelopts_from_grubenv(tree):
    answer = boot(tree, "rhel810-uefi")
    assert answer.text == ("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-4.18.0-553.el8_10.x86_64 root=/dev/mapper/rhel-root ro "
                           "crashkernel=auto resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap "
                           "rhgb quiet")
    assert answer.source.startswith("/boot/efi/EFI/redhat/grub.cfg (UEFI)")


M8 = "2d9f6b3a8c1e4f7a9b0c5d2e6f1a3b4c"
ENV8 = "boot/efi/EFI/redhat/grubenv"
E8 = ENTRIES + "%s-4.18.0-553.el8_10.x86_64.conf" % M8


def _rhel8_entry(options):
    return ("title Red Hat Enterprise Linux (4.18.0-553.el8_10.x86_64) 8.10 (Ootpa)\n"
            "version 4.18.0-553.el8_10.x86_64\nlinux /vmlinuz-4.18.0-553.el8_10.x86_64\n"
            "initrd /initramfs-4.18.0-553.el8_10.x86_64.img $tuned_initrd\noptions %s\n"
            "id rhel-20240405121314-4.18.0-553.el8_10.x86_64\ngrub_users $grub_users\n"
            "grub_arg --unrestricted\ngrub_class kernel\n" % options)


@pytest.mark.parametrize("env, options, tail", [
    ("kernelopts=root=/dev/x ro from=grubenv\n", "$kernelopts $tuned_params", "ro from=grubenv"),
    ("kernelopts=\n", "$kernelopts $tuned_params", "rhgb quiet"),   # empty: grub.cfg's fallback `set kernelopts`
    (None, "$kernelopts audit=1", "quiet audit=1"),
    (None, "$kernelopts 1", "quiet"),     # expand_val(): a one-character run at the end is lost
])
def test_rhel8_expansion(tree, env, options, tail):
    changes = {E8: _rhel8_entry(options)}
    if env is not None:
        changes[ENV8] = SIGNATURE + "saved_entry=%s-4.18.0-553.el8_10.x86_64\n%s" % (M8, env)
    text = boot(tree, "rhel810-uefi", changes).text
    assert text.endswith(tail)
    assert "  " not in text


def test_rhel8_without_version_sorts_by_id(tree):
    other = ENTRIES + "%s-4.18.0-513.24.1.el8_9.x86_64.conf" % M8
    root = tree("rhel810-uefi", {ENV8: SIGNATURE + "saved_entry=\n"})
    with open(root + "/" + other) as handle:
        text = handle.read().replace("version 4.18.0-513.24.1.el8_9.x86_64\n", "")
    with open(root + "/" + other, "w") as handle:
        handle.write(text)
    assert "4.18.0-553.el8_10" in rhel_grub.next_boot(HostRoot(root)).text


def test_two_esp_configs_and_unknown_firmware(tree):
    with pytest.raises(ConfigError):
        boot(tree, "rhel810-uefi", {"boot/efi/EFI/centos/grub.cfg": "blscfg\n"})


def test_firmware_decides_when_bios_and_uefi_configs_differ(tree):
    changes = {"boot/grub2/grub.cfg": open_fixture("rhel94-bios", CFG).replace('set default="${saved_entry}"',
                                                                               'set default="2"'),
               "boot/grub2/grubenv": None}
    with pytest.raises(ConfigError) as caught:
        boot(tree, "rhel810-uefi", changes)
    assert "firmware" in caught.value.cause
    changes["sys/firmware/efi/runtime"] = "1"
    assert "4.18.0-553.el8_10" in boot(tree, "rhel810-uefi", changes).text


def test_fedora_esp_stub_followed(tree):
    answer = boot(tree, "fedora40-uefi", {"sys/firmware/efi/runtime": "1"})
    assert answer.text == ("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.9-300.fc40.x86_64 "
                           "root=UUID=4d2a9e71-6c3b-4f58-8e1d-2a7b9c0d5e36 ro rootflags=subvol=root rhgb quiet")
    assert "via /boot/efi/EFI/fedora/grub.cfg" in answer.source


def test_fedora_stub_with_more_is_not_followed(tree):
    stub = open_fixture("fedora40-uefi", "boot/efi/EFI/fedora/grub.cfg") + "set default=2\n"
    with pytest.raises(ConfigError):
        boot(tree, "fedora40-uefi", {"boot/efi/EFI/fedora/grub.cfg": stub, "sys/firmware/efi/runtime": "1"})


@pytest.mark.parametrize("options, escape_line", [
    ("%s a=\\$xy" % OPTIONS, None),       # 9.0-9.4: `a=\v `, rhel-9-main: `a=$xy` lexed at boot
])
def test_escaped_dollar_depends_on_the_build(tree, options, escape_line):
    changes = {ENTRIES + "%s-%s.conf" % (M, K4): entry(K4, options=options),
               GRUBENV: grubenv(saved_entry="%s-%s" % (M, K4), xy="v")}
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes=changes)
    assert "GRUB build" in caught.value.cause


def test_grub_d_dropin_is_reported_as_unread(tree):
    root = tree("rhel94-bios", {"etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX audit=1"\n'})
    line = boot_params.next_boot(HostRoot(root))
    assert line.text == LINE_K4
    assert any("do not read /etc/default/grub.d" in note for note in line.notes)


def test_etc_default_grub_ahead_of_the_entries(tree):
    root = tree("rhel94-bios")
    with open(root + "/etc/default/grub", "a") as handle:
        handle.write('GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX ia32_emulation=0"\n')
    line = boot_params.next_boot(HostRoot(root))
    assert any("ia32_emulation=0" in note and "grubby" in note for note in line.notes)


def test_debian_grub_cfg_is_not_read_here(tree):
    assert boot(tree, None, {"boot/grub/grub.cfg": "menuentry x {\n linux /vmlinuz\n}\n"}) is None


@pytest.mark.parametrize("value, expected", [
    ("0", 0), ("1", 1), ("0x10", 16), ("010", 8), ("08", 8), ("0X1", -1), (" 1", 1), ("1 ", -1), ("", -1),
    ("-1", -1), ("99999999999999999999999", -1),
])
def test_entry_number_as_a_number(value, expected):
    """get_entry_number_helper() of a menu without a matching id or title (kern/misc.c grub_strtoull)."""
    menu = [grub_script.MenuEntry("t%d" % i, "i%d" % i, "x") for i in range(20)]
    assert rhel_grub.entry_number(menu, value) == expected


def test_menuentry_eq_submenu_separator():
    assert rhel_grub.menuentry_eq("a>b", "a>>b", -1)
    assert not rhel_grub.menuentry_eq("a", "a>b", -1) == 0
    assert rhel_grub.menuentry_eq("abc", "abc x", 3) == 2


def open_fixture(base, path):
    import os
    fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
    with open(os.path.join(fixtures, base, path)) as handle:
        return handle.read()


@pytest.mark.parametrize("os_release", ['ID="rhel"\nID_LIKE="fedora"\nVERSION_ID="11.0"\n',
                                        'ID=fedora\nVERSION_ID=45\n', 'ID=fedora\nVERSION_ID=rawhide\n'])
def test_a_release_newer_than_mirrored_is_an_error(tree, os_release):
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes={"etc/os-release": os_release})
    assert caught.value.path == "/etc/os-release"


def test_a_uki_entry_is_an_error(tree):
    with pytest.raises(ConfigError) as caught:
        boot(tree, changes={ENTRIES + "%s-6.12.0-1.el10.x86_64.conf" % M: "title UKI\nefi /EFI/Linux/x.efi\n"})
    assert "efi" in caught.value.cause


@pytest.mark.parametrize("saved, same_as", [("4294967297", "1"), ("4294967296", "0"), ("18446744073709551616", "0")])
def test_saved_entry_number_width_on_uefi(tree, saved, same_as):
    """x86_64-efi GRUB has a 64-bit long: (int) of grub_strtoul truncates 2^32 + 1 to entry 1, where
    i386-pc (above) overflows to -1 and boots entry 0; past 2^64 - 1 both overflow."""
    def line(value):
        return boot(tree, "fedora40-uefi", {"sys/firmware/efi/runtime": "1", GRUBENV: grubenv(saved_entry=value)}).text
    assert line("1") != line("0")
    assert line(saved) == line(same_as)


@pytest.mark.parametrize("value, bits, expected", [
    ("4294967297", 64, 1), ("4294967297", 32, -1), ("4294967295", 32, -1), ("2147483648", 64, -2147483648),
    ("7", 32, 7),
])
def test_entry_number_long_width(value, bits, expected):
    menu = [grub_script.MenuEntry("t%d" % i, "i%d" % i, "x") for i in range(3)]
    assert rhel_grub.entry_number(menu, value, bits) == expected


def test_chosen_entry_needs_the_width_of_grubs_long():
    """No default width: x86_64-efi and i386-pc GRUB boot different entries for a value past 2^32 - 1."""
    menu = [grub_script.MenuEntry("t%d" % i, "i%d" % i, "x") for i in range(3)]
    with pytest.raises(TypeError):
        rhel_grub.chosen_entry(menu, "4294967297")  # pylint: disable=no-value-for-parameter
    assert [rhel_grub.chosen_entry(menu, "4294967297", bits)[0] for bits in (64, 32)] == [1, 0]
