#!/bin/sh
# record_cpp.sh: records clang++ compiling tests/programs/heavy.cpp with the
# installed heaptrack into OUT (a .zst capture of about 4 million allocations,
# 10 MB): the large C++ capture that tests of names, stage tables and screens
# read.  Kept while heavy.cpp and the recorder are unchanged; recorded again
# otherwise.  Exit 77 (skip) when heaptrack or clang++ is missing.
#
#	record_cpp.sh OUT.zst
set -u
out=$1
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../programs/heavy.cpp

command -v heaptrack >/dev/null 2>&1 || { echo "heaptrack not installed: skip"; exit 77; }
command -v clang++ >/dev/null 2>&1 || { echo "clang++ not installed: skip"; exit 77; }
[ -s "$out" ] && [ "$out" -nt "$src" ] && { echo "record_cpp: $out is up to date"; exit 0; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/memtui-cpp.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
# Compiled by its base name, so the capture's command line reads the same everywhere.
cp "$src" "$dir/heavy.cpp" || exit 1
(cd "$dir" && heaptrack -o "$dir/clang" clang++ -std=c++17 -O2 -g -c heavy.cpp -o heavy.o) \
	>"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$dir/clang.zst" "$out" || exit 1
echo "record_cpp: recorded $out ($(wc -c <"$out") bytes)"
