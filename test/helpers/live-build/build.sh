#!/bin/bash
# Builds a minimal Debian 12 live ISO with live-build (lb) from Debian's archive.
# Usage: build.sh OUT_ISO MIRROR   (run as root; takes a few minutes and ~1.5 GB of scratch space)
# Minimal: no recommends, no firmware, no installer, no memtest, BIOS boot loader only (the tests
# boot its kernel and initrd over the network, never the ISO's own loader), gzip squashfs (faster to
# build on two cores than xz). The live system's console is the serial port, so that a test sees its
# login prompt there. Inputs that change the image are listed in live-iso.ts's cache key.
set -euo pipefail
out=$1
mirror=$2
work=$(mktemp -d /var/tmp/bootbench-live-build.XXXXXX)
cleanup() {
  # lb clean unmounts what the build mounted inside its chroot (proc, sys) before anything is removed
  if cd "$work" 2>/dev/null; then lb clean --purge >/dev/null 2>&1 || true; fi
  cd / && if ! grep -q " $work/" /proc/mounts; then rm -rf "$work"; fi
}
trap cleanup EXIT
cd "$work"
lb config --mode debian --distribution bookworm --architectures amd64 --linux-flavours amd64 \
  --archive-areas main --binary-images iso-hybrid --bootloaders syslinux \
  --apt-recommends false --apt-indices false --debian-installer none --memtest none \
  --firmware-binary false --firmware-chroot false --security false --updates false \
  --checksums none --zsync false --cache false \
  --chroot-squashfs-compression-type gzip \
  --mirror-bootstrap "$mirror" --mirror-chroot "$mirror" --mirror-binary "$mirror" \
  --bootappend-live "boot=live components console=ttyS0,115200n8" \
  --iso-volume "BOOTBENCH_DEBIAN_LIVE" >config.log 2>&1
# live-boot fetches filesystem.squashfs with wget (fetch=); live-config sets the system up at boot.
echo "live-boot live-config live-config-systemd systemd-sysv wget" >config/package-lists/live.list.chroot
lb build >build.log 2>&1 || { tail -40 build.log >&2; exit 1; }
iso=$(ls "$work"/*.iso | head -1)
mv "$iso" "$out"
