#!/usr/bin/env bash
# Boot HTTP server vs nginx on loopback (docs/benchmarks.md "## HTTP").
#  1. a 1 GiB file with curl: medians of RUNS downloads each (target: Bootbench >= 0.9x nginx);
#  2. the generated iPXE script under `wrk -c50 -d10s` vs nginx serving a static file of the same
#     size: medians of RUNS runs each (target >= 0.5x).
# Needs: curl, nginx, wrk (apt-get install -y nginx wrk, with a policy-rc.d that stops the
# package from starting its service). nginx runs in the foreground with our own config, on
# 127.0.0.1 only, and is stopped by its PID. Knobs: RUNS (3), WRK_SECONDS (10), BENCH_WORK.
set -euo pipefail
source "$(dirname "$0")/../lib/nginx.sh"
cd "$(dirname "$0")/../.."
REPO=$PWD
NODE=${NODE:-$REPO/node_modules/.bin/node}
RUNS=${RUNS:-3}
WRK_SECONDS=${WRK_SECONDS:-10}
WORK=${BENCH_WORK:-$REPO/bench/http/work}
BB_PORT=${BB_PORT:-18081}
NGX_PORT=${NGX_PORT:-18082}
MAC_PATH=/ipxe/52-54-00-12-34-56.ipxe
for tool in curl nginx wrk; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y $tool)" >&2; exit 1; }; done

mkdir -p "$WORK/root" "$WORK/nginx"
BIG="$WORK/root/big.bin"
if [ ! -f "$BIG" ] || [ "$(stat -c %s "$BIG")" != 1073741824 ]; then
  echo "creating a 1 GiB file of random bytes..." >&2
  head -c 1073741824 /dev/urandom > "$BIG"
fi

PIDS=()
# SIGINT: the bench server's handler stops it cleanly; nginx stops on it too (fast shutdown).
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 30); do alive=0; for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done; [ $alive = 0 ] && break; sleep 0.1; done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- Bootbench: bundled by esbuild as the product's bin is (scripts/build.mjs); under tsx every
# closure would also pay esbuild's keepNames wrapper, which the product does not. ---
"$REPO/node_modules/.bin/esbuild" bench/http/serve.ts --bundle --platform=node --target=node20 --format=esm \
  --packages=external --log-level=warning --outfile="$WORK/serve.mjs"
"$NODE" "$WORK/serve.mjs" "$WORK/root" "$BB_PORT" > "$WORK/bootbench.out" 2> "$WORK/bootbench.err" &
PIDS+=($!)
for _ in $(seq 1 100); do grep -q '^ready' "$WORK/bootbench.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$WORK/bootbench.out" || { cat "$WORK/bootbench.err" >&2; exit 1; }

# nginx's static twin of the script: the same number of bytes.
curl -s "http://127.0.0.1:$BB_PORT$MAC_PATH" > "$WORK/root/script.ipxe"
SCRIPT_BYTES=$(stat -c %s "$WORK/root/script.ipxe")

# --- nginx: foreground, own config, loopback only; settings of a typical static-file server ---
nginx_conf "$WORK/nginx" "$NGX_PORT" "$WORK/root" > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" > "$WORK/nginx/stdout.log" 2>&1 &
PIDS+=($!)
# Context only: the same nginx with sendfile off copies through user space as Node must.
NGX2_PORT=$((NGX_PORT + 1))
sed -e "s/sendfile on;/sendfile off;/" -e "s/127.0.0.1:$NGX_PORT/127.0.0.1:$NGX2_PORT/" -e "s#nginx.pid#nginx2.pid#" "$WORK/nginx/nginx.conf" > "$WORK/nginx/nginx2.conf"
nginx -c "$WORK/nginx/nginx2.conf" -p "$WORK/nginx" > "$WORK/nginx/stdout2.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$NGX_PORT/script.ipxe" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$NGX_PORT/script.ipxe" || { cat "$WORK/nginx/error.log" >&2; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

cat "$BIG" > /dev/null # page cache: both servers read the same cached file
speed() { curl -o /dev/null -s -w '%{speed_download}\n' "$1"; }
BB_DL=(); NG_DL=(); NC_DL=()
for i in $(seq 1 "$RUNS"); do
  BB_DL+=("$(speed "http://127.0.0.1:$BB_PORT/boot/big.bin")")
  NG_DL+=("$(speed "http://127.0.0.1:$NGX_PORT/big.bin")")
  NC_DL+=("$(speed "http://127.0.0.1:$NGX2_PORT/big.bin")")
done
bb_dl=$(printf '%s\n' "${BB_DL[@]}" | median); ng_dl=$(printf '%s\n' "${NG_DL[@]}" | median); nc_dl=$(printf '%s\n' "${NC_DL[@]}" | median)

rps() { wrk -c50 -t2 -d"${WRK_SECONDS}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
BB_RPS=(); NG_RPS=()
for i in $(seq 1 "$RUNS"); do
  BB_RPS+=("$(rps "http://127.0.0.1:$BB_PORT$MAC_PATH")")
  NG_RPS+=("$(rps "http://127.0.0.1:$NGX_PORT/script.ipxe")")
done
bb_rps=$(printf '%s\n' "${BB_RPS[@]}" | median); ng_rps=$(printf '%s\n' "${NG_RPS[@]}" | median)

mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r >= t) ? "pass" : "FAIL"}'; }
r_dl=$(ratio "$bb_dl" "$ng_dl"); r_rps=$(ratio "$bb_rps" "$ng_rps")
echo
echo "runs: download $(printf '%s ' "${BB_DL[@]}")(bootbench) $(printf '%s ' "${NG_DL[@]}")(nginx) $(printf '%s ' "${NC_DL[@]}")(nginx sendfile off) B/s"
echo "runs: wrk $(printf '%s ' "${BB_RPS[@]}")(bootbench) $(printf '%s ' "${NG_RPS[@]}")(nginx) req/s"
echo
echo "| test (median of $RUNS) | Bootbench | nginx | ratio | target |"
echo "|---|---|---|---|---|"
echo "| 1 GiB file, curl, MiB/s | $(mib "$bb_dl") | $(mib "$ng_dl") | $r_dl | ≥ 0.9 ($(verdict "$r_dl" 0.9)) |"
echo "| (context) 1 GiB file vs nginx with sendfile off, MiB/s | $(mib "$bb_dl") | $(mib "$nc_dl") | $(ratio "$bb_dl" "$nc_dl") | – |"
echo "| iPXE script ($SCRIPT_BYTES B), wrk -c50 -d${WRK_SECONDS}s, req/s | $bb_rps | $ng_rps | $r_rps | ≥ 0.5 ($(verdict "$r_rps" 0.5)) |"
