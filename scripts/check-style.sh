#!/bin/sh
# Checks what .clang-format cannot keep by itself in memtui's C sources (its
# trailing comments are aligned with tabs, which clang-format 14 would turn
# into spaces): lines of at most 100 columns (tabs of 8), indentation by tabs,
# no trailing white space.  Prints "style: ok", or one line per breach and
# exits 1.  New code can be formatted with clang-format (.clang-format).
set -eu
cd "$(dirname "$0")/.."
git ls-files 'src/*.[ch]' 'ui/*.[ch]' 'formats/*.[ch]' 'tests/*.[ch]' 'bench/*.c' 'fuzz/*.c' |
	LC_ALL=C xargs awk '
	{
		line = $0
		cols = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "\t")
				cols += 8 - cols % 8
			else if (c < "\200" || c >= "\300")
				cols++	# a UTF-8 continuation byte takes no column
		}
		if (cols > 100)
			bad[++n] = FILENAME ":" FNR ": " cols " columns (at most 100)"
		if (line ~ /[ \t]+$/)
			bad[++n] = FILENAME ":" FNR ": trailing white space"
		if (line ~ /^ +[^ *]/ || line ~ /^\t* {8}/)
			bad[++n] = FILENAME ":" FNR ": indented with spaces (tabs indent)"
	}
	END {
		for (i = 1; i <= n; i++)
			print "style: " bad[i]
		if (n)
			exit 1
		print "style: ok"
	}'
