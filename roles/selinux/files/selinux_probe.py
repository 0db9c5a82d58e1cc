# Read-only probe of a host's SELinux state for the stockade selinux role.
# Run as `python3 -c <this file> '<json args>'`: one process instead of one
# task per question, because every task costs seconds on slow targets.
# Standard library only; prints one JSON object.
import glob
import json
import os
import re
import shutil
import subprocess
import sys

ARGS = json.loads(sys.argv[1])
STORE = "/var/lib/selinux"


def read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def run(argv):
    if not shutil.which(argv[0]):
        return None
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    return proc.stdout


def label(path):
    try:
        return os.getxattr(path, "security.selinux").rstrip(b"\0").decode()
    except (OSError, AttributeError):
        return None


def config():
    values = {}
    for line in (read("/etc/selinux/config") or "").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip('"')
    return values.get("SELINUX"), values.get("SELINUXTYPE")


def modules(policy_type):
    active = os.path.join(STORE, policy_type, "active", "modules")
    names = set()
    for priority in glob.glob(os.path.join(active, "[0-9]*")):
        names.update(os.listdir(priority))
    disabled = os.path.join(active, "disabled")
    return sorted(names - set(os.listdir(disabled) if os.path.isdir(disabled) else ()))


def missing_packages(tool, packages):
    if not packages:
        return []
    if tool == "dpkg":
        out = run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n"] + packages) or ""
        present = {line.split()[0] for line in out.splitlines() if line.endswith(" installed")}
    else:
        out = run(["rpm", "-q", "--qf", "%{NAME}\n"] + packages) or ""
        present = {line.strip() for line in out.splitlines() if " " not in line.strip()}
    return [name for name in packages if name not in present]


def file_context_mismatches(entries):
    """Paths whose policy file context lacks the wanted type."""
    wrong = []
    for entry in entries:
        out = run(["matchpathcon", "-n", entry["path"]]) or ""
        if ":%s:" % entry["setype"] not in out.strip() + ":":
            wrong.append(dict(entry, policy=out.strip()))
    return wrong


def unverified(paths):
    """Existing paths whose label differs from the policy's (matchpathcon -V)."""
    existing = [p for pattern in paths for p in sorted(glob.glob(pattern))]
    if not existing or not shutil.which("matchpathcon"):
        return []
    out = run(["matchpathcon", "-V"] + existing) or ""
    return [line.strip() for line in out.splitlines() if line.strip() and not line.strip().endswith("verified.")]


def domain(context):
    parts = (context or "").split(":")
    return parts[2] if len(parts) > 2 else None


def sshd_domains():
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit() and (read("/proc/%s/comm" % pid) or "").strip() == "sshd":
            found.add(domain((read("/proc/%s/attr/current" % pid) or "").rstrip("\0\n")))
    return sorted(d or "unknown" for d in found)


def sshd_denials():
    """AVC denials involving sshd since boot (audit log, else the kernel log)."""
    out = None
    if os.path.exists("/var/log/audit/audit.log"):
        out = run(["ausearch", "-m", "AVC,USER_AVC,SELINUX_ERR", "-ts", "boot"])
    if out is None:
        out = run(["dmesg"]) or ""
    return [line for line in out.splitlines() if "denied" in line and "sshd" in line][:20]


def main():
    enforce = read("/sys/fs/selinux/enforce")
    runtime = "disabled" if enforce is None else ("enforcing" if enforce.strip() == "1" else "permissive")
    config_mode, config_type = config()
    policy_type = ARGS["policy_type"]
    grub_cfg = read(ARGS["grub_cfg"]) if ARGS.get("grub_cfg") else None
    result = {
        "lsms": [x for x in (read("/sys/kernel/security/lsm") or "").strip().split(",") if x],
        "runtime": runtime,
        "config_mode": config_mode,
        "config_type": config_type,
        "modules": modules(policy_type),
        "missing_packages": missing_packages(ARGS.get("package_tool"), ARGS.get("packages", [])),
        "root_labelled": all(label(p) for p in ARGS.get("label_witnesses", [])),
        "autorelabel_pending": os.path.exists("/.autorelabel"),
        "grub_dropin": read(ARGS["grub_dropin"]) if ARGS.get("grub_dropin") else None,
        "grub_cfg_has_params": grub_cfg is not None and all(
            re.search(r"^\s*linux\s.*\s%s(\s|$)" % re.escape(p), grub_cfg, re.M)
            for p in ARGS.get("kernel_params", [])),
        "file_context_mismatches": file_context_mismatches(ARGS.get("file_contexts", [])),
    }
    if runtime != "disabled":
        result.update({
            "self_domain": domain((read("/proc/self/attr/current") or "").rstrip("\0\n")),
            "sshd_domains": sshd_domains(),
            "sshd_denials": sshd_denials(),
            "unverified_labels": unverified(ARGS.get("preflight_paths", [])),
        })
    print(json.dumps(result))


main()
