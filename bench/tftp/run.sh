#!/usr/bin/env bash
# TFTP throughput: Bootbench against tftpd-hpa and atftpd, in a private pair of network namespaces
# (10.231.72.0/24, veth, MTU 1500). Nothing touches the machine's real interfaces.
#
#   bash bench/tftp/run.sh            # RUNS=3 by default (medians)
#   RUNS=5 bash bench/tftp/run.sh
#   BB_WORKERS=0 bash bench/tftp/run.sh   # Bootbench with every transfer in its main thread (default: a lane per core)
#   BB_WORKER_KIND=portable bash bench/tftp/run.sh   # libuv workers instead of lanes (the main thread serves too)
#   BB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" bash bench/tftp/run.sh   # profile Bootbench (lanes too)
#   CASES=ten_curls bash bench/tftp/run.sh  # only some cases: one_curl, one_atftp_w16, ten_curls, rack, rack_probe
#
# Each run also prints the CPU time the server spent on it (user + system, its threads and reaped
# children: tftpd-hpa forks one per transfer), so a ratio can be told apart from noise by CPU per MiB.
#
# Needs root, curl, atftp (client), tftpd-hpa (in.tftpd; installed with policy-rc.d denying the
# service start), and atftpd's binary: it conflicts with tftpd-hpa, so it is fetched with
# `apt-get download atftpd` and unpacked with `dpkg -x` into a temp folder (ATFTPD=/path overrides).
#
# Cases (medians of RUNS runs each; servers run one at a time on port 69, alternating):
#   1. one client, 64 MiB, blksize 1468, lock-step:  curl --tftp-blksize 1468    (tftpd-hpa vs Bootbench)
#   2. one client, 64 MiB, blksize 1468, windowsize 16: atftp --option "windowsize 16" (atftpd vs Bootbench)
#   3. 10 concurrent curls, 16 MiB each, blksize 1468: aggregate MiB/s       (tftpd-hpa vs Bootbench)
#   4. a rack powering on (rack): 100 clients at once, half fetching undionly.kpxe, half snponly.efi
#      (assets/boot/), blksize 1468, lock-step; bench/tftp/load.ts, 2 client processes. Time until the
#      last download ends and p99 per transfer; all 100 checked (sha256).       (tftpd-hpa, atftpd,
#   5. the same with the UEFI size probe first (rack_probe): `tsize 0 blksize 1468   dnsmasq vs
#      windowsize 4`, ERROR 8 after the OACK, then `blksize 1468 windowsize 4`.    Bootbench)
#      dnsmasq runs TFTP-only (--port=0) with --tftp-max=1000: its default of 50 concurrent transfers
#      would refuse half the rack (an admin serving a rack raises it).
#      Each rack case runs twice against every server process started for it: "cold", the first
#      rack after the server started (Bootbench then also compiles its code: JIT), and "warm", the
#      next one, as a lab sees every rack after its first machine booted. Both are reported.
#      Bootbench listens only once its lanes have loaded (TftpServer.start waits for them), so
#      neither number includes starting the server.
set -euo pipefail

RUNS=${RUNS:-3}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
NODE="$REPO/node_modules/.bin/node"
TAG="bbtb$$"
S="$TAG-s"
C="$TAG-c"
SIP=10.231.72.1
CIP=10.231.72.2
WORK=$(mktemp -d /tmp/bootbench-tftp-bench.XXXXXX)
SERVER_PID=""

cleanup() {
  set +e
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  for ns in "$S" "$C"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$WORK"
  [ -n "${CG:-}" ] && rmdir "$CG" 2>/dev/null
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }
command -v in.tftpd >/dev/null || { echo "needs tftpd-hpa: printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d; apt-get install -y tftpd-hpa" >&2; exit 1; }
command -v dnsmasq >/dev/null || { echo "needs dnsmasq (apt-get install -y dnsmasq-base)" >&2; exit 1; }
for tool in curl atftp; do command -v $tool >/dev/null || { echo "needs $tool (apt-get install -y $tool)" >&2; exit 1; }; done
if [ -z "${ATFTPD:-}" ]; then
  (cd "$WORK" && apt-get download atftpd >/dev/null 2>&1 && dpkg -x atftpd_*.deb atftpd-root) || { echo "could not fetch atftpd (apt-get download atftpd)" >&2; exit 1; }
  ATFTPD="$WORK/atftpd-root/usr/sbin/atftpd"
fi

# --- Bootbench as it ships: bundled with esbuild, the lane and the portable worker as their own
# entry files next to the server (as dist/ has them). Run from source under tsx instead, the lanes
# measured up to a third slower (windowsize 16: 66 against 98 MiB/s in one run), which is not what
# users run. The bundles live in the repository (bench/tftp/work/, ignored by git) so that they
# resolve node_modules.
BUILD="$REPO/bench/tftp/work/build"
mkdir -p "$BUILD"
for pair in "serve:bench/tftp/serve.ts" "load:bench/tftp/load.ts" "tftp-lane:electron/core/tftp/lane.ts" "tftp-worker:electron/core/tftp/worker.ts"; do
  "$REPO/node_modules/.bin/esbuild" "$REPO/${pair#*:}" --bundle --platform=node --target=node20 --format=esm \
    --packages=external --log-level=warning --outfile="$BUILD/${pair%%:*}.mjs"
done

# --- the lab: server namespace <-> client namespace over one veth pair
ip netns add "$S"; ip netns add "$C"
ip -n "$S" link set lo up; ip -n "$C" link set lo up
ip link add bbtb0 netns "$S" type veth peer name eth0 netns "$C"
ip -n "$S" addr add "$SIP/24" dev bbtb0; ip -n "$S" link set bbtb0 up
ip -n "$C" addr add "$CIP/24" dev eth0; ip -n "$C" link set eth0 up

ROOT="$WORK/root"; OUT="$WORK/out"
mkdir -p "$ROOT" "$OUT"; chmod 755 "$WORK" "$ROOT"
head -c $((64 * 1024 * 1024)) /dev/urandom > "$ROOT/f64.bin"
head -c $((16 * 1024 * 1024)) /dev/urandom > "$ROOT/f16.bin"
cp "$REPO/assets/boot/undionly.kpxe" "$REPO/assets/boot/snponly.efi" "$ROOT/"
chmod 644 "$ROOT"/*
SHA64=$(sha256sum < "$ROOT/f64.bin" | cut -d' ' -f1)
SHA16=$(sha256sum < "$ROOT/f16.bin" | cut -d' ' -f1)

wait_port() { # bounded: 100 × 0.1 s
  for _ in $(seq 1 100); do ip netns exec "$S" ss -uln | grep -qE "$SIP(%[^ :]+)?:69 " && return 0; sleep 0.1; done
  echo "server did not listen on $SIP:69" >&2; return 1
}
start_server() {
  case "$1" in
    tftpd-hpa) ip netns exec "$S" in.tftpd -L -u root -s "$ROOT" -a "$SIP:69" & SERVER_PID=$! ;;
    atftpd) ip netns exec "$S" "$ATFTPD" --daemon --no-fork --user root --group root --bind-address "$SIP" --port 69 --logfile /dev/null "$ROOT" & SERVER_PID=$! ;;
    dnsmasq) ip netns exec "$S" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --enable-tftp --tftp-root="$ROOT" \
      --tftp-max=1000 --listen-address="$SIP" --bind-interfaces --user=root --group=root --pid-file= --log-facility=/dev/null & SERVER_PID=$! ;;
    bootbench) ip netns exec "$S" "$NODE" ${BB_NODE_ARGS:-} "$BUILD/serve.mjs" --iface bbtb0 --address "$SIP" --root "$ROOT" ${BB_WORKERS:+--workers "$BB_WORKERS"} ${BB_WORKER_KIND:+--worker-kind "$BB_WORKER_KIND"} >/dev/null & SERVER_PID=$! ;;
  esac
  [ -n "$CG" ] && echo "$SERVER_PID" > "$CG/cgroup.procs"
  wait_port
}
# CPU accounting: the server runs in its own cpuacct cgroup (v1 here; children inherit it, so
# tftpd-hpa's per-transfer processes count even before they are reaped); machine_idle reads
# /proc/stat to show whether the cores were saturated.
CG=/sys/fs/cgroup/cpuacct/$TAG
mkdir -p "$CG" 2>/dev/null || CG=""
server_cpu() { # seconds of CPU used by the server's processes so far
  if [ -n "$CG" ]; then echo "$(cat "$CG/cpuacct.usage") / 1000000000" | bc -l; else echo 0; fi
}
machine_busy() { # total and idle jiffies of all cores
  awk '/^cpu /{ print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6 }' /proc/stat
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; sleep 0.3; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
check() { # file expected-sha
  local got; got=$(sha256sum < "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || { echo "MISMATCH in $1" >&2; exit 1; }
  rm -f "$1"
}

one_curl() { # MiB/s of one 64 MiB download, lock-step blksize 1468
  local t0 t1; t0=$(now)
  ip netns exec "$C" curl -sS --max-time 300 --tftp-blksize 1468 -o "$OUT/c" "tftp://$SIP/f64.bin"
  t1=$(now); check "$OUT/c" "$SHA64"
  echo "64 / ($t1 - $t0)" | bc -l
}
one_atftp_w16() { # MiB/s of one 64 MiB download, blksize 1468, windowsize 16
  local t0 t1; t0=$(now)
  timeout 300 ip netns exec "$C" atftp --option "blksize 1468" --option "windowsize 16" -g -r f64.bin -l "$OUT/a" "$SIP" >/dev/null 2>&1
  t1=$(now); check "$OUT/a" "$SHA64"
  echo "64 / ($t1 - $t0)" | bc -l
}
ten_curls() { # aggregate MiB/s of 10 concurrent 16 MiB downloads
  local t0 t1 i; t0=$(now)
  ip netns exec "$C" bash -c "for i in \$(seq 1 10); do curl -sS --max-time 300 --tftp-blksize 1468 -o '$OUT/p'\$i tftp://$SIP/f16.bin & done; wait"
  t1=$(now)
  for i in $(seq 1 10); do check "$OUT/p$i" "$SHA16"; done
  echo "160 / ($t1 - $t0)" | bc -l
}
rack_load() { # --probe or nothing: one line of JSON from load.ts (exits non-zero when a download failed)
  timeout 120 ip netns exec "$C" "$NODE" "$BUILD/load.mjs" --server "$SIP" --root "$ROOT" --files undionly.kpxe,snponly.efi \
    --clients 100 --procs 2 --blksize 1468 --deadline-ms 60000 "$@" || { echo "rack load failed" >&2; exit 1; }
}
rack() { rack_load; }
rack_probe() { rack_load --probe; }

# Runs alternate between the reference server and Bootbench (ref, bb, ref, bb, …), each started
# fresh, so that load from anything else on the machine drifts over both alike.
CASES=${CASES:-one_curl one_atftp_w16 ten_curls rack rack_probe}
declare -A V
declare -A W P U # rack cases ("server case cold|warm"): time to the last download (ms), p99 per transfer (ms), server CPU (s)
START=$(date -u '+%Y-%m-%d %H:%M UTC'); LOAD0=$(cut -d' ' -f1-3 /proc/loadavg); T0=$(date +%s)
for pair in "tftpd-hpa bootbench one_curl" "atftpd bootbench one_atftp_w16" "tftpd-hpa bootbench ten_curls"; do
  set -- $pair
  [[ " $CASES " == *" $3 "* ]] || continue
  for run in $(seq 1 "$RUNS"); do
    for server in "$1" "$2"; do
      start_server "$server"
      cpu0=$(server_cpu); read -r all0 idle0 < <(machine_busy)
      v=$($3)
      cpu=$(echo "$(server_cpu) - $cpu0" | bc -l); read -r all1 idle1 < <(machine_busy)
      idle=$(echo "100 * ($idle1 - $idle0) / ($all1 - $all0)" | bc -l)
      stop_server
      V["$server $3"]="${V["$server $3"]:-} $v"
      printf 'run %d  %-10s %-14s %8.1f MiB/s  server CPU %5.2f s  machine idle %4.1f %%\n' "$run" "$server" "$3" "$v" "$cpu" "$idle" >&2
    done
  done
done
for c in rack rack_probe; do
  [[ " $CASES " == *" $c "* ]] || continue
  for run in $(seq 1 "$RUNS"); do
    for server in tftpd-hpa atftpd dnsmasq bootbench; do
      start_server "$server"
      # Twice against the same server process: cold (the first rack after start) and warm (the
      # next one, as a lab sees every rack after its first machine booted), the same for every server.
      for state in cold warm; do
        cpu0=$(server_cpu)
        j=$($c)
        cpu=$(echo "$(server_cpu) - $cpu0" | bc -l)
        wall=$(echo "$j" | sed -E 's/.*"wallMs":([0-9.]+).*/\1/'); p99=$(echo "$j" | sed -E 's/.*"p99Ms":([0-9.]+).*/\1/')
        rtx=$(echo "$j" | sed -E 's/.*"retransmits":([0-9]+).*/\1/')
        k="$server $c $state"
        W["$k"]="${W["$k"]:-} $wall"; P["$k"]="${P["$k"]:-} $p99"; U["$k"]="${U["$k"]:-} $cpu"
        printf 'run %d  %-10s %-14s %s  last done %7.1f ms  p99 %7.1f ms  client retransmits %4d  server CPU %5.2f s\n' "$run" "$server" "$c" "$state" "$wall" "$p99" "$rtx" "$cpu" >&2
      done
      stop_server
    done
  done
done
declare -A R
for key in "${!V[@]}"; do R[$key]=$(echo "${V[$key]}" | tr ' ' '\n' | grep . | median); done
row() { # label reference case
  [ -n "${R[$2 $3]:-}" ] || return 0
  printf '| %s | %s | %.1f | %.1f | %.2f× |\n' "$1" "$2" "${R[$2 $3]}" "${R[bootbench $3]}" "$(echo "${R[bootbench $3]} / ${R[$2 $3]}" | bc -l)"
}

if [ -n "${R[bootbench one_curl]:-}${R[bootbench one_atftp_w16]:-}${R[bootbench ten_curls]:-}" ]; then
  echo
  echo "| case | reference | reference MiB/s | Bootbench MiB/s | ratio |"
  echo "|---|---|---:|---:|---:|"
fi
row "64 MiB, blksize 1468, lock-step (curl)" tftpd-hpa one_curl
row "64 MiB, blksize 1468, windowsize 16 (atftp)" atftpd one_atftp_w16
row "10 × 16 MiB concurrent, blksize 1468 (curl), aggregate" tftpd-hpa ten_curls

# Rack table: medians; the ratio is the best reference's time over Bootbench's (> 1: Bootbench faster).
rack_table() { # case state label
  [ -n "${W[bootbench $1 $2]:-}" ] || return 0
  local best="" bestv="" s w p u
  for s in tftpd-hpa atftpd dnsmasq bootbench; do
    w=$(echo "${W[$s $1 $2]}" | tr ' ' '\n' | grep . | median); p=$(echo "${P[$s $1 $2]}" | tr ' ' '\n' | grep . | median)
    u=$(echo "${U[$s $1 $2]}" | tr ' ' '\n' | grep . | median)
    R["w $s"]=$w; R["p $s"]=$p; R["u $s"]=$u
    if [ "$s" != bootbench ] && { [ -z "$bestv" ] || [ "$(echo "$w < $bestv" | bc -l)" = 1 ]; }; then best=$s; bestv=$w; fi
  done
  printf '| %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.2f× (%s) | %.2f× | %.2f / %.2f / %.2f / %.2f |\n' "$3" \
    "${R[w tftpd-hpa]}" "${R[p tftpd-hpa]}" "${R[w atftpd]}" "${R[p atftpd]}" "${R[w dnsmasq]}" "${R[p dnsmasq]}" "${R[w bootbench]}" "${R[p bootbench]}" \
    "$(echo "$bestv / ${R[w bootbench]}" | bc -l)" "$best" "$(echo "${R[p $best]} / ${R[p bootbench]}" | bc -l)" \
    "${R[u tftpd-hpa]}" "${R[u atftpd]}" "${R[u dnsmasq]}" "${R[u bootbench]}"
}
if [[ " $CASES " == *" rack"* ]]; then
  echo
  echo "| 100 clients at once (50 × undionly.kpxe, 50 × snponly.efi, blksize 1468), ms: last done / p99 | tftpd-hpa | atftpd | dnsmasq | Bootbench | ratio, last done (best reference) | ratio, p99 | server CPU, s (tftpd-hpa / atftpd / dnsmasq / Bootbench) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  rack_table rack cold "lock-step (BIOS ROM), cold"
  rack_table rack warm "lock-step (BIOS ROM), warm"
  rack_table rack_probe cold "tsize probe, then windowsize 4 (OVMF), cold"
  rack_table rack_probe warm "tsize probe, then windowsize 4 (OVMF), warm"
fi
echo
echo "RUNS=$RUNS, started $START, load average at start $LOAD0, at end $(cut -d' ' -f1-3 /proc/loadavg), took $(( $(date +%s) - T0 )) s; $(nproc) cores; Bootbench ${BB_WORKERS:+workers=$BB_WORKERS }${BB_WORKER_KIND:+worker-kind=$BB_WORKER_KIND}"
