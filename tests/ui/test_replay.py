#!/usr/bin/env python3
"""Headless replay tests of the explorer (`memtui --replay KEYS --size WxH`).

The replay draws with the same code as the terminal, into memory, and prints
the last frame.  These tests read that frame back and check:
  - every row of the expanded tree (top-down and bottom-up, every metric the
    capture has) against `memtui report --json` for the same view: order,
    depth, function, value, share and allocation count, as formatted text;
  - the header figures against the report's peak, allocated and leaked;
  - the stages captures' peak tree against the profilers' own trees (heaptrack's
    flamegraph stacks, memray's high-water-mark tree merged by function);
  - the flame graph: every labelled span where the report's tree puts it
    (within one cell), zoom in and out, selection shared with the tree;
  - the timeline: peak named and marked, Enter opens the tree of the live heap
    at the cursor, whose root is the heap the cursor line shows (the peak on
    the peak's column);
  - navigation, search (matches expanded to, n/N, smart case), the selection
    kept across metric, sort and view changes, invert to callers, help,
    resize, LANG=C (ASCII only), aggregated and truncated captures, the
    errors (not a terminal, bad replay keys), and every key on every sample
    capture.

usage: test_replay.py MEMTUI SAMPLE_CAPTURES [SHARED_CAPTURES]
"""
import os
import re
import subprocess
import sys

from uitest import (Failure, Suite, fmt_bytes, fmt_percent, json_rows, replay, report, status,
                    tree_rows, with_paths)

METRICS = ["peak", "leaks", "allocated", "allocations", "temporary"]


def available_metrics(rep):
    """What `m` cycles through, from the report's own figures."""
    out = ["peak", "leaks"]
    if rep["totals"]["allocations"] is not None:
        out += ["allocated", "allocations"]
        if rep["totals"]["temporary"]:
            out.append("temporary")
    return out


def check_tree_against_report(t, memtui, path, metric_index, metric, direction):
    keys = "m" * metric_index + ("i" if direction == "bottom-up" else "") + "E"
    screen = replay(memtui, path, keys, size="230x600")
    st = status(screen)
    t.true("%s %s %s: status names the metric" % (path, metric, direction),
           "metric: %s " % metric in st and direction in st, st)
    rep = report(memtui, path, "--view", metric, "--tree", direction)
    want = json_rows(rep["tree"]["root"])
    got = tree_rows(screen)
    what = "%s %s %s" % (os.path.basename(path), metric, direction)
    if not t.check(what + ": rows", len(got), len(want)):
        return
    root_value = want[0][2]
    count_metric = rep["tree"]["metric"] == "count"
    if count_metric:
        title = next(l for l in screen.split("\n") if "share" in l and "function" in l)
        t.true(what + ": the count is shown once", title.split()[:4] ==
               [{"allocations": "calls", "temporary": "temp"}[metric], "share", "self",
                "function"], title)
    for g, (depth, fn, value, count) in zip(got, want):
        shown = str(value) if count_metric else fmt_bytes(value)
        ok = (g.depth, g.function, g.value, g.share, g.count) == \
            (depth, fn, shown, fmt_percent(value, root_value), count)
        if not t.true(what + ": row", ok, "%r != %r" % (
                g, (depth, fn, shown, fmt_percent(value, root_value), count))):
            return


def check_header(t, memtui, path):
    screen = replay(memtui, path, "", size="200x40")
    rep = report(memtui, path)
    lines = screen.split("\n")
    t.true(path + ": header line 1 names the file and tool",
           lines[0].startswith(path) and rep["format"] in lines[0], lines[0])
    fig = lines[2]
    want = "peak %s at %d ms" % (fmt_bytes(rep["peak"]["bytes"]), rep["peak"]["time_ms"])
    t.true(path + ": header peak", fig.startswith(want), "%r lacks %r" % (fig, want))
    if rep["totals"]["allocations"] is not None:
        want = "allocated %s in %d allocations" % (fmt_bytes(rep["totals"]["allocated_bytes"]),
                                                   rep["totals"]["allocations"])
        t.true(path + ": header allocated", want in fig, "%r lacks %r" % (fig, want))
    want = "leaked %s in %d allocations" % (fmt_bytes(rep["leaks"]["bytes"]),
                                            rep["leaks"]["allocations"])
    t.true(path + ": header leaked", want in fig, "%r lacks %r" % (fig, want))
    if rep["meta"]["pid"] is not None:
        t.true(path + ": header pid", "pid %d" % rep["meta"]["pid"] in lines[0], lines[0])


def oracle_heaptrack(path):
    """Peak bytes per call path (function names) from heaptrack's flamegraph stacks.
    heaptrack_print starts stacks at main; unnamed frames are their address."""
    sums = {}
    for line in open(path):
        stack, _, weight = line.rstrip("\n").rpartition(" ")
        if not int(weight):
            continue
        frames = [f.split(" (")[0] for f in stack.rstrip(";").split(";")]
        for i in range(1, len(frames) + 1):
            key = tuple(frames[:i])
            sums[key] = sums.get(key, 0) + int(weight)
    return sums


def screen_paths_from_main(rows):
    """Screen paths as heaptrack_print writes them: from main when there is one,
    with unnamed frames as their bare address."""
    out = {}
    for path, r in with_paths(rows):
        if not path:
            continue
        names = [p.split(" ")[0] if p.startswith("0x") else p for p in path]
        if "main" in names:
            names = names[names.index("main"):]
        out[tuple(names)] = r
    return out


def check_heaptrack_oracle(t, memtui, capture, flamegraph):
    want = oracle_heaptrack(flamegraph)
    got = screen_paths_from_main(tree_rows(replay(memtui, capture, "E", size="230x400")))
    name = os.path.basename(capture)
    for key, value in sorted(want.items()):
        r = got.get(key)
        if t.true("%s oracle path %s on screen" % (name, ";".join(key)), r is not None):
            t.check("%s oracle %s" % (name, ";".join(key)), r.value, fmt_bytes(value))


def merge_memray(node):
    """memray's tree merges frames by (function, file, line); memtui by (function, file)."""
    merged = {}
    for c in node.get("children", []):
        key = (c["function"], c["file"])
        m = merged.setdefault(key, {"function": c["function"], "file": c["file"], "bytes": 0,
                                    "n_allocations": 0, "children": []})
        m["bytes"] += c["bytes"]
        m["n_allocations"] += c["n_allocations"]
        m["children"] += c.get("children", [])
    return [dict(m, children=merge_memray(m)) for m in merged.values()]


def check_memray_oracle(t, memtui, capture, oracle):
    import json
    root = json.load(open(oracle))["high_water_mark"]["tree"]["root"]
    want = {}

    def walk(nodes, prefix):
        for n in nodes:
            key = prefix + ((n["function"], n["file"]),)
            want[key] = (n["bytes"], n["n_allocations"])
            walk(n["children"], key)
    walk(merge_memray(root), ())
    # memray's own tree is unfolded: so is this one.
    rows = tree_rows(replay(memtui, capture, "E", size="260x600", args=["--no-fold"]))
    got, stack = {}, []
    for r in rows:
        del stack[r.depth:]
        stack.append((r.function, r.where.rpartition(":")[0]))
        if r.depth:
            got[tuple(stack[1:])] = r
    # The file column shows base names (the detail pane has the path).
    want = {tuple((f, os.path.basename(p)) for f, p in k): v for k, v in want.items()}
    name = os.path.basename(capture)
    t.check(name + ": root = oracle peak", rows[0].value, fmt_bytes(root["bytes"]))
    t.check(name + ": nodes = oracle's merged nodes", sorted(got), sorted(want))
    for key, (b, n) in want.items():
        r = got.get(key)
        if r:
            t.check("%s oracle %s" % (name, "/".join(k[0] for k in key)), (r.value, r.count),
                    (fmt_bytes(b), n))


def check_navigation(t, memtui, path):
    # The unfolded tree (memray's runpy and importlib chain) is what these count on.
    def rp(keys, **kw):
        return replay(memtui, path, keys, args=["--no-fold"], **kw)

    rows = tree_rows(rp(""))
    st = status(rp("jjj"))
    t.true("jjj selects row 4", " 4/%d %s" % (len(rows), rows[3].function) in st, st)
    st = status(rp("G"))
    t.true("G selects the last row", " %d/%d %s" % (len(rows), len(rows), rows[-1].function)
           in st, st)
    st = status(rp("Gg"))
    t.true("g selects the root", " 1/%d <root>" % len(rows) in st, st)
    st = status(rp("Qjjj"))
    t.true("Q ends the replay", " 1/%d <root>" % len(rows) in st, st)
    # h on the root's child collapses it; l opens it again; h h goes to the root.
    collapsed = tree_rows(rp("jh"))
    t.check("h collapses", len(collapsed), 2)
    t.check("h then l reopens", len(tree_rows(rp("jhl"))), len(rows))
    st = status(rp("jjh"))
    t.true("h on an open node's child goes to the parent... or collapses",
           "2/" in st or "3/" in st, st)
    top = len([r for r in rows if r.depth == 1])
    t.check("C collapses all but the root", len(tree_rows(rp("C"))), 1 + top)
    full = len(tree_rows(rp("E", size="200x600")))
    t.true("E expands all", full > len(rows), "%d <= %d" % (full, len(rows)))
    t.check("e on the root expands all", len(tree_rows(rp("e",
                                                               size="200x600"))), full)
    t.check("c on the root collapses all", len(tree_rows(rp("Ec"))), 1 + top)
    # 20 rows: 3 header, 1 title, 12 tree rows, 3 of the detail pane, 1 status.
    st = status(rp("E<PgDn>", size="100x20"))
    t.true("PgDn moves a page", " 13/" in st, st)
    st = status(rp("E<PgDn><PgDn><PgUp>", size="100x20"))
    t.true("PgUp moves back a page", " 13/" in st, st)


def check_search(t, memtui, path):
    # The unfolded tree (memray's runpy and importlib chain) is what these count on.
    def rp(keys, **kw):
        return replay(memtui, path, keys, args=["--no-fold"], **kw)

    screen = rp("C/calibrate<Enter>", size="200x80")
    st = status(screen)
    rows = tree_rows(screen)
    t.true("search selects the first match", st.rstrip().endswith("/calibrate (1)") or
           "calibrate" in st, st)
    t.true("search expands to every match", any(r.function == "calibrate" for r in rows),
           str(rows))
    t.true("search status counts matches", "/calibrate (" in st, st)
    st = status(rp("/CALIBRATE<Enter>"))
    t.true("smart case: upper case is exact", "no match" in st, st)
    st = status(rp("/_load<Enter>n"))
    st2 = status(rp("/_load<Enter>nN"))
    st1 = status(rp("/_load<Enter>"))
    t.true("n moves to another match", st != st1, st)
    t.check("N moves back", st2.split("  ")[:4], st1.split("  ")[:4])
    st = status(rp("/calibrate<Enter><Esc>"))
    t.true("Esc clears the search", "/calibrate" not in st, st)


def check_selection_kept(t, memtui, path):
    st = status(replay(memtui, path, "/parse_readings<Enter>m"))
    t.true("selection kept across metric", "metric: leaks" in st and "parse_readings" in st, st)
    st = status(replay(memtui, path, "/parse_readings<Enter>s"))
    t.true("selection kept across sort", "sort: count" in st and "parse_readings" in st, st)
    st = status(replay(memtui, path, "/parse_readings<Enter>ss"))
    t.true("sort by name", "sort: name" in st and "parse_readings" in st, st)
    st = status(replay(memtui, path, "/parse_readings<Enter>21"))
    t.true("selection kept across views", "[tree]" in st and "parse_readings" in st, st)
    # calibrate leaks nothing: in the leaks tree the cursor goes to its deepest ancestor.
    st = status(replay(memtui, path, "/calibrate<Enter>m"))
    t.true("missing path: nearest ancestor", "metric: leaks" in st and " main" in st, st)
    # The five metrics: memray's temporary allocations are one (threshold 1).
    st = status(replay(memtui, path, "/calibrate<Enter>mmmmm"))
    t.true("metric cycle comes back with the selection", "metric: peak" in st and
           "calibrate" in st, st)


def check_invert(t, memtui, path):
    screen = replay(memtui, path, "/calibrate<Enter>i", size="200x60")
    st = status(screen)
    t.true("i inverts", "bottom-up" in st and "calibrate" in st, st)
    rows = tree_rows(screen)
    sel = [r for r in rows if r.function == "calibrate" and r.depth == 1]
    t.true("callers of the selection are open", sel and sel[0].open, str(rows))
    idx = rows.index(sel[0]) if sel else 0
    t.true("its caller is main", idx + 1 < len(rows) and rows[idx + 1].function == "main",
           str(rows[idx:idx + 3]))
    st = status(replay(memtui, path, "/calibrate<Enter>ii"))
    t.true("i twice: top-down again, same selection", "top-down" in st and "calibrate" in st, st)


def check_screens(t, memtui, path):
    screen = replay(memtui, path, "?", size="100x54")
    t.true("help lists keys", "memtui keys" in screen and "next metric" in screen and
           "Ctrl-L" in screen, screen)
    st = status(replay(memtui, path, "?q"))
    t.true("q closes help", "[tree]" in st, st)
    # Tab past the last view comes back to the tree: as many Tabs as the help lists views
    views = screen.split("view by number:")[1].split("next metric")[0]
    n_views = len(re.findall(r"\b\d [a-z]", views.split("two captures")[0]))
    for keys, name in (("2", "flame graph"), ("3", "timeline"), ("<Tab>", "flame graph"),
                       ("<Tab><Tab><Tab>", "stages"), ("<Tab><Tab><Tab><Tab>", "top"),
                       ("<Tab>" * n_views, "tree"), ("3<Enter>", "tree"),
                       ("3<Enter>q", "timeline"),
                       ("3<Enter><Esc>", "timeline"), ("3<Enter><BS>", "timeline")):
        st = status(replay(memtui, path, keys))
        t.true("view %s -> %s" % (keys, name), "[%s]" % name in st and "metric:" in st, st)
    screen = replay(memtui, path, "<resize 80x24>")
    lines = screen.rstrip("\n").split("\n")
    t.check("resize: rows", len(lines), 24)
    t.true("resize: columns", max(len(line) for line in lines) <= 80, "")
    t.true("resize: status still there", "metric: peak" in lines[-1], lines[-1])
    screen = replay(memtui, path, "E<resize 30x8>jjj<resize 100x30>")
    lines = screen.rstrip("\n").split("\n")
    t.check("resize small and back", len(lines), 30)
    st = status(replay(memtui, path, "E<resize 30x6>GG"))
    t.true("tiny screen keeps working", "/" in st or "[tree" in st, st)
    screen = replay(memtui, path, "E?", size="100x30", env={"LANG": "C", "LC_ALL": "C"})
    screen += replay(memtui, path, "E", size="100x30", env={"LANG": "C", "LC_ALL": "C"})
    t.true("LANG=C: ASCII only", all(ord(c) < 128 for c in screen),
           repr([c for c in screen if ord(c) >= 128][:5]))
    t.true("LANG=C: ASCII markers and bars", " v <root>" in screen and "#" in screen, "")


def check_flame(t, memtui, path, width=100, height=40):
    """Every labelled span of the icicle starts where the report's tree says:
    at lo * width / total (lo = the weight left of it), within one cell."""
    rep = report(memtui, path)
    root = rep["tree"]["root"]
    total = root["value"]
    lines = replay(memtui, path, "2", size="%dx%d" % (width, height)).split("\n")
    name = os.path.basename(path)
    t.true(name + ": flame title", lines[0].startswith("flame graph, top-down"), lines[0])
    t.true(name + ": flame row 0 is everything", lines[1].startswith("all"), lines[1])
    checked = [0]

    def walk(node, depth, lo):
        if depth >= height - 3:
            return
        x = lo * width / total
        w = node["value"] * width / total
        if depth and w >= 4 and depth + 1 < len(lines):
            row = lines[depth + 1]
            label = node["function"][:3]
            near = [k for k in range(int(x) - 1, int(x) + 2) if row[k:k + len(label)] == label]
            t.true("%s: span %s at %.1f (within a cell)" % (name, node["function"], x), near,
                   repr(row[max(0, int(x) - 3):int(x) + 20]))
            checked[0] += 1
        for c in node["children"]:
            walk(c, depth + 1, lo)
            lo += c["value"]
    walk(root, 0, 0)
    t.true(name + ": flame spans checked", checked[0] >= 3, str(checked[0]))
    # Zoom: Enter on the deepest first frame makes it the whole width.
    screen = replay(memtui, path, "2jjjj<Enter>", size="%dx%d" % (width, height))
    t.true(name + ": zoomed title", "zoomed into" in screen.split("\n")[0], screen[:200])
    info = screen.rstrip("\n").split("\n")[-2]
    t.true(name + ": zoomed frame is 100% of zoom", "100.0% of zoom" in info, info)
    st = status(replay(memtui, path, "2jjjj<Enter><BS><BS><BS><BS><BS>"))
    t.true(name + ": Backspace zooms out, then ignored at the root", "[flame graph]" in st, st)
    st = status(replay(memtui, path, "2jjj1"))
    rows = tree_rows(replay(memtui, path, "2jjj1"))
    t.true(name + ": flame selection carries to the tree", " 4/" in st, st)


def check_timeline(t, memtui, path):
    rep = report(memtui, path)
    lines = replay(memtui, path, "3", size="100x30").rstrip("\n").split("\n")
    name = os.path.basename(path)
    peak = "peak %s at %d ms" % (fmt_bytes(rep["peak"]["bytes"]), rep["peak"]["time_ms"])
    title = next((ln for ln in lines if ln.startswith("live heap")), "")
    t.true(name + ": timeline title names the peak", peak in title, title)
    cursor = lines[-2]
    t.true(name + ": cursor opens on the peak column",
           "(peak): heap %s" % fmt_bytes(rep["peak"]["bytes"]) in cursor, cursor)
    markers = lines[-4]
    t.true(name + ": peak marked on the row of markers", "\u25b2" in markers, markers)
    for keys in ("3", "3hhhhh", "3G", "3g"):
        lines = replay(memtui, path, keys, size="100x30").rstrip("\n").split("\n")
        heap = lines[-2].split(": heap ")[1].split("  ")[0]
        screen = replay(memtui, path, keys + "<Enter>", size="100x30")
        st = status(screen)
        rows = tree_rows(screen)
        t.true(name + ": " + keys + " Enter: the tree of that moment", "live at " in st, st)
        t.check(name + ": " + keys + " Enter: tree root = heap at the cursor", rows[0].value,
                heap)
    at_peak = [(r.depth, r.function, r.value, r.count)
               for r in tree_rows(replay(memtui, path, "3<Enter>E", size="230x400"))]
    peak_tree = [(r.depth, r.function, r.value, r.count)
                 for r in tree_rows(replay(memtui, path, "E", size="230x400"))]
    t.check(name + ": the peak column's tree is the peak tree", at_peak, peak_tree)
    st = status(replay(memtui, path, "3GGl"))
    t.true(name + ": cursor stops at the end", "column" in st, st)
    screen = replay(memtui, path, "3<resize 60x20>", size="100x30")
    t.true(name + ": timeline after resize", "[timeline]" in status(screen), status(screen))


def check_captures(t, memtui, samples):
    agg = os.path.join(samples, "memray", "stages_aggregated.bin")
    screen = replay(memtui, agg, "")
    t.true("aggregated: allocated unknown", "allocated: unknown" in screen, screen[:400])
    st = status(replay(memtui, agg, "mm"))
    t.true("aggregated: m cycles peak and leaks only", "metric: peak" in st, st)
    cut = os.path.join(samples, "memray", "stages_truncated.bin")
    screen = replay(memtui, cut, "")
    t.true("truncated: warning in the header", "WARNING: truncated at byte" in screen,
           screen[:500])


def pane(screen, rows=3):
    """The detail pane under a tree: its last rows lines above the status line."""
    return [line.rstrip() for line in screen.rstrip("\n").split("\n")[-1 - rows:-1]]


def json_nodes(node, depth=0, out=None):
    """Pre-order (depth, node) of a report JSON tree."""
    if out is None:
        out = []
    out.append((depth, node))
    for c in node["children"]:
        json_nodes(c, depth + 1, out)
    return out


def method_of(full):
    """A C++ function's own name: what precedes its parameters and template arguments."""
    s = re.sub(r"( const| &&| &)+$", "", full)
    for close, open_ in ((")", "("), (">", "<")):
        if not s.endswith(close):
            continue
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            depth += {close: 1, open_: -1}.get(s[i], 0)
            if depth == 0:
                s = s[:i]
                break
    return re.search(r"(operator\W+|[\w~]+)$", s).group(0)


def check_cpp_names(t, memtui, samples):
    """Item 10 on the libstdc++ names of the deep_O0 sample: short forms by
    default (no template arguments, return types or ABI tags), v for the full
    names (as `memtui report` prints them), and a cut that keeps the method."""
    path = os.path.join(samples, "heaptrack", "heaptrack.deep_O0.zst")
    rep = report(memtui, path)
    nodes = json_nodes(rep["tree"]["root"])
    full = [n["function"] for _, n in nodes]
    rows = tree_rows(replay(memtui, path, "E", size="260x80"))
    shown = [r.function for r in rows]
    t.check("deep_O0: rows", len(rows), len(nodes))
    for want_full, want_short in (
            ("std::vector<int, std::allocator<int> >::push_back(int const&)",
             "std::vector<>::push_back(int const&)"),
            ("void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>("
             "__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >, "
             "int const&)",
             "std::vector<>::_M_realloc_insert<>(__gnu_cxx::__normal_iterator<>, int const&)"),
            ("word_index[abi:cxx11](int)", "word_index(int)"),
            ("Registry<Widget>::add(int)", "Registry<>::add(int)")):
        t.true("deep_O0: the report has " + want_full, want_full in full)
        t.true("deep_O0: the screen shows " + want_short, want_short in shown, str(shown))
        t.true("deep_O0: not " + want_full, want_full not in shown)
    # The reports keep the names whole (they were cut at 255 bytes).
    longest = max(full, key=len)
    t.true("deep_O0: the report's longest name is whole", len(longest) > 300 and
           longest.endswith(")"), longest)
    text = subprocess.run([memtui, "report", "--no-progress", "--depth", "100", path],
                          capture_output=True, timeout=60).stdout.decode()
    t.true("deep_O0: the text report has it whole", longest in text)
    t.true("deep_O0: no template arguments on screen",
           not [f for f in shown[1:] if re.search(r"<[^>]", f)],
           str([f for f in shown if re.search(r"<[^>]", f)]))
    # v: the names as the report prints them (cut at the end where too long).
    rows = tree_rows(replay(memtui, path, "vE", size="260x80"))
    for r, want in zip(rows, full):
        t.true("deep_O0 v: full name " + want[:60], r.function == want or (
            r.function.endswith("\u2026") and want.startswith(r.function[:-1])),
            "%r vs %r" % (r.function, want))
    st = status(replay(memtui, path, "v"))
    t.true("deep_O0 v: says full names", "full names" in st, st)
    # 80 columns: a name cut keeps its end (the method and its parameters).
    narrow = tree_rows(replay(memtui, path, "E", size="80x80"))
    cut = [(r, f) for r, f in zip(narrow, full) if r.function.startswith("\u2026")]
    t.true("deep_O0 80 columns: long names are cut at their start", len(cut) >= 5, str(narrow))
    for r, f in cut:
        t.true("deep_O0 80 columns: %r keeps %s" % (r.function, method_of(f)),
               method_of(f) in r.function and not r.function.endswith("\u2026"))
    narrow = tree_rows(replay(memtui, path, "vE", size="80x80"))
    t.true("deep_O0 80 columns v: full names are cut at their end",
           [r for r in narrow if r.function.endswith("\u2026")] and
           not [r for r in narrow if r.function.startswith("\u2026")], str(narrow))


def check_detail_pane(t, memtui, samples):
    """Item 11: the pane under the tree names the cursor's node in full, with
    the report's figures; the file column is the base name on every row."""
    path = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    rep = report(memtui, path)
    nodes = json_nodes(rep["tree"]["root"])
    root = nodes[0][1]
    depth, cal = next((d, n) for d, n in nodes if n["function"] == "calibrate")
    name, where, figures = pane(replay(memtui, path, "/calibrate<Enter>", size="100x24"))
    t.check("pane: name", name, "calibrate")
    t.check("pane: path:line", where.split("  ")[0], "%s:%d" % (cal["file"], cal["line"]))
    t.true("pane: module path", "[%s]" % cal["module"] in where, where)
    want = "total %s (%d B), %d live, %s" % (fmt_bytes(cal["value"]), cal["value"],
                                               cal["count"], fmt_percent(cal["value"],
                                                                         root["value"]))
    t.true("pane: total as the report", want in figures, "%r lacks %r" % (figures, want))
    t.true("pane: self and depth", figures.startswith("self %s, " % fmt_bytes(cal["self"]))
           and figures.endswith("depth %d" % depth), figures)
    # A leaf with self bytes; the pane follows the cursor.
    depth, bt = next((d, n) for d, n in nodes if n["function"] == "build_table")
    figures = pane(replay(memtui, path, "/build_table<Enter>", size="100x24"))[2]
    t.true("pane: self of a leaf", figures.startswith("self %s (%d B), " % (
        fmt_bytes(bt["self"]), bt["self"])), figures)
    # A long C++ name: the pane has it whole, wrapped over its first rows.
    deep = os.path.join(samples, "heaptrack", "heaptrack.deep_O0.zst")
    full = [n["function"] for _, n in json_nodes(report(memtui, deep)["tree"]["root"])]
    lines = pane(replay(memtui, deep, "/_M_realloc_insert<Enter>", size="90x40"), 5)
    whole = "".join(lines[:3])
    t.true("pane: the full C++ name, wrapped", len(lines[0]) == 90 and whole in full or
           any(f.startswith(whole) for f in full), repr(lines))
    # One spelling per column: base names on every row, however wide.
    for p in (path, os.path.join(samples, "memray", "stages.bin")):
        rows = tree_rows(replay(memtui, p, "E", size="260x200"))
        t.true(os.path.basename(p) + ": file column is base names",
               rows and not [r for r in rows if "/" in r.where], str([r.where for r in rows]))


def check_depth(t, memtui, samples):
    """Item 12: deeper than the indent cap, rows show their depth; < and >
    scroll the levels sideways; the depths read back equal the report's."""
    path = os.path.join(samples, "heaptrack", "heaptrack.deep_O0.zst")
    want = [d for d, _ in json_nodes(report(memtui, path)["tree"]["root"])]
    screen = replay(memtui, path, "E", size="80x80")
    rows = tree_rows(screen)
    t.check("depth at 80 columns: every row's depth", [r.depth for r in rows], want)
    t.true("depth at 80 columns: numbers past the cap", re.search(r" 1[0-5] [\u25be\u25b8 ] ",
                                                                   screen), screen)
    for keys in ("EG>", "EG>>", "EG>><lt>"):
        screen = replay(memtui, path, keys, size="80x80")
        title = next(line for line in screen.split("\n") if "share" in line)
        rows = tree_rows(screen)
        t.true(keys + ": title names the first level", "(from depth" in title, title)
        t.check(keys + ": every row's depth", [r.depth for r in rows], want)
    screen = replay(memtui, path, "EG><lt><lt><lt>", size="80x80")
    t.true("<: back to the root's level", "(from depth" not in screen, screen[:400])
    st = status(replay(memtui, path, "EG>"))
    t.true(">: the cursor stays", " %d/%d " % (len(want), len(want)) in st, st)


def check_unnamed_frames(t, memtui, samples):
    """Item 18: an unnamed frame reads "0xADDRESS in MODULE" on screen and in
    every report, whichever tool wrote the capture; memray's two top-list groups
    are named in the same words."""
    native = os.path.join(samples, "memray", "native_fixture.bin")
    rows = tree_rows(replay(memtui, native, "E", size="230x400"))
    unnamed = [r.function for r in rows if r.function.startswith("0x")]
    t.true("memray: unnamed frames as 0x... in module",
           unnamed and all(re.match(r"^0x[0-9a-f]+ in [\w.+-]+$", f) for f in unnamed),
           str(unnamed[:5]))
    t.true("memray: no module+offset", not [r for r in rows if "+0x" in r.function])
    stages = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    rows = tree_rows(replay(memtui, stages, "", size="200x30"))
    ld = [r for r in rows if r.function.startswith("0x")]
    t.true("heaptrack: 0x... in module, no [module] after it", ld and
           re.match(r"^0x[0-9a-f]+ in ld-linux-x86-64\.so\.2$", ld[0].function) and
           "[" not in ld[0].where, str(ld))
    for path, args in ((native, []), (native, ["--format", "collapsed"]),
                       (os.path.join(samples, "memray", "threads.bin"), [])):
        out = subprocess.run([memtui, "report", "--no-progress", "--top", "20"] + args + [path],
                             capture_output=True, timeout=60).stdout.decode()
        # "<unknown>" stays as a file, memray's word for a frame without one.
        t.true("%s %s: no other spelling" % (os.path.basename(path), " ".join(args)),
               "+0x" not in out and "???" not in out and
               not re.search(r"(^|[ ;])<unknown>(  <unknown>|;|$| \d)", out, re.M),
               [ln for ln in out.split("\n") if "+0x" in ln or "?" in ln or "<unk" in ln][:3])
    out = subprocess.run([memtui, "report", "--no-progress", "--top", "10", native],
                         capture_output=True, timeout=60).stdout.decode()
    t.true("memray: the unnamed native group", "  <unnamed native code>\n" in out, out)
    out = subprocess.run([memtui, "report", "--no-progress", "--top", "10",
                          os.path.join(samples, "memray", "threads.bin")],
                         capture_output=True, timeout=60).stdout.decode()
    t.true("memray: the group without a Python frame", "  <no Python frame>\n" in out, out)


SMOKE_KEYS = ("jjlEmmmmmi/a<Enter>nN23<Enter>q2jj<Enter><BS>1sssGC?q<resize 40x10>3<Enter>"
              "<resize 100x30>hhh<Enter>eEcC")


def check_every_capture(t, memtui, samples):
    """Every key on every sample capture: the explorer opens what the report
    opens (exit 0), and refuses what it refuses with the same message."""
    for d in ("memray", "heaptrack"):
        for name in sorted(os.listdir(os.path.join(samples, d))):
            path = os.path.join(samples, d, name)
            if name.endswith((".json", ".txt", ".so")):
                continue
            p = subprocess.run([memtui, "--replay", SMOKE_KEYS, "--size", "100x30", path],
                               capture_output=True, timeout=120)
            r = subprocess.run([memtui, "report", "--no-progress", path], capture_output=True,
                               timeout=120)
            if r.returncode:
                t.true(name + ": refused like the report", p.returncode == 2 and
                       p.stderr.splitlines()[:1] == r.stderr.splitlines()[:1], p.stderr)
            else:
                t.true(name + ": every key", p.returncode == 0 and p.stdout.count(b"\n") == 30,
                       p.stderr[-500:])


def check_errors(t, memtui, path):
    p = subprocess.run([memtui, path], capture_output=True, timeout=30)
    err = p.stderr.decode()
    t.check("not a terminal: exit status", p.returncode, 2)
    t.check("not a terminal: no output", p.stdout, b"")
    t.true("not a terminal: points to memtui report",
           err.count("\n") == 1 and "not a terminal" in err and "memtui report" in err, err)
    p = subprocess.run([memtui, "--replay", "<Nope>", path], capture_output=True, timeout=30)
    t.true("bad replay key", p.returncode == 2 and b"<Nope>" in p.stderr, p.stderr)
    p = subprocess.run([memtui, "--replay", "", "--size", "0x3", path], capture_output=True)
    t.check("bad size", p.returncode, 2)
    p = subprocess.run([memtui, "--replay", "", "/nonexistent"], capture_output=True)
    t.true("missing file: one error line", p.returncode == 2 and
           p.stderr.decode().startswith("memtui: /nonexistent"), p.stderr)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, samples = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else None
    t = Suite("replay")
    memray = os.path.join(samples, "memray", "stages.bin")
    heaptrack = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    try:
        for path in (memray, heaptrack):
            check_header(t, memtui, path)
            rep = report(memtui, path)
            for i, m in enumerate(available_metrics(rep)):
                for d in ("top-down", "bottom-up"):
                    check_tree_against_report(t, memtui, path, i, m, d)
        check_memray_oracle(t, memtui, memray, memray + ".oracle.json")
        if shared and os.path.isdir(shared):
            flame = os.path.join(shared, "heaptrack", "heaptrack.stages.flamegraph.peak.txt")
            # The flamegraph stacks are heaptrack_print's of this very file (the .gz
            # is another run: other addresses).
            cap = os.path.join(shared, "heaptrack", "heaptrack.stages.zst")
            if os.path.exists(cap) and os.path.exists(flame):
                check_heaptrack_oracle(t, memtui, cap, flame)
            for name in ("stages.bin", "stages_lz4.bin"):
                cap = os.path.join(shared, "memray", name)
                if os.path.exists(cap):
                    check_memray_oracle(t, memtui, cap, cap + ".oracle.json")
        for path in (memray, heaptrack):
            check_flame(t, memtui, path)
            check_timeline(t, memtui, path)
        check_navigation(t, memtui, memray)
        check_search(t, memtui, memray)
        check_selection_kept(t, memtui, memray)
        check_invert(t, memtui, memray)
        check_screens(t, memtui, memray)
        check_captures(t, memtui, samples)
        check_cpp_names(t, memtui, samples)
        check_detail_pane(t, memtui, samples)
        check_depth(t, memtui, samples)
        check_unnamed_frames(t, memtui, samples)
        check_errors(t, memtui, memray)
        check_every_capture(t, memtui, samples)
    except Failure as ex:
        t.true("run", False, str(ex))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
