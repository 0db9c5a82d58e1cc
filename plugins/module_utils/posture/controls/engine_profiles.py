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


def _resolve(ctx, value, line, default_paths, builtin_name):
    """The profile for a configured value: unconfined, a file, or the engine's
    default (the first of `default_paths` that exists, else its built-in)."""
    if value == UNCONFINED:
        return EngineProfile(None, line)
    if value:
        return EngineProfile(load_profile(ctx.host, value, ctx.machine), line)
    path = ctx.host.first_existing(default_paths)
    if path:
        return EngineProfile(load_profile(ctx.host, path, ctx.machine), line)
    return EngineProfile(builtin_profile(builtin_name, ctx.machine), line)


def docker(ctx):
    setting = ctx.docker.get("seccomp-profile")
    value = None if setting.value in ("builtin", "default") else setting.value
    return _resolve(ctx, value, setting.describe("seccomp-profile"), (), "Docker's built-in default profile")


def podman(ctx):
    setting = ctx.podman.typed("containers.seccomp_profile", str)
    return _resolve(ctx, setting.value, setting.describe("[containers] seccomp_profile"),
                    CONTAINERS_PROFILE_PATHS, "Podman's built-in default profile")


def crio(ctx):
    setting = ctx.crio.typed("crio.runtime.seccomp_profile", str)
    return _resolve(ctx, setting.value, setting.describe("[crio.runtime] seccomp_profile"),
                    (), "CRI-O's built-in default profile")


BY_ENGINE = {"docker": docker, "podman": podman, "crio": crio}
