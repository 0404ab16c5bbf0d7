#!/usr/bin/env python3
"""Headless replay tests of the stage table (view 4) and a stage's own tree.

On sample-captures/memray/stages.bin and heaptrack.stages.zst, with
`memtui --replay KEYS --size 120x30`:
  - view 4 lists the stages under main in time order, then the outside row,
    and every column (calls, start, duration, allocated, count, freed, net,
    cumulative, peak, top allocator) equals `memtui report --stages under:main
    --format json` as formatted text; the info lines give each row's exact
    integers (allocated and count, freed and count, net, cumulative, peak,
    leaked);
  - S on the tree's `main` node (top-down and bottom-up) gives the same table;
  - t merges repeated calls and unmerges them (S under parse_readings, whose
    <genexpr> is called twice), against the report with and without
    --merge-calls;
  - s cycles time, allocated, count, freed, net, cumulative, peak, duration,
    name, with the outside row last, named in the status line;
  - Enter on each stage opens its tree, whose root is what the stage allocated
    that is still alive at its end and, after t, everything it allocated: both
    computed here from the raw event log (capdump), by classifying each stack
    by the frame below its innermost main;
  - f shows the flame graph of that tree, Backspace comes back to the table
    from either; Space + d and d in the stage tree push the diff view.

  - m picks a column the title names: leaks adds "leaked" (each row's leaked
    bytes, the info line's exact figure), temporary (heaptrack) adds
    "temporary" (the report's count); the top allocator keeps the end of a
    long name;
  - one stage reads "1 row", not "1 rows" (heaptrack.threads.zst).

On sample-captures/memray/stages_aggregated.bin (no event stream: live
figures only), view 4 is under main by default and says the capture is
aggregated; its rows are the oracle's stage functions that have a stack, in
order, then the outside row, with the oracle's leaked and at-peak bytes
(cells and exact info lines) and "-" in every column by time; s keeps the row
order on those, which is the order of the calls ("sort: call order", never
"time"); Enter on each row opens a tree whose root is the oracle's leaked
bytes and count of that row; t there, d there and d in the table say "not
available".

On sample-captures/memray/stages_marked.bin (stage marks by the memray
marker contract), view 4 opens on the marks: the oracle's stage names in
order, then "<before first mark>", every cell as `memtui report --stages
marks --format json` formatted.

The default split on two heaptrack captures written here (text format):
main calling 60 functions once each gives 10 slices and says why; main
calling two functions 30 times each gives under main with repeated calls
merged, and says why.

With --cpp CAPTURE (heaptrack recording clang++; exit 77 when missing):
view 4 opens under main with at most 50 rows, no `???`, every row that
allocated has a top allocator, ExecuteCompilation's row shows its method
and is 1 call, two different functions never show the same label; at
80x24 in ASCII every line fits.

usage: test_stages_view.py MEMTUI CAPDUMP SAMPLE_CAPTURES
       test_stages_view.py --cpp MEMTUI CAPTURE
"""
import json
import os
import re
import subprocess
import sys
import tempfile

from uitest import Failure, Suite, bottom, fmt_bytes, replay, status, tree_rows

SIZE = "120x30"
INFO_SIZE = "160x30"  # wide enough for every field of the info lines
COLS = ["calls", "start", "duration", "allocated", "count", "freed", "net", "cumulative", "peak"]
ORDERS = ["time", "allocated", "count", "freed", "net", "cumulative", "peak", "duration", "name"]
ORDER_KEY = {"allocated": "allocated_bytes", "count": "allocations", "freed": "freed_bytes",
             "net": "net_bytes", "cumulative": "cumulative_bytes", "peak": "peak_bytes",
             "duration": "duration_ms"}


def stages_json(memtui, path, split, merge=False, timeout=60):
    args = [memtui, "report", "--stages", split, "--format", "json", "--no-progress", path]
    if merge:
        args.insert(4, "--merge-calls")
    p = subprocess.run(args, capture_output=True, timeout=timeout)
    if p.returncode:
        raise Failure("report --stages %s on %s: exit %d" % (split, path, p.returncode))
    doc = json.loads(p.stdout)
    for j in doc["stages"]:
        j["stamp_step_ms"] = doc["stamp_step_ms"]
    return doc["stages"]


def table(screen):
    """The table rows on a stages screen: dicts of the cells, by column title."""
    lines = screen.split("\n")
    hi = next(i for i, l in enumerate(lines) if l.startswith("  stage") and "allocated" in l)
    head = lines[hi]
    ends = {c: head.index(c) + len(c) for c in COLS if c in head}
    top = head.index("top allocator") if "top allocator" in head else None
    first = min(head.index(c) for c in ends)
    rows = []
    for line in lines[hi + 1:]:
        if not line.strip() or line.startswith(" " * 20):
            break
        r = {"mark": line[0], "name": line[2:first].strip()}
        prev = first
        for c in COLS:
            if c in ends:
                r[c] = line[prev:ends[c]].strip()
                prev = ends[c]
        if top is not None:
            r["top"] = line[top:].strip()
        rows.append(r)
    return rows


def want_cells(j):
    """The cells of a stage's row; a duration of 0 reads "<S ms" (docs/NUMBERS.md, Time)."""
    ms = lambda v: "-" if v is None else "%dms" % v
    dur = "<%dms" % j["stamp_step_ms"] if j["duration_ms"] == 0 else ms(j["duration_ms"])
    return {"name": j["name"], "calls": str(j["calls"]), "start": ms(j["start_ms"]),
            "duration": dur, "allocated": fmt_bytes(j["allocated_bytes"]),
            "count": str(j["allocations"]), "freed": fmt_bytes(j["freed_bytes"]),
            "net": fmt_bytes(j["net_bytes"]), "cumulative": fmt_bytes(j["cumulative_bytes"]),
            "peak": fmt_bytes(j["peak_bytes"])}


def check_table(t, what, rows, want):
    if not t.check(what + ": rows", [r["name"] for r in rows], [j["name"] for j in want]):
        return
    for r, j in zip(rows, want):
        w = want_cells(j)
        t.check(what + ": " + j["name"], {k: r.get(k) for k in w}, w)
        t.true(what + ": " + j["name"] + " top allocator",
               keeps_end(r.get("top", ""), j["top_function"] or "-"),
               "%r vs %r" % (r.get("top"), j["top_function"]))


def keeps_end(cell, name):
    """A cell shows name, or its end behind an ellipsis (at least 8 characters of it)."""
    if cell == name:
        return True
    return cell[:1] in ("\u2026", "~") and len(cell) >= 9 and name.endswith(cell[1:])


def stage_title(screen):
    """The stage table's title row, wherever the header above it ends."""
    return next((l for l in screen.split("\n") if l.startswith("stages ")), "")


INFO1 = re.compile(r"^(.*): (\d+) calls?  start (-|\d+ ms)  duration (-|<?\d+ ms)  allocated (-?\d+) B"
                   r" in (\d+) allocations?  freed (-?\d+) B in (\d+) frees?")
INFO2 = re.compile(r"^net (-?\d+) B  cumulative (-?\d+) B  peak (-?\d+) B  leaked (-?\d+) B in (\d+)"
                   r" allocations?")


def check_info(t, memtui, path, want):
    for k, j in enumerate(want):
        screen = replay(memtui, path, "4" + "j" * k, size=INFO_SIZE)
        lines = screen.rstrip("\n").split("\n")
        m1, m2 = INFO1.match(lines[-3]), INFO2.match(lines[-2])
        if not t.true("info lines of " + j["name"], m1 and m2, "%r %r" % (lines[-3], lines[-2])):
            continue
        got = (m1.group(1), int(m1.group(5)), int(m1.group(6)), int(m1.group(7)),
               int(m1.group(8)), int(m2.group(1)), int(m2.group(2)), int(m2.group(3)),
               int(m2.group(4)), int(m2.group(5)))
        t.check("exact figures of " + j["name"], got,
                (j["name"], j["allocated_bytes"], j["allocations"], j["freed_bytes"], j["frees"],
                 j["net_bytes"], j["cumulative_bytes"], j["peak_bytes"], j["leaked_bytes"],
                 j["leaked_allocations"]))
        t.true("status of row %d" % (k + 1), "%d/%d" % (k + 1, len(want)) in status(screen),
               status(screen))


FRAME = re.compile(r"^    (.*) (\S*):(\d+) \[(.*)\] kind=(\d+)$")
EVENT = re.compile(r"^event (\d+) stack=(\d+) bytes=(-?\d+) count=(-?\d+) flags=(\d+)$")


def event_log(capdump, path):
    """[(ev, stack, bytes, count, flags)] and {stack: child-of-innermost-main or None}."""
    p = subprocess.run([capdump, path, "--events", "100000000", "--stacks"], capture_output=True,
                       timeout=120)
    if p.returncode:
        raise Failure("capdump %s: exit %d" % (path, p.returncode))
    events, frames, cls = [], {}, {}
    cur = None
    for line in p.stdout.decode(errors="replace").split("\n"):
        m = EVENT.match(line)
        if m:
            cur = int(m.group(2))
            events.append(tuple(int(g) for g in m.groups()))
            if cur in frames:
                cur = None
            else:
                frames[cur] = []
            continue
        m = FRAME.match(line)
        if m and cur is not None:
            frames[cur].append(m.group(1))
    for s, fns in frames.items():
        outer = fns[::-1]
        idx = [i for i, f in enumerate(outer) if f == "main"]
        cls[s] = outer[idx[-1] + 1] if idx and idx[-1] + 1 < len(outer) else None
    return events, cls


def stage_trees(t, memtui, capdump, path, want):
    events, cls = event_log(capdump, path)
    for k, j in enumerate(want[:-1]):
        live, alloc = {}, [0, 0]
        for ev, s, b, c, flags in events:
            if ev > j["last_event"]:
                break
            if cls.get(s) != j["name"]:
                continue
            live[s] = live.get(s, (0, 0))
            live[s] = (live[s][0] + b, live[s][1] + c)
            if flags & 1:
                alloc[0] += b
                alloc[1] += 1
        alive = (sum(v[0] for v in live.values()), sum(v[1] for v in live.values()))
        t.check(j["name"] + ": allocated from the log = report", tuple(alloc),
                (j["allocated_bytes"], j["allocations"]))
        keys = "4" + "j" * k + "<Enter>"
        screen = replay(memtui, path, keys, size=SIZE)
        st = status(screen)
        t.true(j["name"] + ": Enter opens its tree", "[tree]" in st and
               "alive at end of " + j["name"] in st, st)
        root = tree_rows(screen)[0]
        t.check(j["name"] + ": tree root = alive at its end", (root.function, root.value, root.count),
                ("<root>", fmt_bytes(alive[0]), alive[1]))
        screen = replay(memtui, path, keys + "t", size=SIZE)
        root = tree_rows(screen)[0]
        t.true(j["name"] + ": t names all allocated", "allocated in " + j["name"] in status(screen),
               status(screen))
        t.check(j["name"] + ": t: tree root = all it allocated", (root.value, root.count),
                (fmt_bytes(j["allocated_bytes"]), j["allocations"]))
        screen = replay(memtui, path, keys + "tt", size=SIZE)
        t.check(j["name"] + ": tt: alive again", tree_rows(screen)[0].value, fmt_bytes(alive[0]))
        screen = replay(memtui, path, keys + "f", size=SIZE)
        t.true(j["name"] + ": f shows the flame graph", "[flame graph]" in status(screen) and
               "flame graph, top-down, allocated in " + j["name"] in screen, status(screen))
        t.true(j["name"] + ": f: its root is the stage's tree", "all  %s" % fmt_bytes(alive[0])
               in screen, screen[-400:])
        for back in ("f<BS>", "<BS>", "ff<BS>", "q"):
            st = status(replay(memtui, path, keys + back, size=SIZE))
            t.true(j["name"] + ": %s back to the table" % back, "[stages]" in st, st)
        st = status(replay(memtui, path, keys + "d", size=SIZE))
        t.true(j["name"] + ": d in the stage tree pushes the diff", "[diff]" in st, st)


def check_sorting(t, memtui, path, want):
    for n, order in enumerate(ORDERS + ["time"]):
        screen = replay(memtui, path, "4" + "s" * n, size=SIZE)
        t.true("sort %d names %s" % (n, order), "sort: %s " % order in status(screen),
               status(screen))
        body = want[:-1]
        if order == "name":
            body = sorted(body, key=lambda j: j["name"])
        elif order != "time":
            body = sorted(body, key=lambda j: -j[ORDER_KEY[order]])
        t.check("rows by " + order, [r["name"] for r in table(screen)],
                [j["name"] for j in body] + [want[-1]["name"]])


def check_s_from_tree(t, memtui, path, rows4):
    for prefix, direction in (("", "top-down"), ("i", "bottom-up")):
        keys = None
        for k in range(8):
            cand = prefix + "/main<Enter>" + "n" * k
            st = status(replay(memtui, path, cand, size=SIZE))
            if re.search(r"\d+/\d+ main( |$)", st):
                keys = cand
                break
        if not t.true("%s: the tree has a main node" % direction, keys is not None, path):
            continue
        screen = replay(memtui, path, keys + "S", size=SIZE)
        st = status(screen)
        t.true("%s: S opens the stages under main" % direction,
               "[stages]" in st and "under main" in st, st)
        t.check("%s: S gives view 4's table" % direction, table(screen), rows4)
        st = status(replay(memtui, path, keys + "S<BS>", size=SIZE))
        t.true("%s: Backspace back to the tree" % direction, "[tree]" in st, st)
    st = replay(memtui, path, "S", size=SIZE)
    t.true("S on the root: a message", "select a function" in status(st), status(st))


def check_merge(t, memtui, path):
    each = stages_json(memtui, path, "under:parse_readings")
    merged = stages_json(memtui, path, "under:parse_readings", merge=True)
    t.true("parse_readings calls a function twice", len(each) > len(merged), "")
    keys = "/parse_readings<Enter>S"
    screen = replay(memtui, path, keys, size=SIZE)
    check_table(t, "under parse_readings", table(screen), each)
    t.true("each call in the status", "each call" in status(screen), status(screen))
    screen = replay(memtui, path, keys + "t", size=SIZE)
    check_table(t, "under parse_readings, t", table(screen), merged)
    t.true("merged in the status", "calls merged" in status(screen), status(screen))
    screen = replay(memtui, path, keys + "tt", size=SIZE)
    check_table(t, "under parse_readings, tt", table(screen), each)


def check_marks_and_diff(t, memtui, path, want):
    screen = replay(memtui, path, "4jj<Space>", size=SIZE)
    rows = table(screen)
    t.check("Space marks side A", [r["mark"] for r in rows],
            ["A" if i == 2 else " " for i in range(len(want))])
    t.true("Space: a message", "side A" in status(screen), status(screen))
    st = status(replay(memtui, path, "4d", size=SIZE))
    t.true("d without a mark: a message", "Space" in st and "[stages]" in st, st)
    st = status(replay(memtui, path, "4jj<Space>jd", size=SIZE))
    t.true("Space + d push the diff", "[diff]" in st, st)
    st = status(replay(memtui, path, "4/calib<Enter>", size=SIZE))
    t.true("/ finds a stage", "3/" in st and "/calib" in st, st)
    st = status(replay(memtui, path, "4/nothing<Enter>", size=SIZE))
    t.true("/ without a match says so", "no stage matches" in st, st)


def one(t, memtui, capdump, path, merge_case):
    want = stages_json(memtui, path, "under:main")
    screen = replay(memtui, path, "4", size=SIZE)
    st = status(screen)
    t.true(path + ": status", st.startswith("[stages] metric: peak") and "under main" in st, st)
    rows = table(screen)
    check_table(t, os.path.basename(path), rows, want)
    t.check("stage order", [r["name"] for r in rows][:-1], [j["name"] for j in want][:-1])
    check_info(t, memtui, path, want)
    check_sorting(t, memtui, path, want)
    check_s_from_tree(t, memtui, path, rows)
    if merge_case:
        check_merge(t, memtui, path)
    stage_trees(t, memtui, capdump, path, want)
    check_marks_and_diff(t, memtui, path, want)
    st = status(replay(memtui, path, "4m", size=SIZE))
    t.true("m: the app's next metric", "metric: leaks" in st, st)
    check_metric_columns(t, memtui, path, want)
    screen = replay(memtui, path, "4", size="80x24", env={"LANG": "C", "LC_ALL": "C"})
    t.true("80x24 ASCII: fits", all(len(l) <= 80 for l in screen.split("\n")) and
           all(ord(ch) < 128 for ch in screen), "")
    t.true("80x24: the main columns", [r["name"] for r in table(screen)] ==
           [j["name"] for j in want], screen)


CELL = re.compile(r"(-?[\d.]+ [KMGTP]?i?B|-?\d+|-)$")


def metric_table(screen, col):
    """The cells of column col (right-aligned under its title) of a stages screen."""
    lines = screen.split("\n")
    hi = next(i for i, l in enumerate(lines) if l.startswith("  stage") and col in l)
    end = lines[hi].index(" " + col) + len(col) + 1
    out = []
    for line in lines[hi + 1:]:
        if not line.strip() or line.startswith(" " * 20):
            break
        m = CELL.search(line[:end].rstrip())
        out.append(m.group(1) if m else None)
    return out


def check_metric_columns(t, memtui, path, want):
    """m: leaks shows the leaked column and says so; temporary its count where the capture has it."""
    screen = replay(memtui, path, "4m", size=SIZE)
    t.true("m leaks: the title names the column", "m: leaks = leaked (live at the end)" in screen,
           stage_title(screen))
    t.check("m leaks: the leaked column", metric_table(screen, "leaked"),
            [fmt_bytes(j["leaked_bytes"]) for j in want])
    if "heaptrack" not in path:
        return
    screen = replay(memtui, path, "4mmmm", size=SIZE)
    t.true("m temporary: the title names the column", "m: temporary = temporary" in screen,
           stage_title(screen))
    t.check("m temporary: the temporary column", metric_table(screen, "temporary"),
            [str(j["temporary"]) for j in want])
    t.true("m temporary: the report has some", sum(j["temporary"] for j in want) > 0, "")
    lines = screen.rstrip("\n").split("\n")
    t.true("m temporary: the info line has it",
           ("%d temporary" % want[0]["temporary"]) in lines[-2], lines[-2])


def one_row(t, memtui, samples):
    path = os.path.join(samples, "heaptrack", "heaptrack.threads.zst")
    want = stages_json(memtui, path, "under:main")
    t.check("threads: one stage under main", len(want), 2)
    screen = replay(memtui, path, "4", size=SIZE)
    t.true("1 row, not 1 rows", "1 row + outside" in screen, stage_title(screen))


def heaptrack_text(path, children, calls):
    """A heaptrack text capture: main calling children in the order calls, 100 B each."""
    lines, strings = ["v 10400 3", "X ./prog"], []

    def string(x):
        strings.append(x)
        lines.append("s %x %s" % (len(x), x))
        return len(strings)
    mod, fmain, src = string("/bin/prog"), string("main"), string("prog.c")
    lines.append("i 401000 %x %x %x a" % (mod, fmain, src))
    for k, c in enumerate(children):
        lines.append("i %x %x %x %x %x" % (0x402000 + 16 * k, mod, string(c), src, 20 + k))
    lines.append("t 1 0")
    lines += ["t %x 1" % (k + 2) for k in range(len(children))]
    lines += ["a 64 %x" % (k + 2) for k in range(len(children))]
    for i, c in enumerate(calls):
        if i % 5 == 0:
            lines.append("c %x" % (10 * (i // 5 + 1)))
        lines.append("+ %x" % children.index(c))
    lines.append("c %x" % (10 * (len(calls) // 5 + 2)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def default_split(t, memtui):
    with tempfile.TemporaryDirectory() as d:
        many = os.path.join(d, "many.txt")
        kids = ["step%d" % k for k in range(60)]
        heaptrack_text(many, kids, kids)
        screen = replay(memtui, many, "4", size=SIZE)
        title = stage_title(screen)
        t.true("60 calls under main: 10 slices, and why",
               title.startswith("stages 10 slices (under main gives 60 rows, 60 merged)"), title)
        t.true("60 calls: status says slices", "10 slices" in status(screen), status(screen))
        alt = os.path.join(d, "alt.txt")
        heaptrack_text(alt, ["read", "write"], ["read", "write"] * 30)
        screen = replay(memtui, alt, "4", size=SIZE)
        title = stage_title(screen)
        t.true("60 calls of 2 functions: merged, and why",
               title.startswith("stages under main (one row per call would be 60 rows)"), title)
        t.check("merged rows", [r["name"] for r in table(screen)],
                ["read", "write", "<outside stages>"])
        t.true("merged in the status", "calls merged" in status(screen), status(screen))


def marked(t, memtui, samples):
    """stages_marked.bin: view 4 shows the marks, named as the oracle names them."""
    path = os.path.join(samples, "memray", "stages_marked.bin")
    with open(path + ".oracle.json") as f:
        oracle = json.load(f)["marks_stages"]["stages"]
    screen = replay(memtui, path, "4", size=SIZE)
    title = stage_title(screen)
    t.true("marked: the default split is the marks", title.startswith("stages marks, 7 rows"),
           title)
    rows = table(screen)
    t.check("marked: the oracle's stage names", [r["name"] for r in rows],
            [o["name"] for o in oracle[1:]] + [oracle[0]["name"]])
    check_table(t, "marked", rows, stages_json(memtui, path, "marks"))


def slow_replay(memtui, path, keys, size, env=None):
    """uitest.replay for a capture that takes long to load (clang's, sanitizer builds)."""
    e = dict(os.environ)
    e.setdefault("LANG", "C.UTF-8")
    e["LC_ALL"] = e.get("LC_ALL", "")
    e.update(env or {})
    p = subprocess.run([memtui, "--replay", keys, "--size", size, path], capture_output=True,
                       env=e, timeout=600)
    if p.returncode:
        raise Failure("replay %r on %s: exit %d" % (keys, path, p.returncode))
    return p.stdout.decode("utf-8")


def cpp(t, memtui, cap):
    want = stages_json(memtui, cap, "under:main", timeout=600)
    screen = slow_replay(memtui, cap, "4", "140x30")  # wide enough for the calls column
    st, title = status(screen), stage_title(screen)
    t.true("clang: under main by default", "under main" in st and
           title.startswith("stages under main, "), title)
    m = re.search(r"(\d+) rows? \+ outside", title)
    t.true("clang: at most 50 rows", m and int(m.group(1)) == len(want) - 1 <= 50, title)
    t.true("clang: no ???", "???" not in screen, "")
    rows = table(screen)
    t.check("clang: the screen's rows are the report's", len(rows), min(len(want), 23))
    labels = {}
    for r, j in zip(rows, want):
        labels.setdefault(r["name"], set()).add(j["name"])
        if j["allocations"]:
            t.true("clang: %s has a top allocator" % r["name"], r.get("top") not in ("", "-"),
                   repr(r.get("top")))
    t.check("clang: no label for two functions",
            {k: sorted(v) for k, v in labels.items() if len(v) > 1}, {})
    ec = [(r, j) for r, j in zip(rows, want) if "ExecuteCompilation(" in j["name"]]
    t.true("clang: ExecuteCompilation shows its method, 1 call",
           len(ec) == 1 and ec[0][0]["name"].endswith("ExecuteCompilation(...)") and
           ec[0][0]["calls"] == "1", repr(ec[:1]))
    screen = slow_replay(memtui, cap, "4", "80x24", env={"LANG": "C", "LC_ALL": "C"})
    t.true("clang 80x24 ASCII: fits", all(len(l) <= 80 for l in screen.split("\n")) and
           all(ord(ch) < 128 for ch in screen), "")
    t.true("clang 80x24: the title keeps the metric",
           "; m: peak = peak" in stage_title(screen), stage_title(screen))


AGG_ORDERS = ["call order"] + ORDERS[1:] + ["leaked", "at peak"]
AGG_INFO = re.compile(r"^(.*): (\d+) calls?  leaked (\d+) B in (\d+) allocations?  at peak (\d+) B"
                      r" in (\d+) allocations?$")


def agg_table(screen):
    """The rows of a live-only stages screen: name, the by-time cells, leaked, at peak."""
    lines = screen.split("\n")
    hi = next(i for i, l in enumerate(lines) if l.startswith("  stage") and "leaked" in l)
    head = lines[hi]
    cols = [c for c in COLS if (" " + c + " ") in head] + ["leaked", "at peak"]
    ends = [head.index(" " + c + " ") + len(c) + 1 for c in cols]
    rows = []
    for line in lines[hi + 1:]:
        if not line.strip() or line.startswith(" " * 20):
            break
        prev = min(e - len(c) for e, c in zip(ends, cols))
        r = {"name": line[2:prev].strip()}
        for c, e in zip(cols, ends):
            r[c] = line[prev:e].strip()
            prev = e
        rows.append(r)
    return rows


def aggregated(t, memtui, path):
    oracle = json.load(open(path + ".oracle.json"))["stages"]
    want = [fn for fn in oracle["stage_functions"]
            if any(oracle["rows"][fn][k] for k in ("leaked_bytes", "at_hwm_bytes"))]
    want.append("<outside stages>")
    screen = replay(memtui, path, "4", size=SIZE)
    st = status(screen)
    t.true("aggregated: under main, one row per function",
           "under main" in st and "one row per function" in st, st)
    t.true("aggregated: the title says so", "aggregated capture: live figures only" in screen, "")
    rows = agg_table(screen)
    t.check("aggregated: rows", [r["name"] for r in rows], want)
    for r in rows:
        w = oracle["rows"][r["name"]]
        t.check("aggregated: %s live cells" % r["name"], (r["leaked"], r["at peak"]),
                (fmt_bytes(w["leaked_bytes"]), fmt_bytes(w["at_hwm_bytes"])))
        t.check("aggregated: %s by-time cells" % r["name"],
                sorted(set(v for k, v in r.items() if k not in ("name", "leaked", "at peak", "calls"))),
                ["-"])
    for k, name in enumerate(want):
        w = oracle["rows"][name]
        lines = replay(memtui, path, "4" + "j" * k, size=SIZE).rstrip("\n").split("\n")
        m = AGG_INFO.match(lines[-3])
        if t.true("aggregated: info line of " + name, m, lines[-3]):
            t.check("aggregated: exact figures of " + name,
                    tuple(int(g) for g in m.groups()[1:]),
                    (0 if k + 1 == len(want) else 1, w["leaked_bytes"], w["leaked_count"],
                     w["at_hwm_bytes"], w["at_hwm_count"]))
        t.true("aggregated: the info line says why", "no event stream" in lines[-2], lines[-2])
        keys = "4" + "j" * k + "<Enter>"
        screen = replay(memtui, path, keys, size=SIZE)
        t.true("aggregated: Enter on %s opens its leaks" % name,
               "[tree]" in status(screen) and "leaked by" in status(screen), status(screen))
        root = tree_rows(screen)[0]
        t.check("aggregated: %s tree root = oracle leaked" % name,
                (root.function, root.value, root.count),
                ("<root>", fmt_bytes(w["leaked_bytes"]), w["leaked_count"]))
        st = bottom(replay(memtui, path, keys + "t", size=SIZE))
        t.true("aggregated: %s t: all allocated not available" % name, "not available" in st, st)
        st = bottom(replay(memtui, path, keys + "d", size=SIZE))
        t.true("aggregated: %s d: not available" % name, "not available" in st and "[tree]" in st,
               st)
    st = bottom(replay(memtui, path, "4<Space>jd", size=SIZE))
    t.true("aggregated: Space + d: not available", "not available" in st and "[stages]" in st, st)
    st = status(replay(memtui, path, "4t", size=SIZE))
    t.true("aggregated: t: one row per function", "one row per function" in st, st)
    screen = replay(memtui, path, "4", size="200x30")
    title = stage_title(screen)
    t.true("aggregated: not by time", ", by call order" in title and "by time" not in title,
           title)
    for n, order in enumerate(AGG_ORDERS + ["call order"]):
        screen = replay(memtui, path, "4" + "s" * n, size=SIZE)
        t.true("aggregated: sort %d names %s" % (n, order), "sort: %s " % order in status(screen),
               status(screen))
        body = want[:-1]
        if order == "name":
            body = sorted(body)
        elif order in ("leaked", "at peak"):
            key = "leaked_bytes" if order == "leaked" else "at_hwm_bytes"
            body = sorted(body, key=lambda fn: -oracle["rows"][fn][key])
        t.check("aggregated: rows by " + order, [r["name"] for r in agg_table(screen)],
                body + [want[-1]])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--cpp":
        if not os.path.isfile(sys.argv[3]):
            print("skip: %s not recorded" % sys.argv[3])
            return 77
        t = Suite("stages view, clang")
        try:
            cpp(t, sys.argv[2], sys.argv[3])
        except Failure as e:
            print("FAIL %s" % e)
            t.failed += 1
        return t.done()
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    memtui, capdump, samples = sys.argv[1:]
    t = Suite("stages view")
    try:
        one(t, memtui, capdump, os.path.join(samples, "memray", "stages.bin"), True)
        one(t, memtui, capdump, os.path.join(samples, "heaptrack", "heaptrack.stages.zst"), False)
        aggregated(t, memtui, os.path.join(samples, "memray", "stages_aggregated.bin"))
        one_row(t, memtui, samples)
        marked(t, memtui, samples)
        default_split(t, memtui)
    except Failure as e:
        print("FAIL %s" % e)
        t.failed += 1
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
