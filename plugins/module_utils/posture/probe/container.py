# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a throwaway container on an engine, as a user's container is run
(no extra security options), and collect what the kernel applies inside it.

The probe programs and script are bind-mounted read-only, so any image with
/bin/sh will do; without a named image, a probe image is imported from the
host's static busybox (no registry needed). The report is written to a
second mounted directory rather than read from stdout: under SELinux a
container_t process may not write to the caller's pipe (seen with podman
over ssh), which would silently lose the output.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from .. import __version__
from ..abi.programs import SYSCALL_PROGRAMS
from .inside import INSIDE_SH, parse_report

PROBE_IMAGE = "localhost/stockade-probe:%s" % __version__
MOUNT_PROGRAMS = "/stockade-probe"
MOUNT_OUTPUT = "/stockade-out"
TIMEOUT_SECONDS = 120
BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
# The label an engine gives a volume mounted with :z (lxc_contexts' `file`).
SHARED_FILE_LABEL = "system_u:object_r:container_file_t:s0"
SELINUX_MOUNT = "/sys/fs/selinux"
_PT_INTERP = 3


class ProbeRequest:
    """What the user asked for: the image (None: build one) and extra
    `run` arguments per engine (for hosts whose engine needs them)."""

    def __init__(self, image=None, extra_args=None):
        self.image = image
        self.extra_args = extra_args or {}


class ProbeView:
    """The inside view of one engine's probe container, or why there is none.
    `error` is True when the probe should have run but could not."""

    def __init__(self, engine, report=None, reason=None, error=False, image=None):
        self.engine = engine
        self.report = report or {}
        self.reason = reason
        self.error = error
        self.image = image


def is_static_elf(path):
    """True for an ELF executable without a program interpreter (PT_INTERP):
    only such a busybox runs in an image that has no libc."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(64)
            if header[:4] != b"\x7fELF" or header[4] != 2:
                return False
            phoff = int.from_bytes(header[32:40], "little")
            phentsize = int.from_bytes(header[54:56], "little")
            phnum = int.from_bytes(header[56:58], "little")
            handle.seek(phoff)
            table = handle.read(phentsize * phnum)
    except OSError:
        return False
    return not any(int.from_bytes(table[i:i + 4], "little") == _PT_INTERP
                   for i in range(0, len(table), phentsize))


def _run(argv, stdin=None):
    completed = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT_SECONDS, check=False)
    return completed.returncode, completed.stderr.decode("utf-8", "replace").strip()


def _ensure_image(cli, request, may_import):
    """(image, None) or (None, reason)."""
    if request.image:
        return request.image, None
    status, dummy = _run([cli, "image", "inspect", PROBE_IMAGE])
    if status == 0:
        return PROBE_IMAGE, None
    busybox = next((p for p in BUSYBOX_CANDIDATES if is_static_elf(p)), None)
    if busybox is None:
        return None, ("no probe image: name one that has /bin/sh, or install a static busybox "
                      "(Debian: busybox-static) to build %s" % PROBE_IMAGE)
    if not may_import:
        return None, "check mode: %s would be imported from %s" % (PROBE_IMAGE, busybox)
    from .rootfs import probe_rootfs_tar  # tarfile: only when an image is imported
    status, stderr = _run([cli, "import", "-", PROBE_IMAGE], stdin=probe_rootfs_tar(busybox))
    if status != 0:
        return None, "importing %s failed: %s" % (PROBE_IMAGE, stderr)
    return PROBE_IMAGE, None


def _write_programs(directory):
    for name, build in SYSCALL_PROGRAMS.items():
        path = os.path.join(directory, name)
        with open(path, "wb") as handle:
            handle.write(build())
        os.chmod(path, 0o755)
    script = os.path.join(directory, "inside.sh")
    with open(script, "w") as handle:
        handle.write(INSIDE_SH)
    os.chmod(script, 0o755)


def shared_volume_label(selinux_root="/etc/selinux"):
    """The `file` context of the loaded policy's lxc_contexts (what :z gives)."""
    try:
        with open(os.path.join(selinux_root, "config"), encoding="utf-8") as handle:
            kinds = [line.split("=", 1)[1].strip() for line in handle
                     if line.strip().startswith("SELINUXTYPE=")]
        with open(os.path.join(selinux_root, kinds[-1], "contexts", "lxc_contexts"), encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.partition("=")
                if sep and key.strip() == "file":
                    return value.strip().strip('"')
    except (OSError, IndexError):
        pass
    return SHARED_FILE_LABEL


def label_for_containers(top, label):
    """Give `top` and everything below it the shared container label, as :z
    would. Done here because an engine's daemon may not relabel (or even
    search) a directory of the caller's type: Docker's dockerd_t may not
    search user_tmp_t nor relabel var_lib_t. Best effort: the engine's own :z
    is still asked for, and its error reported, when this fails."""
    value = label.encode("ascii") + b"\0"
    for directory, dummy, files in os.walk(top):
        for path in [directory] + [os.path.join(directory, name) for name in files]:
            try:
                os.setxattr(path, "security.selinux", value)
            except OSError:
                return False
    return True


def run_probe(engine, request, may_import=True, runtime=None):
    """Run the probe container on `engine` ('docker' or 'podman'), with the
    engine's runtime named `runtime` when given (a sandbox's, e.g. runsc)."""
    import tempfile  # here: every audit imports this module, few run a probe
    cli = shutil.which(engine)
    if cli is None:
        return ProbeView(engine, reason="the %s command is not on PATH" % engine)
    image, reason = _ensure_image(cli, request, may_import)
    if image is None:
        return ProbeView(engine, reason=reason)
    scratch = tempfile.mkdtemp(prefix="stockade-probe-")
    try:
        programs, output = os.path.join(scratch, "programs"), os.path.join(scratch, "out")
        os.mkdir(programs)
        os.mkdir(output)
        _write_programs(programs)
        # a remapped container root is an unprivileged host uid: let it in
        os.chmod(scratch, 0o755)
        os.chmod(programs, 0o755)
        os.chmod(output, 0o777)
        if os.path.exists(os.path.join(SELINUX_MOUNT, "enforce")):  # SELinux is on
            label_for_containers(scratch, shared_volume_label())
        argv = [cli, "run", "--rm", "--network", "none",
                "-v", "%s:%s:ro,z" % (programs, MOUNT_PROGRAMS),
                "-v", "%s:%s:z" % (output, MOUNT_OUTPUT)]
        argv += list(request.extra_args.get(engine, []))
        if runtime:
            argv += ["--runtime", runtime]
        argv += [image, "/bin/sh", "-c", "%s/inside.sh > %s/report 2>&1" % (MOUNT_PROGRAMS, MOUNT_OUTPUT)]
        try:
            status, stderr = _run(argv)
        except subprocess.TimeoutExpired:
            return ProbeView(engine, reason="probe container did not finish within %d s" % TIMEOUT_SECONDS,
                             error=True, image=image)
        report_path = os.path.join(output, "report")
        if status != 0 or not os.path.exists(report_path):
            return ProbeView(engine, reason="probe container failed (exit %d): %s" % (status, stderr),
                             error=True, image=image)
        with open(report_path, encoding="utf-8", errors="replace") as handle:
            return ProbeView(engine, report=parse_report(handle.read()), image=image)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
