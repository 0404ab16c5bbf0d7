#!/usr/bin/env bash
# memtui benchmark: `memtui report --json` vs `heaptrack_print` on big captures.
#
#   bench/run.sh [EXTRA_CAPTURE...]
#
# Environment:
#   MEMTUI=PATH        use this memtui binary (default: build a Release build
#                      in build-bench/ of this checkout)
#   BENCH_DIR=DIR      cache for the churn binary and its capture
#                      (default /tmp/memtui-bench; reused when present)
#   CHURN_CALLS=N      allocation calls for bench/churn.c (default 10000000)
#   SHARED=DIR         the team's shared folder (default: ../shared next to
#                      the repository); its medium captures are used when there
#   RUNS=N             timed runs per command, best wall time kept (default 3)
#
# For every input it prints one table row: size on disk, events (allocation
# calls + frees, from memtui's totals.events), and for memtui and (heaptrack
# files only) heaptrack_print: best wall time of RUNS, events per second and
# the peak RSS (largest of the RUNS, from /usr/bin/time %M).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-bench}
CHURN_CALLS=${CHURN_CALLS:-10000000}
SHARED=${SHARED:-$REPO/../shared}
RUNS=${RUNS:-3}

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (GNU time, for peak RSS): apt-get install time"
command -v python3 >/dev/null || die "python3 is needed to read memtui's JSON: apt-get install python3"
command -v gcc >/dev/null || die "gcc is missing: apt-get install gcc"
command -v heaptrack >/dev/null || die "heaptrack is missing: apt-get install heaptrack"
HAVE_PRINT=1
command -v heaptrack_print >/dev/null || { HAVE_PRINT=0; note "heaptrack_print not found: its columns stay empty"; }

mkdir -p "$BENCH_DIR"

# ---- memtui ----
if [ -n "${MEMTUI:-}" ]; then
	[ -x "$MEMTUI" ] || die "MEMTUI=$MEMTUI is not an executable"
else
	note "building memtui (Release) in $REPO/build-bench"
	cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$REPO/build-bench" -j"$(nproc)" --target memtui >/dev/null
	MEMTUI=$REPO/build-bench/memtui
fi

# ---- churn capture (cached) ----
# The capture is remade when churn.c or the call count changed.
stamp="$(sha256sum "$REPO/bench/churn.c" | cut -c1-16) $CHURN_CALLS"
churn_capture=""
for f in "$BENCH_DIR/heaptrack.churn.zst" "$BENCH_DIR/heaptrack.churn.gz"; do
	[ -s "$f" ] && churn_capture=$f && break
done
if [ -n "$churn_capture" ] && [ "$(cat "$BENCH_DIR/heaptrack.churn.stamp" 2>/dev/null)" = "$stamp" ]; then
	note "reusing $churn_capture"
else
	rm -f "$BENCH_DIR"/heaptrack.churn.* "$BENCH_DIR/churn"
	gcc -O1 -g -o "$BENCH_DIR/churn" "$REPO/bench/churn.c"
	note "recording ./churn $CHURN_CALLS under heaptrack (takes a while)"
	(cd "$BENCH_DIR" && heaptrack -o "$BENCH_DIR/heaptrack.churn" ./churn "$CHURN_CALLS") >"$BENCH_DIR/record.log" 2>&1 ||
		die "heaptrack failed, see $BENCH_DIR/record.log"
	churn_capture=""
	for f in "$BENCH_DIR/heaptrack.churn.zst" "$BENCH_DIR/heaptrack.churn.gz"; do
		[ -s "$f" ] && churn_capture=$f && break
	done
	[ -n "$churn_capture" ] || die "heaptrack wrote no capture, see $BENCH_DIR/record.log"
	echo "$stamp" >"$BENCH_DIR/heaptrack.churn.stamp"
fi

# ---- inputs ----
inputs=("$churn_capture")
if [ -d "$SHARED/captures" ]; then
	medium_ht=$SHARED/captures/heaptrack/heaptrack.churn_medium.zst
	medium_mr=$SHARED/captures/memray/medium_lz4.bin
	[ -f "$medium_ht" ] && inputs+=("$medium_ht")
	if [ -f "$medium_mr" ]; then
		inputs+=("$medium_mr")
		plain=$BENCH_DIR/medium_plain.bin
		if [ ! -s "$plain" ] || [ "$medium_mr" -nt "$plain" ]; then
			if python3 -c 'import lz4.frame' 2>/dev/null; then
				python3 -c 'import sys, lz4.frame
open(sys.argv[2], "wb").write(lz4.frame.decompress(open(sys.argv[1], "rb").read()))' "$medium_mr" "$plain.tmp" &&
					mv "$plain.tmp" "$plain"
			elif command -v lz4 >/dev/null; then
				lz4 -dc "$medium_mr" >"$plain.tmp" && mv "$plain.tmp" "$plain"
			else
				note "no lz4 (python module or command): skipping the plain memray copy"
			fi
		fi
		[ -s "$plain" ] && inputs+=("$plain")
	fi
else
	note "$SHARED/captures not found: only the churn capture"
fi
inputs+=("$@")

# ---- measuring ----
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: runs it RUNS times (stdout to /dev/null), sets BEST_WALL (s)
# and MAX_RSS (KiB); returns non-zero when the command failed.
measure() {
	BEST_WALL="" MAX_RSS=0
	local i t0 t1 wall rss
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
			note "failed: $* ($(tail -1 "$tmp/err"))"
			return 1
		}
		t1=$(date +%s%N)
		# wall from the nanosecond clock (/usr/bin/time's %e has 10 ms steps)
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		rss=$(tail -1 "$tmp/time" | awk '{ print $2 }')
		if [ -z "$BEST_WALL" ] || awk -v a="$wall" -v b="$BEST_WALL" 'BEGIN { exit !(a < b) }'; then
			BEST_WALL=$wall
		fi
		[ "$rss" -gt "$MAX_RSS" ] && MAX_RSS=$rss
	done
	return 0
}

human_size() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KiB", b / 1024 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rate() { awk -v e="$1" -v w="$2" 'BEGIN { if (w > 0) printf "%.2f M/s", e / w / 1e6; else print "-" }'; }

printf '\nmachine: %s, %s cores; %s; memtui %s; heaptrack_print %s\n\n' "$(uname -m)" "$(nproc)" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"$("$MEMTUI" --version 2>&1 | head -1)" "$( (heaptrack --version 2>/dev/null || echo '?') | head -1)"
hdr='| %-28s | %9s | %11s | %9s | %12s | %10s | %9s | %12s | %10s |\n'
printf "$hdr" input size events "memtui s" "memtui ev/s" "memtui RSS" "htprint s" "htprint ev/s" "htprint RSS"
printf "$hdr" "---" "---:" "---:" "---:" "---:" "---:" "---:" "---:" "---:"
summary=()
for f in "${inputs[@]}"; do
	[ -f "$f" ] || { note "no such file: $f"; continue; }
	name=$(basename "$f")
	cat "$f" >/dev/null # warm the page cache
	size=$(stat -c %s "$f")
	"$MEMTUI" report --json --no-progress "$f" >"$tmp/json" 2>"$tmp/err" || {
		note "memtui report failed on $f: $(tail -1 "$tmp/err")"
		continue
	}
	events=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"]["events"])' "$tmp/json")
	is_heaptrack=$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["format"] == "heaptrack"))' "$tmp/json")

	m_s=- m_r=- m_rss=-
	if measure "$MEMTUI" report --json --no-progress "$f"; then
		m_s=$BEST_WALL m_r=$(rate "$events" "$m_s") m_rss=$(mib "$MAX_RSS")
		m_kib=$MAX_RSS
	fi
	h_s="" h_r="" h_rss=""
	if [ "$is_heaptrack" = 1 ] && [ "$HAVE_PRINT" = 1 ] && measure heaptrack_print "$f"; then
		h_s=$BEST_WALL h_r=$(rate "$events" "$h_s") h_rss=$(mib "$MAX_RSS")
		if [ "$m_s" != - ]; then
			summary+=("$(awk -v n="$name" -v ms="$m_s" -v hs="$h_s" -v mk="$m_kib" -v hk="$MAX_RSS" 'BEGIN {
				printf "%s: memtui %.2fx the speed of heaptrack_print (%s s vs %s s), %.2fx its peak RSS", n, hs / ms, ms, hs, mk / hk }')")
		fi
	elif [ "$is_heaptrack" = 0 ] && [ "$m_s" != - ]; then
		summary+=("$(awk -v n="$name" -v e="$events" -v ms="$m_s" 'BEGIN {
			printf "%s: memtui memray reader throughput %.2f M events/s (%d events in %s s)", n, e / ms / 1e6, e, ms }')")
	fi
	printf "$hdr" "$name" "$(human_size "$size")" "$events" "$m_s" "$m_r" "$m_rss" "${h_s:--}" "${h_r:--}" "${h_rss:--}"
done
echo
for s in "${summary[@]}"; do echo "$s"; done
