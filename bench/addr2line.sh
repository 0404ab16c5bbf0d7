#!/bin/bash
# memtui addr2line -f -i against binutils addr2line -f -i on a large -g binary:
# every 2nd byte of .text of memtui itself (RelWithDebInfo), >= 100,000
# addresses from stdin.  Prints the wall times (hyperfine if installed, else
# /usr/bin/time), each tool's peak RSS, and whether the outputs are equal.
#
# Usage: bench/addr2line.sh [BUILD_DIR [BINARY]]   (default: build, BUILD_DIR/memtui)
set -euo pipefail
build=${1:-build}
memtui=$build/memtui
bin=${2:-$memtui}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

read -r start size < <(readelf -SW "$bin" | awk '$2==".text"{print $4, $6}')
python3 -c "
s, n = int('$start', 16), int('$size', 16)
print('\n'.join('%x' % a for a in range(s, s + n, 2)))" >"$work/addrs"
echo "binary: $bin ($(wc -l <"$work/addrs") addresses, every 2nd byte of .text)"
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
	hyperfine -w 1 -r 5 \
		-n binutils "addr2line -f -i -e $bin <$work/addrs >/dev/null" \
		-n memtui "$memtui addr2line -f -i -e $bin <$work/addrs >/dev/null"
else
	for tool in binutils memtui; do
		if [ $tool = binutils ]; then cmd=(addr2line); else cmd=("$memtui" addr2line); fi
		/usr/bin/time -f "$tool wall: %e s" "${cmd[@]}" -f -i -e "$bin" \
			<"$work/addrs" >/dev/null
	done
fi
