#!/usr/bin/env python3
"""Compares the symbolizer with binutils' addr2line on every address of the
functions of a program built with -g -O2 and forced inlining
(tests/programs/inlines.c): function names, files, lines and the whole inline
chain, innermost first, must be the same.  addr2line is an independent DWARF
reader (libbfd), so this checks line tables, DW_AT_ranges and inline chains
beyond the fixture library.

One difference is by design: a file whose directory entry is relative
(clang writes "tests/programs" beside comp_dir) is printed by addr2line joined
to DW_AT_comp_dir, and by memray (libbacktrace) and us as written.  Such frames
count as equal when addr2line's file is COMP_DIR/ours, and are reported.
Another is addr2line's: at a row with line 0 (clang's compiler-generated code)
libbfd drops the inline chain, libbacktrace does not; such addresses are
left out and counted.

With --llvm, llvm-symbolizer is the reference instead (libbfd 2.40 loses inline
chains in clang's DWARF 5, llvm-symbolizer reads them as we do).

Usage: addr2line_compare.py [--llvm] SYMDUMP PROGRAM FUNCTION...
Exit 77 (skip) when the reference tool or nm is missing.
"""
import re
import shutil
import subprocess
import sys

SKIP = 77


def function_ranges(program, names):
    out = subprocess.run(["nm", "-S", program], capture_output=True, text=True, check=True).stdout
    ranges = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] in names and parts[2] in "tT":
            ranges[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return ranges


def addr2line(program, addrs):
    out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", program] + ["%x" % a for a in addrs],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    res, cur = {}, None
    i = 0
    while i < len(out):
        if out[i].startswith("0x"):
            cur = int(out[i], 16)
            res[cur] = []
            i += 1
            continue
        fn, loc = out[i], out[i + 1]
        loc = re.sub(r" \(discriminator \d+\)$", "", loc)
        file, _, line = loc.rpartition(":")
        line = 0 if line == "?" else int(line)
        if fn != "??":
            res[cur].append((fn, file if file != "??" else "", line))
        i += 2
    return res


def llvm_symbolizer(program, addrs):
    out = subprocess.run(["llvm-symbolizer", "--obj=" + program] + ["0x%x" % a for a in addrs],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for a, block in zip(addrs, out.split("\n\n")):
        lines = block.strip("\n").splitlines()
        frames = []
        for fn, loc in zip(lines[0::2], lines[1::2]):
            file, line, _col = loc.rsplit(":", 2)
            if fn != "??":
                frames.append((fn, file if file != "??" else "", int(line)))
        res[a] = frames
    return res


def symdump(tool, program, addrs):
    out = subprocess.run([tool, "-s", program] + ["%x" % a for a in addrs],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    res = {}
    for line in out:
        pc, _, frames = line.partition("\t")
        res[int(pc, 16)] = [tuple(f.rsplit("|", 2)) for f in frames.split("\t")] if frames else []
        res[int(pc, 16)] = [(f, p, int(n)) for f, p, n in res[int(pc, 16)]]
    return res


def main():
    args = sys.argv[1:]
    llvm = args[0] == "--llvm"
    if llvm:
        args = args[1:]
    tool, program, names = args[0], args[1], args[2:]
    reference = "llvm-symbolizer" if llvm else "addr2line"
    if not shutil.which(reference) or not shutil.which("nm"):
        print("skip: %s or nm missing" % reference)
        return SKIP
    ranges = function_ranges(program, names)
    missing = set(names) - set(ranges)
    if missing:
        print("FAIL: functions not in the symbol table:", ", ".join(sorted(missing)))
        return 1
    addrs = [a for lo, size in ranges.values() for a in range(lo, lo + size)]
    want = (llvm_symbolizer if llvm else addr2line)(program, addrs)
    got = symdump(tool, program, addrs)
    def same(a):
        w, g = want.get(a), got.get(a)
        if w is None or g is None or len(w) != len(g):
            return False
        return all(wf == gf and wl == gl and (wp == gp or (gp and not gp.startswith("/")
                                                         and wp.endswith("/" + gp)))
                   for (wf, wp, wl), (gf, gp, gl) in zip(w, g))

    line0 = [] if llvm else [a for a in addrs if want.get(a) and want[a][0][2] == 0]
    addrs = [a for a in addrs if a not in set(line0)]
    bad = [a for a in addrs if not same(a)]
    relative = sum(1 for a in addrs if any(p and not p.startswith("/") for _, p, _ in got.get(a, [])))
    inlined = sum(1 for a in addrs if len(want.get(a, [])) > 1)
    deepest = max(len(want.get(a, [])) for a in addrs)
    for a in bad[:20]:
        print("FAIL 0x%x\n  %s %s\n  symdump %s" % (a, reference, want.get(a), got.get(a)))
    print("%d addresses in %d functions, %d in inlined code (chains up to %d frames), "
          "%d with a relative directory, %d at line 0 left out: %d differ"
          % (len(addrs), len(ranges), inlined, deepest, relative, len(line0), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
