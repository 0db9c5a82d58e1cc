#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The whole test suite, as CI runs it: installs what it needs, then runs each
# stage and prints the time it took. Any failing stage fails the run.
#   STOCKADE_STAGES="unit lint"  run only some stages (default: all, in order)
#   STOCKADE_STAGES=lab          only the lab VM stage (make lab): Molecule scenario and lab tests
# The lab stage boots qemu VMs (TCG): it needs root, loop devices and ~50 min;
# when it cannot run it fails, it is never skipped.
# shellcheck disable=SC2317 # the stage_* functions are called by name
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
setup_started=$(date +%s)
# shellcheck source=scripts/setup.sh
source "$here/setup.sh" || { echo "test: setup failed"; exit 1; }
cd "$STOCKADE_ROOT" || exit 1
ALL_STAGES="unit agent lint sanity engines lab"
STAGES=${STOCKADE_STAGES:-$ALL_STAGES}
declare -A took result
took[setup]=$(( $(date +%s) - setup_started )); result[setup]=ok

stage_unit() { python -m pytest -q tests/unit; }
stage_agent() { python -m pytest -q tests/integration; }
stage_lint() { ansible-lint --profile production --offline && antsibull-changelog lint; }
stage_engines() { STOCKADE_REQUIRE_ENGINES=1 python -m pytest -q tests/engines; }

# The lab VMs: Debian 13 and 12, each booted and hardened once for the
# Molecule scenario and every lab test (scripts/lab_stage.sh has the phases).
stage_lab() { scripts/lab_stage.sh; }

# The oldest ansible-core meta/runtime.yml's requires_ansible allows, in a venv of its own
# (ansible-core 2.16 runs on Python 3.10-3.12 as a controller; 3.11 here), and the tests
# whose verdict depends on the ansible-core version: module documentation and argument
# specs (validate-modules, ansible-doc), meta/runtime.yml's schema (runtime-metadata),
# and the modules' imports against its module_utils (import). The style tests (pep8,
# pylint, ...) and compile judge the same files with the same Python: the newest runs them.
# (2.16 and 2.17's empty-init also wants the engine's package __init__.py files empty;
# they carry docstrings, and ansible-lint's sanity rule forbids ignoring empty-init.)
SANITY_OLDEST="ansible-core>=2.16,<2.17"
SANITY_OLDEST_TESTS=(--test ansible-doc --test validate-modules --test runtime-metadata --test import)

# ansible-test needs the collection at .../ansible_collections/<ns>/<name>, as
# files it can own: copy what git tracks (plus new files not ignored), without
# .collections/ (a link back to the checkout, for ansible.cfg).
sanity_tree() {
    local tree="$STOCKADE_CACHE/sanity/ansible_collections/stockade/hardening"
    rm -rf "$tree" && mkdir -p "$tree"
    git ls-files -z --cached --others --exclude-standard | grep -zv '^\.collections/' \
        | xargs -0 -I{} sh -c '[ -e "{}" ] && echo "{}"' | tar -cf - -T - | tar -xf - -C "$tree"
    # its own git repository: inside ours it would sit in an ignored path and
    # ansible-test would find no files to test ("All targets skipped")
    (cd "$tree" && git init -q && git add -A)
    echo "$tree"
}

# run_sanity LABEL BINDIR [ansible-test options]: one ansible-test run, its log filtered.
run_sanity() {
    local label=$1 bindir=$2 log="$STOCKADE_CACHE/sanity-$1.log" started status
    shift 2
    started=$(date +%s)
    (cd "$tree" && PATH="$bindir:$PATH" ansible-test sanity --python 3.11 --requirements --color no "$@") > "$log" 2>&1
    status=$?
    grep -v -e '^WARNING: Location' -e '^Requirement already' -e '^Collecting' -e '^  Using cached' \
            -e '^Installing' -e '^  Downloading' -e '^Downloading' -e '^Successfully' "$log"
    echo "sanity $label: $("$bindir/ansible-test" --version) in $(( $(date +%s) - started )) s"
    if grep -q "All targets skipped" "$log"; then
        echo "sanity $label: ansible-test found nothing to test"
        return 1
    fi
    return "$status"
}

stage_sanity() {
    local tree oldest="$STOCKADE_CACHE/ansible-core-oldest" status=0
    tree=$(sanity_tree)
    # ansible-test downloads a pip bootstrap from a host this network cannot reach
    # (23.1.2 is ansible-core 2.16's).
    local pip_cache="$HOME/.ansible/test/cache"
    mkdir -p "$pip_cache"
    for version in 23.1.2 24.2 25.0.1 25.1.1 25.3; do
        cp scripts/ansible_test_get_pip.py "$pip_cache/get_pip_${version//./_}.py"
    done
    if [[ $(cat "$oldest/.wanted" 2>/dev/null) != "$SANITY_OLDEST" ]]; then
        if ! { rm -rf "$oldest" && python3.11 -m venv "$oldest" \
                && "$oldest/bin/pip" install -q --disable-pip-version-check "$SANITY_OLDEST"; }; then
            echo "sanity: cannot install $SANITY_OLDEST into $oldest"
            return 1
        fi
        echo "$SANITY_OLDEST" > "$oldest/.wanted"
    fi
    run_sanity newest "$STOCKADE_VENV/bin" || status=1
    run_sanity oldest "$oldest/bin" "${SANITY_OLDEST_TESTS[@]}" || status=1
    return "$status"
}

for stage in $STAGES; do
    echo "=== stage $stage"
    started=$(date +%s)
    if "stage_$stage"; then result[$stage]=ok; else result[$stage]=FAILED; fi
    took[$stage]=$(( $(date +%s) - started ))
    echo "=== stage $stage: ${result[$stage]} in ${took[$stage]} s"
done

echo
echo "stage      result   seconds"
status=0
for stage in setup $STAGES; do
    printf '%-10s %-8s %s\n' "$stage" "${result[$stage]}" "${took[$stage]}"
    [[ ${result[$stage]} == ok ]] || status=1
done
exit $status
