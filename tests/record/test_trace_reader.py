#!/usr/bin/env python3
"""The trace reader (formats/trace.c) on exact synthetic traces.

Each case lays out a trace with tests/tools/trace_write.py and states the
figures memtui must report: events out of order across blocks and bounded
by flushes, realloc pairs (moved, failed, to size 0, the old address taken
by another thread before the END), mmap/munmap splits and trims, unknown
frees, marks of every origin with their per-stage figures, an exec that
failed, and a trace cut at every record (loads, flagged truncated, the
figures of the records before the cut).  Hostile traces are refused or cut
with a one-line error naming the file and the byte offset.

usage: test_trace_reader.py MEMTUI
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from trace_write import (Trace, TA_MMAP, TA_MREMAP, TM_C_API, TM_SIGNAL, TE_EXEC,  # noqa: E402
                         TR_ALLOC)

MEMTUI = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="trace-reader-")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def report(path, *args):
    r = subprocess.run([MEMTUI, "report", "--json", *args, path], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        return None, r.stderr
    return json.loads(r.stdout), r.stderr


def figures(d):
    return (d["totals"]["allocations"], d["totals"]["allocated_bytes"], d["peak"]["bytes"],
            d["leaks"]["bytes"], d["leaks"]["allocations"])


def base(**kw):
    t = Trace(**kw)
    t.module(0, 0x400000, "", [(0, 0x10000)])
    t.stack(1, 0, [0x401000])
    t.stack(2, 0, [0x402000, 0x401000])
    return t


def expect(name, t, want, *args):
    d, err = report(write(name, t.bytes()), *args)
    check(d is not None, "%s loads (%s)" % (name, err.strip()))
    if d is None:
        return None
    check(figures(d) == want, "%s: figures %s, want %s" % (name, figures(d), want))
    check(not d["truncated"], "%s: not truncated" % name)
    return d


def case_disorder():
    # Thread 7 allocates X at 0 and again at 4; thread 8 frees X at 3 and
    # allocates Y at 1.  In file order thread 8's block comes first, after
    # thread 7's second block: only sorting by seq gives X live once.
    t = base()
    t.block(7, [t.alloc(0, 0x1000, 100, 1), t.alloc(2, 0x3000, 10, 2)])
    t.block(8, [t.alloc(1, 0x2000, 50, 2), t.free(3, 0x1000)])
    t.flush(4)
    t.block(7, [t.alloc(4, 0x1000, 200, 1), t.free(6, 0x3000)])
    t.block(8, [t.free(5, 0x2000)])
    t.flush(7)
    t.end(7, 5)
    # peak: 100+50+10 = 160 at seq 2; then -100, +200 = 260 at seq 4
    expect("disorder", t, (4, 360, 260, 200, 1))


def case_reallocs():
    t = base()
    t.block(7, [t.alloc(0, 0x1000, 100, 1),
                t.realloc_begin(2, 0x1000), t.realloc_end(4, 0x5000, 300, 2)])
    # Thread 8 gets the old address between the BEGIN and the END: the realloc freed it.
    t.block(8, [t.alloc(1, 0x2000, 40, 1), t.alloc(3, 0x1000, 30, 2)])
    # A failed realloc (the old block stays) and a realloc to size 0 (frees it).
    t.block(8, [t.realloc_begin(5, 0x2000), t.realloc_end(6, 0, 80, 2),
                t.realloc_begin(7, 0x1000), t.realloc_end(8, 0, 0, 2)])
    # An END without its BEGIN is an allocation.
    t.block(9, [t.realloc_end(9, 0x9000, 7, 2)])
    t.flush(10)
    t.end(10, 5)
    # allocations: 100, 40, 30, 300, 7 (the failed one and size 0 are not calls)
    # heap: 100, 140, [free 100 at seq 3] 40+30=70, +300 = 370, -30 = 340, +7 = 347
    expect("reallocs", t, (5, 477, 370, 347, 3))


def case_mmap():
    t = base()
    t.block(7, [t.alloc(0, 0x100000, 0x10000, 1, TA_MMAP),
                t.munmap(1, 0x104000, 0x4000),          # split: two pieces
                t.munmap(2, 0x100000, 0x4000),          # the first piece goes
                t.munmap(3, 0x10e000, 0x2000),          # trims the second
                t.alloc(4, 0x200000, 0x3000, 2, TA_MREMAP),
                t.munmap(5, 0x300000, 0x1000),          # nothing mapped: ignored
                t.free(6, 0x777000)])                   # unknown free: ignored
    t.flush(7)
    t.end(7, 5)
    # live: 0x10000 -> 0xc000 -> 0x8000 -> 0x6000 -> +0x3000 = 0x9000
    d = expect("mmap", t, (2, 0x13000, 0x10000, 0x9000, 2))
    if d:
        check(d["totals"]["events"] == 5, "mmap: %d events, want 5" % d["totals"]["events"])


def case_marks():
    t = base()
    t.block(7, [t.alloc(0, 0x1000, 10, 1), t.mark(1, "load", TM_C_API, t.start_ns + 2 * 10**6),
                t.alloc(2, 0x2000, 20, 2), t.alloc(3, 0x3000, 30, 2)])
    t.event(t.mark(4, "signal 1", TM_SIGNAL, t.start_ns + 3 * 10**6))
    t.time(1, 2)
    t.flush(5)
    t.block(7, [t.free(5, 0x2000), t.alloc(6, 0x4000, 40, 1)])
    t.end(7, 5)
    d, err = report(write("marks", t.bytes()), "--stages", "marks")
    check(d is not None, "marks loads (%s)" % err.strip())
    if d:
        st = {s["name"]: s for s in d["stages"] if not s["outside"]}
        check(set(st) == {"load", "signal 1"}, "marks: %s" % sorted(st))
        if "load" in st and "signal 1" in st:
            check((st["load"]["allocations"], st["load"]["allocated_bytes"]) == (2, 50),
                  "stage load: %s" % st["load"])
            check((st["signal 1"]["allocations"], st["signal 1"]["allocated_bytes"],
                   st["signal 1"]["freed_bytes"]) == (1, 40, 20),
                  "stage signal 1: %s" % st["signal 1"])
            check(st["load"]["start_ms"] == 2, "load starts at 2 ms")


def case_failed_exec():
    t = base()
    t.block(7, [t.alloc(0, 0x1000, 10, 1)])
    t.flush(1)
    t.end(1, 1, TE_EXEC)
    t.block(7, [t.alloc(1, 0x2000, 20, 1)])
    t.flush(2)
    t.end(2, 2)
    expect("failed_exec", t, (2, 30, 30, 30, 2))


def case_names():
    # A module mapped over the address at the stack's seq names it, with offset.
    t = Trace()
    t.module(0, 0x400000, "/nonexistent/old.so", [(0, 0x1000)])
    t.module_gone(5, 0x400000)
    t.module(6, 0x400000, "/nonexistent/new.so", [(0, 0x1000)])
    t.stack(1, 1, [0x400100])
    t.stack(2, 7, [0x400100])
    t.block(7, [t.alloc(2, 0x1000, 10, 1), t.alloc(8, 0x2000, 20, 2)])
    t.flush(9)
    t.end(9, 1)
    d = expect("names", t, (2, 30, 30, 30, 2), "--metric", "allocated")
    if d:
        kids = {c["function"]: c["value"] for c in d["tree"]["root"]["children"]}
        check(kids == {"0x100 in old.so": 10, "0x100 in new.so": 20}, "names: %s" % kids)


def case_truncation():
    """Cut at every record (and inside it): the figures of the records before it."""
    t = base()
    for k in range(6):
        tid = 7 + k % 2
        t.block(tid, [t.alloc(3 * k, 0x1000 * (k + 1), 10 * (k + 1), 1 + k % 2),
                      t.free(3 * k + 1, 0x1000 * k) if k else t.alloc(1, 0x9000, 5, 1)])
        t.event(t.mark(3 * k + 2, "s%d" % k))
        t.time(3 * k + 2, k)
        t.flush(3 * k + 2)
    t.end(18, 6)
    data = t.bytes()
    offs = t.offsets + [len(data)]
    for i in range(len(t.recs)):
        prefix = Trace.__new__(Trace)
        prefix.__dict__.update(t.__dict__)
        prefix.recs = t.recs[:i]
        want, _ = report(write("prefix", prefix.bytes()))
        for cut in sorted({offs[i], offs[i] + 1, (offs[i] + offs[i + 1]) // 2, offs[i + 1] - 1}):
            if cut >= len(data):
                continue
            d, err = report(write("cut", data[:cut]))
            ok = d is not None and want is not None and d["truncated"] and \
                figures(d) == figures(want) and d["truncated_at"] == offs[i] and \
                len(err.strip().splitlines()) == 1
            check(ok, "cut at %d (record %d at %d): %s / %s %s" %
                  (cut, i, offs[i], d and figures(d), want and figures(want), err.strip()))


def case_hostile():
    def bad(name, data, needle, offset, loads):
        path = write(name, data)
        r = subprocess.run([MEMTUI, "report", "--json", path], capture_output=True, text=True,
                           timeout=30)
        err = r.stderr.strip()
        lines = err.splitlines()
        check(len(lines) == 1 and path in err and needle in err and
              ("at byte %d" % offset) in err and (r.returncode == 0) == loads,
              "%s: status %d, stderr %r (want %r at byte %d)" %
              (name, r.returncode, err, needle, offset))

    t = Trace(version=2)
    bad("version", t.bytes(), "trace version 2", 8, False)
    bad("header_cut", Trace().bytes()[:30], "trace header cut short", 30, False)

    def with_rec(rec, extra=None):
        t = base()
        t.raw(rec) if extra is None else extra(t)
        t.end(0, 0)
        data = t.bytes()
        return data, t.offsets[3]

    data, off = with_rec(b"\x42")
    bad("unknown_type", data, "unknown record type 0x42", off, True)
    data, off = with_rec(Trace.alloc(0, 0x10, 8, 99))
    bad("undefined_stack", data, "stack 99 used before its TR_STACK", off, True)
    data, off = with_rec(Trace.alloc(0, 0x10, 8, 1, 77))
    bad("alloc_kind", data, "unknown allocation kind 77", off, True)
    data, off = with_rec(None, lambda t: t.stack(9, 0, [1] * 257))
    bad("deep_stack", data, "257 frames (at most 256)", off, True)
    data, off = with_rec(None, lambda t: t.module(0, 0, "x", [(0, 1)] * 65))
    bad("segments", data, "65 segments (at most 64)", off, True)
    data, off = with_rec(b"\x10\x07\x00\x00\x00\x01\x00\x00\x01")
    bad("big_block", data, "TR_BLOCK of 16777217 bytes", off, True)
    data, off = with_rec(None, lambda t: t.block(7, [b"\x11"]))
    bad("block_type", data, "record type 0x11 inside a TR_BLOCK", off + 9, True)
    data, off = with_rec(None, lambda t: t.block(7, [Trace.alloc(0, 1, 1, 1)[:-1]]))
    bad("block_cross", data, "crosses the end of its TR_BLOCK", off + 9, True)

    t = base()
    t.flush(5)
    t.block(7, [t.alloc(3, 0x10, 8, 1)])
    t.end(6, 0)
    bad("below_watermark", t.bytes(), "after the flush watermark 5", t.offsets[4] + 9, True)
    t = base()
    t.block(7, [t.alloc(3, 0x10, 8, 1), t.alloc(3, 0x20, 8, 1)])
    t.end(6, 0)
    bad("repeated_seq", t.bytes(), "seq 3 repeated", len(t.bytes()), True)


def main():
    for case in (case_disorder, case_reallocs, case_mmap, case_marks, case_failed_exec,
                 case_names, case_truncation, case_hostile):
        case()
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)
    print("trace reader: all cases pass")


if __name__ == "__main__":
    main()
