#!/usr/bin/env python3
"""The timeline's rate charts (m on the timeline) equal `memtui report --timeline`.

For memray and heaptrack captures, the timeline view (3) is replayed at 80x24
with m pressed 0-4 times (every metric the capture has) and the cursor at a
few places; the status line says what is charted and the cursor's column of
how many.  `memtui report --timeline N --metric M --json` gives the same
slices: the cursor line must hold the report's wording of that slice
(allocations, bytes or temporary allocations, the time range and the rate),
and the title's total the sum of the slices.  The slices' allocation counts,
bytes and temporary allocations add up to the report's totals for any number
of slices.

usage: test_timeline_rates.py MEMTUI SAMPLES_DIR
"""
import os
import re
import subprocess
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import Suite, replay, report, fmt_bytes  # noqa: E402

CAPTURES = ["memray/stages.bin", "memray/threads.bin", "memray/stages_aggregated.bin",
            "heaptrack/heaptrack.stages.zst"]
SERIES = {"live heap": None, "bytes allocated": "allocated", "allocations": "allocations",
          "temporary allocations": "temporary"}
STATUS = re.compile(r"\[timeline\] metric: (live heap|bytes allocated|allocations|"
                    r"temporary allocations)( per second| per slice)?.*column (\d+)/(\d+)")


def timeline(memtui, path, n, metric):
    p = subprocess.run([memtui, "report", "--json", "--no-progress", "--timeline", str(n),
                        "--metric", metric, path], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("report --timeline on %s: exit %d: %s"
                           % (path, p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    s = Suite("timeline_rates")
    for name in CAPTURES:
        path = os.path.join(samples, name)
        totals = report(memtui, path, "--top", "0", "--depth", "0")["totals"]
        # The sums hold for any slicing.
        for n in (1, 7, 69, 500):
            tl = timeline(memtui, path, n, "allocations")
            sums = tl["sums"]
            s.check("%s: %d slices: sum of allocations" % (name, n), sums["allocations"],
                    totals["allocations"] or 0)
            s.check("%s: %d slices: sum of allocated bytes" % (name, n),
                    sums["allocated_bytes"], totals["allocated_bytes"] or 0)
            s.check("%s: %d slices: sum of temporary" % (name, n), sums["temporary"],
                    totals["temporary"] or 0)
            s.check("%s: %d slices: per-slice allocations add up" % (name, n),
                    sum(x["allocations"] for x in tl["slices"]), sums["allocations"])
        seen = set()
        for presses in range(5):
            for moves in ("", "hhhh", "g", "G", "llll"):
                screen = replay(memtui, path, "3" + "m" * presses + moves, size="80x24")
                lines = screen.rstrip("\n").split("\n")
                m = STATUS.search(lines[-1])
                if not m:
                    # An aggregated capture: no time axis, no rate charts.
                    s.true("%s: status of a timeline without a stream" % name,
                           "no time axis" in lines[-1], lines[-1])
                    continue
                series, col, n = m.group(1), int(m.group(3)), int(m.group(4))
                metric = SERIES[series]
                seen.add(series)
                if metric is None:
                    continue
                tl = timeline(memtui, path, n, metric)
                want = tl["slices"][col - 1]["text"]
                s.true("%s: m x%d %r: cursor line holds the report's slice %d" %
                       (name, presses, moves, col - 1), want in lines[-2],
                       "%r not in %r" % (want, lines[-2]))
                total = sum(x["allocated_bytes" if metric == "allocated" else metric]
                            for x in tl["slices"])
                title = [ln for ln in lines if ln.startswith(series + " per ")]
                shown = fmt_bytes(total) if metric == "allocated" else str(total)
                s.true("%s: %s: title total" % (name, series),
                       bool(title) and ("total %s " % shown) in title[0] + " ",
                       "%r" % title)
        if "aggregated" not in name:
            s.true("%s: m charted every rate the capture has" % name,
                   {"bytes allocated", "allocations"} <= seen, "%s" % seen)
        if totals["temporary"]:
            s.true("%s: temporary allocations charted" % name,
                   "temporary allocations" in seen, "%s" % seen)
    return s.done()


if __name__ == "__main__":
    sys.exit(main())
