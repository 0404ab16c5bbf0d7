#!/usr/bin/env python3
"""The allocation size histograms (`memtui report --sizes`, the explorer's
sizes view) against the tools and against themselves:

- every capture: the bins (plus "not placed") add up to the report's own
  totals: the run to totals.allocations/allocated_bytes, the peak to the
  peak tree's root (bytes and live allocations), leaks to leaks.bytes and
  leaks.allocations less the suppressed ones;
- memray: the run's bins equal memray stats' allocation_count_by_size (the
  oracles), binned by memtui's rule (count, and bytes = size x count);
- heaptrack: the run's bins equal `heaptrack_print -H` (sizes and counts);
- the allocators add up to the totals and equal memray stats'
  allocation_count_by_allocator; heaptrack says it has none; a .mtui
  converted from a capture has the same table;
- the CSV has the JSON's rows;
- the screen (headless replay, 80x24 and 120x60) shows each moment's bins
  with the report's counts and bytes, and an aggregated capture says why it
  has none.

usage: test_sizes.py MEMTUI SAMPLES_DIR
"""
import csv
import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import Suite, fmt_bytes, replay  # noqa: E402

MOMENTS = ("run", "peak", "leaks")


def run(memtui, *args):
    p = subprocess.run([memtui, *args], capture_output=True, timeout=300)
    if p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (args, p.returncode, p.stderr.decode()))
    return p.stdout.decode()


def sizes(memtui, path, fmt="json", *extra):
    """The sizes report: JSON's "sizes" with its "allocators" beside them, or the text."""
    out = run(memtui, "report", "--no-progress", "--sizes", "--format", fmt, *extra, path)
    if fmt != "json":
        return out
    d = json.loads(out)
    return dict(d["sizes"], allocators=d["allocators"])


def binned(counts):
    """{size: count} -> {bin: [count, bytes]}: bin 0 the empty, k >= 1 [2^(k-1), 2^k)."""
    out = {}
    for size, n in counts.items():
        b = out.setdefault(size.bit_length(), [0, 0])
        b[0] += n
        b[1] += n * size
    return out


def bins_of(h):
    return {(b["from"].bit_length() if b["from"] else 0): [b["allocations"], b["bytes"]]
            for b in h["bins"]}


def check_sums(t, memtui, path):
    s = sizes(memtui, path)
    rep = json.loads(run(memtui, "report", "--no-progress", "--json", "--depth", "1", path))
    name = os.path.basename(path)
    if "missing" in s["run"]:
        return s
    want = {
        "run": (rep["totals"]["allocations"], rep["totals"]["allocated_bytes"]),
        "peak": (rep["tree"]["root"]["count"], rep["peak"]["bytes"]),
        # leaks.allocations counts suppressed leaks too, as heaptrack does; the bins do not
        "leaks": (rep["leaks"]["allocations"] - rep["leaks"]["suppressed_allocations"],
                  rep["leaks"]["bytes"]),
    }
    for m in MOMENTS:
        h = s[m]
        if "missing" in h:
            continue
        got = (sum(b["allocations"] for b in h["bins"]) + h["unplaced_allocations"],
               sum(b["bytes"] for b in h["bins"]) + h["unplaced_bytes"])
        t.check("%s %s: bins add up to the totals" % (name, m), got, want[m])
        t.check("%s %s: totals are the report's" % (name, m),
                (h["allocations"], h["bytes"]), want[m])
        t.true("%s %s: every bin holds its sizes" % (name, m),
               all(b["from"] <= b["bytes"] // max(b["allocations"], 1) < b["below"]
                   or not b["allocations"] for b in h["bins"]), h["bins"][:3])
    a = s["allocators"]
    if "missing" in a:
        t.true("%s: only heaptrack has no allocators" % name,
               rep["source"]["format"] == "heaptrack", (a, rep["source"]))
    else:
        got = (sum(r["allocations"] for r in a["rows"]), sum(r["bytes"] for r in a["rows"]))
        t.check("%s: allocators add up to the totals" % name, got, want["run"])
    return s


def check_converted(t, memtui, path):
    """A .mtui converted from path has the same histograms and allocators."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "c.mtui")
        run(memtui, "convert", path, "-o", out)
        for extra in ((), ("--no-cache",)):
            t.true("%s: converted %s, the same sizes and allocators"
                   % (os.path.basename(path), " ".join(extra)),
                   sizes(memtui, out, "json", *extra) == sizes(memtui, path))


def check_memray(t, memtui, path, oracle):
    s = sizes(memtui, path)
    if "missing" in s["run"]:
        t.true("%s: an aggregated capture says why it has no sizes" % path,
               "aggregated" in s["run"]["missing"], s["run"])
        return
    counts = {int(k): v for k, v in oracle["stats"]["allocation_count_by_size"].items()}
    t.check("%s: run bins = memray stats' allocation_count_by_size" % os.path.basename(path),
            bins_of(s["run"]), binned(counts))
    t.check("%s: allocators = memray stats' allocation_count_by_allocator"
            % os.path.basename(path),
            {r["allocator"]: r["allocations"] for r in s["allocators"]["rows"]},
            {k.lower(): v for k, v in oracle["stats"]["allocation_count_by_allocator"].items()})


def check_heaptrack(t, memtui, path):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "h.txt")
        subprocess.run(["heaptrack_print", "-H", out, path], capture_output=True, timeout=300)
        if not os.path.exists(out):
            return
        counts = {}
        for line in open(out):
            size, n = map(int, line.split())
            counts[size] = counts.get(size, 0) + n
    t.check("%s: run bins = heaptrack_print -H" % os.path.basename(path),
            bins_of(sizes(memtui, path)["run"]), binned(counts))


def check_csv(t, memtui, path):
    s = sizes(memtui, path)
    rows = list(csv.DictReader(io.StringIO(sizes(memtui, path, "csv"))))
    want = []
    for m in MOMENTS:
        if "missing" in s[m]:
            continue
        want += [(m, str(b["from"]), str(b["below"]), str(b["allocations"]), str(b["bytes"]))
                 for b in s[m]["bins"]]
        if s[m]["unmatched_events"]:
            want.append((m, "", "", str(s[m]["unplaced_allocations"]),
                         str(s[m]["unplaced_bytes"])))
    for r in s["allocators"].get("rows", []):
        want.append(("allocator", r["allocator"], "", str(r["allocations"]), str(r["bytes"])))
    t.check("%s: CSV rows = JSON bins" % os.path.basename(path),
            [(r["moment"], r["from"], r["below"], r["allocations"], r["bytes"]) for r in rows],
            want)


def screen_rows(screen):
    """(from, below, allocations, bytes) of each bin row on the sizes screen."""
    rows = []
    for line in screen.splitlines():
        f = line.split()
        # "  16.0 KiB  32.0 KiB   5   7.7%  80.0 KiB   0.7%  bar"
        if len(f) >= 8 and f[4].isdigit() and f[5].endswith("%") and f[0] != "from":
            rows.append((f[0] + " " + f[1], f[2] + " " + f[3], int(f[4]), f[6] + " " + f[7]))
        elif len(f) >= 6 and f[2].isdigit() and f[0] != "from" and f[3].endswith("%"):
            rows.append((f[0], f[1], int(f[2]), f[4] + " " + f[5]))
    return rows


def view_key(memtui, path):
    """The sizes view's number, as the help lists the views."""
    m = re.search(r"(\d) sizes", replay(memtui, path, "?", size="160x50"))
    return m.group(1) if m else "?"


def check_screen(t, memtui, path, size):
    s = sizes(memtui, path)
    key = view_key(memtui, path)
    name = os.path.basename(path)
    for i, m in enumerate(MOMENTS):
        screen = replay(memtui, path, key + "t" * i, size=size)
        if "missing" in s[m]:
            t.true("%s %s %s: the screen says why there is no histogram" % (name, size, m),
                   "aggregated" in screen, screen)
            continue
        h = s[m]
        lo = min(b["from"].bit_length() if b["from"] else 0 for b in h["bins"])
        hi = max(b["from"].bit_length() if b["from"] else 0 for b in h["bins"])
        by_bin = bins_of(h)
        want = []
        for k in range(lo, hi + 1):
            c, b = by_bin.get(k, [0, 0])
            frm = fmt_bytes(1 << (k - 1) if k else 0)
            want.append((frm, fmt_bytes(1 << k), c, fmt_bytes(b)))
        got = screen_rows(screen)
        t.true("%s %s %s: the screen shows rows" % (name, size, m), got, screen)
        t.check("%s %s %s: screen rows = report bins" % (name, size, m), got, want[:len(got)])
        t.true("%s %s %s: the title names the moment" % (name, size, m),
               "[sizes] " + m in screen, screen)
    screen = replay(memtui, path, key + "ttt", size=size)
    a = s["allocators"]
    if "missing" in a:
        t.true("%s %s allocators: the screen says why there are none" % (name, size),
               a["missing"][:40] in screen, screen)
        return
    rows = [line.split() for line in screen.splitlines()]
    got = [(f[0], int(f[1]), f[3] + " " + f[4]) for f in rows
           if len(f) >= 6 and f[1].isdigit() and f[2].endswith("%")]
    t.check("%s %s allocators: screen rows = report rows" % (name, size), got,
            [(r["allocator"], r["allocations"], fmt_bytes(r["bytes"])) for r in a["rows"]])


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    t = Suite("sizes")
    caps = sorted(glob.glob(os.path.join(samples, "memray", "*.bin")) +
                  glob.glob(os.path.join(samples, "heaptrack", "heaptrack.*.zst")) +
                  glob.glob(os.path.join(samples, "mtui", "*.mtui")))
    for path in caps:
        try:
            check_sums(t, memtui, path)
        except RuntimeError as e:
            t.true("%s: a damaged capture is refused, not summed" % path,
                   "truncated" in str(e) or "ends before" in str(e), e)
    for path in glob.glob(os.path.join(samples, "memray", "*.bin")):
        oracle = path + ".oracle.json"
        if os.path.exists(oracle):
            check_memray(t, memtui, path, json.load(open(oracle)))
    if shutil.which("heaptrack_print"):
        for name in ("threads", "sqlite3", "leaky", "stages"):
            check_heaptrack(t, memtui, os.path.join(samples, "heaptrack",
                                                    "heaptrack.%s.zst" % name))
    for name in ("memray/threads.bin", "heaptrack/heaptrack.sqlite3.zst"):
        check_csv(t, memtui, os.path.join(samples, name))
        check_converted(t, memtui, os.path.join(samples, name))
    for name in ("memray/threads.bin", "heaptrack/heaptrack.sqlite3.zst",
                 "memray/stages_aggregated.bin"):
        for size in ("80x24", "120x60"):
            check_screen(t, memtui, os.path.join(samples, name), size)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
