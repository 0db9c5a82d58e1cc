# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile seccomp profiles: the hardened fixture's profile (which every engine
points at) changed in one way.

Each verdict was taken on this machine (2026-11-29) by running the probe
container under the same kind of profile with `--security-opt seccomp=FILE`
through Docker 20.10.24 + runc 1.1.5 and Podman 4.3.1 with runc 1.1.5 and
crun 1.8.1, libseccomp 2.5.4 (tests/engines/test_seccomp_consumers.py holds
the recorded runs): "refused" means no container starts (error), Seccomp 0
means no confinement (fail), an unlisted syscall that runs means the default
action allows (fail). The fixture has no dpkg record, so Docker is read as
both 20.10 and 26.1, which must agree.
"""

import json

from corpus import Case
from hosttree import seccomp_profile

PROFILE = "etc/stockade/seccomp/no-compat.json"
RUNS = "Docker 20.10.24/runc 1.1.5 and Podman 4.3.1/runc 1.1.5, crun 1.8.1 (this machine, probe container)"
X86_COMPAT = {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}
X86 = {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []}


def hardened(**changes):
    profile = seccomp_profile(compat=())
    for key, value in changes.items():
        if value is None:
            profile.pop(key, None)
        else:
            profile[key] = value
    return profile


def text(**changes):
    return json.dumps(hardened(**changes))


def case(name, control, expect, content, consumer):
    return Case("seccomp-" + name, "seccomp", control, expect, {PROFILE: content}, consumer=consumer)


ERRNO = '"defaultAction": "SCMP_ACT_ERRNO"'
CASES = [
    case("log-allows", "docker-seccomp-enabled", "fail", hardened(defaultAction="SCMP_ACT_LOG"),
         RUNS + ": Seccomp 2, but an unlisted getpid runs"),
    case("allow-allows", "podman-seccomp-enabled", "fail", hardened(defaultAction="SCMP_ACT_ALLOW"),
         RUNS + ": an unlisted getpid runs"),
    case("trace-is-no-confinement", "podman-seccomp-enabled", "fail", hardened(defaultAction="SCMP_ACT_TRACE"),
         RUNS + ": ENOSYS with no tracer, but a process in the container may trace its children and let the call run"),
    case("kill-process-denies", "podman-seccomp-enabled", "pass", hardened(defaultAction="SCMP_ACT_KILL_PROCESS"),
         RUNS + ": the container's shell is killed by SIGSYS at its first unlisted syscall"),
    case("unknown-action", "docker-seccomp-enabled", "error", hardened(defaultAction="SCMP_ACT_NOPE"),
         RUNS + ": refused (runc: string SCMP_ACT_NOPE is not a valid action for seccomp)"),
    case("notify-default", "podman-seccomp-enabled", "error", hardened(defaultAction="SCMP_ACT_NOTIFY"),
         RUNS + ": runc refuses (SCMP_ACT_NOTIFY cannot be used as default action); Docker refuses"),
    case("lower-case-action", "crio-seccomp-enabled", "error", hardened(defaultAction="scmp_act_errno"),
         RUNS + ": refused, action names are matched exactly"),
    case("empty-action-with-rules", "podman-seccomp-enabled", "error", hardened(defaultAction=""),
         RUNS + ": refused (runc: string  is not a valid action)"),
    case("empty-object-is-off", "docker-seccomp-enabled", "fail", "{}", RUNS + ": Seccomp 0, no filter at all"),
    case("null-action-no-rules-is-off", "podman-seccomp-enabled", "fail",
         '{"defaultAction": null, "syscalls": [], "archMap": []}', RUNS + ": Seccomp 0"),
    case("nan-errno", "docker-seccomp-enabled", "error", text().replace(ERRNO, ERRNO + ', "defaultErrnoRet": NaN'),
         RUNS + ": refused (invalid character 'N' looking for beginning of value)"),
    case("negative-errno-podman", "podman-seccomp-enabled", "error", hardened(defaultErrnoRet=-1),
         RUNS + ": Podman refuses (cannot unmarshal number -1 into ... uint)"),
    case("negative-errno-docker", "docker-seccomp-enabled", "error", hardened(defaultErrnoRet=-1),
         "Docker 20.10 (this machine) ignores defaultErrnoRet and runs it; moby 23+ decodes it as uint and "
         "refuses: with the version unknown, error"),
    case("field-name-case", "docker-seccomp-enabled", "fail", text().replace(ERRNO, '"DefaultAction": "SCMP_ACT_LOG"'),
         RUNS + ": Go matches DefaultAction case-insensitively; an unlisted getpid runs"),
    case("duplicate-key-last-wins", "podman-seccomp-enabled", "fail",
         text().replace(ERRNO, ERRNO + ', "defaultAction": "SCMP_ACT_LOG"'), RUNS + ": the last defaultAction wins"),
    case("duplicate-key-last-errno", "podman-seccomp-enabled", "pass",
         text().replace(ERRNO, '"defaultAction": "SCMP_ACT_LOG", ' + ERRNO), RUNS + ": the last defaultAction wins"),
    case("null-keeps-earlier-value", "docker-seccomp-enabled", "pass",
         text().replace(ERRNO, ERRNO + ', "defaultAction": null'), RUNS + ": null leaves a string field as it was"),
    case("both-arch-keys", "podman-seccomp-no-32bit", "error", hardened(architectures=["SCMP_ARCH_X86_64"]),
         RUNS + ": refused ('architectures' and 'archMap' were specified)"),
    case("both-arch-keys-empty", "podman-seccomp-no-32bit", "pass", hardened(architectures=[], archMap=[]),
         RUNS + ": accepted (the engines check len() != 0); native only, int 0x80 killed"),
    case("native-entry-twice-first-wins", "docker-seccomp-no-32bit", "fail", hardened(archMap=[X86_COMPAT, X86]),
         RUNS + ": the first SCMP_ARCH_X86_64 entry counts; int 0x80 passes the filter"),
    case("archmap-key-case", "podman-seccomp-no-32bit", "fail",
         text(archMap=[X86_COMPAT]).replace('"archMap"', '"ARCHMAP"'), RUNS + ": ARCHMAP is archMap to Go"),
    case("no-native-entry", "podman-seccomp-no-32bit", "pass",
         hardened(archMap=[{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}]),
         RUNS + ": only the native ABI is in the filter; int 0x80 killed"),
    case("unknown-arch", "docker-seccomp-no-32bit", "error",
         hardened(archMap=None, architectures=["SCMP_ARCH_X86_64", "SCMP_ARCH_NOPE"]),
         RUNS + ": refused (not a valid arch for seccomp)"),
    case("rule-unknown-action", "podman-seccomp-enabled", "error",
         hardened(syscalls=[{"names": ["read"], "action": "SCMP_ACT_NOPE"}]), RUNS + ": refused"),
    case("rule-name-and-names", "podman-seccomp-enabled", "error",
         hardened(syscalls=[{"name": "read", "names": ["read"], "action": "SCMP_ACT_ALLOW"}]),
         RUNS + ": refused ('name' and 'names' were specified)"),
    case("null-rule", "podman-seccomp-enabled", "error", hardened(syscalls=[None]),
         RUNS + ": Podman refuses; docker run got no answer within 60 s"),
    case("byte-order-mark", "docker-seccomp-enabled", "error", "\ufeff" + text(), RUNS + ": refused (invalid character)"),
    case("top-level-array", "podman-seccomp-enabled", "error", "[]",
         RUNS + ": refused (cannot unmarshal array into Go value of type seccomp.Seccomp)"),
    case("errno-with-allow", "podman-seccomp-enabled", "fail", hardened(defaultAction="SCMP_ACT_ALLOW",
                                                                        defaultErrnoRet=1),
         RUNS + ": runc runs it allowing everything; crun refuses (errno value specified for action)"),
    case("deep-nesting", "podman-seccomp-enabled", "error", text(comment=[[[[[[[]]]]]]]).replace(
        "[[[[[[[]]]]]]]", "[" * 300 + "]" * 300),
        "Go's encoding/json reads 300 levels (limit 10000); the audit refuses past its nesting cap, never a "
        "RecursionError"),
]
