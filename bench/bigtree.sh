#!/usr/bin/env bash
# bigtree: generates the synthetic heaptrack capture for the key-latency
# benchmark (a top-down tree of 1,111,112 nodes at the peak by default) and
# prints its figures: file size, generation time, memtui's load time and the
# analyses' times (treecount), then checks that `memtui report` reads it.
#
#   bench/bigtree.sh [FANOUT [DEPTH]]        (default 10 6)
#
# Environment:
#   BUILD=DIR     the CMake build directory to use (default: build/ of this
#                 checkout; the bigtree, treecount and memtui targets are built)
#   OUT_DIR=DIR   where the capture goes (default: $BUILD/bench-bigtree); it is
#                 never written into the source tree
#   WIDTH, HEIGHT the flame/timeline size treecount times (default 200 x 50)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
OUT_DIR=${OUT_DIR:-$BUILD/bench-bigtree}
FANOUT=${1:-10}
DEPTH=${2:-6}

die() { echo "bigtree: $*" >&2; exit 1; }

[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$REPO" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target bigtree treecount memtui >/dev/null
mkdir -p "$OUT_DIR"

if command -v zstd >/dev/null; then
	out=$OUT_DIR/heaptrack.bigtree.zst
	compress() { zstd -q -3 -T0 -c; }
else
	out=$OUT_DIR/heaptrack.bigtree.gz
	compress() { gzip -1 -c; }
fi

start=$(date +%s%N)
"$BUILD/bench/bigtree" "$FANOUT" "$DEPTH" | compress >"$out"
end=$(date +%s%N)
echo "capture $out"
echo "file_bytes $(stat -c %s "$out")"
echo "generate_ms $(((end - start) / 1000000))"

"$BUILD/bench/treecount" "$out" "${WIDTH:-200}" "${HEIGHT:-50}"

start=$(date +%s%N)
"$BUILD/memtui" report --json --depth 0 --no-progress "$out" >"$OUT_DIR/report.json" ||
	die "memtui report failed on $out"
end=$(date +%s%N)
echo "memtui_report_ms $(((end - start) / 1000000))"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("report_peak_bytes", r["peak"]["bytes"]); print("report_events", r["totals"]["events"])' "$OUT_DIR/report.json"
