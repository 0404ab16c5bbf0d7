#!/usr/bin/env python3
"""Headless replay tests of the diff view (`memtui --replay KEYS --size WxH A B`).

The replay draws the frames a user sees; these tests read them back and
compare every figure with `memtui report --diff --format json --top 0 A B`,
whose changes are exclusive per call path.  A tree row is inclusive, so its A
and B are the sums of the changes whose path starts with the row's path
(the root's: all of them), and its delta is B - A with its sign as text.
Covered, on a memray pair and a heaptrack pair:
  - the view opens on the largest change: the status names it, the selected
    path is the report's first change, and the flame graph's info line shows
    its exact self delta (memray: summarize -2,000,001 B; heaptrack:
    load_input -8,388,608 B);
  - every row of the fully expanded tree (A, B, delta, delta%) against the
    report, top-down, and bottom-up against the changes grouped by their
    allocating function;
  - the changed-only filter shows exactly the paths with a change below them;
  - the metric switch (leaks) re-weighs both sides;
  - the flame graph: frames drawn with their sign when colours are off, the
    info line's exact totals, zoom in (Enter) and out (Backspace);
  - search, Backspace to the parent, 80x24, LANG=C (ASCII only), 1x1.
Exits 77 (skipped) only when the binary does not take two captures yet.

usage: test_diff_view.py MEMTUI SAMPLE_CAPTURES
"""
import json
import os
import re
import subprocess
import sys

from uitest import Failure, Suite, fmt_bytes, node_start, status, title_origin

NUM = r"[+-]?[\d.]+ (?:[KMGTP]i)?B"
ROW = re.compile(r"^ *(%s) +(%s) +(%s) +([+-]?[\d.]+%%|new|gone|-) " % (NUM, NUM, NUM))
INFO = re.compile(r"A [^()]+\((-?\d+)\)  B [^()]+\((-?\d+)\)  delta [^()]+\(([+-]?\d+)\)"
                  r"  \S+  self ([+-]?\d+)")


def view_title(screen):
    """The view's own title row: the first line below the capture header (A and B)."""
    lines = screen.split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("A  ") or lines[i].startswith("B  ")
                              or lines[i].startswith("   ")):
        i += 1
    return lines[i] if i < len(lines) else ""


# The checks match paths by function names alone, which folding makes ambiguous
# (two files' <module> become siblings): they run unfolded; check_folded folds.
def run(memtui, keys, a, b, size="220x400", env=None, fold=False):
    e = dict(os.environ)
    e.setdefault("LANG", "C.UTF-8")
    e["LC_ALL"] = ""
    if env:
        e.update(env)
    return subprocess.run([memtui, "--replay", keys, "--size", size]
                          + ([] if fold else ["--no-fold"]) + [a, b], capture_output=True,
                          env=e, timeout=120)


def replay(memtui, keys, a, b, size="220x400", env=None, fold=False):
    p = run(memtui, keys, a, b, size, env, fold)
    if p.returncode != 0:
        raise Failure("replay %r on %s %s: exit %d: %s" % (keys, a, b, p.returncode,
                                                            p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8")


def report_diff(memtui, a, b, view="peak", fold=False):
    p = subprocess.run([memtui, "report", "--diff", "--format", "json", "--top", "0",
                        "--no-progress", "--view", view] + ([] if fold else ["--no-fold"])
                       + [a, b], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise Failure("report --diff %s %s: exit %d" % (a, b, p.returncode))
    return json.loads(p.stdout)


def norm(label):
    """Unnamed frames with absolute addresses match by module only: drop the address."""
    return re.sub(r"^0x[0-9a-f]+ in ", "0x? in ", label)


def signed(b):
    return ("+" if b > 0 else "") + fmt_bytes(b)


def change_text(a, b):
    if not a and not b:
        return "-"
    if not a:
        return "new"
    if not b:
        return "gone"
    return ("+" if b > a else "") + "%.1f%%" % (100.0 * (b - a) / a)


class Row:
    def __init__(self, a, b, delta, pct, depth, function, where):
        self.a, self.b, self.delta, self.pct = a, b, delta, pct
        self.depth, self.function, self.where = depth, function, where

    def __repr__(self):
        return "Row(%s %s %s %s d%d %s)" % (self.a, self.b, self.delta, self.pct, self.depth,
                                            self.function)


def diff_rows(screen):
    """The rows of a diff tree screen, with their paths from the root's children."""
    lines = screen.split("\n")
    title = next(i for i, l in enumerate(lines) if "delta%" in l and "function" in l)
    name_col = lines[title].index("function")
    rows, stack = [], []
    for line in lines[title + 1:]:
        m = ROW.match(line)
        if not m:
            break
        depth, start, _ = node_start(line[name_col:], title_origin(lines[title]))
        function, _, where = line[name_col:][start:].partition("  ")
        r = Row(m.group(1), m.group(2), m.group(3), m.group(4), depth, function, where.strip())
        del stack[depth:]
        stack.append(norm(function))
        r.path = tuple(stack[1:])
        rows.append(r)
    return rows


def sums(changes, path, bottom_up=False):
    """A and B of every change whose path (reversed bottom-up) starts with path."""
    a = b = 0
    for c in changes:
        p = [norm(f) for f in c["path"]]
        if bottom_up:
            p.reverse()
        if tuple(p[:len(path)]) == path:
            a += c["a_bytes"]
            b += c["b_bytes"]
    return a, b


def check_rows(t, what, rows, changes, bottom_up=False):
    t.true(what + ": rows shown", len(rows) > 3, "%d rows" % len(rows))
    for r in rows:
        a, b = sums(changes, r.path, bottom_up)
        want = (fmt_bytes(a), fmt_bytes(b), signed(b - a), change_text(a, b))
        if not t.check("%s: row %s" % (what, "/".join(r.path) or "<root>"),
                       (r.a, r.b, r.delta, r.pct), want):
            return


def selected_path(screen):
    """The path of the cursor's row: status 'N/M fn' gives N."""
    m = re.search(r" (\d+)/(\d+) ", status(screen))
    rows = diff_rows(screen)
    return rows[int(m.group(1)) - 1].path if m and int(m.group(1)) <= len(rows) else None


def check_pair(t, memtui, a, b, first_fn, first_delta):
    name = "%s vs %s" % (os.path.basename(a), os.path.basename(b))
    rep = report_diff(memtui, a, b)
    first = rep["changes"][0]
    t.check(name + ": report's first change", (first["function"], first["delta_bytes"]),
            (first_fn, first_delta))
    screen = replay(memtui, "", a, b)
    st = status(screen)
    t.true(name + ": status", "[diff]" in st and "metric: peak" in st and first_fn in st, st)
    t.check(name + ": opens on the largest change", selected_path(screen),
            tuple(norm(f) for f in first["path"]))
    title = view_title(screen)
    t.true(name + ": title names the sides",
           os.path.basename(a) in title and os.path.basename(b) in title, title)
    root = diff_rows(screen)[0]
    t.check(name + ": root row", (root.a, root.b, root.delta),
            (fmt_bytes(rep["total"]["a"]), fmt_bytes(rep["total"]["b"]),
             signed(rep["total"]["delta"])))

    # Every row of the whole tree, both directions.
    check_rows(t, name + " top-down", diff_rows(replay(memtui, "E", a, b)), rep["changes"])
    check_rows(t, name + " bottom-up", diff_rows(replay(memtui, "iE", a, b)), rep["changes"],
               bottom_up=True)

    # Changed paths only: exactly the prefixes of changed paths.
    rows = diff_rows(replay(memtui, "tE", a, b))
    want = {()}
    for c in rep["changes"]:
        if c["delta_bytes"]:
            p = tuple(norm(f) for f in c["path"])
            want.update(p[:i] for i in range(1, len(p) + 1))
    t.check(name + ": changed-only rows", sorted(r.path for r in rows), sorted(want))
    check_rows(t, name + " changed-only", rows, rep["changes"])
    full = diff_rows(replay(memtui, "E", a, b))
    t.true(name + ": unchanged rows exist without the filter",
           any(r.delta == "0 B" for r in full) and len(full) > len(rows))

    # Another metric re-weighs both sides.
    leaks = report_diff(memtui, a, b, "leaks")
    screen = replay(memtui, "mE", a, b)
    t.true(name + ": leaks status", "metric: leaks" in status(screen), status(screen))
    check_rows(t, name + " leaks", diff_rows(screen), leaks["changes"])

    # Flame graph: the selected frame's exact figures, its sign without colours.
    screen = replay(memtui, "2", a, b, size="160x30")
    st = status(screen)
    t.true(name + ": flame status", "[diff flame]" in st and "metric:" in st, st)
    info = screen.rstrip("\n").split("\n")[-2]
    m = INFO.search(info)
    fa, fb = sums(rep["changes"], tuple(norm(f) for f in first["path"]))
    if t.true(name + ": flame info line", m is not None and info.startswith(first_fn), info):
        t.check(name + ": flame exact figures", tuple(int(x) for x in m.groups()),
                (fa, fb, fb - fa, first_delta))
    body = screen.split("\n")[1:-2]
    t.true(name + ": flame draws the shrunk frame with '-'",
           any(("-" + first_fn) in l for l in body), "\n".join(body))
    t.true(name + ": flame draws the root", any(l.startswith("-all") or l.startswith("+all")
                                                 or l.startswith("all") for l in body))
    screen = replay(memtui, "2<Enter>", a, b, size="160x30")
    t.true(name + ": flame zoom", "zoomed into " + first_fn in view_title(screen),
           view_title(screen))
    parent = norm(first["path"][-2])
    screen = replay(memtui, "2<Enter><BS>", a, b, size="160x30")
    t.true(name + ": flame zoom out", "zoomed into " + parent in view_title(screen),
           view_title(screen))
    screen = replay(memtui, "2<Enter>" + "<BS>" * len(first["path"]), a, b, size="160x30")
    t.true(name + ": flame zoom out to the root", "zoomed" not in view_title(screen),
           view_title(screen))
    screen = replay(memtui, "2f", a, b, size="160x30")
    t.true(name + ": f: flame to tree", "[diff]" in status(screen) and
           selected_path(screen) == tuple(norm(f) for f in first["path"]), status(screen))

    # Backspace goes to the parent of the (collapsed or leaf) hot node.
    screen = replay(memtui, "<BS>", a, b)
    t.check(name + ": Backspace", selected_path(screen),
            tuple(norm(f) for f in first["path"])[:-1])

    # Search: the cursor lands on a matching function.
    target = rep["changes"][-1]
    fn = target["function"]
    screen = replay(memtui, "g/%s<Enter>" % fn.replace("<", "<lt>"), a, b)
    t.true(name + ": search finds " + fn, "/%s (" % fn in status(screen)
           and status(screen).split("  /")[0].rstrip().endswith(fn), status(screen))

    # 80x24, ASCII, tiny screens.
    screen = replay(memtui, "", a, b, size="80x24")
    t.true(name + ": 80x24 shows the largest change",
           first_fn in screen and "[diff]" in status(screen), screen)
    row = [r for r in diff_rows(screen) if r.function == first_fn]
    t.true(name + ": 80x24 row has its signed delta",
           bool(row) and row[0].delta.startswith("-"), repr(row))
    for keys in ("", "2", "E", "2<Enter>", "iE"):
        screen = replay(memtui, keys, a, b, size="100x30", env={"LANG": "C"})
        t.true(name + ": LANG=C is ASCII (%r)" % keys, all(ord(ch) < 128 for ch in screen))
    for size in ("1x1", "3x3", "20x5"):
        p = run(memtui, "jjl2<Enter>f<BS>itm", a, b, size=size)
        t.check(name + ": %s screen" % size, p.returncode, 0)


def check_folded(t, memtui, a, b):
    """Folded (the default): the runpy frames are gone, the totals stay, the
    changed rows are the folded report's paths, and z unfolds."""
    rep = report_diff(memtui, a, b, fold=True)
    rows = diff_rows(replay(memtui, "E", a, b, fold=True))
    t.check("folded: root row", (rows[0].a, rows[0].b),
            (fmt_bytes(rep["total"]["a"]), fmt_bytes(rep["total"]["b"])))
    t.true("folded: no runpy frame", not any(r.function == "_run_tracker" for r in rows),
           repr(rows[:3]))
    for c in rep["changes"]:
        if not c["delta_bytes"]:
            continue
        row = [r for r in rows if r.path == tuple(c["path"])]
        t.true("folded: changed path %s shown" % ";".join(c["path"]), len(row) == 1)
        if row and not any(r.path[:len(c["path"])] == tuple(c["path"]) and r is not row[0]
                           for r in rows):
            t.check("folded: %s" % ";".join(c["path"]), (row[0].a, row[0].b),
                    (fmt_bytes(c["a_bytes"]), fmt_bytes(c["b_bytes"])))
    screen = replay(memtui, "zE", a, b, fold=True)
    t.true("z unfolds the diff", "fold: off" in status(screen) and
           any(r.function == "_run_tracker" for r in diff_rows(screen)), status(screen))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, samples = sys.argv[1], sys.argv[2]
    t = Suite("ui_diff")
    pairs = [
        (os.path.join(samples, "memray", "diff_before.bin"),
         os.path.join(samples, "memray", "diff_after.bin"), "summarize", -2000001),
        (os.path.join(samples, "heaptrack", "heaptrack.phases_before.zst"),
         os.path.join(samples, "heaptrack", "heaptrack.phases_after.zst"), "load_input",
         -8388608),
    ]
    probe = run(memtui, "", pairs[0][0], pairs[0][1], size="80x24")
    if probe.returncode != 0:
        print("SKIP: this memtui does not explore two captures yet: %s"
              % probe.stderr.decode(errors="replace").strip())
        return 77
    try:
        for a, b, fn, delta in pairs:
            check_pair(t, memtui, a, b, fn, delta)
        check_folded(t, memtui, pairs[0][0], pairs[0][1])
    except Failure as e:
        print("FAIL ui_diff: %s" % e)
        return 1
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
