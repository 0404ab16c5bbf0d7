#!/usr/bin/env python3
"""memtui addr2line against binutils addr2line, byte for byte, on every byte of
.text of the test programs (tests/programs/*.c, heavy.cpp), built by gcc/g++ at
-O0 and -O2 (DWARF 5, and DWARF 4 for two of them): with -a -f -i, with
-a -f -i -C -p, with -f -s (combined as -fs), addresses from stdin and from
argv.  Then the same programs stripped with a separate debug file: found through
.gnu_debuglink (both tools on the stripped file) and in a build-id tree
(DIR/.build-id/xx/rest.debug, memtui with --debug-dir DIR, against binutils on
the unstripped file).

Not compared: clang's programs, where libbfd 2.40 loses inline chains of
clang's DWARF 5 (it prints fewer frames than the DWARF says; llvm-symbolizer
agrees with us, see addr2line_compare.py --llvm).

Usage: addr2line_cli.py MEMTUI PROGRAMS_DIR WORK_DIR
Exit 77 (skip) when binutils' addr2line, readelf, objcopy or gcc is missing.
"""
import os
import shutil
import subprocess
import sys

SKIP = 77


def text_addrs(program):
    out = subprocess.run(["readelf", "-SW", program], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        parts = line.replace("[ ", "[").split()
        if len(parts) > 5 and parts[1] == ".text":
            start, size = int(parts[3], 16), int(parts[5], 16)
            return ["%x" % a for a in range(start, start + size)]
    raise SystemExit("FAIL: %s has no .text" % program)


def run(cmd, stdin):
    return subprocess.run(cmd, input=stdin, capture_output=True, check=True).stdout


def compare(memtui, label, ours, theirs, flags, addrs, extra=(), argv=False):
    stdin = ("\n".join(addrs) + "\n").encode()
    want = run(["addr2line", "-e", theirs] + flags, stdin)
    if argv:
        got = run([memtui, "addr2line", *extra, "-e", ours] + flags + addrs, b"")
    else:
        got = run([memtui, "addr2line", *extra, "-e", ours] + flags, stdin)
    if want == got:
        print("ok   %-28s %-16s %6d addresses" % (label, " ".join(flags), len(addrs)))
        return True
    w, g = want.decode().splitlines(), got.decode().splitlines()
    i = next((k for k in range(min(len(w), len(g))) if w[k] != g[k]), min(len(w), len(g)))
    print("FAIL %-28s %-16s line %d:\n  binutils %r\n  memtui   %r"
          % (label, " ".join(flags), i + 1, w[i:i + 3], g[i:i + 3]))
    return False


def main():
    memtui, src, work = sys.argv[1:4]
    for tool in ("addr2line", "readelf", "objcopy", "gcc", "g++"):
        if not shutil.which(tool):
            print("skip: %s missing" % tool)
            return SKIP
    os.makedirs(work, exist_ok=True)
    builds = []
    for name in ("inlines.c", "deep.c", "staged.c", "threaded.c", "heavy.cpp"):
        cc = "g++" if name.endswith(".cpp") else "gcc"
        for opt in ("-O0", "-O2"):
            out = os.path.join(work, "%s%s" % (name.split(".")[0], opt))
            subprocess.run([cc, "-g", opt, "-o", out, os.path.join(src, name), "-lpthread"],
                           check=True)
            builds.append(out)
    for name in ("inlines.c", "heavy.cpp"):
        out = os.path.join(work, name.split(".")[0] + "-O2-dwarf4")
        subprocess.run(["g++" if name.endswith(".cpp") else "gcc", "-g", "-gdwarf-4", "-O2",
                        "-o", out, os.path.join(src, name)], check=True)
        builds.append(out)
    ok, total = True, 0
    for prog in builds:
        addrs = text_addrs(prog)
        label = os.path.basename(prog)
        total += len(addrs)
        ok &= compare(memtui, label, prog, prog, ["-a", "-f", "-i"], addrs)
        if "-O2" in prog:
            ok &= compare(memtui, label, prog, prog, ["-a", "-f", "-i", "-C", "-p"], addrs)
            ok &= compare(memtui, label, prog, prog, ["-fs"], addrs[:4000], argv=True)
    for base in ("inlines-O2", "heavy-O2"):
        prog = os.path.join(work, base)
        addrs = text_addrs(prog)
        debug, stripped = prog + ".debug", prog + ".stripped"
        subprocess.run(["objcopy", "--only-keep-debug", prog, debug], check=True)
        subprocess.run(["objcopy", "--strip-debug", prog, stripped + ".nolink"], check=True)
        subprocess.run(["objcopy", "--add-gnu-debuglink=" + debug, stripped + ".nolink",
                        stripped], check=True, cwd=work)
        ok &= compare(memtui, base + " debuglink", stripped, stripped, ["-a", "-f", "-i"],
                      addrs)
        build_id = subprocess.run(["readelf", "-n", prog], capture_output=True, text=True,
                                  check=True).stdout.split("Build ID: ")[1].split()[0]
        tree = os.path.join(work, "debug-" + base, ".build-id", build_id[:2])
        os.makedirs(tree, exist_ok=True)
        shutil.copy(debug, os.path.join(tree, build_id[2:] + ".debug"))
        ok &= compare(memtui, base + " build-id", stripped + ".nolink", prog,
                      ["-a", "-f", "-i"], addrs,
                      extra=["--debug-dir", os.path.join(work, "debug-" + base)])
    print("%d programs, %d addresses: %s" % (len(builds), total, "equal" if ok else "DIFFER"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
