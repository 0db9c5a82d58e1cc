#!/usr/bin/env bash
# Run lab VMs on the pristine base image built by lab/build-image.sh.
#
#   lab/vm.sh start NAME [SUITE]  boot a throw-away overlay of SUITE's image (bookworm|trixie,
#                           default $STOCKADE_LAB_SUITE, else bookworm), wait for ssh, print instance json
#   lab/vm.sh stop NAME     kill that VM's qemu (by its pidfile) and delete the overlay
#   lab/vm.sh ssh NAME CMD  run CMD in the guest as root
#   lab/vm.sh status NAME   print the instance json if the VM runs
#   lab/vm.sh reboot NAME   reboot the guest, wait until ssh answers again
#
# Env: STOCKADE_LAB_CACHE (default /var/cache/stockade-lab)
#      STOCKADE_LAB_CPUS (default 2), STOCKADE_LAB_MEM (MiB, default 2560)
#      STOCKADE_LAB_ACCEL (tcg|kvm, default tcg: /dev/kvm on these hosts is PVM
#      and cannot run a stock Debian kernel; use kvm only where it was proven)
#      STOCKADE_LAB_BOOT_TIMEOUT (seconds until ssh must answer, default 300; a VM whose
#      ssh never answers is stopped, unless STOCKADE_KEEP_VM=1 keeps it for a look)
set -euo pipefail

CACHE=${STOCKADE_LAB_CACHE:-/var/cache/stockade-lab}
LAB_DIR=$(dirname "$(readlink -f "$0")")
KEY=$CACHE/id_ed25519
CPUS=${STOCKADE_LAB_CPUS:-2}
MEM=${STOCKADE_LAB_MEM:-2560}
ACCEL=${STOCKADE_LAB_ACCEL:-tcg}
BOOT_TIMEOUT=${STOCKADE_LAB_BOOT_TIMEOUT:-300}

log() { printf '[vm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '4,9p' "$0" | sed 's/^# *//' >&2; exit 2; }

instance_dir() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "bad instance name '$1' (letters, digits, . _ -)"
  echo "$CACHE/instances/$1"
}

SSH_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
  -o BatchMode=yes -o ConnectTimeout=10 -o IdentitiesOnly=yes -i "$KEY")

# Echo the pid of the instance's qemu if it is alive and really ours.
running_pid() {
  local dir=$1 pid
  [ -f "$dir/qemu.pid" ] || return 1
  pid=$(cat "$dir/qemu.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  # Guard against a recycled pid: the process must use this instance's overlay.
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir/overlay.qcow2" || return 1
  echo "$pid"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pick_accel() {
  case $ACCEL in
    tcg | kvm) echo "$ACCEL" ;;
    *) die "STOCKADE_LAB_ACCEL must be tcg or kvm, not '$ACCEL'" ;;
  esac
}

cmd_start() {
  local name=$1 suite=${2:-${STOCKADE_LAB_SUITE:-bookworm}} dir port pid accel t0 cpu base
  dir=$(instance_dir "$name")
  # the image this checkout's build-image.sh builds for the suite
  base=$("$LAB_DIR/build-image.sh" --path "$suite") || exit 1
  [ -f "$base" ] || die "no base image $base: run lab/build-image.sh $suite first"
  if pid=$(running_pid "$dir"); then
    log "$name already runs (pid $pid)"
    cat "$dir/instance.json"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir" "$CACHE/logs"
  qemu-img create -q -f qcow2 -F qcow2 -b "$base" "$dir/overlay.qcow2"
  port=$(free_port)
  accel=$(pick_accel)
  cpu=max
  [ "$accel" = kvm ] && cpu=host
  : >"$CACHE/logs/$name-console.log"
  t0=$(date +%s)
  qemu-system-x86_64 \
    -name "stockade-lab-$name" \
    -accel "$accel" -cpu "$cpu" -smp "$CPUS" -m "$MEM" \
    -drive "file=$dir/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe,discard=unmap" \
    -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$port-:22" \
    -device virtio-net-pci,netdev=net0 \
    -device virtio-rng-pci \
    -display none -monitor none \
    -serial "file:$CACHE/logs/$name-console.log" \
    -pidfile "$dir/qemu.pid" -daemonize
  pid=$(cat "$dir/qemu.pid")
  cat >"$dir/instance.json" <<EOF
{"instance": "$name", "address": "127.0.0.1", "port": $port, "user": "root", "identity_file": "$KEY", "suite": "$suite"}
EOF
  log "$name: $suite, qemu pid $pid ($accel, $CPUS vCPU, $MEM MiB), ssh on 127.0.0.1:$port, console $CACHE/logs/$name-console.log"
  if ! wait_ssh "$dir" "$port" "$t0"; then
    log "$name: last console lines:"
    tail -n 20 "$CACHE/logs/$name-console.log" >&2 || true
    # a VM nobody can reach is stopped (by its pidfile), not left running
    if [[ ${STOCKADE_KEEP_VM:-0} != 1 ]]; then cmd_stop "$name"; fi
    return 1
  fi
  cat "$dir/instance.json"
}

# wait_ssh DIR PORT T0: poll until sshd in the guest runs a command.
wait_ssh() {
  local dir=$1 port=$2 t0=$3
  while true; do
    running_pid "$dir" >/dev/null || die "qemu exited during boot"
    if ssh -n "${SSH_OPTS[@]}" -p "$port" root@127.0.0.1 true 2>/dev/null; then
      log "ssh answered after $(($(date +%s) - t0)) s"
      return 0
    fi
    if [ $(($(date +%s) - t0)) -ge "$BOOT_TIMEOUT" ]; then
      log "ssh did not answer within $BOOT_TIMEOUT s"
      return 1
    fi
    sleep 3
  done
}

cmd_stop() {
  local name=$1 dir pid
  dir=$(instance_dir "$name")
  if pid=$(running_pid "$dir"); then
    kill "$pid"
    for _ in $(seq 50); do
      [ -d "/proc/$pid" ] || break
      sleep 0.2
    done
    [ -d "/proc/$pid" ] && kill -9 "$pid"
    log "$name: stopped qemu pid $pid"
  else
    log "$name: not running"
  fi
  rm -rf "$dir"
}

cmd_ssh() {
  local name=$1 dir port
  shift
  dir=$(instance_dir "$name")
  running_pid "$dir" >/dev/null || die "$name is not running"
  port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$dir/instance.json")
  exec ssh "${SSH_OPTS[@]}" -p "$port" root@127.0.0.1 "$@"
}

# reboot NAME: reboot the guest and wait until ssh answers again.
cmd_reboot() {
  local name=$1 dir port t0
  dir=$(instance_dir "$name")
  running_pid "$dir" >/dev/null || die "$name is not running"
  port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$dir/instance.json")
  t0=$(date +%s)
  ssh "${SSH_OPTS[@]}" -p "$port" root@127.0.0.1 'systemctl reboot' || true
  # Wait until the old sshd is gone before polling for the new one.
  while ssh -n "${SSH_OPTS[@]}" -o ConnectTimeout=3 -p "$port" root@127.0.0.1 true 2>/dev/null; do
    sleep 1
    [ $(($(date +%s) - t0)) -lt 60 ] || die "guest did not go down within 60 s"
  done
  wait_ssh "$dir" "$port" "$t0"
}

cmd_status() {
  local dir pid
  dir=$(instance_dir "$1")
  pid=$(running_pid "$dir") || { log "$1: not running"; return 1; }
  cat "$dir/instance.json"
}

[ $# -ge 2 ] || usage
action=$1
shift
case $action in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$1" ;;
  ssh) cmd_ssh "$@" ;;
  reboot) cmd_reboot "$1" ;;
  status) cmd_status "$1" ;;
  *) usage ;;
esac
