#!/usr/bin/env bash
# bench/explorer.sh: the explorer on the largest captures (issue 15): time
# and peak RSS to the first screen against `memtui report`, then the time of
# the first press of each key that builds something (m, i, 2, 3, 4, z, s, 5,
# 6, x, Enter in T, t in the stage table, d, a resize), and key-to-frame
# latency while a build runs in a worker.
#
#   bench/explorer.sh [CAPTURE...]
#
# Without arguments: the biggest churn capture bench/scale.sh made in
# BENCH_DIR (the 200 M-event one when there) and bench/memray.sh's
# generated memray capture, when there.
#
# For each capture:
#   * `memtui --no-cache --replay '' --size SCREEN FILE` (reads the capture,
#     draws the first screen headless, exits) and `memtui report --json
#     --no-progress --no-cache FILE`, RUNS rounds alternating: median wall,
#     median CPU, largest peak RSS, and the ratio first screen / report;
#   * bench_ui_keys --first-keys (bench/ui_keys.c: the real explorer on an
#     in-memory screen, builds in a worker as on a terminal): load, analyses
#     and first frame, then the first press of each key, each from the first
#     screen: how long the key and its frame blocked the screen (over 100 ms
#     is flagged) and how long until its result was drawn; while the first
#     m's tree builds, navigation keys and their latency (MEMTUI_BUILD_DELAY_MS
#     in the environment lengthens builds, to see it on small captures).
#
# Environment:
#   MEMTUI=PATH     the memtui binary (default: a Release build in build-bench/)
#   UI_KEYS=PATH    bench_ui_keys, built from the same sources as MEMTUI
#                   (default: built in build-bench/)
#   BENCH_DIR=DIR   where bench/scale.sh and bench/memray.sh keep their
#                   captures (default /tmp/memtui-scale)
#   RUNS=N          rounds of first screen and report (default 3)
#   SCREEN=WxH      screen size (default 80x24)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/timing.sh
. "$REPO/bench/timing.sh"
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-scale}
RUNS=${RUNS:-3}
SCREEN=${SCREEN:-80x24}

need_time
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
if [ -z "${MEMTUI:-}" ] || [ -z "${UI_KEYS:-}" ]; then
	note "building memtui and bench_ui_keys (Release) in $REPO/build-bench"
	cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice -n 19 cmake --build "$REPO/build-bench" -j"$(nproc)" --target memtui bench_ui_keys \
		>/dev/null
	MEMTUI=${MEMTUI:-$REPO/build-bench/memtui}
	UI_KEYS=${UI_KEYS:-$REPO/build-bench/bench/bench_ui_keys}
fi
[ -x "$MEMTUI" ] || die "MEMTUI=$MEMTUI is not an executable"
[ -x "$UI_KEYS" ] || die "UI_KEYS=$UI_KEYS is not an executable"

inputs=("$@")
if [ ${#inputs[@]} = 0 ]; then
	biggest=$(ls -S "$BENCH_DIR"/heaptrack.churn_*M.zst 2>/dev/null | head -1 || true)
	[ -f "$BENCH_DIR/heaptrack.churn_200M.zst" ] && biggest=$BENCH_DIR/heaptrack.churn_200M.zst
	[ -n "$biggest" ] && inputs+=("$biggest")
	memray=$(ls -S "$BENCH_DIR"/memray_*.bin 2>/dev/null | head -1 || true)
	[ -n "$memray" ] && inputs+=("$memray")
	[ ${#inputs[@]} -gt 0 ] || die "no captures in $BENCH_DIR: run bench/scale.sh (and bench/memray.sh) first, or name some"
fi

TIMING_TMP=$(mktemp -d)
trap 'rm -rf "$TIMING_TMP"' EXIT
RESULTS=$BENCH_DIR/explorer-$(date -u +%Y%m%dT%H%M%S).tsv
: >"$RESULTS"

tool_argv() {
	case $1 in
	memtui) ARGV=("$MEMTUI" report --json --no-progress --no-cache "$2") ;;
	screen) ARGV=("$MEMTUI" --no-cache --replay '' --size "$SCREEN" "$2") ;;
	esac
}

echo "machine: $(machine_line)"
echo "screen $SCREEN; runs: $RESULTS"
for f in "${inputs[@]}"; do
	[ -f "$f" ] || { note "no such file: $f"; continue; }
	events=$(events_of "$f")
	[ -n "$events" ] || { note "memtui could not read $f: skipped"; continue; }
	name=$(basename "$f")
	note "$name: $events events, $RUNS rounds"
	alternate explorer "$name" "$events" "$f" "$RUNS" screen memtui
	echo
	echo "## $name ($events events)"
	python3 - "$RESULTS" "$name" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    g, c, e, tool, r, wall, user, sys_s, rss = line.rstrip("\n").split("\t")
    if c == sys.argv[2]:
        runs.setdefault(tool, []).append((float(wall), float(user) + float(sys_s), int(rss)))
st = {t: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v),
          max(r for _, _, r in v) / 1024, len(v)) for t, v in runs.items()}
for t, label in (("screen", "first screen"), ("memtui", "memtui report")):
    if t in st:
        w, c, r, n = st[t]
        print(f"{label:14} wall {w:8.3f} s  CPU {c:8.3f} s  peak RSS {r:7.1f} MiB  ({n} runs)")
if "screen" in st and "memtui" in st:
    q = st["screen"][0] / st["memtui"][0]
    print(f"first screen / report: {q:.2f}x ({'pass' if q <= 2 else 'FAIL'}: at most 2x)")
EOF
	echo "keys (bench_ui_keys --first-keys, key handled + frame drawn):"
	if nice -n 19 /usr/bin/time -f '%M' -o "$TIMING_TMP/keys_rss" \
		"$UI_KEYS" --size "$SCREEN" --first-keys "$f" >"$TIMING_TMP/keys" 2>"$TIMING_TMP/err"; then
		awk '/^first [^f]/ { ms = $3; flag = ms > 100 ? "  BLOCKS > 100 ms" : ""
			print "  " $0 flag; next } { print "  " $0 }' "$TIMING_TMP/keys"
		echo "  (bench_ui_keys peak RSS $(awk '{ printf "%.1f MiB", $1 / 1024 }' "$TIMING_TMP/keys_rss"))"
	else
		note "bench_ui_keys failed on $f: $(tail -1 "$TIMING_TMP/err")"
	fi
done
