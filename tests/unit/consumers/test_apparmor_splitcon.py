# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A line of AppArmor's `profiles` listing as aa-status splits it: the
reader's split_label() against libapparmor's own aa_splitcon() (libapparmor1
3.0.8 on Debian 12, called through ctypes; AppArmor 4.1's splitcon() is the
same code), on what the kernel writes and on lines it never writes."""

import ctypes
import ctypes.util

import pytest

from ansible_collections.stockade.hardening.plugins.module_utils.posture.readers.apparmor import split_label

LINES = [
    "docker-default (enforce)\n", "containers-default-0.50.1 (complain)\n", "wpcom (unconfined)\n",
    "/usr/bin/man (enforce)\n", ":ns:docker-default (enforce)\n", "name with spaces (kill)\n",
    "a (b) (enforce)\n", "docker-default (enforce)", "unconfined\n", "unconfined", "\n", "",
    "docker-default\n", "docker-default (enforce\n", "docker-default enforce)\n", " (enforce)\n",
    "x ()\n", "ab)\n", "a (b)\n\n", "docker-default (enforce) \n", "docker-default  (enforce)\n",
    "(enforce)\n", "x (\n", "x ( )\n", "caf\u00e9 (enforce)\n",
]


def _splitcon():
    path = ctypes.util.find_library("apparmor")
    if not path:
        pytest.skip("libapparmor is not installed on this machine (apt-get install libapparmor1)")
    library = ctypes.CDLL(path)
    function = library.aa_splitcon
    function.restype = ctypes.c_char_p
    function.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]

    def split(line):
        buffer = ctypes.create_string_buffer(line.encode("utf-8"))
        mode = ctypes.c_char_p()
        label = function(buffer, ctypes.byref(mode))
        if label is None:
            return None
        return label.decode("utf-8"), None if mode.value is None else mode.value.decode("utf-8")
    return split


@pytest.mark.parametrize("line", LINES, ids=[repr(line) for line in LINES])
def test_split_label_is_libapparmors_aa_splitcon(line):
    assert split_label(line) == _splitcon()(line)
