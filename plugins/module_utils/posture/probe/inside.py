# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The script run inside a probe container, and the parser of its report.

Why a shell script: the probe image holds only busybox, so the script uses
nothing but POSIX sh built-ins (read, case, wait) and reads the kernel's own
view of the process (/proc/self/...), not what an engine claims to set.
"""

from __future__ import annotations

# Report lines are key=value. The *_status keys are shell exit statuses of
# the syscall probes (see elf.py) next to their pid, so that a reader can
# tell "getpid ran" (status == pid % 256) from "killed by SIGSYS" (159).
INSIDE_SH = r"""#!/bin/sh
# Stockade probe: print what this container's processes are subject to.
dir=${0%/*}

status_field() {  # field $1 of /proc/self/status (this shell's own)
    while read -r key value rest; do
        if [ "$key" = "$1:" ]; then echo "$value"; return; fi
    done < /proc/self/status
    echo missing
}

mount_mode() {  # ro or rw for mount point $1 (last mount wins), else none
    mode=none
    while read -r dev mnt fstype opts rest; do
        if [ "$mnt" = "$1" ]; then mode=${opts%%,*}; fi
    done < /proc/mounts
    echo "$mode"
}

echo "seccomp=$(status_field Seccomp)"
echo "no_new_privs=$(status_field NoNewPrivs)"
echo "cap_eff=$(status_field CapEff)"
echo "cap_bnd=$(status_field CapBnd)"
read -r inside outside count < /proc/self/uid_map
echo "uid_map=$inside $outside $count"
ctx=
{ read -r ctx || [ -n "$ctx" ]; } 2>/dev/null < /proc/self/attr/current
echo "attr_current=${ctx:-unavailable}"
# Which kernel answers: the host kernel gives every container its own
# /proc/version and boot_id; a sandbox (gVisor's Sentry, a Kata guest) its own.
version=
{ read -r version || [ -n "$version" ]; } 2>/dev/null < /proc/version
echo "kernel_version=${version:-unavailable}"
boot_id=
{ read -r boot_id || [ -n "$boot_id" ]; } 2>/dev/null < /proc/sys/kernel/random/boot_id
echo "boot_id=${boot_id:-unavailable}"
echo "sys_mount=$(mount_mode /sys)"
echo "proc_sys_mount=$(mount_mode /proc/sys)"

for probe in int80 x32 native; do
    "$dir/$probe" &
    pid=$!
    wait "$pid"
    echo "${probe}_status=$?"
    echo "${probe}_pid=$pid"
done
"""


def parse_report(text):
    """Turn the script's output into a dict; lines that are not key=value
    (an engine's or the shell's own messages) are ignored."""
    report = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key and " " not in key:
            report[key] = value
    return report
