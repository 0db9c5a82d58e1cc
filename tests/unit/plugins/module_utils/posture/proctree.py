# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write /proc trees of a host with containers, file by file as the kernel
shows them (fs/proc/array.c status and stat, cgroup, NUL-separated cmdline,
mountinfo, uid_map, attr/*, ns/* links), for the kernel view's tests and
bench/kernel_view_speed.py.

The shapes are those measured on this machine (Docker 20.10 and Podman 4.3 on
hybrid cgroups, runsc 20240729) and read from the engines' sources for the
others: /work/notes/rootless/notes.md sections 3.8 and 4."""

import os

HOST_NS = {"pid": 4026531836, "net": 4026531840, "ipc": 4026531839, "uts": 4026531838, "mnt": 4026531841,
           "user": 4026531837, "cgroup": 4026531835}
ALL_CAPS = "000001ffffffffff"
DOCKER_CAPS = "00000000a80425fb"       # Docker's default set, as a Docker container's CapEff
PODMAN_CAPS = "00000000800405fb"       # Podman's default set
IDENTITY = "         0          0 4294967295\n"
CONTAINER_MOUNTS = (
    "100 90 0:50 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n"
    "101 100 0:51 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "102 100 0:52 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro\n"
    "103 101 0:51 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
)
HOST_MOUNTS = (
    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
    "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
)
SANDBOX_MOUNTS = "300 299 0:60 / / ro,relatime - tmpfs runsc-root ro,mode=755\n"


def hex_id(seed):
    """A 64-hex container id made from `seed`."""
    text = "".join("%02x" % ((ord(c) * 7 + i * 13) % 256) for i, c in enumerate((str(seed) * 64)[:32]))
    return text[:64]


class ProcTree:
    """A fake /proc under `root` (root/proc/<pid>/...)."""

    def __init__(self, root, proc_mount_options="rw"):
        self.root = str(root)
        self.proc = os.path.join(self.root, "proc")
        self._ns_counter = 4026532000
        os.makedirs(os.path.join(self.proc, "self"), exist_ok=True)
        with open(os.path.join(self.proc, "self", "mountinfo"), "w") as handle:
            handle.write(HOST_MOUNTS.replace("proc proc rw\n", "proc proc %s\n" % proc_mount_options))

    def new_namespaces(self, *kinds):
        """Fresh namespace inodes for `kinds`, the host's for the rest."""
        found = dict(HOST_NS)
        for kind in kinds:
            self._ns_counter += 1
            found[kind] = self._ns_counter
        return found

    def process(self, pid, ppid, name, argv, cgroup="0::/\n", uid=0, seccomp="0", filters="0", nnp="0",
                cap_eff=ALL_CAPS, cap_bnd=ALL_CAPS, uid_map=IDENTITY, mountinfo=HOST_MOUNTS, attr_current=None,
                apparmor_current=None, namespaces=None, state="S (sleeping)", kthread=False, flags=0x400100,
                starttime=None, kthread_field=True, files=None):
        """Write one process; `cgroup` is the file's text (hybrid hosts list v1 lines too)."""
        base = os.path.join(self.proc, str(pid))
        os.makedirs(os.path.join(base, "attr", "apparmor"), exist_ok=True)
        os.makedirs(os.path.join(base, "ns"), exist_ok=True)
        status = ["Name:\t%s" % name[:15], "Umask:\t0022", "State:\t%s" % state, "Tgid:\t%d" % pid,
                  "Ngid:\t0", "Pid:\t%d" % pid, "PPid:\t%d" % ppid, "TracerPid:\t0",
                  "Uid:\t%d\t%d\t%d\t%d" % ((uid,) * 4), "Gid:\t%d\t%d\t%d\t%d" % ((uid,) * 4),
                  "NSpid:\t%d" % pid]
        if kthread_field:
            status.append("Kthread:\t%d" % (1 if kthread else 0))
        status += ["CapInh:\t0000000000000000", "CapPrm:\t%s" % cap_eff, "CapEff:\t%s" % cap_eff,
                   "CapBnd:\t%s" % cap_bnd, "CapAmb:\t0000000000000000", "NoNewPrivs:\t%s" % nnp,
                   "Seccomp:\t%s" % seccomp, "Seccomp_filters:\t%s" % filters,
                   "Speculation_Store_Bypass:\tthread vulnerable", "Cpus_allowed:\t3"]
        contents = {
            "status": "\n".join(status) + "\n",
            "stat": "%d (%s) %s %d %d %d 0 -1 %d 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0\n" % (
                pid, name[:15], state[0], ppid, pid, pid, flags | (0x00200000 if kthread else 0),
                starttime if starttime is not None else 1000 + pid),
            "cgroup": cgroup,
            "cmdline": "".join(arg + "\0" for arg in argv),
            "uid_map": uid_map,
            "mountinfo": mountinfo,
            # /proc/PID/mounts, as the audit before the kernel view read it (bench/kernel_view_speed.py)
            "mounts": "".join("%s %s %s\n" % (line.split(" - ")[1].split(" ")[1], line.split(" ")[4],
                                              " ".join([line.split(" - ")[1].split(" ")[0],
                                                        line.split(" ")[5], "0 0"]))
                              for line in mountinfo.splitlines() if " - " in line),
        }
        if attr_current is not None:
            contents["attr/current"] = attr_current
        if apparmor_current is not None:
            contents["attr/apparmor/current"] = apparmor_current
        contents.update(files or {})
        for relative, text in contents.items():
            if text is None:
                continue
            with open(os.path.join(base, relative), "w") as handle:
                handle.write(text)
        for kind, inode in (namespaces or HOST_NS).items():
            link = os.path.join(base, "ns", kind)
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink("%s:[%d]" % (kind, inode), link)
        return pid

    # Shapes of the host's and the engines' processes ------------------------------------

    def host_basics(self, cgroup="0::/init.scope\n"):
        """PID 1, kthreadd and a kernel thread, an ssh session."""
        self.process(1, 0, "init", ["/sbin/init"], cgroup=cgroup)
        self.process(2, 0, "kthreadd", [], kthread=True)
        self.process(3, 2, "rcu_gp", [], kthread=True)
        self.process(4, 2, "kworker/0:0", [], kthread=True, kthread_field=False)  # a 6.1 kernel: stat flags only
        self.process(50, 1, "sshd", ["sshd: root@pts/0"], cgroup="0::/system.slice/ssh.service\n")

    def container_init(self, pid, ppid, cgroup, name="busybox", argv=("/bin/busybox", "sleep", "600"), uid=0,
                       uid_map=IDENTITY, caps=DOCKER_CAPS, new_ns=("pid", "net", "ipc", "uts", "mnt"), **extra):
        """A runc/crun container's init: seccomp filter, its own namespaces, read-only /sys and /proc/sys."""
        settings = dict(seccomp="2", filters="1", nnp="1", cap_eff=caps, cap_bnd=caps, uid_map=uid_map,
                        mountinfo=CONTAINER_MOUNTS, namespaces=self.new_namespaces(*new_ns))
        settings.update(extra)
        return self.process(pid, ppid, name, list(argv), cgroup=cgroup, uid=uid, **settings)

    def shim(self, pid, namespace, container_id, uid=0, cgroup="0::/system.slice/containerd.service\n",
             address="/run/containerd/containerd.sock"):
        return self.process(pid, 1, "containerd-shim", [
            "/usr/bin/containerd-shim-runc-v2", "-namespace", namespace, "-id", container_id,
            "-address", address], cgroup=cgroup, uid=uid)

    def conmon(self, pid, container_id, uid=0, cgroup="0::/\n", podman=True, runtime="/usr/bin/runc"):
        argv = ["/usr/bin/conmon", "--api-version", "1", "-c", container_id, "-u", container_id, "-r", runtime,
                "-b", "/var/lib/containers/storage/overlay-containers/%s/userdata" % container_id,
                "-p", "/run/containers/storage/overlay-containers/%s/userdata/pidfile" % container_id]
        if podman:
            argv += ["--exit-command", "/usr/bin/podman", "--exit-command-arg", "--root"]
        else:
            argv += ["--syslog", "--socket-dir-path", "/var/run/crio"]
        return self.process(pid, 1, "conmon", argv, cgroup=cgroup, uid=uid)

    def runsc_sandbox(self, pid, ppid, cgroup, container_id, gofer_pid=None, stub_pids=(), gofer_ppid=None):
        """A gVisor sandbox as the host sees it (notes 3.8): runsc-sandbox (comm exe), its gofer, its stubs."""
        self.process(pid, ppid, "exe", ["runsc-sandbox", "--root=/run/docker/runtime-runc/moby",
                                        "--platform=systrap", "boot", "--apply-caps=false",
                                        "--bundle=/run/bundle/%s" % container_id, container_id],
                     cgroup=cgroup, seccomp="2", filters="1", nnp="1", cap_eff="00000000a80c25ff",
                     mountinfo=SANDBOX_MOUNTS, namespaces=self.new_namespaces("user", "mnt", "net", "ipc", "uts"))
        if gofer_pid:
            self.process(gofer_pid, gofer_ppid or ppid, "exe", ["runsc-gofer", "--root=/run/x", "gofer",
                                                                "--bundle=/run/bundle/%s" % container_id],
                         cgroup=cgroup, seccomp="2", filters="1", nnp="1", cap_eff="000000000004001f",
                         mountinfo=SANDBOX_MOUNTS, namespaces=self.new_namespaces("pid", "mnt"))
        for stub in stub_pids:
            self.process(stub, pid, "exe", [], cgroup=cgroup, seccomp="2", filters="2", nnp="1",
                         cap_eff="0000000000000000", mountinfo=SANDBOX_MOUNTS)
        return pid
