#!/usr/bin/env python3
"""Runs two memtui binaries over every sample capture and says whether they
print the same bytes: `memtui report` in every format, view, direction, stage
split and diff, and `--replay` frames of every view and the keys that open
the views inside them (help, a moment's tree, a stage's tree and flame graph,
the diffs), at two screen sizes and in UTF-8 and ASCII. For each run it
compares standard output, standard error and the exit status.

    scripts/same-output.py OLD_MEMTUI NEW_MEMTUI [CAPTURES_DIR]

Use it around a change that must not change what memtui prints (a move, a
rename, a refactor): build the old commit into one folder and the new one
into another, then run this. It prints one line per difference and a
summary, and exits 1 when anything differs.
"""
import concurrent.futures
import os
import subprocess
import sys

FORMATS = ["text", "json", "csv", "collapsed"]
VIEWS = ["peak", "leaks", "allocated", "allocations", "temporary"]
TREES = ["top-down", "bottom-up"]
SPLITS = ["marks", "slices:4", "under:main"]
PAIRS = [("memray/diff_before.bin", "memray/diff_after.bin"),
         ("heaptrack/heaptrack.phases_before.zst", "heaptrack/heaptrack.phases_after.zst")]

# Keys that open every view and the views pushed from them.
KEYS = ["", "i", "m", "mm", "mmm", "mmmm", "E", "Ei", "e/main<Enter>n", "s", "ss", "jjjS",
        "jjjS<Enter>", "?", "2", "2jjj<Enter>", "2i", "2mjl", "3", "3hhhh<Enter>", "3hh<Space>lld",
        "3G", "4", "4j<Enter>", "4j<Enter>f", "4j<Enter>t", "4j<Enter>d", "4jj<Space>jd", "4s",
        "4sss", "4t", "4m", "<Tab><Tab><Tab>", "E<resize 40x12>jjj<resize 120x30>"]
DIFF_KEYS = ["", "E", "iE", "tE", "s", "ss", "m", "2", "2<Enter>", "2<Enter><BS>", "2i", "?"]
SIZES = ["80x24", "200x60"]


def captures(root):
    skip = (".oracle.json", ".print.txt", ".so")
    out = []
    for sub in ("memray", "heaptrack"):
        for name in sorted(os.listdir(os.path.join(root, sub))):
            if not name.endswith(skip):
                out.append(os.path.join(root, sub, name))
    return out


def runs(root):
    """Every (name, argv tail, env) to run with both binaries."""
    for path in captures(root):
        for f in FORMATS:
            for v in VIEWS:
                for t in TREES:
                    yield (["report", "--no-progress", "--format", f, "--view", v, "--tree", t,
                            path], None)
        yield (["report", "--no-progress", "--depth", "30", "--top", "40", path], None)
        yield (["report", "--no-progress", "--depth", "0", "--no-symbols", path], None)
        for s in SPLITS:
            for f in ["text", "json", "csv"]:
                yield (["report", "--no-progress", "--format", f, "--stages", s, path], None)
            yield (["report", "--no-progress", "--stages", s, "--merge-calls", path], None)
        for size in SIZES:
            for k in KEYS:
                yield (["--replay", k, "--size", size, path], None)
        for k in ["", "2", "3", "4", "?"]:
            yield (["--replay", k, path], {"LANG": "C", "LC_ALL": "C"})
    for a, b in PAIRS:
        a, b = os.path.join(root, a), os.path.join(root, b)
        for f in FORMATS:
            for v in VIEWS:
                yield (["report", "--no-progress", "--diff", "--format", f, "--view", v, a, b],
                       None)
        yield (["report", "--no-progress", "--diff", "--fail-if-growth", "1", a, b], None)
        yield (["report", "--no-progress", "--diff", "--fail-if-growth", "50%", b, a], None)
        for size in SIZES:
            for k in DIFF_KEYS:
                yield (["--replay", k, "--size", size, a, b], None)
    # Errors: usage, a missing file, a file of no known format, bad options.
    yield (["report"], None)
    yield (["report", "/nonexistent/capture.bin"], None)
    yield (["report", os.path.join(root, "memray", "libmemtui_fixture.so")], None)
    yield (["report", "--view", "nothing", captures(root)[0]], None)
    yield (["report", "--stages", "bogus", captures(root)[0]], None)
    yield (["--replay", "<NoSuchKey>", captures(root)[0]], None)
    yield (["--size", "1x1", "--replay", "", captures(root)[0]], None)


def run(binary, args, env):
    e = dict(os.environ)
    e.setdefault("LANG", "C.UTF-8")
    e["LC_ALL"] = e.get("LC_ALL", "")
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    p = subprocess.run([binary] + args, capture_output=True, env=e, timeout=300)
    return p.stdout, p.stderr, p.returncode


def compare(old, new, item):
    args, env = item
    a, b = run(old, args, env), run(new, args, env)
    return args, env, a, b


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    old, new = sys.argv[1], sys.argv[2]
    root = sys.argv[3] if len(sys.argv) == 4 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "sample-captures")
    items = list(runs(root))
    differ = 0
    nbytes = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for args, env, a, b in pool.map(lambda it: compare(old, new, it), items):
            nbytes += len(a[0]) + len(a[1])
            if a != b:
                differ += 1
                what = [n for n, x, y in zip(("stdout", "stderr", "status"), a, b) if x != y]
                print("differs (%s): memtui %s%s" % (", ".join(what), " ".join(
                    repr(x) if " " in x or not x else x for x in args),
                    "  [LANG=C]" if env else ""))
    print("same-output: %d runs, %d bytes of output, %d differ" % (len(items), nbytes, differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
