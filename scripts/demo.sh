#!/bin/sh
# Builds memtui and opens it on a bundled sample capture.
# (`memtui report FILE` prints the same figures as text.)
#
# It builds the memtui target alone (the tests, benchmarks and manual are
# scripts/test.sh's and `cmake --build build`'s) and says what it does while it
# works: each step on a line of its own, the build's progress on one line that
# updates (or line by line when the output is not a terminal).  The whole build
# log goes to build/demo.log and is printed when a step fails.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh

log=build/demo.log
say() {
	printf 'demo: %s\n' "$*"
}

# Reads the build's output ending with "demo-status N": keeps it in $log,
# shows its progress lines ("[ 42%] ..." from make, "[12/80] ..." from ninja),
# and returns N.
progress() {
	status=1
	cols=$(tput cols 2>/dev/null || echo 80)
	while IFS= read -r line; do
		case $line in
		"demo-status "*) status=${line#demo-status } ;;
		*)
			printf '%s\n' "$line" >>"$log"
			case $line in
			"["*"%]"* | "["*"/"*"]"*)
				if [ -t 1 ]; then
					printf '\r\033[K%s' "$(printf '%s' "$line" | cut -c1-$((cols - 1)))"
				else
					printf '%s\n' "$line"
				fi
				;;
			esac
			;;
		esac
	done
	if [ -t 1 ]; then
		printf '\r\033[K'
	fi
	return "$status"
}

failed() {
	cat "$log" >&2
	say "$1 failed; the log above is in $log" >&2
	exit 1
}

mkdir -p build
: >"$log"
say "configuring build/ with cmake"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >>"$log" 2>&1 || failed "configuring"
jobs=$(nproc)
say "building memtui with $jobs jobs (the first build takes a minute or so)"
start=$(date +%s)
{
	status=0
	cmake --build build --target memtui -j"$jobs" 2>&1 || status=$?
	echo "demo-status $status"
} | progress || failed "the build"
say "built build/memtui in $(($(date +%s) - start)) s; opening sample-captures/memray/stages.bin"
exec ./build/memtui sample-captures/memray/stages.bin
