#!/usr/bin/env python3
"""w (export the view) and O (the selected frame in $EDITOR).

- For the tree, the flame graph, top functions (grouped by location, sorted
  by self), callers, sizes, timeline, stages and the diff of two captures,
  on a memray capture with threads (one with a thread filter) and a
  heaptrack one, with a non-default metric, direction and sort and folding
  off: the file `memtui --replay '...w...'` writes in each of the four
  formats (by the file name's extension) equals, byte for byte, the output
  of the equivalent `memtui report` command;
- the default name (CAPTURE-VIEW.txt, then -2), the message line ("wrote
  NAME (N lines, FORMAT)");
- refusals, with nothing written: an existing file, the capture itself, a
  name without a format, a format the view has no report form for (collapsed
  stacks of the sizes view), a view without export (help), an opened tree;
- O: a heaptrack capture of a C program built with -g in the temp dir, a
  fake EDITOR that writes its arguments: it gets +LINE and the frame's file;
  $VISUAL wins over $EDITOR; a frame whose file is not here runs nothing and
  says so; the root has no frame; in tmux (the real terminal), the editor
  gets the terminal and memtui redraws after it, and Ctrl-C there ends the
  editor, not memtui.

usage: test_export.py MEMTUI SAMPLES_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uitest import Suite, Tmux  # noqa: E402

EXTS = {"txt": "text", "json": "json", "csv": "csv", "folded": "collapsed",
        "collapsed": "collapsed"}


def run(args, cwd, env, timeout=120):
    return subprocess.run(args, capture_output=True, cwd=cwd, env=env, timeout=timeout)


def export(suite, memtui, tmp, env, paths, keys, ext, size="120x30"):
    """Replays keys then w, the default name's extension changed to ext and
    Enter, in the empty directory tmp/out; returns (the new file's name and
    bytes or None, the last frame)."""
    out = os.path.join(tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    seq = keys + "w" + ("<BS>" * 3 + ext if ext != "txt" else "") + "<Enter>"
    p = run([memtui, "--replay", seq, "--size", size] + paths, out, env)
    suite.true("replay %r exits 0" % seq, p.returncode == 0, p.stderr.decode())
    files = os.listdir(out)
    if not files:
        return None, None, p.stdout.decode()
    with open(os.path.join(out, files[0]), "rb") as f:
        return files[0], f.read(), p.stdout.decode()


def report(memtui, tmp, env, args):
    p = run([memtui, "report", "--no-progress"] + args, tmp, env)
    return p.returncode, p.stdout


def check_case(suite, memtui, tmp, env, what, paths, keys, report_args, exts, stem):
    for ext in exts:
        name, data, screen = export(suite, memtui, tmp, env, paths, keys, ext)
        if not suite.true("%s .%s: a file is written" % (what, ext), name is not None,
                          screen.rstrip().split("\n")[-1]):
            continue
        suite.check("%s .%s: name" % (what, ext), name, "%s.%s" % (stem, ext))
        fmt = EXTS[ext]
        rc, want = report(memtui, tmp, env, ["--format", fmt] + report_args + paths)
        suite.check("%s: memtui report %s exits 0" % (what, " ".join(report_args)), rc, 0)
        suite.true("%s .%s: equals memtui report --format %s %s" %
                   (what, ext, fmt, " ".join(report_args)), data == want,
                   "(%d vs %d bytes)" % (len(data), len(want)))
        lines = data.count(b"\n")
        msg = "wrote %s (%s line%s, %s)" % (name, "{:,}".format(lines),
                                           "" if lines == 1 else "s", fmt)
        suite.true("%s .%s: message %r" % (what, ext, msg), msg in screen,
                   screen.rstrip().split("\n")[-1])


def refused(suite, memtui, tmp, env, what, paths, keys, message, size="160x30"):
    """keys refuse to write: nothing new in tmp/out, message on the screen."""
    out = os.path.join(tmp, "out")
    before = sorted(os.listdir(out)) if os.path.isdir(out) else None
    if before is None:
        os.mkdir(out)
        before = []
    p = run([memtui, "--replay", keys, "--size", size] + paths, out, env)
    suite.check("%s: exit" % what, p.returncode, 0)
    suite.check("%s: nothing written" % what, sorted(os.listdir(out)), before)
    screen = p.stdout.decode()
    suite.true("%s: says %r" % (what, message), message in screen,
               screen.rstrip().split("\n")[-1])


def exports(suite, memtui, samples, tmp, env):
    memray = os.path.join(samples, "memray", "threads.bin")
    heaptrack = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    all4 = ["txt", "json", "csv", "folded"]
    three = ["txt", "json", "csv"]
    cases = [
        # what, capture, keys, report args, formats, default stem
        ("tree", heaptrack, "", [], all4, "stages-tree"),
        # m m: allocated; s s s: self; z: folding off; i: bottom-up
        ("tree allocated self no-fold bottom-up", heaptrack, "mmsssiz",
         ["--metric", "allocated", "--sort", "self", "--no-fold", "--tree", "bottom-up"], all4,
         "stages-tree"),
        ("flame graph leaks", heaptrack, "2m", ["--metric", "leaks"], all4,
         "stages-flame-graph"),
        # threads 2 and 4 (worker-0, worker-2), metric allocations, sort name
        ("tree threads", memray, "Tj<Space>j<Space><Enter>mmmss",
         ["--metric", "allocations", "--sort", "name", "--thread", "2", "--thread", "4"], all4,
         "threads-tree"),
        ("flame graph threads no-fold", memray, "T<Space>jjjjj<Space><Enter>2z",
         ["--no-fold", "--thread", "1", "--thread", "6"], all4, "threads-flame-graph"),
        ("top by location, self", heaptrack, "5os",
         ["--group", "location", "--sort", "self", "--top", "0"], three, "stages-top"),
        ("top by function, allocated, threads", memray, "Tjj<Space><Enter>5mm",
         ["--group", "function", "--top", "0", "--metric", "allocated", "--thread", "3"], three,
         "threads-top"),
        # view 5 shown before the filter: rebuilt for it, as the export
        ("top, then threads", memray, "5Tjj<Space><Enter>",
         ["--group", "function", "--top", "0", "--thread", "3"], ["txt"], "threads-top"),
        ("callers, threads", memray, "Tjj<Space><Enter>5x",
         ["--callers", "_bootstrap", "--thread", "3"], ["txt", "json"], "threads-callers"),
        ("tree .collapsed", heaptrack, "m", ["--metric", "leaks"], ["collapsed"],
         "stages-tree"),
        ("callers", memray, "5x", ["--callers", "_bootstrap"], ["txt", "json"],
         "threads-callers"),
        ("callees, leaks", heaptrack, "5jxtm", ["--callees", "__libc_start_main_impl", "--metric", "leaks"],
         ["txt", "json"], "stages-callers"),
        ("sizes", heaptrack, "6t", ["--sizes"], three, "stages-sizes"),
        ("sizes memray", memray, "6", ["--sizes"], three, "threads-sizes"),
        # the sizes view counts the threads T shows, before or after it is opened
        ("sizes memray threads", memray, "6Tjjj<Space><Enter>",
         ["--sizes", "--thread", "4"], three, "threads-sizes"),
        ("sizes memray threads first", memray, "Tj<Space><Enter>6ttt",
         ["--sizes", "--thread", "2"], ["txt"], "threads-sizes"),
        ("stages heaptrack", heaptrack, "4s", ["--stages", "under:main"], three,
         "stages-stages"),
        ("stages memray marks", os.path.join(samples, "memray", "stages_marked.bin"), "4",
         ["--stages", "marks"], three, "stages_marked-stages"),
    ]
    cases += [
        # the explorer's own --fold rules go with the tree (and --no-fold)
        ("tree --fold", ["--fold", "function:calibrate", "--fold", "module:libc*", heaptrack],
         "", [], all4, "stages-tree"),
        ("tree --no-fold", ["--no-fold", heaptrack], "i", ["--tree", "bottom-up"], ["txt"],
         "stages-tree"),
        # a .mtui, opened in place by the explorer, read whole by the report
        ("tree .mtui", os.path.join(samples, "mtui", "memray_stages.mtui"), "m",
         ["--metric", "leaks"], all4, "memray_stages-tree"),
        # the focus (F), and the flame graph's zoom, which is the same focus
        ("tree focus", heaptrack, "/calibrate<Enter>F", ["--focus", "main;calibrate"], all4,
         "stages-tree"),
        ("flame graph zoom, bottom-up", heaptrack, "i2j<Enter>",
         ["--tree", "bottom-up", "--focus", "build_table"], all4, "stages-flame-graph"),
        ("tree focus, allocated, threads", memray, "Tjj<Space><Enter>mm/run<Enter>F",
         ["--metric", "allocated", "--thread", "3", "--focus", "_bootstrap;_bootstrap_inner;run"],
         ["txt", "folded"], "threads-tree"),
    ]
    for what, path, keys, args, exts, stem in cases:
        paths = path if isinstance(path, list) else [path]
        check_case(suite, memtui, tmp, env, what, paths, keys, args, exts, stem)
    # The timeline: as many slices as the view charts, of the threads T shows.
    for what, keys, args in (("timeline", "3", []),
                             ("timeline allocations, threads", "Tjj<Space><Enter>3mmm",
                              ["--metric", "allocations", "--thread", "3"])):
        name, data, screen = export(suite, memtui, tmp, env, [memray], keys, "json")
        if not suite.true("%s: a file is written" % what, name is not None, screen[-200:]):
            continue
        n = len(json.loads(data)["slices"])
        for ext in ("txt", "json", "csv"):
            name, data, screen = export(suite, memtui, tmp, env, [memray], keys, ext)
            rc, want = report(memtui, tmp, env, ["--format", EXTS[ext], "--timeline", str(n)]
                              + args + [memray])
            suite.true("%s .%s: equals memtui report --timeline %d %s" %
                       (what, ext, n, " ".join(args)), rc == 0 and data == want,
                       "(%d vs %d bytes)" % (len(data or b""), len(want)))

    # The timeline: as many slices as it charts columns (read from the JSON written).
    for path, stem, keys, metric in ((heaptrack, "stages", "3", "peak"),
                                     (memray, "threads", "3mm", "allocated")):
        name, data, _ = export(suite, memtui, tmp, env, [path], keys, "json")
        n = data.count(b'"index":') if data else 0
        suite.true("timeline %s: %d slices, fewer than the screen's columns" % (stem, n),
                   20 < n < 120)
        check_case(suite, memtui, tmp, env, "timeline %s" % stem, [path], keys,
                   ["--timeline", str(n), "--metric", metric], ["txt", "json", "csv"],
                   stem + "-timeline")

    # Two captures: the diff, in both of its views.
    a = os.path.join(samples, "memray", "diff_before.bin")
    b = os.path.join(samples, "memray", "diff_after.bin")
    check_case(suite, memtui, tmp, env, "diff of two captures", [a, b], "m", ["--diff",
               "--metric", "leaks"], all4, "diff_before-diff")
    check_case(suite, memtui, tmp, env, "diff flame graph", [a, b], "2", ["--diff"],
               ["txt"], "diff_before-diff")

    # The default name is never an existing file's; nothing is overwritten.
    out = os.path.join(tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.mkdir(out)
    for want in ("stages-tree.txt", "stages-tree-2.txt", "stages-tree-3.txt"):
        p = run([memtui, "--replay", "w<Enter>", heaptrack], out, env)
        suite.true("default name %s" % want, os.path.exists(os.path.join(out, want)),
                   p.stdout.decode().rstrip().split("\n")[-1])
    with open(os.path.join(out, "keep.json"), "w") as f:
        f.write("mine\n")
    refused(suite, memtui, tmp, env, "an existing file", [heaptrack],
            "w" + "<BS>" * len("stages-tree-4.txt") + "keep.json<Enter>",
            "keep.json exists: nothing written")
    with open(os.path.join(out, "keep.json")) as f:
        suite.check("the existing file is untouched", f.read(), "mine\n")
    copy = os.path.join(out, "copy.txt")
    shutil.copy(heaptrack, copy)
    refused(suite, memtui, tmp, env, "the capture itself", [copy],
            "w" + "<BS>" * len("copy-tree.txt") + "copy.txt<Enter>",
            "copy.txt is the capture: memtui never writes its input")
    refused(suite, memtui, tmp, env, "no format", [heaptrack],
            "w" + "<BS>" * 4 + ".pdf<Enter>", "name a format by its extension")
    refused(suite, memtui, tmp, env, "sizes as collapsed stacks", [heaptrack],
            "6w" + "<BS>" * 3 + "folded<Enter>",
            "the sizes view writes .txt, .json or .csv")
    refused(suite, memtui, tmp, env, "top as collapsed stacks", [heaptrack],
            "5w" + "<BS>" * 3 + "folded<Enter>", "the top view writes .txt, .json or .csv")
    refused(suite, memtui, tmp, env, "callers of a location", [heaptrack],
            "5ox" + "w<Enter>", "this location has no report form")
    refused(suite, memtui, tmp, env, "help", [heaptrack], "?w",
            "the help view has no report form")
    refused(suite, memtui, tmp, env, "threads selector", [memray], "Tw",
            "the threads view has no report form")
    refused(suite, memtui, tmp, env, "an opened tree", [heaptrack], "3<Enter>w<Enter>",
            "an opened tree has no memtui report form")
    refused(suite, memtui, tmp, env, "a diff of two moments", [heaptrack],
            "3<Space>hhhhdw<Enter>", "a diff of two moments has no memtui report form")
    refused(suite, memtui, tmp, env, "Esc cancels", [heaptrack], "w<Esc>",
            "[tree]")
    # The prompt: the default name on the status line.
    p = run([memtui, "--replay", "w", "--size", "100x24", heaptrack], out, env)
    suite.true("prompt", "write view to: stages-tree-4.txt_" in p.stdout.decode(),
               p.stdout.decode().rstrip().split("\n")[-1])


PROG = r"""#include <stdlib.h>
#include <string.h>

static char *make(size_t n)
{
	char *p = malloc(n);

	memset(p, 1, n);
	return p;
}

int main(void)
{
	char *a = make(1 << 20);
	char *b = make(4096);

	free(b);
	return a[0] == 2;
}
"""


def editor(suite, memtui, tmp, env):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not shutil.which("heaptrack") or not cc:
        print("test_export: no heaptrack or cc: O not tested")
        return
    src = os.path.join(tmp, "prog.c")
    with open(src, "w") as f:
        f.write(PROG)
    exe = os.path.join(tmp, "prog")
    subprocess.run([cc, "-g", "-O0", "-o", exe, src], check=True)
    subprocess.run(["heaptrack", "-o", os.path.join(tmp, "prog"), exe], cwd=tmp,
                   capture_output=True, timeout=120)
    cap = os.path.join(tmp, "prog.zst")
    if not suite.true("heaptrack recorded prog", os.path.exists(cap)):
        return
    args_file = os.path.join(tmp, "editor.args")
    fake = os.path.join(tmp, "fake editor")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho \"$0\" > '%s'\nprintf '%%s\\n' \"$@\" >> '%s'\n"
                % (args_file, args_file))
    os.chmod(fake, 0o755)
    make_line = PROG.split("\n").index("\tchar *p = malloc(n);") + 1
    main_line = PROG.split("\n").index("\tchar *a = make(1 << 20);") + 1
    # EDITOR is a shell word list: the space in the file's name is quoted.
    e = dict(env, EDITOR="'%s' --wait" % fake)
    e.pop("VISUAL", None)
    for what, keys, line in (("make", "jjO", make_line), ("main", "jO", main_line),
                             ("top: make", "5/make<Enter>O", make_line)):
        if os.path.exists(args_file):
            os.unlink(args_file)
        p = run([memtui, "--replay", keys, "--size", "120x24", cap], tmp, e)
        got = open(args_file).read().split("\n") if os.path.exists(args_file) else []
        suite.check("O on %s: the editor's arguments" % what, got,
                    [fake, "--wait", "+%d" % line, src, ""])
        suite.true("O on %s: message" % what,
                   "edited %s:%d" % (src, line) in p.stdout.decode(),
                   p.stdout.decode().rstrip().split("\n")[-1])
    # VISUAL first.
    os.unlink(args_file)
    run([memtui, "--replay", "jjO", cap], tmp, dict(e, VISUAL="'%s'" % fake,
                                                     EDITOR="/bin/false"))
    suite.true("VISUAL wins over EDITOR", os.path.exists(args_file))
    # A file not on this machine; the root.
    os.unlink(args_file)
    p = run([memtui, "--replay", "GO", "--size", "120x24", cap], tmp, e)
    last = p.stdout.decode().rstrip().split("\n")[-1]
    suite.true("O on a frame whose file is elsewhere: says so",
               re.search(r"rtld\.c: not on this machine", last), last)
    p = run([memtui, "--replay", "O", "--size", "120x24", cap], tmp, e)
    last = p.stdout.decode().rstrip().split("\n")[-1]
    suite.true("O on the root: no frame", "no frame selected" in last, last)
    suite.true("O runs nothing without a file", not os.path.exists(args_file))
    # The source moved away: not on this machine.
    os.rename(src, src + ".moved")
    p = run([memtui, "--replay", "jjO", "--size", "120x24", cap], tmp, e)
    last = p.stdout.decode().rstrip().split("\n")[-1]
    suite.true("O when the file is gone", "%s: not on this machine" % src in last, last)
    suite.true("O runs nothing when the file is gone", not os.path.exists(args_file))
    os.rename(src + ".moved", src)
    editor_tmux(suite, memtui, tmp, cap)


def editor_tmux(suite, memtui, tmp, cap):
    """O on a real terminal: the editor gets the terminal, memtui its screen back
    after it; Ctrl-C in the editor ends the editor, not memtui."""
    if not shutil.which("tmux"):
        print("test_export: no tmux: O on a terminal not tested")
        return
    fake = os.path.join(tmp, "term-editor")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho \"FAKE EDITOR $*\"\nread answer\n")
    os.chmod(fake, 0o755)
    env = {"TERM": "tmux-256color", "LANG": "C.UTF-8", "EDITOR": fake,
           "XDG_CACHE_HOME": os.path.join(tmp, "cache")}
    t = Tmux("export", "%s %s" % (memtui, cap), env, w=120, h=24)
    try:
        t.wait(lambda s: "[tree]" in s)
        t.keys("j", "j", "O")
        src = os.path.join(tmp, "prog.c")
        want = "FAKE EDITOR +6 %s" % src
        scr = t.wait(lambda s: want in s)
        suite.true("tmux: the editor has the terminal", want in scr and "[tree]" not in scr,
                   scr)
        t.keys("Enter")
        scr = t.wait(lambda s: "edited %s:6" % src in s)
        suite.true("tmux: memtui redraws after the editor", "edited %s:6" % src in scr and
                   "[tree]" in scr and "FAKE EDITOR" not in scr, scr)
        t.keys("O")
        t.wait(lambda s: want in s)
        t.keys("C-c")
        scr = t.wait(lambda s: "ended by signal 2" in s)
        suite.true("tmux: Ctrl-C ends the editor, not memtui", "ended by signal 2" in scr and
                   "[tree]" in scr, scr)
        t.keys("q")
        scr = t.wait(lambda s: "EXIT=" in s)
        suite.true("tmux: q quits with status 0", "EXIT=0" in scr, scr)
    finally:
        t.close()


def main():
    memtui = os.path.abspath(sys.argv[1])
    samples = os.path.abspath(sys.argv[2])
    suite = Suite("export")
    tmp = tempfile.mkdtemp(prefix="memtui-export-")
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="", XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    try:
        exports(suite, memtui, samples, tmp, env)
        editor(suite, memtui, tmp, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return suite.done()


if __name__ == "__main__":
    sys.exit(main())
