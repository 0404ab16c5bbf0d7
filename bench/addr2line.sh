#!/bin/bash
# memtui addr2line -f -i against binutils addr2line -f -i on a large -g binary:
# every STEP-th byte of .text (default: every 2nd) of memtui itself
# (RelWithDebInfo) or of BINARY, addresses from stdin; then one address given
# on the command line (the start-up cost).  Prints the machine, whether the
# outputs are equal, each tool's peak RSS (/usr/bin/time) and the wall times
# (hyperfine: 1 warm-up, RUNS runs, mean, median and min; else /usr/bin/time).
# A BINARY without DWARF of its own (libc.so.6) is read with its separate
# debug file, found by both tools under /usr/lib/debug/.build-id.
#
# Usage: bench/addr2line.sh [BUILD_DIR [BINARY [STEP]]]   (default: build, BUILD_DIR/memtui, 2)
set -euo pipefail
build=${1:-build}
memtui=$build/memtui
bin=${2:-$memtui}
step=${3:-2}
runs=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

read -r start size < <(readelf -SW "$bin" | awk '$2==".text"{print $4, $6}')
python3 -c "
s, n = int('$start', 16), int('$size', 16)
print('\n'.join('%x' % a for a in range(s, s + n, $step)))" >"$work/addrs"
one=$(sed -n '1000p' "$work/addrs")
echo "binary: $bin ($(wc -l <"$work/addrs") addresses, one every $step bytes of .text)"
grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /cpu: /'
echo "cores: $(nproc)"

addr2line -f -i -e "$bin" <"$work/addrs" >"$work/binutils"
"$memtui" addr2line -f -i -e "$bin" <"$work/addrs" >"$work/memtui"
if cmp -s "$work/binutils" "$work/memtui"; then
	echo "outputs: equal ($(wc -l <"$work/memtui") lines)"
else
	echo "outputs: DIFFERENT"; diff "$work/binutils" "$work/memtui" | head -20; exit 1
fi
for tool in binutils memtui; do
	if [ $tool = binutils ]; then cmd=(addr2line); else cmd=("$memtui" addr2line); fi
	/usr/bin/time -f "$tool peak RSS: %M KiB" "${cmd[@]}" -f -i -e "$bin" \
		<"$work/addrs" >/dev/null
done
if command -v hyperfine >/dev/null; then
	hyperfine -w 1 -r "$runs" --export-json "$work/many.json" \
		-n binutils "addr2line -f -i -e $bin <$work/addrs >/dev/null" \
		-n memtui "$memtui addr2line -f -i -e $bin <$work/addrs >/dev/null"
	hyperfine -N -w 3 -r $((runs * 3)) --export-json "$work/one.json" \
		-n "binutils, 1 address" "addr2line -f -i -e $bin $one" \
		-n "memtui, 1 address" "$memtui addr2line -f -i -e $bin $one"
	python3 -c "
import json, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))['results']:
        print('%-22s median %7.1f ms  mean %7.1f ms  min %7.1f ms  user+sys %6.1f ms' % (
            r['command'], 1e3 * r['median'], 1e3 * r['mean'], 1e3 * r['min'],
            1e3 * (r['user'] + r['system'])))" "$work/many.json" "$work/one.json"
else
	for tool in binutils memtui; do
		if [ $tool = binutils ]; then cmd=(addr2line); else cmd=("$memtui" addr2line); fi
		/usr/bin/time -f "$tool wall: %e s" "${cmd[@]}" -f -i -e "$bin" \
			<"$work/addrs" >/dev/null
	done
fi
