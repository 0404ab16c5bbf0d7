#!/usr/bin/env python3
"""The timeline (view 3) read back from `memtui --replay` frames.

Covers: the axis (the peak, the mark A and the cursor on a row of their own,
never over a time label; round time labels between the start and the end when
there is room), one time per moment (the cursor line, the mark, the opened
tree and the diff's sides name a moment alike, the peak as the header and
`memtui report` time it, the end at the axis' end; memray's 10 ms clock said
in the title), an aggregated capture (no heap over time: its peak and end
snapshots and its RSS instead of synthetic steps), r (RSS hidden, the graph
rescaled to the heap), and keys: a self-diff is refused, Esc clears the mark
A, / swallows what is typed and other views' keys do not act here.

Frame rows from the bottom: status, cursor line, time labels, markers.

usage: test_timeline_view.py MEMTUI SAMPLES
       test_timeline_view.py MEMTUI --cpp CAPTURE   (the axis on a clang-sized
       capture; exit 77 when it is missing)
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import (Failure, Suite, bottom, fmt_bytes, replay, report, status,  # noqa: E402
                    tree_rows)

MARKER_GLYPHS = set(" \u25b2\u2502A^|")
LABEL = r"(\d+) ms|event (\d+)"


def rows(screen):
    return screen.rstrip("\n").split("\n")


def labels(line):
    """The time labels of an axis row: [(column, value, unit)]."""
    return [(m.start(), int(m.group(1) or m.group(2)), "ms" if m.group(1) else "event")
            for m in re.finditer(LABEL, line)]


def cursor_index(lines):
    """The cursor line's row: the last one naming a moment's heap (a message may sit below)."""
    return max((i for i, ln in enumerate(lines[:-1]) if ": heap " in ln), default=len(lines) - 2)


def cursor_line(screen, above=0):
    """The cursor line, or the row `above` rows over it (1: the axis, 2: the markers)."""
    lines = rows(screen)
    return lines[cursor_index(lines) - above]


def title_index(lines):
    """The timeline's title row, below the header (whose height depends on the screen)."""
    return next((i for i, ln in enumerate(lines) if re.match(r"(live|no) heap over", ln)), 3)


def cursor_moment(screen):
    """The moment the cursor line names (before ": heap")."""
    return cursor_line(screen).split(": heap ")[0]


def check_axis(t, memtui, path, keys, size, timeout=60):
    name = "%s %s at %s" % (os.path.basename(path), keys, size)
    lines = rows(replay(memtui, path, keys, size=size, timeout=timeout))
    width = int(size.split("x")[0])
    cur = cursor_index(lines)
    markers, axis = lines[cur - 2], lines[cur - 1]
    t.true(name + ": the marker row holds markers only", set(markers) <= MARKER_GLYPHS,
           repr(markers))
    t.true(name + ": the peak is marked", "\u25b2" in markers or "^" in markers, repr(markers))
    got = labels(axis)
    # Every number on the label row has its unit and nothing else is on it.
    t.check(name + ": the label row is only labels",
            re.sub(LABEL, "", axis).strip(), "")
    t.true(name + ": start label intact", re.match(r"0 ms|event 0", axis[11:]) is not None,
           repr(axis))
    # Between 0 and the end, round values when the span has any (a 1 ms run has none).
    t.true(name + ": at least 3 labels at %d columns" % width,
           len(got) >= min(3, got[-1][1] + 1 if got else 3), repr(axis))
    # The title and the cursor line drop whole fields: none ends in a bare number.
    for what, ln in (("title", lines[title_index(lines)]), ("cursor line", lines[cur])):
        t.true(name + ": %s ends with a unit or a word" % what,
               (not re.search(r"\d$", ln.rstrip()) or re.search(r"event \d+$", ln.rstrip()))
               and len(ln.rstrip()) <= width, repr(ln))
    values = [v for _, v, _ in got]
    t.true(name + ": labels increase", values == sorted(values) and len(set(values)) == len(values),
           repr(axis))
    return got


def check_axes(t, memtui, samples):
    memray = os.path.join(samples, "memray", "stages.bin")
    # The frames: the peak or the cursor in the last columns.
    for keys in ("3", "3G", "3Gh", "3Ghh", "3l"):
        check_axis(t, memtui, memray, keys, "80x24")
    got = check_axis(t, memtui, memray, "3G", "80x24")
    t.check("stages.bin: the axis ends at the run's end", got[-1][1:], (42, "ms"))
    t.true("stages.bin: round labels between", (10, "ms") in [g[1:] for g in got], repr(got))
    ht = os.path.join(samples, "heaptrack")
    for f in sorted(os.listdir(ht)):
        if f.endswith(".zst") and "truncated" not in f:
            for size in ("80x24", "200x50"):
                check_axis(t, memtui, os.path.join(ht, f), "3", size)
                check_axis(t, memtui, os.path.join(ht, f), "3G", size)


def check_cpp_axes(t, memtui, cpp):
    """clang's run: its end label read "1006 m\u25b2" with the peak in the last columns.

    Three replays only: a sanitizer build takes a minute to load the capture."""
    for keys, size in (("3G", "80x24"), ("3G", "200x50"), ("3", "80x24")):
        got = check_axis(t, memtui, cpp, keys, size, timeout=900)
        if keys == "3G":
            end = cursor_moment(replay(memtui, cpp, keys, size=size, timeout=900))
            t.check("clang at %s: the axis ends at the end moment" % size,
                    "%d ms (end)" % got[-1][1] if got else None, end)


def check_moments(t, memtui, samples):
    path = os.path.join(samples, "memray", "stages.bin")
    rep = report(memtui, path)
    size = "100x30"
    # The peak: as the header and the report time it.
    peak = cursor_moment(replay(memtui, path, "3", size=size))
    t.check("peak moment", peak, "%d ms (peak)" % rep["peak"]["time_ms"])
    header = replay(memtui, path, "3", size=size)
    t.true("header agrees", "peak %s at %d ms" % (fmt_bytes(rep["peak"]["bytes"]),
                                                  rep["peak"]["time_ms"]) in header, header[:300])
    # The end: at the end of the axis, not at the last stamp (31 ms).
    screen = replay(memtui, path, "3G", size=size)
    end = cursor_moment(screen)
    t.check("end moment", end, "%d ms (end)" % rep["meta"]["duration_ms"])
    t.check("the axis ends at the end moment", labels(cursor_line(screen, 1))[-1][1],
            rep["meta"]["duration_ms"])
    # A column without events between the stamps at 20 and 31 ms: the heap since 20 ms.
    keys = "3" + "h" * 12
    screen = replay(memtui, path, keys, size=size)
    t.check("empty column's moment", cursor_moment(screen), "20 ms")
    t.true("empty column says why", "no event stamped between 20 and 31 ms" in cursor_line(screen),
           cursor_line(screen))
    # One label everywhere: the cursor line, the mark, the tree, the diff.
    for k, moment in (("3", peak), (keys, "20 ms"), ("3G", end)):
        st = status(replay(memtui, path, k + "<Enter>", size=size))
        t.true("tree of %s is live at %s" % (k, moment), "live at %s " % moment in st, st)
        screen = replay(memtui, path, k + "<Space>", size=size)
        t.true("mark of %s is A = %s" % (k, moment), "A = %s;" % moment in bottom(screen),
               bottom(screen))
        t.true("cursor line shows A: %s" % moment, "A: %s, d: diff" % moment in cursor_line(screen),
               cursor_line(screen))
    diff = rows(replay(memtui, path, keys + "<Space>Gd", size=size))
    title = next((ln for ln in diff if ln.startswith("A: ")), "")
    t.true("diff sides: A 20 ms, B the end", title.startswith("A: 20 ms  B: %s" % end), title)
    diff = rows(replay(memtui, path, "3<Space>Gd", size=size))
    title = next((ln for ln in diff if ln.startswith("A: ")), "")
    t.true("diff sides: A the peak, B the end", title.startswith("A: %s  B: %s" % (peak, end)),
           title)
    # memray's clock is coarse: the title says how coarse.
    title = next(ln for ln in rows(replay(memtui, path, "3", size="160x30"))
                 if ln.startswith("live heap"))
    t.true("title: stamped every ~10 ms", "time stamped every ~10 ms" in title, title)


def check_untimed(t, memtui, samples):
    """Without time stamps (heaptrack.stages.txt less its `c` lines) moments are events."""
    src = os.path.join(samples, "heaptrack", "heaptrack.stages.txt")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "notime.txt")
        with open(src) as f, open(path, "w") as out:
            out.writelines(ln for ln in f if not ln.startswith("c "))
        rep = report(memtui, path)
        got = check_axis(t, memtui, path, "3G", "80x24")
        screen = replay(memtui, path, "3G", size="80x24")
        t.check("untimed: the axis ends at the end moment", "event %d (end)" % got[-1][1],
                cursor_moment(screen))
        t.check("untimed: the peak", cursor_moment(replay(memtui, path, "3", size="80x24")),
                "event %d (peak)" % rep["peak"]["event_index"])
        st = status(replay(memtui, path, "3G<Enter>", size="80x24"))
        t.true("untimed: tree at the end", "live at event %d (end)" % got[-1][1] in st, st)


def check_aggregated(t, memtui, samples):
    path = os.path.join(samples, "memray", "stages_aggregated.bin")
    rep = report(memtui, path)
    peak, leaked = fmt_bytes(rep["peak"]["bytes"]), fmt_bytes(rep["leaks"]["bytes"])
    screen = replay(memtui, path, "3", size="80x24")
    lines = rows(screen)
    t.true("aggregated: says there is no heap over time",
           any(ln.startswith("no heap over time") for ln in lines), screen)
    t.true("aggregated: no made-up heap axis",
           not any("over the event log" in ln or "event 40" in ln for ln in lines), screen)
    body = lines[title_index(lines):]
    t.true("aggregated: the peak snapshot", re.match(r"^  peak +%s .*time unknown$" %
                                                     re.escape(peak), body[1]) is not None,
           repr(body[1]))
    t.true("aggregated: the end snapshot", re.match(r"^  end +%s .*at 40 ms: what leaked$" %
                                                    re.escape(leaked), body[2]) is not None,
           repr(body[2]))
    t.true("aggregated: RSS over time", body[3].startswith("RSS over time"), repr(body[3]))
    t.check("aggregated: RSS axis in ms", [v for _, v, _ in labels(cursor_line(screen, 1))][-1],
            40)
    t.true("aggregated: the cursor is on the peak",
           cursor_line(screen).startswith("peak (time unknown): heap %s" % peak), lines[-2])
    screen = replay(memtui, path, "3<Enter>", size="120x30")
    t.check("aggregated: Enter on the peak: the peak's tree", tree_rows(screen)[0].value, peak)
    t.true("aggregated: tree named", "live at peak (time unknown)" in status(screen),
           status(screen))
    screen = replay(memtui, path, "3j<Enter>", size="120x30")
    t.check("aggregated: Enter on the end: what leaked", tree_rows(screen)[0].value, leaked)
    t.true("aggregated: end tree named", "live at 40 ms (end)" in status(screen), status(screen))
    diff = rows(replay(memtui, path, "3<Space>jd", size="120x30"))
    title = next((ln for ln in diff if ln.startswith("A: ")), "")
    t.true("aggregated: peak vs end diff", title.startswith(
        "A: peak (time unknown)  B: 40 ms (end)"), title)


def check_rss_key(t, memtui, samples):
    path = os.path.join(samples, "heaptrack", "heaptrack.leaky.zst")
    rep = report(memtui, path)
    peak = fmt_bytes(rep["peak"]["bytes"])
    before = rows(replay(memtui, path, "3", size="80x24"))
    after = rows(replay(memtui, path, "3r", size="80x24"))
    graph_top = title_index(after) + 1  # below the header and the title
    t.true("r: RSS scale before", not before[graph_top].startswith(peak), before[graph_top])
    t.true("r: scaled to the heap", after[graph_top].startswith(peak + " "), after[graph_top])
    t.true("r: the peak column reaches the top", "\u2588" in after[graph_top], after[graph_top])
    t.true("r: no RSS dots", not any("\u2022" in ln for ln in after[graph_top:-3]),
           "\n".join(after))
    t.true("r: title says RSS hidden", "RSS hidden (r: show)" in after[graph_top - 1],
           after[graph_top - 1])
    t.true("r: status names the heap only", "metric: live heap " in status("\n".join(after)),
           after[-1])
    again = rows(replay(memtui, path, "3rr", size="80x24"))
    t.check("r twice: RSS back", again, before)
    helps = replay(memtui, path, "?", size="120x60")
    t.true("help lists r", re.search(r"\br\b.*hide or show RSS", helps) is not None, helps)


def check_keys(t, memtui, samples):
    path = os.path.join(samples, "memray", "stages.bin")
    screen = replay(memtui, path, "3<Space>d", size="100x30")
    st = bottom(screen)
    t.true("self-diff refused", status(screen).startswith("[timeline]") and
           "same moment as A" in st, st)
    # Two empty columns carry the same moment: refused too.
    st = bottom(replay(memtui, path, "3" + "h" * 12 + "<Space>hd", size="100x30"))
    t.true("same moment from another column refused", "same moment as A: 20 ms" in st, st)
    screen = replay(memtui, path, "3<Space>h<Esc>", size="100x30")
    t.true("Esc clears the mark", "A" not in cursor_line(screen, 2) and
           "A:" not in cursor_line(screen), cursor_line(screen, 2) + "|" + cursor_line(screen))
    st = bottom(replay(memtui, path, "3<Space><Esc>d", size="100x30"))
    t.true("after Esc, d asks for a mark", "mark side A with Space first" in st, st)
    # / on the timeline: typed text is swallowed (the i of /calib used to invert the tree).
    plain = replay(memtui, path, "3", size="100x30")
    st = bottom(replay(memtui, path, "3/cal", size="100x30"))
    t.true("/ says there is no search", "no search here" in st, st)
    t.check("/calib<Enter> leaves the timeline as it was",
            rows(replay(memtui, path, "3/calib<Enter>", size="100x30"))[:-1],
            rows(plain)[:-1])
    st = status(replay(memtui, path, "3/calib<Enter>1", size="100x30"))
    t.true("/calib did not invert the tree", "top-down" in st, st)
    for key, what in (("i", "top-down"), ("s", "sort: size")):
        st = bottom(replay(memtui, path, "3" + key, size="100x30"))
        t.true(key + " says it is not a timeline key", "%s: not a timeline key" % key in st, st)
        st = status(replay(memtui, path, "3" + key + "1", size="100x30"))
        t.true(key + " on the timeline changed nothing in the tree", what in st, st)
    # m is the app's: the chart follows the metric, and so do the trees
    # (test_timeline_rates.py checks the charts against the report).
    st = status(replay(memtui, path, "3m", size="100x30"))
    t.true("m on the timeline: leaks chart the live heap", "metric: live heap" in st, st)
    st = status(replay(memtui, path, "3mm", size="100x30"))
    t.true("mm on the timeline: bytes allocated per second",
           "metric: bytes allocated per second" in st, st)
    st = status(replay(memtui, path, "3m1", size="100x30"))
    t.true("m on the timeline changed the trees' metric", "metric: leaks" in st, st)


def main():
    memtui = sys.argv[1]
    t = Suite("timeline_view")
    if sys.argv[2] == "--cpp":
        if not os.path.exists(sys.argv[3]):
            print("skip: no capture at %s" % sys.argv[3])
            return 77
        try:
            check_cpp_axes(t, memtui, sys.argv[3])
        except (Failure, IndexError) as ex:
            t.true("check_cpp_axes ran", False, repr(ex))
        return t.done()
    samples = sys.argv[2]
    for check in (check_moments, check_untimed, check_aggregated, check_rss_key, check_keys):
        try:
            check(t, memtui, samples)
        except (Failure, IndexError, StopIteration) as ex:
            t.true(check.__name__ + " ran", False, repr(ex))
    try:
        check_axes(t, memtui, samples)
    except (Failure, IndexError) as ex:
        t.true("check_axes ran", False, repr(ex))
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
