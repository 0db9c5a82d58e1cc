# -*- coding: utf-8 -*-
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockerd's command line, read as dockerd's flag parser (spf13/pflag under
cobra) reads it.

Mirrors dockerd 20.10.24 (Debian 12) and 26.1.5 (Debian 13); their flag sets
are below (from `dockerd --help` of each, plus the hidden and deprecated
flags of their sources). Held to both real dockerds by
tests/engines/test_dockerd_consumer.py (a real start of 20.10 here,
`dockerd --validate` of 26.1).

- `--name=value`, `--name value` (a value flag takes the next word whatever
  it is, even `--other`), `-x value`, `-xvalue`, `-x=value`, and combined
  boolean shorthands (`-Dl debug`).
- A boolean flag alone means true; `--flag=value` takes exactly Go's
  strconv.ParseBool values (1 0 t f T F true false TRUE FALSE True False),
  anything else and dockerd refuses to start. `--flag false` does NOT set
  false: `false` is a positional argument, and dockerd accepts none.
- An unknown flag, a missing value, `---x`, `--` followed by anything, or a
  positional word: dockerd refuses to start. `--help`, `-h` and `--version`,
  `-v` print and exit: no daemon runs. A repeated flag: the last value wins,
  list flags (`--label`, `-H`, ...) accumulate.
- Values of flags the audit does not judge are checked only where the
  format is simple (booleans, integers, `name=path` runtimes, `key=value`
  labels); dockerd's own checks of addresses, sizes and ulimits are not
  repeated here.
"""

from __future__ import annotations

from .mirrored import Mirrored
from .numbers import GO_BOOLS, RANGE, go_parse_int

# name shorthand kind [daemon.json key when it differs]
_FLAGS_COMMON = """
add-runtime - list runtimes
allow-nondistributable-artifacts - list
api-cors-header - value
authorization-plugin - list authorization-plugins
bip - value
bridge b value
cgroup-parent - value
config-file - value
containerd - value
containerd-namespace - value
containerd-plugins-namespace - value
cpu-rt-period - int
cpu-rt-runtime - int
cri-containerd - bool
data-root - value
debug D bool
default-address-pool - list default-address-pools
default-cgroupns-mode - value
default-gateway - value
default-gateway-v6 - value
default-ipc-mode - value
default-runtime - value
default-shm-size - value
default-ulimit - list default-ulimits
dns - list
dns-opt - list dns-opts
dns-search - list
exec-opt - list exec-opts
exec-root - value
experimental - bool
fixed-cidr - value
fixed-cidr-v6 - value
group G value
help h bool
host H list hosts
host-gateway-ip - value
icc - bool
init - bool
init-path - value
insecure-registry - list insecure-registries
ip - value
ip-forward - bool
ip-masq - bool
ip6tables - bool
iptables - bool
ipv6 - bool
label - list labels
live-restore - bool
log-driver - value
log-level l value
log-opt - list log-opts
max-concurrent-downloads - int
max-concurrent-uploads - int
max-download-attempts - int
metrics-addr - value
mtu - int
network-control-plane-mtu - int
network-diagnostic-port - int
no-new-privileges - bool
node-generic-resource - list node-generic-resources
pidfile p value
raw-logs - bool
registry-mirror - list registry-mirrors
restart r bool
rootless - bool
seccomp-profile - value
selinux-enabled - bool
shutdown-timeout - int
storage-driver s value
storage-opt - list storage-opts
swarm-default-advertise-addr - value
tls - bool
tlscacert - value
tlscert - value
tlskey - value
tlsverify - bool
userland-proxy - bool
userland-proxy-path - value
userns-remap - value
version v bool
"""
_FLAGS_ONLY = {
    "20.10": """
cluster-advertise - value
cluster-store - value
cluster-store-opt - list cluster-store-opts
graph g value
oom-score-adjust - int
""",
    "26.1": """
cdi-spec-dir - list cdi-spec-dirs
default-network-opt - list default-network-opts
http-proxy - value
https-proxy - value
log-format - value
no-proxy - value
validate - bool
""",
}
VERSIONS = ("20.10", "26.1")
# The dockerd this reader and daemon_json mirror. Docker adds and drops flags and daemon.json
# options in minor releases (26.1 has flags 26.0 lacks): compared by major.minor, so a 26.1.9 is
# read as 26.1 and a 27.x or 28.x is refused (docker_daemon.dockerd_versions).
MIRRORED = Mirrored("dockerd", VERSIONS[0], VERSIONS[-1], consumer="dockerd",
                    mirrors="Docker %s" % VERSIONS[-1], reading="daemon.json and docker.service's dockerd flags")
# Flags that make dockerd print something and exit instead of running.
EXITING_FLAGS = frozenset(("help", "version", "validate"))
# Flags that pick the configuration file rather than configure the daemon.
NOT_SETTINGS = frozenset(("config-file",)) | EXITING_FLAGS


class Flag:
    def __init__(self, name, shorthand, kind, key):
        self.name, self.shorthand, self.kind, self.key = name, shorthand, kind, key


def _table(text):
    flags = {}
    for line in text.split("\n"):
        parts = line.split()
        if not parts:
            continue
        name, short, kind = parts[:3]
        flags[name] = Flag(name, None if short == "-" else short, kind, parts[3] if len(parts) > 3 else name)
    return flags


FLAGS = {version: _table(_FLAGS_COMMON + _FLAGS_ONLY[version]) for version in VERSIONS}


class DockerdCommandLine:
    """Settings (daemon.json key -> value) given on dockerd's command line,
    the flags as written, and why dockerd would refuse it (empty: it starts)."""

    def __init__(self, settings, given, refusal):
        self.settings = settings  # key -> bool, str, or [str] for list flags
        self.given = given        # key -> [the words that set it]
        self.refusal = refusal    # None, or dockerd's reason not to run

    def value(self, name):
        return self.settings.get(name)


def parse(argv, version):
    """Read dockerd's argv (argv[0] is the binary) as dockerd `version`."""
    table = FLAGS[version]
    shorthands = {f.shorthand: f for f in table.values() if f.shorthand}
    settings, given = {}, {}
    args = list(argv[1:])
    positional = []
    try:
        while args:
            word = args.pop(0)
            if len(word) < 2 or word[0] != "-":
                positional.append(word)
            elif word == "--":
                positional.extend(args)
                break
            elif word[1] == "-":
                _long(word, args, table, settings, given)
            else:
                _short(word, args, shorthands, settings, given)
    except ValueError as exc:
        return DockerdCommandLine(settings, given, str(exc))
    if positional:
        return DockerdCommandLine(settings, given, "dockerd accepts no arguments, found %s"
                                  % " ".join(repr(w) for w in positional))
    exiting = sorted(k for k in settings if k in EXITING_FLAGS and settings[k])
    if exiting:
        return DockerdCommandLine(settings, given, "--%s makes dockerd print and exit: no daemon runs"
                                  % exiting[0])
    return DockerdCommandLine(settings, given, None)


def _long(word, args, table, settings, given):
    name = word[2:]
    if not name or name[0] in "-=":
        raise ValueError("bad flag syntax: %s" % word)
    name, has_value, value = name.partition("=")
    flag = table.get(name)
    if flag is None:
        raise ValueError("unknown flag: --%s" % name)
    if not has_value:
        if flag.kind == "bool":
            value = "true"
        elif args:
            value = args.pop(0)
            word = "%s %s" % (word, value)
        else:
            raise ValueError("flag needs an argument: --%s" % name)
    _set(flag, value, word, settings, given)


def _short(word, args, shorthands, settings, given):
    letters = word[1:]
    while letters:
        flag = shorthands.get(letters[0])
        if flag is None:
            raise ValueError("unknown shorthand flag: %r in %s" % (letters[0], word))
        if len(letters) > 2 and letters[1] == "=":
            value, letters = letters[2:], ""
        elif flag.kind == "bool":
            value, letters = "true", letters[1:]
        elif len(letters) > 1:
            value, letters = letters[1:], ""
        elif args:
            value, letters = args.pop(0), ""
            word = "%s %s" % (word, value)
        else:
            raise ValueError("flag needs an argument: %r in %s" % (flag.shorthand, word))
        _set(flag, value, word, settings, given)


def _shown(value):
    return value if len(value) <= 40 else "%s...(%d characters)" % (value[:30], len(value))


def _set(flag, value, word, settings, given):
    if flag.kind == "bool":
        if value not in GO_BOOLS:
            raise ValueError('invalid argument "%s" for "--%s" flag: strconv.ParseBool: parsing "%s": '
                             "invalid syntax" % (value, flag.name, value))
        parsed = GO_BOOLS[value]
    elif flag.kind == "int":
        number = go_parse_int(value, 0, 64)          # pflag's intValue.Set: strconv.ParseInt(s, 0, 64)
        if number.error:
            raise ValueError('invalid argument "%s" for "--%s" flag: strconv.ParseInt: parsing "%s": %s'
                             % (_shown(value), flag.name, _shown(value),
                                "value out of range" if number.error == RANGE else "invalid syntax"))
        parsed = value
    else:
        parsed = value
        if flag.name in ("add-runtime", "label") and "=" not in value:
            raise ValueError('invalid argument "%s" for "--%s" flag: expected name=value' % (value, flag.name))
    given.setdefault(flag.key, []).append(word)
    if flag.kind == "list":
        settings.setdefault(flag.key, []).append(parsed)
    else:
        settings[flag.key] = parsed
