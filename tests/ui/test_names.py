#!/usr/bin/env python3
"""Names and structure of a large C++ capture on screen (issue 10, items 10-12).

Drives the headless replay on the heaptrack capture of clang++ compiling
tests/programs/heavy.cpp (the record_cpp fixture) and checks:
  - the default tree at 80x24 and 120x40 reads short names: no template
    arguments, no return types, "(...)" for parameters where space is short,
    and a cut name keeps its end (the method), never its namespace;
  - v shows the full names as `memtui report` prints them, cut at their end;
  - the detail pane under the tree has the cursor's full name, wrapped, and
    figures equal to the report's for that node;
  - the search matches function names and not their parameter types;
  - past the indent cap (deep stacks: clang's hot path is 60 frames deep)
    rows show their depth, and the depths read back form the tree;
  - the flame graph's spans read short names too;
  - no name or figure is cut inside a number.

usage: test_names.py MEMTUI CLANG_CAPTURE    (exit 77 when the capture is missing)
"""
import os
import re
import sys

from uitest import (Failure, Suite, fmt_bytes, replay, report, status, tree_rows)

ELLIPSIS = "\u2026"
DRIVER = ("clang::driver::Driver::ExecuteCompilation(clang::driver::Compilation&, "
          "llvm::SmallVectorImpl<std::pair<int, clang::driver::Command const*> >&)")


def pane(screen, rows):
    return [line.rstrip() for line in screen.rstrip("\n").split("\n")[-1 - rows:-1]]


def template_args(name):
    """Whether name has template arguments left: a '<' not closed at once ("<>")."""
    return re.search(r"<(?!>)", name.replace("<root>", "").replace("operator<", "")) is not None


def check_short_names(t, memtui, path):
    for size in ("80x24", "120x40"):
        rows = tree_rows(replay(memtui, path, "", size=size))
        names = [r.function for r in rows]
        t.true(size + ": rows", len(rows) > 10, str(rows))
        t.true(size + ": no template arguments", not [n for n in names if template_args(n)],
               str([n for n in names if template_args(n)]))
        t.true(size + ": no name cut at its end", not [
            n for n in names if n.endswith(ELLIPSIS) and not n.startswith("0x")],
               str(names))
        driver = [n for n in names if "ExecuteCompilation" in n]
        t.true(size + ": the driver's row keeps its method",
               driver and driver[0].endswith("ExecuteCompilation(...)"), str(driver))
    rows = tree_rows(replay(memtui, path, "", size="160x40"))
    t.true("160 columns: the driver's row in full short form",
           "clang::driver::Driver::ExecuteCompilation(clang::driver::Compilation&, "
           "llvm::SmallVectorImpl<>&)" in [r.function for r in rows],
           str([r.function for r in rows]))
    rows = tree_rows(replay(memtui, path, "v", size="160x40"))
    got = [r.function for r in rows if r.function.startswith("clang::driver::Driver::")]
    t.true("v: the full name, cut at its end",
           got and got[0].endswith(ELLIPSIS) and DRIVER.startswith(got[0][:-1]), str(got))


def check_pane(t, memtui, path, rep):
    """The pane of the driver's node: the full name and the report's figures (Ctrl-L: after
    the search's one-frame message, which takes a row of its own above the status line)."""
    node, depth = rep["tree"]["root"], 0
    while node["function"] != DRIVER:
        node = max(node["children"], key=lambda c: c["value"])
        depth += 1
    screen = replay(memtui, path, "/ExecuteCompilation<Enter><Ctrl-L>", size="80x24")
    lines = pane(screen, 3)
    t.true("pane at 80x24: the name's start, cut at its end",
           lines[0].endswith(ELLIPSIS) and DRIVER.startswith(lines[0][:-1]) and
           len(lines[0]) == 80, lines[0])
    t.true("pane at 80x24: the module", "libclang-cpp.so" in lines[1], lines[1])
    want = "total %s (%d B), %d live" % (fmt_bytes(node["value"]), node["value"],
                                           node["count"])
    t.true("pane at 80x24: the report's total", want in lines[2], "%r lacks %r" % (lines[2], want))
    t.true("pane: depth", lines[2].endswith("depth %d" % depth), lines[2])
    lines = pane(replay(memtui, path, "/ExecuteCompilation<Enter><Ctrl-L>", size="60x60"), 5)
    t.check("pane at 60x60: the whole name, wrapped", "".join(lines[:3]).startswith(DRIVER[:150]),
            True)


def check_search(t, memtui, path):
    st = status(replay(memtui, path, "/Sema&<Enter>"))
    t.true("/Sema&: a parameter type matches nothing", "no match" in st, st)
    st = status(replay(memtui, path, "/Sema<Enter>", size="200x30"))
    pos = st.split("  /Sema")[0]
    t.true("/Sema: the first match is a Sema function, not ParseAST(clang::Sema&, ...)",
           "Sema::" in pos and "ParseAST" not in pos, st)
    st = status(replay(memtui, path, "/ParseAST<Enter>", size="200x30"))
    t.true("/ParseAST: found by its name", "clang::ParseAST(...)  /ParseAST (" in st, st)


def check_depth(t, memtui, path):
    keys = "l" * 45   # down the first (largest) child, 44 levels deep
    screen = replay(memtui, path, keys, size="80x24")
    rows = tree_rows(screen)
    t.true("80x24 deep: rows numbered past the cap",
           re.search(r" [2-9]\d [\u25be\u25b8 ] ", screen) is not None, screen)
    depth_line = pane(screen, 3)[2]
    cursor = int(re.search(r"depth (\d+)$", depth_line).group(1))
    t.true("80x24 deep: the cursor is deep", cursor >= 30, depth_line)
    # Moving down past the last row keeps the cursor on the last row shown.
    t.check("80x24 deep: the cursor's row reads its depth", rows[-1].depth, cursor)
    t.true("80x24 deep: each row is one level below the one above",
           all(b.depth == a.depth + 1 for a, b in zip(rows, rows[1:])),
           str([r.depth for r in rows]))
    screen = replay(memtui, path, keys + ">", size="80x24")
    rows = tree_rows(screen)
    t.check(">: the cursor's row keeps its depth", rows[-1].depth, cursor)
    t.true(">: indented again near the cursor",
           re.search(r"\(from depth %d\)" % (cursor - 2), screen) is not None, screen[:600])


def check_flame(t, memtui, path):
    screen = replay(memtui, path, "2" + "j" * 20, size="100x30")
    lines = screen.split("\n")[1:-2]
    t.true("flame: spans without template arguments",
           not [ln for ln in lines if template_args(ln)], "\n".join(lines))
    t.true("flame: short names", "clang::driver::Driver::ExecuteCompilation(...)" in screen,
           screen)


def check_no_cut_number(t, memtui, path):
    """Names and the pane are cut between words: never a number before an ellipsis."""
    for keys in ("", "v", "l" * 33, "v" + "l" * 33, "2" + "j" * 12, "v2" + "j" * 12):
        screen = replay(memtui, path, keys, size="80x24")
        body = screen.split("\n")[3:-2]
        cut = [ln for ln in body if re.search(r"\d" + ELLIPSIS, ln)]
        t.true("80x24 %r: no number cut" % keys[:8], not cut, "\n".join(cut))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, path = sys.argv[1], sys.argv[2]
    if not os.path.exists(path):
        print("skip: no C++ capture at %s (record_cpp records it)" % path)
        return 77
    t = Suite("names")
    try:
        rep = report(memtui, path, "--depth", "12")
        check_short_names(t, memtui, path)
        check_pane(t, memtui, path, rep)
        check_search(t, memtui, path)
        check_depth(t, memtui, path)
        check_flame(t, memtui, path)
        check_no_cut_number(t, memtui, path)
    except Failure as ex:
        t.true("run", False, str(ex))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
