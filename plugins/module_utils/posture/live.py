# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Questions to a running engine: its info and its running containers.

Only asked when the audited root is `/`. Each engine is asked with argv lists
and timeouts, all containers in one `inspect` (not one per container per
check), and the kernel's own view of each container's init process
(/proc/PID/status) is read, because that is what really confines it.
"""

from __future__ import annotations

import json
import shutil
import subprocess

TIMEOUT_SECONDS = 20


class LiveEngine:
    """A reachable engine, or the reason it is not."""

    def __init__(self, name, info=None, containers=None, reason=None):
        self.name = name
        self.info = info or {}
        self.containers = containers or []
        self.reason = reason

    @property
    def available(self):
        return self.reason is None


class Container:
    """What the controls need from one running container."""

    def __init__(self, raw, proc_status, mounts):
        self.raw = raw
        host_config = raw.get("HostConfig") or {}
        self.id = (raw.get("Id") or "")[:12]
        self.name = (raw.get("Name") or "").lstrip("/") or self.id
        self.privileged = bool(host_config.get("Privileged"))
        self.security_opt = [str(o) for o in host_config.get("SecurityOpt") or []]
        self.cap_add = [str(c).upper().replace("CAP_", "") for c in host_config.get("CapAdd") or []]
        self.pid_mode = host_config.get("PidMode") or ""
        self.network_mode = host_config.get("NetworkMode") or ""
        self.userns_mode = host_config.get("UsernsMode") or ""
        self.readonly_rootfs = bool(host_config.get("ReadonlyRootfs"))
        # Docker empties both lists for systempaths=unconfined (None: not reported)
        self.masked_paths = host_config.get("MaskedPaths")
        self.readonly_paths = host_config.get("ReadonlyPaths")
        self.proc_status = proc_status  # {field: value} of the init process, or {}
        self.mounts = mounts            # {mount point: options} in its mount namespace, or {}

    def label(self):
        return "%s (%s)" % (self.name, self.id)

    def opt(self, key):
        """Value of a --security-opt key ('seccomp', 'label', 'no-new-privileges')."""
        value = None
        for opt in self.security_opt:
            name, sep, val = opt.replace(":", "=", 1).partition("=")
            if name == key:
                value = val if sep else "true"
        return value


def _run(argv):
    completed = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=TIMEOUT_SECONDS, check=False)
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(message[-1] if message else "exit status %d" % completed.returncode)
    return completed.stdout.decode("utf-8", "replace")


def _proc_status(host, pid):
    if not pid:
        return {}
    try:
        text = host.read_text("/proc/%d/status" % int(pid))
    except Exception:  # the process may have exited between inspect and read
        return {}
    fields = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key] = value.strip()
    return fields


def _proc_mounts(host, pid):
    """{mount point: [options]} as the container's init process sees them."""
    if not pid:
        return {}
    try:
        text = host.read_text("/proc/%d/mounts" % int(pid))
    except Exception:  # the process may have exited
        return {}
    mounts = {}
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) >= 4:
            mounts[fields[1]] = fields[3].split(",")
    return mounts


def query(host, name):
    """Ask engine `name` ('docker' or 'podman') about itself and its containers."""
    binary = shutil.which(name)
    if binary is None:
        return LiveEngine(name, reason="the %s command is not on PATH" % name)
    info_format = "{{json .}}" if name == "docker" else "json"
    try:
        info = json.loads(_run([binary, "info", "--format", info_format]))
        ids = _run([binary, "ps", "-q", "--no-trunc"]).split()
        raw = json.loads(_run([binary, "inspect", "--type", "container"] + ids)) if ids else []
    except subprocess.TimeoutExpired:
        return LiveEngine(name, reason="%s did not answer within %d s" % (name, TIMEOUT_SECONDS))
    except (RuntimeError, OSError) as exc:
        return LiveEngine(name, reason="%s is not reachable: %s" % (name, exc))
    except ValueError as exc:
        return LiveEngine(name, reason="%s returned unreadable JSON: %s" % (name, exc))
    containers = []
    for entry in raw:
        if isinstance(entry, dict):
            pid = (entry.get("State") or {}).get("Pid")
            containers.append(Container(entry, _proc_status(host, pid), _proc_mounts(host, pid)))
    return LiveEngine(name, info=info if isinstance(info, dict) else {}, containers=containers)


def security_options(info):
    """Docker's `docker info` SecurityOptions as {name: {key: value}}."""
    options = {}
    for entry in info.get("SecurityOptions") or []:
        fields = dict(part.partition("=")[::2] for part in str(entry).split(","))
        name = fields.pop("name", None)
        if name:
            options[name] = fields
    return options
