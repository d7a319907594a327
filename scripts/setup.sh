#!/usr/bin/env bash
# Installs what Bootbench and its tests need on a Debian/Ubuntu machine: the Debian packages
# (real DHCP clients and servers that the tests talk to), then the npm dependencies.
# Run as root from the repository: sudo bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

packages=(
  iproute2          # ip netns, veth, bridges: every network test builds its own namespaces
  util-linux        # setpriv: the unprivileged-start test
  isc-dhcp-client   # dhclient: a real DHCP client
  busybox-static    # udhcpc (a second real DHCP client), and the static busybox of the test
                    # installer's initramfs (it conflicts with the dynamic `busybox` package)
  dnsmasq-base      # a foreign DHCP server on a test segment (the binary only: no service)
  curl              # HTTP and TFTP client (--tftp-blksize)
  atftp             # TFTP client with blksize/tsize/windowsize options
  tftp-hpa          # the classic TFTP client
  ipxe              # Debian's iPXE loaders, compared with the bundled ones
  xorriso           # builds the fixture ISOs of the ISO-library tests
  isolinux          # isohdpfx.bin: the hybrid (MBR) fixture ISO
  genisoimage       # isoinfo: cross-checks the ISO reader's listing
  procps psmisc     # ps, fuser: diagnostics when a test fails
  bsdutils          # logger: sends syslog to Bootbench as installers do
  ndisc6            # rdisc6: a router solicitation, answered by Bootbench's RA
  tcpdump           # captures the RA on the client side, and the firmware's DHCP in the HTTP-boot e2e
  debconf-utils     # debconf-set-selections -c: cross-checks the preseed validator
  libxml2-utils     # xmllint: cross-checks the AutoYaST validator
  whois             # mkpasswd: cross-checks SHA-512 crypt
  openssl           # openssl passwd -6: cross-checks SHA-512 crypt
  qemu-system-x86 ovmf ipxe-qemu   # the VMs of the end-to-end tests (SeaBIOS + iPXE ROM, OVMF)
  cpio                             # the test installer's initramfs
  debian-installer-12-netboot-amd64  # the real Debian installer booted by the Debian recipe
  grub-common                        # grub-script-check: GRUB's own parser checks the rendered GRUB configs
  chromium fonts-dejavu-core         # the UI tests (playwright-core drives Debian's Chromium)
  ipmitool                           # IPMI power control runs it (and the IPMI test checks the simulator with it)
  openipmi                           # ipmi_sim: the BMC simulator of the IPMI test, attached to a QEMU VM
  redfishtool                        # DMTF's Redfish client: shows the test Redfish BMC is one a real client accepts
  live-build                         # builds the real Debian live ISO of the live-boot e2e (cached outside the repo)
  grub-efi-amd64-bin mtools          # grub-mkstandalone + a FAT El Torito image: the small whole ISO HTTP-booted as a RAM disk
)
# The opt-in ARM64 end-to-end test (test/e2e/arm64.test.ts, BOOTBENCH_E2E_ARM64=1: ~9 min under TCG):
# an arm64 UEFI VM (AAVMF) and the real Debian arm64 installer. Not installed otherwise.
if [ "${BOOTBENCH_E2E_ARM64:-}" = 1 ]; then
  packages+=(qemu-system-arm qemu-efi-aarch64 debian-installer-12-netboot-arm64)
fi

if command -v apt-get > /dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "setup: run as root (sudo bash scripts/setup.sh)" >&2; exit 1; fi
  # No package may start a service on this machine while it installs (dnsmasq, kea …).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1; fi
  trap 'if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi' EXIT
  echo "setup: apt-get install ${packages[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" > /tmp/bootbench-setup-apt.log 2>&1 \
    || { tail -30 /tmp/bootbench-setup-apt.log; echo "setup: apt-get install failed" >&2; exit 1; }
else
  echo "setup: not a Debian-like system; install the equivalents of: ${packages[*]}" >&2
fi

echo "setup: npm ci"
# The Electron binary is fetched from outside the npm registry; where that is impossible the
# desktop shell is skipped and `npm start` serves the same UI headless.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund > /tmp/bootbench-setup-npm.log 2>&1 \
  || { tail -30 /tmp/bootbench-setup-npm.log; echo "setup: npm ci failed" >&2; exit 1; }
echo "setup: done"
