#!/usr/bin/env bash
# Reproduces the bundled boot loaders from Debian's packages: downloads the .debs (nothing is
# installed), extracts the loaders, and writes SHA256SUMS and PROVENANCE.
#   ipxe                   undionly.kpxe, snponly.efi, ipxe.efi (the iPXE chain)
#   shim-signed            shimx64.efi  (/usr/lib/shim/shimx64.efi.signed: signed by Microsoft's UEFI CA)
#   grub-efi-amd64-signed  grubx64.efi  (/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed: signed
#                          by Debian, netboot build with http, tftp, efinet, configfile, sleep)
#   grub-common            its copyright file only (GRUB's licence: the signed package describes itself)
# Run from anywhere: bash assets/boot/update.sh [PKG=VERSION ...]   (a bare VERSION pins ipxe)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
declare -A want=([ipxe]=ipxe [shim-signed]=shim-signed [grub-efi-amd64-signed]=grub-efi-amd64-signed [grub-common]=grub-common)
for arg in "$@"; do
  case "$arg" in
    *=*) want[${arg%%=*}]="$arg" ;;
    *) want[ipxe]="ipxe=$arg" ;;
  esac
done
for pkg in ipxe shim-signed grub-efi-amd64-signed grub-common; do
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

files=(undionly.kpxe snponly.efi ipxe.efi shimx64.efi grubx64.efi)
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

Regenerate:     bash assets/boot/update.sh ipxe=$(version_of ipxe) shim-signed=$(version_of shim-signed) grub-efi-amd64-signed=$(version_of grub-efi-amd64-signed) grub-common=$(version_of grub-common)
P
echo "assets/boot: ipxe $(version_of ipxe), shim-signed $(version_of shim-signed), grub-efi-amd64-signed $(version_of grub-efi-amd64-signed)"
cat "$here/SHA256SUMS"
