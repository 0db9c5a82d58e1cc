#!/usr/bin/env bash
# Build a pristine Debian base image for the Stockade lab: Debian 12
# (bookworm) or Debian 13 (trixie), from Debian packages only.
#
# The guest boots through its own GRUB (BIOS, msdos label) so that kernel
# command-line changes made by a role (/etc/default/grub + update-grub) take
# effect on reboot. SELinux is installed but not enabled; the filesystem is
# labelled offline here, because a relabel boot under TCG takes >10 minutes.
#
# Usage: lab/build-image.sh [SUITE]         build, or reuse the image this script built; print its path
#        lab/build-image.sh --path [SUITE]  print that path only (no build; vm.sh uses it)
#        STOCKADE_LAB_REBUILD=1 lab/build-image.sh [SUITE]
# SUITE: bookworm or trixie (lab/suites/SUITE.sh); default $STOCKADE_LAB_SUITE, else bookworm.
# The image is $CACHE/base/SUITE-STAMP.qcow2, STAMP being a hash of this script
# and lab/suites/SUITE.sh: checkouts with different scripts use different
# images side by side (no rebuild ping-pong), and a change to one suite's file
# leaves the other suite's image valid. Older images of a suite are pruned
# (the newest STOCKADE_LAB_KEEP_IMAGES, default 3, and any a process has open, stay).
# Env:   STOCKADE_LAB_CACHE (default /var/cache/stockade-lab)
#        STOCKADE_LAB_DISK_SIZE (default 10G)
#        STOCKADE_LAB_MIRROR (default http://deb.debian.org/debian)
#        STOCKADE_LAB_SECURITY_MIRROR (default http://deb.debian.org/debian-security)
#        STOCKADE_LAB_SOURCES: an apt sources file to use instead of those mirrors
#        STOCKADE_LAB_KEEP_WORK=1 keeps the work dir of a failed build
set -euo pipefail

CACHE=${STOCKADE_LAB_CACHE:-/var/cache/stockade-lab}
DISK_SIZE=${STOCKADE_LAB_DISK_SIZE:-10G}
MIRROR=${STOCKADE_LAB_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${STOCKADE_LAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEEP_IMAGES=${STOCKADE_LAB_KEEP_IMAGES:-3}
KEY=$CACHE/id_ed25519
SCRIPT=$(readlink -f "$0")
LAB_DIR=$(dirname "$SCRIPT")

log() { printf '[build-image] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PRINT_PATH_ONLY=""
if [ "${1:-}" = --path ]; then
  PRINT_PATH_ONLY=1
  shift
fi
SUITE=${1:-${STOCKADE_LAB_SUITE:-bookworm}}
SUITE_FILE=$LAB_DIR/suites/$SUITE.sh
if ! [[ $SUITE =~ ^[a-z]+$ ]] || [ ! -f "$SUITE_FILE" ]; then
  die "unknown suite '$SUITE' (one of: $(basename -s .sh "$LAB_DIR"/suites/*.sh | tr '\n' ' '))"
fi
# shellcheck source=lab/suites/trixie.sh
source "$SUITE_FILE"

# The image's stamp: the content of what builds it (a checkout's mtime says
# nothing, every clone is "newer"), per suite.
STAMP=$(cat "$SCRIPT" "$SUITE_FILE" | sha256sum | cut -c1-16)
BASE=$CACHE/base/$SUITE-$STAMP.qcow2
if [ -n "$PRINT_PATH_ONLY" ]; then
  echo "$BASE"
  exit 0
fi

PACKAGES=(
  # boot and base system
  linux-image-amd64 grub-pc initramfs-tools systemd-sysv udev dbus kmod
  e2fsprogs iproute2 openssh-server sudo procps ca-certificates zstd xz-utils
  # Ansible on the target, including the modules' bindings (apt, selinux)
  python3 python3-apt python3-selinux python3-semanage
  # container engines, runtimes and a registry-free image source
  docker.io apparmor podman crun runc uidmap netavark aardvark-dns slirp4netns
  fuse-overlayfs catatonit busybox-static
  # SELinux, and what a role needs to build refpolicy's container module
  selinux-basics selinux-policy-default selinux-policy-dev selinux-policy-src
  policycoreutils policycoreutils-python-utils setools auditd make m4
  # the agent role's enforce mode (ansible-pull), with Debian's own ansible-core
  ansible-core git
  # what this suite needs besides (lab/suites/SUITE.sh)
  "${SUITE_PACKAGES[@]}"
)

# step NAME CMD... : run CMD (errexit stays in force) and print its duration
step() {
  local name=$1 t0
  shift
  t0=$(date +%s)
  log "step '$name' ..."
  "$@"
  log "step '$name' took $(($(date +%s) - t0)) s"
}

[ "$(id -u)" = 0 ] || die "must run as root (loop devices, chroot, mmdebstrap root mode)"
# The build's mounts live in a mount namespace of their own. A namespace that
# another process creates meanwhile (a container engine, a test's unshare) would
# otherwise copy the image's mount, keep its file system alive after our umount,
# and leave its journal unreplayed (seen with engine tests running beside a build).
if [ -z "${STOCKADE_LAB_BUILD_NS:-}" ]; then
  exec env STOCKADE_LAB_BUILD_NS=1 unshare --mount --propagation private "$SCRIPT" "$SUITE"
fi
for tool in mmdebstrap mke2fs sfdisk losetup qemu-img ssh-keygen; do
  command -v "$tool" >/dev/null || die "missing $tool: apt-get install mmdebstrap e2fsprogs fdisk mount qemu-utils openssh-client"
done
if [ -n "${STOCKADE_LAB_SOURCES:-}" ]; then
  [ -r "$STOCKADE_LAB_SOURCES" ] || die "apt sources file $STOCKADE_LAB_SOURCES not readable"
fi

# Each suite keeps its own .deb cache between builds.
DEBS=$CACHE/debs-$SUITE
mkdir -p "$CACHE/base" "$DEBS" "$CACHE/work"
# One build of a suite at a time (molecule scenarios may start in parallel).
exec 9>"$CACHE/build-$SUITE.lock"
flock 9

if [ -z "${STOCKADE_LAB_REBUILD:-}" ] && [ -f "$BASE" ]; then
  log "reusing cached base image $BASE (built by this script for $SUITE; STOCKADE_LAB_REBUILD=1 forces a rebuild)"
  echo "$BASE"
  exit 0
fi

T_START=$(date +%s)
WORK=$(mktemp -d "$CACHE/work/build.XXXXXX")
ROOTFS=$WORK/rootfs
MNT=$WORK/mnt
RAW=$WORK/disk.raw
LOOP_DISK=""
LOOP_PART=""

cleanup() {
  set +e
  for m in sys proc; do
    mountpoint -q "$MNT/$m" && umount -l "$MNT/$m"
  done
  mountpoint -q "$MNT" && umount "$MNT"
  [ -n "$LOOP_PART" ] && losetup -d "$LOOP_PART"
  [ -n "$LOOP_DISK" ] && losetup -d "$LOOP_DISK"
  if [ -n "${STOCKADE_LAB_KEEP_WORK:-}" ]; then
    log "keeping $WORK for debugging"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# The ssh key is shared by every suite's image: builds of two suites side by
# side (scripts/lab_stage.sh) must not both create it (ssh-keygen would stop at
# its "Overwrite (y/n)?" prompt, seen when a fresh machine built both at once).
(
  flock 8
  if [ ! -f "$KEY" ]; then
    ssh-keygen -q -t ed25519 -N '' -C stockade-lab -f "$KEY" < /dev/null
  fi
) 8>"$CACHE/key.lock"

ROOT_UUID=$(cat /proc/sys/kernel/random/uuid)

# The suite's own sources (the build host's may be another release).
SOURCES=$WORK/sources.list
if [ -n "${STOCKADE_LAB_SOURCES:-}" ]; then
  cp "$STOCKADE_LAB_SOURCES" "$SOURCES"
else
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" "$MIRROR" "$SUITE-updates" "$SECURITY_MIRROR" "$SUITE-security" >"$SOURCES"
fi

bootstrap() {
  local IFS=,
  # The .deb cache survives between builds: sync-in before apt runs,
  # sync-out before mmdebstrap empties /var/cache/apt/archives.
  # shellcheck disable=SC2016 # the hooks' $1 is mmdebstrap's, not ours
  mmdebstrap --mode=root --variant=minbase \
    --include="${PACKAGES[*]}" \
    --skip=download/empty --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in $DEBS/ /var/cache/apt/archives/" \
    --essential-hook='printf "%s\n" "grub-pc grub-pc/install_devices multiselect" "grub-pc grub-pc/install_devices_empty boolean true" | chroot "$1" debconf-set-selections' \
    --customize-hook="sync-out /var/cache/apt/archives $DEBS/" \
    "$SUITE" "$ROOTFS" "$SOURCES"
}

configure_guest() {
  local r=$ROOTFS
  echo stockade-lab >"$r/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 stockade-lab\n::1 localhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
  printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$ROOT_UUID" >"$r/etc/fstab"
  # slirp's DNS, not the build host's resolv.conf
  rm -f "$r/etc/resolv.conf"
  echo 'nameserver 10.0.2.3' >"$r/etc/resolv.conf"

  cat >"$r/etc/systemd/network/20-lab.network" <<'EOF'
[Match]
Name=en* eth*

[Network]
DHCP=yes
EOF
  chroot "$r" systemctl enable systemd-networkd.service
  # Timers that only add load to an emulated CPU during tests.
  chroot "$r" systemctl mask apt-daily.timer apt-daily-upgrade.timer man-db.timer \
    e2scrub_all.timer fstrim.timer >/dev/null 2>&1 || true
  # The first boot would rebuild what the build already has (ldconfig, hwdb,
  # journal catalog: units with ConditionNeedsUpdate=), minutes under TCG on a
  # busy host. The stamps systemd-update-done would write say it is done: /usr's
  # modification time, in the file and as the file's own (Debian 12's
  # systemd-update-done, run in the build chroot, wrote none).
  local stamp usr_mtime_ns
  usr_mtime_ns=$(date -r "$r/usr" +%s%N)
  for stamp in "$r/etc/.updated" "$r/var/.updated"; do
    printf '%s\n' "# This file was created by systemd-update-done. Its only" \
      "# purpose is to hold a timestamp of the time this directory" \
      "# was updated. See man:systemd-update-done.service(8)." \
      "TIMESTAMP_NSEC=$usr_mtime_ns" >"$stamp"
    touch -r "$r/usr" "$stamp"
  done

  mkdir -p "$r/root/.ssh"
  chmod 700 "$r/root/.ssh"
  install -m 600 "$KEY.pub" "$r/root/.ssh/authorized_keys"
  cat >"$r/etc/ssh/sshd_config.d/stockade-lab.conf" <<'EOF'
UseDNS no
PermitRootLogin prohibit-password
PasswordAuthentication no
EOF

  # Boot through GRUB on the serial console, no menu delay.
  sed -i \
    -e 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=0/' \
    -e 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="console=ttyS0"/' \
    -e 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT=""/' \
    "$r/etc/default/grub"
  printf '%s\n' 'GRUB_TERMINAL="console serial"' 'GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"' >>"$r/etc/default/grub"

  # SELinux present but not enabled; permissive once a role enables it.
  # policycoreutils' selinux-autorelabel-mark.service touches /.autorelabel
  # on every boot without SELinux, so the first SELinux boot would relabel
  # (>10 min under TCG). The image is labelled offline below instead.
  chroot "$r" systemctl mask selinux-autorelabel-mark.service
  rm -f "$r/.autorelabel"
  if [ -f "$r/etc/selinux/config" ]; then
    sed -i -e 's/^SELINUX=.*/SELINUX=permissive/' -e 's/^SELINUXTYPE=.*/SELINUXTYPE=default/' "$r/etc/selinux/config"
  else
    printf 'SELINUX=permissive\nSELINUXTYPE=default\n' >"$r/etc/selinux/config"
  fi

  # A registry-free image: `docker import` / `podman import` this tarball.
  local bb=$WORK/busybox-rootfs applet
  mkdir -p "$bb/bin" "$bb/etc" "$bb/tmp" "$bb/proc" "$bb/sys" "$bb/dev" "$bb/root"
  cp "$r/bin/busybox" "$bb/bin/busybox"
  for applet in $("$bb/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$bb/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$bb/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$bb/etc/group"
  chmod 1777 "$bb/tmp"
  mkdir -p "$r/opt/stockade"
  tar --numeric-owner --owner=0 --group=0 -C "$bb" -cf "$r/opt/stockade/busybox-rootfs.tar" .
}

make_disk() {
  truncate -s "$DISK_SIZE" "$RAW"
  printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$RAW"
  # The build host's kernel may lack partition-table support (this lab's
  # does: no MSDOS/EFI partition parsers), so `losetup -P` is not used:
  # one loop for the whole disk (GRUB's target), one at the partition offset.
  local start_bytes=$((2048 * 512)) size_bytes
  size_bytes=$(($(stat -c %s "$RAW") - start_bytes))
  LOOP_DISK=$(losetup -f --show "$RAW")
  LOOP_PART=$(losetup -f --show -o "$start_bytes" --sizelimit "$size_bytes" "$RAW")
  mke2fs -q -t ext4 -U "$ROOT_UUID" -L stockade-root \
    -E lazy_itable_init=0,lazy_journal_init=0 -d "$ROOTFS" "$LOOP_PART"
  mkdir -p "$MNT"
  mount "$LOOP_PART" "$MNT"
}

# grub-probe must find the loop devices under the names the host mounted
# them by, so their nodes go into the image's own /dev (not a tmpfs: a /dev
# mount makes grub-mkconfig emit "loopback" commands), removed afterwards.
chroot_dev() {
  local dev
  mount -t proc proc "$MNT/proc"
  mount -t sysfs sysfs "$MNT/sys"
  for dev in "$LOOP_DISK" "$LOOP_PART"; do
    cp -a "$dev" "$MNT$dev"
  done
  mkdir -p "$MNT/dev/disk/by-uuid"
  ln -s "../../$(basename "$LOOP_PART")" "$MNT/dev/disk/by-uuid/$ROOT_UUID"
  # grub.d/10_linux maps /dev/loopN to its backing file and, that being a
  # plain file, writes no menu entry: let losetup name the guest's disk.
  mkdir -p "$MNT/tmp/stockade-build"
  # shellcheck disable=SC2016 # $1 belongs to the stub script
  printf '#!/bin/sh\necho "$1: [0000]:0 (/dev/vda1)"\n' >"$MNT/tmp/stockade-build/losetup"
  chmod +x "$MNT/tmp/stockade-build/losetup"
}

chroot_dev_cleanup() {
  rm -rf "$MNT$LOOP_DISK" "$MNT$LOOP_PART" "$MNT/dev/disk" "$MNT/tmp/stockade-build"
  umount "$MNT/sys"
}

install_grub() {
  chroot_dev
  # GRUB cannot see that the partition loop lives inside the disk loop, so
  # core.img finds /boot by filesystem UUID: preload the modules for that.
  chroot "$MNT" grub-install --target=i386-pc \
    --modules="part_msdos ext2 search_fs_uuid" "$LOOP_DISK"
  chroot "$MNT" env PATH=/tmp/stockade-build:/usr/sbin:/usr/bin:/sbin:/bin update-grub
  grep -q "root=UUID=$ROOT_UUID" "$MNT/boot/grub/grub.cfg" ||
    die "$MNT/boot/grub/grub.cfg does not boot root=UUID=$ROOT_UUID"
  # Future grub-pc upgrades inside the guest reinstall to the guest's disk.
  echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | chroot "$MNT" debconf-set-selections
  chroot_dev_cleanup
}

label_selinux() {
  # Only /proc may be mounted: setfiles would otherwise walk /dev and /sys.
  chroot "$MNT" setfiles -F /etc/selinux/default/contexts/files/file_contexts /
  umount "$MNT/proc"
}

finish_image() {
  umount "$MNT"
  losetup -d "$LOOP_PART"
  LOOP_PART=""
  losetup -d "$LOOP_DISK"
  LOOP_DISK=""
  # Once, on a loaded build host, the image came out with an empty grub.cfg and
  # a journal still to replay (never booted): flush the disk file, then read the
  # file system back from it before it becomes the image.
  sync -f "$RAW"
  check_disk
  qemu-img convert -O qcow2 "$RAW" "$WORK/base.qcow2"
  mv -f "$WORK/base.qcow2" "$BASE"
}

# check_disk: the partition in $RAW, read afresh, is clean and boots our root.
check_disk() {
  local loop header cfg
  loop=$(losetup -f --show -r -o $((2048 * 512)) "$RAW")
  header=$(dumpe2fs -h "$loop" 2>/dev/null)
  cfg=$(debugfs -R "cat /boot/grub/grub.cfg" "$loop" 2>/dev/null | grep -c "root=UUID=$ROOT_UUID" || true)
  losetup -d "$loop"
  if ! grep -q '^Filesystem state: *clean$' <<<"$header" || grep -q '^Filesystem features:.*needs_recovery' <<<"$header"; then
    die "the disk's file system was not cleanly unmounted (its journal needs recovery)"
  fi
  [ "$cfg" -gt 0 ] || die "the disk's /boot/grub/grub.cfg does not boot root=UUID=$ROOT_UUID"
}

# in_use FILE: does any process hold FILE open (a VM on an overlay of it)?
in_use() {
  local fd
  for fd in /proc/[0-9]*/fd/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = "$1" ] && return 0
  done
  return 1
}

# Older images of this suite (other stamps): keep the newest few and any in use.
prune_images() {
  local old
  # shellcheck disable=SC2012 # names are ours: SUITE-HEX.qcow2
  ls -t "$CACHE/base/$SUITE"-*.qcow2 2>/dev/null | tail -n +"$((KEEP_IMAGES + 1))" | while read -r old; do
    if in_use "$old"; then
      log "keeping $old (in use)"
    else
      log "removing old image $old"
      rm -f "$old"
    fi
  done
}

step mmdebstrap bootstrap
step configure configure_guest
step disk+mke2fs make_disk
step grub install_grub
step selinux-label label_selinux
step qcow2 finish_image
prune_images
log "base image $BASE ready ($(du -h "$BASE" | cut -f1) allocated) in $(($(date +%s) - T_START)) s"
echo "$BASE"
