#!/usr/bin/env python3
"""Checks that the symbolizer finds a separate debug file the ways gdb and
libbacktrace do, and refuses one of another build.

From a gcc -g build of tests/programs/inlines.c (which has a GNU build-id), it
makes a stripped copy and the --only-keep-debug file with binutils' objcopy,
puts the debug file where each rule looks, and requires symdump to name that
file and to give the same frames as for the unstripped program, at every
address of its functions:
  - .gnu_debuglink in dirname/.debug/NAME and in dirname/NAME (CRC checked);
  - --debug-dir DIR + dirname/NAME;
  - DIR/.build-id/xx/rest.debug;
  - a debug file of another build under the linked name: refused (build-id),
    and the stripped program then resolves from its symbol table only.
Usage: debug_files.py SYMDUMP PROGRAM OTHER_PROGRAM FUNCTION...
Exit 77 (skip) when objcopy, readelf or nm is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def addresses(program, names):
    out = []
    for line in run("nm", "-S", program).splitlines():
        p = line.split()
        if len(p) == 4 and p[3] in names:
            lo, size = int(p[0], 16), int(p[1], 16)
            out.extend(range(lo, lo + size))
    return out


def symdump(tool, program, addrs, debug_dir=None):
    cmd = [tool, "-D", "-s"] + (["-d", debug_dir] if debug_dir else []) + [program]
    lines = run(*(cmd + ["%x" % a for a in addrs])).splitlines()
    return lines[0][len("debug: "):], lines[1:]


def build_id(program):
    m = re.search(r"Build ID: ([0-9a-f]+)", run("readelf", "-n", program))
    return m.group(1) if m else None


def main():
    tool, program, other, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    for t in ("objcopy", "readelf", "nm"):
        if not shutil.which(t):
            print("skip: %s missing" % t)
            return SKIP
    bid = build_id(program)
    if not bid:
        print("skip: %s has no build-id" % program)
        return SKIP
    addrs = addresses(program, set(names))
    _, want = symdump(tool, program, addrs)
    failures = 0

    def check(label, path, expect_debug, debug_dir=None, expect_frames=True):
        nonlocal failures
        debug, got = symdump(tool, path, addrs, debug_dir)
        ok = debug == expect_debug and (got == want) == expect_frames
        print("%s %s: debug file %s, %d addresses %s" % (
            "ok" if ok else "FAIL", label, debug, len(addrs),
            "equal" if got == want else "differ"))
        failures += not ok

    with tempfile.TemporaryDirectory() as tmp:
        dbg = os.path.join(tmp, "inlines.debug")
        run("objcopy", "--only-keep-debug", program, dbg)
        other_dbg = os.path.join(tmp, "other.debug")
        run("objcopy", "--only-keep-debug", other, other_dbg)

        def stripped(sub, link=True):
            d = os.path.join(tmp, sub)
            os.makedirs(d)
            path = os.path.join(d, "inlines")
            args = ["objcopy", "--strip-debug"]
            if link:
                args.append("--add-gnu-debuglink=" + dbg)
            run(*(args + [program, path]))
            return d, path

        d, path = stripped("dotdebug")
        os.makedirs(os.path.join(d, ".debug"))
        shutil.copy(dbg, os.path.join(d, ".debug", "inlines.debug"))
        check("debuglink dirname/.debug", path, os.path.join(d, ".debug", "inlines.debug"))

        d, path = stripped("beside")
        shutil.copy(dbg, os.path.join(d, "inlines.debug"))
        check("debuglink dirname", path, os.path.join(d, "inlines.debug"))

        d, path = stripped("debugdir")
        root = os.path.join(tmp, "root")
        os.makedirs(root + d)
        shutil.copy(dbg, root + d + "/inlines.debug")
        check("debuglink DEBUGDIR/dirname", path, root + d + "/inlines.debug", debug_dir=root)

        d, path = stripped("buildid", link=False)
        store = os.path.join(tmp, "store")
        where = os.path.join(store, ".build-id", bid[:2])
        os.makedirs(where)
        shutil.copy(dbg, os.path.join(where, bid[2:] + ".debug"))
        check("build-id", path, os.path.join(where, bid[2:] + ".debug"), debug_dir=store)

        d, path = stripped("other")
        shutil.copy(other_dbg, os.path.join(d, "inlines.debug"))
        check("another build's debug file", path, "-", expect_frames=False)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
