# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What grub-mkconfig puts on a linux line, from a tree's /etc/default/grub
and /etc/default/grub.d/*.cfg: the sourcing block is cut out of this
machine's own /usr/sbin/grub-mkconfig (grub-common 2.06-13+deb12u2, the
script Ubuntu 22.04/24.04's grub2 2.06/2.12 share: `. ${sysconfdir}/default/grub`,
then every `${sysconfdir}/default/grub.d/*.cfg` in the shell's glob order)
and run by /bin/sh with sysconfdir pointed at the tree; the words are
10_linux's "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}"."""

import os
import re
import shutil
import subprocess

GRUB_MKCONFIG = "/usr/sbin/grub-mkconfig"
_BLOCK = re.compile(r"^if test -f \$\{sysconfdir\}/default/grub ; then\n.*?^done\n", re.S | re.M)


def available():
    return os.path.exists(GRUB_MKCONFIG) and shutil.which("sh") is not None


def sourcing_block():
    with open(GRUB_MKCONFIG, encoding="utf-8") as handle:
        match = _BLOCK.search(handle.read())
    if match is None:
        raise AssertionError("%s no longer has the sourcing block this harness cuts out" % GRUB_MKCONFIG)
    return match.group()


def linux_args(root, shell="sh"):
    """The words grub-mkconfig's 10_linux passes for the tree at `root`, the block run by `shell`
    (sh: dash, as on Debian and Ubuntu; bash: /bin/sh on RHEL and Fedora)."""
    script = "set -e\nsysconfdir=\"$1/etc\"\n%s\nprintf '%%s' \"${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}\"\n" % (
        sourcing_block())
    done = subprocess.run([shell, "-c", script, shell, str(root)], capture_output=True, text=True, timeout=20,
                          check=True, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    return done.stdout.split()
