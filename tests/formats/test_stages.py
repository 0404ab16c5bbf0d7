#!/usr/bin/env python3
"""Checks `memtui report --stages` and `memtui report --diff` against the oracles.

Stages: for every capture whose oracle has a `stages` table (memray stages*.bin,
heaptrack.stages.*), `--stages under:main --merge-calls --json` must list the
oracle's stage functions in time order, then the outside row, and per stage
the allocated bytes and count, the bytes live at the end and at the peak must
equal the oracle's (memray: allocated_*, leaked_bytes, at_hwm_bytes;
heaptrack: calls, bytes_allocated, leaked_bytes, peak_contribution_bytes,
and net_delta_in_window_bytes as net_bytes).  main's own allocations are a
row of their own (`<itself>`, "self": true) where the oracles count them
outside: the oracle's outside row is that row plus ours.  The rows' net
deltas must sum to the capture's end heap, and every row that allocated
names its top allocator.  Captures cut short are skipped.  `slices:N` must
give N slices whose allocations sum to the capture's totals; `slices:100`
(most of them empty) must start each slice at its share of the duration and
last its length, and an empty slice must hold the heap of the slice before
it (cumulative and peak), not 0.  `--stages under:nosuch` and `--stages
marks` (on captures without marks) exit 2 with one line saying what matched
nothing.  On memray's stages.bin, `under:parse_readings --merge-calls` has an
`<itself>` row whose allocations are parse_readings' own (its self in the
allocated tree).

Aggregated captures (no event stream: live figures only) must give, under
main, the oracle's stage functions in order, then the outside row, each row
with the oracle's leaked_bytes/leaked_count and at_hwm_bytes/at_hwm_count,
`live_only` true and every figure by time null; a stage function the file
holds no allocation record of (all zeros in the oracle: nothing of it alive
at the peak or the end) has no stack, so no row.  `slices:4` on it must exit
2 with one error line naming the file.

Diff: on each before/after pair the largest change must be the one the two
oracles imply (memray: per top location, at the peak; heaptrack: the diff
oracle's first peak consumer), with that byte count, and the peak delta must
equal the oracles'.  --fail-if-growth: exit 1 when B grew, 0 when not, both
ways, in bytes and percent, and for --gate-path; a --gate-path that matches
no call path of A or B exits 2 with one line naming it and no report.

With --cpp CAPTURE (heaptrack recording clang++, the record_cpp fixture;
exit 77 when it is missing): under:main gives at most 50 rows, among them
one ExecuteCompilation row of 1 call (allocations whose stacks heaptrack cut
short sit outside main and must not split it), no `???` and no row that
allocated without a top allocator; the text report shows ExecuteCompilation's
method and never one label for two different functions; under:ExecuteCompilation
(the method's base name) works.

usage: test_stages.py MEMTUI DIR [DIR...]
       test_stages.py --cpp MEMTUI CAPTURE
"""
import json
import os
import subprocess
import sys

FAILS = []
PASSED = [0]


def check(name, what, got, want):
    if got != want:
        FAILS.append("%s: %s: got %r, want %r" % (name, what, got, want))
        print("FAIL %s: %s: got %r, want %r" % (name, what, got, want))
        return False
    PASSED[0] += 1
    return True


def memtui(exe, *args, rc=0):
    p = subprocess.run([exe, *args, "--no-progress"], capture_output=True, timeout=600)
    if rc is not None and p.returncode != rc:
        raise RuntimeError("%s: exit %d: %s" % (args, p.returncode, p.stderr.decode()))
    return p


def capture_of(oracle):
    base = oracle[: -len(".oracle.json")]
    for c in (base, base + ".zst"):
        if os.path.isfile(c):
            return c
    return None


UNKNOWN = ["start_ms", "duration_ms", "first_event", "last_event", "allocations",
           "allocated_bytes", "frees", "freed_bytes", "net_bytes", "cumulative_bytes",
           "peak_bytes", "top_function", "top_bytes"]
LIVE = [("leaked_bytes", "leaked_bytes"), ("leaked_allocations", "leaked_count"),
        ("at_peak_bytes", "at_hwm_bytes"), ("at_peak_allocations", "at_hwm_count")]


def aggregated_one(exe, cap, name, st):
    d = json.loads(memtui(exe, "report", "--stages", "under:main", "--json", cap).stdout)
    rows = outside_with_self(d["stages"])
    check(name, "live_only", d["live_only"], True)
    # The file has no allocation record under a stage of which nothing was
    # alive at the peak or the end (report): the capture cannot know it.
    want = [fn for fn in st["stage_functions"]
            if any(st["rows"][fn][k] for _, k in LIVE)]
    check(name, "stage order", [r["name"] for r in rows[:-1]], want)
    check(name, "outside row last", rows[-1]["outside"], True)
    for fn, w in st["rows"].items():
        g = rows[-1] if fn == "<outside stages>" else next((r for r in rows if r["name"] == fn),
                                                           None)
        if g is None:
            check(name, "absent row %s is all zero" % fn, [w[k] for _, k in LIVE], [0] * 4)
            continue
        for key, okey in LIVE:
            check(name, "%s %s" % (fn, key), g[key], w[okey])
        check(name, fn + " unknown fields", {k: g[k] for k in UNKNOWN}, {k: None for k in UNKNOWN})
        check(name, fn + " calls", g["calls"], 0 if g["outside"] else 1)
    check(name, "leaked sums to the capture's",
          sum(r["leaked_bytes"] for r in rows),
          json.loads(memtui(exe, "report", "--json", cap).stdout)["leaks"]["bytes"])
    p = memtui(exe, "report", "--stages", "slices:4", "--json", cap, rc=2)
    err = p.stderr.decode().strip().splitlines()
    check(name, "slices:4 stdout", p.stdout, b"")
    check(name, "slices:4 one error line", len(err), 1)
    check(name, "slices:4 error names the file and the cause",
          bool(err) and err[0].startswith("memtui: " + cap + ": ") and "aggregated" in err[0],
          True)
    for fmt, unknown in (("csv", b",,,,"), ("text", b"  -  ")):
        out = memtui(exe, "report", "--stages", "under:main", "--format", fmt, cap).stdout
        check(name, fmt + " lists calibrate", b"calibrate" in out, True)
        check(name, fmt + " leaves unknown cells empty", unknown in out, True)
    print("ok   %s" % name)


def outside_with_self(rows):
    """The rows with main's own row (self) added into the outside row, as the oracles count."""
    own = [r for r in rows if r.get("self")]
    rows = [dict(r) for r in rows if not r.get("self")]
    for r in own:
        for k in ("allocations", "allocated_bytes", "leaked_bytes", "at_peak_bytes",
                  "leaked_allocations", "at_peak_allocations", "net_bytes"):
            if rows[-1][k] is not None:
                rows[-1][k] += r[k]
    return rows


def empty_slices(exe, cap, name, duration):
    """slices:100: each starts at its share of the duration and lasts its length; an empty one
    holds the heap of the one before."""
    n = 100
    rows = json.loads(memtui(exe, "report", "--stages", "slices:%d" % n, "--json",
                             cap).stdout)["stages"][:-1]
    check(name, "slices:100 starts", [r["start_ms"] for r in rows],
          [duration * k // n for k in range(n)])
    check(name, "slices:100 durations", [r["duration_ms"] for r in rows],
          [duration * (k + 1) // n - duration * k // n for k in range(n)])
    empty = [k for k in range(1, n) if rows[k]["first_event"] is None]
    check(name, "slices:100 has empty slices", len(empty) > 10, True)
    check(name, "an empty slice holds the heap before it",
          [(rows[k]["cumulative_bytes"], rows[k]["peak_bytes"]) for k in empty],
          [(rows[k - 1]["cumulative_bytes"],) * 2 for k in empty])


def matches_nothing(exe, cap, name):
    """A split that matches nothing: exit 2, nothing on stdout, one line saying what."""
    for split, why in (("under:nosuch", "no function has that name"),
                       ("marks", "no stage marks")):
        p = memtui(exe, "report", "--stages", split, cap, rc=None)
        err = p.stderr.decode().strip().splitlines()
        check(name, split + " exits 2", p.returncode, 2)
        check(name, split + " writes no table", p.stdout, b"")
        check(name, split + " says what matched nothing", len(err) == 1 and
              err[0].startswith("memtui: %s: --stages %s: matches nothing: " % (cap, split)) and
              why in err[0], True)


def itself(exe, d):
    """S on parse_readings: its own allocations are its <itself> row, not outside."""
    cap = os.path.join(d, "memray", "stages.bin")
    if not os.path.isfile(cap):
        return
    rows = json.loads(memtui(exe, "report", "--stages", "under:parse_readings", "--merge-calls",
                             "--json", cap).stdout)["stages"]
    own = [r for r in rows if r.get("self")]
    tree = json.loads(memtui(exe, "report", "--metric", "allocated", "--depth", "50", "--json",
                             cap).stdout)["tree"]["root"]

    def self_of(n, fn):
        return (n["self"] if n["function"] == fn else 0) + sum(self_of(c, fn)
                                                               for c in n.get("children", []))
    check(cap, "under parse_readings: one <itself> row", [r["name"] for r in own], ["<itself>"])
    if own:
        check(cap, "<itself> = parse_readings' own allocations", own[0]["allocated_bytes"],
              self_of(tree, "parse_readings"))
        check(cap, "<itself> is not outside", own[0]["outside"], False)
    print("ok   %s <itself>" % cap)


def stages_one(exe, oracle_path, o):
    cap = capture_of(oracle_path)
    name = os.path.basename(oracle_path)
    if cap is not None and "aggregated" in cap:
        aggregated_one(exe, cap, name, o["stages"])
        return
    if cap is None or "truncated" in cap:
        print("skip %s" % name)
        return
    st = o["stages"]
    rep = json.loads(memtui(exe, "report", "--json", cap).stdout)
    d = json.loads(memtui(exe, "report", "--stages", "under:main", "--merge-calls", "--json",
                          cap).stdout)
    every = d["stages"]
    check(name, "outside row last", every[-1]["outside"], True)
    check(name, "net deltas sum to the end heap", sum(r["net_bytes"] for r in every),
          rep["leaks"]["bytes"] + rep["leaks"]["suppressed_bytes"])
    check(name, "every row that allocated names its top allocator",
          [r["name"] for r in every if r["allocations"] and not r["top_function"]], [])
    rows = outside_with_self(every)
    by = {r["name"]: r for r in rows}
    if "stage_functions" in st:  # memray
        check(name, "stage order", [r["name"] for r in rows[:-1]], st["stage_functions"])
        for fn, w in st["rows"].items():
            g = rows[-1] if fn == "<outside stages>" else by.get(fn)
            if not check(name, "row %s present" % fn, g is not None, True):
                continue
            check(name, fn + " allocations", g["allocations"], w["allocated_count"])
            check(name, fn + " allocated_bytes", g["allocated_bytes"], w["allocated_bytes"])
            check(name, fn + " leaked_bytes", g["leaked_bytes"], w["leaked_bytes"])
            check(name, fn + " at_peak_bytes", g["at_peak_bytes"], w["at_hwm_bytes"])
            check(name, fn + " leaked_allocations", g["leaked_allocations"], w["leaked_count"])
            check(name, fn + " at_peak_allocations", g["at_peak_allocations"], w["at_hwm_count"])
    else:  # heaptrack
        want_order = [k for k in st["rows"] if k != "<other>"]
        check(name, "stage order", [r["name"] for r in rows[:-1]], want_order)
        for fn, w in st["rows"].items():
            g = rows[-1] if fn == "<other>" else by.get(fn)
            if not check(name, "row %s present" % fn, g is not None, True):
                continue
            check(name, fn + " allocations", g["allocations"], w["calls"])
            check(name, fn + " allocated_bytes", g["allocated_bytes"], w["bytes_allocated"])
            check(name, fn + " leaked_bytes", g["leaked_bytes"], w["leaked_bytes"])
            check(name, fn + " at_peak_bytes", g["at_peak_bytes"], w["peak_contribution_bytes"])
            # calibrate: the oracle's window is whole 'c' intervals and takes in
            # 24000 bytes of frees that follow calibrate's last own event; ours
            # ends there (docs/NUMBERS.md).
            if fn not in ("<other>", "calibrate"):
                check(name, fn + " net_bytes", g["net_bytes"], w["net_delta_in_window_bytes"])
    sl = json.loads(memtui(exe, "report", "--stages", "slices:5", "--json", cap).stdout)
    check(name, "slices:5 rows", len(sl["stages"]), 6)
    check(name, "slices allocations sum", sum(r["allocations"] for r in sl["stages"]),
          rep["totals"]["allocations"])
    empty_slices(exe, cap, name, rep["meta"]["duration_ms"])
    matches_nothing(exe, cap, name)
    for fmt in ("csv", "text"):
        out = memtui(exe, "report", "--stages", "under:main", "--format", fmt, cap).stdout
        check(name, fmt + " lists calibrate", b"calibrate" in out, True)
    print("ok   %s" % name)


def memray_expected(before, after):
    """Largest per-location change at the peak implied by the two oracles."""
    def locs(o):
        return {(t["function"], t["file"]): t["bytes"] for t in o["high_water_mark"]["top_locations"]}
    a, b = locs(before), locs(after)
    ch = sorted(((b.get(k, 0) - a.get(k, 0), k) for k in set(a) | set(b)),
                key=lambda x: -abs(x[0]))
    return ch[0]


def diff_pair(exe, a, b, want_fn, want_delta, want_peak_delta, name):
    d = json.loads(memtui(exe, "report", "--diff", "--json", a, b).stdout)
    check(name, "peak.delta", d["peak"]["delta"], want_peak_delta)
    top = d["changes"][0]
    check(name, "largest change function", top["function"], want_fn)
    check(name, "largest change delta", top["delta_bytes"], want_delta)
    check(name, "largest change a-b", top["b_bytes"] - top["a_bytes"], want_delta)
    syn = json.loads(memtui(exe, "diff", "--json", a, b).stdout)
    check(name, "`memtui diff` is the same", syn, d)
    col = memtui(exe, "diff", "--format", "collapsed", a, b).stdout.decode().splitlines()
    check(name, "collapsed has both counts", all(len(l.rsplit(" ", 2)) == 3 for l in col), True)
    # CI gates, both ways (B shrank: A->B passes, B->A fails).
    check(name, "gate 0 A->B", memtui(exe, "diff", "--fail-if-growth", "0", a, b, rc=None).returncode, 0)
    check(name, "gate 0 B->A", memtui(exe, "diff", "--fail-if-growth", "0", b, a, rc=None).returncode, 1)
    grow = abs(want_peak_delta)
    check(name, "gate bytes at growth", memtui(exe, "diff", "--fail-if-growth", str(grow), b, a,
                                               rc=None).returncode, 0)
    check(name, "gate bytes below growth", memtui(exe, "diff", "--fail-if-growth", str(grow - 1),
                                                  b, a, rc=None).returncode, 1)
    check(name, "gate 1000% B->A", memtui(exe, "diff", "--fail-if-growth", "1000%", b, a,
                                          rc=None).returncode, 0)
    check(name, "gate 1% B->A", memtui(exe, "diff", "--fail-if-growth", "1%", b, a,
                                       rc=None).returncode, 1)
    check(name, "gate path B->A", memtui(exe, "diff", "--fail-if-growth", "0", "--gate-path",
                                         want_fn, b, a, rc=None).returncode, 1)
    check(name, "gate path A->B", memtui(exe, "diff", "--fail-if-growth", "0", "--gate-path",
                                         want_fn, a, b, rc=None).returncode, 0)
    check(name, "one file is a usage error", memtui(exe, "diff", a, rc=None).returncode, 2)
    p = memtui(exe, "diff", "--fail-if-growth", "0", "--gate-path", want_fn + ";nosuch", a, b,
               rc=None)
    err = p.stderr.decode().strip().splitlines()
    check(name, "gate path matching nothing exits 2", p.returncode, 2)
    check(name, "gate path matching nothing writes no report", p.stdout, b"")
    check(name, "gate path matching nothing: one line naming it", len(err) == 1 and
          ("--gate-path %s;nosuch matches no call path" % want_fn) in err[0], True)
    print("ok   %s" % name)


def diffs(exe, d):
    m = os.path.join(d, "memray")
    if os.path.isfile(os.path.join(m, "diff_before.bin.oracle.json")):
        ob = json.load(open(os.path.join(m, "diff_before.bin.oracle.json")))
        oa = json.load(open(os.path.join(m, "diff_after.bin.oracle.json")))
        delta, (fn, _) = memray_expected(ob, oa)
        diff_pair(exe, os.path.join(m, "diff_before.bin"), os.path.join(m, "diff_after.bin"), fn,
                  delta, oa["high_water_mark"]["bytes"] - ob["high_water_mark"]["bytes"],
                  m + " diff pair")
    h = os.path.join(d, "heaptrack")
    if os.path.isfile(os.path.join(h, "heaptrack.phases.diff.oracle.json")):
        o = json.load(open(os.path.join(h, "heaptrack.phases.diff.oracle.json")))
        t = o["top_peak"][0]
        diff_pair(exe, os.path.join(h, "heaptrack.phases_before.zst"),
                  os.path.join(h, "heaptrack.phases_after.zst"), t["function"], t["peak_bytes"],
                  o["exact"]["peak_heap_bytes_diff"], h + " diff pair")


def cpp(exe, cap):
    """The clang++ capture: a readable default split, one ExecuteCompilation call."""
    if not os.path.isfile(cap):
        print("skip: %s not recorded" % cap)
        return 77
    name = os.path.basename(cap)
    rows = json.loads(memtui(exe, "report", "--stages", "under:main", "--json", cap).stdout)["stages"]
    check(name, "under:main: at most 50 rows", len(rows) <= 51, True)
    ec = [r for r in rows if "ExecuteCompilation(" in r["name"]]
    check(name, "one ExecuteCompilation row, 1 call", [r["calls"] for r in ec], [1])
    check(name, "ExecuteCompilation holds nearly all allocations",
          bool(ec) and ec[0]["allocations"] > 0.9 * sum(r["allocations"] for r in rows), True)
    check(name, "no stage named ???", [r["name"] for r in rows if "???" in r["name"]], [])
    check(name, "every row that allocated names its top allocator",
          [r["name"] for r in rows if r["allocations"] and not r["top_function"]], [])
    text = memtui(exe, "report", "--stages", "under:main", cap).stdout.decode().split("\n")
    head = next(i for i, l in enumerate(text) if l.startswith("stage "))
    width = text[head].index(" calls")
    labels = [l[:width].strip() for l in text[head + 1:] if l.strip()]
    check(name, "text: one label per row", len(labels), len(rows))
    names = {}
    for label, r in zip(labels, rows):
        names.setdefault(label, set()).add(r["name"])
    check(name, "text: no label for two functions",
          {k: sorted(v) for k, v in names.items() if len(v) > 1}, {})
    check(name, "text: ExecuteCompilation's method shows",
          any(l.endswith("ExecuteCompilation(...)") for l in labels), True)
    p = memtui(exe, "report", "--stages", "under:ExecuteCompilation", "--merge-calls", "--json",
               cap, rc=None)
    check(name, "under:ExecuteCompilation (base name) works", p.returncode, 0)
    print("ok   %s" % name)
    return 1 if FAILS else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--cpp":
        rc = cpp(sys.argv[2], sys.argv[3])
        print("%d checks passed, %d failed" % (PASSED[0], len(FAILS)))
        return rc
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    for d in sys.argv[2:]:
        if not os.path.isdir(d):
            print("skip %s: not present" % d)
            continue
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(".oracle.json"):
                    o = json.load(open(os.path.join(root, f)))
                    # threads.bin's stages are not children of main.  Native
                    # captures (stages_native.bin) are included: their unelided
                    # fallback stacks hold memray's own `main`, which under:main
                    # leaves out (docs/NUMBERS.md).
                    st = o.get("stages") or {}
                    names = st.get("stage_functions") or list(st.get("rows", {}))
                    if "calibrate" in names:
                        stages_one(exe, os.path.join(root, f), o)
        diffs(exe, d)
        itself(exe, d)
    print("%d checks passed, %d failed" % (PASSED[0], len(FAILS)))
    return 1 if FAILS or not PASSED[0] else 0


if __name__ == "__main__":
    sys.exit(main())
