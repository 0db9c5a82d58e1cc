# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Questions to a running engine: its info and its running containers.

Only asked when the audited root is `/`, and without engine CLI start-ups
where possible: dockerd is asked over its own API socket (docker_api: one
request for /info, one for the container list, the inspects in parallel),
Podman with one `podman container inspect` (podman_containers). Each
container the engine reports is then matched (by id, else by its init pid) to
the audit's one read of /proc (kernel_containers): its processes' status,
mounts, LSM labels and namespaces, because that is what really confines it.
"""

from __future__ import annotations

import posixpath

from . import kernel_containers, podman_containers
from ..readers.hostfs import ConfigError

INSPECT_THREADS = 8


class LiveEngine:
    """A reachable engine, or the reason it is not."""

    def __init__(self, name, info=None, containers=None, reason=None, source=None):
        self.name = name
        self.info = info or {}
        self.containers = containers or []
        self.reason = reason
        self.source = source  # how the engine was asked

    @property
    def available(self):
        return self.reason is None


class Mount:
    """One mount of a container, as the engine reports it."""

    def __init__(self, raw):
        self.type = str(raw.get("Type") or "")
        self.source = str(raw.get("Source") or "")
        self.destination = str(raw.get("Destination") or "")
        self.rw = bool(raw.get("RW"))
        self.propagation = str(raw.get("Propagation") or "")

    def describe(self):
        return "%s:%s (%s%s)" % (self.source, self.destination, "rw" if self.rw else "ro",
                                 ", " + self.propagation if self.propagation else "")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class Container:
    """What the controls need from one running container: the engine's
    inspect document (Docker's shape; Podman's inspect has the same fields)
    and the kernel's view of its init process."""

    def __init__(self, raw, kernel=None):
        self.raw = raw
        host_config = raw.get("HostConfig") or {}
        config = raw.get("Config") or {}
        self.full_id = str(raw.get("Id") or "")
        self.id = self.full_id[:12]
        self.name = str(raw.get("Name") or "").lstrip("/") or self.id
        self.pid = _int((raw.get("State") or {}).get("Pid"))
        self.privileged = bool(host_config.get("Privileged"))
        self.security_opt = [str(o) for o in host_config.get("SecurityOpt") or []]
        self.cap_add = [str(c).upper().replace("CAP_", "") for c in host_config.get("CapAdd") or []]
        self.pid_mode = str(host_config.get("PidMode") or "")
        self.network_mode = str(host_config.get("NetworkMode") or "")
        self.ipc_mode = str(host_config.get("IpcMode") or "")
        self.uts_mode = str(host_config.get("UTSMode") or "")
        self.userns_mode = str(host_config.get("UsernsMode") or "")
        self.readonly_rootfs = bool(host_config.get("ReadonlyRootfs"))
        # Docker empties both lists for systempaths=unconfined (None: not reported)
        self.masked_paths = host_config.get("MaskedPaths")
        self.readonly_paths = host_config.get("ReadonlyPaths")
        self.engine_mounts = [Mount(m) for m in raw.get("Mounts") or [] if isinstance(m, dict)]
        self.devices = [d for d in host_config.get("Devices") or [] if isinstance(d, dict)]
        self.memory = _int(host_config.get("Memory"))
        self.cpu = {key: host_config.get(key) for key in (
            "CpuShares", "NanoCpus", "CpuQuota", "CpusetCpus", "CpuRealtimeRuntime")}
        self.pids_limit = _int(host_config.get("PidsLimit"))
        self.cgroup_parent = str(host_config.get("CgroupParent") or "")
        policy = host_config.get("RestartPolicy") or {}
        self.restart_policy = (str(policy.get("Name") or ""), _int(policy.get("MaximumRetryCount")))
        health = config.get("Healthcheck") or {}
        test = health.get("Test") or []
        self.healthcheck = bool(test) and test[0] != "NONE"
        self.apparmor_profile = str(raw.get("AppArmorProfile") or "")
        self.ports = _published_ports(raw)
        self.ulimits = [u for u in host_config.get("Ulimits") or [] if isinstance(u, dict)]
        networks = (raw.get("NetworkSettings") or {}).get("Networks") or {}
        # attached networks only: dockerd lists "bridge" with no NetworkID when it runs without one (-b none)
        self.networks = sorted(name for name, network in networks.items()
                               if isinstance(network, dict) and network.get("NetworkID")) \
            if isinstance(networks, dict) else []
        # the OCI runtime's name: Podman's OCIRuntime (its HostConfig.Runtime is always "oci"), Docker's HostConfig
        self.runtime = str(raw.get("OCIRuntime") or host_config.get("Runtime") or "")
        self.labels = config.get("Labels") if isinstance(config.get("Labels"), dict) else {}
        kernel = kernel or NO_KERNEL_VIEW
        self.kernel = kernel
        self.proc_status = kernel.status     # {field: value} of the init process, or {}
        self.mounts = kernel.mounts          # {mount point: per-mount options} in its mount namespace, or {}
        self.process_label = kernel.label    # attr/current of the init process (SELinux), or None
        self.process_names = kernel.names    # comm of every process of the container (init first)
        self.shared_namespaces = kernel.shared_namespaces
        self.sandbox = kernel.sandbox        # "gVisor" when the kernel shows a runsc sandbox

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


def _published_ports(raw):
    """[(host ip, host port, container port/protocol)] actually bound."""
    ports = (raw.get("NetworkSettings") or {}).get("Ports") or {}
    found = []
    if isinstance(ports, dict):
        for inside, bindings in sorted(ports.items()):
            for binding in bindings or []:
                if isinstance(binding, dict) and binding.get("HostPort"):
                    found.append((str(binding.get("HostIp") or ""), _int(binding.get("HostPort")), inside))
    return found


class KernelView:
    """/proc's view of a container's processes (init first), taken from the
    audit's one read of /proc (kernel_containers)."""

    def __init__(self, status, mounts, label, names, shared_namespaces=None, apparmor=None, sandbox=None,
                 processes=(), uid_map=None, found=None):
        self.status = status
        self.mounts = mounts
        self.label = label            # attr/current of the init, stripped (the SELinux context)
        self.names = names
        # {kind: (namespace, reference process)} for each of pid/net/ipc/uts the
        # process shares with the host (None: could not be compared)
        self.shared_namespaces = shared_namespaces
        self.apparmor = apparmor      # (label, mode) from attr/apparmor/current, or None
        self.sandbox = sandbox        # kernel_containers.GVISOR when the init is a gVisor sandbox
        self.processes = list(processes)  # processes.Process of the container, init first
        self.uid_map = uid_map        # the init's user namespace uid_map as the host reads it
        self.found = found            # the kernel_containers.KernelContainer, or None


NO_KERNEL_VIEW = KernelView({}, {}, None, [])


def kernel_view_of(scan, container, pid=None):
    """The KernelView of a kernel_containers.KernelContainer, with `pid` (the
    engine's State.Pid, when it is one of its processes) as the init."""
    if container is None:
        return NO_KERNEL_VIEW
    key = (container.key, pid)
    if key not in scan.views:
        scan.views[key] = _kernel_view(scan, container, pid)
    return scan.views[key]


def _kernel_view(scan, container, pid):
    processes = list(container.processes)
    chosen = [p for p in processes if p.pid == pid]
    if chosen and chosen[0] is not processes[0]:
        processes.remove(chosen[0])
        processes.insert(0, chosen[0])
    init = processes[0]
    scan.table.read_details(init, namespaces=True)  # the engine's init, if not the one the scan chose
    label = (init.attr_current or "").strip("\x00\n ") or None
    return KernelView(init.status, scan.mounts(init), label, [p.name for p in processes if p.name],
                      container.shared_namespaces(), apparmor=init.apparmor_label(), sandbox=container.sandbox,
                      processes=processes, uid_map=scan.uid_map(init), found=container)


def kernel_view(host, pid, reference=(None, None)):
    """The KernelView of the container whose init is `pid` (a whole read of
    /proc: the audit itself reads it once, AuditContext.kernel_containers)."""
    if not pid:
        return NO_KERNEL_VIEW
    scan = kernel_containers.read(posixpath.join(host.root, "proc"))
    return kernel_view_of(scan, scan.container_of_pid(pid), pid)


def _containers(host, documents, engine, scan=None):
    """Container objects for the engine's inspect `documents`, each with the
    kernel's view of it from `scan` (a kernel_containers.KernelScan; read now when None)."""
    if scan is None:
        scan = kernel_containers.read(posixpath.join(host.root, "proc"))
    found = []
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        pid = _int((doc.get("State") or {}).get("Pid"))
        container = scan.find(engine, str(doc.get("Id") or ""), pid)
        found.append(Container(doc, kernel_view_of(scan, container, pid)))
    return found


def query_docker(host, endpoint, reason=None, kernel=None):
    """dockerd's /info and running containers over its API `endpoint`; `kernel()`
    gives the audit's KernelScan (read once, while dockerd answers)."""
    # imported here: an offline audit needs neither (http.client alone takes
    # half a second to import on a slow host)
    from concurrent.futures import ThreadPoolExecutor
    from . import docker_api
    if endpoint is None:
        return LiveEngine("docker", reason=reason or "no dockerd endpoint")
    api = docker_api.DockerApi(endpoint)
    try:
        info = api.get("/info")
        listed = api.get("/containers/json")
        if not isinstance(listed, list):
            raise docker_api.ApiError("dockerd's container list is not a list")
        ids = [str(entry.get("Id")) for entry in listed if isinstance(entry, dict) and entry.get("Id")]
        with ThreadPoolExecutor(max_workers=max(1, min(INSPECT_THREADS, len(ids)))) as pool:
            documents = list(pool.map(lambda cid: _inspect_running(api, cid), ids))
    except docker_api.ApiError as exc:
        return LiveEngine("docker", reason=str(exc))
    documents = [doc for doc in documents if doc is not None]
    return LiveEngine("docker", info=info if isinstance(info, dict) else {},
                      containers=_containers(host, documents, "docker", kernel() if kernel else None),
                      source="dockerd API at %s" % endpoint.describe())


def _inspect_running(api, container_id):
    """The inspect document, or None when the container went away meanwhile."""
    from . import docker_api
    try:
        return api.get("/containers/%s/json" % container_id)
    except docker_api.ApiError as exc:
        if "HTTP 404" in str(exc):
            return None
        raise


def query_podman(host, binary, environ=None, kernel=None):
    """Podman's running containers with one `podman container inspect`."""
    if binary is None:
        return LiveEngine("podman", reason="the podman command is not installed")
    try:
        documents = podman_containers.running_containers(host, binary, environ)
    except podman_containers.PodmanError as exc:
        return LiveEngine("podman", reason="podman is not reachable: %s" % exc)
    except ConfigError as exc:
        return LiveEngine("podman", reason="%s: %s" % (exc.path, exc.cause))
    return LiveEngine("podman", containers=_containers(host, documents, "podman", kernel() if kernel else None),
                      source="%s container inspect (one call)" % posixpath.basename(binary))


def security_options(info):
    """Docker's `docker info` SecurityOptions as {name: {key: value}}."""
    options = {}
    for entry in info.get("SecurityOptions") or []:
        fields = dict(part.partition("=")[::2] for part in str(entry).split(","))
        name = fields.pop("name", None)
        if name:
            options[name] = fields
    return options
