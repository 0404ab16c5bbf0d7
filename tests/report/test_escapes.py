#!/usr/bin/env python3
"""Control characters from a capture never reach the terminal (issue 11, item 4).

Names, file names and command lines come from the capture, so they may hold
ESC sequences that retitle the terminal or clear it.  Every text output shows
them in the one visible form of src/base/visible.h: "\\xNN" per byte for C0
controls (tab too), DEL, C1 controls (their two UTF-8 bytes) and invalid
UTF-8; JSON escapes them as \\uXXXX (invalid UTF-8 as \\ufffd).

For each hostile capture of sample-captures/damaged (esc_function.zst,
esc_command.zst, esc_memray_cmd.bin) and for a capture made here from
heaptrack.stages.txt whose function read_line is renamed
"read TAB ; DEL U+009B 0xff SOH line", it checks every output: report text,
JSON, CSV, collapsed; --stages text and CSV; the diff text and CSV (of the
capture with itself and against the intact capture); the explorer's replay
of views 1-4 and help; the error line of a path argument; and the real binary
in tmux, whose pane must keep its title and its text.  An output is clean when
its bytes are valid UTF-8 with no C0 control but newline, no DEL and no C1
control; and the visible form of the hostile text must be in it.

usage: test_escapes.py MEMTUI SAMPLES_DIR

Each failure prints "FAIL"; the last line counts the checks.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import Suite, Tmux  # noqa: E402

FN_RAW = "build_\x1b]0;PWNED\x07\x1b[31mtable"
FN_VIS = "build_\\x1b]0;PWNED\\x07\\x1b[31mtable"
FN_VIS_PATH = FN_VIS.replace(";", ":")  # in a path of frames ';' separates them
CMD_VIS = "\\x1b]0;PWNED\\x07\\x1b[2J"
CTL_NAME = b"read\t;\x7f\xc2\x9b\xff\x01line"
CTL_VIS = "read\\x09;\\x7f\\xc2\\x9b\\xff\\x01line"


def dirty(data):
    """What makes data unsafe for a terminal, or None: the first bad byte or code point."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as ex:
        return "invalid UTF-8 at byte %d" % ex.start
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or 0x7f <= o < 0xa0:
            return "U+%04X at character %d: %r" % (o, i, text[max(0, i - 30):i + 10])
    return None


def run(memtui, args, want_rc=0):
    p = subprocess.run([memtui] + args, capture_output=True, timeout=120,
                       env=dict(os.environ, LANG="C.UTF-8", LC_ALL=""))
    if p.returncode != want_rc:
        raise RuntimeError("%s: exit %d: %r" % (args, p.returncode, p.stderr[:300]))
    return p.stdout, p.stderr


def check_output(t, what, out, err, visible=()):
    t.true("%s: stdout clean" % what, dirty(out) is None, dirty(out))
    t.true("%s: stderr clean" % what, dirty(err) is None, dirty(err))
    text = out.decode("utf-8", errors="replace")
    for v in visible:
        t.true("%s: shows %s" % (what, v), v in text, text[:300])


def check_capture(t, memtui, path, label, visible, intact):
    """Every output of one capture: clean, and showing the visible forms in visible[output]."""
    outputs = {
        "text": ["report", "--no-progress", "--metric", "allocated", "--depth", "12", path],
        "csv": ["report", "--no-progress", "--metric", "allocated", "--format", "csv", path],
        "collapsed": ["report", "--no-progress", "--metric", "allocated", "--format",
                      "collapsed", path],
        "json": ["report", "--no-progress", "--metric", "allocated", "--json", path],
        "stages text": ["report", "--no-progress", "--stages", "under:main", path],
        "stages csv": ["report", "--no-progress", "--stages", "under:main", "--format", "csv",
                       path],
        "diff text itself": ["diff", "--no-progress", path, path],
        "diff csv itself": ["diff", "--no-progress", "--format", "csv", path, path],
        "diff text intact": ["diff", "--no-progress", "--metric", "allocated", intact, path],
        "diff csv intact": ["diff", "--no-progress", "--metric", "allocated", "--format", "csv",
                            intact, path],
    }
    for view in ("1", "2", "3", "4", "?"):
        outputs["replay %s" % view] = ["--replay", view, "--size", "200x60", path]
    for what, args in outputs.items():
        out, err = run(memtui, args)
        check_output(t, "%s %s" % (label, what), out, err, visible.get(what, ()))
        if what == "json":
            return_json = json.loads(out)
            t.true("%s json: parses" % label, isinstance(return_json, dict))


def check_json(t, memtui, samples, damaged):
    """JSON keeps the exact text, escaped: it decodes back to the raw bytes."""
    out, _ = run(memtui, ["report", "--no-progress", "--metric", "allocated", "--json",
                          os.path.join(damaged, "esc_function.zst")])
    t.true("esc_function json: \\u001b escapes", b"build_\\u001b]0;PWNED\\u0007\\u001b[31mtable"
           in out)
    names = [e["function"] for e in json.loads(out)["top"]]
    t.true("esc_function json: the name decodes to its raw bytes", FN_RAW in names, names)
    out, _ = run(memtui, ["report", "--no-progress", "--json",
                          os.path.join(damaged, "esc_command.zst")])
    t.check("esc_command json: command", json.loads(out)["meta"]["command"],
            "./stages \x1b]0;PWNED\x07\x1b[2J")


def make_control_capture(samples, tmp):
    """heaptrack.stages.txt with read_line renamed to CTL_NAME (a sized string, v3)."""
    src = open(os.path.join(samples, "heaptrack", "heaptrack.stages.txt"), "rb").read()
    new = src.replace(b"s 9 read_line\n", b"s %x " % len(CTL_NAME) + CTL_NAME + b"\n")
    assert new != src
    path = os.path.join(tmp, "controls.txt")
    with open(path, "wb") as f:
        f.write(new)
    return path


def check_controls(t, memtui, samples, tmp):
    path = make_control_capture(samples, tmp)
    args = ["report", "--no-progress", "--metric", "allocated"]
    out, _ = run(memtui, args + ["--depth", "12", path])
    rows = [l for l in out.decode().split("\n") if "read" in l]
    t.check("controls text: top row", rows[0] if rows else None,
            "        256000    250 KiB    1000  %s  "
            "/opt/memtui-fixtures/heaptrack/stages.c:55" % CTL_VIS)
    out, _ = run(memtui, args + ["--format", "collapsed", path])
    t.true("controls collapsed: ';' as ':', the rest visible",
           ("main;parse;read\\x09:\\x7f\\xc2\\x9b\\xff\\x01line 256000\n").encode() in out, out)
    out, _ = run(memtui, args + ["--format", "csv", path])
    t.true("controls csv: the path (libc start-up frames folded)",
           b"\n256000,1000,main;parse;read\\x09:\\x7f\\xc2\\x9b\\xff\\x01line\n" in out, out)
    out, _ = run(memtui, args + ["--format", "csv", "--no-fold", path])
    t.true("controls csv --no-fold: the whole path",
           b"256000,1000,_start;__libc_start_main_impl;__libc_start_call_main;main;parse;"
           b"read\\x09:\\x7f\\xc2\\x9b\\xff\\x01line\n" in out, out)
    out, _ = run(memtui, args + ["--json", path])
    t.true("controls json: \\t, \\u007f, \\u009b, \\ufffd, \\u0001",
           b'"function":"read\\t;\\u007f\\u009b\\ufffd\\u0001line"' in out)
    check_output(t, "controls json", out, b"")
    out, err = run(memtui, ["--replay", "mm/parse<Enter>l", "--size", "200x40", path])
    check_output(t, "controls replay", out, err, (CTL_VIS,))


def check_stderr(t, memtui, tmp):
    bad = os.path.join(tmp, "no\x1b]0;PWNED\x07such")
    out, err = run(memtui, ["report", "--no-progress", bad], want_rc=2)
    t.check("error line: the path argument visible", err.decode(),
            "memtui: %s: cannot open: No such file or directory\n"
            % os.path.join(tmp, "no\\x1b]0;PWNED\\x07such"))
    check_output(t, "error line", out, err)


def check_tmux(t, memtui, damaged):
    cmd = os.path.join(damaged, "esc_command.zst")
    # The probe itself: a raw OSC 0 does retitle this pane.
    p = Tmux("probe", "printf 'x\\033]0;PWNED\\007\\n'", w=160, h=40)
    try:
        p.wait(lambda x: "EXIT=" in x, timeout=10.0)
        t.check("tmux probe: a raw OSC 0 retitles the pane", p.get("#{pane_title}"), "PWNED")
    finally:
        p.close()
    p = Tmux("report", "%s report --no-progress --depth 0 %s" % (memtui, cmd),
             w=160, h=40)
    try:
        scr = p.wait(lambda x: "EXIT=" in x, timeout=10.0)
        t.true("tmux report: title kept", "PWNED" not in p.get("#{pane_title}"),
               p.get("#{pane_title}"))
        t.true("tmux report: not cleared, file line on screen",
               "file        %s" % cmd in scr and "EXIT=0" in scr, scr[:400])
        t.true("tmux report: command visible", "command     ./stages %s" % CMD_VIS in scr, scr)
    finally:
        p.close()
    p = Tmux("explore", "%s %s" % (memtui, cmd), w=160, h=40)
    try:
        scr = p.wait(lambda x: "?:help" in x, timeout=10.0)
        t.true("tmux explorer: command visible in the header",
               "command  ./stages %s" % CMD_VIS in scr, scr[:400])
        t.true("tmux explorer: title kept", "PWNED" not in p.get("#{pane_title}"),
               p.get("#{pane_title}"))
        p.keys("q")
        scr = p.wait(lambda x: "EXIT=" in x, timeout=10.0)
        t.true("tmux explorer: quits", "EXIT=0" in scr, scr[-300:])
        t.true("tmux explorer: title kept after quitting",
               "PWNED" not in p.get("#{pane_title}"), p.get("#{pane_title}"))
    finally:
        p.close()


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, samples = os.path.abspath(sys.argv[1]), sys.argv[2]
    damaged = os.path.join(samples, "damaged")
    intact = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    t = Suite("escapes")
    tmp = tempfile.mkdtemp(prefix="memtui-esc-")
    try:
        fn_everywhere = {w: (FN_VIS,) for w in ("text", "stages text", "stages csv",
                                                 "diff text intact", "diff csv intact",
                                                 "replay 1")}
        fn_everywhere["csv"] = fn_everywhere["collapsed"] = (FN_VIS_PATH,)
        check_capture(t, memtui, os.path.join(damaged, "esc_function.zst"), "esc_function",
                      fn_everywhere, intact)
        check_capture(t, memtui, os.path.join(damaged, "esc_command.zst"), "esc_command",
                      {"text": ("command     ./stages %s\n" % CMD_VIS,),
                       "replay 1": ("command  ./stages %s" % CMD_VIS,)}, intact)
        check_capture(t, memtui, os.path.join(damaged, "esc_memray_cmd.bin"), "esc_memray_cmd",
                      {"text": ("command     python3 %s" % CMD_VIS,),
                       "replay 1": ("python3 %s" % CMD_VIS,)},
                      os.path.join(samples, "memray", "stages.bin"))
        check_json(t, memtui, samples, damaged)
        check_controls(t, memtui, samples, tmp)
        check_stderr(t, memtui, tmp)
        if shutil.which("tmux"):
            check_tmux(t, memtui, damaged)
        else:
            print("note: tmux not installed, terminal checks skipped")
    except (RuntimeError, subprocess.CalledProcessError) as ex:
        t.true("run", False, str(ex))
    finally:
        shutil.rmtree(tmp)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
