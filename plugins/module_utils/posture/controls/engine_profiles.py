# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seccomp profile each engine really applies to a default container."""

from __future__ import annotations

from ..seccomp import builtin_profile, load_profile

UNCONFINED = "unconfined"
# containers/common looks for an admin override before the packaged default.
CONTAINERS_PROFILE_PATHS = ("/etc/containers/seccomp.json", "/usr/share/containers/seccomp.json")


class EngineProfile:
    """(profile facts or None when unconfined, the setting line for evidence)."""

    def __init__(self, facts, setting_line):
        self.facts = facts
        self.setting_line = setting_line


def docker(ctx):
    setting = ctx.docker.get("seccomp-profile")
    line = setting.describe("seccomp-profile")
    if setting.value == UNCONFINED:
        return EngineProfile(None, line)
    if setting.value in (None, "", "builtin", "default"):
        return EngineProfile(builtin_profile("Docker's built-in default profile", ctx.machine), line)
    return EngineProfile(load_profile(ctx.host, setting.value, ctx.machine), line)


def podman(ctx):
    setting = ctx.podman.typed("containers.seccomp_profile", str)
    line = setting.describe("[containers] seccomp_profile")
    if setting.value == UNCONFINED:
        return EngineProfile(None, line)
    if setting.value:
        return EngineProfile(load_profile(ctx.host, setting.value, ctx.machine), line)
    path = ctx.host.first_existing(CONTAINERS_PROFILE_PATHS)
    if path:
        return EngineProfile(load_profile(ctx.host, path, ctx.machine), line)
    return EngineProfile(builtin_profile("Podman's built-in default profile", ctx.machine), line)


def crio(ctx):
    setting = ctx.crio.typed("crio.runtime.seccomp_profile", str)
    line = setting.describe("[crio.runtime] seccomp_profile")
    if setting.value == UNCONFINED:
        return EngineProfile(None, line)
    if setting.value:
        return EngineProfile(load_profile(ctx.host, setting.value, ctx.machine), line)
    return EngineProfile(builtin_profile("CRI-O's built-in default profile", ctx.machine), line)


BY_ENGINE = {"docker": docker, "podman": podman, "crio": crio}
