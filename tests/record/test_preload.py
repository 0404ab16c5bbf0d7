#!/usr/bin/env python3
"""The recorder (libmemtui_preload.so) on programs with known patterns
(tests/programs/record_*.c): every trace must pass tests/tools/trace_dump.py's
rules, and its counts per (kind, size) must equal the program's exactly.

    test_preload.py BUILD_DIR PROGRAMS_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import trace_dump  # noqa: E402

failures = []


def fail(case, msg):
    failures.append("%s: %s" % (case, msg))
    print("FAIL %s: %s" % (case, msg))


def record(build, prog, args, env_extra=None, expect_rc=0):
    d = tempfile.mkdtemp(prefix="memtui-preload-")
    env = dict(os.environ, LD_PRELOAD=os.path.join(build, "libmemtui_preload.so"),
               MEMTUI_RECORD_DIR=d)
    env.pop("MEMTUI_RECORD_PID", None)
    for k, v in (env_extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    r = subprocess.run([prog] + args, env=env, stdout=subprocess.DEVNULL, timeout=60)
    traces = {}
    for name in sorted(os.listdir(d)):
        traces[name] = trace_dump.dump(os.path.join(d, name), allow_truncated=True)[0]
    return r.returncode, traces


def sizes(trace):
    return trace["heap"]["by_size"]


def expect(case, got, want):
    for k, v in want.items():
        if got.get(k, 0) != v:
            fail(case, "%s: %s, expected %s" % (k, got.get(k, 0), v))


def one(case, traces, end="exit"):
    if len(traces) != 1:
        fail(case, "%d traces, expected 1: %s" % (len(traces), sorted(traces)))
        return None
    t = next(iter(traces.values()))
    if t["end"] != end:
        fail(case, "ends with %s, expected %s" % (t["end"], end))
    return t


def main(build, programs):
    exe = lambda name: os.path.join(programs, name)  # noqa: E731

    rc, traces = record(build, exe("record_patterns"), [])
    t = one("patterns", traces)
    if t:
        expect("patterns", sizes(t), {
            "malloc:100": 1000, "calloc:300": 500, "realloc:64": 1, "realloc:65536": 1,
            "realloc:40": 1, "reallocarray:77": 1, "reallocarray:91": 1,
            "posix_memalign:200": 50, "aligned_alloc:384": 40, "memalign:96": 30,
            "valloc:5000": 3, "pvalloc:6000": 2, "malloc:1111": 1, "mmap:1048576": 10,
            "mremap:2097152": 1, "malloc:777": 7})
        reallocs = sum(v for k, v in sizes(t).items() if k.startswith("realloc:"))
        if reallocs != 12:
            fail("patterns", "%d reallocs, expected 12" % reallocs)
        if t["heap"]["mapped_left"] != [4096, (1 << 20) - 8192]:
            fail("patterns", "mapped left %s" % t["heap"]["mapped_left"])
        if t["heap"]["frees_by_kind"].get("free_sized", 0) != 1:
            fail("patterns", "free_sized not recorded")
        if not any(m["path"] == "" and m["build_id"] for m in t["modules"]):
            fail("patterns", "no main module with a build-id")

    rc, traces = record(build, exe("record_threads"), [])
    t = one("threads", traces)
    if t:
        expect("threads", sizes(t), {"malloc:48": 80000})
        workers = [c for c in t["threads"].values() if c.get("name", "").startswith("worker-")]
        if len(workers) != 8 or any(c["events"] != 20000 for c in workers):
            fail("threads", "workers: %s" % workers)

    life = exe("record_life")
    rc, traces = record(build, life, ["fork"])
    t = one("fork", traces)
    if t:
        expect("fork", sizes(t), {"malloc:111": 3, "malloc:222": 0, "malloc:333": 2})

    rc, traces = record(build, life, ["fork"], {"MEMTUI_RECORD_FOLLOW_FORK": "1"})
    if len(traces) != 2:
        fail("follow-fork", "traces: %s" % sorted(traces))
    else:
        kids = [t for t in traces.values() if t["header"]["flags"] & 2]
        parents = [t for t in traces.values() if not t["header"]["flags"] & 2]
        if len(kids) != 1 or len(parents) != 1:
            fail("follow-fork", "no one child trace")
        else:
            expect("follow-fork child", sizes(kids[0]), {"malloc:111": 0, "malloc:222": 5})
            expect("follow-fork parent", sizes(parents[0]),
                   {"malloc:111": 3, "malloc:222": 0, "malloc:333": 2})
            if kids[0]["header"]["ppid"] != parents[0]["header"]["pid"]:
                fail("follow-fork", "the child's ppid is not the parent")

    rc, traces = record(build, life, ["exec"])
    names = sorted(traces)
    if len(names) != 2 or not names[0].endswith(".1.trace"):
        fail("exec", "traces: %s" % names)
    else:
        first, second = traces[names[1]], traces[names[0]]
        if first["end"] != "exec" or second["end"] != "exit":
            fail("exec", "ends %s, %s" % (first["end"], second["end"]))
        if second["header"]["exec_index"] != 1:
            fail("exec", "exec_index %d" % second["header"]["exec_index"])
        expect("exec before", sizes(first), {"malloc:444": 4, "malloc:555": 0})
        expect("exec after", sizes(second), {"malloc:444": 0, "malloc:555": 6})

    rc, traces = record(build, life, ["closeall"])
    t = one("closeall", traces)
    if t:
        expect("closeall", sizes(t), {"malloc:4242": 999})

    rc, traces = record(build, life, ["exit-now"])
    t = one("exit-now", traces, end="exit_now")
    if t:
        expect("exit-now", sizes(t), {"malloc:1234": 3})

    rc, traces = record(build, life, ["sigkill"])
    t = one("sigkill", traces, end=None)
    if t:
        if rc != -9:
            fail("sigkill", "exit status %d" % rc)
        expect("sigkill", sizes(t), {"malloc:4321": 100})

    rc, traces = record(build, life, ["signal"], {"MEMTUI_RECORD_STAGE_SIGNAL": "10"})
    t = one("signal", traces)
    if rc != 0:
        fail("signal", "exit status %d (3: no mark, 4: the program's handler not chained)" % rc)
    if t:
        marks = [(m["name"], m["origin"]) for m in t["marks"]]
        want = [("signal 1", "signal"), ("signal 2", "signal"), ("signal 3", "signal"),
                ("c-stage", "c_api")]
        if marks != want:
            fail("signal", "marks %s" % marks)
        expect("signal", sizes(t), {"malloc:2020": 3, "malloc:3030": 1})

    rc, traces = record(build, life, ["signal"], {"MEMTUI_RECORD_DIR": None})
    if rc != 0 or traces:
        fail("off", "not recording: status %d, traces %s" % (rc, sorted(traces)))

    print(json.dumps({"failures": len(failures)}))
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except trace_dump.Bad as e:
        print("FAIL: a trace breaks the format: %s" % e)
        sys.exit(1)
