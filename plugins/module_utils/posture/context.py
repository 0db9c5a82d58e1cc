# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything the checks read, loaded once per audit and shared between them."""

from __future__ import annotations

import os

from .readers import accounts, audit_rules, selinux_state, subids
from .probe import container as container_probe
from .engines import docker_daemon, docker_listeners, engine_version, layered_config, live
from .abi import host_test as host_abi
from .readers.hostfs import ConfigError, HostRoot
from .readers.sysctl import persisted_values

# How the audit decides that an engine is installed under the root.
ENGINE_BINARIES = {"docker": "dockerd", "podman": "podman", "crio": "crio"}
LIVE_ENGINES = ("docker", "podman")


class _Lazy:
    """A per-context cache that also remembers errors, so a broken file is
    read once and reported by every control that depends on it."""

    def __init__(self, loader):
        self.loader = loader
        self.name = loader.__name__

    def __get__(self, ctx, owner=None):
        if ctx is None:
            return self
        cache = ctx.__dict__.setdefault("_lazy", {})
        if self.name not in cache:
            try:
                cache[self.name] = (True, self.loader(ctx))
            except Exception as exc:  # re-raised to each control that asks
                cache[self.name] = (False, exc)
        ok, value = cache[self.name]
        if not ok:
            raise value
        return value


class AuditContext:
    def __init__(self, root="/", live_mode="auto", machine=None, probe=None, may_import=True,
                 allowed_booleans=()):
        self.host = HostRoot(root)
        self.allowed_booleans = frozenset(allowed_booleans)  # the policy's selinux_booleans_allowed
        self.machine = machine or os.uname().machine
        if live_mode == "auto":
            self.live_enabled = self.host.is_live
        else:
            self.live_enabled = bool(live_mode) and self.host.is_live
        self._live = {}
        self._pending = None  # {engine: future of its live view}, once the queries started
        self._binaries = {}
        self.probe_request = probe      # a container_probe.ProbeRequest, or None
        self._may_import = may_import
        self._probes = {}
        self._host_abi = None
        self._versions = {}

    def engine_binary(self, engine):
        """Path of the engine's binary under the root, or None."""
        if engine == "host":
            return "/"
        if engine not in self._binaries:
            try:
                self._binaries[engine] = self.host.which(ENGINE_BINARIES[engine])
            except ConfigError as exc:  # cannot tell: every control of the engine says why
                self._binaries[engine] = exc
        found = self._binaries[engine]
        if isinstance(found, ConfigError):
            raise found
        return found

    def live(self, engine):
        """The engine's live view, or a LiveEngine whose reason says why not."""
        if engine not in self._live:
            if not self.live_enabled:
                reason = ("live checks need the audited root to be / (root is %s)" % self.host.root
                          if not self.host.is_live else "live checks were turned off")
                self._live[engine] = live.LiveEngine(engine, reason=reason)
            elif engine not in LIVE_ENGINES:
                self._live[engine] = live.LiveEngine(engine, reason="no live query for %s" % engine)
            else:
                self.start_live_queries()
                future = self._pending.get(engine)
                self._live[engine] = future.result() if future else live.LiveEngine(
                    engine, reason="%s is not installed" % engine)
        return self._live[engine]

    def use_live_view(self, view):
        """Judge `view` (a live.LiveEngine) as the running engine of this root,
        instead of asking one: replays recorded engine answers (tests, benchmarks)."""
        self.live_enabled = True
        if self._pending is None:
            self._pending = {}
        self._live[view.name] = view

    def start_live_queries(self):
        """Ask every installed engine at once, in the background: Docker over
        its API socket while Podman's one call starts up."""
        if self._pending is not None or not self.live_enabled:
            return
        jobs = {}
        if self.engine_binary("docker"):
            endpoint, reason = self.docker_endpoint()
            jobs["docker"] = lambda: live.query_docker(self.host, endpoint, reason)
        if self.engine_binary("podman"):
            binary = self.host.resolve(self.engine_binary("podman"))
            jobs["podman"] = lambda: live.query_podman(self.host, binary)
        self._pending = {}
        if jobs:
            from concurrent.futures import ThreadPoolExecutor  # live audits only
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                self._pending = {engine: pool.submit(job) for engine, job in jobs.items()}
                # leaving the block waits for both; the futures keep their results

    def docker_endpoint(self):
        """(docker_api.Endpoint or None, reason) for the daemon under this root."""
        from .engines import docker_api  # live audits only: it imports http.client
        try:
            config = self.docker
            listeners = docker_listeners.listeners(self.host, config)
            tls = docker_listeners.tls_enabled(config)
        except ConfigError as exc:  # the CLI's default socket is still worth asking
            listeners, tls = [], False
            note = "%s: %s" % (exc.path, exc.cause)
            endpoint, reason = docker_api.choose_endpoint(listeners)
            if endpoint is not None:
                endpoint.origin += "; dockerd's own listeners unknown (%s)" % note
            return endpoint, reason
        return docker_api.choose_endpoint(listeners, daemon_tls=tls)

    def probe_view(self, engine):
        """The inside view of a probe container on `engine` (run once per audit)."""
        if engine not in self._probes:
            view = self.live(engine)
            if self.probe_request is None:
                self._probes[engine] = container_probe.ProbeView(
                    engine, reason="container probe not requested (stockade-audit --probe)")
            elif not view.available:
                self._probes[engine] = container_probe.ProbeView(engine, reason=view.reason)
            else:
                self._probes[engine] = container_probe.run_probe(
                    engine, self.probe_request, may_import=self._may_import)
        return self._probes[engine]

    def probe_view_if_run(self, engine):
        """The probe view if a control already asked for it, else None."""
        return self._probes.get(engine)

    def live_view_if_asked(self, engine):
        """The live view if a control already asked for it, else None."""
        return self._live.get(engine)

    def engine_version(self, engine):
        """engine_version.EngineVersion of `engine` ('docker' or 'podman'), or None when
        neither the running engine nor the package database says. Raises ConfigError
        (each time it is asked) when the package database cannot be read."""
        if engine not in self._versions:
            view = self.live(engine)
            try:
                found = engine_version.from_info(engine, view.info) if view.available else None
                self._versions[engine] = found or engine_version.from_packages(engine, self.host)
            except ConfigError as exc:
                self._versions[engine] = exc
        found = self._versions[engine]
        if isinstance(found, ConfigError):
            raise found
        return found

    def host_abi(self):
        """The running kernel's treatment of 32-bit code (probe/host_abi.py), run once
        per audit; None unless live checks run on an x86-64 host whose root is /
        (replayed engine answers, use_live_view, do not make a tree live)."""
        if self._host_abi is None and self.live_enabled and self.host.is_live and self.machine == "x86_64":
            self._host_abi = host_abi.probe_host()
        return self._host_abi

    @_Lazy
    def docker(self):
        return docker_daemon.load(self.host)

    @_Lazy
    def podman(self):
        return layered_config.containers_conf(self.host)

    @_Lazy
    def crio(self):
        return layered_config.crio_conf(self.host)

    @_Lazy
    def selinux(self):
        return selinux_state.read_state(self.host)

    @_Lazy
    def subids(self):
        return subids.SubidFiles(self.host)

    @_Lazy
    def persisted_sysctls(self):
        return persisted_values(self.host)

    @_Lazy
    def audit_file_watches(self):
        return audit_rules.file_watches(self.host)

    @_Lazy
    def audit_kernel_watches(self):
        return audit_rules.kernel_watches()

    @_Lazy
    def owner_names(self):
        return accounts.owner_names(self.host)
