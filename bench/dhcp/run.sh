#!/usr/bin/env bash
# The DHCP benchmark (see bench/dhcp/README.md): Bootbench against dnsmasq and ISC Kea, same run,
# in network namespaces. Needs root (namespaces, port 67, raw ICMP) and the Debian packages
# iproute2, dnsmasq-base (or dnsmasq), kea-dhcp4-server and kea-admin (perfdhcp).
# Usage: sudo npm run bench:dhcp   (settings through BENCH_* variables, see bench/dhcp/bench.ts)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" != 0 ]; then
  echo "bench/dhcp needs root (network namespaces, port 67, raw ICMP): run it with sudo" >&2
  exit 1
fi
missing=()
for tool in ip ss dnsmasq kea-dhcp4 perfdhcp; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "missing: ${missing[*]} (apt-get install -y iproute2 dnsmasq-base kea-dhcp4-server kea-admin)" >&2
  exit 1
fi

NODE=./node_modules/.bin/node
"$NODE" scripts/build.mjs

# bench.ts removes its namespaces itself, on errors and signals too. This is the backstop for when it
# is killed outright: namespaces of this benchmark whose process is gone are removed on exit.
sweep() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^bbt[0-9]+-dhcpb' || true); do
    pid=${ns#bbt}; pid=${pid%%-*}
    if [ ! -d "/proc/$pid" ]; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}
trap sweep EXIT

# Every run inside is capped (BENCH_MAX_SECONDS, BENCH_DEADLINE_SECONDS); this caps the whole.
timeout --signal=TERM --kill-after=20 900 "$NODE" --import tsx bench/dhcp/bench.ts "$@"
