# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Layer selinux, the mandatory access control (MAC) layer: the host enforces,
with the container policy loaded and its permissive booleans off, every engine
labels its containers, every running container keeps its label (or its
AppArmor profile, where that is the host's LSM), and a probe container runs
as container_t.

Where the policy's MAC is AppArmor (`mac: apparmor`, the operator's
`stockade_mac`), the layer is met by AppArmor instead: it is enabled and the
major LSM, Docker's docker-default and Podman's containers-default-* profiles
are loaded in enforce mode, and every running container is confined by an
enforcing profile. Which controls belong to which MAC is `mac_of()` (the policy
makes the other MAC's controls advisory, policy/evaluation.py)."""

from __future__ import annotations

import re

from ..model import Remediation, judged, not_applicable, render_value, Outcome, FAIL, NOT_APPLICABLE
from ..readers.apparmor import PROFILES
from ..readers.hostfs import ConfigError
from ..readers.kernel_cmdline import EXCLUSIVE_LSMS
from ..readers.selinux_state import CONFIG, LSM_LIST, boolean_values, installed_modules, next_boot_mode
from ..registry import control
from .docker_daemon_checks import daemon_flag_check
from .per_container import (
    ContainerControl, KernelContainerControl, declare_container_controls, declare_kernel_container_controls,
)
from .per_user import NO_USER, PODMAN_USER_FILES, Verdict, fix_in, per_user_check, podman_privileged
from .probe_checks import ProbeControl, declare_probe_controls

LAYER = "selinux"

# Booleans that widen what container_t may do; off in both container-selinux
# (Fedora/RHEL) and refpolicy's container module (Debian) unless asked for.
CONTAINER_BOOLEANS = (
    "container_manage_cgroup", "container_connect_any", "container_use_devices",
    "container_read_certs", "container_can_execstack", "container_use_host_all_caps",
    "container_use_sysadmin", "container_use_mknod", "container_use_dri",
    "container_use_ecryptfs", "container_use_xserver_devices",
)
SELINUX_FIX = Remediation("selinux", {"stockade_selinux_state": "enforcing"},
                          "switch SELinux to enforcing (via permissive and a relabel)")
# SELinux domains that confine nothing: a container process in one of them
# has no SELinux separation, whatever its flags say.
# AppArmor profile modes that deny (security/apparmor/lib.c aa_profile_mode_names).
ENFORCING_MODES = ("enforce", "kill")
UNCONFINED_DOMAINS = frozenset(("spc_t", "unconfined_t", "unconfined_service_t", "initrc_t", "init_t",
                                "kernel_t", "container_runtime_t", "unlabeled_t"))
CONTAINER_LABEL = re.compile(r":container_t:s0:c\d+,c\d+$")


# The host ------------------------------------------------------------------------------

def check_selinux_enforcing(ctx):
    state = ctx.selinux
    if state.config_mode is None:
        config = "%s: no SELINUX= line libselinux reads as a mode" % CONFIG
    else:
        config = "%s: SELINUX=%s (libselinux reads it from line %d)" % (
            CONFIG, state.config_mode, state.config_line)
    evidence = [config]
    if state.lsms is not None:
        evidence.append("active LSMs: %s" % (",".join(state.lsms) or "none"))
    boot = next_boot_mode(ctx.host, state)
    evidence.extend(boot.evidence)
    evidence.append("next boot: %s" % (boot.mode or "cannot tell"))
    if state.runtime_mode is None:
        evidence.append("runtime mode: not readable under this root (offline audit), "
                        "judged on the next boot")
        return judged(boot.mode == "enforcing", evidence)
    evidence.append("runtime mode: %s (%s)" % (state.runtime_mode, state.runtime_source))
    if state.runtime_mode == "enforcing" and boot.mode == "enforcing":
        return judged(True, evidence)
    pending = state.runtime_mode == "disabled" and boot.mode == "enforcing"
    return Outcome(FAIL, evidence, reboot_pending=pending)


control(id="host-selinux-enforcing", layer=LAYER, engine="host",
        title="SELinux is enforcing now and at the next boot",
        rationale="SELinux confines what a container process may touch even after it escapes "
                  "its namespaces; the running mode and the configured mode can differ.",
        remediation=SELINUX_FIX,
        check=check_selinux_enforcing, evidence="kernel")


def check_container_policy(ctx):
    state = ctx.selinux
    policy = state.policy_type or "targeted"
    modules = installed_modules(ctx.host, policy)
    if modules is None:
        return judged(False, ["no SELinux policy store at /var/lib/selinux/%s" % policy])
    return judged("container" in modules, [
        "/var/lib/selinux/%s/active/modules: container module %s (%d modules active)" % (
            policy, "present" if "container" in modules else "absent", len(modules))])


control(id="host-selinux-container-policy", layer=LAYER, engine="host",
        title="The SELinux container policy module is installed",
        rationale="Without the container module (container-selinux, or refpolicy's container "
                  "module on Debian) containers run unconfined or fail to start.",
        remediation=Remediation("selinux", {"stockade_selinux_state": "enforcing"},
                                "install the container policy module"),
        check=check_container_policy)


def check_container_booleans(ctx):
    policy = ctx.selinux.policy_type or "targeted"
    values = boolean_values(ctx.host, policy, CONTAINER_BOOLEANS)
    if not values:
        return not_applicable("no container booleans found (SELinux or its container policy absent)")
    on = [name for name, (rt, ps) in sorted(values.items()) if rt == 1 or ps == 1]
    refused = ["%s is on (runtime %s, persisted %s)" % ((name,) + values[name])
               for name in on if name not in ctx.allowed_booleans]
    if refused:
        return judged(False, refused)
    if on:  # each one allowed by the policy (selinux_booleans_allowed)
        return judged(True, ["%s on (allowed by policy)" % name for name in on]
                      + ["no other container boolean is on"])
    return judged(True, ["%d container booleans, all off: %s" % (len(values), ", ".join(sorted(values)))])


control(id="host-selinux-container-booleans", layer=LAYER, engine="host",
        title="SELinux booleans that loosen container confinement are off",
        rationale="Booleans such as container_manage_cgroup or container_use_devices give "
                  "every container more than the policy's default.",
        remediation=Remediation("selinux", {"stockade_selinux_booleans_on": []},
                                "turn the listed booleans off (persistently), or allow those you need "
                                "in the policy (selinux_booleans_allowed)"),
        check=check_container_booleans, evidence="kernel")


# The engines' configuration ------------------------------------------------------------

control(id="docker-selinux-enabled", layer=LAYER, engine="docker",
        title="dockerd labels containers with SELinux (selinux-enabled)",
        rationale="dockerd leaves containers unlabelled (spc_t) unless selinux-enabled is set.",
        remediation=Remediation("selinux", {"stockade_selinux_docker": True},
                                'set "selinux-enabled": true in daemon.json'),
        check=daemon_flag_check("selinux-enabled", True, False, running_option="selinux"))


def check_podman_label(ctx):
    privileged, line = podman_privileged(ctx.podman)
    if privileged:
        return judged(False, [line, "every container root's Podman starts runs unlabelled (spc_t)"])
    setting = ctx.podman.typed("containers.label", bool, True)
    return judged(setting.value is True, [setting.describe("[containers] label")])


control(id="podman-selinux-label", layer=LAYER, engine="podman",
        title="Podman labels containers with SELinux (label = true)",
        rationale="label = false in containers.conf runs every container without SELinux separation.",
        remediation=Remediation("selinux", {"stockade_selinux_podman": True},
                                "remove label = false (or privileged = true) from containers.conf"),
        check=check_podman_label)


def _rootless_podman_label(ctx, user):
    config = ctx.rootless_podman(user)
    privileged, line = podman_privileged(config)
    setting = config.typed("containers.label", bool, True)
    if privileged:
        return Verdict(False, [line, "every container this user starts runs unlabelled (spc_t)"],
                       fix_in(config.get("containers.privileged"), "remove [containers] privileged"))
    return Verdict(setting.value is True, [setting.describe("[containers] label")],
                   fix_in(setting, "remove [containers] label = false"))


def _selinux_off(ctx):
    """Whether SELinux is known to be off: disabled now, or (the running state unknown, as on an
    offline tree) disabled or absent in /etc/selinux/config. Unreadable: not known to be off."""
    try:
        state = ctx.selinux
    except ConfigError:
        return False
    if state.runtime_mode is not None:
        return state.runtime_mode not in ("enforcing", "permissive")
    return state.config_mode not in ("enforcing", "permissive")


def check_rootless_podman_label(ctx):
    if not ctx.rootless_users:
        return not_applicable(NO_USER)
    if _selinux_off(ctx):
        return not_applicable("SELinux is not active on this host: a user's label = false changes nothing today")
    return per_user_check(_rootless_podman_label)(ctx)


control(id="podman-rootless-selinux-label", layer=LAYER, engine="podman",
        title="Every rootless user's Podman labels containers with SELinux (label = true)",
        rationale="label = false in a user's containers.conf runs every container that user starts without "
                  "SELinux separation from the user's other processes and files.",
        remediation=Remediation(None, {}, "remove label = false (or privileged) from " + PODMAN_USER_FILES),
        check=check_rootless_podman_label)


def check_crio_selinux(ctx):
    setting = ctx.crio.typed("crio.runtime.selinux", bool, False)
    return judged(setting.value is True, [setting.describe("[crio.runtime] selinux")])


control(id="crio-selinux-enabled", layer=LAYER, engine="crio",
        title="CRI-O labels containers with SELinux (selinux = true)",
        rationale="CRI-O's default is selinux = false: containers are not separated by SELinux.",
        remediation=Remediation("selinux", {"stockade_selinux_crio": True},
                                "set [crio.runtime] selinux = true"),
        check=check_crio_selinux)

# Running containers --------------------------------------------------------------------


def _selinux_active(ctx):
    try:
        return ctx.selinux.runtime_mode in ("enforcing", "permissive")
    except ConfigError:
        return False


def _unconfined_label(label):
    """Why an SELinux process label gives no separation, or None."""
    fields = label.split(":")
    if len(fields) < 4:
        return None
    if fields[2] in UNCONFINED_DOMAINS:
        return "its init process runs as %s" % label
    if "c" not in ":".join(fields[4:]):
        return "its init process runs as %s, without MCS categories of its own" % label
    return None


def _label_disabled(container, ctx, engine):
    if container.process_label and _selinux_active(ctx):
        problem = _unconfined_label(container.process_label)
        if problem:
            return problem
    label = container.opt("label")
    if label in ("disable", "type:spc_t", "type=spc_t") or container.privileged:
        return "SELinux separation disabled (label=%s%s)" % (
            label, ", privileged" if container.privileged else "")
    return None


def _apparmor_inactive(ctx, engine):
    try:
        lsms = ctx.selinux.lsms
    except ConfigError as exc:
        lsms = None
        reason = "%s: %s" % (exc.path, exc.cause)
    else:
        reason = "/sys/kernel/security/lsm is not readable"
    if lsms is None:
        return "the active LSMs are unknown (%s)" % reason
    if "apparmor" not in lsms:
        return "AppArmor is not an active LSM on this host (lsm: %s)" % (",".join(lsms) or "none")
    return None


def _apparmor_unconfined(container, ctx, engine):
    label = container.process_label
    if label and label.split(" ", 1)[0] == "unconfined":
        return "its init process runs unconfined by AppArmor"
    if container.apparmor_profile in ("", "unconfined") or container.privileged:
        return "AppArmor profile %s" % render_value(container.apparmor_profile or None)
    if container.kernel.processes:
        # the kernel's word (attr/apparmor/current) over the engine's: a profile in complain
        # mode logs what it would deny and denies nothing; an unreadable label proves nothing
        return _kernel_apparmor_unconfined(container.kernel, ctx)
    return None


declare_container_controls(LAYER, (
    ContainerControl(suffix="containers-selinux", cis="5.3", predicate=_label_disabled,
                     title="Running containers keep SELinux separation",
                     rationale="label=disable runs the container unconfined by SELinux, one layer fewer.",
                     fix="recreate the container without --security-opt label=disable"),
    ContainerControl(suffix="containers-apparmor", cis="5.2", predicate=_apparmor_unconfined,
                     applies=_apparmor_inactive,
                     title="Running containers are confined by AppArmor where it is the host's LSM",
                     rationale="On an AppArmor host the profile is the mandatory access control layer; "
                               "apparmor=unconfined removes it.",
                     fix="recreate the container without --security-opt apparmor=unconfined"),
))


def _selinux_inactive(ctx, engine):
    return None if _selinux_active(ctx) else "SELinux is not enforcing or permissive on this host"


def _kernel_unlabelled(kernel, ctx):
    if kernel.sandbox:
        return None  # runsc's processes run in the engine's label; the workload's is the sentry's
    if not kernel.label:
        return "its init process's SELinux context could not be read"
    return _unconfined_label(kernel.label)


def _kernel_apparmor_unconfined(kernel, ctx):
    if kernel.apparmor is None:
        return "its init process's AppArmor label could not be read"
    label, mode = kernel.apparmor
    if label == "unconfined" or mode == "unconfined":
        return "its init process runs unconfined by AppArmor (%s)" % label
    if mode not in ENFORCING_MODES:
        return "its init process's AppArmor profile %s is in %s mode, not enforce" % (label, mode)
    return None


declare_kernel_container_controls(LAYER, (
    KernelContainerControl(suffix="containers-selinux", predicate=_kernel_unlabelled, applies=_selinux_inactive,
                           title="Containers no running engine reported keep SELinux separation",
                           rationale="A container process that runs unconfined (unconfined_t, spc_t) or without "
                                     "MCS categories of its own is not separated from the host or other containers.",
                           fix="run the container with a container_t label (podman: without label=disable)"),
    # Advisory: rootless engines cannot load or apply an AppArmor profile at all
    # (containers-common refuses AppArmor for rootless; Docker's rootless docs),
    # so a required control would demand what no rootless container can have.
    KernelContainerControl(suffix="containers-apparmor", predicate=_kernel_apparmor_unconfined,
                           applies=_apparmor_inactive, required=False,
                           title="Containers no running engine reported are confined by AppArmor where it is "
                                 "the host's LSM",
                           rationale="On an AppArmor host the profile is the mandatory access control layer; "
                                     "rootless containers and ctr run containers run unconfined unless given one.",
                           fix="run the container with an AppArmor profile (ctr run --apparmor-default-profile)"),
))


# AppArmor as the MAC layer (the policy's `mac: apparmor`) ------------------------------

DOCKER_PROFILE = "docker-default"
PODMAN_PROFILE_PREFIX = "containers-default-"
# The finding of podman-apparmor-profile that the selinux role's AppArmor mode answers with
# a containers.conf drop-in (roles/selinux/tasks/apparmor.yml matches this text).
PODMAN_UNCONFINED = "every Podman container runs unconfined by AppArmor"
APPARMOR_FIX = Remediation("selinux", {}, "keep AppArmor enabled as the major LSM (stockade_mac: apparmor "
                                          "installs apparmor and starts apparmor.service)")


def major_lsm(lsms):
    """The major (exclusive) LSM of /sys/kernel/security/lsm: the first of SELinux,
    Smack and AppArmor in the kernel's order (capability and the minor ones skipped)."""
    for name in lsms:
        if name in EXCLUSIVE_LSMS:
            return name
    return None


def _mode_counts(profiles):
    counts = {}
    for _name, mode in profiles.entries:
        counts[mode] = counts.get(mode, 0) + 1
    return ", ".join("%d %s" % (counts[m], m) for m in sorted(counts)) or "none"


def check_apparmor_enabled(ctx):
    lsms = ctx.selinux.lsms
    if lsms is None:
        if ctx.mac != "apparmor":
            return not_applicable("the policy's MAC is SELinux and %s is not readable under this root" % LSM_LIST)
        return judged(False, ["%s is not readable under this root: which LSM runs cannot be told" % LSM_LIST])
    major = major_lsm(lsms)
    evidence = ["%s: %s; the major LSM is %s" % (LSM_LIST, ",".join(lsms) or "none", major or "none")]
    if major != "apparmor" and ctx.mac != "apparmor":
        return not_applicable("the policy's MAC is SELinux and %s is the major LSM (%s)"
                              % (major or "no MAC", ",".join(lsms) or "none"))
    enabled = ctx.apparmor_enabled
    evidence.append("/sys/module/apparmor/parameters/enabled: %s" % (
        "absent (AppArmor is not built in)" if enabled is None else "Y" if enabled else "not Y"))
    profiles = ctx.apparmor_profiles
    evidence.append("%s: %s" % (PROFILES, "absent" if profiles is None else "%d profiles loaded (%s)" % (
        len(profiles.entries), _mode_counts(profiles))))
    return judged(major == "apparmor" and enabled is True and profiles is not None, evidence)


control(id="host-apparmor-enabled", layer=LAYER, engine="host",
        title="AppArmor is enabled and is the major LSM",
        rationale="Where the operator keeps AppArmor as the MAC layer, it confines containers only when the "
                  "kernel runs it as the major LSM with its policy interface up.",
        remediation=APPARMOR_FIX, check=check_apparmor_enabled, evidence="kernel")


def _apparmor_profiles_or_reason(ctx):
    """(apparmor.Profiles, None), or (None, Outcome) when the profiles cannot be judged."""
    lsms = ctx.selinux.lsms
    if lsms is not None and "apparmor" not in lsms:
        return None, not_applicable("AppArmor is not an active LSM on this host (lsm: %s)" % (",".join(lsms) or "none"))
    if lsms is None and ctx.mac != "apparmor":
        return None, not_applicable("the policy's MAC is SELinux and %s is not readable under this root" % LSM_LIST)
    profiles = ctx.apparmor_profiles
    if profiles is None:
        return None, judged(False, ["%s is absent: AppArmor's loaded policy cannot be read%s" % (
            PROFILES, "" if lsms is not None else " (and %s is not readable)" % LSM_LIST)])
    return profiles, None


def _enforcing(found):
    """(all enforcing, 'name (mode)' text) of [(name, mode)]: enforce, or kill (which
    enforces and kills the offender); complain, unconfined and user (prompt) deny nothing alone."""
    return all(mode in ENFORCING_MODES for _name, mode in found), ", ".join("%s (%s)" % pair for pair in found)


def check_docker_default_profile(ctx):
    profiles, outcome = _apparmor_profiles_or_reason(ctx)
    if outcome:
        return outcome
    found = [(DOCKER_PROFILE, mode) for mode in profiles.named(DOCKER_PROFILE)]
    if not found:
        return judged(False, ["%s lists no %s among its %d profiles: dockerd loads it when it starts "
                              "(is dockerd running?)" % (PROFILES, DOCKER_PROFILE, len(profiles.entries))])
    ok, text = _enforcing(found)
    return judged(ok, ["%s: %s" % (PROFILES, text)])


control(id="docker-apparmor-profile", layer=LAYER, engine="docker",
        title="Docker's docker-default AppArmor profile is loaded in enforce mode",
        rationale="Every Docker container without its own profile runs under docker-default; in complain "
                  "mode, or not loaded, it denies nothing.",
        remediation=Remediation("selinux", {}, "start dockerd with AppArmor active (it loads docker-default), "
                                               "or reload it in enforce mode"),
        check=check_docker_default_profile, evidence="kernel")


def check_podman_default_profile(ctx):
    setting = ctx.podman.typed("containers.apparmor_profile", str, "")
    configured = setting.value
    described = setting.describe("[containers] apparmor_profile") if setting.source else \
        "[containers] apparmor_profile: not set (containers-common's default, %s<version>)" % PODMAN_PROFILE_PREFIX
    profiles, outcome = _apparmor_profiles_or_reason(ctx)
    # libpod applies a profile only when the name is not empty (len(ApparmorProfile) > 0 in
    # generateSpec, Podman 4.3 and 5.4): an empty apparmor_profile confines nothing, like unconfined
    if configured in ("unconfined", "") and setting.source and (profiles is not None or outcome.status != NOT_APPLICABLE):
        return judged(False, [described + ": " + PODMAN_UNCONFINED])
    if outcome:
        return outcome
    if configured and not configured.startswith(PODMAN_PROFILE_PREFIX):
        found = [(configured, mode) for mode in profiles.named(configured)]
        if not found:
            return judged(False, [described, "%s does not list %s: Podman refuses to start a container "
                                             "(profile specified but not loaded)" % (PROFILES, configured)])
    else:
        found = profiles.with_prefix(PODMAN_PROFILE_PREFIX)
        if not found:
            return not_applicable(
                "%s lists no %s* profile yet: Podman loads it when it first starts a container as root; "
                "running containers are judged by podman-containers-apparmor (%s)"
                % (PROFILES, PODMAN_PROFILE_PREFIX, described))
    ok, text = _enforcing(found)
    return judged(ok, [described, "%s: %s" % (PROFILES, text)])


control(id="podman-apparmor-profile", layer=LAYER, engine="podman",
        title="Podman's containers-default AppArmor profile is loaded in enforce mode",
        rationale="Every rootful Podman container without its own profile runs under containers-default-*; "
                  "apparmor_profile = unconfined in containers.conf, or a profile in complain mode, "
                  "denies nothing.",
        remediation=Remediation("selinux", {}, "remove apparmor_profile = \"unconfined\" from containers.conf "
                                               "(stockade_mac: apparmor does), or reload the profile in enforce mode"),
        check=check_podman_default_profile, evidence="kernel")


# The probe container -------------------------------------------------------------------

def _inside_selinux(report, engine):
    label = report.get("attr_current", "")
    return bool(CONTAINER_LABEL.search(label)), ["inside: SELinux context %s" % label]


declare_probe_controls(LAYER, (
    ProbeControl(suffix="probe-selinux", judge=_inside_selinux,
                 title="A new container runs as container_t with its own MCS categories"),
))


# Which MAC each control of the layer belongs to: the policy's `mac` makes the
# other MAC's controls advisory. The per-container AppArmor rows belong to
# neither: they apply only where AppArmor is an active LSM, and there they are
# the confinement every container has, whatever the policy prefers.
SELINUX_CONTROL_IDS = ("host-selinux-enforcing", "host-selinux-container-policy", "host-selinux-container-booleans",
                       "docker-selinux-enabled", "podman-selinux-label", "podman-rootless-selinux-label",
                       "crio-selinux-enabled")
SELINUX_SUFFIXES = ("-containers-selinux", "-probe-selinux")
APPARMOR_CONTROL_IDS = ("host-apparmor-enabled", "docker-apparmor-profile", "podman-apparmor-profile")
MAC_NAMES = {"selinux": "SELinux", "apparmor": "AppArmor"}


def mac_of(control_id):
    """'selinux' or 'apparmor' for a control that only one MAC needs, else None."""
    if control_id in SELINUX_CONTROL_IDS or control_id.endswith(SELINUX_SUFFIXES):
        return "selinux"
    if control_id in APPARMOR_CONTROL_IDS:
        return "apparmor"
    return None
