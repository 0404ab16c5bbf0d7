#!/usr/bin/env python3
"""The .mtui writer, checked section by section by an independent reader.

For every capture under the given folders that memtui loads (with or without
an oracle), `memtui convert` writes a .mtui, and tests/tools/mtui_check.py
(written from docs/FORMAT.md alone) must accept it as a complete file, by its
index and by scanning, with one dump.  That dump must equal:
  - `capdump --canonical` of the .mtui (the C reader and the independent one
    read the same capture);
  - `capdump --canonical` of the source, except the source hash that only
    convert computes (the file holds what the model held).  Captures with
    native frames are skipped here: convert names their frames, capdump does
    not.

usage: test_mtui_check.py MEMTUI CAPDUMP DIR [DIR...]
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "..", "tools", "mtui_check.py")
CAPTURE_ENDS = (".bin", ".zst", ".gz", ".txt", ".lz4")


def captures(dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                path = os.path.join(root, f)
                if "damaged" in path.split(os.sep) or "bench" in path.split(os.sep):
                    continue
                if f.endswith(CAPTURE_ENDS) or ".bin." in f:
                    yield path


def out(args):
    p = subprocess.run(args, capture_output=True, text=True, errors="replace")
    return p.returncode, p.stdout, p.stderr.strip()


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    memtui, capdump, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    n = failed = 0
    with tempfile.TemporaryDirectory(prefix="mtui_check.") as work:
        dst = os.path.join(work, "x.mtui")
        for src in captures([d for d in dirs if os.path.isdir(d)]):
            rc, _, _ = out([memtui, "convert", src, "-o", dst])
            if rc:
                continue
            rc, py, err = out([sys.executable, CHECKER, dst, "--strict-complete"])
            rc2, py2, err2 = out([sys.executable, CHECKER, dst, "--strict-complete",
                                  "--no-index"])
            _, c_mtui, _ = out([capdump, dst, "--canonical"])
            _, c_src, _ = out([capdump, src, "--canonical"])
            py_nohash = "".join(l for l in py.splitlines(True)
                                if not l.startswith("meta source_hash "))
            checks = [("mtui_check accepts it: " + err, rc == 0),
                      ("mtui_check --no-index accepts it: " + err2, rc2 == 0),
                      ("by index and by scanning, one dump", py == py2),
                      ("the C reader's dump", py == c_mtui)]
            if "native_traces=1" not in c_src:
                checks.append(("the source's dump", py_nohash == c_src))
            for what, ok in checks:
                n += 1
                if not ok:
                    failed += 1
                    print("FAIL %s: %s" % (src, what), file=sys.stderr)
            print("%s %s (%d dump lines)" % ("ok  " if all(ok for _, ok in checks)
                                             else "FAIL", src, py.count("\n")))
    print("mtui_check: %d checks, %d failed" % (n, failed))
    return 1 if failed or not n else 0


if __name__ == "__main__":
    sys.exit(main())
