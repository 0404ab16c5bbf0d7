#!/usr/bin/env python3
"""Checks the flat list of functions (view 5, `memtui report --group`) and
the callers and callees trees (`x`, `memtui report --callers/--callees`)
against the tools and against sums over the stacks themselves:

* memray: `--group function --memray-summary` equals every row of memray
  summary's table in the oracles (high_water_mark.summary: function, file,
  total_memory, own_memory, n_allocations, and the number of rows), with
  memtui's names mapped to memray's ("<unnamed native code>" is memray's
  "<unknown>" at "<unknown>", "<no frame>" its "???", a native frame without
  a file its "<unknown>" file).  Two captures are known to differ, by the cut
  alone (docs/NUMBERS.md "Functions"): there every row is present and no
  larger than memtui's uncut figure.
* heaptrack: the self column of `--group location` at the peak equals the
  report's top list, which equals heaptrack_print's PEAK MEMORY CONSUMERS
  (the oracles' top_peak bytes); the inclusive figures of `--group function`
  for allocation calls and leaks equal sums over heaptrack_print's own
  flame graph stacks (../shared only).
* any capture: inclusive and self of every named function equal sums over
  `--format collapsed` (stacks holding the function, once; stacks ending in
  it), for every metric the capture has.
* callers and callees: the root of both trees equals the function's
  inclusive figure, the weights ending at nodes add up to the root, the
  children never exceed their parent; a recursive function is counted once
  and shows itself once in each tree; an ambiguous name is refused with the
  candidates.
* the explorer: view 5 and the callers view show the report's figures
  (uitest.fmt_bytes), `o` regroups, `s` sorts, Enter opens the callers.

usage: test_functions.py MEMTUI SAMPLES_DIR [SHARED_CAPTURES_DIR]
"""
import collections
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
import uitest  # noqa: E402

# memray summary's rows differ from the cut's here: memray tells apart two
# records of one call path (an entry frame flag memtui does not keep), or its
# earliest live allocation is one the log cannot place (NUMBERS.md).
CUT_DIFFERS = {"stages_marked.bin", "native_fixture_aggregated.bin", "medium_lz4.bin"}


def run(memtui, *args, ok=True):
    p = subprocess.run([memtui, *args], capture_output=True, timeout=300)
    if ok and p.returncode:
        raise uitest.Failure("%s: exit %d: %s" % (args, p.returncode, p.stderr.decode()))
    return p


def group(memtui, path, *args):
    out = run(memtui, "report", "--no-progress", "--json", "--top", "0", *args, path).stdout
    return json.loads(out)


def memray_key(row):
    name, file = row["name"], row["file"]
    if name == "<unnamed native code>":
        return ("<unknown>", "<unknown>")
    if name == "<no frame>":
        return ("???", "???")
    return (name, file or "<unknown>")


def memray_summary(t, memtui, path):
    base = os.path.basename(path)
    summary = json.load(open(path + ".oracle.json"))["high_water_mark"]["summary"]
    cut = group(memtui, path, "--group", "function", "--memray-summary")
    exact = group(memtui, path, "--group", "function")
    rows = {memray_key(r): r for r in cut["rows"]}
    uncut = {memray_key(r): r for r in exact["rows"]}
    if base not in CUT_DIFFERS:
        t.check("%s: rows" % base, cut["n_rows"], summary["n_rows"])
    for want in summary["rows"]:
        key = (want["function"], want["file"])
        got = rows.get(key)
        if base in CUT_DIFFERS:
            u = uncut.get(key)
            t.true("%s: %s is a row" % (base, key), u is not None)
            if u:
                t.true("%s: %s within the uncut figure" % (base, key),
                       want["total_memory"] <= u["total"] and want["own_memory"] <= u["self"]
                       and want["n_allocations"] <= u["total_count"], (want, u))
            continue
        t.check("%s: %s total, own, allocations" % (base, key),
                got and (got["total"], got["self"], got["total_count"]),
                (want["total_memory"], want["own_memory"], want["n_allocations"]))


def collapsed(memtui, path, metric):
    out = run(memtui, "report", "--no-progress", "--no-fold", "--format", "collapsed", "--metric",
              metric,
              path).stdout.decode()
    stacks = []
    for line in out.splitlines():
        frames, _, w = line.rpartition(" ")
        stacks.append((frames.split(";"), int(w)))
    return stacks


def frame_key(frame):
    """The function of a collapsed frame: "f (file.py:3)", "f (file.c)" or "f"."""
    if frame.endswith(")") and " (" in frame:
        return frame[:-1].rpartition(" (")[0]
    return frame


def by_stacks(t, memtui, path, metric):
    """Inclusive and self of each named function from the collapsed stacks."""
    incl, own = collections.Counter(), collections.Counter()
    for frames, w in collapsed(memtui, path, metric):
        if frames == ["<root>"]:
            continue
        keys = [frame_key(f) for f in frames]
        for k in set(keys):
            incl[k] += w
        own[keys[-1]] += w
    rows = group(memtui, path, "--group", "function", "--metric", metric)["rows"]
    # Names of one function only (collapsed frames name no file where the tree has none).
    seen = collections.Counter(r["name"] for r in rows)
    n = 0
    for r in rows:
        k = r["name"]
        if r["unnamed"] or seen[k] > 1 or k.startswith("<no frame") or k.startswith("0x"):
            continue
        n += 1
        t.check("%s %s: %s inclusive, self" % (os.path.basename(path), metric, k),
                (r["total"], r["self"]), (incl[k], own[k]))
    t.true("%s %s: functions compared" % (os.path.basename(path), metric), n > 3, n)


def heaptrack_peak(t, memtui, path):
    base = os.path.basename(path)
    oracle = json.load(open(path + ".oracle.json")) if os.path.exists(path + ".oracle.json") \
        else json.load(open(path.rsplit(".", 1)[0] + ".oracle.json"))
    loc = group(memtui, path, "--group", "location")
    rep = json.loads(run(memtui, "report", "--no-progress", "--json", "--top", "100000",
                         "--depth", "0", path).stdout)
    # A merged unnamed row counts the addresses of its module in every stack it is in,
    # the top list those at the leaf: compare the names without the count.
    def name(n):
        return n.split(" (")[0] if n.startswith("unnamed code in ") else n
    selfs = sorted(((name(r["name"]), r["file"], r["line"], r["self"]) for r in loc["rows"]
                    if r["self"]), key=repr)
    top = sorted(((name(e["function"]), e["file"], e["line"], e["bytes"]) for e in rep["top"]),
                 key=repr)
    t.check("%s: location self = report top list" % base, selfs, top)
    want = sorted((e["peak_bytes"] for e in oracle["top_peak"] if e["peak_bytes"]), reverse=True)
    got = sorted((s[3] for s in selfs), reverse=True)[:len(want)]
    t.check("%s: location self = heaptrack_print peak list (its %d rows)" % (base, len(want)),
            got, want)


def heaptrack_flamegraph(t, memtui, path, flame, metric):
    """heaptrack_print --print-flamegraph: "f (file.c);g (file.c); N" per stack."""
    incl = collections.Counter()
    for line in open(flame):
        frames, _, w = line.rstrip("\n").rpartition(" ")
        keys = {frame_key(f) for f in frames.rstrip(";").split(";") if f}
        for k in keys:
            incl[k] += int(w)
    rows = group(memtui, path, "--group", "function", "--metric", metric)["rows"]
    seen = collections.Counter(r["name"] for r in rows)
    n = 0
    for r in rows:
        k = r["name"]
        if k in incl and seen[k] == 1 and not r["unnamed"] and not k.startswith("0x"):
            n += 1
            t.check("%s %s: %s inclusive = heaptrack_print's stacks" % (
                os.path.basename(path), metric, k), r["total"], incl[k])
    t.true("%s %s: functions compared with heaptrack_print" % (os.path.basename(path), metric),
           n >= 5, n)


def tree_sums(t, what, node):
    ends = node["self"]
    for c in node["children"]:
        t.true("%s: %s within its parent" % (what, c["function"]), abs(c["value"]) <=
               abs(node["value"]), (c["value"], node["value"]))
        ends += tree_sums(t, what, c)
    return ends


def related(t, memtui, path, function, metric="peak"):
    base = os.path.basename(path)
    rows = group(memtui, path, "--group", "function", "--metric", metric)["rows"]
    row = [r for r in rows if r["name"] == function][0]
    for side in ("--callers", "--callees"):
        j = json.loads(run(memtui, "report", "--no-progress", "--json", "--metric", metric,
                           "--depth", "1000", side, function, path).stdout)
        what = "%s %s %s %s" % (base, metric, side, function)
        t.check(what + ": root = inclusive", (j["tree"]["value"], j["inclusive"], j["self"]),
                (row["total"], row["total"], row["self"]))
        t.check(what + ": ends add up to the root", tree_sums(t, what, j["tree"]),
                j["tree"]["value"])
    return row


def recursion(t, memtui, path):
    """call_init calls itself in every heaptrack capture's start-up stack: counted
    once in its inclusive figure, and shown once inside each of its trees."""
    rows = group(memtui, path, "--group", "function")["rows"]
    row = [r for r in rows if r["name"] == "call_init"][0]
    t.check("recursion: call_init counted once", row["total"], 72704)
    for side in ("--callers", "--callees"):
        j = json.loads(run(memtui, "report", "--no-progress", "--json", "--depth", "100", side,
                           "call_init", path).stdout)
        kids = j["tree"]["children"]
        t.check("recursion %s: call_init under call_init" % side,
                [(c["function"], c["value"]) for c in kids], [("call_init", 72704)])


def ambiguous(t, memtui, path):
    p = run(memtui, "report", "--no-progress", "--callers", "_find", path, ok=False)
    err = p.stderr.decode()
    t.check("ambiguous name: exit status", p.returncode, 2)
    t.true("ambiguous name: candidates listed", "_find_and_load" in err and "_find_spec" in err,
           err)
    p = run(memtui, "report", "--no-progress", "--callers", "no_such_function", path, ok=False)
    t.check("unknown name: exit status", p.returncode, 2)
    j = json.loads(run(memtui, "report", "--no-progress", "--json", "--callers", "calibr",
                       path).stdout)
    t.check("unique substring: the function", j["function"], "calibrate")


def screens(t, memtui, samples):
    path = os.path.join(samples, "memray", "stages.bin")
    rows = group(memtui, path, "--group", "function")["rows"]
    whole = group(memtui, path, "--group", "function")["total"]
    screen = uitest.replay(memtui, path, "5", size="120x40")
    for r in rows[:8]:
        want = "%s %s %s %s" % (uitest.fmt_bytes(r["total"]), uitest.fmt_percent(r["total"], whole),
                                uitest.fmt_bytes(r["self"]), uitest.fmt_percent(r["self"], whole))
        line = [" ".join(ln.split()) for ln in screen.splitlines() if "  %s  " % r["name"] in ln]
        t.true("view 5: %s row" % r["name"], line and line[0].startswith(
            "%s %d %s" % (want, r["total_count"], r["name"])), (line, want))
    # s: by self; the first row is the largest self.
    first = sorted(rows, key=lambda r: -abs(r["self"]))[0]
    screen = uitest.replay(memtui, path, "5s", size="120x40").splitlines()
    title = [i for i, ln in enumerate(screen) if ln.lstrip().startswith("inclusive")][0]
    t.true("view 5 sorted by self", "sort: self" in screen[-1] and
           " %s " % first["name"] in screen[title + 1], screen[title + 1])
    # o: by location; Enter on the first row opens its callers with its inclusive figure.
    loc = group(memtui, path, "--group", "location")["rows"]
    screen = uitest.replay(memtui, path, "5o", size="120x40")
    t.true("view 5 by location", "[top] by location" in screen)
    screen = uitest.replay(memtui, path, "5jjjjjj<Enter>", size="120x40")
    calib = [r for r in rows if r["name"] == "calibrate"][0]
    t.true("Enter: callers of calibrate", "callers of calibrate  inclusive %s  self %s" % (
        uitest.fmt_bytes(calib["total"]), uitest.fmt_bytes(calib["self"])) in screen, screen)
    j = json.loads(run(memtui, "report", "--no-progress", "--json", "--depth", "1000",
                       "--callers", "calibrate", path).stdout)
    for c in j["tree"]["children"]:
        t.true("callers view: %s row" % c["function"], any(
            c["function"] in ln and ln.split()[0] + " " + ln.split()[1] ==
            uitest.fmt_bytes(c["value"]) for ln in screen.splitlines()), c)
    screen = uitest.replay(memtui, path, "5jjjjjj<Enter>t", size="120x40")
    t.true("t: callees of calibrate", "callees of calibrate" in screen)
    screen = uitest.replay(memtui, path, "5jjjjjj<Enter><BS>", size="120x40")
    t.true("Backspace closes the callers view", "[top] by function" in screen)
    # x on the tree's selected node: the same callers as the report.
    hp = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    screen = uitest.replay(memtui, hp, "jjx", size="120x40")  # start-up frames fold
    j = json.loads(run(memtui, "report", "--no-progress", "--json", "--callers", "calibrate",
                       hp).stdout)
    t.true("x in the tree: callers of calibrate", "callers of calibrate  inclusive %s" %
           uitest.fmt_bytes(j["inclusive"]) in screen, screen)
    screen = uitest.replay(memtui, hp, "2jjx", size="120x40")
    t.true("x in the flame graph: callers of calibrate", "callers of calibrate  inclusive %s" %
           uitest.fmt_bytes(j["inclusive"]) in screen, screen)
    screen = uitest.replay(memtui, hp, "?", size="120x60")
    t.true("help lists view 5", "5 top functions" in screen)
    screen = uitest.replay(memtui, hp, "5", size="80x24")
    t.true("view 5 at 80x24", "[top] by function" in screen and "build_table" in screen, screen)


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else os.path.join(samples, "..", "..", "shared",
                                                                 "captures")
    t = uitest.Suite("functions")
    for o in sorted(glob.glob(os.path.join(samples, "memray", "*.oracle.json"))):
        memray_summary(t, memtui, o[:-len(".oracle.json")])
    if os.path.isdir(os.path.join(shared, "memray")):
        done = {os.path.basename(o) for o in glob.glob(os.path.join(samples, "memray", "*"))}
        for o in sorted(glob.glob(os.path.join(shared, "memray", "*.oracle.json"))):
            if os.path.basename(o) not in done:
                memray_summary(t, memtui, o[:-len(".oracle.json")])
    for name in ("stages.zst", "leaky.zst", "sqlite3.zst", "threads.zst", "deep_O2.zst",
                 "phases_after.zst", "stages.gz"):
        heaptrack_peak(t, memtui, os.path.join(samples, "heaptrack", "heaptrack." + name))
    flame = os.path.join(shared, "heaptrack", "heaptrack.stages.flamegraph.%s.txt")
    if os.path.exists(flame % "allocations"):
        hp = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
        heaptrack_flamegraph(t, memtui, hp, flame % "allocations", "allocations")
        heaptrack_flamegraph(t, memtui, hp, flame % "leaked", "leaks")
    for path, metrics in (("memray/stages.bin", ("peak", "leaks", "allocated")),
                          ("memray/native_fixture.bin", ("peak", "allocations")),
                          ("memray/threads.bin", ("peak",)),
                          ("heaptrack/heaptrack.stages.zst",
                           ("peak", "leaks", "allocated", "allocations", "temporary")),
                          ("heaptrack/heaptrack.sqlite3.zst", ("peak", "allocations"))):
        for m in metrics:
            by_stacks(t, memtui, os.path.join(samples, path), m)
    for path, fn, metric in (("memray/stages.bin", "<listcomp>", "peak"),
                             ("memray/stages.bin", "main", "allocated"),
                             ("memray/native_fixture.bin", "PyObject_Vectorcall", "peak"),
                             ("heaptrack/heaptrack.stages.zst", "calibrate", "peak"),
                             ("heaptrack/heaptrack.sqlite3.zst", "sqlite3VdbeExec", "allocations"),
                             ("heaptrack/heaptrack.deep_O0.zst", "main", "peak")):
        related(t, memtui, os.path.join(samples, path), fn, metric)
    recursion(t, memtui, os.path.join(samples, "heaptrack", "heaptrack.stages.zst"))
    ambiguous(t, memtui, os.path.join(samples, "memray", "stages.bin"))
    screens(t, memtui, samples)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
