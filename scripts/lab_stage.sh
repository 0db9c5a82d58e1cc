#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The lab stage of scripts/test.sh (make lab): one VM per Debian release of
# molecule/default (Debian 13 and 12), each booted once and hardened once,
# and every lab test runs on those VMs in its phase. Under TCG a boot, a
# reboot and the SELinux switch cost minutes each: sharing them is what fits
# both releases into CI's time.
#
#   phase     VMs                   what
#   images    -                     build or reuse both suites' images (side by side)
#   create    both                  molecule destroy, create (boot), prepare (the stock probe)
#   stock     each, side by side    pytest tests/lab/stock: the stock hosts
#   check ... both                  molecule check (--check changes nothing), converge (harden.yml),
#   verify                          idempotence (changed=0), side-effect (reboot), verify (testinfra)
#   hardened  each, side by side    pytest tests/lab/hardened (a test marked lab_suites("trixie")
#                                   runs on Debian 13 only); a VM stops as soon as its tests are done
#   destroy   both                  molecule destroy
#
# A new lab test goes into tests/lab/stock or tests/lab/hardened (see
# tests/lab/conftest.py); it needs no change here. Each phase prints its time.
# Logs: $STOCKADE_CACHE/lab-*.log. The stage fails, never skips, when a VM cannot run.
# STOCKADE_LAB_PREFIX (default stockade) prefixes the VM names, for two checkouts at once.
# shellcheck disable=SC2317 # the phase functions are called through phase()
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.." || exit 1
: "${STOCKADE_CACHE:?source scripts/setup.sh first}"
LAB_CACHE=${STOCKADE_LAB_CACHE:-/var/cache/stockade-lab}
# Two TCG guests booting side by side on a busy 2-core host take longer than one.
export STOCKADE_LAB_BOOT_TIMEOUT=${STOCKADE_LAB_BOOT_TIMEOUT:-900}
# molecule/default's platforms, Debian 13 first (STOCKADE_LAB_PREFIX names them apart)
prefix=${STOCKADE_LAB_PREFIX:-stockade}
PLATFORMS=("$prefix-trixie" "$prefix-bookworm")
declare -A took
order=()

# phase NAME CMD...: run CMD, record its time; a failing phase ends the stage.
phase() {
    local name=$1 started=$SECONDS status
    shift
    echo "--- lab phase $name"
    "$@"
    status=$?
    took[$name]=$((SECONDS - started))
    order+=("$name")
    echo "--- lab phase $name: $( ((status == 0)) && echo ok || echo "FAILED ($status)") in ${took[$name]} s"
    return "$status"
}

instance_json() { echo "$LAB_CACHE/instances/$1/instance.json"; }

# lab_pytest VM DIR LOG: the tests of DIR against VM, output to LOG.
lab_pytest() {
    local vm=$1 dir=$2 log=$3
    STOCKADE_LAB_REQUIRED=1 STOCKADE_LAB_INSTANCE=$(instance_json "$vm") \
        python -m pytest -q -rs --durations=0 -p no:cacheprovider "$dir" > "$log" 2>&1
}

build_images() {
    local pids=() suite status=0
    for suite in trixie bookworm; do
        lab/build-image.sh "$suite" > "$STOCKADE_CACHE/lab-image-$suite.log" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    grep -h -e "ready" -e "reusing" -e ERROR "$STOCKADE_CACHE"/lab-image-*.log
    return "$status"
}

# on_each_vm DIR NAME: pytest DIR against each VM side by side, then print the logs.
# With STOP=1 a VM is stopped as soon as its own tests are done.
on_each_vm() {
    local dir=$1 name=$2 vm pids=() status=0 i log
    for vm in "${PLATFORMS[@]}"; do
        log="$STOCKADE_CACHE/lab-$name-$vm.log"
        ( lab_pytest "$vm" "$dir" "$log"; code=$?
          if [[ ${STOP:-0} == 1 ]]; then lab/vm.sh stop "$vm" > /dev/null 2>&1; fi
          exit "$code" ) &
        pids+=($!)
    done
    for i in "${!PLATFORMS[@]}"; do
        wait "${pids[$i]}" || status=1
        log="$STOCKADE_CACHE/lab-$name-${PLATFORMS[$i]}.log"
        echo "... ${PLATFORMS[$i]}: $log"
        cat "$log"
    done
    return "$status"
}

stock_tests() { on_each_vm tests/lab/stock stock; }
hardened_tests() { STOP=1 on_each_vm tests/lab/hardened hardened; }

status=0
phase images build_images &&
    phase create bash -c 'molecule destroy && molecule create' &&
    phase stock stock_tests &&
    phase check molecule check &&
    phase converge molecule converge &&
    phase idempotence molecule idempotence &&
    phase side-effect molecule side-effect &&
    phase verify molecule verify &&
    phase hardened hardened_tests || status=1
phase destroy molecule destroy || status=1

echo
echo "lab phase    seconds"
for name in "${order[@]}"; do printf '%-12s %s\n' "$name" "${took[$name]}"; done
exit "$status"
