#!/usr/bin/env python3
"""Per-thread views (issue 14, item 6; src/analysis/threads.h).

On memray's threads.bin and a recorder capture of tests/programs/rec_threads.c:
- the threads table (report "thread_figures") equals memray's own by_thread
  figures (threads.bin.oracle.json: hwm_bytes and hwm_allocations, live at the
  capture's high-water mark, merge_threads=False; leaked bytes and allocations),
- for every metric, the roots of `memtui report --thread TID` summed over the
  threads equal the unfiltered root, and the table's columns sum to the totals,
- the explorer's T filter shows on screen the figures of
  `memtui report --thread ...` (root row, every metric),
- a capture without threads (heaptrack) refuses --thread and says so for T.

usage: test_threads.py MEMTUI SAMPLES CC
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import Suite, fmt_bytes, replay, tree_rows  # noqa: E402

MEMTUI, SAMPLES, CC = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
METRICS = ["peak", "leaks", "allocated", "allocations", "temporary"]
PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "programs")


def report(path, *args, ok=True):
    p = subprocess.run([MEMTUI, "report", "--json", "--no-progress", "--depth", "1"]
                       + list(args) + [path], capture_output=True, text=True, timeout=120)
    if not ok:
        return p
    if p.returncode:
        raise SystemExit("report %s %s: exit %d: %s" % (path, args, p.returncode, p.stderr))
    return json.loads(p.stdout)


def root(rep):
    r = rep["tree"]["root"]
    return r["value"], r["count"]


def oracle_by_thread(t, path):
    oracle = json.load(open(path + ".oracle.json"))["by_thread"]
    rep = report(path)
    rows = {str(r["tid"]): r for r in rep["thread_figures"]}
    t.check("threads.bin: the threads memray names", sorted(rows), sorted(oracle))
    for tid, o in oracle.items():
        r = rows.get(tid, {})
        t.check("thread %s name" % tid, r.get("name"), o["thread_name"])
        t.check("thread %s bytes at the peak = memray hwm_bytes" % tid, r.get("peak_bytes"),
                o["hwm_bytes"])
        t.check("thread %s live at the peak = memray hwm_allocations" % tid,
                r.get("peak_count"), o["hwm_allocations"])
        t.check("thread %s leaked bytes" % tid, r.get("leaked_bytes"), o["leaked_bytes"])
        t.check("thread %s leaked allocations" % tid, r.get("leaked_count"),
                o["leaked_allocations"])


def adds_up(t, path, name):
    rep = report(path)
    rows = rep["thread_figures"]
    t.true("%s: has several threads" % name, len(rows) > 1, str(len(rows)))
    t.check("%s: peak bytes over threads = the peak" % name,
            sum(r["peak_bytes"] for r in rows), rep["peak"]["bytes"])
    t.check("%s: leaked bytes over threads = the leaks" % name,
            sum(r["leaked_bytes"] for r in rows), rep["leaks"]["bytes"])
    t.check("%s: allocation calls over threads = the total" % name,
            sum(r["alloc_count"] for r in rows), rep["totals"]["allocations"])
    t.check("%s: bytes allocated over threads = the total" % name,
            sum(r["allocated_bytes"] for r in rows), rep["totals"]["allocated_bytes"])
    for m in METRICS:
        whole = report(path, "--metric", m)
        if whole["tree"]["missing"]:
            continue
        parts = [root(report(path, "--metric", m, "--thread", str(r["tid"]))) for r in rows]
        t.check("%s %s: roots of every --thread add up to the whole" % (name, m),
                (sum(p[0] for p in parts), sum(p[1] for p in parts)), root(whole))
        t.true("%s %s: the whole is not zero" % (name, m), root(whole)[0] != 0)


def screen_equals_report(t, path):
    """T, mark worker-0 (row 2) and mapper (row 6), Enter; then each metric."""
    keys = "Tj<Space>jjjj<Space><Enter>"
    for k, m in enumerate(["peak", "leaks", "allocated", "allocations"]):
        screen = replay(MEMTUI, path, keys + "m" * k, size="100x30")
        rows = tree_rows(screen)
        want = report(path, "--metric", m, "--thread", "worker-0", "--thread", "mapper")
        value, count = root(want)
        shown = str(value) if m == "allocations" else fmt_bytes(value)
        t.check("screen %s: root of the filtered tree = report --thread" % m,
                (rows[0].value, rows[0].count), (shown, count))
        t.true("screen %s: the status line names the threads" % m,
               "threads: worker-0, mapper" in screen.rstrip("\n").split("\n")[-1],
               screen.rstrip("\n").split("\n")[-1])
    screen = replay(MEMTUI, path, "T<Space><Esc>", size="100x30")
    t.check("Esc leaves the trees whole", tree_rows(screen)[0].value,
            fmt_bytes(root(report(path))[0]))


def timeline_by_thread(t, path):
    """report --timeline --thread: each thread's own events; the threads' slices
    add up to the whole, each thread's heap at the peak is its share of it
    (memray's hwm_bytes) and at the end its leaked bytes; T filters view 3."""
    rep = report(path)
    rows = rep["thread_figures"]
    whole = report(path, "--timeline", "9", "--metric", "allocations")
    parts = [report(path, "--timeline", "9", "--metric", "allocations", "--thread",
                    str(r["tid"])) for r in rows]
    for key in ("allocations", "allocated_bytes", "temporary"):
        t.check("timeline: %s of the threads add up to the whole" % key,
                sum(p["sums"][key] for p in parts), whole["sums"][key])
    for i in range(9):
        t.check("timeline: slice %d heap over the threads = the whole" % i,
                sum(p["slices"][i]["heap_bytes"] for p in parts),
                whole["slices"][i]["heap_bytes"])
    for r, p in zip(rows, parts):
        t.check("timeline --thread %s: at the peak = its peak bytes" % r["tid"],
                p["peak_bytes"], r["peak_bytes"])
        t.check("timeline --thread %s: at the end = its leaked bytes" % r["tid"],
                p["end_bytes"], r["leaked_bytes"])
        t.true("timeline --thread %s: JSON names it" % r["tid"],
               p["threads"] in (r["name"], str(r["tid"])), p["threads"])
    t.check("timeline unfiltered: threads null", whole["threads"], None)
    worker = next(r for r in rows if r["name"] == "worker-0")
    screen = replay(MEMTUI, path, "Tj<Space><Enter>3", size="100x30")
    t.true("timeline view: T filters it",
           "%s of these threads at the peak" % fmt_bytes(worker["peak_bytes"]) in screen and
           "threads: worker-0" in screen.rstrip("\n").split("\n")[-1],
           screen.rstrip("\n").split("\n")[0] + " | " + screen.rstrip("\n").split("\n")[-1])


def no_threads(t, samples):
    path = os.path.join(samples, "heaptrack", "heaptrack.leaky.zst")
    p = report(path, "--thread", "1", ok=False)
    t.check("heaptrack: --thread refused", p.returncode, 2)
    t.true("heaptrack: says why", "no threads to filter" in p.stderr, p.stderr)
    t.check("heaptrack: no thread figures", report(path)["thread_figures"], [])
    screen = replay(MEMTUI, path, "T", size="100x30")
    t.true("heaptrack: T says there are none", "no threads to pick" in screen, screen[-300:])
    p = report(os.path.join(samples, "memray", "threads.bin"), "--thread", "nobody", ok=False)
    t.check("memray: an unknown thread is refused", p.returncode, 2)


def recorded(t, tmp):
    prog = os.path.join(tmp, "rec_threads")
    subprocess.run([CC, "-g", "-O1", "-pthread", "-o", prog,
                    os.path.join(PROGRAMS, "rec_threads.c")], check=True)
    out = os.path.join(tmp, "rec_threads.mtui")
    subprocess.run([MEMTUI, "record", "-o", out, "--", prog], cwd=tmp, check=True,
                   capture_output=True, timeout=120)
    rows = report(out)["thread_figures"]
    t.check("recorder: the main thread and 8 more", len(rows), 9)
    # rec_threads: each of the 8 keeps one malloc(4096) and churns 1000 x malloc(48).
    t.check("recorder: 8 threads leak one 4096-byte block each",
            sorted(r["leaked_bytes"] for r in rows)[1:], [4096] * 8)
    t.check("recorder: 8 threads make 1001 calls each",
            sorted(r["alloc_count"] for r in rows if r["alloc_count"] >= 1001), [1001] * 8)
    adds_up(t, out, "recorder")


def main():
    t = Suite("threads")
    threads_bin = os.path.join(SAMPLES, "memray", "threads.bin")
    oracle_by_thread(t, threads_bin)
    adds_up(t, threads_bin, "threads.bin")
    screen_equals_report(t, threads_bin)
    timeline_by_thread(t, threads_bin)
    no_threads(t, SAMPLES)
    with tempfile.TemporaryDirectory() as tmp:
        recorded(t, tmp)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
