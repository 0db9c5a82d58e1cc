# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer capabilities: engines start containers with no more than a minimal
capability set (Docker has no daemon-wide key: its containers are judged live)."""

from __future__ import annotations

from ..model import Remediation, judged
from ..registry import control
from .running_containers import PODMAN_DEFAULT_CAPS

CRIO_DEFAULT_CAPS = frozenset((
    "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "SETGID", "SETUID", "SETPCAP",
    "NET_BIND_SERVICE", "KILL"))


def _caps_check(engine, key, label, allowed):
    def check(ctx):
        config = getattr(ctx, engine)
        setting = config.typed(key, list, sorted(allowed))
        caps = {str(c).upper().replace("CAP_", "") for c in setting.value}
        extra = sorted(caps - allowed)
        evidence = [setting.describe(label)]
        if extra:
            evidence.append("beyond the engine's minimal default: %s" % ", ".join(extra))
        return judged(not extra, evidence)
    check.__name__ = "check_%s_default_capabilities" % engine
    return check


control(id="podman-default-capabilities", layer="capabilities", engine="podman",
        title="Podman's default capability set adds nothing to the stock minimum",
        rationale="Every capability in default_capabilities is granted to every container.",
        remediation=Remediation("capabilities", {"stockade_capabilities_podman_default": sorted(PODMAN_DEFAULT_CAPS)},
                                "set [containers] default_capabilities to the minimal set"),
        )(_caps_check("podman", "containers.default_capabilities", "[containers] default_capabilities",
                      PODMAN_DEFAULT_CAPS))

control(id="crio-default-capabilities", layer="capabilities", engine="crio",
        title="CRI-O's default capability set adds nothing to the stock minimum",
        rationale="Every capability in default_capabilities is granted to every container.",
        remediation=Remediation("capabilities", {"stockade_capabilities_crio_default": sorted(CRIO_DEFAULT_CAPS)},
                                "set [crio.runtime] default_capabilities to the minimal set"),
        )(_caps_check("crio", "crio.runtime.default_capabilities", "[crio.runtime] default_capabilities",
                      CRIO_DEFAULT_CAPS))
