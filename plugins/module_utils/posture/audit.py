# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the catalogue against a host root and build the report."""

from __future__ import annotations

import datetime
import socket

from . import __version__
from .catalogue import all_controls
from .context import AuditContext
from .readers.hostfs import ConfigError
from .model import ERROR, Outcome, not_applicable
from .readers.toml_lite import TomlError


def _run_one(ctx, control):
    try:
        if control.engine != "host" and not ctx.engine_binary(control.engine):
            return not_applicable("%s is not installed under %s" % (control.engine, ctx.host.root))
        return control.check(ctx)
    except ConfigError as exc:
        return Outcome(ERROR, ["%s: %s" % (exc.path, exc.cause)])
    except TomlError as exc:
        return Outcome(ERROR, [str(exc)])
    except Exception as exc:  # a bug in a check must not hide the other layers
        return Outcome(ERROR, ["internal error in %s: %s: %s" % (
            control.id, type(exc).__name__, exc)])


def run_audit(root="/", live="auto", machine=None, controls=None, probe=None, may_import=True,
              allowed_booleans=(), sandbox_required=None, rootless_users=(), mac="selinux"):
    """Audit `root`; returns the report as plain data (JSON-serialisable).
    `probe` (a container_probe.ProbeRequest) also runs probe containers;
    `allowed_booleans` are the SELinux container booleans the policy lets be on;
    `sandbox_required` (policy/sandbox_rule.SandboxRule) the containers that must run sandboxed;
    `rootless_users` further users who may run rootless engines (the policy's rootless_users);
    `mac` the policy's MAC layer (selinux or apparmor)."""
    ctx = AuditContext(root, live_mode=live, machine=machine, probe=probe, may_import=may_import,
                       allowed_booleans=allowed_booleans, sandbox_required=sandbox_required,
                       rootless_users=rootless_users, mac=mac)
    results = []
    for control in controls or all_controls():
        outcome = _run_one(ctx, control)
        entry = control.metadata()
        entry.update({
            "status": outcome.status,
            "evidence": outcome.evidence,
            "reboot_pending": outcome.reboot_pending,
            "remediation": control.remediation.as_dict(),
        })
        if control.remediation.role is None:
            entry["remediation"]["role"] = None
        results.append(entry)
    engines = {}
    for engine in ("docker", "podman", "crio"):
        try:
            binary = ctx.engine_binary(engine)
        except ConfigError:  # each of its controls reports why
            binary = None
        view = ctx.live_view_if_asked(engine)
        engines[engine] = {
            "installed": bool(binary), "binary": binary,
            "live": bool(view and view.available),
            "live_reason": view.reason if view else None,
            "live_source": view.source if view else None,
            "running_containers": len(view.containers) if view and view.available else None,
        }
        probe = ctx.probe_view_if_run(engine)
        if probe is not None:
            engines[engine]["probe"] = {"image": probe.image, "inside": probe.report,
                                        "reason": probe.reason}
    return {
        "stockade_version": __version__,
        "host": socket.gethostname() if ctx.host.is_live else None,
        "root": ctx.host.root,
        "machine": ctx.machine,
        "live": ctx.live_enabled,
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "engines": engines,
        "controls": results,
    }
