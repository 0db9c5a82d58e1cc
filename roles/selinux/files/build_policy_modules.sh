#!/bin/sh
# Build refpolicy modules from the distribution's policy sources, and the role's own
# local modules, and install them in one semodule transaction (each transaction
# recompiles the whole policy).
#   build_policy_modules.sh [--dry-run] [--local NAME]... SOURCE_TARBALL DEVEL_MAKEFILE [MODULE...]
# --dry-run builds in a temporary directory and installs nothing (check mode).
# --local NAME builds the local module NAME from the type enforcement text in the
# environment variable STOCKADE_TE_NAME (the role's files/NAME.te; no file contexts).
set -eu
dry_run=0
locals=""
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry_run=1; shift ;;
    --local) locals="$locals $2"; shift 2 ;;
    *) break ;;
  esac
done
source_tarball=$1
makefile=$2
shift 2
[ -r "$source_tarball" ] || { echo "policy sources $source_tarball not readable (package selinux-policy-src)" >&2; exit 1; }
[ -r "$makefile" ] || { echo "policy Makefile $makefile not readable (package selinux-policy-dev)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src" "$work/build"
patterns=""
for module in "$@"; do
  patterns="$patterns */$module.te */$module.fc"
done
# Only the .te and .fc: the devel headers already define every module's interface (.if).
if [ -n "$patterns" ]; then
  # shellcheck disable=SC2086 # word splitting of the patterns is wanted
  tar -C "$work/src" --wildcards -xf "$source_tarball" $patterns
fi
packages=""
for module in $locals; do
  case $module in
    *[!A-Za-z0-9_]* | "") echo "bad local module name '$module'" >&2; exit 1 ;;
  esac
  text=$(printenv "STOCKADE_TE_$module") || { echo "local module $module: STOCKADE_TE_$module is not set" >&2; exit 1; }
  printf '%s\n' "$text" >"$work/build/$module.te"
  : >"$work/build/$module.fc"
  packages="$packages $module.pp"
done
for module in "$@"; do
  for ext in te fc; do
    found=$(find "$work/src" -name "$module.$ext")
    [ "$(printf '%s\n' "$found" | grep -c .)" = 1 ] || { echo "expected one $module.$ext in $source_tarball, found: ${found:-none}" >&2; exit 1; }
    cp "$found" "$work/build/"
  done
  packages="$packages $module.pp"
done
start=$(date +%s)
# shellcheck disable=SC2086
make -s -C "$work/build" -f "$makefile" $packages >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; exit 1; }
echo "built$packages in $(($(date +%s) - start)) s"
if [ "$dry_run" = 1 ]; then
  echo "check mode: would install$packages"
  exit 0
fi
start=$(date +%s)
cd "$work/build"
# shellcheck disable=SC2086
semodule -i $packages
echo "installed$packages in $(($(date +%s) - start)) s"
