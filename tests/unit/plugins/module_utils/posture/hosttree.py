# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host trees for the engine's tests, written into a temporary directory.

A tree is a dict {path: content}: str/bytes/dict (dicts are written as JSON),
EXECUTABLE for an empty executable file, DIRECTORY for an empty directory, a
Symlink, or None to delete an entry of a base tree. HARDENED passes every
required control with docker, podman and cri-o installed; STOCK is a fresh
Debian-like host with all three engines at their defaults. Mode(content, 0o600)
sets a file's permission bits.
"""

import json
import os

EXECUTABLE = object()
DIRECTORY = object()


class Symlink:
    def __init__(self, target):
        self.target = target


class Mode:
    """`content` (any of the forms above) written with permission bits `mode`
    and, when `owner` is a (uid, gid) pair, that owner (the tests run as root)."""

    def __init__(self, content, mode, owner=None):
        self.content = content
        self.mode = mode
        self.owner = owner


def seccomp_profile(compat=("SCMP_ARCH_X86", "SCMP_ARCH_X32"), form="archMap",
                    default_action="SCMP_ACT_ERRNO"):
    """A profile shaped like moby's and containers-common's defaults."""
    profile = {"defaultAction": default_action, "defaultErrnoRet": 38,
               "syscalls": [{"names": ["read", "write", "getpid"], "action": "SCMP_ACT_ALLOW"}]}
    if form == "archMap":
        profile["archMap"] = [
            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": list(compat)},
            {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
        ]
    else:
        profile["architectures"] = ["SCMP_ARCH_X86_64"] + list(compat)
    return profile


SYSCTL_GOOD = {
    "kernel/yama/ptrace_scope": "1", "kernel/kptr_restrict": "2", "kernel/dmesg_restrict": "1",
    "kernel/perf_event_paranoid": "3", "fs/protected_symlinks": "1", "fs/protected_hardlinks": "1",
    "fs/protected_fifos": "2", "fs/protected_regular": "2", "fs/suid_dumpable": "0",
    "net/ipv4/ip_forward": "1", "user/max_user_namespaces": "15000",
}
SYSCTL_STOCK = dict(SYSCTL_GOOD, **{"kernel/yama/ptrace_scope": "0", "kernel/kptr_restrict": "0",
                                    "kernel/dmesg_restrict": "0", "kernel/perf_event_paranoid": "2",
                                    "fs/protected_fifos": "1", "fs/protected_regular": "0",
                                    "fs/suid_dumpable": "2"})

# Every file the CIS Docker Benchmark 1.6.0 wants watched (1.1.3-1.1.18), where this tree has it.
AUDITED = ("/usr/sbin/dockerd", "/run/containerd", "/var/lib/docker", "/etc/docker",
           "/lib/systemd/system/docker.service", "/run/containerd/containerd.sock",
           "/lib/systemd/system/docker.socket", "/etc/default/docker", "/etc/docker/daemon.json",
           "/etc/containerd/config.toml", "/etc/sysconfig/docker", "/usr/bin/containerd",
           "/usr/bin/containerd-shim", "/usr/bin/containerd-shim-runc-v1", "/usr/bin/containerd-shim-runc-v2",
           "/usr/sbin/runc")

COMMON = {
    "usr/sbin/dockerd": EXECUTABLE,
    "usr/bin/podman": EXECUTABLE,
    "usr/bin/crio": EXECUTABLE,
    "lib/systemd/system/docker.service": (
        "[Unit]\nDescription=Docker\n\n[Service]\nEnvironmentFile=-/etc/default/docker\n"
        "ExecStart=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS\n"),
    "lib/systemd/system/docker.socket": (
        "[Unit]\nDescription=Docker Socket for the API\n\n[Socket]\nListenStream=/run/docker.sock\n"
        "SocketMode=0660\nSocketUser=root\nSocketGroup=docker\n"),
    "usr/share/containers/seccomp.json": seccomp_profile(),
    "usr/share/containers/containers.conf": "# stock file: everything commented\n#[containers]\n#userns = \"host\"\n",
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n"
                  "dockremap:x:998:998::/:/usr/sbin/nologin\ncontainers:x:997:997::/:/usr/sbin/nologin\n",
    "etc/group": "root:x:0:\nnogroup:x:65534:\ndockremap:x:998:\ncontainers:x:997:\n",
    "sys/fs/cgroup/cgroup.controllers": "cpu memory pids\n",
}

HARDENED = dict(COMMON, **{
    "etc/docker/daemon.json": {
        "no-new-privileges": True, "seccomp-profile": "/etc/stockade/seccomp/no-compat.json",
        "selinux-enabled": True, "userns-remap": "default", "icc": False, "userland-proxy": False,
        "default-cgroupns-mode": "private",
        "runtimes": {"kata": {"runtimeType": "io.containerd.kata.v2"}},
        # the advisory CIS settings (operations and engine_access layers)
        "live-restore": True, "log-driver": "syslog", "authorization-plugins": ["authz-broker"],
        "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 4096, "Soft": 1024}},
        "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/cert.pem",
        "tlskey": "/etc/docker/tls/key.pem",
    },
    "etc/docker/tls/ca.pem": Mode("CA\n", 0o444),
    "etc/docker/tls/cert.pem": Mode("CERT\n", 0o444),
    "etc/docker/tls/key.pem": Mode("KEY\n", 0o400),
    "etc/docker/certs.d/registry.example:5000/ca.crt": Mode("CA\n", 0o444),
    "etc/docker/certs.d/registry.example:5000/client.key": Mode("KEY\n", 0o600),
    "etc/sysconfig/docker": "OPTIONS=\"\"\n",
    "etc/fstab": "/dev/vda1 / ext4 defaults 0 1\n/dev/vdb1 /var/lib/docker ext4 defaults 0 2\n",
    "var/lib/docker": DIRECTORY,
    "run/containerd/containerd.sock": "",
    "etc/containerd/config.toml": "version = 2\n",
    "usr/bin/containerd": EXECUTABLE,
    "usr/bin/containerd-shim": EXECUTABLE,
    "usr/bin/containerd-shim-runc-v1": EXECUTABLE,
    "usr/bin/containerd-shim-runc-v2": EXECUTABLE,
    "usr/sbin/runc": EXECUTABLE,
    "etc/audit/rules.d/50-docker.rules": "".join("-w %s -k docker\n" % path for path in AUDITED),
    "usr/bin/containerd-shim-kata-v2": EXECUTABLE,
    "usr/bin/kata-runtime": EXECUTABLE,
    "etc/stockade/seccomp/no-compat.json": seccomp_profile(compat=()),
    "etc/containers/containers.conf.d/50-stockade.conf": (
        '[containers]\nseccomp_profile = "/etc/stockade/seccomp/no-compat.json"\n'
        'userns = "auto"\nread_only = true\n'
        'default_capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", '
        '"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]\n'
        '\n[engine.runtimes]\nkata = ["/usr/bin/kata-runtime"]\n'),
    "etc/containers/storage.conf": '[storage]\ndriver = "overlay"\n[storage.options]\n'
                                   'root-auto-userns-user = "containers"\n',
    "etc/subuid": "dockremap:100000:65536\ncontainers:165536:65536\n",
    "etc/subgid": "dockremap:100000:65536\ncontainers:165536:65536\n",
    "etc/crio/crio.conf": '[crio.runtime]\nseccomp_profile = "/etc/stockade/seccomp/no-compat.json"\n'
                          'selinux = true\nread_only = true\n'
                          '[crio.runtime.runtimes.kata]\nruntime_path = "/usr/bin/kata-runtime"\n'
                          'runtime_type = "vm"\n',
    "etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=default\n",
    "sys/fs/selinux/enforce": "1",
    "sys/kernel/security/lsm": "lockdown,capability,selinux",
    "var/lib/selinux/default/active/modules/200/container/cil": "(type container_t)\n",
    "var/lib/selinux/default/active/modules/100/base/cil": "(type unconfined_t)\n",
    "sys/fs/selinux/booleans/container_manage_cgroup": "0 0",
    "sys/fs/selinux/booleans/container_use_devices": "0 0",
    "var/lib/selinux/default/active/booleans.local": "container_manage_cgroup=0\n",
    "proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro security=selinux selinux=1 "
                    "ia32_emulation=0 vsyscall=none\n",
    "etc/default/grub": 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX="security=selinux selinux=1 '
                        'ia32_emulation=0 vsyscall=none"\n',
    "etc/sysctl.d/90-stockade.conf": "".join(
        "%s = %s\n" % (k.replace("/", "."), v) for k, v in SYSCTL_GOOD.items()),
}, **{"proc/sys/" + k: v + "\n" for k, v in SYSCTL_GOOD.items()})

STOCK = dict(COMMON, **{
    "etc/crio/crio.conf": "[crio]\n[crio.runtime]\n",
    "etc/selinux/config": "SELINUX=disabled\nSELINUXTYPE=default\n",
    "sys/kernel/security/lsm": "lockdown,capability,apparmor",
    "proc/cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet\n",
    "etc/default/grub": 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n',
    "usr/lib/sysctl.d/50-default.conf": "fs.protected_symlinks = 1\nfs.protected_hardlinks = 1\n",
}, **{"proc/sys/" + k: v + "\n" for k, v in SYSCTL_STOCK.items()})


def write_tree(root, *layers):
    """Write the merged layers (later wins, None deletes) under `root`."""
    merged = {}
    for layer in layers:
        merged.update(layer)
    for path, content in sorted(merged.items()):
        if content is None:
            continue
        full = os.path.join(str(root), path)
        mode = owner = None
        if isinstance(content, Mode):
            content, mode, owner = content.content, content.mode, content.owner
        if content is DIRECTORY:
            os.makedirs(full, exist_ok=True)
        elif isinstance(content, Symlink):
            os.makedirs(os.path.dirname(full), exist_ok=True)
            os.symlink(content.target, full)
        elif content is EXECUTABLE:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as handle:
                handle.write("#!/bin/sh\n")
            os.chmod(full, 0o755)
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            data = json.dumps(content) if isinstance(content, (dict, list)) else content
            with open(full, "wb" if isinstance(data, bytes) else "w") as handle:
                handle.write(data)
        if mode is not None:
            os.chmod(full, mode)
        if owner is not None:
            os.chown(full, *owner)
    return str(root)


def daemon_json(**changes):
    """HARDENED's daemon.json with keys changed (underscores for dashes; None removes)."""
    config = dict(HARDENED["etc/docker/daemon.json"])
    for key, value in changes.items():
        key = key.replace("_", "-")
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return {"etc/docker/daemon.json": config}
