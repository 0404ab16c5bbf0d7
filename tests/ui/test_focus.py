#!/usr/bin/env python3
"""Focus (F): the tree and the flame graph from one node, against `memtui report --focus`.

For memray and heaptrack captures, in both directions and for several metrics:
the node a search finds is focused with F; every row of the fully expanded
focused tree (depth, function, bytes, share of the focus, count) equals the
report's JSON tree for the same --focus, and the breadcrumb names the path
and the focus's share of all.  The report's CSV and collapsed stacks under a
focus hold exactly the stacks through it: their weights add up to the focus
node's total in the whole tree.  Backspace at the focus goes back through the
history, the flame graph zooms to the same focus and shows the ancestors it
zoomed through, Enter there moves the tree's focus too, z keeps the focus,
the flame graph scrolls below its last row, and a --focus that names no node
is a one-line error.

usage: test_focus.py MEMTUI SAMPLES_DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import (Suite, replay, report, tree_rows, breadcrumb, status,  # noqa: E402
                    fmt_bytes, fmt_percent, json_rows)

# (capture, metric, direction, search pattern, --focus path, breadcrumb levels)
CASES = [
    ("memray/stages.bin", "peak", "top-down", "calibrate", "<module>;main;calibrate",
     ["all", "<module>", "main", "calibrate"]),
    ("memray/stages.bin", "allocated", "top-down", "parse_readings",
     "<module>;main;parse_readings", ["all", "<module>", "main", "parse_readings"]),
    ("memray/threads.bin", "peak", "top-down", "_bootstrap_inner",
     "_bootstrap;_bootstrap_inner", ["all", "_bootstrap", "_bootstrap_inner"]),
    ("heaptrack/heaptrack.stages.zst", "peak", "top-down", "calibrate", "main;calibrate",
     ["all", "main", "calibrate"]),
    ("heaptrack/heaptrack.stages.zst", "leaks", "top-down", "main", "main", ["all", "main"]),
    ("heaptrack/heaptrack.stages.zst", "peak", "bottom-up", "build_table", "build_table",
     ["all", "build_table"]),
]
METRIC_KEYS = {"peak": "", "leaks": "m", "allocated": "mm"}


def run(memtui, *args):
    return subprocess.run([memtui] + list(args), capture_output=True, timeout=120)


def keys_to(metric, direction, pattern):
    """From the start: the metric, the direction, the search, then F."""
    return (METRIC_KEYS[metric] + ("i" if direction == "bottom-up" else "") + "/" + pattern
            + "<Enter>F")


def check_rows(s, name, screen, tree):
    """The expanded focused tree equals the report's tree from the focus, row by row."""
    rows = tree_rows(screen)
    want = json_rows(tree["root"])
    focus = tree["root"]["value"]
    s.check("%s: rows on screen" % name, len(rows), len(want))
    base = rows[0].depth if rows else 0
    for r, (depth, function, value, count) in zip(rows, want):
        s.check("%s: %s: depth below the focus" % (name, function), r.depth - base, depth)
        s.true("%s: %s: function" % (name, function), function.startswith(r.function[:10]),
               "%r vs %r" % (r.function, function))
        s.check("%s: %s: bytes" % (name, function), r.value, fmt_bytes(value))
        s.check("%s: %s: share of the focus" % (name, function), r.share,
                fmt_percent(value, focus))
        s.check("%s: %s: count" % (name, function), r.count, count)


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    s = Suite("focus")
    for capture, metric, direction, pattern, path, levels in CASES:
        f = os.path.join(samples, capture)
        name = "%s %s %s %s" % (capture, metric, direction, path)
        whole = report(memtui, f, "--metric", metric, "--tree", direction)["tree"]
        focused = report(memtui, f, "--metric", metric, "--tree", direction, "--focus", path)
        tree = focused["tree"]
        s.check("%s: JSON names the focus" % name, tree["focus"], path)
        s.check("%s: JSON: the whole tree's value" % name, tree["whole_value"],
                whole["root"]["value"])
        s.check("%s: JSON root is the focus" % name, tree["root"]["function"], levels[-1])
        # Collapsed stacks and CSV: the stacks through the focus, adding up to it.
        for fmt in ("collapsed", "csv"):
            p = run(memtui, "report", "--no-progress", "--format", fmt, "--metric", metric,
                    "--tree", direction, "--focus", path, f)
            lines = p.stdout.decode().strip().split("\n")
            if fmt == "csv":
                total = sum(int(x.split(",")[0]) for x in lines[1:] if x)
            else:
                total = sum(int(x.rsplit(" ", 1)[1]) for x in lines if x)
            s.check("%s: %s weights add up to the focus" % (name, fmt), total,
                    tree["root"]["value"])
        keys = keys_to(metric, direction, pattern)
        screen = replay(memtui, f, keys + "E", size="160x100")
        check_rows(s, name, screen, tree)
        crumb = breadcrumb(screen) or ""
        share = fmt_percent(tree["root"]["value"], whole["root"]["value"])
        s.true("%s: breadcrumb" % name,
               crumb.startswith("focus: " + " \u203a ".join(levels) + "  " + share + " of all"),
               repr(crumb))
        # Backspace at the focus: back to the whole tree, the cursor kept on the node.
        screen = replay(memtui, f, keys + "<BS>", size="160x40")
        s.check("%s: Backspace: no focus" % name, breadcrumb(screen), None)
        s.true("%s: Backspace keeps the node" % name,
               re.search(r" \d+/\d+ %s " % re.escape(levels[-1]), status(screen)),
               status(screen))
        # The flame graph zooms to the same focus, its ancestors above it.
        screen = replay(memtui, f, keys + "2", size="160x40")
        lines = screen.split("\n")
        s.true("%s: flame title" % name, ("zoomed into " + levels[-1]) in lines[0], lines[0])
        for i, level in enumerate(levels[:-1]):
            s.true("%s: flame ancestor row %d" % (name, i), lines[1 + i].startswith(level),
                   repr(lines[1 + i]))
        s.true("%s: flame zoom row" % name, lines[len(levels)].startswith(levels[-1]),
               repr(lines[len(levels)]))

    # History: two focuses, Backspace goes back to the first; Enter in the flame
    # graph is the tree's focus too; z keeps it; ASCII breadcrumb.
    f = os.path.join(samples, "memray/stages.bin")
    screen = replay(memtui, f, "/main<Enter>F/calibrate<Enter>F<BS>", size="120x40")
    s.true("history: back to the first focus",
           (breadcrumb(screen) or "").startswith("focus: all \u203a <module> \u203a main  "),
           repr(breadcrumb(screen)))
    screen = replay(memtui, f, "2jjj<Enter>1", size="120x40")
    s.true("flame Enter focuses the tree",
           (breadcrumb(screen) or "").startswith("focus: all \u203a <module> \u203a main "
                                                 "\u203a calibrate  "),
           repr(breadcrumb(screen)))
    screen = replay(memtui, f, "2jjj<Enter><BS>1", size="120x40")
    s.check("flame Backspace leaves the focus", breadcrumb(screen), None)
    screen = replay(memtui, f, "/calibrate<Enter>Fz", size="120x40")
    s.true("z keeps the focus", "\u203a calibrate  57.3% of all" in (breadcrumb(screen) or ""),
           repr(breadcrumb(screen)))
    screen = replay(memtui, f, "/calibrate<Enter>F", size="120x40", env={"LANG": "C"})
    s.true("ASCII breadcrumb", (breadcrumb(screen) or "").startswith(
        "focus: all > <module> > main > calibrate"), repr(breadcrumb(screen)))
    # A narrow screen cuts the levels nearest the root, never the focus.
    screen = replay(memtui, f, "/calibrate<Enter>F", size="40x20")
    crumb = breadcrumb(screen) or ""
    s.true("narrow breadcrumb keeps the focus", "calibrate" in crumb and "\u2026" in crumb,
           repr(crumb))

    # The flame graph scrolls: at 80x9 the seventh level down is shown, not the root.
    f = os.path.join(samples, "heaptrack/heaptrack.deep_O0.zst")
    screen = replay(memtui, f, "2" + "j" * 7, size="80x9")
    lines = screen.rstrip("\n").split("\n")
    s.true("flame scrolled: the root row is gone", not lines[1].startswith("all"), lines[1])
    s.true("flame scrolled: status says from which level", "from level" in lines[-1],
           lines[-1])
    s.true("flame scrolled: the selection is the allocator",
           lines[-2].startswith("std::__new_allocator<>::allocate"), lines[-2])
    screen = replay(memtui, f, "2" + "j" * 7 + "g", size="80x9")
    s.true("flame g: back to the top", screen.split("\n")[1].startswith("all"),
           screen.split("\n")[1])

    # F elsewhere says where it works.
    screen = replay(memtui, os.path.join(samples, "memray/stages.bin"), "5F", size="120x30")
    s.true("F in view 5 says where focus works",
           "F: focus is in the tree and the flame graph" in status(screen), status(screen))

    # A focus that names no node.
    p = run(memtui, "report", "--focus", "<module>;nope",
            os.path.join(samples, "memray/stages.bin"))
    err = p.stderr.decode()
    s.check("missing focus: exit", p.returncode, 2)
    s.true("missing focus: one line naming the name and where",
           err.count("\n") == 1 and "no 'nope' under '<module>'" in err, repr(err))
    p = run(memtui, "report", "--focus", "main", "--group", "function",
            os.path.join(samples, "memray/stages.bin"))
    s.check("--focus with --group: usage error", p.returncode, 2)
    return s.done()


if __name__ == "__main__":
    sys.exit(main())
