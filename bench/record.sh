#!/bin/sh
# bench/record.sh: the cost of recording, memtui record against heaptrack.
#
#   bench/record.sh [BUILD] [CALLS]    (BUILD default: build; CALLS per thread: 2000000)
#
# bench/recbench.c (malloc/free 16-24 frames deep, 256 live blocks per
# thread) runs with 1 thread of CALLS calls and with 8 threads of CALLS/8
# each: alone, under `memtui record` and under `heaptrack`.  Prints the wall
# time of each (best of RUNS, default 3), the slowdown against the program
# alone, and the capture's size per event (malloc + free) for memtui's .mtui
# and heaptrack's .zst.  memtui's time includes writing the .mtui (trace
# read, symbols, compression); heaptrack's does not include heaptrack_print.
set -eu
BUILD=${1:-build}
CALLS=${2:-2000000}
RUNS=${RUNS:-3}
MEMTUI=$(cd "$BUILD" && pwd)/memtui
SRC=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/memtui-bench-record.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cc -O1 -g -pthread -o "$WORK/recbench" "$SRC/recbench.c"
cd "$WORK"

# Best wall time of RUNS runs of the command, in seconds.
best() {
	b=""
	for _ in $(seq "$RUNS"); do
		rm -f heaptrack.* memtui.* out.mtui*
		t0=$(date +%s.%N)
		"$@" > /dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

printf '%-10s %10s %10s %10s %9s %9s %12s %12s\n' load alone memtui heaptrack "memtui x" \
	"heaptr. x" "mtui B/ev" "heaptr. B/ev"
for threads in 1 8; do
	n=$((CALLS / threads))
	events=$((2 * CALLS))
	alone=$(best ./recbench $threads $n)
	rec=$(best "$MEMTUI" record -o out.mtui -- ./recbench $threads $n)
	mtui_size=$(stat -c %s out.mtui)
	ht=$(best heaptrack -o heaptrack.out ./recbench $threads $n)
	ht_size=$(stat -c %s heaptrack.out.zst 2>/dev/null || stat -c %s heaptrack.out.gz)
	printf '%-10s %9.2fs %9.2fs %9.2fs %8.1fx %8.1fx %12.2f %12.2f\n' \
		"${threads}t x $n" "$alone" "$rec" "$ht" "$(echo "$rec / $alone" | bc -l)" \
		"$(echo "$ht / $alone" | bc -l)" "$(echo "$mtui_size / $events" | bc -l)" \
		"$(echo "$ht_size / $events" | bc -l)"
done
