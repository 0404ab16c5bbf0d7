#!/usr/bin/env bash
# bench/scale.sh: the scale series of issue 15.  One program (bench/churn.c)
# recorded under heaptrack at several sizes, and for each capture: memtui's
# report, heaptrack_print and the decompressor alone (the floor), plus the
# explorer's first screen; then the cost per event fitted over the sizes.
#
#   bench/scale.sh [EXTRA_CAPTURE...]
#
# Extra captures (e.g. a compiler's heaptrack capture) are measured the same
# way but kept out of the fit.
#
# Environment:
#   MEMTUI=PATH     the memtui binary (default: a Release build in
#                   build-bench/ of this checkout)
#   BENCH_DIR=DIR   the captures, cached (default /tmp/memtui-scale):
#                   heaptrack.churn_<S>M.zst is reused while churn.c and the
#                   size are unchanged (its .stamp file holds both)
#   SIZES="1 10 50 200"   the series, in millions of events (churn makes one
#                   allocation call and about one free per step, so S M
#                   events are S/2 M calls; the true count is measured)
#   RUNS=N          timed rounds per capture (default 3)
#   BIG_RUNS=N      rounds for captures over 50 M events (default RUNS)
#   RECORD_ONLY=1   make the captures and stop
#   SCREEN=WxH      the first screen's size (default 80x24)
#
# Every round runs each tool once, the order rotating from round to round.
# It prints, per capture, the median wall time, the median CPU (user + sys)
# and the largest peak RSS of each tool, the ratios heaptrack_print/memtui
# and memtui/floor, then the least-squares fit over the series of wall ns,
# CPU ns and RSS bytes per event, as markdown tables for docs/BENCH.md, and
# the acceptance checks of issue 15.  The raw runs stay in
# $BENCH_DIR/scale-<date>.tsv.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/timing.sh
. "$REPO/bench/timing.sh"
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-scale}
SIZES=${SIZES:-1 10 50 200}
RUNS=${RUNS:-3}
BIG_RUNS=${BIG_RUNS:-$RUNS}
SCREEN=${SCREEN:-80x24}

need_time
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
command -v gcc >/dev/null || die "gcc is missing: apt-get install gcc"
command -v heaptrack >/dev/null || die "heaptrack is missing: apt-get install heaptrack"
command -v heaptrack_print >/dev/null || die "heaptrack_print is missing: apt-get install heaptrack"
mkdir -p "$BENCH_DIR"

# ---- the captures of the series (cached) ----
churn_sum=$(sha256sum "$REPO/bench/churn.c" | cut -c1-16)
# record SIZE: makes $BENCH_DIR/heaptrack.churn_<SIZE>M.zst unless its stamp
# says it was made from this churn.c with this many calls.
record() {
	local size=$1 calls out stamp
	calls=$((size * 500000))
	out=$BENCH_DIR/heaptrack.churn_${size}M
	stamp="$churn_sum $calls"
	if [ -s "$out.zst" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
		note "reusing $out.zst"
		return
	fi
	if [ ! -x "$BENCH_DIR/churn" ] || [ "$(cat "$BENCH_DIR/churn.stamp" 2>/dev/null)" != "$churn_sum" ]; then
		gcc -O1 -g -o "$BENCH_DIR/churn" "$REPO/bench/churn.c"
		echo "$churn_sum" >"$BENCH_DIR/churn.stamp"
	fi
	rm -f "$out".*
	note "recording churn $calls (~$size M events) under heaptrack into $out.zst"
	(cd "$BENCH_DIR" && nice -n 19 heaptrack -o "$out" ./churn "$calls") >"$out.log" 2>&1 ||
		die "heaptrack failed, see $out.log"
	[ -s "$out.zst" ] || die "heaptrack wrote no $out.zst (built without zstd?), see $out.log"
	echo "$stamp" >"$out.stamp"
}
series=()
for s in $SIZES; do
	[[ $s =~ ^[1-9][0-9]*$ ]] || die "SIZES: '$s' is not a whole number of millions"
	record "$s"
	series+=("$BENCH_DIR/heaptrack.churn_${s}M.zst")
done
[ "${RECORD_ONLY:-0}" = 1 ] && exit 0

# ---- memtui ----
if [ -n "${MEMTUI:-}" ]; then
	[ -x "$MEMTUI" ] || die "MEMTUI=$MEMTUI is not an executable"
else
	note "building memtui (Release) in $REPO/build-bench"
	cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice -n 19 cmake --build "$REPO/build-bench" -j"$(nproc)" --target memtui >/dev/null
	MEMTUI=$REPO/build-bench/memtui
fi

TIMING_TMP=$(mktemp -d)
trap 'rm -rf "$TIMING_TMP"' EXIT
RESULTS=$BENCH_DIR/scale-$(date -u +%Y%m%dT%H%M%S).tsv
: >"$RESULTS"

# tool_argv TOOL FILE: the command lines measured.
tool_argv() {
	case $1 in
	memtui) ARGV=("$MEMTUI" report --json --no-progress --no-cache "$2") ;;
	heaptrack_print) ARGV=(heaptrack_print "$2") ;;
	floor) ARGV=("$(floor_cmd "$2")" -dc "$2") ;;
	screen) ARGV=("$MEMTUI" --no-cache --replay '' --size "$SCREEN" "$2") ;;
	esac
	[ "${ARGV[0]}" != cat ] || ARGV=(cat "$2")
}

# measure GROUP FILE: the rounds on one capture.
measure() {
	local group=$1 file=$2 events runs
	[ -f "$file" ] || { note "no such file: $file"; return; }
	events=$(events_of "$file")
	[ -n "$events" ] || { note "memtui could not read $file: skipped"; return; }
	runs=$RUNS
	[ "$events" -gt 50000000 ] && runs=$BIG_RUNS
	note "$(basename "$file"): $events events, $runs rounds"
	alternate "$group" "$(basename "$file")" "$events" "$file" "$runs" \
		memtui heaptrack_print floor screen
}
for f in "${series[@]}"; do measure series "$f"; done
for f in "$@"; do measure extra "$f"; done

echo
echo "machine: $(machine_line)"
echo "heaptrack_print: $(heaptrack --version 2>&1 | head -1); floor: $(zstd --version 2>&1 | head -1)"
echo "first screen: memtui --no-cache --replay '' --size $SCREEN FILE; runs: $RESULTS"
echo
python3 "$REPO/bench/summarize.py" scale "$RESULTS"
