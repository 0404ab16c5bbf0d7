#!/bin/sh
# Builds memtui and opens it on a bundled sample capture.
# (`memtui report FILE` prints the same figures as text.)
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec ./build/memtui sample-captures/memray/stages.bin
