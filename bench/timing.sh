# bench/timing.sh: the timing loop shared by bench/scale.sh and bench/memray.sh
# (sourced, not run).  Every timed command runs under GNU time for its CPU
# (user + sys) and peak RSS, and between two reads of the nanosecond clock for
# its wall time (GNU time's %e has 10 ms steps).  One line per run goes to
# $RESULTS (tab separated), which bench/summarize.py turns into medians,
# ratios and the per-event fit:
#
#	group  capture  events  tool  run  wall_s  user_s  sys_s  rss_kib
#
# The caller defines tool_argv TOOL FILE, which sets the array ARGV to the
# command line of TOOL on FILE (stdout goes to /dev/null).

# note MSG: a progress line on stderr.
note() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# need_time: GNU time is required for the peak RSS.
need_time() {
	[ -x /usr/bin/time ] || die "/usr/bin/time is missing (GNU time, for CPU and peak RSS): apt-get install time"
	/usr/bin/time -f '%e %U %S %M' -o /dev/null true 2>/dev/null ||
		die "/usr/bin/time is not GNU time (needs -f and -o)"
}

# floor_cmd FILE: the decompressor that is the floor for FILE, by its magic
# bytes ("zstd", "gzip", "lz4" or "cat" for an uncompressed file).
floor_cmd() {
	case $(head -c4 "$1" | od -An -tx1 | tr -d ' \n') in
	28b52ffd) echo zstd ;;
	1f8b*) echo gzip ;;
	04224d18) echo lz4 ;;
	*) echo cat ;;
	esac
}

# timed_run GROUP CAPTURE EVENTS TOOL RUN FILE: runs TOOL on FILE once and
# appends its line to $RESULTS; returns 1 (after a note) when it failed.
timed_run() {
	local group=$1 capture=$2 events=$3 tool=$4 run=$5 file=$6 t0 t1
	tool_argv "$tool" "$file"
	t0=$(date +%s%N)
	if ! nice -n "${NICE:-19}" /usr/bin/time -f '%e %U %S %M' -o "$TIMING_TMP/time" \
		"${ARGV[@]}" >/dev/null 2>"$TIMING_TMP/err"; then
		note "failed: ${ARGV[*]}: $(tail -1 "$TIMING_TMP/err")"
		return 1
	fi
	t1=$(date +%s%N)
	# GNU time writes "Command exited with non-zero status" lines first
	tail -1 "$TIMING_TMP/time" | awk -v g="$group" -v c="$capture" -v e="$events" \
		-v t="$tool" -v r="$run" -v a="$t0" -v b="$t1" 'BEGIN { OFS = "\t" }
		{ print g, c, e, t, r, sprintf("%.4f", (b - a) / 1e9), $2, $3, $4 }' >>"$RESULTS"
}

# alternate GROUP CAPTURE EVENTS FILE RUNS TOOL...: RUNS rounds over the
# tools, round r starting at tool r (mod the count), so no tool always runs
# first (cold caches, turbo) or right after the same neighbour.
alternate() {
	local group=$1 capture=$2 events=$3 file=$4 runs=$5 r i n
	shift 5
	local tools=("$@")
	n=${#tools[@]}
	for ((r = 0; r < runs; r++)); do
		for ((i = 0; i < n; i++)); do
			timed_run "$group" "$capture" "$events" "${tools[$(((r + i) % n))]}" \
				"$((r + 1))" "$file" || true
		done
	done
}

# events_of FILE: totals.events of `memtui report --json` (also warms the
# page cache with FILE); empty when memtui failed.  Warnings go to stderr.
events_of() {
	nice -n "${NICE:-19}" "$MEMTUI" report --json --no-progress --no-cache "$1" \
		2>"$TIMING_TMP/warn" | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["totals"]["events"])' || true
	if [ -s "$TIMING_TMP/warn" ]; then
		note "memtui on $1 said:"
		sed 's/^/    /' "$TIMING_TMP/warn" >&2
	fi
}

# machine_line: the machine, the date and the binaries, for the figures' header.
machine_line() {
	printf '%s; %s cores (%s); %s; memtui: %s (%s)\n' "$(uname -m)" "$(nproc)" \
		"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" "$MEMTUI" \
		"$("$MEMTUI" --version 2>&1 | head -1)"
}
