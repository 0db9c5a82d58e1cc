#!/usr/bin/env bash
# Copyright: (c) 2026, Stockade contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The main job: run harden.yml against a target and show its audit.
#   make harden                       build (or reuse) the lab image, boot a disposable
#                                     Debian 13 lab VM, harden it, print its audit, stop it
#   STOCKADE_IA32_OFF=1 make harden   also switch the kernel's 32-bit ABI off (ia32_emulation=0,
#                                     vsyscall=none; Linux 6.7+) and let the kernel layer reboot for it
#   STOCKADE_LAB_SUITE=bookworm make harden   a Debian 12 lab VM instead
#   INVENTORY=hosts.ini make harden   harden your own hosts instead (nothing is booted)
#   STOCKADE_KEEP_VM=1 make harden    leave the lab VM running afterwards
#                                     (lab/vm.sh ssh stockade-main CMD; lab/vm.sh stop stockade-main)
# Extra ansible-playbook arguments go in HARDEN_ARGS, e.g. HARDEN_ARGS="--check --diff".
# Each phase prints its time, and the end of the output has them all (setup, image, boot, harden, audit).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
phase_names=() phase_seconds=()
phase_started=$SECONDS
# phase_done NAME: record the seconds since the previous phase ended.
phase_done() {
    phase_names+=("$1") phase_seconds+=($((SECONDS - phase_started)))
    echo "== harden phase $1: $((SECONDS - phase_started)) s"
    phase_started=$SECONDS
}
# shellcheck disable=SC2317 # called from the EXIT trap
phase_table() {
    local i
    echo
    echo "harden phase  seconds"
    for i in "${!phase_names[@]}"; do printf '%-13s %s\n' "${phase_names[$i]}" "${phase_seconds[$i]}"; done
}
# shellcheck source=scripts/setup.sh
source "$here/setup.sh"
cd "$STOCKADE_ROOT"
phase_done setup
read -r -a extra_args <<< "${HARDEN_ARGS:-}"

if [[ -n ${INVENTORY:-} ]]; then
    exec ansible-playbook -i "$INVENTORY" harden.yml "${extra_args[@]}"
fi

instance=stockade-main
suite=${STOCKADE_LAB_SUITE:-trixie}
lab/build-image.sh "$suite"
phase_done image
if [[ ${STOCKADE_KEEP_VM:-0} != 1 ]]; then
    trap 'lab/vm.sh stop "$instance"; phase_table' EXIT
else
    trap phase_table EXIT
fi
instance_json=$(lab/vm.sh start "$instance" "$suite")
phase_done boot
inventory="$STOCKADE_CACHE/lab-inventory.yml"
python3 - "$instance_json" "$inventory" "${STOCKADE_IA32_OFF:-0}" <<'PY'
import json, sys
vm = json.loads(sys.argv[1])
ia32_off = sys.argv[3] == "1"
with open(sys.argv[2], "w") as handle:
    handle.write(
        "all:\n  hosts:\n    %s:\n      ansible_host: %s\n      ansible_port: %d\n"
        "      ansible_user: %s\n      ansible_ssh_private_key_file: %s\n"
        "      ansible_python_interpreter: /usr/bin/python3\n"
        # the lab VM is disposable: let the selinux layer switch it from
        # AppArmor and reboot it, as an operator would allow in a window
        "      stockade_selinux_switch_from_apparmor: true\n"
        "      stockade_selinux_reboot_allowed: true\n"
        "      stockade_kernel_reboot_allowed: true\n"
        "      stockade_kernel_ia32_emulation_disabled: %s\n"
        "      stockade_kernel_vsyscall_none: %s\n"
        "      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
        " -o ServerAliveInterval=5 -o ServerAliveCountMax=3\n"
        % (vm["instance"], vm["address"], vm["port"], vm["user"], vm["identity_file"],
           str(ia32_off).lower(), str(ia32_off).lower()))
PY
status=0
ansible-playbook -i "$inventory" harden.yml "${extra_args[@]}" || status=$?
phase_done harden
echo
echo "== audit of the lab VM after harden.yml (run inside the guest by the same engine)"
tar -C "$STOCKADE_ROOT" -cf - bin/stockade-audit plugins/module_utils/posture \
    | lab/vm.sh ssh "$instance" "rm -rf /tmp/stockade && mkdir -p /tmp/stockade && tar -C /tmp/stockade -xf - && /tmp/stockade/bin/stockade-audit" \
    || true
phase_done audit
exit $status
