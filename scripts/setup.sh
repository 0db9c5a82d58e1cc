#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Install what the main job and the tests need on a fresh Debian 12 machine:
# Debian packages (only those missing) and a Python venv from requirements.txt
# (rebuilt only when requirements.txt changes). Source it: it exports PATH,
# STOCKADE_VENV and ANSIBLE_COLLECTIONS_PATH for the caller.
set -euo pipefail

STOCKADE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STOCKADE_VENV=${STOCKADE_VENV:-$STOCKADE_ROOT/.venv}
STOCKADE_CACHE=${STOCKADE_CACHE:-$STOCKADE_ROOT/.cache}

# Engines for the fast tests, the lab VM's tools, and what ansible needs locally.
DEBIAN_PACKAGES=(
    docker.io podman runc crun uidmap busybox-static golang-github-containers-common runsc
    iptables qemu-system-x86 qemu-utils mmdebstrap fdisk e2fsprogs openssh-client rsync git make chromium
    shellcheck
    grub-common rpm
    golang-go
)

install_debian_packages() {
    local missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

install_python_venv() {
    local stamp="$STOCKADE_VENV/.requirements.sha256"
    local wanted
    wanted=$(sha256sum "$STOCKADE_ROOT/requirements.txt" | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
        return
    fi
    # Installed into the existing venv, not a new one: several checkouts may share a venv
    # (STOCKADE_VENV), and removing it would pull it from under their running tests.
    echo "setup: installing requirements.txt into the Python venv $STOCKADE_VENV"
    [[ -x $STOCKADE_VENV/bin/pip ]] || python3 -m venv "$STOCKADE_VENV"
    "$STOCKADE_VENV/bin/pip" install -q --disable-pip-version-check -r "$STOCKADE_ROOT/requirements.txt"
    echo "$wanted" > "$stamp"
}

# bootctl (Debian's systemd-boot package) is the consumer the BLS reader is tested against. It is
# unpacked, never installed: the package's postinst would put systemd-boot into this machine's ESP.
unpack_bootctl() {
    local dir="$STOCKADE_CACHE/systemd-boot" version
    command -v bootctl >/dev/null && return
    version=$(dpkg-query -W -f='${Version}' systemd)
    [[ -x $dir/usr/bin/bootctl && $(cat "$dir/.version" 2>/dev/null) == "$version" ]] && return
    rm -rf "$dir" && mkdir -p "$dir/debs"
    (cd "$dir/debs" && apt-get download -qq "systemd-boot=$version") || { echo "setup: no systemd-boot $version"; return; }
    dpkg-deb -x "$dir"/debs/systemd-boot_*.deb "$dir" && echo "$version" > "$dir/.version"
}

# Microsoft's SARIF multitool validates --format sarif with GitHub code scanning's rules
# (tests/unit/plugins/module_utils/posture/test_sarif.py). npm only when the pinned version
# is not there yet; its postinstall only sets the executable bit, which the tarball has.
SARIF_MULTITOOL_VERSION=5.7.0
install_sarif_multitool() {
    local prefix="$STOCKADE_CACHE/npm"
    local installed="$prefix/node_modules/@microsoft/sarif-multitool/package.json"
    if [[ -f $installed ]] && grep -q "\"version\": \"$SARIF_MULTITOOL_VERSION\"" "$installed"; then
        return
    fi
    # not in DEBIAN_PACKAGES: a nodejs from elsewhere (NodeSource) brings its own npm,
    # and Debian's npm package would conflict with it
    if ! command -v npm >/dev/null; then
        echo "setup: installing Debian packages: nodejs npm"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    fi
    echo "setup: installing @microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" >/dev/null ||
        echo "setup: could not install the SARIF multitool; its test will be skipped"
}

# ansible finds the collection under its namespace path: link the checkout there.
link_collection() {
    local parent="$STOCKADE_CACHE/collections/ansible_collections/stockade"
    mkdir -p "$parent"
    ln -sfn "$STOCKADE_ROOT" "$parent/hardening"
}

install_debian_packages
install_python_venv
unpack_bootctl
install_sarif_multitool
link_collection
export STOCKADE_ROOT STOCKADE_VENV STOCKADE_CACHE
export PATH="$STOCKADE_VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$STOCKADE_CACHE/collections"
