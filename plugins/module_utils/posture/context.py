# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything the checks read, loaded once per audit and shared between them."""

from __future__ import annotations

import functools
import os
import posixpath

from .readers import accounts, apparmor, audit_rules, selinux_state, subids
from .probe import container as container_probe
from .engines import docker_daemon, docker_listeners, engine_version, kernel_containers, layered_config, live, rootless
from .abi import host_test
from .readers.hostfs import ConfigError, HostRoot
from .readers.sysctl import persisted_values

# How the audit decides that an engine is installed under the root.
ENGINE_BINARIES = {"docker": "dockerd", "podman": "podman", "crio": "crio"}
LIVE_ENGINES = ("docker", "podman")


class Answers:
    """What one audit has worked out, by question and argument. An error is
    kept like an answer and raised again to each control that asks, so a
    broken file is read once and reported by every control that depends on it."""

    def __init__(self):
        self._kept = {}

    def get(self, question, args, work):
        key = (question,) + tuple(args)
        if key not in self._kept:
            try:
                self._kept[key] = (True, work())
            except Exception as exc:  # re-raised to each control that asks
                self._kept[key] = (False, exc)
        ok, value = self._kept[key]
        if not ok:
            raise value
        return value

    def keep(self, question, args, value):
        """Take `value` as the answer, whatever was worked out before."""
        self._kept[(question,) + tuple(args)] = (True, value)

    def kept(self, question, args):
        """The answer if a control already asked and it was not an error, else None."""
        ok, value = self._kept.get((question,) + tuple(args), (False, None))
        return value if ok else None


def remembered(method):
    """The one cache of AuditContext: `method(ctx, *args)` runs once per
    context and arguments; its answer, or its error, is kept in ctx.answers.
    Under @property it caches an attribute."""
    @functools.wraps(method)
    def answer(ctx, *args):
        return ctx.answers.get(method.__name__, args, lambda: method(ctx, *args))
    return answer


class AuditContext:
    def __init__(self, root="/", live_mode="auto", machine=None, probe=None, may_import=True,
                 allowed_booleans=(), sandbox_required=None, rootless_users=(), mac="selinux"):
        self.host = HostRoot(root)
        self.mac = mac  # the policy's mac: the MAC layer the host is held to (selinux or apparmor)
        self.rootless_names = tuple(rootless_users)  # the policy's rootless_users
        self.allowed_booleans = frozenset(allowed_booleans)  # the policy's selinux_booleans_allowed
        self.sandbox_required = sandbox_required  # the policy's sandbox_required (policy/sandbox_rule.SandboxRule)
        self.machine = machine or os.uname().machine
        if live_mode == "auto":
            self.live_enabled = self.host.is_live
        else:
            self.live_enabled = bool(live_mode) and self.host.is_live
        self.answers = Answers()
        self.probe_request = probe      # a container_probe.ProbeRequest, or None
        self._may_import = may_import

    @remembered
    def engine_binary(self, engine):
        """Path of the engine's binary under the root, or None (a ConfigError
        when it cannot be told: every control of the engine says why)."""
        if engine == "host":
            return "/"
        return self.host.which(ENGINE_BINARIES[engine])

    @remembered
    def live(self, engine):
        """The engine's live view, or a LiveEngine whose reason says why not."""
        if not self.live_enabled:
            reason = ("live checks need the audited root to be / (root is %s)" % self.host.root
                      if not self.host.is_live else "live checks were turned off")
            return live.LiveEngine(engine, reason=reason)
        if engine not in LIVE_ENGINES:
            return live.LiveEngine(engine, reason="no live query for %s" % engine)
        future = self.start_live_queries().get(engine)
        return future.result() if future else live.LiveEngine(engine, reason="%s is not installed" % engine)

    def use_live_view(self, view):
        """Judge `view` (a live.LiveEngine) as the running engine of this root,
        instead of asking one: replays recorded engine answers (tests, benchmarks)."""
        self.live_enabled = True
        if self.answers.kept("start_live_queries", ()) is None:
            self.answers.keep("start_live_queries", (), {})  # ask no real engine
        self.answers.keep("live", (view.name,), view)

    @remembered
    def start_live_queries(self):
        """Ask every installed engine at once, in the background: Docker over
        its API socket while Podman's one call starts up. Once per audit;
        {engine: future of its live view}."""
        jobs = {}
        if self.engine_binary("docker"):
            endpoint, reason = self.docker_endpoint()
            jobs["docker"] = lambda kernel: live.query_docker(self.host, endpoint, reason, kernel=kernel)
        if self.engine_binary("podman"):
            binary = self.host.resolve(self.engine_binary("podman"))
            jobs["podman"] = lambda kernel: live.query_podman(self.host, binary, kernel=kernel)
        from concurrent.futures import ThreadPoolExecutor  # live audits only
        with ThreadPoolExecutor(max_workers=len(jobs) + 1) as pool:
            # /proc is read once, while the engines answer; each engine's
            # containers are matched to it when its answer is in
            scan = pool.submit(self._read_proc)
            pending = {engine: pool.submit(job, scan.result) for engine, job in jobs.items()}
            # leaving the block waits for all; the futures keep their results
        self.answers.get("kernel_containers", (), scan.result)
        return pending

    def _read_proc(self):
        return kernel_containers.read(posixpath.join(self.host.root, "proc"))

    def kernel_containers(self):
        """Every container on the host as the kernel shows it (kernel_containers.KernelScan),
        from one read of /proc per audit; None when live checks do not run."""
        if not self.live_enabled:
            return None
        if self.answers.kept("start_live_queries", ()) is None:
            self.start_live_queries()  # reads /proc alongside the engines' answers
        return self.answers.get("kernel_containers", (), self._read_proc)

    def unreported_containers(self):
        """(containers no available engine reported, [engines asked]) from kernel_containers()."""
        scan = self.kernel_containers()
        reported, asked = set(), []
        for engine in LIVE_ENGINES:
            view = self.live(engine)
            if not view.available:
                continue
            asked.append(engine)
            for container in view.containers:
                if container.kernel.found is not None:
                    reported.add(container.kernel.found.key)
        return [c for c in scan.containers if c.key not in reported], asked

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

    @remembered
    def probe_view(self, engine):
        """The inside view of a probe container on `engine` (run once per audit)."""
        view = self.live(engine)
        if self.probe_request is None:
            return container_probe.ProbeView(
                engine, reason="container probe not requested (stockade-audit --probe)")
        if not view.available:
            return container_probe.ProbeView(engine, reason=view.reason)
        return container_probe.run_probe(engine, self.probe_request, may_import=self._may_import)

    @remembered
    def sandbox_probe_view(self, engine, runtime):
        """The inside view of a probe container run on `engine` with its runtime
        `runtime` (a sandbox's), once per audit."""
        view = self.live(engine)
        if self.probe_request is None:
            return container_probe.ProbeView(
                engine, reason="container probe not requested (stockade-audit --probe)")
        if not view.available:
            return container_probe.ProbeView(engine, reason=view.reason)
        return container_probe.run_probe(engine, self.probe_request, may_import=self._may_import, runtime=runtime)

    def probe_view_if_run(self, engine):
        """The probe view if a control already asked for it, else None."""
        return self.answers.kept("probe_view", (engine,))

    def live_view_if_asked(self, engine):
        """The live view if a control already asked for it, else None."""
        return self.answers.kept("live", (engine,))

    @remembered
    def engine_version(self, engine):
        """engine_version.EngineVersion of `engine` ('docker' or 'podman'), or None when
        neither the running engine nor the package database says. Raises ConfigError
        (each time it is asked) when the package database cannot be read."""
        view = self.live(engine)
        found = engine_version.from_info(engine, view.info) if view.available else None
        return found or engine_version.from_packages(engine, self.host)

    def host_abi_test(self):
        """The running kernel's own treatment of 32-bit code (abi/host_test.py), run
        once per audit; None unless live checks run on an x86-64 host whose root is /
        (replayed engine answers, use_live_view, do not make a tree live)."""
        if self.live_enabled and self.host.is_live and self.machine == "x86_64":
            return self._run_host_abi_test()
        return None

    @remembered
    def _run_host_abi_test(self):
        return host_test.run_host_test()

    @property
    @remembered
    def docker(self):
        return docker_daemon.load(self.host)

    @property
    @remembered
    def podman(self):
        return layered_config.containers_conf(self.host)

    @property
    @remembered
    def crio(self):
        return layered_config.crio_conf(self.host)

    @property
    @remembered
    def selinux(self):
        return selinux_state.read_state(self.host)

    @property
    @remembered
    def apparmor_profiles(self):
        """apparmor.Profiles loaded now, or None when AppArmor lists none (inactive)."""
        return apparmor.read_profiles(self.host)

    @property
    @remembered
    def apparmor_enabled(self):
        """/sys/module/apparmor/parameters/enabled as libapparmor reads it (None: absent)."""
        return apparmor.read_enabled(self.host)

    @property
    @remembered
    def subids(self):
        return subids.SubidFiles(self.host)

    @property
    @remembered
    def rootless_users(self):
        """[rootless.RootlessUser]: who can start rootless containers on this host."""
        return rootless.capable_users(self.host, self.subids, self.rootless_names)

    @remembered
    def rootless_podman(self, user):
        """A rootless user's containers.conf chain (layered_config.LayeredConfig)."""
        return rootless.podman_config(self.host, user)

    @remembered
    def rootless_docker(self, user):
        """{dockerd version: DaemonJson} of a user's dockerd-rootless, or None without one."""
        return rootless.docker_config(self.host, user)

    @property
    @remembered
    def persisted_sysctls(self):
        return persisted_values(self.host)

    @property
    @remembered
    def audit_file_watches(self):
        return audit_rules.file_watches(self.host)

    @property
    @remembered
    def audit_kernel_watches(self):
        return audit_rules.kernel_watches()

    @property
    @remembered
    def owner_names(self):
        return accounts.owner_names(self.host)
