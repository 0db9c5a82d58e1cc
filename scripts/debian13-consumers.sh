#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Unpack Debian 13's dockerd (26.1), systemd (257) and podman (5.4) with the
# libraries they need into a private directory, so the engine tests can ask
# them for their verdicts on this Debian 12 machine: `dockerd --validate`,
# `systemd --test` and `podman system connection list` read configuration
# and exit, they start nothing.
# Nothing is installed on the machine: apt reads the trixie suite with its
# own lists and downloads .deb files, which are only unpacked.
#   usage: scripts/debian13-consumers.sh [DIR]   (default $STOCKADE_LAB_CACHE/debian13-consumers)
# Prints DIR; DIR/root holds the unpacked packages; reruns reuse it.
set -euo pipefail
dir=${1:-${STOCKADE_LAB_CACHE:-/var/cache/stockade-lab}/debian13-consumers}
packages=(docker.io systemd libsystemd-shared libc6 libssl3t64 libmount1 libblkid1 libseccomp2 libselinux1
          libcap2 libacl1 libcrypt1 libapparmor1 libaudit1 libpam0g libkmod2 libpcre2-8-0 libcap-ng0
          podman libgpgme11t64 libassuan9 libgpg-error0 libsubid5 libsqlite3-0 libbsd0 libmd0 libsemanage2 libsepol2
          libbz2-1.0)
stamp="$dir/root/.packages"
if [[ -f $stamp && $(cat "$stamp") == "${packages[*]}" ]]; then
    echo "$dir"
    exit 0
fi
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    > "$dir/sources.list"
apt_options=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=/dev/null
             -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Sandbox::User=root)
apt-get "${apt_options[@]}" update -qq >&2
(cd "$dir/debs" && apt-get "${apt_options[@]}" download -qq "${packages[@]}" >&2)
rm -rf "$dir/root"
mkdir -p "$dir/root"
for deb in "$dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dir/root"
done
chmod -R a+rX "$dir"
echo "${packages[*]}" > "$stamp"
echo "$dir"
