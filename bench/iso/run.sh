#!/usr/bin/env bash
# ISO import and serving benchmark (docs/benchmarks.md "## ISO"). Run by hand, as root:
#   bash bench/iso/run.sh
# Builds, in a temporary folder, a 4+ GiB ISO laid out like a RHEL-family DVD (.treeinfo,
# images/pxeboot/vmlinuz + initrd.img, ~3,000 small files under BaseOS/Packages/, a sparse
# multi-GiB images/install.img and a 1 GiB random file), then measures, warm cache, medians of RUNS:
#  1. The import on the server side (targets: ≤ 10 ms): IsoLibrary.import in-process
#     (bench/iso/import.ts: index, detect, register, atomic save of distros.json, each run a real
#     re-import: mtime bumped); and the same through a running `bootbench serve` (setup state: only
#     its control API on 127.0.0.1), POST /api/distros/import from one warm client
#     (bench/iso/import-api.ts), the server's own `iso.imported` ms. Context: the `bootbench import`
#     command from process start to exit, and `node -e 0`. Beside it: `isoinfo -R -l`, `7z x` and
#     `bsdtar -xf`.
#  2. HTTP download of the 1 GiB file with curl on loopback: out of the ISO (/iso/<id>/…), the same
#     file from disk by Bootbench (directoryResolver mount), and nginx from disk.
#  3. The UI (target: ≤ 300 ms): dropped-to-listed, an ISO dropped on the window as the desktop app
#     sees it (its path through the preload's bridge), Debian's Chromium against a real
#     `bootbench serve` in a lab namespace (bench/iso/ui-drop.ts), until its row is in the list.
# Needs: xorriso, curl, nginx, isoinfo (genisoimage), 7z (p7zip-full), bsdtar (libarchive-tools),
# chromium (part 3; BOOTBENCH_CHROMIUM names another binary).
# Knobs: RUNS (5), IMPORT_RUNS (11: imports, no-ops, isoinfo; cheap), WARMUP (5 untimed imports
# first, through the API and in the UI), EXTRACT_RUNS (RUNS), DL_RUNS (RUNS), UI_RUNS (IMPORT_RUNS;
# 0 skips part 3), IMPORT_ONLY (1: only the import and the UI, without isoinfo/7z/bsdtar and part 2,
# which need nginx, 7z and bsdtar), FILES (3000), BENCH_WORK (a folder to keep and reuse: the ISO is rebuilt only when
# missing; without it everything lives in a fresh folder under /tmp, removed at exit).
set -euo pipefail
source "$(dirname "$0")/../lib/nginx.sh"
cd "$(dirname "$0")/../.."
REPO=$PWD
NODE=${NODE:-$REPO/node_modules/.bin/node}
RUNS=${RUNS:-5}
IMPORT_RUNS=${IMPORT_RUNS:-11}
WARMUP=${WARMUP:-5}
UI_RUNS=${UI_RUNS:-$IMPORT_RUNS}
IMPORT_ONLY=${IMPORT_ONLY:-0}
EXTRACT_RUNS=${EXTRACT_RUNS:-$RUNS}
DL_RUNS=${DL_RUNS:-$RUNS}
FILES=${FILES:-3000}
BB_PORT=${BB_PORT:-18091}
NGX_PORT=${NGX_PORT:-18092}
for n in "$RUNS" "$IMPORT_RUNS" "$EXTRACT_RUNS" "$DL_RUNS"; do [ "$n" -ge 1 ] && [ "$n" -le 100 ] || { echo "runs must be 1..100" >&2; exit 2; }; done
[ "$UI_RUNS" -ge 0 ] && [ "$UI_RUNS" -le 100 ] || { echo "UI_RUNS must be 0..100" >&2; exit 2; }
TOOLS="xorriso curl nginx isoinfo 7z bsdtar ip"
[ "$IMPORT_ONLY" = 1 ] && TOOLS="xorriso ip"
for tool in $TOOLS; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y xorriso curl nginx genisoimage p7zip-full libarchive-tools)" >&2; exit 1; }
done
if [ "$UI_RUNS" -gt 0 ]; then
  [ -x "${BOOTBENCH_CHROMIUM:-/usr/bin/chromium}" ] || { echo "missing chromium (apt-get install -y chromium; or UI_RUNS=0)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "run as root (the UI part runs bootbench serve and Chromium in a network namespace; or UI_RUNS=0)" >&2; exit 1; }
fi

if [ -n "${BENCH_WORK:-}" ]; then WORK=$BENCH_WORK; KEEP=1; mkdir -p "$WORK"; else WORK=$(mktemp -d /tmp/bbiso-bench.XXXXXX); KEEP=0; fi
chmod 755 "$WORK" # nginx's worker runs as nobody: it must be able to reach the tree
TREE=$WORK/tree
ISO=$WORK/Rocky-9.4-x86_64-dvd.iso
BIG_REL=images/bench-1GiB.bin
PIDS=()
UI_PID=
# bench/iso/ui-drop.ts removes its lab namespaces (named bbt<its pid>-…) itself; killed hard, it
# leaves them: removed by name.
sweep_lab() {
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^bbt$1-" || true); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
}
cleanup() {
  for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do alive=0; for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done; [ $alive = 0 ] && break; sleep 0.1; done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  [ -n "$UI_PID" ] && sweep_lab "$UI_PID"
  rm -rf "$WORK/x" "$WORK/data-cli" "$WORK/data-inproc" "$WORK/data-http"
  rm -f "$WORK"/*-ui[0-9]*.iso # ui-drop.ts's hard links, if it was killed before it removed them
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Timing with bash's own clock ($EPOCHREALTIME, microseconds): no process forked between the two
# readings (`t0=$(date …)` cost ~5 ms a run here, counted into every timed command).
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'; }
say() { echo "== $*" >&2; }

# ---------------------------------------------------------------- the ISO
TREEINFO='[header]
type = productmd.treeinfo
version = 1.2

[release]
name = Rocky Linux
short = Rocky
version = 9.4

[tree]
arch = x86_64
build_timestamp = 1715000000
platforms = x86_64,xen
variants = AppStream,BaseOS

[general]
arch = x86_64
family = Rocky Linux
name = Rocky Linux 9.4
packagedir = AppStream/Packages
platforms = x86_64,xen
repository = AppStream
timestamp = 1715000000
variant = AppStream
variants = AppStream,BaseOS
version = 9.4

[images-x86_64]
efiboot.img = images/efiboot.img
initrd = images/pxeboot/initrd.img
kernel = images/pxeboot/vmlinuz

[stage2]
mainimage = images/install.img
'
if [ ! -f "$ISO" ]; then
  say "building the tree in $TREE"
  rm -rf "$TREE"
  mkdir -p "$TREE/images/pxeboot" "$TREE/BaseOS/Packages" "$TREE/BaseOS/repodata" "$TREE/AppStream/repodata" "$TREE/EFI/BOOT" "$TREE/isolinux"
  printf '%s' "$TREEINFO" > "$TREE/.treeinfo"
  printf 'Rocky-9-4-x86_64-dvd\n' > "$TREE/media.repo"
  head -c $((12 << 20)) /dev/urandom > "$TREE/images/pxeboot/vmlinuz"
  head -c $((90 << 20)) /dev/urandom > "$TREE/images/pxeboot/initrd.img"
  head -c $((8 << 20)) /dev/urandom > "$TREE/images/efiboot.img"
  # The installer's stage 2 (~900 MiB on a real DVD) stands in for the bulk of the packages: sparse.
  truncate -s 3G "$TREE/images/install.img"
  head -c $((1 << 30)) /dev/urandom > "$TREE/$BIG_REL"
  for f in BOOTX64.EFI grubx64.efi mmx64.efi grub.cfg; do head -c 65536 /dev/urandom > "$TREE/EFI/BOOT/$f"; done
  for f in isolinux.bin isolinux.cfg ldlinux.c32 vesamenu.c32; do head -c 32768 /dev/urandom > "$TREE/isolinux/$f"; done
  for r in BaseOS AppStream; do printf '<repomd/>\n' > "$TREE/$r/repodata/repomd.xml"; done
  # ~3,000 packages of 4 KiB each (only the directory records matter for the import).
  head -c $((FILES * 4096)) /dev/urandom | split -b 4096 -d -a 4 --additional-suffix=-1.0-1.el9.x86_64.rpm - "$TREE/BaseOS/Packages/pkg-"
  say "xorriso -as mkisofs -R -J -iso-level 3 → $ISO"
  xorriso -as mkisofs -quiet -R -J -iso-level 3 -V Rocky-9-4-x86_64-dvd -o "$ISO" "$TREE" 2> "$WORK/xorriso.log" || { cat "$WORK/xorriso.log" >&2; exit 1; }
fi
ISO_BYTES=$(stat -c %s "$ISO")
ISO_GIB=$(awk -v b="$ISO_BYTES" 'BEGIN {printf "%.2f", b / 1073741824}')
TREE_FILES=$(find "$TREE" -type f | wc -l)
say "ISO: $ISO_GIB GiB, $TREE_FILES files"
cat "$ISO" "$TREE/$BIG_REL" > /dev/null # warm cache: everything below reads from the page cache

# ---------------------------------------------------------------- build the product and the bench tools
say "building dist/ and the bench bundles"
"$NODE" scripts/build.mjs
for f in serve import import-api; do
  "$REPO/node_modules/.bin/esbuild" "bench/iso/$f.ts" --bundle --platform=node --target=node20 --format=esm \
    --packages=external --log-level=warning --outfile="$WORK/$f.mjs"
done

# ---------------------------------------------------------------- 1a. import through a running bootbench serve
# Without --interface the server waits in its setup state: the only thing it listens on is its
# control API on 127.0.0.1, which is all an import needs.
say "bootbench serve (setup state, control API on 127.0.0.1 only)"
DATA_CLI=$WORK/data-cli
rm -rf "$DATA_CLI"; mkdir -p "$DATA_CLI"
"$NODE" bin/bootbench.mjs serve --data "$DATA_CLI" --ui-port 0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q '^UI: http' "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^UI: http' "$WORK/serve.out" || { echo "bootbench serve did not start:" >&2; cat "$WORK/serve.out" "$WORK/serve.err" >&2; exit 1; }

touch -d "@$(date +%s)" "$ISO"
t0=$EPOCHREALTIME
"$NODE" bin/bootbench.mjs import "$ISO" --json --data "$DATA_CLI" > "$WORK/first.json"
t1=$EPOCHREALTIME
FIRST_CLI=$(ms_between "$t0" "$t1")
DISTRO_ID=$("$NODE" -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id)' "$WORK/first.json")
grep -q '"family": "rhel"' "$WORK/first.json" || { echo "detection failed:" >&2; cat "$WORK/first.json" >&2; exit 1; }
FIRST_SRV=$(grep -o 'x86_64-dvd.iso as "[^"]*" in [0-9]* ms' "$WORK/serve.out" | awk '{print $(NF-1)}' | head -n 1)
say "first import: $FIRST_CLI ms by the command ($FIRST_SRV ms in the server) as $DISTRO_ID; now $WARMUP + $IMPORT_RUNS re-imports and $IMPORT_RUNS no-ops through the API"
# WARMUP untimed re-imports first: a running server has imported before (JIT), and the first import
# of a fresh server is reported on its own line above.
API=$("$NODE" "$WORK/import-api.mjs" "$ISO" "$DATA_CLI" "$IMPORT_RUNS" "$WARMUP")
api_arr() { "$NODE" -e 'const v = JSON.parse(process.argv[1])[process.argv[2]]; console.log(v.map((x) => x.toFixed(2)).join("\n"))' "$API" "$1"; }
mapfile -t API_SRV < <(api_arr server)
mapfile -t API_RT < <(api_arr roundTrip)
mapfile -t API_NOOP < <(api_arr noop)
# Context: the command, process start to exit (Node starting, the CLI bundle, server.json, one API call, the import).
CLI_RE=()
for i in $(seq 1 "$IMPORT_RUNS"); do
  touch -d "@$(( $(date +%s) + 5000 + i ))" "$ISO" # untimed: every run is a real re-import
  t0=$EPOCHREALTIME; "$NODE" bin/bootbench.mjs import "$ISO" --json --data "$DATA_CLI" > /dev/null; t1=$EPOCHREALTIME
  CLI_RE+=("$(ms_between "$t0" "$t1")")
done
NODE_BARE=()
for i in $(seq 1 "$IMPORT_RUNS"); do t0=$EPOCHREALTIME; "$NODE" -e 0; t1=$EPOCHREALTIME; NODE_BARE+=("$(ms_between "$t0" "$t1")"); done
kill -INT "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()

# ---------------------------------------------------------------- 1b. in-process IsoLibrary.import
say "in-process IsoLibrary.import × $IMPORT_RUNS"
DATA_IN=$WORK/data-inproc
rm -rf "$DATA_IN"; mkdir -p "$DATA_IN"
INPROC=$("$NODE" "$WORK/import.mjs" "$ISO" "$DATA_IN" "$IMPORT_RUNS")
jq_arr() { "$NODE" -e 'const o = JSON.parse(process.argv[1]); const v = o[process.argv[2]]; console.log(Array.isArray(v) ? v.map((x) => x.toFixed(2)).join("\n") : v)' "$INPROC" "$1"; }
mapfile -t IN_IMPORT < <(jq_arr import)
mapfile -t IN_EVENT < <(jq_arr event)
mapfile -t IN_NOOP < <(jq_arr noop)
mapfile -t IN_OPEN < <(jq_arr open)
ISO_FILES=$(jq_arr files)

ISOINFO=(); SEVENZ=(); BSDTAR=(); DL_ISO=(); DL_DISK=(); DL_NGX=()
if [ "$IMPORT_ONLY" != 1 ]; then
# ---------------------------------------------------------------- 1c. the same ISO with other tools
say "isoinfo -R -l × $IMPORT_RUNS"
ISOINFO=()
for i in $(seq 1 "$IMPORT_RUNS"); do t0=$EPOCHREALTIME; isoinfo -R -l -i "$ISO" > "$WORK/isoinfo.txt"; t1=$EPOCHREALTIME; ISOINFO+=("$(ms_between "$t0" "$t1")"); done
ISOINFO_LINES=$(wc -l < "$WORK/isoinfo.txt")
say "7z x × $EXTRACT_RUNS"
SEVENZ=()
for i in $(seq 1 "$EXTRACT_RUNS"); do
  rm -rf "$WORK/x"; mkdir -p "$WORK/x"; sync
  t0=$EPOCHREALTIME; 7z x -y -bd -o"$WORK/x" "$ISO" > "$WORK/7z.log"; t1=$EPOCHREALTIME; SEVENZ+=("$(ms_between "$t0" "$t1")")
  [ "$(stat -c %s "$WORK/x/$BIG_REL")" = 1073741824 ] || { echo "7z extracted no 1 GiB file" >&2; exit 1; }
  rm -rf "$WORK/x"; sync
done
say "bsdtar -xf × $EXTRACT_RUNS"
BSDTAR=()
for i in $(seq 1 "$EXTRACT_RUNS"); do
  rm -rf "$WORK/x"; mkdir -p "$WORK/x"; sync
  t0=$EPOCHREALTIME; bsdtar -xf "$ISO" -C "$WORK/x"; t1=$EPOCHREALTIME; BSDTAR+=("$(ms_between "$t0" "$t1")")
  [ "$(stat -c %s "$WORK/x/$BIG_REL")" = 1073741824 ] || { echo "bsdtar extracted no 1 GiB file" >&2; exit 1; }
  rm -rf "$WORK/x"; sync
done

# ---------------------------------------------------------------- 2. HTTP: 1 GiB out of the ISO, from disk, nginx
say "HTTP: Bootbench (ISO + disk) and nginx on loopback"
DATA_HTTP=$WORK/data-http
rm -rf "$DATA_HTTP"; mkdir -p "$DATA_HTTP" "$WORK/nginx"
"$NODE" ${NODE_PROF:+--cpu-prof --cpu-prof-dir="$WORK/prof"} "$WORK/serve.mjs" "$ISO" "$TREE" "$DATA_HTTP" "$BB_PORT" > "$WORK/bb.out" 2> "$WORK/bb.err" &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q '^ready' "$WORK/bb.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$WORK/bb.out" || { cat "$WORK/bb.err" >&2; exit 1; }
HTTP_ID=$(awk '/^ready/ {print $3}' "$WORK/bb.out")
nginx_conf "$WORK/nginx" "$NGX_PORT" "$TREE" > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" > "$WORK/nginx/stdout.log" 2>&1 &
PIDS+=($!)
U_ISO="http://127.0.0.1:$BB_PORT/iso/$HTTP_ID/$BIG_REL"
U_DISK="http://127.0.0.1:$BB_PORT/disk/$BIG_REL"
U_NGX="http://127.0.0.1:$NGX_PORT/$BIG_REL"
for _ in $(seq 1 50); do curl -sf -o /dev/null -r 0-0 "$U_NGX" && break; sleep 0.1; done
# Correctness first: the bytes out of the ISO are the file's bytes.
WANT=$(sha256sum < "$TREE/$BIG_REL" | cut -d' ' -f1)
GOT=$(curl -sf "$U_ISO" | sha256sum | cut -d' ' -f1)
[ "$WANT" = "$GOT" ] || { echo "the 1 GiB file out of the ISO differs from the source ($GOT vs $WANT)" >&2; exit 1; }
speed() { curl -sf -o /dev/null -w '%{speed_download}\n' "$1" || { echo "download of $1 failed" >&2; exit 1; }; }
DL_ISO=(); DL_DISK=(); DL_NGX=()
for i in $(seq 1 "$DL_RUNS"); do # alternate, so that load from anything else drifts over all three alike
  DL_ISO+=("$(speed "$U_ISO")")
  DL_DISK+=("$(speed "$U_DISK")")
  DL_NGX+=("$(speed "$U_NGX")")
done

for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()
fi

# ---------------------------------------------------------------- 3. the UI: dropped to listed
UI_FIRST_LISTED=nan; UI_FIRST_SERVER=nan
UI_LISTED=(); UI_PAINTED=(); UI_REQUEST=(); UI_ANSWERED=(); UI_SERVER=()
if [ "$UI_RUNS" -gt 0 ]; then
  say "UI: 1 + $WARMUP + $UI_RUNS drops in Chromium against bootbench serve in a lab namespace"
  "$NODE" --import tsx bench/iso/ui-drop.ts "$ISO" "$UI_RUNS" "$WARMUP" > "$WORK/ui.json" &
  UI_PID=$!
  PIDS+=("$UI_PID")
  rc=0; wait "$UI_PID" || rc=$?
  PIDS=()
  sweep_lab "$UI_PID"
  [ "$rc" = 0 ] || { echo "bench/iso/ui-drop.ts failed ($rc)" >&2; exit 1; }
  UI=$(cat "$WORK/ui.json")
  ui_arr() { "$NODE" -e 'const o = JSON.parse(process.argv[1]); console.log(o.runs.map((r) => Number(r[process.argv[2]] ?? NaN).toFixed(1)).join("\n"))' "$UI" "$1"; }
  mapfile -t UI_LISTED < <(ui_arr listed)
  mapfile -t UI_PAINTED < <(ui_arr painted)
  mapfile -t UI_REQUEST < <(ui_arr request)
  mapfile -t UI_ANSWERED < <(ui_arr answered)
  mapfile -t UI_SERVER < <(ui_arr server)
  UI_FIRST_LISTED=$("$NODE" -e 'console.log(JSON.parse(process.argv[1]).first.listed.toFixed(1))' "$UI")
  UI_FIRST_SERVER=$("$NODE" -e 'console.log(JSON.parse(process.argv[1]).first.server.toFixed(1))' "$UI")
fi

# ---------------------------------------------------------------- report
med() { printf '%s\n' "$@" | median; }
mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r >= t) ? "pass" : "FAIL"}'; }
fmt() { awk -v v="$1" 'BEGIN {printf (v < 10) ? "%.1f" : "%.0f", v}'; }
atmost() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t) ? "pass" : "FAIL"}'; }
medfmt() { if [ "$#" -gt 0 ]; then fmt "$(med "$@")"; else echo "–"; fi; }
in_import=$(med "${IN_IMPORT[@]}"); in_open=$(med "${IN_OPEN[@]}"); in_noop=$(med "${IN_NOOP[@]}")
api_srv=$(med "${API_SRV[@]}")
ui_listed=$( [ ${#UI_LISTED[@]} -gt 0 ] && med "${UI_LISTED[@]}" || echo nan)
echo
echo "ISO: $ISO_BYTES bytes ($ISO_GIB GiB), $ISO_FILES files in the ISO ($TREE_FILES in the tree), detected as $DISTRO_ID; $(uptime | sed 's/.*load/load/')"
echo "runs (ms): in-process import ${IN_IMPORT[*]} | event ${IN_EVENT[*]} | no-op ${IN_NOOP[*]} | IsoImage.open ${IN_OPEN[*]}"
echo "runs (ms): serve iso.imported ${API_SRV[*]} | API round trip ${API_RT[*]} | API no-op ${API_NOOP[*]}"
echo "runs (ms): UI listed ${UI_LISTED[*]:-none} | painted ${UI_PAINTED[*]:-none} | POST ${UI_REQUEST[*]:-none} | answered ${UI_ANSWERED[*]:-none} | server ${UI_SERVER[*]:-none}"
echo "runs (ms): cli re-import ${CLI_RE[*]} | node -e 0 ${NODE_BARE[*]}"
[ "$IMPORT_ONLY" = 1 ] || echo "runs (ms): isoinfo ${ISOINFO[*]} ($ISOINFO_LINES lines) | 7z ${SEVENZ[*]} | bsdtar ${BSDTAR[*]}"
[ "$IMPORT_ONLY" = 1 ] || echo "runs (B/s): iso ${DL_ISO[*]} | disk ${DL_DISK[*]} | nginx ${DL_NGX[*]}"
echo
echo "| import, $ISO_GIB GiB ISO, $ISO_FILES files (warm cache; median of $IMPORT_RUNS, UI $UI_RUNS) | ms | target |"
echo "|---|---:|---|"
echo "| server side: \`IsoLibrary.import\` in-process (index + detect + persist) | $(fmt "$in_import") | ≤ 10 ($(atmost "$in_import" 10)) |"
echo "| of which \`IsoImage.open\` (descriptors + whole tree) | $(fmt "$in_open") | – |"
echo "| server side in \`bootbench serve\`: \`iso.imported\` ms, import through the control API | $(fmt "$api_srv") | ≤ 10 ($(atmost "$api_srv" 10)) |"
echo "| UI: dropped → listed (Chromium, the desktop bridge's path, row in the DOM) | $(fmt "$ui_listed") | ≤ 300 ($(atmost "$ui_listed" 300)) |"
echo "| UI: dropped → painted (the task after the next frame) | $(medfmt "${UI_PAINTED[@]}") | – |"
echo "| UI: of which \`POST /api/distros/import\` as the page saw it | $(medfmt "${UI_REQUEST[@]}") | – |"
echo "| UI: of which the server's \`iso.imported\` ms (serving, in a lab namespace) | $(medfmt "${UI_SERVER[@]}") | – |"
echo "| UI: the first drop on a freshly opened page and server (once; its server part $UI_FIRST_SERVER) | $UI_FIRST_LISTED | – |"
echo "| control API round trip of the import, one warm client | $(medfmt "${API_RT[@]}") | – |"
echo "| the unchanged file again (no-op): in-process / through the API | $(fmt "$in_noop") / $(medfmt "${API_NOOP[@]}") | – |"
echo "| (context) \`bootbench import FILE\`: the command, process start to exit | $(medfmt "${CLI_RE[@]}") | – |"
echo "| (context) \`node -e 0\`: Node 22 starting and exiting | $(medfmt "${NODE_BARE[@]}") | – |"
echo "| (the first import of a fresh server, once: $FIRST_CLI ms by the command, $FIRST_SRV in the server) | | |"
[ "$IMPORT_ONLY" = 1 ] && exit 0
iso_dl=$(med "${DL_ISO[@]}"); disk_dl=$(med "${DL_DISK[@]}"); ngx_dl=$(med "${DL_NGX[@]}")
r_disk=$(ratio "$iso_dl" "$disk_dl"); r_ngx=$(ratio "$iso_dl" "$ngx_dl")
echo "| \`isoinfo -R -l -i FILE\` (listing the tree, median of $IMPORT_RUNS) | $(fmt "$(med "${ISOINFO[@]}")") | – |"
echo "| \`7z x\` full extraction (median of $EXTRACT_RUNS) | $(fmt "$(med "${SEVENZ[@]}")") | – |"
echo "| \`bsdtar -xf\` full extraction (median of $EXTRACT_RUNS) | $(fmt "$(med "${BSDTAR[@]}")") | – |"
echo
echo "| 1 GiB file, curl on loopback (median of $DL_RUNS) | MiB/s | ratio | target |"
echo "|---|---:|---:|---|"
echo "| Bootbench, out of the ISO (/iso/<id>/…) | $(mib "$iso_dl") | – | – |"
echo "| Bootbench, from disk (directoryResolver) | $(mib "$disk_dl") | $r_disk | ISO ≥ 0.9× ($(verdict "$r_disk" 0.9)) |"
echo "| nginx 1.22, from disk (sendfile on) | $(mib "$ngx_dl") | $r_ngx | ISO ≥ 0.9× ($(verdict "$r_ngx" 0.9)) |"
