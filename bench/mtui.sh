#!/usr/bin/env bash
# memtui's own format: convert time, .mtui size, and the first screen of a
# capture against its .mtui and against the capture cache.
#
#   bench/mtui.sh [CAPTURE...]
#
# Without arguments it records two captures of bench/churn.c under heaptrack
# (5 M and 50 M allocation calls: about 10 M and 100 M events; cached in
# BENCH_DIR between runs) and measures them.  For each capture it prints one
# row: events, source and .mtui size, convert time, and for the source, the
# .mtui and the second open through the cache: the wall time and peak RSS of
# the first screen (`memtui --replay ''`, best of RUNS).
#
# Environment:
#   MEMTUI=PATH    the memtui binary (default: a Release build in build-bench/)
#   BENCH_DIR=DIR  captures and .mtui files (default /tmp/memtui-bench)
#   RUNS=N         timed runs per command, best kept (default 3)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-bench}
RUNS=${RUNS:-3}
die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (GNU time): apt-get install time"
mkdir -p "$BENCH_DIR"
if [ -z "${MEMTUI:-}" ]; then
	cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$REPO/build-bench" --target memtui -j"$(nproc)" >/dev/null
	MEMTUI=$REPO/build-bench/memtui
fi

captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
	command -v heaptrack >/dev/null || die "heaptrack is missing: apt-get install heaptrack"
	gcc -O1 -g -o "$BENCH_DIR/churn" "$REPO/bench/churn.c"
	for calls in 5000000 50000000; do
		out=$BENCH_DIR/heaptrack.churn_$calls
		if [ ! -s "$out.zst" ]; then
			note "recording ./churn $calls under heaptrack"
			(cd "$BENCH_DIR" && heaptrack -o "$out" ./churn "$calls") >/dev/null 2>&1
		fi
		captures+=("$out.zst")
	done
fi

# best wall seconds and largest peak RSS (KiB) of RUNS runs of a command
measure() {
	local best="" rss=0 t m tf
	tf=$(mktemp)
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>&1 || true
		read -r t m <"$tf"
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		if [ "$m" -gt "$rss" ]; then rss=$m; fi
	done
	rm -f "$tf"
	echo "$best $rss"
}

cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
printf '| capture | events | source | .mtui | convert s | first screen: source s / MiB | .mtui s / MiB | cached s / MiB |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- |\n'
for cap in "${captures[@]}"; do
	mt=$BENCH_DIR/$(basename "$cap").mtui
	read -r conv _ < <(measure "$MEMTUI" convert "$cap" -o "$mt")
	events=$("$MEMTUI" report --json --no-cache "$mt" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["events"])')
	read -r ts ms < <(measure "$MEMTUI" --no-cache --replay '' "$cap")
	read -r tm mm < <(measure "$MEMTUI" --no-cache --replay '' "$mt")
	XDG_CACHE_HOME=$cache MEMTUI_CACHE_MIN_MS=0 "$MEMTUI" --replay '' "$cap" >/dev/null
	read -r tc mc < <(XDG_CACHE_HOME=$cache measure "$MEMTUI" --replay '' "$cap")
	printf '| %s | %s | %s MB | %s MB | %s | %s / %s | %s / %s | %s / %s |\n' \
		"$(basename "$cap")" "$events" \
		"$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$cap")/1e6}")" \
		"$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$mt")/1e6}")" "$conv" \
		"$ts" "$((ms / 1024))" "$tm" "$((mm / 1024))" "$tc" "$((mc / 1024))"
done
