#!/bin/sh
# Fails when code reaches across the layers (docs/ARCHITECTURE.md):
#  - <curses.h> outside ui/screen_curses.c
#  - src/ including ui/ or formats/ headers; formats/ including ui/ or analysis headers
#  - exit( outside src/main.c, src/cli.c, src/xalloc.c
set -eu
cd "$(dirname "$0")/.."
bad=0
hits=$(grep -rlE '#include[[:space:]]*[<"](n?curses|ncursesw/curses)\.h' src formats ui 2>/dev/null |
	grep -v '^ui/screen_curses\.c$' || true)
[ -n "$hits" ] && { echo "layers: curses outside ui/screen_curses.c: $hits"; bad=1; }
hits=$(grep -lE '#include "(input|reader|registry|screen|view|app)[a-z_]*\.h"' src/*.c src/*.h |
	grep -vE '^src/(cli|main)\.c$' || true)
[ -n "$hits" ] && { echo "layers: src/ includes formats/ or ui/ headers: $hits"; bad=1; }
hits=$(grep -lE '#include "(snapshot|tree|top|report|fmt|screen|view|app)\.h"' formats/*.c \
	formats/*.h 2>/dev/null || true)
[ -n "$hits" ] && { echo "layers: formats/ includes analysis or ui headers: $hits"; bad=1; }
hits=$(grep -lE '(^|[^_a-z])exit\(' src/*.c formats/*.c ui/*.c 2>/dev/null |
	grep -vE '^src/(main|cli|xalloc)\.c$' || true)
[ -n "$hits" ] && { echo "layers: exit() outside main/cli/xalloc: $hits"; bad=1; }
[ $bad -eq 0 ] && echo "layers: ok"
exit $bad
