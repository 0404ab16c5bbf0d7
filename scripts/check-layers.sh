#!/bin/sh
# Fails when code reaches across the layers (docs/ARCHITECTURE.md).  The table
# below is CMakeLists.txt's: each folder is one library and may include its own
# headers and those of the folders it uses, directly or through them.  Checks:
#  - every #include "x.h" names a header of the folder itself or of a folder it
#    uses (header names are unique in the project; no paths, no "../");
#  - <curses.h> is included by ui/term/screen_curses.c alone;
#  - exit() is called by src/cli/ and src/base/xalloc.c alone (errors are values).
# Prints "layers: ok", or one line per breach and exits 1.
set -eu
cd "$(dirname "$0")/.."

# folder: the folders it uses (those the library links, transitively).
uses() {
	case $1 in
	src/base) echo "" ;;
	src/model) echo "src/base" ;;
	src/analysis) echo "src/model src/base" ;;
	src/symbols) echo "src/base" ;;
	src/report) echo "src/analysis src/model src/base" ;;
	formats) echo "src/model src/base" ;;
	ui/term) echo "src/base" ;;
	ui/model) echo "src/report src/analysis src/model src/base ui/term" ;;
	ui) echo "ui/model src/report src/analysis src/model src/base ui/term" ;;
	src/cli) echo "ui ui/model ui/term src/report src/analysis src/model src/base formats src/symbols" ;;
	src/record) echo "" ;;	# libmemtui_preload.so: nothing of memtui (but trace_format.h, below)
	*) echo "?" ;;
	esac
}
FOLDERS="src/base src/model src/analysis src/symbols src/report formats ui/term ui/model ui src/cli src/record"

bad=0
say() {
	echo "layers: $*"
	bad=1
}

# Every source file lives in a layer folder: src/ and ui/ hold only folders.
for f in src/* ui/*; do
	[ -d "$f" ] || case $f in ui/*.[ch]) ;; *) say "$f: a file outside the layer folders" ;; esac
done

# Which folder holds each header.
index=$(mktemp)
trap 'rm -f "$index"' EXIT
for d in $FOLDERS; do
	for h in "$d"/*.h; do
		[ -e "$h" ] && echo "$(basename "$h") $d"
	done
done | sort >"$index"
dups=$(cut -d' ' -f1 "$index" | uniq -d)
[ -n "$dups" ] && say "header names used twice: $dups"

for d in $FOLDERS; do
	allowed=" $d $(uses "$d") "
	for f in "$d"/*.c "$d"/*.h; do
		[ -e "$f" ] || continue
		grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
			sed -E 's/^([0-9]+):.*"([^"]+)".*/\1 \2/' >"$index.inc" || true
		while read -r line name; do
			case $name in
			*/*) say "$f:$line: includes \"$name\" by path (include by name, CMake says where)"
			     continue ;;
			esac
			home=$(awk -v h="$name" '$1 == h { print $2 }' "$index")
			# the one header the recorder takes from another folder: the format it writes
			[ "$d" = src/record ] && [ "$name" = trace_format.h ] && continue
			if [ -z "$home" ]; then
				say "$f:$line: includes \"$name\", a header no layer has"
			elif ! case "$allowed" in *" $home "*) true ;; *) false ;; esac; then
				say "$f:$line: includes \"$name\" from $home, which $d does not use"
			fi
		done <"$index.inc"
	done
done
rm -f "$index.inc"

hits=$(grep -rlE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/curses)\.h' src formats ui |
	grep -v '^ui/term/screen_curses\.c$' || true)
[ -n "$hits" ] && say "curses outside ui/term/screen_curses.c: $hits"
hits=$(grep -rlE '(^|[^_a-z])exit\(' src formats ui --include='*.c' |
	grep -vE '^(src/cli/[a-z_]+|src/base/xalloc)\.c$' || true)
[ -n "$hits" ] && say "exit() outside src/cli/ and xalloc: $hits"

[ $bad -eq 0 ] && echo "layers: ok"
exit $bad
