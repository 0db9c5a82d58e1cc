# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vocabulary of the audit: layers, engines, statuses, controls, outcomes."""

from __future__ import annotations

PASS = "pass"
FAIL = "fail"
NOT_APPLICABLE = "not_applicable"
ERROR = "error"
STATUSES = (PASS, FAIL, NOT_APPLICABLE, ERROR)

# The nine confinement layers, then two that hold no container in but decide
# whether the others can be trusted or operated: engine_access (who can drive
# or reconfigure the engine: that is root on the host, whatever the other
# layers say) and operations (what the CIS Docker Benchmark asks of logging,
# auditing, resource limits and daemon settings that confine nothing).
LAYERS = ("seccomp", "kernel_fs", "capabilities", "selinux", "no_new_privs",
          "namespaces", "userns", "vm_isolation", "kernel", "engine_access", "operations")
ENGINES = ("host", "docker", "podman", "crio")
COLLECTION = "stockade.hardening"


def render_value(value):
    """A config value as a person would write it in the file."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"%s"' % value
    return repr(value)


class Remediation:
    """Which role and variables fix a failed control."""

    def __init__(self, role, variables, text):
        self.role = role
        self.variables = variables
        self.text = text

    def as_dict(self):
        return {"role": "%s.%s" % (COLLECTION, self.role), "variables": dict(self.variables),
                "text": self.text}


# Where a control's verdict comes from. The report's `live` and `probe` keys
# are derived from it (Control.metadata).
EVIDENCE = (
    "config",   # files under the audited root: an offline tree is judged fully
                # (a running engine that answers is compared too)
    "kernel",   # the host kernel's state (/proc, /sys, audit rules, mounts) where the
                # root is /, with the files that set it at the next boot
    "live",     # the running engine: not applicable without one
    "probe",    # a probe container started for the audit (stockade-audit --probe)
)


class Control:
    """One auditable fact about the host, with its metadata and check."""

    def __init__(self, *, id, layer, engine, title, rationale, remediation, check,
                 cis=None, required=True, evidence="config"):
        if layer not in LAYERS:
            raise ValueError("control %s: unknown layer %r" % (id, layer))
        if engine not in ENGINES:
            raise ValueError("control %s: unknown engine %r" % (id, engine))
        if evidence not in EVIDENCE:
            raise ValueError("control %s: unknown evidence %r" % (id, evidence))
        self.check = check
        self.id = id
        self.layer = layer
        self.engine = engine
        self.title = title
        self.rationale = rationale
        self.remediation = remediation
        self.cis = cis
        self.required = required    # required by the default policy
        self.evidence = evidence

    @property
    def live(self):
        """Needs a running engine on the audited host."""
        return self.evidence in ("live", "probe")

    @property
    def probe(self):
        """Runs a probe container (only when asked for)."""
        return self.evidence == "probe"

    def metadata(self):
        return {"id": self.id, "layer": self.layer, "engine": self.engine,
                "title": self.title, "rationale": self.rationale,
                "cis_docker_1_6_0": self.cis, "required_by_default": self.required,
                "live": self.live, "probe": self.probe}


class Outcome:
    """The result of one check: status, what was read, and after-reboot state."""

    def __init__(self, status, evidence, reboot_pending=False):
        if status not in STATUSES:
            raise ValueError("unknown status %r" % status)
        self.status = status
        self.evidence = [e for e in evidence if e]
        self.reboot_pending = reboot_pending


def passed(*evidence):
    return Outcome(PASS, list(evidence))


def failed(*evidence, **kwargs):
    return Outcome(FAIL, list(evidence), reboot_pending=kwargs.get("reboot_pending", False))


def not_applicable(reason):
    return Outcome(NOT_APPLICABLE, [reason])


def judged(ok, evidence, reboot_pending=False):
    """pass when ok, fail otherwise, with the same evidence either way."""
    return Outcome(PASS if ok else FAIL, list(evidence), reboot_pending=reboot_pending)
