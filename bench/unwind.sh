#!/bin/sh
# The recorder's unwinder, measured (docs/BENCH.md): bench/unwind.c built at
# -O2 with and without frame pointers, each run for stacks of 10, 30 and 60
# frames; prints ns per stack and frames found per method.
#
#   bench/unwind.sh [REPS]      (default 200000 stacks per method and depth)
set -eu
cd "$(dirname "$0")"
out=${TMPDIR:-/tmp}/memtui-bench-unwind
mkdir -p "$out"
for flavour in fp nofp; do
	case $flavour in
	fp) flags=-fno-omit-frame-pointer ;;
	nofp) flags=-fomit-frame-pointer ;;
	esac
	gcc -O2 -D_GNU_SOURCE "$flags" -DFLAVOUR="\"$flavour\"" -o "$out/unwind_$flavour" unwind.c \
		-lunwind
done
grep -m1 'model name' /proc/cpuinfo
echo "cores: $(nproc)"
"$out/unwind_fp" "${1:-200000}"
"$out/unwind_nofp" "${1:-200000}"
