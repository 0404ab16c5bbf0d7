#!/bin/sh
# heaptrack_oracle.sh: checks the heaptrack reader against heaptrack_print's
# exact numbers (the NAME.oracle.json beside each capture).
#
#	heaptrack_oracle.sh CAPDUMP DIR...
#
# For every NAME.oracle.json in each DIR whose capture is there (NAME.zst, or
# NAME itself when NAME ends in .gz/.txt), capdump must report: alloc_count =
# calls, peak_bytes = peak_heap_bytes, peak_ev_idx + 1 = peak_event_index
# (the oracle counts events from 1), peak_time_ms, end_count =
# live_allocations_at_end, temporary_count = temporary, end_bytes = leaked +
# suppressed (suppressions are applied by the analysis, not the reader).
# Captures nothing can be decoded from (empty file, a .zst cut before its first
# block) must fail to load.  Exit 77 (skip) without python3.
set -u
command -v python3 >/dev/null 2>&1 || exit 77
capdump=$1
shift
exec python3 - "$capdump" "$@" <<'PY'
import glob, json, os, subprocess, sys

capdump, dirs = sys.argv[1], sys.argv[2:]
failed = checked = 0
for d in dirs:
    for oracle in sorted(glob.glob(os.path.join(d, "*.oracle.json"))):
        name = oracle[:-len(".oracle.json")]
        if name.endswith(".diff"):
            continue
        cap = name if name.endswith((".gz", ".txt")) else name + ".zst"
        if not os.path.exists(cap):
            continue
        ex = json.load(open(oracle))["exact"]
        r = subprocess.run([capdump, cap], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True)
        checked += 1
        base = os.path.basename(cap)
        if r.returncode:
            # nothing decodable: heaptrack_print prints zeros, we refuse the file
            if base not in ("heaptrack.truncated.empty.zst", "heaptrack.truncated.cut.zst"):
                print("FAIL %s: %s" % (base, r.stderr.strip()))
                failed += 1
            else:
                print("ok   %s (refused: %s)" % (base, r.stderr.strip()))
            continue
        got = dict(l.split(" ", 1) for l in r.stdout.splitlines() if " " in l)
        g = lambda k: int(got[k])
        peak_idx = g("peak_ev_idx")
        peak_idx = -1 if peak_idx == 2**64 - 1 else peak_idx + 1
        want = [("alloc_count", g("alloc_count"), ex["calls"]),
                ("peak_bytes", g("peak_bytes"), ex["peak_heap_bytes"]),
                ("peak_ev_idx+1", peak_idx, ex["peak_event_index"]),
                ("end_count", g("end_count"), ex["live_allocations_at_end"]),
                ("temporary_count", g("temporary_count"), ex["temporary"]),
                ("end_bytes", g("end_bytes"),
                 ex["leaked_bytes"] + ex["suppressed_leaked_bytes"])]
        if ex["calls"]:
            want.append(("peak_time_ms", g("peak_time_ms"), ex["peak_time_ms"]))
        if ".truncated.cut.gz" in base:
            # heaptrack_print keeps the garbled last line "- 1" of the cut gzip
            # stream; we drop the unterminated line (one 320-byte free)
            want = [w for w in want if w[0] not in ("end_count", "end_bytes")]
        bad = ["%s %d != %d" % w for w in want if w[1] != w[2]]
        if ("truncated" in base and "header" not in base) != (got["truncated"] == "1"):
            bad.append("truncated flag %s" % got["truncated"])
        print("%s %s %s" % ("FAIL" if bad else "ok  ", base, "; ".join(bad)))
        failed += bool(bad)
print("%d captures checked, %d failed" % (checked, failed))
sys.exit(1 if failed or not checked else 0)
PY
