#!/usr/bin/env bash
# Reproduces the bundled iPXE boot loaders from Debian's `ipxe` package: downloads the .deb
# (nothing is installed), extracts the three loaders, and writes SHA256SUMS and PROVENANCE.
# Run from anywhere: bash assets/boot/update.sh [PACKAGE_VERSION]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
pkg=ipxe; [ -n "${1:-}" ] && pkg="ipxe=$1"
# apt warns that it downloads as root outside its sandbox: expected here, nothing to fix
apt-get download -qq "$pkg" 2>&1 | grep -v unsandboxed || true
deb="$(ls ipxe_*.deb)"
version="$(dpkg-deb -f "$deb" Version)"
dpkg-deb -x "$deb" root
for f in undionly.kpxe snponly.efi ipxe.efi; do install -m 0644 "root/usr/lib/ipxe/$f" "$here/$f"; done
install -m 0644 root/usr/share/doc/ipxe/copyright "$here/COPYING.ipxe"
( cd "$here" && sha256sum undionly.kpxe snponly.efi ipxe.efi > SHA256SUMS )
cat > "$here/PROVENANCE" <<P
Debian package: ipxe ${version} ($(dpkg-deb -f "$deb" Architecture)), from Debian's archive
.deb SHA-256:   $(sha256sum "$deb" | cut -d' ' -f1)
Files:          /usr/lib/ipxe/{undionly.kpxe,snponly.efi,ipxe.efi}, copied unchanged
Licence:        GPL-2.0-or-later (iPXE; some files UBDL), see COPYING.ipxe
Regenerate:     bash assets/boot/update.sh ${version}
P
echo "assets/boot: ipxe ${version}"
cat "$here/SHA256SUMS"
