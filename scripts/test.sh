#!/bin/sh
# Builds memtui twice and runs the whole test suite on each build:
#   build/        gcc, -Werror, optimised: unit, format, oracle and fresh-capture tests
#   build-check/  clang, ASan + UBSan + libFuzzer: the same tests again, plus every
#                 reader's fuzz target for FUZZ_SECONDS (default 30) each, seeded
#                 with the sample captures (the clang++ capture's screen scans run
#                 in build/ only: tests/CMakeLists.txt)
# Exits non-zero on the first failing step.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== release build (gcc, -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEMTUI_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
scripts/check-layers.sh
scripts/check-style.sh
(cd build && ctest --output-on-failure -j"$jobs")

echo "== sanitizer + fuzz build (clang, ASan + UBSan, libFuzzer)"
cmake -S . -B build-check -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DMEMTUI_WERROR=ON -DMEMTUI_FUZZ=ON -DFUZZ_SECONDS="${FUZZ_SECONDS:-30}" >/dev/null
cmake --build build-check -j"$jobs"
(cd build-check && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j"$jobs")
