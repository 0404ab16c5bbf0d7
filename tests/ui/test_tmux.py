#!/usr/bin/env python3
"""Drives the real memtui binary in tmux, as a user at a terminal would.

Each session runs `memtui FILE` in a detached tmux server of its own (private
socket, no config), sends keys with send-keys and reads the screen with
capture-pane.  What it covers:
  - open, move, expand, search, next match, every metric, invert, sort, every
    view (1 2 3 Tab; flame moves, zoom in and out; timeline cursor, its tree
    and back), help, page keys, Ctrl-L, resize (tmux resize-window),
    quit with q and with Ctrl-C: after every step the terminal shows exactly
    the frame the headless replay of the same keys prints (so the replay
    tests, which compare every figure with `memtui report`, hold for the
    terminal too), and the figures read off the terminal are checked against
    `memtui report --json` directly as well;
  - LANG=C (ASCII glyphs only), NO_COLOR and TERM=xterm-mono (no colour
    escapes, and the flame graph's selected frame is the one run of cells in
    reverse video, bold and underlined), 256 colours otherwise
    (TERM=tmux-256color: what the pane is); TERM=dumb refused with one line;
  - a slow load: the progress line (bytes, percent, rate, ETA), and Ctrl-C
    cancelling it cleanly (exit status 130, one message); at 80x24 a file
    name longer than the progress box is shown whole.

usage: test_tmux.py MEMTUI SAMPLE_CAPTURES
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from uitest import Failure, Suite, Tmux, fmt_bytes, replay, report, tree_rows

W, H = 100, 30


def norm(text):
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).rstrip("\n")


# (what tmux sends, the same key in replay syntax)
STEPS = [
    ("j", "j"), ("j", "j"), ("l", "l"), ("E", "E"), ("/", "/"), ("calibrate", "calibrate"),
    ("Enter", "<Enter>"), ("n", "n"), ("N", "N"), ("m", "m"), ("m", "m"), ("m", "m"),
    ("m", "m"), ("i", "i"), ("Down", "<Down>"), ("i", "i"), ("s", "s"), ("s", "s"), ("s", "s"),
    ("2", "2"), ("j", "j"), ("j", "j"), ("l", "l"), ("Enter", "<Enter>"), ("BSpace", "<BS>"),
    ("3", "3"), ("h", "h"), ("Left", "<Left>"), ("Enter", "<Enter>"), ("Escape", "<Esc>"),
    ("Tab", "<Tab>"), ("?", "?"), ("PageDown", "<PgDn>"),
    ("q", "q"), ("G", "G"), ("PageUp", "<PgUp>"), ("h", "h"), ("BSpace", "<BS>"),
    ("Home", "<Home>"), ("C", "C"), ("e", "e"), ("c", "c"), ("C-l", "<Ctrl-L>"),
]


# The stage table (view 4): move, merge toggle, sort, drill into a stage (its
# tree, everything it allocated, its flame graph), the diff of its start and
# end, back out; Space and d diff two stages; S on main in the tree.
STAGE_STEPS = [
    ("4", "4"), ("j", "j"), ("t", "t"), ("t", "t"), ("s", "s"), ("s", "s"), ("g", "g"),
    ("j", "j"), ("Enter", "<Enter>"), ("j", "j"), ("t", "t"), ("f", "f"), ("f", "f"),
    ("d", "d"), ("j", "j"), ("BSpace", "<BS>"), ("BSpace", "<BS>"), ("Space", "<Space>"),
    ("j", "j"), ("j", "j"), ("d", "d"), ("Escape", "<Esc>"), ("1", "1"), ("/", "/"),
    ("main", "main"), ("Enter", "<Enter>"), ("S", "S"), ("j", "j"), ("Enter", "<Enter>"),
    ("q", "q"), ("q", "q"), ("3", "3"), ("Space", "<Space>"), ("h", "h"), ("h", "h"),
    ("d", "d"), ("q", "q"),
]

# Two captures side by side (memtui A B): the diff tree, changed-only filter,
# sort, invert, search, expand/collapse, the diff flame graph, metrics.
DIFF_STEPS = [
    ("j", "j"), ("j", "j"), ("l", "l"), ("E", "E"), ("t", "t"), ("t", "t"), ("s", "s"),
    ("s", "s"), ("s", "s"), ("i", "i"), ("j", "j"), ("i", "i"), ("/", "/"),
    ("summarize", "summarize"), ("Enter", "<Enter>"), ("n", "n"), ("h", "h"), ("BSpace", "<BS>"),
    ("2", "2"), ("j", "j"), ("l", "l"), ("Enter", "<Enter>"), ("BSpace", "<BS>"), ("f", "f"),
    ("m", "m"), ("m", "m"), ("1", "1"), ("G", "G"), ("?", "?"), ("q", "q"), ("C-l", "<Ctrl-L>"),
]


def send(s, tk, rk):
    if rk in ("/", "calibrate", "main", "summarize") or len(tk) > 1 and tk.isalpha() \
            and tk.islower():
        s.literal(tk)
    else:
        s.keys(tk)


def check_steps(t, memtui, path, env, label, steps=STEPS):
    """After every step the terminal shows what `--replay` of the same keys prints."""
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    s = Tmux(label, " ".join([memtui] + paths), env)
    keys = ""
    try:
        for tk, rk in [(None, "")] + steps:
            if tk is not None:
                send(s, tk, rk)
            keys += rk
            want = norm(replay(memtui, path, keys, size="%dx%d" % (W, H), env=env))
            got = norm(s.wait(lambda scr: norm(scr) == want))
            if not t.check("%s: terminal = replay after %r" % (label, keys), got, want):
                return
        s.resize(80, 24)
        keys += "<resize 80x24>"
        want = norm(replay(memtui, path, keys, size="%dx%d" % (W, H), env=env))
        got = norm(s.wait(lambda scr: norm(scr) == want))
        t.check("%s: resize to 80x24 redraws as the replay" % label, got, want)
        s.keys("q")
        got = s.wait(lambda scr: "EXIT=" in scr)
        t.true("%s: q quits with status 0" % label, "EXIT=0" in got, got[-300:])
    finally:
        s.close()


def check_figures(t, memtui, path):
    """Figures read off the terminal equal the report's, for two metrics."""
    env = {"TERM": "tmux-256color", "LANG": "C.UTF-8"}
    s = Tmux("fig", "%s %s" % (memtui, path), env, w=160, h=50)
    try:
        for keys, view in (("", "peak"), ("m", "leaks"), ("m", "allocated")):
            if keys:
                s.keys(keys)
            scr = s.wait(lambda x: "metric: %s " % view in x)
            rows = tree_rows(scr)
            rep = report(memtui, path, "--view", view)
            root = rep["tree"]["root"]
            t.check("tmux %s: root bytes" % view, rows[0].value, fmt_bytes(root["value"]))
            t.check("tmux %s: root allocations" % view, rows[0].count, root["count"])
            want = [(c["function"], fmt_bytes(c["value"]), c["count"]) for c in root["children"]]
            got = [(r.function, r.value, r.count) for r in rows if r.depth == 1]
            t.check("tmux %s: first level" % view, got, want)
        s.keys("C-c")
        got = s.wait(lambda scr: "EXIT=" in scr)
        t.true("Ctrl-C quits cleanly", "EXIT=0" in got, got[-200:])
    finally:
        s.close()


def root_value(screen):
    """The first tree row's value, or None while the screen has no tree."""
    try:
        rows = tree_rows(screen)
    except StopIteration:
        return None
    return rows[0].value if rows else None


def stage_report(memtui, path):
    p = subprocess.run([memtui, "report", "--stages", "under:main", "--format", "json",
                        "--no-progress", path], capture_output=True, check=True, timeout=60)
    return json.loads(p.stdout)["stages"]


def check_stage_figures(t, memtui, path, label):
    """The stage table on the terminal: rows in time order, figures = the report's."""
    env = {"TERM": "tmux-256color", "LANG": "C.UTF-8"}
    s = Tmux("stfig" + label, "%s %s" % (memtui, path), env, w=160, h=40)
    try:
        s.wait(lambda x: "[tree]" in x)
        want = stage_report(memtui, path)
        s.keys("4")
        # Wait for the whole frame (tmux may be read between two of curses' writes).
        scr = s.wait(lambda x: "[stages]" in x and "<outside stages>" in x and
                     all(r["name"] in x for r in want))
        lines = scr.split("\n")
        head = next(i for i, l in enumerate(lines) if l.strip().startswith("stage ") and
                    "allocated" in l)
        name_end = lines[head].index(" calls") if " calls" in lines[head] else 20
        got = []
        for line in lines[head + 1:]:
            amounts = re.findall(r"-?[\d.]+ (?:B|KiB|MiB|GiB)\b", line)
            if len(amounts) < 5:
                break
            got.append((line[:name_end].strip(), amounts[:5]))
        t.check("tmux %s: stage names in time order" % label, [g[0] for g in got],
                [r["name"] for r in want])
        for (name, amounts), r in zip(got, want):
            t.check("tmux %s: %s allocated, freed, net, cumulative, peak" % (label, r["name"]),
                    amounts, [fmt_bytes(r[k]) for k in ("allocated_bytes", "freed_bytes",
                                                        "net_bytes", "cumulative_bytes",
                                                        "peak_bytes")])
        # Into the first stage: its tree's root is what it allocated and still had at its end.
        s.keys("Enter")
        scr = s.wait(lambda x: "alive at end of " + want[0]["name"] in x and
                     "<root>" in x and want[0]["name"] in x.split("[tree]")[0])
        rows = tree_rows(scr)
        t.true("tmux %s: Enter opens %s's tree" % (label, want[0]["name"]),
               rows and any(r.function == want[0]["name"] for r in rows), scr[-600:])
        s.keys("t")
        alloc = fmt_bytes(want[0]["allocated_bytes"])
        scr = s.wait(lambda x: "allocated in " + want[0]["name"] in x and
                     root_value(x) == alloc)
        rows = tree_rows(scr)
        t.check("tmux %s: t: the root is all %s allocated" % (label, want[0]["name"]),
                (rows[0].value, rows[0].count) if rows else None,
                (fmt_bytes(want[0]["allocated_bytes"]), want[0]["allocations"]))
        s.keys("C-c")
        t.true("tmux %s: Ctrl-C quits" % label, "EXIT=0" in s.wait(lambda x: "EXIT=" in x))
    finally:
        s.close()


def tree_body(screen):
    """The rows of the diff tree: the lines after its title row ("delta%  function")
    up to the first blank one.  The header above shows the files' paths, which may
    hold any word ("new", "gone"), so a row is never looked for there."""
    lines = screen.split("\n")
    title = next((i for i, l in enumerate(lines) if re.search(r"\sdelta%\s+function\s", l)),
                 len(lines))
    body = []
    for l in lines[title + 1:]:
        if not l.strip():
            break
        body.append(l)
    return body


def check_diff_figures(t, memtui, a, b, label):
    """Two captures side by side: the largest change, read off the terminal, = the report's."""
    env = {"TERM": "tmux-256color", "LANG": "C.UTF-8"}
    p = subprocess.run([memtui, "report", "--diff", "--format", "json", "--no-progress", a, b],
                       capture_output=True, check=True, timeout=60)
    changes = json.loads(p.stdout)["changes"]
    first = changes[0]
    # The tree's row is the path's inclusive total: every change below it, summed.
    below = [c for c in changes if c["path"][:len(first["path"])] == first["path"]]
    a_total = sum(c["a_bytes"] for c in below)
    delta = sum(c["delta_bytes"] for c in below)
    s = Tmux("dfig" + label, "%s %s %s" % (memtui, a, b), env, w=160, h=40)
    try:
        scr = s.wait(lambda x: "[diff]" in x and first["function"] in x and "delta%" in x)
        st = scr.rstrip("\n").split("\n")[-1]
        t.true("tmux %s: opens on the largest change %s" % (label, first["function"]),
               first["function"] in st, st)
        row = next((l for l in tree_body(scr) if re.search(r"\s%s\s" % re.escape(
            first["function"]), l) and re.search(r"%|\sgone\s|\snew\s", l)), "")
        t.true("tmux %s: its row shows A, B and the signed delta" % label,
               fmt_bytes(a_total) in row and
               ("-" if delta < 0 else "+") + fmt_bytes(abs(delta)) in row, row)
        s.keys("2")
        scr = s.wait(lambda x: "[diff flame]" in x and "self %d" % first["delta_bytes"] in x)
        t.true("tmux %s: the flame graph's info line has the exact delta" % label,
               "delta %s (%d)" % (("-" if delta < 0 else "+") + fmt_bytes(abs(delta)), delta)
               in scr and "self %d" % first["delta_bytes"] in scr, scr[-400:])
        s.keys("q")
        t.true("tmux %s: q quits" % label, "EXIT=0" in s.wait(lambda x: "EXIT=" in x))
    finally:
        s.close()


SGR_COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-7]|4[0-7]|38;5;\d+|48;5;\d+)[;m]")


def check_colours(t, memtui, path):
    for label, env, colour in (
            ("256", {"TERM": "tmux-256color", "LANG": "C.UTF-8"}, True),
            ("NO_COLOR", {"TERM": "tmux-256color", "LANG": "C.UTF-8", "NO_COLOR": "1"}, False),
            ("mono", {"TERM": "xterm-mono", "LANG": "C.UTF-8"}, False)):
        s = Tmux("col" + label.replace("_", ""), "%s %s" % (memtui, path), env)
        try:
            s.wait(lambda x: "[tree]" in x)
            esc = s.screen(escapes=True)
            t.check("%s: colour escapes present" % label, bool(SGR_COLOUR.search(esc)), colour)
            t.true("%s: still shows the tree" % label, "<root>" in esc and "metric: peak" in esc)
            if not colour:
                t.true("%s: selection in reverse video" % label,
                       re.search(r"\x1b\[(?:[0-9]*;)*7m", esc), repr(esc[:600]))
        finally:
            s.close()


SGR = re.compile(r"\x1b\[([0-9;]*)m")
SGR_ATTRS = {"1": "bold", "2": "dim", "4": "underline", "7": "reverse"}
SGR_OFF = {"22": ("bold", "dim"), "24": ("underline",), "27": ("reverse",)}


def cells(escaped):
    """capture-pane -e text as rows of (character, attributes); colours ignored."""
    rows, attrs = [], frozenset()
    for line in escaped.rstrip("\n").split("\n"):
        row, pos = [], 0
        for m in list(SGR.finditer(line)) + [None]:
            end = m.start() if m else len(line)
            row += [(c, attrs) for c in line[pos:end]]
            if not m:
                break
            pos = m.end()
            for p in (m.group(1) or "0").split(";"):
                if p == "0":
                    attrs = frozenset()
                elif p in SGR_ATTRS:
                    attrs = attrs | {SGR_ATTRS[p]}
                elif p in SGR_OFF:
                    attrs = attrs - set(SGR_OFF[p])
        rows.append(row)
    return rows


def check_mono_selection(t, memtui, path):
    """Without colour the flame graph's selected frame has attributes no other cell
    of the graph has (its alternate frames are in reverse video)."""
    for label, env in (("NO_COLOR", {"TERM": "tmux-256color", "LANG": "C.UTF-8",
                                     "NO_COLOR": "1"}),
                       ("mono", {"TERM": "xterm-mono", "LANG": "C.UTF-8"})):
        s = Tmux("sel" + label.replace("_", ""), "%s %s" % (memtui, path), env)
        try:
            s.wait(lambda x: "[tree]" in x)
            s.keys("2")
            s.keys("j")
            scr = s.wait(lambda x: "[flame graph]" in x and "\nall " not in x)
            name = scr.rstrip("\n").split("\n")[-2].split("  ")[0]
            rows = cells(s.screen(escapes=True))[1:-2]    # the icicle: title, info, status apart
            sel = {a for row in rows for c, a in row if c.strip() and "underline" in a and
                   "reverse" in a}
            t.check("%s: one attribute set marks the selection" % label, len(sel), 1)
            marked = ["".join(c for c, a in row if a in sel).strip() for row in rows]
            marked = [m for m in marked if m]
            t.true("%s: only the selected frame %s has it" % (label, name),
                   len(marked) == 1 and marked[0].startswith(name), repr(marked))
            others = {a for row in rows for c, a in row if a not in sel}
            t.true("%s: alternate frames are still in reverse video" % label,
                   any("reverse" in a for a in others), repr(others))
        finally:
            s.close()


def check_dumb(t, memtui, path):
    """TERM=dumb cannot address the cursor: one line, exit 2, nothing drawn."""
    s = Tmux("dumb", "%s %s" % (memtui, path), {"TERM": "dumb", "LANG": "C.UTF-8"})
    try:
        scr = s.wait(lambda x: "EXIT=" in x)
        lines = [line for line in scr.split("\n") if line.strip()]
        t.true("TERM=dumb: refused with one line and exit 2",
               len(lines) == 2 and lines[0].startswith("memtui: TERM=dumb cannot move the cursor")
               and lines[1] == "EXIT=2", repr(lines))
    finally:
        s.close()


def check_ascii(t, memtui, path):
    env = {"TERM": "tmux-256color", "LANG": "C", "LC_ALL": "C"}
    s = Tmux("ascii", "%s %s" % (memtui, path), env)
    try:
        s.literal("E")
        want = norm(replay(memtui, path, "E", size="%dx%d" % (W, H), env=env))
        got = norm(s.wait(lambda x: norm(x) == want))
        t.check("LANG=C: terminal = replay", got, want)
        t.true("LANG=C: ASCII only", all(ord(c) < 128 for c in got))
    finally:
        s.close()


def make_slow_capture(samples, path):
    """A valid heaptrack text capture of 80 MB (20M cheap events): about a second to load."""
    text = open(os.path.join(samples, "heaptrack", "heaptrack.stages.txt"), "rb").read()
    lines = text.split(b"\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(b"+ "))
    with open(path, "wb") as f:
        f.write(b"\n".join(lines[:i + 1]) + b"\n")
        chunk = b"+ 0\n- 0\n" * 100000
        for _ in range(100):
            f.write(chunk)
        f.write(b"\n".join(lines[i + 1:]))


def check_cancel(t, memtui, samples):
    tmp = tempfile.mkdtemp(prefix="memtui-ui-")
    path = os.path.join(tmp, "slow.heaptrack")
    make_slow_capture(samples, path)
    s = Tmux("cancel", "%s %s" % (memtui, path), {"TERM": "tmux-256color", "LANG": "C.UTF-8"})
    try:
        scr = s.wait(lambda x: "ETA" in x or "EXIT=" in x)
        line = next((ln for ln in scr.split("\n") if "ETA" in ln), "")
        t.true("progress line: bytes, percent, rate, ETA", re.search(
            r"[\d.]+ [KMG]?i?B of [\d.]+ [KMG]?i?B +\d+% +[\d.]+ [KMG]?i?B/s +ETA [\d:-]+", line),
            repr(scr))
        t.true("progress: loading names the file", "loading " + path in scr, "")
        s.keys("C-c")
        scr = s.wait(lambda x: "EXIT=" in x)
        t.true("Ctrl-C cancels the load: status 130", "EXIT=130" in scr, scr[-400:])
        t.true("cancel message", "memtui: %s: cancelled" % path in scr, scr[-400:])
    finally:
        s.close()
    # A file name longer than the progress box at 80x24: shown whole, on rows of its own.
    long_dir = os.path.join(tmp, "a-directory-with-a-rather-long-name-for-the-load-screen",
                            "and-another-one-below-it")
    os.makedirs(long_dir)
    long_path = os.path.join(long_dir, "slow.heaptrack")
    os.rename(path, long_path)
    s = Tmux("longname", "%s %s" % (memtui, long_path),
             {"TERM": "tmux-256color", "LANG": "C.UTF-8"}, w=80, h=24)
    try:
        scr = s.wait(lambda x: "ETA" in x or "EXIT=" in x)
        lines = scr.split("\n")
        title = next((i for i, ln in enumerate(lines) if "memtui: loading" in ln), None)
        shown = ""
        if title is not None:
            # The name's rows follow the title; the bar (block glyphs or blank) ends them.
            shown = lines[title].split("memtui: loading", 1)[1].strip()
            for ln in lines[title + 1:]:
                row = ln.strip()
                if not row or " " in row or any("\u2580" <= c <= "\u259f" for c in row):
                    break
                shown += row
        t.check("80x24: the load screen shows the long file name whole", shown, long_path)
        s.keys("C-c")
        s.wait(lambda x: "EXIT=" in x)
    finally:
        s.close()
        shutil.rmtree(tmp)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    if not shutil.which("tmux"):
        print("skip: tmux not installed")
        return 77
    memtui, samples = os.path.abspath(sys.argv[1]), sys.argv[2]
    t = Suite("tmux")
    memray = os.path.join(samples, "memray", "stages.bin")
    heaptrack = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    try:
        check_steps(t, memtui, memray, {"TERM": "tmux-256color", "LANG": "C.UTF-8"}, "memray")
        check_steps(t, memtui, heaptrack, {"TERM": "tmux-256color", "LANG": "C.UTF-8"},
                    "heaptrack")
        check_figures(t, memtui, heaptrack)
        env = {"TERM": "tmux-256color", "LANG": "C.UTF-8"}
        check_steps(t, memtui, memray, env, "stages", STAGE_STEPS)
        check_steps(t, memtui, heaptrack, env, "htstages", STAGE_STEPS)
        pairs = ((os.path.join(samples, "memray", "diff_before.bin"),
                  os.path.join(samples, "memray", "diff_after.bin")),
                 (os.path.join(samples, "heaptrack", "heaptrack.phases_before.zst"),
                  os.path.join(samples, "heaptrack", "heaptrack.phases_after.zst")))
        check_stage_figures(t, memtui, memray, "memray")
        check_stage_figures(t, memtui, heaptrack, "heaptrack")
        for (a, b), label in zip(pairs, ("memray", "heaptrack")):
            check_diff_figures(t, memtui, a, b, label)
        check_steps(t, memtui, pairs[0], env, "diff", DIFF_STEPS)
        check_steps(t, memtui, pairs[1], env, "htdiff", DIFF_STEPS)
        check_colours(t, memtui, memray)
        check_mono_selection(t, memtui, memray)
        check_dumb(t, memtui, memray)
        check_ascii(t, memtui, heaptrack)
        check_cancel(t, memtui, samples)
    except (Failure, subprocess.CalledProcessError) as ex:
        t.true("run", False, str(ex))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
