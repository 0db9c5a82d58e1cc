# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the probe image's root filesystem as a tar, for `docker import` or
`podman import`.

Why: container hosts often cannot reach a registry, and a probe must not
depend on one. A static busybox (Debian: busybox-static) plus the probes is
all the image needs; the tar is reproducible (fixed owners and times), so
importing it twice gives the same image.
"""

from __future__ import annotations

import io
import tarfile

from ..abi.programs import SYSCALL_PROGRAMS
from .inside import INSIDE_SH

# Where the probes live inside the image; run PROBE_DIR + "/inside.sh".
PROBE_DIR = "probe"
INSIDE_SCRIPT = "/%s/inside.sh" % PROBE_DIR
# Mount points the runtimes expect; the script itself only needs `sh`.
_DIRECTORIES = ("bin", "dev", "etc", "proc", "sys", "tmp", PROBE_DIR)
_MTIME = 1700000000  # fixed, for a reproducible tar


def _add(tar, name, kind, mode, data=b"", linkname=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = _MTIME
    info.linkname = linkname
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data) if data else None)


def probe_rootfs_tar(busybox_path="/bin/busybox"):
    """Return the bytes of a tar holding busybox (as /bin/busybox and
    /bin/sh), the syscall probes and inside.sh under /probe."""
    with open(busybox_path, "rb") as handle:
        busybox = handle.read()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory in _DIRECTORIES:
            _add(tar, directory, tarfile.DIRTYPE, 0o755)
        _add(tar, "bin/busybox", tarfile.REGTYPE, 0o755, busybox)
        _add(tar, "bin/sh", tarfile.SYMTYPE, 0o777, linkname="busybox")
        for name, build in sorted(SYSCALL_PROGRAMS.items()):
            _add(tar, "%s/%s" % (PROBE_DIR, name), tarfile.REGTYPE, 0o755, build())
        _add(tar, INSIDE_SCRIPT.lstrip("/"), tarfile.REGTYPE, 0o755, INSIDE_SH.encode())
    return buffer.getvalue()
