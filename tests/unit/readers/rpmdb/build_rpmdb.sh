#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Build a small rpm 4.16+ style sqlite rpmdb (rpmdb.sqlite) from tiny packages
# named like the ones a RHEL 9 / Fedora container host has, with Debian's
# rpm/rpmbuild (apt-get install rpm; 4.18.0 on Debian 12). No files are
# installed anywhere: the packages carry no payload and are recorded with
# `rpm -i --justdb --nodeps` into a private --dbpath.
#
# Usage: build_rpmdb.sh OUTDIR [PACKAGES]   (PACKAGES: a file of name|epoch|version|release|arch|summary lines)
#   OUTDIR/rpms/*.rpm          the built packages
#   OUTDIR/db/rpmdb.sqlite     the database
#   OUTDIR/oracle.txt          rpm -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\n' (sorted)
#
# Versions and epochs are chosen to look like RHEL 9 / Fedora ones; they are
# test data, not a claim about what a given release ships.
set -euo pipefail

OUT=${1:?usage: build_rpmdb.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TOP="$OUT/rpmbuild"
DB="$OUT/db"
rm -rf "$TOP" "$DB" "$OUT/rpms"
mkdir -p "$TOP/SPECS" "$DB" "$OUT/rpms"

# Never touch the invoking user's ~/.rpmdb or macros: everything through --dbpath/--define.
RPMBUILD=(rpmbuild --quiet --define "_topdir $TOP" --define "debug_package %{nil}"
          --define "_build_id_links none" --define "__os_install_post %{nil}"
          --define "_binary_payload w1.gzdio" --nodeps)

# name|epoch|version|release|arch|summary
# epoch "-" = no Epoch tag (rpm prints (none)).
LONG_RELEASE="0.1.$(printf 'g%.0s' $(seq 1 1000)).el9"   # a 1007-character release
PKGS=(
  "podman|5|5.2.2|1.el9|x86_64|Manage Pods, Containers and Container Images"
  "containers-common|2|1|91.el9|x86_64|Common configuration and documentation for containers"
  "container-selinux|3|2.229.0|1.el9|noarch|SELinux policies for container runtimes"
  "crun|-|1.16.1|1.el9|x86_64|OCI runtime written in C"
  "runc|4|1.1.13|1.el9|x86_64|CLI for running Open Containers"
  "docker-ce|3|26.1.3|1.el9|x86_64|The open-source application container engine"
  "moby-engine|-|24.0.5|1.fc39|x86_64|The open-source application container engine"
  "kernel|-|5.14.0|362.24.1.el9_3|x86_64|The Linux kernel"
  "kernel|-|5.14.0|427.13.1.el9_4|x86_64|The Linux kernel"
  "systemd|-|252|32.el9_4|x86_64|System and Service Manager"
  "selinux-policy|-|38.1.35|2.el9_4|noarch|SELinux policy configuration"
  "glibc|-|2.34|100.el9|x86_64|The GNU libc libraries"
  "glibc|-|2.34|100.el9|i686|The GNU libc libraries"
  "buildah|2|1.37.0~rc1^20240801git|1.el9|x86_64|Tilde and caret in a version"
  "unicode-summary|-|1.0|1.el9|noarch|Überprüfung – ünïcödé ✓ 日本語"
  "long-release|-|1.0|${LONG_RELEASE}|noarch|A release of 1007 characters"
)
if [ -n "${2:-}" ]; then
  mapfile -t PKGS < <(grep -v '^#' "$2" | grep -v '^$')
fi

spec_for() {
  local name=$1 epoch=$2 version=$3 release=$4 arch=$5 summary=$6
  printf 'Name: %s\n' "$name"
  [ "$epoch" != "-" ] && printf 'Epoch: %s\n' "$epoch"
  printf 'Version: %s\nRelease: %s\nSummary: %s\nLicense: MIT\n' "$version" "$release" "$summary"
  [ "$arch" = noarch ] && printf 'BuildArch: noarch\n'
  printf '\n%%description\nStockade rpmdb test package (no files).\n\n%%files\n'
}

n=0
for entry in "${PKGS[@]}"; do
  IFS='|' read -r name epoch version release arch summary <<<"$entry"
  n=$((n + 1))
  spec="$TOP/SPECS/pkg$n.spec"
  spec_for "$name" "$epoch" "$version" "$release" "$arch" "$summary" >"$spec"
  # Short output names: a 1007-character release does not fit in a file name.
  target=()
  [ "$arch" = i686 ] && target=(--target i686)
  # (and no NVR-named build root either: --buildroot)
  "${RPMBUILD[@]}" "${target[@]}" --buildroot "$TOP/BUILDROOT/pkg$n" \
    --define "_build_name_fmt %{ARCH}/$(printf 'pkg%02d' $n)-%{NAME}.rpm" -bb "$spec"
done
find "$TOP/RPMS" -name '*.rpm' -exec mv {} "$OUT/rpms/" \;

rpm --dbpath "$DB" --initdb
# One transaction per package, as a host accumulates them (and so that the two
# kernels are two installs); --justdb: record only, --nodeps: no requirements.
# The older kernel goes first (rpm -i refuses to add an older version next to a
# newer one). glibc i686 next to x86_64: no files, no conflict.
# Debian's rpm warns "use Alien instead" unless told --force-debian.
FORCE_DEBIAN=()
case "$(rpm --help 2>/dev/null)" in *--force-debian*) FORCE_DEBIAN=(--force-debian) ;; esac
for rpmfile in "$OUT"/rpms/*.rpm; do
  rpm --dbpath "$DB" -i --justdb --nodeps --nosignature --ignorearch --ignoreos "${FORCE_DEBIAN[@]}" "$rpmfile"
done

# A gpg-pubkey pseudo-package (no ARCH tag), as `rpm --import` makes on every
# real host. The key is made here, offline, with a throwaway GNUPGHOME.
if command -v gpg >/dev/null; then
  GNUPGHOME=$(mktemp -d)
  export GNUPGHOME
  gpg --batch --quiet --passphrase '' --quick-gen-key 'Stockade test <test@invalid>' rsa2048 sign never 2>/dev/null
  gpg --batch --armor --export 'test@invalid' >"$OUT/RPM-GPG-KEY-stockade-test"
  gpgconf --kill all 2>/dev/null || true  # no gpg-agent left behind for the deleted home
  rm -rf "$GNUPGHOME"
  unset GNUPGHOME
  rpm --dbpath "$DB" --import "$OUT/RPM-GPG-KEY-stockade-test"
fi

rpm --dbpath "$DB" -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\n' | LC_ALL=C sort >"$OUT/oracle.txt"
echo "backend: $(rpm -E '%_db_backend'), rpm: $(rpm --version)"
ls -l "$DB"
