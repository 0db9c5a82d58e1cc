# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""boot_params.grub_defaults against grub-mkconfig's own sourcing of
/etc/default/grub and /etc/default/grub.d/*.cfg (grub_mkconfig.py: the block cut
out of this machine's /usr/sbin/grub-mkconfig, run by sh), on the files of the
Ubuntu cloud images (tests/unit/platforms/ubuntu2*/files) and odd variants."""

import os

import pytest

import grub_mkconfig
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.boot_params import grub_defaults
from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.hostfs import ConfigError, HostRoot

pytestmark = pytest.mark.skipif(not grub_mkconfig.available(), reason="needs grub-mkconfig (grub-common) and sh")
PLATFORMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "platforms")


def files(version):
    def read(name):
        with open(os.path.join(PLATFORMS, "ubuntu" + version, "files", name), encoding="utf-8") as handle:
            return handle.read()
    return {"etc/default/grub": read("default-grub"),
            "etc/default/grub.d/50-cloudimg-settings.cfg": read("50-cloudimg-settings.cfg")}


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "grub-default")


def debian(release):
    """Debian's own /etc/default/grub (data/grub-default/SOURCE.md), with the lab image's serial lines."""
    with open(os.path.join(DATA, release), encoding="utf-8") as handle:
        text = handle.read()
    return {"etc/default/grub": text + 'GRUB_TERMINAL="console serial"\nGRUB_SERIAL_COMMAND="serial --unit=0"\n',
            "etc/default/grub.d/90-stockade.cfg": 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX vsyscall=none"\n'}


CASES = {
    "debian12": debian("debian12"),
    "debian13": debian("debian13"),
    "ubuntu2204": files("2204"),
    "ubuntu2404": files("2404"),
    "appended-by-a-later-dropin": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} vsyscall=none"\n'}),
    "earlier-dropin-is-overridden": dict(files("2404"), **{
        "etc/default/grub.d/10-x.cfg": 'GRUB_CMDLINE_LINUX_DEFAULT="vsyscall=none"\n'}),
    "not-a-cfg-name": dict(files("2404"), **{"etc/default/grub.d/99-x.conf": 'GRUB_CMDLINE_LINUX="vsyscall=none"\n'}),
    "export-and-linux": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'export GRUB_CMDLINE_LINUX="ia32_emulation=0"\n'}),
    "single-quoted-dollar": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": "GRUB_CMDLINE_LINUX='$GRUB_CMDLINE_LINUX_DEFAULT x=1'\n"}),
    "cloudimg-file-removed": {"etc/default/grub": files("2404")["etc/default/grub"]},
    "escapes-and-mixed-quotes": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX=a\\ b"$GRUB_CMDLINE_LINUX_DEFAULT"\'$X\'"\\$Y"c\n'}),
    "helper-variable": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'EXTRA="ia32_emulation=0"\nGRUB_CMDLINE_LINUX="${EXTRA} vsyscall=none"\n'}),
    "comment-after-value": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="vsyscall=none" # keep\n'}),
    "lone-dollar-and-backslash-in-quotes": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="a=$ b=\\q"\n'}),
    # what a line-by-line reading got wrong (review of the first sh reader)
    "value-over-two-lines": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="console=ttyS0\nvsyscall=none"\n'}),
    "continuation": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_CMDLINE_LINUX="console=ttyS0 \\\nvsyscall=none"\nGRUB_\\\nX=1\n'}),
    "two-commands-on-a-line": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'A=vsyscall=none; GRUB_CMDLINE_LINUX="$A"\n'}),
    "export-two-assignments": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'export A=ia32_emulation=0 GRUB_CMDLINE_LINUX="$A x"\nreadonly B=1\nexport B\n'}),
    "form-feed-is-no-blank": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'A=1\x0cGRUB_CMDLINE_LINUX=vsyscall=none\n'}),
    "single-quotes-over-lines": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": "H='a\nGRUB_CMDLINE_LINUX=vsyscall=none'\n"}),
    "substitution-in-a-helper-nobody-uses": dict(files("2404"), **{
        "etc/default/grub.d/99-x.cfg": 'GRUB_DISTRIBUTOR="$(sed \'s, release .*$,,g\' /etc/os-release)"\n'
                                       'GRUB_CMDLINE_LINUX="vsyscall=none"\n'}),
}


@pytest.mark.parametrize("shell", ["sh", "bash"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_reader_agrees_with_grub_mkconfig(tmp_path, name, shell):
    for path, text in CASES[name].items():
        full = tmp_path / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text)
    words, _sources = grub_defaults(HostRoot(str(tmp_path)))
    assert words == grub_mkconfig.linux_args(tmp_path, shell)


@pytest.mark.parametrize("line, why", [
    ('GRUB_CMDLINE_LINUX="$(cat /etc/extra)"', "line 1: a command substitution $(...)"),
    ("GRUB_CMDLINE_LINUX=`cat /etc/extra`", "line 1: a command substitution `...`"),
    ('GRUB_CMDLINE_LINUX="${EXTRA:-x}"', "line 1: '${EXTRA:-x}"),
    ('GRUB_CMDLINE_LINUX="a \\', "line 1: unterminated double quote"),
    ('GRUB_CMDLINE_LINUX="unterminated', "line 1: unterminated double quote"),
    ("GRUB_CMDLINE_LINUX=a b", "line 1: runs a command (GRUB_CMDLINE_LINUX=a)"),
    ('GRUB_CMDLINE_LINUX="$1"', "line 1: $1, a special parameter"),
    ('EXTRA=$(uname -r)\nGRUB_CMDLINE_LINUX="$EXTRA"', "line 1: a command substitution $(...)"),
    ('A=`x`\nB="$A"\nGRUB_CMDLINE_LINUX="$B"', "line 1: a command substitution `...`"),   # unknown passes on
    ('A=`x`\nA="$A y"\nGRUB_CMDLINE_LINUX="$A"', "line 1: a command substitution `...`"),
    ("if false; then\n  GRUB_CMDLINE_LINUX=vsyscall=none\nfi", "line 1: runs a command (if)"),
    ("GRUB_CMDLINE_LINUX=x\nunset GRUB_CMDLINE_LINUX", "line 2: runs a command (unset)"),
    ("true && GRUB_CMDLINE_LINUX=vsyscall=none", "line 1: a pipeline, list or redirection"),
    ('GRUB_CMDLINE_LINUX+=" vsyscall=none"', "line 1: GRUB_CMDLINE_LINUX+=: bash appends"),
    ("GRUB_CMDLINE_LINUX=$'vsyscall=none'", "line 1: $'...': bash and dash read it differently"),
])
def test_what_sh_would_evaluate_is_an_error_naming_the_line(tmp_path, line, why):
    """Where sh would run something or read on, the words are not known from the files: error, never a guess."""
    dropin = tmp_path / "etc/default/grub.d/99-x.cfg"
    dropin.parent.mkdir(parents=True)
    dropin.write_text(line + "\n")
    (tmp_path / "etc/default/grub").write_text('GRUB_CMDLINE_LINUX=""\n')
    with pytest.raises(ConfigError) as caught:
        grub_defaults(HostRoot(str(tmp_path)))
    assert caught.value.path == "/etc/default/grub.d/99-x.cfg" and why in caught.value.cause, caught.value.cause
