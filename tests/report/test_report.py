#!/usr/bin/env python3
"""Checks what `memtui report` says beside the tools' figures (test_oracles.py
checks those): names that say what a row is, columns named for what they
count, the text header, the merge rule of the trees, aggregated captures with
threads, the diff's text and CSV, and the symbol coverage of native frames.

usage: test_report.py MEMTUI SAMPLES_DIR

Each check prints "ok" or "FAIL"; the last line counts them.
"""
import csv
import io
import json
import os
import struct
import subprocess
import sys
import tempfile


class T:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, got, want):
        if got == want:
            self.passed += 1
            print("ok   %s" % what)
        else:
            self.failed += 1
            print("FAIL %s: got %r, want %r" % (what, got, want))

    def true(self, what, cond, detail=""):
        self.check(what + ("" if cond else " (%s)" % str(detail)[:600]), bool(cond), True)


def run(memtui, *args):
    p = subprocess.run([memtui, *args], capture_output=True, timeout=300)
    if p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (args, p.returncode, p.stderr.decode()))
    return p.stdout.decode()


def report_json(memtui, path, *args):
    return json.loads(run(memtui, "report", "--json", "--no-progress", *args, path))


def unnamed_rows(t, memtui, samples):
    """Item 4: heaptrack merges every unnamed frame of a module into one top
    location; the row says so, with the number of addresses, and that set is
    the set of unnamed bottom-up roots of the module in the tree."""
    path = os.path.join(samples, "heaptrack", "heaptrack.sqlite3.zst")
    rep = report_json(memtui, path, "--top", "1000", "--tree", "bottom-up", "--depth", "2")
    merged = [e for e in rep["top"] if e["unnamed"] and e["addresses"] > 1]
    t.true("sqlite3: merged unnamed rows exist", merged, rep["top"][:5])
    roots = rep["tree"]["root"]["children"]
    for e in merged:
        mod = os.path.basename(e["module"])
        t.check("sqlite3: label of %s" % mod, e["function"],
                "unnamed code in %s (%d addresses)" % (mod, e["addresses"]))
        same = [c for c in roots if c["module"] == e["module"] and
                c["function"].startswith("0x")]
        t.check("sqlite3: %s: addresses = unnamed bottom-up roots" % mod, len(same),
                e["addresses"])
        t.check("sqlite3: %s: bytes = those roots' bytes" % mod,
                sum(c["value"] for c in same), e["bytes"])
    text = run(memtui, "report", "--no-progress", "--top", "1000", "--depth", "0", path)
    for e in merged:
        t.true("sqlite3: text names %s" % e["function"], e["function"] in text)
        t.true("sqlite3: no row labelled with one address of %s" % e["module"],
               " in %s\n" % os.path.basename(e["module"]) not in text.replace(
                   e["function"], ""), text)


def columns(t, memtui, samples):
    """Items 4 and 18: no column is called "allocs"; each says what it counts,
    and a count metric shows its count once."""
    ht = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    mr = os.path.join(samples, "memray", "stages.bin")
    text = run(memtui, "report", "--no-progress", "--top", "3", "--depth", "2", ht)
    t.true("no 'allocs' column (heaptrack)", "allocs" not in text, text)
    t.true("heaptrack top list: calls column explained",
           "(calls: allocation calls at the location over the whole run" in text, text)
    t.true("heaptrack top list header", "         bytes              calls  location" in text,
           text)
    t.true("tree: live column explained", "(live: allocations live at the peak)" in text, text)
    t.true("tree: self column explained",
           "(self: bytes of the paths that end at the node, not below it)" in text, text)
    t.true("tree header", "  share      bytes       self     live  function  file:line" in text,
           text)
    text = run(memtui, "report", "--no-progress", "--top", "3", "--depth", "2", mr)
    t.true("memray top list: live at the peak",
           "(live: allocations live at the peak)\n         bytes               live  location"
           in text, text)
    text = run(memtui, "report", "--no-progress", "--metric", "allocations", "--top", "2",
               "--depth", "2", ht)
    lines = text.splitlines()
    head = lines.index("  share      calls       self  function  file:line")
    rows = [l.split() for l in lines[head + 1:head + 3]]
    # _start and __libc_start_main* fold (the libc preset): main is the first frame.
    t.check("allocations tree: share, count, self, name (one count)",
            [(r[0], r[1].isdigit(), r[2].isdigit(), r[3]) for r in rows],
            [("100.0%", True, True, "<root>"), ("100.0%", True, True, "main")])
    top = lines[lines.index("         calls  location") + 1].split()
    t.true("allocations top list: the count once", top[0].isdigit() and not top[1].isdigit(),
           top)


def titles(t, memtui, samples):
    """Item 18: each metric's top list is titled for what it lists."""
    ht = os.path.join(samples, "heaptrack", "heaptrack.leaky.zst")
    mr = os.path.join(samples, "memray", "stages.bin")
    want = {
        "peak": "locations at the peak, as heaptrack_print's PEAK MEMORY CONSUMERS",
        "leaks": "locations of leaked bytes, as heaptrack_print -l's MEMORY LEAKS",
        "allocated": "locations by bytes allocated (the tool has no such list)",
        "allocations": "locations by allocation calls, as heaptrack_print's MOST CALLS",
        "temporary": "locations by temporary allocations, as heaptrack_print's MOST TEMP",
    }
    for metric, title in want.items():
        text = run(memtui, "report", "--no-progress", "--metric", metric, "--top", "3",
                   "--depth", "0", ht)
        t.true("heaptrack --metric %s: title" % metric, "\ntop 3 " + title in text, text)
        t.true("heaptrack --metric %s: never 'at the peak' otherwise" % metric,
               metric == "peak" or "at the peak" not in text, text)
    rep = report_json(memtui, ht, "--metric", "leaks", "--top", "1", "--depth", "0")
    t.check("heaptrack --metric leaks: JSON top_metric", rep["top_metric"], "leaks")
    t.check("heaptrack --metric leaks: first leak location (heaptrack_print -l)",
            (rep["top"][0]["function"], rep["top"][0]["bytes"], rep["top"][0]["allocations"]),
            ("leak_in_loop", 100000, 100))
    # memray's temporary allocations (threshold 1): a tree weighed in bytes, as the oracle's.
    rep = report_json(memtui, mr, "--metric", "temporary")
    t.check("memray --metric temporary: JSON tree.missing", rep["tree"]["missing"], None)
    t.check("memray --metric temporary: the tree weighs bytes, counts beside",
            (rep["tree"]["metric"], rep["tree"]["root"]["value"], rep["tree"]["root"]["count"]),
            ("bytes", 13171947, 332))
    t.check("memray --metric temporary: totals",
            (rep["totals"]["temporary"], rep["totals"]["temporary_bytes"],
             rep["totals"]["temporary_threshold"]), (332, 13171947, 1))
    agg = os.path.join(samples, "memray", "stages_aggregated.bin")
    text = run(memtui, "report", "--no-progress", "--metric", "temporary", agg)
    t.true("aggregated --metric temporary: says why",
           "no tree of temporary allocations: the capture is aggregated (memray run "
           "--aggregate): it keeps no allocation records" in text, text)
    text = run(memtui, "report", "--no-progress", "--metric", "allocated", agg)
    t.true("aggregated --metric allocated: says why",
           "no tree of bytes allocated in total: the capture is aggregated" in text, text)


def header(t, memtui, samples):
    """Item 19: temporary allocations, peak RSS and suppressed leaks in the text
    header, equal to the JSON figures; plurals."""
    path = os.path.join(samples, "heaptrack", "heaptrack.sqlite3.zst")
    rep = report_json(memtui, path)
    text = run(memtui, "report", "--no-progress", "--depth", "0", path)
    lines = {l[:12].strip(): l[12:] for l in text.splitlines() if len(l) > 12}
    tmp = rep["totals"]["temporary"]
    t.true("temporary line", lines.get("temporary", "").startswith(
        "%d allocation%s (" % (tmp, "" if tmp == 1 else "s")), lines.get("temporary"))
    t.true("peak RSS line", lines.get("peak RSS", "").split("(")[1].startswith(
        "%d bytes)" % rep["rss"]["max_bytes"]), lines.get("peak RSS"))
    t.true("peak RSS counts the samples",
           lines.get("peak RSS", "").endswith("of %d samples" % rep["rss"]["samples"]),
           lines.get("peak RSS"))
    sup = lines.get("suppressed", "")
    t.true("suppressed line", "(%d bytes) in %d allocation" % (
        rep["leaks"]["suppressed_bytes"], rep["leaks"]["suppressed_allocations"]) in sup, sup)
    mr = run(memtui, "report", "--no-progress", "--depth", "0",
             os.path.join(samples, "memray", "stages.bin"))
    t.true("memray: temporary counted with memray's rule and threshold",
           "\ntemporary   332 allocations, 12.6 MiB (67.8% of all: freed within 1 allocation "
           "of their thread, memray's rule)\n" in mr, mr)
    agg = run(memtui, "report", "--no-progress", "--depth", "0",
              os.path.join(samples, "memray", "stages_aggregated.bin"))
    t.true("memray aggregated: no temporary allocations, and why",
           "\ntemporary   not counted: the capture is aggregated" in agg, agg)
    one = run(memtui, "report", "--no-progress", "--depth", "0",
              os.path.join(samples, "heaptrack", "heaptrack.phases_after.zst"))
    t.true("plural: in 1 allocation", " in 1 allocation\n" in one and "1 allocations" not in one,
           one)


def merge_rule(t, memtui, samples):
    """Item 7: three list comprehensions of stages.py (lines 22, 30, 37) are
    three bottom-up roots, as in the top list, not one."""
    path = os.path.join(samples, "memray", "stages.bin")
    rep = report_json(memtui, path, "--tree", "bottom-up", "--depth", "2", "--top", "100")
    got = sorted((c["line"], c["value"]) for c in rep["tree"]["root"]["children"]
                 if c["function"] == "<listcomp>")
    top = sorted((e["line"], e["bytes"]) for e in rep["top"] if e["function"] == "<listcomp>")
    t.check("stages.bin: bottom-up <listcomp> roots", got, [(22, 2097152), (30, 351008),
                                                            (37, 85120)])
    t.check("stages.bin: the same as the top list's", got, top)


def aggregated_records(data):
    """The AGGREGATED_ALLOCATION records of an aggregated capture: the last
    records before the trailer (the last nonzero byte), 1 type byte + 72."""
    end = len(data.rstrip(b"\0")) - 1
    if data[end] != 15:
        raise ValueError("no AGGREGATED_TRAILER at the end")
    offs, off = [], end - 73
    while off > 0 and data[off] == 2 and struct.unpack_from("<Q", data, off + 1)[0] == 1:
        offs.append(off)
        off -= 73
    return end, sorted(offs)


def aggregated_threads(t, memtui, samples):
    """Item 9: an aggregated capture with two threads (none was recorded: this
    one is stages_aggregated.bin with every record copied to thread 2).  memtui
    counts every record's allocations; memray's AggregatedCaptureReaggregator
    adds 1 per record it merges into a location of another thread."""
    src = os.path.join(samples, "memray", "stages_aggregated.bin")
    data = open(src, "rb").read()
    end, offs = aggregated_records(data)
    recs = [struct.unpack_from("<QB7xQQQQQQQ", data, o + 1) for o in offs]
    t.check("stages_aggregated.bin: records' peak bytes = memtui's peak",
            sum(r[7] for r in recs), report_json(memtui, src)["peak"]["bytes"])
    copies = b"".join(b"\x02" + struct.pack("<Q", 2) + data[o + 9:o + 73] for o in offs)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "threads_aggregated.bin")
        open(path, "wb").write(data[:end] + copies + data[end:])
        rep = report_json(memtui, path, "--top", "1000")
        leaks = report_json(memtui, path, "--metric", "leaks", "--top", "1000")
    n_leak = sum(r[6] for r in recs)
    t.check("two threads: leaked allocations = both threads' records", rep["leaks"]["allocations"],
            2 * n_leak)
    t.check("two threads: leaked bytes", rep["leaks"]["bytes"], 2 * sum(r[8] for r in recs))
    t.check("two threads: peak bytes", rep["peak"]["bytes"], 2 * sum(r[7] for r in recs))
    # memray merges threads by (Python node, native node): the first record's count,
    # then 1 for every further record of that location with a nonzero count.
    memray = {}
    for r in recs + recs:
        if r[6]:
            key = (r[3], r[2])
            memray[key] = memray[key] + 1 if key in memray else r[6]
    t.check("two threads: memray's reaggregator would report fewer (docs/NUMBERS.md)",
            (sum(memray.values()), rep["leaks"]["allocations"]), (71, 88))
    comp = [e for e in leaks["top"] if e["function"] == "_compile_bytecode"]
    t.check("two threads: top leak location counts both threads", [e["allocations"] for e in comp],
            [32])


def diff_text(t, memtui, samples):
    """Items 18 and 19: the diff text lists changed paths only, says when no
    path matched, and its CSV has the path."""
    m = os.path.join(samples, "memray")
    before, after = os.path.join(m, "diff_before.bin"), os.path.join(m, "diff_after.bin")
    # Unfolded, the paths as memray records them; folded (the default), the
    # runpy frames go and the paths that become equal are one.
    text = run(memtui, "diff", "--no-fold", "--top", "10", before, after)
    lines = text.splitlines()
    rows = lines[lines.index("largest changes (live bytes at the peak):") + 2:]
    t.check("diff: rows are the changed paths only", [r.split()[2] for r in rows],
            ["-2000001", "-73744"])
    t.true("diff: counts the paths", "paths: 19 in both, 2 only in A, 0 only in B; 19 unchanged"
           in text, text)
    text = run(memtui, "diff", before, before)
    t.true("diff of a capture with itself: nothing changed",
           "no call path changed" in text and "largest changes" not in text, text)
    ht = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    text = run(memtui, "diff", os.path.join(m, "stages.bin"), ht)
    t.true("memray against heaptrack: says no path matched",
           "no call path of A matched one of B" in text and
           "a memray capture and a heaptrack capture share none" in text, text)
    rep = json.loads(run(memtui, "diff", "--json", os.path.join(m, "stages.bin"), ht))
    t.check("memray against heaptrack: JSON matched_paths", rep["matched_paths"], 0)
    folded = run(memtui, "diff", "--top", "10", before, after)
    t.true("diff folded: counts the folded paths",
           "paths: 8 in both, 2 only in A, 0 only in B; 8 unchanged" in folded, folded)
    rows = list(csv.reader(io.StringIO(run(memtui, "diff", "--format", "csv", before, after))))
    t.check("diff CSV folded: first path", rows[1][7], "<module>;main;summarize")
    rows = list(csv.reader(io.StringIO(run(memtui, "diff", "--no-fold", "--format", "csv",
                                           before, after))))
    t.check("diff CSV: columns", rows[0], ["function", "file", "a_bytes", "b_bytes", "delta_bytes",
                                           "a_count", "b_count", "path"])
    t.check("diff CSV: first path", rows[1][7],
            "_run_tracker;run_path;_run_module_code;_run_code;<module>;main;summarize")
    t.check("diff CSV: path ends in the function", rows[1][7].split(";")[-1], rows[1][0])


def fixture_entry(rep):
    """The symbol coverage entry of the fixture library, or None."""
    for e in rep.get("symbols", []):
        if e["path"].endswith("/libmemtui_fixture.so"):
            return e
    return None


def symbol_coverage(t, memtui, samples):
    """Issue 13: per image, how many native addresses were named from DWARF,
    from symbols only, or not at all, and why: the fixture library beside the
    capture, missing, and of a different build; kept by a .mtui; nothing for
    a capture without native frames."""
    src = os.path.join(samples, "memray", "native_fixture.bin")
    rep = report_json(memtui, src)
    e = fixture_entry(rep)
    t.true("symbols: the fixture library has an entry", e is not None, rep.get("symbols"))
    want_named = (e["dwarf"], e["symtab"])
    t.true("symbols: found beside the capture, named from DWARF",
           e["file"].endswith("memray/libmemtui_fixture.so") and e["dwarf"] > 0
           and e["unnamed"] == 0 and e["reason"] is None and e["debug_file"] == e["file"], e)
    text = run(memtui, "report", "--no-progress", src)
    t.true("symbols: the text report's summary line",
           "symbols     native frames: " in text and "% named (" in text, text[:1500])
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "native_fixture.bin")
        with open(src, "rb") as f, open(copy, "wb") as g:
            g.write(f.read())
        e = fixture_entry(report_json(memtui, copy))
        t.check("symbols: no library anywhere: no file",
                (e["file"], e["debug_file"], e["dwarf"], e["symtab"], e["reason"]),
                (None, None, 0, 0, "no file"))
        t.check("symbols: every address of it unnamed", e["unnamed"], sum(want_named))
        text = run(memtui, "report", "--no-progress", copy)
        t.true("symbols: the text report names the image and why",
               "libmemtui_fixture.so: %d unnamed (no file)" % e["unnamed"] in text, text[:1500])
        with open(memtui, "rb") as f, open(os.path.join(tmp, "libmemtui_fixture.so"), "wb") as g:
            g.write(f.read())
        e = fixture_entry(report_json(memtui, copy))
        t.check("symbols: another ELF file beside it: a different build",
                (e["file"], e["dwarf"], e["reason"]), (None, 0, "a different build"))
    mt = report_json(memtui, os.path.join(samples, "mtui", "memray_native.mtui"))
    e = fixture_entry(mt)
    t.true("symbols: memray_native.mtui keeps the table",
           e is not None and (e["dwarf"], e["symtab"], e["unnamed"]) == want_named + (0,)
           and len(mt["symbols"]) == len(rep["symbols"]), mt.get("symbols"))
    plain = os.path.join(samples, "memray", "leaky.bin")
    t.true("symbols: nothing for a capture without native frames",
           "symbols" not in report_json(memtui, plain)
           and "symbols  " not in run(memtui, "report", "--no-progress", plain))


def temporary_threshold(t, memtui, samples):
    """memray's temporary threshold: the cache keys it, convert keeps it, and a
    .mtui asked for another says it keeps its own."""
    src = os.path.join(samples, "memray", "threads.bin")
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, XDG_CACHE_HOME=d, MEMTUI_CACHE_MIN_MS="0")
        got = []
        for args in (["--temporary-threshold", "10"], [], ["--temporary-threshold", "10"]):
            p = subprocess.run([memtui, "report", "--json", "--no-progress", "--depth", "0"]
                               + args + [src], capture_output=True, env=env, timeout=300)
            tot = json.loads(p.stdout)["totals"]
            got.append((tot["temporary"], tot["temporary_bytes"], tot["temporary_threshold"]))
        # memray's own figures (the oracle's by_threshold), through the cache too.
        t.check("threshold 10, 1, 10 with the cache on", got,
                [(36, 12179722, 10), (20, 640, 1), (36, 12179722, 10)])
        out = os.path.join(d, "t10.mtui")
        run(memtui, "convert", "--no-cache", "--temporary-threshold", "10", src, "-o", out)
        rep = report_json(memtui, out, "--no-cache", "--depth", "0")
        t.check("convert keeps the threshold", (rep["totals"]["temporary"],
                                                rep["totals"]["temporary_threshold"]), (36, 10))
        p = subprocess.run([memtui, "report", "--no-cache", "--no-progress", "--depth", "0",
                            "--temporary-threshold", "1", out], capture_output=True, timeout=300)
        t.true("a .mtui asked for another threshold says it keeps its own",
               b"--temporary-threshold 1 does not apply" in p.stderr, p.stderr)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    memtui, samples = sys.argv[1], sys.argv[2]
    t = T()
    for f in (unnamed_rows, columns, titles, header, merge_rule, aggregated_threads, diff_text,
              symbol_coverage, temporary_threshold):
        try:
            f(t, memtui, samples)
        except Exception as ex:  # noqa: BLE001 - one failing group must not hide the rest
            t.failed += 1
            print("FAIL %s: %s" % (f.__name__, ex))
    print("%d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
