#!/usr/bin/env python3
"""memtui record on real programs (tests/programs/rec_*), built with -g -O1.

Checks the exact figures of `memtui report --json` (totals, peak, leaks and
per-call-site calls and bytes, by function name) for a C program, a C++ one
(new/delete, std::vector growth) and one of 8 threads; the stage table of
memtui_stage() marks and of --stage-signal (SIGUSR1 sent to memtui); fork
without and with --follow-fork (names, figures, the child's free of its
parent's block ignored); an exec (two captures, the
second named by the new image); exit status 3 passed through; SIGSEGV and
SIGTERM of the program raised on memtui; SIGKILL gives a capture that loads
flagged truncated.  With heaptrack installed: heaptrack counts the same
allocation calls plus one, the libstdc++ emergency exception pool that is
allocated before the recorder starts (and that heaptrack's own C++ runtime
brings into a C program).

usage: test_record.py MEMTUI CC CXX
"""

import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

MEMTUI, CC, CXX = sys.argv[1:4]
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "programs")
INCLUDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "record")
TMP = tempfile.mkdtemp(prefix="memtui-record-test-")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def build(name):
    src = os.path.join(SRC, name)
    out = os.path.join(TMP, os.path.splitext(name)[0])
    cc = CXX if name.endswith(".cpp") else CC
    subprocess.run([cc, "-g", "-O1", "-pthread", "-I", INCLUDE, "-o", out, src], check=True)
    return out


def record(*args, cwd=TMP):
    for f in glob.glob(os.path.join(cwd, "memtui.*")):
        os.unlink(f)
    r = subprocess.run([MEMTUI, "record", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=120)
    return r


def report(path, *args):
    r = subprocess.run([MEMTUI, "report", "--json", *args, path], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "report %s: %s" % (path, r.stderr.strip()))
    return json.loads(r.stdout) if r.returncode == 0 else None


def outputs():
    return sorted(os.path.basename(f) for f in glob.glob(os.path.join(TMP, "memtui.*")))


def totals(d):
    return (d["totals"]["allocations"], d["totals"]["allocated_bytes"], d["peak"]["bytes"],
            d["leaks"]["bytes"], d["leaks"]["allocations"])


def by_function(d):
    """(calls, bytes) per function over the whole run: the outermost node of each name."""
    out = {}

    def walk(n, above):
        f = n["function"]
        if f not in above:
            c, b = out.get(f, (0, 0))
            out[f] = (c + n["count"], b + n["value"])
        for ch in n.get("children", []):
            walk(ch, above | {f})
    walk(d["tree"]["root"], set())
    return out


def sites(path):
    return by_function(report(path, "--metric", "allocated", "--depth", "40"))


def test_sites(prog):
    r = record("--", prog)
    pid = r.stderr.split("memtui.rec_sites.")[1].split(".mtui")[0] if "memtui.rec_sites." \
        in r.stderr else "?"
    check(r.returncode == 0 and outputs() == ["memtui.rec_sites.%s.mtui" % pid],
          "rec_sites: status %d, %s, %s" % (r.returncode, outputs(), r.stderr))
    path = os.path.join(TMP, "memtui.rec_sites.%s.mtui" % pid)
    d = report(path)
    if not d:
        return None
    check(totals(d) == (1020, 113520, 10640, 5000, 5), "rec_sites totals %s" % (totals(d),))
    # heaptrack's rule: 1000 malloc-free pairs, 9 reallocs freeing the block the last
    # call made, and the free of the last one.
    check(d["totals"]["temporary"] == 1010, "rec_sites temporary %d" % d["totals"]["temporary"])
    check(not d["truncated"], "rec_sites not truncated")
    s = sites(path)
    want = {"site_small": (1000, 100000), "site_keep": (10, 10000), "site_grow": (10, 3520)}
    for f, v in want.items():
        check(s.get(f) == v, "rec_sites %s: %s, want %s" % (f, s.get(f), v))
    check(d["meta"]["command"].endswith("rec_sites"), "command %s" % d["meta"]["command"])
    return path


def test_output_option(prog):
    r = record("-o", "out.mtui", "--", prog, "3")
    check(r.returncode == 3, "exit status 3 passed through: %d" % r.returncode)
    check(os.path.exists(os.path.join(TMP, "out.mtui")) and "memtui out.mtui" in r.stderr,
          "-o out.mtui written and named: %s" % r.stderr)


def test_errors(prog):
    r = subprocess.run([MEMTUI, "record", "--", prog], cwd=TMP, capture_output=True, text=True,
                       env=dict(os.environ, MEMTUI_PRELOAD="/nonexistent.so"))
    check(r.returncode == 2 and "MEMTUI_PRELOAD=/nonexistent.so" in r.stderr,
          "no library: %d %s" % (r.returncode, r.stderr))
    r = record("--", os.path.join(TMP, "no-such-program"))
    check(r.returncode == 127 and not outputs(), "no program: %d %s" % (r.returncode, r.stderr))
    r = record("-o", os.path.join(TMP, "no-dir", "x.mtui"), "--", prog, "5")
    left = [l for l in r.stderr.splitlines() if "left in " in l]
    check(r.returncode == 5 and left and "no-dir/x.mtui" in r.stderr,
          "unwritable output: %d %s" % (r.returncode, r.stderr))
    if left:
        shutil.rmtree(left[0].split("left in ")[1])


def test_signals(prog):
    for sig, arg in ((signal.SIGSEGV, "segv"), (signal.SIGTERM, "term"),
                     (signal.SIGKILL, "kill")):
        r = record("--", prog, arg)
        check(r.returncode == -sig, "%s: memtui died of %d, want -%d" % (arg, r.returncode, sig))
        out = outputs()
        check(len(out) == 1, "%s: one capture: %s" % (arg, out))
        if out:
            d = report(os.path.join(TMP, out[0]))
            check(d and d["truncated"], "%s: the capture loads flagged truncated" % arg)


def test_vector(prog):
    r = record("-o", "vector.mtui", "--", prog)
    check(r.returncode == 0, "rec_vector: %s" % r.stderr)
    path = os.path.join(TMP, "vector.mtui")
    d = report(path)
    if not d:
        return
    check(totals(d) == (114, 12260, 6144, 72, 3), "rec_vector totals %s" % (totals(d),))
    check(d["totals"]["temporary"] == 100, "rec_vector temporary %d" % d["totals"]["temporary"])
    s = sites(path)
    want = {"make_arrays": (100, 4000), "grow_vector": (11, 8188), "make_node": (3, 72),
            "operator new(unsigned long)": (114, 12260)}
    for f, v in want.items():
        check(s.get(f) == v, "rec_vector %s: %s, want %s" % (f, s.get(f), v))


def test_threads(prog):
    r = record("-o", "threads.mtui", "--", prog)
    check(r.returncode == 0, "rec_threads: %s" % r.stderr)
    path = os.path.join(TMP, "threads.mtui")
    s = sites(path)
    check(s.get("thread_churn") == (8000, 384000), "thread_churn %s" % (s.get("thread_churn"),))
    check(s.get("thread_keep") == (8, 32768), "thread_keep %s" % (s.get("thread_keep"),))
    d = report(path, "--metric", "leaks", "--depth", "40")
    leaks = by_function(d)
    check(leaks.get("thread_keep") == (8, 32768),
          "thread_keep leaks %s" % (leaks.get("thread_keep"),))
    check(leaks.get("thread_churn") is None, "thread_churn leaks nothing: %s" %
          (leaks.get("thread_churn"),))


def test_stages(prog):
    r = record("-o", "stages.mtui", "--", prog)
    d = report(os.path.join(TMP, "stages.mtui"), "--stages", "marks")
    if not d:
        return
    got = {s["name"]: (s["allocations"], s["allocated_bytes"], s["frees"], s["freed_bytes"],
                       s["leaked_bytes"]) for s in d["stages"] if not s["outside"]}
    want = {"load": (20, 10000, 0, 0, 5000), "compute": (100, 6400, 110, 11400, 0),
            "save": (1, 100000, 1, 100000, 0)}
    check(got == want, "stages %s, want %s (%s)" % (got, want, r.stderr))


PY_STAGES = """
import sys
sys.path.insert(0, sys.argv[1])
import memtui
keep = []
memtui.stage("load")
keep.append(bytearray(1000001))
with memtui.stage("parse"):
    keep.append(bytearray(2000001))
    scratch = bytearray(3000001)
    del scratch
keep.append(bytearray(4000001))
"""


def test_python_stages():
    """memtui.py under memtui record: its marks reach the recorder (origin
    Python), and each stage holds its own big buffers: exact for the buffers,
    allowing the interpreter's own small allocations around them."""
    python = shutil.which("python3") or sys.executable
    script = os.path.join(TMP, "py_stages.py")
    with open(script, "w") as f:
        f.write(PY_STAGES)
    module = os.path.join(INCLUDE, "python")
    r = record("-o", "py.mtui", "--", python, script, module)
    check(r.returncode == 0, "python stages: status %d %s" % (r.returncode, r.stderr))
    d = report(os.path.join(TMP, "py.mtui"), "--stages", "marks")
    if not d:
        return
    rows = [s for s in d["stages"] if not s["outside"]]
    check([s["name"] for s in rows] == ["load", "parse", "load"],
          "python stages: names %s" % [s["name"] for s in rows])
    if len(rows) != 3:
        return
    slack = 256 << 10   # the interpreter's own allocations inside a stage
    # (allocated, net) of each stage: the buffers it made, and those it kept
    # (the last stage also holds the interpreter's exit, which frees them all)
    want = [(1000001, 1000001), (2000001 + 3000001, 2000001), (4000001, None)]
    for row, (alloc, net) in zip(rows, want):
        check(alloc <= row["allocated_bytes"] < alloc + slack,
              "python stage %s: allocated %d, want %d" % (row["name"], row["allocated_bytes"],
                                                           alloc))
        check(net is None or abs(row["net_bytes"] - net) < slack,
              "python stage %s: net %d, want %s" % (row["name"], row["net_bytes"], net))
    origins = {m.get("origin") for m in d.get("marks", [])}
    check(not d.get("marks") or origins == {"python"}, "python stages: mark origins %s" % origins)


def test_stage_signal(prog):
    """SIGUSR1 sent to memtui is forwarded: the program's recorder makes a mark."""
    import time
    for f in glob.glob(os.path.join(TMP, "memtui.*")):
        os.unlink(f)
    p = subprocess.Popen([MEMTUI, "record", "--stage-signal", "USR1", "-o", "sig.mtui", "--",
                          prog, "800"], cwd=TMP, stderr=subprocess.PIPE, text=True)
    time.sleep(0.4)
    p.send_signal(signal.SIGUSR1)
    err = p.communicate(timeout=60)[1]
    check(p.returncode == 0, "stage-signal: status %d %s" % (p.returncode, err))
    d = report(os.path.join(TMP, "sig.mtui"), "--stages", "marks")
    if d:
        got = {"outside" if s["outside"] else s["name"]: (s["allocations"], s["allocated_bytes"])
               for s in d["stages"]}
        check(got.get("signal 1") == (1, 222) and got.get("outside") == (1, 111),
              "stage-signal stages %s" % got)


def test_fork(prog):
    r = record("--", prog)
    out = outputs()
    check(r.returncode == 0 and len(out) == 1, "fork without --follow-fork: %s" % out)
    if out:
        d = report(os.path.join(TMP, out[0]))
        check(d and totals(d) == (2, 1050, 1050, 1050, 2), "fork parent %s" % (d and totals(d),))
    r = record("--follow-fork", "-o", "fork.mtui", "--", prog)
    out = outputs()
    kids = [f for f in os.listdir(TMP) if f.startswith("fork.mtui.")]
    check(r.returncode == 0 and len(kids) == 1, "--follow-fork: a child capture: %s" % kids)
    d = report(os.path.join(TMP, "fork.mtui"))
    check(d and totals(d) == (2, 1050, 1050, 1050, 2), "fork parent %s" % (d and totals(d),))
    if kids:
        d = report(os.path.join(TMP, kids[0]))
        check(d and totals(d) == (3, 600, 600, 600, 3), "fork child %s" % (d and totals(d),))
        os.unlink(os.path.join(TMP, kids[0]))


def test_exec(exec_prog, sites_prog):
    """The command's capture is its last image (what the command ended up
    running: here rec_sites, exec'd by rec_exec), named after the command;
    the image before the exec is named by its own executable (here the same
    name, so its exec index tells it apart)."""
    r = record("--", exec_prog, sites_prog)
    out = outputs()
    pid = out[0].split(".")[2] if out else "?"
    want = ["memtui.rec_exec.%s.0.mtui" % pid, "memtui.rec_exec.%s.mtui" % pid]
    check(r.returncode == 0 and out == want, "exec: captures %s, want %s" % (out, want))
    check("open with: memtui %s" % want[1] in r.stderr, "exec: main capture %s" % r.stderr)
    if out == want:
        a, b = (report(os.path.join(TMP, f)) for f in out)
        check(a and totals(a) == (1, 777, 777, 777, 1), "exec first image %s" % (a and totals(a),))
        check(b and totals(b) == (1020, 113520, 10640, 5000, 5),
              "exec second image %s" % (b and totals(b),))


def heaptrack_calls(prog):
    base = os.path.join(TMP, "ht." + os.path.basename(prog))
    subprocess.run(["heaptrack", "-o", base, prog], capture_output=True, timeout=120)
    files = glob.glob(base + "*")
    if not files:
        return None
    r = subprocess.run(["heaptrack_print", files[0]], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("calls to allocation functions:"):
            return int(line.split(":")[1].split()[0])
    return None


def test_heaptrack(sites_path, prog_sites, prog_vector):
    if not shutil.which("heaptrack") or not shutil.which("heaptrack_print"):
        print("heaptrack not installed: comparison skipped")
        return
    for prog, ours in ((prog_sites, 1020), (prog_vector, 114)):
        theirs = heaptrack_calls(prog)
        check(theirs == ours + 1, "%s: heaptrack %s calls, memtui %d (+1 expected: the "
              "libstdc++ emergency pool)" % (os.path.basename(prog), theirs, ours))


def main():
    progs = {n: build(n) for n in ("rec_sites.c", "rec_threads.c", "rec_vector.cpp",
                                   "rec_stages.c", "rec_fork.c", "rec_exec.c", "rec_pause.c")}
    sites_path = test_sites(progs["rec_sites.c"])
    test_output_option(progs["rec_sites.c"])
    test_errors(progs["rec_sites.c"])
    test_signals(progs["rec_sites.c"])
    test_vector(progs["rec_vector.cpp"])
    test_threads(progs["rec_threads.c"])
    test_stages(progs["rec_stages.c"])
    test_stage_signal(progs["rec_pause.c"])
    test_python_stages()
    test_fork(progs["rec_fork.c"])
    test_exec(progs["rec_exec.c"], progs["rec_sites.c"])
    test_heaptrack(sites_path, progs["rec_sites.c"], progs["rec_vector.cpp"])
    if failures:
        print("%d failures (files in %s)" % (len(failures), TMP))
        sys.exit(1)
    shutil.rmtree(TMP)
    print("record: all checks pass")


if __name__ == "__main__":
    main()
