#!/usr/bin/env python3
"""memtui's Python module (src/record/python/memtui.py) and memray's stage markers.

(a) The memray marker contract (docs/FORMAT.md): with a fake `memray` in
    sys.modules, every mark is one call of a function whose code has
    co_filename "<memtui-stage>" and co_name the stage's name, and that call
    allocates at least 4096 bytes with its frame innermost.  sys.setprofile
    sees the C call the marker makes while its bytearray is alive (calling a
    type such as bytearray gives no c_call event in CPython 3.8 to 3.11, so
    the event is the len() around it): the innermost Python frame is then the
    marker's, and a tracemalloc snapshot taken there holds an allocation of
    >= 4096 bytes whose innermost traceback frame is in "<memtui-stage>".
    Names with spaces, unicode, quotes, backslashes; nested `with` blocks
    mark the enclosing stage on exit, "after NAME" when none was running;
    the same code object serves every mark of one name; the open stages;
    without memray and without a recorder nothing is called at all; a name
    that is not a str is refused.
(b) The recorder: python3 with LD_PRELOAD of tests/programs/fake_recorder.c
    (which exports memtui_record_mark and logs each call): every mark is one
    call with the UTF-8 name and origin 2, and no memray marker is made even
    with memray imported.
(c) `pip install --no-index --no-build-isolation --target DIR` of a copy of
    src/record/python, and `import memtui` from DIR (skipped, not failed,
    when this python has no pip or setuptools).
(d) sample-captures/memray/stages_marked.bin: `memtui report --stages marks`
    gives the oracle's marks_stages (the explorer's default split, view 4, is
    checked in tests/ui/test_stages_view.py), in JSON (names
    in order, every figure), CSV (every column it has) and text (names, the
    exact counts and each byte figure as fmt_bytes writes it), with the row
    before the first mark last.  Leaked bytes and allocations are exact
    (the capture's leak table, docs/NUMBERS.md): the three "transform batch"
    rows allocate their kept buffer on one stack, and each keeps its own
    (1,000,001 / 2,000,001 / 3,000,001 bytes, one allocation each), as the
    oracle, which follows each allocation, has them; the same from the file
    converted to a .mtui (its LEAKS section).  The marks themselves are at
    the oracle's records, with origin 3 and the caller's file:line (capdump).
(e) An aggregated capture with marker frames (stages_aggregated.bin with its
    script's file name made "<memtui-stage>") loads without marks and with
    the warning that they cannot be placed, in the text and JSON reports and
    the explorer's header.

usage: test_python_markers.py MEMTUI PROJECT_DIR FAKE_RECORDER_SO [CAPDUMP]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import fmt_bytes  # noqa: E402  (src/base/fmt.c's rule, one copy for the tests)

FAILS = []
PASSED = [0]


def check(what, got, want):
    if got != want:
        FAILS.append(what)
        print("FAIL %s: got %r, want %r" % (what, got, want))
        return False
    PASSED[0] += 1
    return True


# Run in a fresh interpreter: prints one JSON document of what it saw.
PROBE = r'''
import json, sys, tracemalloc, types
sys.path.insert(0, sys.argv[1])
fake = sys.argv[2] == "memray"
if fake:
    sys.modules["memray"] = types.ModuleType("memray")
import memtui

seen = []          # (co_name, innermost frame's file, C function, big allocation innermost file)
codes = {}


def prof(frame, event, arg):
    if event != "c_call" or frame.f_code.co_filename != memtui.MARKER_FILE:
        return
    snap = tracemalloc.take_snapshot()
    # A traceback runs from the oldest frame to the most recent (Python 3.7 and later).
    big = [tr.size for tr in snap.traces
           if tr.size >= memtui.MARKER_BYTES and tr.traceback[-1].filename == memtui.MARKER_FILE]
    seen.append([frame.f_code.co_name, frame.f_code.co_filename, arg.__name__, big])
    codes.setdefault(frame.f_code.co_name, set()).add(id(frame.f_code))


tracemalloc.start(8)
sys.setprofile(prof)
memtui.stage("setup")
with memtui.stage("load"):
    with memtui.stage("parse one"):
        pass
    memtui.stage("load")
inner = None
with memtui.stage("uni \u00e9\u2603 \"q\" 'q' \\ tab\t"):
    inner = memtui.open_stages()
memtui.stage("load")
sys.setprofile(None)
memtui._current[0] = None
sys.setprofile(prof)
with memtui.stage("first"):
    pass
sys.setprofile(None)
try:
    memtui.stage(b"bytes")
    refused = False
except TypeError:
    refused = True
print(json.dumps({"seen": seen, "inner": inner, "refused": refused,
                  "codes": {k: len(v) for k, v in codes.items()},
                  "open": memtui.open_stages()}))
'''

EXPECTED = ["setup", "load", "parse one", "load", "load", "setup",
            "uni \u00e9\u2603 \"q\" 'q' \\ tab\t", "setup", "load", "first", "after first"]


def probe(module_dir, mode, env=None):
    e = dict(os.environ)
    e.pop("LD_PRELOAD", None)
    if env:
        e.update(env)
    p = subprocess.run([sys.executable, "-c", PROBE, module_dir, mode], capture_output=True,
                       env=e, timeout=120)
    if p.returncode:
        raise RuntimeError("probe %s: exit %d: %s" % (mode, p.returncode, p.stderr.decode()))
    return json.loads(p.stdout)


def contract(module_dir):
    """(a) The memray marker contract, with a fake memray."""
    got = probe(module_dir, "memray")
    seen = got["seen"]
    check("(a) marks in order", [s[0] for s in seen], EXPECTED)
    check("(a) every mark in <memtui-stage>", {s[1] for s in seen}, {"<memtui-stage>"})
    check("(a) one C call per mark, while the bytearray is alive", {s[2] for s in seen},
          {"len"})
    check("(a) a >= 4096-byte allocation innermost in <memtui-stage> at each mark",
          [len(s[3]) >= 1 for s in seen], [True] * len(EXPECTED))
    check("(a) one code object per name", set(got["codes"].values()), {1})
    check("(a) open stages inside a with", got["inner"],
          ["uni \u00e9\u2603 \"q\" 'q' \\ tab\t"])
    check("(a) no open stage after the blocks", got["open"], [])
    check("(a) a name that is not a str is refused", got["refused"], True)
    got = probe(module_dir, "none")
    check("(a) without memray or a recorder nothing is called", got["seen"], [])


def recorder(module_dir, fake_so):
    """(b) memtui_record_mark in the process: called, origin 2, and no memray marker."""
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "marks.log")
        got = probe(module_dir, "memray", {"LD_PRELOAD": fake_so,
                                           "MEMTUI_FAKE_RECORDER_LOG": log})
        with open(log, encoding="utf-8") as f:
            lines = f.read().split("\n")
    calls = []
    for line in lines[:-1]:
        origin, _, name = line.partition(" ")
        calls.append((int(origin), name))
    # The tab in one name is kept; a name never holds a newline here.
    check("(b) one recorder call per mark, UTF-8 names, origin 2", calls,
          [(2, n) for n in EXPECTED])
    check("(b) no memray marker with a recorder", got["seen"], [])


def python_with_pip():
    """Debian's python3 (python3-pip, python3-setuptools, python3-wheel: setuptools before 70
    builds wheels with the wheel package), else this one, if one has all three."""
    for py in ("/usr/bin/python3", sys.executable):
        # Found, not imported: pip imported before setuptools trips setuptools' distutils hack.
        code = ("import importlib.util as u, sys; "
                "sys.exit(not all(u.find_spec(m) for m in ('pip', 'setuptools', 'wheel')))")
        if os.path.isfile(py) and not subprocess.run([py, "-c", code],
                                                      capture_output=True).returncode:
            return py
    return None


def pip_install(module_dir):
    """(c) pip install of the module's folder, offline, and import from the target."""
    py = python_with_pip()
    if not py:
        print("skip (c): no python3 here has pip, setuptools and wheel")
        return
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        target = os.path.join(d, "target")
        shutil.copytree(module_dir, src, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                        "__pycache__"))
        p = subprocess.run([py, "-m", "pip", "install", "-q", "--no-index",
                            "--no-build-isolation", "--disable-pip-version-check",
                            "--target", target, src], capture_output=True, timeout=240)
        if not check("(c) pip install exits 0", p.returncode, 0):
            print(p.stderr.decode(errors="replace"))
            return
        code = ("import sys; sys.path.insert(0, sys.argv[1]); import memtui; "
                "print(memtui.__file__); memtui.stage('x')")
        p = subprocess.run([py, "-c", code, target], capture_output=True,
                           timeout=60)
        check("(c) import memtui from the target", (p.returncode,
              p.stdout.decode().strip().startswith(target)), (0, True))


def memtui_out(exe, *args):
    p = subprocess.run([exe, *args, "--no-progress"], capture_output=True, timeout=120)
    if p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (args, p.returncode, p.stderr.decode()))
    return p.stdout.decode("utf-8")


FIGURES = ["allocations", "allocated_bytes", "frees", "freed_bytes", "net_bytes",
           "cumulative_bytes", "peak_bytes", "leaked_bytes", "leaked_allocations"]


def oracle_rows(samples):
    with open(os.path.join(samples, "memray", "stages_marked.bin.oracle.json")) as f:
        ms = json.load(f)["marks_stages"]
    rows = ms["stages"][1:] + ms["stages"][:1]  # memtui: the row before the first mark last
    # Every figure exact, leaks too (the leak table, docs/NUMBERS.md): the kept buffers
    # of the three transform batches share one stack but not one row.
    want = [dict(r) for r in rows]
    return ms, rows, want


def marked_capture(exe, samples, capdump):
    """(d) stages_marked.bin: the report's stages against the oracle's marks_stages."""
    cap = os.path.join(samples, "memray", "stages_marked.bin")
    ms, rows, want = oracle_rows(samples)
    check("(d) the transform batches' leaks as the oracle's, one stack, three rows",
          [(w["leaked_bytes"], w["leaked_allocations"]) for w in want
           if w["name"] == "transform batch"],
          [(1000001, 1), (2000001, 1), (3000001, 1)])
    with tempfile.TemporaryDirectory(prefix="markers.") as work:
        conv = os.path.join(work, "marked.mtui")
        subprocess.run([exe, "convert", cap, "-o", conv], check=True, capture_output=True)
        mdoc = json.loads(memtui_out(exe, "report", "--stages", "marks", "--json", conv))
        check("(d) .mtui: leaked figures exact",
              [(g["leaked_bytes"], g["leaked_allocations"]) for g in mdoc["stages"]],
              [(w["leaked_bytes"], w["leaked_allocations"]) for w in want])
    doc = json.loads(memtui_out(exe, "report", "--stages", "marks", "--json", cap))
    got = doc["stages"]
    check("(d) json: split", doc["split"], "marks")
    check("(d) json: names", [g["name"] for g in got],
          [w["name"] if w["first_record"] else "<before first mark>" for w in want])
    check("(d) json: first events", [g["first_event"] for g in got],
          [w["first_record"] for w in want])
    for g, w in zip(got, want):
        check("(d) json: " + w["name"] + " @" + str(w["first_record"]),
              {f: g[f] for f in FIGURES}, {f: w[f] for f in FIGURES})
    lines = memtui_out(exe, "report", "--stages", "marks", "--format", "csv", cap).splitlines()
    head = lines[0].split(",")
    csv_fields = [f for f in FIGURES if f in head]
    check("(d) csv rows", len(lines) - 1, len(want))
    for line, w in zip(lines[1:], want):
        cells = dict(zip(head, line.split(",")))
        check("(d) csv " + w["name"] + " @" + str(w["first_record"]),
              {f: int(cells[f]) for f in csv_fields}, {f: w[f] for f in csv_fields})
    text = memtui_out(exe, "report", "--stages", "marks", cap).splitlines()
    hi = next(i for i, l in enumerate(text) if l.startswith("stage "))
    body = text[hi + 1: hi + 1 + len(want)]
    for line, w in zip(body, want):
        name = w["name"] if w["first_record"] else "<before first mark>"
        cells = ("%d" % w["allocations"], fmt_bytes(w["allocated_bytes"]),
                 fmt_bytes(w["freed_bytes"]), fmt_bytes(w["net_bytes"]),
                 fmt_bytes(w["cumulative_bytes"]), fmt_bytes(w["peak_bytes"]))
        rest = line[len(name):]
        check("(d) text " + name + " @" + str(w["first_record"]),
              (line.startswith(name + " "), all(" " + c + " " in rest + " " for c in cells)),
              (True, True))
    if capdump:
        out = subprocess.run([capdump, cap, "--canonical"], capture_output=True,
                             timeout=120).stdout.decode()
        marks = [l.split(" ") for l in out.splitlines() if l.startswith("stage_mark ")]
        check("(d) marks at the oracle's records",
              [(int(m[1]), m[4].replace("\\x20", " ")) for m in marks],
              [(m["record"], m["name"]) for m in ms["marks"]])
        check("(d) marks' origin and place", {(m[3], m[5]) for m in marks},
              {("3", "workloads/stages_marked.py:26")})


AGG_WARNING = ("stage markers (<memtui-stage> frames) in an aggregated capture cannot be "
               "placed: it keeps no order of events")


def aggregated(exe, samples, capdump):
    """(e) Markers in an aggregated capture: a warning, no marks."""
    with open(os.path.join(samples, "memray", "stages_aggregated.bin"), "rb") as f:
        data = f.read()
    script = b"/opt/memtui-fixtures/memray/workloads/stages.py\0"
    check("(e) the script's code objects", data.count(script) > 0, True)
    with tempfile.TemporaryDirectory() as d:
        cap = os.path.join(d, "agg_marked.bin")
        with open(cap, "wb") as f:
            f.write(data.replace(script, b"<memtui-stage>\0"))
        text = memtui_out(exe, "report", cap)
        check("(e) text warning", "warning     " + AGG_WARNING in text.splitlines(), True)
        doc = json.loads(memtui_out(exe, "report", "--json", cap))
        check("(e) json warning", AGG_WARNING in doc["warnings"], True)
        p = subprocess.run([exe, "--replay", "", "--size", "160x20", cap], capture_output=True,
                           timeout=60, env=dict(os.environ, LANG="C.UTF-8"))
        check("(e) explorer header", "warning: " + AGG_WARNING in p.stdout.decode(), True)
        if capdump:
            out = subprocess.run([capdump, cap, "--canonical"], capture_output=True,
                                 timeout=60).stdout.decode()
            check("(e) no marks", [l for l in out.splitlines() if l.startswith("stage_mark")],
                  [])


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__)
        return 2
    exe, project, fake_so = sys.argv[1:4]
    capdump = sys.argv[4] if len(sys.argv) == 5 else None
    module_dir = os.path.join(project, "src", "record", "python")
    contract(module_dir)
    recorder(module_dir, fake_so)
    pip_install(module_dir)
    marked_capture(exe, os.path.join(project, "sample-captures"), capdump)
    aggregated(exe, os.path.join(project, "sample-captures"), capdump)
    print("python markers: %d passed, %d failed" % (PASSED[0], len(FAILS)))
    return 1 if FAILS or not PASSED[0] else 0


if __name__ == "__main__":
    sys.exit(main())
