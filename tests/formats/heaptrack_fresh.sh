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
set -u

capdump=$1
cc=${2:-cc}
here=$(cd "$(dirname "$0")" && pwd)
progs=$here/../programs

command -v heaptrack >/dev/null 2>&1 || { echo "heaptrack not installed: skip"; exit 77; }
command -v heaptrack_print >/dev/null 2>&1 || { echo "heaptrack_print missing: skip"; exit 77; }
command -v "$cc" >/dev/null 2>&1 || { echo "no C compiler: skip"; exit 77; }
case $capdump in /*) ;; *) capdump=$(pwd)/$capdump ;; esac

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

record staged staged.c
record threaded threaded.c -pthread
exit $failed
