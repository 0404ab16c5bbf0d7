#!/usr/bin/env bash
# bench/compiler.sh: a real C++ compiler's heaptrack capture for the scale
# bench (issue 15 asks for one).  Writes a C++ file of FUNCS functions, each
# instantiating the usual containers (vector, map, unordered_map, string,
# ostringstream, function, variant, sort, accumulate) over a type of its own,
# and records clang's compiler proper (`clang -cc1`, as the driver runs it:
# -std=c++17 -O2 -g) on it under heaptrack.  Prints the capture's path, so
#
#   bench/scale.sh "$(bench/compiler.sh)"
#
# measures it beside the churn series.  clang rather than g++: heaptrack 1.4's
# heaptrack_interpret grows past 10 GiB and dies (std::bad_alloc) on the
# symbols of Debian's cc1plus; clang's capture interprets in seconds.
#
# Environment:
#   BENCH_DIR=DIR   where the capture is cached (default /tmp/memtui-scale):
#                   heaptrack.clang_<FUNCS>f.zst, remade when FUNCS or this
#                   script changes (its .stamp file holds both)
#   FUNCS=N         functions in the source (default 12: about 7.8 M
#                   allocations, 15 M events, 1.5 M distinct stacks)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/timing.sh
. "$REPO/bench/timing.sh"
BENCH_DIR=${BENCH_DIR:-/tmp/memtui-scale}
FUNCS=${FUNCS:-12}
[[ $FUNCS =~ ^[1-9][0-9]*$ ]] || die "FUNCS: '$FUNCS' is not a whole number"
CLANG=$(command -v clang++ || command -v clang++-14 || true)
[ -n "$CLANG" ] || die "clang++ is missing: apt-get install clang"
command -v heaptrack >/dev/null || die "heaptrack is missing: apt-get install heaptrack"
mkdir -p "$BENCH_DIR"

out=$BENCH_DIR/heaptrack.clang_${FUNCS}f
stamp="$(sha256sum "$0" | cut -c1-16) $FUNCS $("$CLANG" --version | head -1)"
if [ -s "$out.zst" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	note "reusing $out.zst"
	echo "$out.zst"
	exit 0
fi

src=$BENCH_DIR/compiler_${FUNCS}f.cpp
{
	for h in algorithm functional map numeric sstream string tuple unordered_map variant vector; do
		echo "#include <$h>"
	done
	for ((i = 0; i < FUNCS; i++)); do
		cat <<EOF
struct T$i {
	std::string s; int v; double d;
	bool operator<(const T$i &o) const { return std::tie(s, v) < std::tie(o.s, o.v); }
};
long f$i(int n)
{
	std::vector<T$i> v; std::map<std::string, T$i> m; std::unordered_map<int, std::vector<T$i>> u;
	for (int k = 0; k < n; k++) {
		v.push_back({std::to_string(k), k, k * 0.5});
		m[std::to_string(k)] = v.back();
		u[k % 7].push_back(v.back());
	}
	std::sort(v.begin(), v.end());
	std::ostringstream os;
	for (auto &[k, t] : m)
		os << k << t.d;
	std::function<long(const T$i &)> g = [&](const T$i &t) { return (long)t.v + (long)os.str().size(); };
	std::variant<int, std::string, T$i> var = v.empty() ? T$i{} : v[0];
	return std::accumulate(v.begin(), v.end(), 0L, [&](long a, const T$i &t) { return a + g(t); }) +
	       (long)u.size() + (long)var.index();
}
EOF
	done
	echo "int main(int c, char **) { long s = 0;"
	for ((i = 0; i < FUNCS; i++)); do echo "	s += f$i(c);"; done
	echo "	return (int)s; }"
} >"$src"

# The driver's -cc1 command line, so heaptrack records the compiler itself.
mapfile -t cc1 < <("$CLANG" -std=c++17 -O2 -g -c "$src" -o "$BENCH_DIR/compiler.o" -### 2>&1 |
	grep -m1 '"-cc1"' | python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.stdin.read())))')
[ "${#cc1[@]}" -gt 2 ] || die "could not get the -cc1 command line from $CLANG -###"
rm -f "$out".*
note "recording clang -cc1 on $FUNCS functions under heaptrack into $out.zst"
(cd "$BENCH_DIR" && nice -n 19 heaptrack -o "$out" "${cc1[@]}") >"$out.log" 2>&1 ||
	die "heaptrack failed, see $out.log"
[ -s "$out.zst" ] || die "heaptrack wrote no $out.zst, see $out.log"
echo "$stamp" >"$out.stamp"
echo "$out.zst"
