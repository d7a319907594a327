#!/usr/bin/env bash
# Runs inside the server's network namespace (bench/iso/run.sh starts it with `ip netns exec`, so
# that namespace entry is not in the numbers): times `bootbench import ISO --json` end to end,
# CLI process start to exit, RUNS times; prints one line of milliseconds per run.
#   MODE=touch  bump the ISO's mtime before each run (untimed): every run is a real re-import
#   MODE=noop   leave it alone: every run is the idempotent no-op
# Usage: time-cli.sh NODE BIN DATA_DIR ISO RUNS MODE
set -euo pipefail
NODE=$1 BIN=$2 DATA=$3 ISO=$4 RUNS=$5 MODE=$6
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 1000 ] || { echo "RUNS out of range" >&2; exit 2; }
for i in $(seq 1 "$RUNS"); do
  [ "$MODE" = touch ] && touch -d "@$(( $(date +%s) + 1000 + i ))" "$ISO"
  # bash's own clock (no `date` process forked around the command: that cost ~5 ms a run here)
  t0=$EPOCHREALTIME
  "$NODE" "$BIN" import "$ISO" --json --data "$DATA" > "$DATA/cli-last.json"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000}'
done
