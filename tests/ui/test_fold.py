#!/usr/bin/env python3
"""Folding frames and the self column (issue 14, items 1 and 2).

Report: folding changes no total.  For every metric a sample capture has
(memray Python, memray native/hybrid, heaptrack), the folded JSON tree is
checked against the unfolded one (--no-fold): the root keeps its total and
count, and every node of the folded tree weighs exactly the unfolded nodes it
stands for (the kept nodes whose path, with the folded frames left out, is its
path), so every ancestor of a folded frame keeps its value; its self is the
self of those nodes and of the folded frames below them.  The presets fold
what they name (memray's runpy chain, CPython's evaluation frames, libc's
start-up) and keep the program's own frames; a --fold rule folds what it
matches; CSV and collapsed stacks lose the folded frames and still add up to
the root; the report names the rules (text line, JSON key).

Explorer: with folding on (the default) the tree on screen is the report's
folded tree, row for row, self column included; the status line says
"fold: 3 presets"; z turns folding off (the --no-fold tree) and on again,
keeping the selection on the same function; --fold and --no-fold on the
explorer's command line do what they do for the report.  Sorting: s cycles
size, count, name, self, and by self siblings come by |self| descending.

usage: test_fold.py MEMTUI SAMPLES_DIR
"""
import fnmatch
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import Suite, fmt_bytes, replay, report, status, tree_rows  # noqa: E402

METRICS = ("peak", "leaks", "allocated", "allocations", "temporary")


def key(n):
    return (n["function"], n["file"])


def walk(node, path=()):
    """(path of (function, file) from the root's children, node), pre-order."""
    yield path, node
    for c in node["children"]:
        yield from walk(c, path + (key(c),))


def check_totals(t, name, plain, folded):
    """Every folded node = the sum of the kept unfolded nodes it stands for."""
    kept = {key(n) for _, n in walk(folded) if n["function"] != "<root>"}
    want, want_self = {}, {}

    def fold_walk(node, fpath, is_kept):
        if is_kept:
            v, c = want.get(fpath, (0, 0))
            want[fpath] = (v + node["value"], c + node["count"])
        want_self[fpath] = want_self.get(fpath, 0) + node["self"]
        for ch in node["children"]:
            k = key(ch) in kept
            fold_walk(ch, fpath + (key(ch),) if k else fpath, k)
    fold_walk(plain, (), True)
    got = {p: (n["value"], n["count"]) for p, n in walk(folded)}
    got_self = {p: n["self"] for p, n in walk(folded)}
    t.check(name + ": root total and count kept", got[()], (plain["value"], plain["count"]))
    t.check(name + ": folded nodes = unfolded paths", sorted(got), sorted(want))
    bad = [p for p in got if got[p] != want.get(p)]
    t.check(name + ": every folded node weighs the nodes it stands for", bad[:3], [])
    bad = [p for p in got_self if got_self[p] != want_self.get(p)]
    t.check(name + ": self of a node takes its folded frames' self", bad[:3], [])
    # Each folded frame's nearest kept ancestor keeps its unfolded total.
    for path, n in walk(plain):
        if path and key(n) not in kept:
            parent = tuple(k for k in path[:-1] if k in kept)
            up = tuple(k for k in path[:-1])
            pv = next(m["value"] for p, m in walk(plain) if p == up)
            if all(k in kept for k in up):
                t.check(name + ": parent of folded %s keeps its total" % n["function"],
                        got[parent][0], pv)
                break
    return kept


def check_report(t, memtui, samples):
    caps = [os.path.join(samples, "memray", "stages.bin"),
            os.path.join(samples, "memray", "native_fixture.bin"),
            os.path.join(samples, "heaptrack", "heaptrack.stages.zst"),
            os.path.join(samples, "heaptrack", "heaptrack.leaky.zst")]
    for cap in caps:
        for m in METRICS:
            plain = report(memtui, cap, "--metric", m, "--no-fold")
            if plain["tree"]["missing"]:
                continue
            folded = report(memtui, cap, "--metric", m)
            name = "%s %s" % (os.path.basename(cap), m)
            kept = check_totals(t, name, plain["tree"]["root"], folded["tree"]["root"])
            t.check(name + ": JSON names the presets", folded["fold"]["presets"],
                    ["runpy", "cpython", "libc"])
            t.check(name + ": --no-fold: none", (plain["fold"]["presets"],
                                                 plain["fold"]["frames_folded"]), ([], 0))
            t.true(name + ": frames folded", folded["fold"]["frames_folded"] > 0)
            names = {f for f, _ in kept}
            for gone in ("_run_tracker", "run_path", "_run_code", "_PyEval_EvalFrameDefault",
                         "PyObject_Vectorcall", "_PyObject_MakeTpCall", "PyEval_EvalCode",
                         "_start", "__libc_start_call_main", "__libc_start_main_impl",
                         "_find_and_load"):
                t.true(name + ": preset folds " + gone, gone not in names)
            # memray's temporary allocations here are the import system's, all folded
            if m != "temporary" or "heaptrack" in cap:
                t.true(name + ": the program's main stays", "main" in names, sorted(names)[:20])
            for sub in ("frozen importlib", "frozen runpy"):
                t.true(name + ": no <%s> frame" % sub, not any(sub in f for _, f in kept))
            t.true(name + ": no unnamed python3 frame",
                   not any(f.endswith(" in python3.11") for f, _ in kept))
            t.check(name + ": top list unfolded", folded["top"], plain["top"])
    # Hybrid stacks: the Python frames follow each other, CPython's frames gone.
    nat = report(memtui, caps[1])["tree"]["root"]
    paths = [tuple(f for f, _ in p) for p, _ in walk(nat)]
    t.true("native: <module> > main > build_matrix directly",
           ("<module>", "main", "build_matrix") in paths, paths[:10])


def check_rules(t, memtui, samples):
    cap = os.path.join(samples, "memray", "native_fixture.bin")
    plain = report(memtui, cap, "--no-fold")
    mine = report(memtui, cap, "--no-fold", "--fold", "module:libffi.so*", "--fold",
                  "unnamed:*_ctypes*", "--fold", "file:native_fixture.py")
    kept = check_totals(t, "--fold rules", plain["tree"]["root"], mine["tree"]["root"])
    t.check("--fold rules: JSON lists them", (mine["fold"]["presets"], mine["fold"]["rules"]),
            ([], ["module:libffi.so*", "unnamed:*_ctypes*", "file:native_fixture.py"]))
    nodes = [n for _, n in walk(mine["tree"]["root"])]
    t.true("module: rule folds libffi frames",
           not any(fnmatch.fnmatch(os.path.basename(n["module"]), "libffi.so*") for n in nodes))
    t.true("unnamed: rule folds unnamed _ctypes frames",
           not any(n["function"].endswith("_ctypes.cpython-311-x86_64-linux-gnu.so")
                   for n in nodes))
    t.true("file: rule (last part) folds the script's frames",
           not any(f.endswith("/native_fixture.py") for _, f in kept), sorted(kept)[:5])
    t.true("function glob: 'fixture_*' folds", "fixture_make_matrix" not in {
        n["function"] for _, n in walk(report(memtui, cap, "--fold", "fixture_*")["tree"]
                                        ["root"])})
    text = subprocess.run([memtui, "report", "--no-progress", "--depth", "0", "--fold",
                           "std::*", cap], capture_output=True).stdout.decode()
    t.true("text: the fold line", "\nfold        runpy, cpython, libc, std::*: " in text, text)
    text = subprocess.run([memtui, "report", "--no-progress", "--depth", "0", "--no-fold",
                           cap], capture_output=True).stdout.decode()
    t.true("text: --no-fold says none", "\nfold        none\n" in text, text)
    p = subprocess.run([memtui, "report", "--fold", "", cap], capture_output=True)
    t.check("--fold '' is a usage error", p.returncode, 2)
    for fmt in ("csv", "collapsed"):
        out = subprocess.run([memtui, "report", "--no-progress", "--format", fmt, cap],
                             capture_output=True).stdout.decode().splitlines()
        if fmt == "csv":
            rows = [l.split(",", 2) for l in out[1:]]
            total, paths = sum(int(r[0]) for r in rows), [r[2] for r in rows]
        else:
            total = sum(int(l.rsplit(" ", 1)[1]) for l in out)
            paths = [l.rsplit(" ", 1)[0] for l in out]
        t.check(fmt + ": folded paths add up to the root", total, plain["tree"]["root"]["value"])
        t.true(fmt + ": no folded frame", not any("_run_tracker" in p or "PyEval" in p
                                                  for p in paths), paths[:3])
        t.check(fmt + ": one line per path", len(paths), len(set(paths)))


def screen_self(screen):
    """The self column of each tree row, by the title's "self" header."""
    lines = screen.split("\n")
    title = next(i for i, l in enumerate(lines) if "share" in l and "function" in l)
    head = lines[title]
    end = head.index(" self") + 5
    start = len(head[:end - 4].rstrip()) + 1  # after the column before it
    return [l[start:end].strip() for l in lines[title + 1:title + 1 + len(tree_rows(screen))]]


def check_screen(t, memtui, samples):
    for cap in (os.path.join(samples, "memray", "native_fixture.bin"),
                os.path.join(samples, "memray", "stages.bin"),
                os.path.join(samples, "heaptrack", "heaptrack.stages.zst")):
        name = os.path.basename(cap)
        for args, keys, what in (([], "E", "default"), ([], "zE", "z"), ([], "zzE", "zz"),
                                 (["--no-fold"], "E", "--no-fold")):
            screen = replay(memtui, cap, keys, size="260x600", args=args)
            unfolded = what in ("z", "--no-fold")
            rep = report(memtui, cap, *(["--no-fold"] if unfolded else []))
            want = [(d, n["function"], fmt_bytes(n["value"]), n["count"], fmt_bytes(n["self"]))
                    for d, n in ((len(p), n) for p, n in walk(rep["tree"]["root"]))]
            rows = tree_rows(screen)
            got = [(r.depth, r.function, r.value, r.count, s)
                   for r, s in zip(rows, screen_self(screen))]
            t.check("%s %s: screen = report tree, self included" % (name, what),
                    sorted(got), sorted(want))
            st = status(screen)
            t.true("%s %s: status" % (name, what),
                   ("fold: off" if what == "z" else "fold: none" if unfolded
                    else "fold: 3 presets") in st, st)
    cap = os.path.join(samples, "memray", "stages.bin")
    st = status(replay(memtui, cap, "", size="80x24"))
    t.true("80x24: the status line shows folding", "fold: 3 presets" in st, st)
    screen = replay(memtui, cap, "", size="80x24")
    t.true("80x24: a self column", " self " in screen.split("\n")[4], screen)
    st = status(replay(memtui, cap, "", args=["--no-fold", "--fold", "main"]))
    t.true("explorer --fold: 1 rule", "fold: 1 rule" in st, st)
    rows = tree_rows(replay(memtui, cap, "E", size="200x300", args=["--fold", "main"]))
    t.true("explorer --fold main: no main row", rows and all(r.function != "main" for r in rows))
    # z keeps the selection: on calibrate, folding off and on.
    for keys in ("/calibrate<Enter>z", "/calibrate<Enter>zz", "z/calibrate<Enter>z"):
        st = status(replay(memtui, cap, keys))
        t.true("%s: calibrate still selected" % keys, " calibrate" in st.split("/")[-2] or
               st.rstrip().endswith(" calibrate") or "calibrate  " in st, st)
    # A folded frame selected (folding off), then z: its caller, where its weight went.
    st = status(replay(memtui, cap, "z/_run_code<Enter>z"))
    t.true("z on a folded frame selects the node it folds into", "<root>" in st, st)


def check_sort(t, memtui, samples):
    for cap in (os.path.join(samples, "heaptrack", "heaptrack.leaky.zst"),
                os.path.join(samples, "memray", "stages.bin")):
        name = os.path.basename(cap)
        screen = replay(memtui, cap, "sssE", size="200x300")
        t.true(name + ": sss sorts by self", "sort: self" in status(screen), status(screen))
        rows = tree_rows(screen)
        selfs = screen_self(screen)
        rep = report(memtui, cap, "--sort", "self")
        t.check(name + ": report --sort self", rep["tree"]["sort"], "self")
        want = [(len(p), n["function"], fmt_bytes(n["self"])) for p, n in
                walk(rep["tree"]["root"])]
        t.check(name + ": screen order = report --sort self order",
                [(r.depth, r.function, s) for r, s in zip(rows, selfs)], want)
        for p, n in walk(rep["tree"]["root"]):
            ks = [(abs(c["self"]), abs(c["value"])) for c in n["children"]]
            if ks != sorted(ks, reverse=True):
                t.check(name + ": siblings by |self| under " + n["function"], ks,
                        sorted(ks, reverse=True))
                break
        else:
            t.true(name + ": siblings by |self|, then |total|", True)
    st = status(replay(memtui, cap, "ssss"))
    t.true("ssss: back to size", "sort: size" in st, st)
    p = subprocess.run([memtui, "report", "--sort", "bogus", cap], capture_output=True)
    t.check("--sort bogus is a usage error", p.returncode, 2)


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    t = Suite("fold")
    check_report(t, memtui, samples)
    check_rules(t, memtui, samples)
    check_screen(t, memtui, samples)
    check_sort(t, memtui, samples)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
