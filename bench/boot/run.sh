#!/usr/bin/env bash
# Boot time, VM power-on → installer kernel running: Bootbench against the reference PXE lab
# (../shared/lab/pxe: dnsmasq + a Python HTTP server), on the same QEMU VM and the same kernel +
# initrd, in one run (docs/benchmarks.md "## Boot"; target ≤ 1.0× the reference).
#
#   bash bench/boot/run.sh                 # RUNS=3 per server and firmware, BIOS and UEFI, + one BIOS run with --no-ra
#   RUNS=5 FIRMWARES=bios bash bench/boot/run.sh
#   FIRMWARES=secure bash bench/boot/run.sh  # Secure Boot: the signed chain against 80-secure-boot.sh's lab,
#                                            # and the iPXE chain with Secure Boot off (bench/boot/secure-bench.ts)
#
# Knobs: RUNS (3), FIRMWARES ("bios uefi"), NO_RA_RUN (1; 0 skips the --no-ra run), VM_TIMEOUT_S
# (300), VM_MEM_MIB (512), PXELAB_DIR (the reference lab, default ../shared/lab/pxe, read-only:
# its scripts run with PXELAB_WORK in a temp folder), BOOTBENCH_TEST_ACCEL=kvm|tcg (skip the
# probe), BOOT_BENCH_JSON=FILE (every run as JSON), BOOT_BENCH_KEEP=1 (keep serial logs and
# Bootbench timelines under /tmp/bootbench-boot-bench-*).
#
# Needs root (namespaces, taps), qemu-system-x86 ovmf ipxe ipxe-qemu dnsmasq-base xorriso
# busybox-static cpio python3; the kernel comes from the test cache (test/helpers/installer-iso.ts,
# `apt-get download linux-image-…` on first use). Everything runs in namespaces this run creates
# (10.231.78.0/24 reference, 10.231.79.0/24 Bootbench) and is removed at exit, even on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces, tap devices)" >&2; exit 1; }
for tool in qemu-system-x86_64 dnsmasq xorriso python3 cpio ip; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y qemu-system-x86 ovmf ipxe ipxe-qemu dnsmasq-base xorriso busybox-static cpio python3)" >&2; exit 1; }
done
for f in /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/snponly.efi /usr/share/OVMF/OVMF_CODE_4M.fd; do
  [ -f "$f" ] || { echo "missing $f (apt-get install -y ipxe ovmf)" >&2; exit 1; }
done
NODE=./node_modules/.bin/node
BENCH=bench/boot/boot-bench.ts
[ "${FIRMWARES:-}" = secure ] && BENCH=bench/boot/secure-bench.ts
"$NODE" --import tsx "$BENCH" &
PID=$!
# The bench cleans up after itself (also on SIGINT/SIGTERM); if it is killed hard, remove what is
# left of its namespaces (named bbt<its pid>-…), by name, never by a process name.
sweep() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^bbt$PID-" || true); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}
trap 'kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; sweep; exit 130' INT TERM
rc=0; wait "$PID" || rc=$?
sweep
exit "$rc"
