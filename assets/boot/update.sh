#!/usr/bin/env bash
# Reproduces the bundled boot loaders from Debian's packages: downloads the .debs (nothing is
# installed), extracts the loaders, and writes SHA256SUMS and PROVENANCE.
#   ipxe                   undionly.kpxe, snponly.efi, ipxe.efi (the iPXE chain)
#   shim-signed            shimx64.efi  (/usr/lib/shim/shimx64.efi.signed: signed by Microsoft's UEFI CA)
#   grub-efi-amd64-signed  grubx64.efi  (/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed: signed
#                          by Debian, netboot build with http, tftp, efinet, configfile, sleep)
#   grub-common            its copyright file only (GRUB's licence: the signed package describes itself)
#   shim-signed:arm64      shimaa64.efi (/usr/lib/shim/shimaa64.efi.signed: Microsoft-signed, ARM64 UEFI)
#   grub-efi-arm64-signed:arm64  grubaa64.efi (/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed:
#                          Debian-signed, the arm64 netboot build; prefix /grub like grubx64.efi)
#                          The arm64 packages need `dpkg --add-architecture arm64 && apt-get update` once.
#   memtest86+             memtest-x64.bin (/boot/memtest86+x64.bin: the BIOS build, booted as a Linux
#                          kernel) and memtest-x64.efi (/boot/memtest86+x64.efi: the EFI build, unsigned)
# Run from anywhere: bash assets/boot/update.sh [PKG=VERSION ...]   (a bare VERSION pins ipxe)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
declare -A want=([ipxe]=ipxe [shim-signed]=shim-signed [grub-efi-amd64-signed]=grub-efi-amd64-signed [grub-common]=grub-common [memtest86+]=memtest86+)
want[shim-signed:arm64]=shim-signed:arm64
want[grub-efi-arm64-signed:arm64]=grub-efi-arm64-signed:arm64
for arg in "$@"; do
  case "$arg" in
    *=*) want[${arg%%=*}]="$arg" ;;
    *) want[ipxe]="ipxe=$arg" ;;
  esac
done
for pkg in ipxe shim-signed grub-efi-amd64-signed grub-common memtest86+; do
  # apt warns that it downloads as root outside its sandbox: expected here, nothing to fix
  apt-get download -qq "${want[$pkg]}" 2>&1 | grep -v unsandboxed || true
  deb="$(ls "${pkg}"_*.deb)"
  dpkg-deb -x "$deb" "root-$pkg"
done
deb_of() { ls "${1}"_*.deb; }
version_of() { dpkg-deb -f "$(deb_of "$1")" Version; }
describe() { # PKG: "name version (arch)" and the .deb's sum, for PROVENANCE
  local deb; deb="$(deb_of "$1")"
  printf '%s %s (%s), from Debian'"'"'s archive\n.deb SHA-256:   %s\n' "$1" "$(dpkg-deb -f "$deb" Version)" \
    "$(dpkg-deb -f "$deb" Architecture)" "$(sha256sum "$deb" | cut -d' ' -f1)"
}

for f in undionly.kpxe snponly.efi ipxe.efi; do install -m 0644 "root-ipxe/usr/lib/ipxe/$f" "$here/$f"; done
install -m 0644 root-ipxe/usr/share/doc/ipxe/copyright "$here/COPYING.ipxe"
install -m 0644 root-shim-signed/usr/lib/shim/shimx64.efi.signed "$here/shimx64.efi"
install -m 0644 root-shim-signed/usr/share/doc/shim-signed/copyright "$here/COPYING.shim"
install -m 0644 root-grub-efi-amd64-signed/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed "$here/grubx64.efi"
# The boot menu's memory test: renamed without the `+`, which some URL parsers read as a space.
install -m 0644 root-memtest86+/boot/memtest86+x64.bin "$here/memtest-x64.bin"
install -m 0644 root-memtest86+/boot/memtest86+x64.efi "$here/memtest-x64.efi"
install -m 0644 root-memtest86+/usr/share/doc/memtest86+/copyright "$here/COPYING.memtest"
grub_source="$(dpkg-deb -f "$(deb_of grub-efi-amd64-signed)" Source || true)"
{
  echo "GRUB (grubx64.efi) is free software under the GNU General Public License version 3 or later."
  echo "It is Debian's grubnetx64.efi.signed from grub-efi-amd64-signed $(version_of grub-efi-amd64-signed)"
  echo "(source package: ${grub_source:-grub2-signed}), built from Debian's grub2 source package"
  echo "$(version_of grub-common). Written offer / source pointer: the complete corresponding source is"
  echo "Debian's grub2 $(version_of grub-common) source package, available from Debian's archive"
  echo "(apt-get source grub2=$(version_of grub-common); https://sources.debian.org/src/grub2/$(version_of grub-common)/"
  echo "and https://snapshot.debian.org/package/grub2/$(version_of grub-common)/), and the signing"
  echo "template from grub2-signed (GPLv3 section 6(d): the source is offered from Debian's servers)."
  echo
  echo "==== grub-common: /usr/share/doc/grub-common/copyright ===="
  cat root-grub-common/usr/share/doc/grub-common/copyright
  echo
  echo "==== grub-efi-amd64-signed: /usr/share/doc/grub-efi-amd64-signed/copyright ===="
  cat root-grub-efi-amd64-signed/usr/share/doc/grub-efi-amd64-signed/copyright
} > "$here/COPYING.grub"
chmod 0644 "$here/COPYING.grub"

# ARM64 UEFI (client arch 11, 19): the same chain built for arm64. Downloaded into a folder of its
# own, since the package names (shim-signed) are the amd64 ones.
dpkg --print-foreign-architectures | grep -qx arm64 ||
  { echo "update.sh: the arm64 loaders need: dpkg --add-architecture arm64 && apt-get update" >&2; exit 1; }
mkdir arm64
for pkg in shim-signed grub-efi-arm64-signed; do
  ( cd arm64 && apt-get download -qq "${want[$pkg:arm64]}" 2>&1 | grep -v unsandboxed || true )
  dpkg-deb -x "$(ls arm64/"${pkg}"_*_arm64.deb)" "root-$pkg-arm64"
done
install -m 0644 root-shim-signed-arm64/usr/lib/shim/shimaa64.efi.signed "$here/shimaa64.efi"
install -m 0644 root-grub-efi-arm64-signed-arm64/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed "$here/grubaa64.efi"
arm64_version_of() { (cd arm64 && version_of "$1"); }
{
  echo
  echo "==== grubaa64.efi ===="
  echo "grubaa64.efi is Debian's grubnetaa64.efi.signed from grub-efi-arm64-signed $(arm64_version_of grub-efi-arm64-signed),"
  echo "built from the same grub2 source package as grubx64.efi: the licence and the source pointer above apply."
  echo
  echo "==== grub-efi-arm64-signed: /usr/share/doc/grub-efi-arm64-signed/copyright ===="
  cat root-grub-efi-arm64-signed-arm64/usr/share/doc/grub-efi-arm64-signed/copyright
} >> "$here/COPYING.grub"

files=(undionly.kpxe snponly.efi ipxe.efi shimx64.efi grubx64.efi)
files+=(shimaa64.efi grubaa64.efi)
files+=(memtest-x64.bin memtest-x64.efi)
( cd "$here" && sha256sum "${files[@]}" > SHA256SUMS )
cat > "$here/PROVENANCE" <<P
Debian package: $(describe ipxe)
Files:          /usr/lib/ipxe/{undionly.kpxe,snponly.efi,ipxe.efi}, copied unchanged
Licence:        GPL-2.0-or-later (iPXE; some files UBDL), see COPYING.ipxe

Debian package: $(describe shim-signed)
Files:          /usr/lib/shim/shimx64.efi.signed, copied unchanged as shimx64.efi (signed by Microsoft)
Licence:        BSD-2-Clause (shim), see COPYING.shim

Debian package: $(describe grub-efi-amd64-signed)
Files:          /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed, copied unchanged as grubx64.efi
                (signed by Debian; the shim loads it by that name)
Licence:        GPL-3.0-or-later (GRUB), see COPYING.grub (with the pointer to its source)
Licence text:   $(describe grub-common | head -1)

Debian package: $(describe memtest86+)
Files:          /boot/memtest86+x64.bin and /boot/memtest86+x64.efi, copied unchanged as memtest-x64.bin
                (BIOS: booted as a Linux kernel) and memtest-x64.efi (UEFI: an EFI program, unsigned)
Licence:        GPL-2 (memtest86+), see COPYING.memtest

Regenerate:     bash assets/boot/update.sh ipxe=$(version_of ipxe) shim-signed=$(version_of shim-signed) grub-efi-amd64-signed=$(version_of grub-efi-amd64-signed) grub-common=$(version_of grub-common) memtest86+=$(version_of memtest86+)
P
cat >> "$here/PROVENANCE" <<P

Debian package: $(cd arm64 && describe shim-signed)
Files:          /usr/lib/shim/shimaa64.efi.signed, copied unchanged as shimaa64.efi (signed by Microsoft)
Licence:        BSD-2-Clause (shim), see COPYING.shim

Debian package: $(cd arm64 && describe grub-efi-arm64-signed)
Files:          /usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed, copied unchanged as grubaa64.efi
                (signed by Debian; the arm64 shim loads it by that name)
Licence:        GPL-3.0-or-later (GRUB), see COPYING.grub (with the pointer to its source)
Regenerate:     the command above, with shim-signed:arm64=$(arm64_version_of shim-signed) grub-efi-arm64-signed:arm64=$(arm64_version_of grub-efi-arm64-signed)
P
echo "assets/boot (arm64): shim-signed $(arm64_version_of shim-signed), grub-efi-arm64-signed $(arm64_version_of grub-efi-arm64-signed)"
echo "assets/boot: ipxe $(version_of ipxe), shim-signed $(version_of shim-signed), grub-efi-amd64-signed $(version_of grub-efi-amd64-signed), memtest86+ $(version_of memtest86+)"
cat "$here/SHA256SUMS"
