#!/bin/sh
# Installs what memtui needs to build and test on Debian 12, from Debian's
# packages only.  As root it runs apt-get for whatever is missing; otherwise it
# prints the command to run.  Safe to run again: it installs nothing when all
# is there.
#
#   build:  gcc cmake pkg-config + the -dev packages of ncursesw, libdwarf,
#           libelf (elfutils), lz4, zstd, zlib
#   tests:  python3 (test drivers), clang + libclang-rt (ASan/UBSan, libFuzzer),
#           heaptrack (fresh captures), zstd, gzip and lz4 (reference
#           decompression, damaged copies),
#           tmux (UI tests), util-linux (setpriv, for the unreadable-file test),
#           binutils (addr2line, objcopy) and llvm (llvm-symbolizer): references
#           for the symbolizer tests; libc6-dbg: a real separate debug file;
#           man-db, groff-base and zsh: the installed manual and completions;
#           python3-pip, python3-setuptools and python3-wheel: `pip install
#           src/record/python` (memtui's Python module) offline, as the
#           python_markers test does (setuptools 66 builds wheels with wheel);
#           python3-lz4: the shared memray decoder reads bench_memraygen's
#           lz4 capture with it
#   record: libunwind-dev: the recorder's unwinder (README, "Dependencies"):
#           its header to build, libunwind8 at run time
set -eu

PACKAGES="build-essential cmake pkg-config libncurses-dev libdwarf-dev libelf-dev
liblz4-dev libzstd-dev zlib1g-dev python3 clang libclang-rt-dev heaptrack zstd gzip lz4
tmux util-linux binutils llvm libc6-dbg man-db groff-base zsh python3-pip python3-setuptools
python3-wheel python3-lz4 libunwind-dev"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "setup: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
else
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run as root:  apt-get install -y$missing" >&2
	exit 1
fi
