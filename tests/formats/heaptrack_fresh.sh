#!/bin/sh
# heaptrack_fresh.sh: records the programs in tests/programs with the installed
# heaptrack and checks that capdump's figures equal heaptrack_print's for the
# same file.
#
#	heaptrack_fresh.sh CAPDUMP [CC]
#
# heaptrack_print prints rounded numbers ("1.18M"), so its summary lines are
# compared after rounding ours the same way; the exact values come from the
# per-backtrace costs of `heaptrack_print -F FILE --flamegraph-cost-type T`
# (one integer per backtrace), summed: allocations = alloc_count, temporary =
# temporary_count, peak = peak_bytes, leaked = end_bytes (no suppressions
# match in these programs).  Exit 77 (skip) when heaptrack, heaptrack_print or
# a C compiler is missing.
#
# With MEMTUI (third argument), deep.c checks the stacks heaptrack cut short
# (its 62-frame limit): exactly the deepest allocations, and all of them, are
# under the "[truncated stack]" root, the stacks heaptrack_print itself shows
# without main are among them, and the totals are unchanged (the checks above).
set -u

capdump=$1
cc=${2:-cc}
memtui=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
progs=$here/../programs

command -v heaptrack >/dev/null 2>&1 || { echo "heaptrack not installed: skip"; exit 77; }
command -v heaptrack_print >/dev/null 2>&1 || { echo "heaptrack_print missing: skip"; exit 77; }
command -v "$cc" >/dev/null 2>&1 || { echo "no C compiler: skip"; exit 77; }
case $capdump in /*) ;; *) capdump=$(pwd)/$capdump ;; esac
case $memtui in /*|'') ;; *) memtui=$(pwd)/$memtui ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memtui-heaptrack.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

# heaptrack's byte format: divide by 1000 while above 1000, two decimals, unit letter.
fmt_bytes() {
	awk -v v="$1" 'BEGIN {
		split("B K M G T", u, " "); i = 1; neg = v < 0; if (neg) v = -v
		while (v > 1000 && i < 5) { v /= 1000; i++ }
		if (neg) v = -v
		if (i == 1) printf "%dB\n", v; else printf "%.2f%s\n", v, u[i] }'
}

field() {	# capdump key
	sed -n "s/^$2 //p" "$1"
}

summary() {	# print.txt prefix -> first number/figure after it
	sed -n "s/^$2: \([^ ]*\).*/\1/p" "$1"
}

flame_sum() {	# capture cost-type
	heaptrack_print -F "$tmp/flame" --flamegraph-cost-type "$2" "$1" >/dev/null 2>&1 || return 1
	awk '{ s += $NF } END { printf "%d\n", s }' "$tmp/flame"
}

check() {	# name got want
	if [ "$2" = "$3" ]; then
		echo "ok   $1 $2"
	else
		echo "FAIL $1: memtui $2, heaptrack $3"
		failed=1
	fi
}

record() {	# name source [flags]
	name=$1 src=$2
	shift 2
	"$cc" -g -O0 "$@" -o "$tmp/$name" "$progs/$src" || { echo "FAIL build $src"; failed=1; return; }
	(cd "$tmp" && heaptrack -o "$tmp/ht.$name" "./$name" >"$tmp/$name.log" 2>&1)
	file=$(ls "$tmp/ht.$name".* 2>/dev/null | head -n 1)
	if [ -z "$file" ]; then
		echo "FAIL heaptrack did not write a capture for $name"
		cat "$tmp/$name.log"
		failed=1
		return
	fi
	"$capdump" "$file" >"$tmp/$name.dump" || { echo "FAIL capdump $file"; failed=1; return; }
	heaptrack_print "$file" >"$tmp/$name.print" 2>/dev/null
	d=$tmp/$name.dump p=$tmp/$name.print
	echo "== $name ($(basename "$file"))"
	check "$name calls (summary)" "$(field "$d" alloc_count)" \
		"$(summary "$p" 'calls to allocation functions')"
	check "$name temporary (summary)" "$(field "$d" temporary_count)" \
		"$(summary "$p" 'temporary memory allocations')"
	check "$name peak (summary)" "$(fmt_bytes "$(field "$d" peak_bytes)")" \
		"$(summary "$p" 'peak heap memory consumption')"
	check "$name leaked (summary)" "$(fmt_bytes "$(field "$d" end_bytes)")" \
		"$(summary "$p" 'total memory leaked')"
	check "$name calls (exact)" "$(field "$d" alloc_count)" "$(flame_sum "$file" allocations)"
	check "$name temporary (exact)" "$(field "$d" temporary_count)" \
		"$(flame_sum "$file" temporary)"
	check "$name peak (exact)" "$(field "$d" peak_bytes)" "$(flame_sum "$file" peak)"
	check "$name leaked (exact)" "$(field "$d" end_bytes)" "$(flame_sum "$file" leaked)"
}

# deep.c: allocation k calls down is 1000 + k bytes, k = 1..100; heaptrack keeps
# 62 return addresses, so from some depth T on (about 59: main and libc's start
# take 4) every stack is cut.  memtui must put exactly k >= T under
# "[truncated stack]": their count is 101 - T and their bytes the sum of
# 1000 + k over k >= T, and no whole stack (from _start) is that deep.
check_deep() {
	file=$(ls "$tmp/ht.deep".* 2>/dev/null | head -n 1)
	[ -n "$file" ] && [ -n "$memtui" ] || return
	"$memtui" report --no-progress --no-fold --metric allocated --format collapsed "$file" \
		>"$tmp/deep.bytes" || { echo "FAIL memtui report deep"; failed=1; return; }
	"$memtui" report --no-progress --no-fold --metric allocations --format collapsed "$file" \
		>"$tmp/deep.calls" || { echo "FAIL memtui report deep"; failed=1; return; }
	cut_calls=$(awk '/^\[truncated stack\];/ { s += $NF } END { printf "%d\n", s }' \
		"$tmp/deep.calls")
	cut_bytes=$(awk '/^\[truncated stack\];/ { s += $NF } END { printf "%d\n", s }' \
		"$tmp/deep.bytes")
	t=$((101 - cut_calls))
	want=$(awk -v t="$t" 'BEGIN { for (k = t; k <= 100; k++) s += 1000 + k; printf "%d\n", s }')
	if [ "$t" -ge 50 ] && [ "$t" -le 62 ]; then
		echo "ok   deep: stacks from depth $t on are cut ($cut_calls allocations)"
	else
		echo "FAIL deep: $cut_calls allocations under [truncated stack], want 39..51"
		failed=1
	fi
	check "deep bytes under [truncated stack]" "$cut_bytes" "$want"
	check "deep deepest whole stack" "$(awk '/^_start;/ && $NF >= 1000 && $NF > m { m = $NF }
		END { printf "%d\n", m - 1000 }' "$tmp/deep.bytes")" "$((t - 1))"
	# heaptrack_print's own flame graph roots the deepest stacks at descend (it
	# drops the frames above main only when it has them).
	heaptrack_print -F "$tmp/flame" --flamegraph-cost-type allocations "$file" >/dev/null 2>&1
	bare=$(awk '/^descend / { s += $NF } END { printf "%d\n", s }' "$tmp/flame")
	if [ "$bare" -gt 0 ] && [ "$bare" -le "$cut_calls" ]; then
		echo "ok   deep: heaptrack_print's $bare stacks without main are cut in memtui"
	else
		echo "FAIL deep: heaptrack_print has $bare stacks without main, memtui cut $cut_calls"
		failed=1
	fi
}

record staged staged.c
record threaded threaded.c -pthread
record deep deep.c
check_deep
exit $failed
