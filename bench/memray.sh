#!/usr/bin/env bash
# bench/memray.sh: the memray side of issue 15.  memtui's report on a memray
# capture of memray's benchmark size, against `lz4 -d` of the same file (the
# floor) and against the anchor figure of memray's own reader.
#
#   bench/memray.sh [EXTRA_MEMRAY_CAPTURE...]
#
# It generates (bench/memraygen, cached) a capture of RECORDS allocation
# records as memray 1.20 writes it for a Python program with pymalloc,
# lz4-compressed, then runs `memtui report --json --no-progress --no-cache`
# and `lz4 -dc FILE >/dev/null` RUNS times each, alternating, and prints the
# median wall time, median CPU (user + sys) and the largest peak RSS of each,
# the ratio memtui/lz4 and memtui's time as a share of memray's reader.
# memray cannot be installed on these machines, so its reader is not run: the
# share is against the issue's anchor, 2.6 s for memray computing the
# high-water-mark records of its 10.3 M-record benchmark capture, scaled to
# the record count.
#
# Two more commands run in the same rounds, for what any reader needs on this
# machine: bench/memraybare, which decompresses and decodes every record on
# one thread and makes no model ("bare"), and the same with memtui's address
# map applied in line ("bare+map").
#
# Environment:
#   MEMTUI=PATH      the memtui binary (default: a Release build in build-bench/)
#   MEMRAYGEN=PATH   the generator (default: built in build-bench/)
#   MEMRAYBARE=PATH  the bare decoder (default: beside MEMRAYGEN)
#   BENCH_DIR=DIR    where the capture is cached (default /tmp/memtui-scale):
#                    memray_<RECORDS>.bin, remade when memraygen.c changed
#   RECORDS=N        allocation records, frees included (default 10000000)
#   RUNS=N           timed rounds (default 3)
#   SHARED=DIR       the team's shared folder (default ../shared beside the
#                    checkout): its real medium_lz4.bin (1.5 M records) is
#                    measured too, when there
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/timing.sh
. "$REPO/bench/timing.sh"
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-scale}
RECORDS=${RECORDS:-10000000}
RUNS=${RUNS:-3}
SHARED=${SHARED:-$REPO/../shared}

need_time
command -v python3 >/dev/null || die "python3 is missing: apt-get install python3"
command -v lz4 >/dev/null || die "the lz4 command is missing: apt-get install lz4"
[[ $RECORDS =~ ^[1-9][0-9]*$ ]] || die "RECORDS=$RECORDS is not a whole number"
mkdir -p "$BENCH_DIR"

if [ -z "${MEMTUI:-}" ] || [ -z "${MEMRAYGEN:-}" ]; then
	note "building memtui and memraygen (Release) in $REPO/build-bench"
	cmake -S "$REPO" -B "$REPO/build-bench" -DCMAKE_BUILD_TYPE=Release >/dev/null
	nice -n 19 cmake --build "$REPO/build-bench" -j"$(nproc)" --target memtui memraygen \
		memraybare >/dev/null
	MEMTUI=${MEMTUI:-$REPO/build-bench/memtui}
	MEMRAYGEN=${MEMRAYGEN:-$REPO/build-bench/bench/memraygen}
fi
[ -x "$MEMTUI" ] || die "MEMTUI=$MEMTUI is not an executable"
[ -x "$MEMRAYGEN" ] || die "MEMRAYGEN=$MEMRAYGEN is not an executable"
MEMRAYBARE=${MEMRAYBARE:-$(dirname "$MEMRAYGEN")/memraybare}
[ -x "$MEMRAYBARE" ] ||
	die "MEMRAYBARE=$MEMRAYBARE is not an executable (cmake --build DIR --target memraybare)"

# ---- the capture (cached while memraygen.c and RECORDS are unchanged) ----
capture=$BENCH_DIR/memray_$RECORDS.bin
stamp="$(sha256sum "$REPO/bench/memraygen.c" | cut -c1-16) $RECORDS"
if [ -s "$capture" ] && [ "$(cat "$capture.stamp" 2>/dev/null)" = "$stamp" ]; then
	note "reusing $capture"
else
	note "generating $capture ($RECORDS records)"
	nice -n 19 "$MEMRAYGEN" -n "$RECORDS" -o "$capture.tmp" 2>"$capture.json" ||
		die "memraygen failed: $(cat "$capture.json")"
	mv "$capture.tmp" "$capture"
	echo "$stamp" >"$capture.stamp"
fi

TIMING_TMP=$(mktemp -d)
trap 'rm -rf "$TIMING_TMP"' EXIT
RESULTS=$BENCH_DIR/memray-$(date -u +%Y%m%dT%H%M%S).tsv
: >"$RESULTS"

tool_argv() {
	case $1 in
	memtui) ARGV=("$MEMTUI" report --json --no-progress --no-cache "$2") ;;
	floor) ARGV=("$(floor_cmd "$2")" -dc "$2") ;;
	bare) ARGV=("$MEMRAYBARE" "$2") ;;
	bare+map) ARGV=("$MEMRAYBARE" --map "$2") ;;
	esac
	[ "${ARGV[0]}" != cat ] || ARGV=(cat "$2")
}

# the real capture of the team's corpus, when beside the checkout: the
# generated capture's cost per record is held against a real program's
inputs=("$capture")
[ -f "$SHARED/captures/memray/medium_lz4.bin" ] && inputs+=("$SHARED/captures/memray/medium_lz4.bin")
for f in "${inputs[@]}" "$@"; do
	[ -f "$f" ] || { note "no such file: $f"; continue; }
	events=$(events_of "$f")
	[ -n "$events" ] || { note "memtui could not read $f: skipped"; continue; }
	note "$(basename "$f"): $events records, $RUNS rounds"
	alternate memray "$(basename "$f")" "$events" "$f" "$RUNS" memtui floor bare bare+map
done

echo
echo "machine: $(machine_line)"
echo "floor: $(lz4 --version 2>&1 | head -1)"
echo "capture: $capture ($(stat -c %s "$capture") bytes; generator's figures: $(cat "$capture.json"))"
echo "runs: $RESULTS"
echo
python3 "$REPO/bench/summarize.py" memray "$RESULTS"
