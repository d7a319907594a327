#!/usr/bin/env bash
# Reference for the ARM64 e2e (test/e2e/arm64.test.ts): the same arm64 signed chain served by dnsmasq
# (DHCP + TFTP) and Python's HTTP server, as a lab without Bootbench would, timed from power-on.
#   AAVMF (Microsoft keys, Secure Boot on) --DHCP arch 11--> TFTP shimaa64.efi (assets/boot) -->
#   grubaa64.efi at the TFTP root (assets/boot: Debian's grubnetaa64.efi.signed, prefix /grub) -->
#   grub/grub.cfg (its embedded config's fallback) --TFTP--> linux + initrd.gz of
#   debian-installer-12-netboot-arm64 (signed kernel) --> the installer fetches preseed.cfg over HTTP.
# Debian's signed GRUB has no http module: kernel and initrd come over TFTP, as from Bootbench.
# Needs (root): dnsmasq-base qemu-system-arm qemu-efi-aarch64 debian-installer-12-netboot-arm64 python3.
# Its own namespace (a64ref, 10.231.152.0/24), nothing on real interfaces. VMT: seconds allowed (900).
set -u
here="$(cd "$(dirname "$0")" && pwd)"; assets="$here/../../assets/boot"
W=${A64REF_WORK:-$(mktemp -d)}; mkdir -p "$W/tftp/grub" "$W/http"; chmod 755 "$W" # dnsmasq reads the tree as nobody
NS=a64ref; VMT=${VMT:-900}
DI=/usr/lib/debian-installer/images/12/arm64/text/debian-installer/arm64
[ -f "$DI/initrd.gz" ] || { echo "needs debian-installer-12-netboot-arm64" >&2; exit 2; }
cleanup() {
  [ -f "$W/dnsmasq.pid" ] && kill "$(cat "$W/dnsmasq.pid")" 2>/dev/null
  for pid in $(ip netns pids $NS 2>/dev/null); do kill "$pid" 2>/dev/null; done
  sleep 1; ip netns del $NS 2>/dev/null
}
trap cleanup EXIT
ip netns del $NS 2>/dev/null
ip netns add $NS; ip -n $NS link add a64rbr0 type bridge; ip -n $NS addr add 10.231.152.1/24 dev a64rbr0
ip -n $NS link set a64rbr0 up; ip -n $NS link set lo up
ip -n $NS tuntap add dev a64rtap0 mode tap; ip -n $NS link set a64rtap0 master a64rbr0; ip -n $NS link set a64rtap0 up
cp "$assets/shimaa64.efi" "$assets/grubaa64.efi" "$DI/linux" "$DI/initrd.gz" "$W/tftp/"
cat > "$W/tftp/grub/grub.cfg" <<G
set timeout=0
menuentry 'reference' {
  linux /linux console=ttyAMA0 auto=true priority=critical url=http://10.231.152.1:8080/preseed.cfg ---
  initrd /initrd.gz
}
G
printf 'd-i preseed/early_command string wget -q -O /dev/null http://10.231.152.1:8080/early-ran || true\n' > "$W/http/preseed.cfg"
cat > "$W/dnsmasq.conf" <<D
no-resolv
no-hosts
local=/lab/
interface=a64rbr0
bind-interfaces
dhcp-range=10.231.152.100,10.231.152.150,12h
dhcp-option=6,10.231.152.1
dhcp-match=set:arm64,option:client-arch,11
dhcp-boot=tag:arm64,shimaa64.efi
enable-tftp
tftp-root=$W/tftp
log-dhcp
log-facility=$W/dnsmasq.log
dhcp-leasefile=$W/leases
pid-file=$W/dnsmasq.pid
D
ip netns exec $NS dnsmasq -C "$W/dnsmasq.conf"
ip netns exec $NS python3 -m http.server 8080 --bind 10.231.152.1 --directory "$W/http" > "$W/http.log" 2>&1 &
cp /usr/share/AAVMF/AAVMF_VARS.ms.fd "$W/vars.fd"
t0=$(date +%s.%N)
ip netns exec $NS timeout "$VMT" qemu-system-aarch64 -name a64ref -accel tcg -machine virt -cpu cortex-a57 -m 1024 -smp 1 \
  -nodefaults -display none -monitor none -serial "file:$W/serial.log" \
  -netdev tap,id=n0,ifname=a64rtap0,script=no,downscript=no -device virtio-net-pci,romfile=,netdev=n0,mac=52:54:00:a6:40:52,bootindex=1 \
  -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.ms.fd \
  -drive if=pflash,format=raw,unit=1,file="$W/vars.fd" &
QP=$!
# When each step happened, in seconds after power-on (dnsmasq's log has whole seconds).
declare -A seen=()
since() { echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.1f'; }
mark() { [ -z "${seen[$1]:-}" ] && grep -aq "$2" "$3" 2>/dev/null && seen[$1]=$(since); true; }
for _ in $(seq 1 $((VMT * 2))); do
  mark ack 'DHCPACK' "$W/dnsmasq.log"; mark shim 'sent .*/shimaa64.efi' "$W/dnsmasq.log"
  mark grub 'sent .*/grubaa64.efi' "$W/dnsmasq.log"; mark cfg 'sent .*/grub/grub.cfg' "$W/dnsmasq.log"
  mark kernel 'sent .*/linux ' "$W/dnsmasq.log"; mark initrd 'sent .*/initrd.gz' "$W/dnsmasq.log"
  mark preseed 'GET /preseed.cfg' "$W/http.log"; mark early 'early-ran' "$W/http.log"
  [ -n "${seen[early]:-}" ] && break
  kill -0 $QP 2>/dev/null || break
  sleep 0.5
done
sb=$(grep -ac 'secureboot: Secure boot enabled' "$W/serial.log")
echo "arm64 reference (dnsmasq TFTP, AAVMF Secure Boot, TCG), s after power-on: DHCP ACK ${seen[ack]:-?}, shim ${seen[shim]:-?}, grub ${seen[grub]:-?}, grub.cfg ${seen[cfg]:-?}, kernel ${seen[kernel]:-?}, initrd ${seen[initrd]:-?}, preseed ${seen[preseed]:-?}, early_command ${seen[early]:-?}; Secure Boot enabled: $sb"
kill $QP 2>/dev/null
echo "logs in $W"
[ -n "${seen[preseed]:-}" ] && [ "$sb" -ge 1 ]
