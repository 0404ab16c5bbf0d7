#!/usr/bin/env python3
"""Every view of every capture, replayed and scanned for cut figures, markers
drawn over labels and status text drawn over status text.

Frames.  Each capture memtui opens in SAMPLE_CAPTURES/memray and
SAMPLE_CAPTURES/heaptrack (files it refuses are bad_input's business), and
CPP_CAPTURE (clang++ recorded by heaptrack), is replayed with the keys of
every view: "" (1, the tree), "2" (flame graph), "3" (timeline), "4" (stage
table), "?" (help), "4<Enter>" (the first stage's tree) and "3<Enter>" (the
tree at the timeline's cursor); each sample pair (memray diff_before/after,
heaptrack phases_before/after) with "" (diff tree), "2" (diff flame graph) and
"?".  Every one at 80x24 and at 200x50, each with LANG=C.UTF-8, with LANG=C
(ASCII glyphs) and with NO_COLOR=1 (colours change attributes only, so the
text must be the same as with colours; that is checked too).

Words.  A word is a run of non-blank characters.  A bare number is a word of
digits, '.' and ',' (after an optional sign or opening parenthesis): "23.9",
"4.", "(+98.5".  A unit is one of UNITS below ("B", "KiB", "ms", "allocations",
...); a unit prefix is a proper prefix of a unit that is not itself a unit:
"K", "Mi", "m", "alloc".  The ellipsis is the glyph that marks a cut: "…",
or "~" under LANG=C.

Rules (each failure names the rule, file, keys, size, environment, row and
the offending line):
  edge      A line whose text reaches the last column must not end in a bare
            number ("leaked 23.9", "leaked 4."), in a bare number and a unit
            prefix ("leaked 111 K", "(format 3)  1 m"), or in a number with a
            unit prefix glued to it ("148m").  A count that is complete at the
            last column cannot be told from a cut one, so views keep figures
            off the last column unless their unit ends there.
  ellipsis  The ellipsis must not follow a bare number, or a bare number and a
            unit prefix, or a number with a glued unit prefix, in any row:
            "4.86…", "111 K…".
  marker    On a timeline frame (status "[timeline]"), a row with a time label
            (a number followed by ms, s, min or h; or "event N") must not have
            a marker (▲ │, or ^ | under LANG=C) touching a letter or a digit:
            "▲45 ms", "1006 m▲", "0 ▲s" are labels drawn over.
  label     The status line has no "name:" without its value (the colon
            followed by two blanks or the end): "metric:  no stages…".
  colour    The NO_COLOR=1 frame equals the frame with colours.
  message   Keys that leave a one-frame message (MESSAGES below; their frames
            are scanned by the rules above too): at 80x24
            and 200x50 the message appears whole, on the status line or on
            rows of its own above it (rows joined by one blank), equal to the
            message at 300x50; and the status line keeps whole fields of the
            same frame without the message (the frame after one more key,
            Ctrl-L, which only redraws): field k (fields are split at two
            blanks) equals field k of that status line, except the last
            shown, which may be its start ended by the ellipsis.
  header    The header shows the report's temporary allocations, peak RSS and
            suppressed leaks where the capture has them (200x50), and the
            capture's warnings (a copy of native_fixture.bin away from its
            library: "native frames left unnamed ... (see --prefix-map)"),
            whole at 80x24 and 200x50.
  symbols   At 200x50 the header of native_fixture.bin says "native frames
            N% named", N from the report's "symbols" table (rounded down);
            a capture without native frames (stages.bin) says nothing of it.

The test fails on any failure; it prints every failure, then the count per
rule and per view.  Without CPP_CAPTURE (the sanitizer build) it checks the
samples only; with a CPP_CAPTURE path that does not exist (record_cpp was
skipped) it checks the samples, then exits 77 (skipped) if they passed.

usage: test_screens.py MEMTUI SAMPLE_CAPTURES [CPP_CAPTURE]
"""
import collections
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

from uitest import Failure, Suite, fmt_bytes, report

SIZES = ("80x24", "200x50")
ENVS = (("utf8", {"LANG": "C.UTF-8"}), ("C", {"LANG": "C"}),
        ("NO_COLOR", {"LANG": "C.UTF-8", "NO_COLOR": "1"}))
VIEW_KEYS = ("", "2", "3", "4", "?", "4<Enter>", "3<Enter>")
DIFF_KEYS = ("", "2", "?")
PAIRS = (("memray/diff_before.bin", "memray/diff_after.bin"),
         ("heaptrack/heaptrack.phases_before.zst", "heaptrack/heaptrack.phases_after.zst"))
UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "ms", "s", "min", "h", "%", "allocations",
         "allocation", "allocs", "calls", "call", "bytes", "byte", "rows", "row", "frames",
         "frame", "matches", "match", "columns", "column", "stages", "stage", "events", "event",
         "temporary", "addresses", "address", "warnings", "warning")
# (capture, keys): keys after which a message is on screen for one frame.
MESSAGES = (
    ("memray/stages.bin", "S"),                  # S on the root
    ("memray/stages.bin", "9"),                  # no view 9
    ("memray/stages.bin", "n"),                  # n before any search
    ("memray/stages.bin", "/nosuchfunction<Enter>"),
    ("memray/stages.bin", "3/"),                 # the timeline has no search
    ("memray/stages.bin", "3d"),                 # d before Space
    ("memray/stages.bin", "3<Space>"),
    ("memray/stages.bin", "4<Space>"),
    ("heaptrack/heaptrack.stages.zst", "jjjS"),  # S on build_table: no stages (start-up folded)
    ("memray/stages.bin", "z"),                  # folding off
    ("heaptrack/heaptrack.stages.zst", "/calibrate<Enter>"),
    ("memray/stages_aggregated.bin", "4t"),
    ("memray/stages_aggregated.bin", "4<Enter>d"),
    ("memray/stages_aggregated.bin", "4<Space>jd"),
)
ELLIPSIS = {"utf8": "\u2026", "NO_COLOR": "\u2026", "C": "~"}
MARKERS = {"utf8": "\u25b2\u2502", "NO_COLOR": "\u25b2\u2502", "C": "^|"}

BARE = re.compile(r"^[(+-]*\d[\d.,]*$")
GLUED = re.compile(r"^[(+-]*\d[\d.,]*([A-Za-z%]+)$")
TIME_LABEL = re.compile(r"\d+(?:\.\d+)? ?(?:ms|s|min|h)\b|\bevent \d+")


def unit_prefix(word):
    return word not in UNITS and any(u.startswith(word) for u in UNITS)


def cut_tail(text):
    """Why text, which ends at a cut (the screen's edge or an ellipsis), ends in a
    cut figure; "" if it does not."""
    words = text.split(" ")
    last = words[-1]
    if BARE.match(last):
        return "a bare number"
    m = GLUED.match(last)
    if m and unit_prefix(m.group(1)):
        return "a number with a cut unit"
    if len(words) >= 2 and BARE.match(words[-2]) and unit_prefix(last):
        return "a number and a cut unit"
    return ""


def columns(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def fields(status_line, hint="?:help q:quit"):
    text = status_line.rstrip()
    if text.endswith(hint):
        text = text[:-len(hint)].rstrip()
    return [f.strip() for f in re.split(r" {2,}", text) if f.strip()]


class Rules(Suite):
    """A Suite that also counts failures per rule (the first word of what)."""

    def __init__(self, name):
        super().__init__(name)
        self.per_rule = collections.Counter()

    def true(self, what, cond, detail=""):
        if not cond:
            self.per_rule[what] += 1
        return super().true(what, cond, detail)


class Frame:
    def __init__(self, where, text, w, env):
        self.where, self.w, self.env = where, w, env
        self.lines = text.rstrip("\n").split("\n")


def scan(t, frame):
    """Rules edge, ellipsis, marker and label on one frame."""
    ell = ELLIPSIS[frame.env]
    timeline = frame.lines[-1].startswith("[timeline]")
    for row, line in enumerate(frame.lines):
        what = "%s row %d: %r" % (frame.where, row + 1, line)
        if columns(line) >= frame.w:
            why = cut_tail(line)
            t.true("edge", not why, "%s (ends in %s)" % (what, why))
        for i, c in enumerate(line):
            if c == ell and i and line[i - 1] != " ":
                why = cut_tail(line[:i])
                t.true("ellipsis", not why, "%s (col %d: %s before the ellipsis)" %
                       (what, columns(line[:i]) + 1, why))
        if timeline and row + 1 < len(frame.lines) and TIME_LABEL.search(line):
            for i, c in enumerate(line):
                if c not in MARKERS[frame.env]:
                    continue
                near = line[i - 1:i] + line[i + 1:i + 2]
                t.true("marker", not any(ch.isalnum() for ch in near),
                       "%s (marker %r at col %d touches a label)" % (what, c,
                                                                     columns(line[:i]) + 1))
    status = frame.lines[-1]
    m = re.search(r"\b[A-Za-z]+:(?: {2,}|$)", status)
    t.true("label", not m, "%s status: %r (a label without its value)" % (frame.where, status))


def run_replay(memtui, paths, keys, size, env):
    e = dict(os.environ)
    e["LC_ALL"] = ""
    e.pop("NO_COLOR", None)
    e.update(env)
    p = subprocess.run([memtui, "--replay", keys, "--size", size] + list(paths),
                       capture_output=True, env=e, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", errors="replace"), \
        p.stderr.decode(errors="replace")


def opens(memtui, path):
    rc, _, _ = run_replay(memtui, [path], "q", "80x24", {"LANG": "C.UTF-8"})
    return rc == 0


def scan_all(t, memtui, jobs):
    """jobs: (label, paths, keys); every size and environment, two at a time."""
    per_view = collections.Counter()
    work = [(label, paths, keys, size, env_name, env) for label, paths, keys in jobs
            for size in SIZES for env_name, env in ENVS]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda j: (j, run_replay(memtui, j[1], j[2], j[3], j[5])), work))
    frames = {}
    for (label, paths, keys, size, env_name, env), (rc, out, err) in results:
        where = "%s keys=%r size=%s env=%s" % (label, keys, size, env_name)
        if not t.true("replay", rc == 0, "%s: exit %d: %s" % (where, rc, err.strip())):
            continue
        frames[(label, keys, size, env_name)] = out
        failed = t.failed
        scan(t, Frame(where, out, int(size.split("x")[0]), env_name))
        if t.failed > failed:
            per_view[keys or "1"] += t.failed - failed
    for (label, keys, size, env_name), out in frames.items():
        if env_name == "NO_COLOR" and (label, keys, size, "utf8") in frames:
            t.true("colour", out == frames[(label, keys, size, "utf8")],
                   "%s keys=%r size=%s: NO_COLOR=1 changes the text" % (label, keys, size))
    return per_view


def check_message(t, memtui, path, keys):
    """Rule message for one capture and keys."""
    env = {"LANG": "C.UTF-8"}
    ell = ELLIPSIS["utf8"]
    _, wide, _ = run_replay(memtui, [path], keys, "300x50", env)
    _, wide0, _ = run_replay(memtui, [path], keys + "<Ctrl-L>", "300x50", env)
    st, st0 = wide.rstrip("\n").split("\n")[-1], wide0.rstrip("\n").split("\n")[-1]
    base = " ".join(fields(st0))
    where = "%s keys=%r" % (os.path.basename(path), keys)
    if not t.true("message", " ".join(fields(st)).startswith(base) and st != st0,
                  "%s size=300x50: no message beside the whole status %r: %r" %
                  (where, st0, st)):
        return
    msg = " ".join(fields(st))[len(base):].strip()
    for size in SIZES:
        _, out, _ = run_replay(memtui, [path], keys, size, env)
        _, out0, _ = run_replay(memtui, [path], keys + "<Ctrl-L>", size, env)
        scan(t, Frame("%s size=%s" % (where, size), out, int(size.split("x")[0]), "utf8"))
        lines, ref = out.rstrip("\n").split("\n"), fields(out0.rstrip("\n").split("\n")[-1])
        bottom = " ".join(" ".join(lines[-4:]).split())
        t.true("message", msg in bottom, "%s size=%s: message %r not whole in %r" %
               (where, size, msg, lines[-4:]))
        status = lines[-1].rstrip()
        if status.endswith(msg):
            status = status[:-len(msg)]
        shown = fields(status)
        for k, f in enumerate(shown):
            whole = k < len(ref) and f == ref[k]
            cut = k == len(shown) - 1 and k < len(ref) and f.endswith(ell) and \
                ref[k].startswith(f[:-1].rstrip(ell))
            t.true("message", whole or cut, "%s size=%s: status field %r is not field %d of %r" %
                   (where, size, f, k + 1, ref))


def title_row(lines):
    """The tree's column titles: the first line with the word "function" (a
    path in the header may hold "functions")."""
    return next(i for i, line in enumerate(lines) if re.search(r"\bfunction\b", line))


def check_header(t, memtui, path, size="200x50"):
    """Rule header: temporary, peak RSS, suppressed as the report has them (at
    80x24 in their brief forms, without the count)."""
    rep = report(memtui, path)
    _, out, _ = run_replay(memtui, [path], "", size, {"LANG": "C.UTF-8"})
    lines = out.split("\n")
    head = " ".join(lines[:title_row(lines)])
    where = "%s size=%s" % (os.path.basename(path), size)
    brief = size == "80x24"
    temp = rep["totals"].get("temporary")
    want = []
    if temp:
        want.append("%d temporary" % temp + ("" if brief else " allocations"))
    if rep["rss"]["samples"]:
        want.append("peak RSS %s" % fmt_bytes(rep["rss"]["max_bytes"]))
    if rep["leaks"]["suppressed_allocations"]:
        want.append("suppressed %s" % fmt_bytes(rep["leaks"]["suppressed_bytes"]) +
                    ("" if brief else " in %d allocations" %
                     rep["leaks"]["suppressed_allocations"]))
    for w in want:
        t.true("header", w in head, "%s: %r not in the header %r" % (where, w, head))


def check_warnings(t, memtui, samples):
    """Rule header: the capture's warning, whole, in the header."""
    tmp = tempfile.mkdtemp(prefix="memtui-screens-")
    try:
        path = os.path.join(tmp, "native_fixture.bin")
        shutil.copy(os.path.join(samples, "memray", "native_fixture.bin"), path)
        rep = report(memtui, path)
        if not t.true("header", rep["warnings"], "%s: the report has no warning" % path):
            return
        for size in SIZES:
            _, out, _ = run_replay(memtui, [path], "", size, {"LANG": "C.UTF-8"})
            lines = out.split("\n")
            title = title_row(lines)
            head = " ".join(" ".join(lines[:title]).split())
            t.true("header", "warning: " + rep["warnings"][0] in head,
                   "%s size=%s: warning %r not whole in %r" % (path, size, rep["warnings"][0],
                                                              lines[:title]))
    finally:
        shutil.rmtree(tmp)


def check_symbols(t, memtui, samples):
    """Rule symbols: the share of native addresses named, in the header."""
    path = os.path.join(samples, "memray", "native_fixture.bin")
    table = report(memtui, path).get("symbols", [])
    named = sum(e["dwarf"] + e["symtab"] for e in table)
    every = named + sum(e["unnamed"] for e in table)
    if not t.true("symbols", every, "%s: the report has no symbols table" % path):
        return
    want = "native frames %d%% named" % (named * 100 // every)
    for rel, shown in (("memray/native_fixture.bin", True), ("memray/stages.bin", False)):
        _, out, _ = run_replay(memtui, [os.path.join(samples, rel)], "", "200x50",
                               {"LANG": "C.UTF-8"})
        lines = out.split("\n")
        title = title_row(lines)
        head = " ".join(" ".join(lines[:title]).split())
        if shown:
            t.true("symbols", want in head, "%s: %r not in the header %r" % (rel, want, head))
        else:
            t.true("symbols", "native frames" not in head, "%s: %r" % (rel, head))


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, samples = sys.argv[1], sys.argv[2]
    cpp = sys.argv[3] if len(sys.argv) > 3 else ""
    t = Rules("screens")
    captures = []
    for tool in ("memray", "heaptrack"):
        for name in sorted(os.listdir(os.path.join(samples, tool))):
            path = os.path.join(samples, tool, name)
            if name.endswith((".json", ".so")) or ".print" in name:
                continue
            if opens(memtui, path):
                captures.append(path)
            else:
                print("not a capture memtui opens (bad_input's): %s" % path)
    have_cpp = bool(cpp) and os.path.exists(cpp)
    if have_cpp:
        captures.append(cpp)
    jobs = [(os.path.relpath(p, samples) if p != cpp else p, [p], k)
            for p in captures for k in VIEW_KEYS]
    jobs += [("%s + %s" % pair, [os.path.join(samples, p) for p in pair], k)
             for pair in PAIRS for k in DIFF_KEYS]
    try:
        per_view = scan_all(t, memtui, jobs)
        for rel, keys in MESSAGES:
            check_message(t, memtui, os.path.join(samples, rel), keys)
        for rel in ("heaptrack/heaptrack.sqlite3.zst", "heaptrack/heaptrack.stages.zst",
                    "memray/stages.bin"):
            check_header(t, memtui, os.path.join(samples, rel))
            check_header(t, memtui, os.path.join(samples, rel), size="80x24")
        if have_cpp:
            check_header(t, memtui, cpp)
        check_warnings(t, memtui, samples)
        check_symbols(t, memtui, samples)
    except Failure as ex:
        t.true("run", False, str(ex))
        per_view = {}
    print("frames: %d captures x %d views, %d pairs x %d views, sizes %s, environments %s" %
          (len(captures), len(VIEW_KEYS), len(PAIRS), len(DIFF_KEYS), " ".join(SIZES),
           " ".join(n for n, _ in ENVS)))
    for keys, n in sorted(per_view.items()):
        print("failures in view %r: %d" % (keys, n))
    for rule, n in sorted(t.per_rule.items()):
        print("failures of rule %s: %d" % (rule, n))
    rc = t.done()
    if rc == 0 and cpp and not have_cpp:
        # Given but not recorded (record_cpp skipped: no heaptrack or clang++).
        print("skip: no C++ capture at %s; the samples passed" % cpp)
        return 77
    return rc


if __name__ == "__main__":
    sys.exit(main())
