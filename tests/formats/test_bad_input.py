#!/usr/bin/env python3
"""Hostile input: every bad file gets one clear line and exit status 2, or
loads as a truncated capture with a warning; never a crash, a hang or a write
to the input.

Cases: an empty file, a directory, an unreadable file, random bytes, files of
other formats, wrong versions, headers with absurd counts and lengths, and
every cut of small real captures (plain, lz4, zstd, gzip) at many offsets.
Each run has a time limit; a signal, a sanitizer report or a changed input
file is a failure.

usage: test_bad_input.py MEMTUI SAMPLES_DIR
"""
import hashlib
import os
import random
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time

ERROR_LINE = re.compile(r"^memtui: .+: .+$")


class Runner:
    def __init__(self, memtui, tmp):
        self.memtui = memtui
        self.tmp = tmp
        self.passed = 0
        self.failed = 0

    def fail(self, name, why):
        print("FAIL %s: %s" % (name, why))
        self.failed += 1

    def run(self, name, path, expect=None, contains=None, prefix=None):
        """expect: 'error' (exit 2, one line), 'ok' (exit 0), or None (either)."""
        before = None
        if os.path.isfile(path) and os.access(path, os.R_OK):
            before = hashlib.sha256(open(path, "rb").read()).hexdigest()
        cmd = (prefix or []) + [self.memtui, "report", "--json", "--no-progress", path]
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            return self.fail(name, "hang (no exit in 30 s)")
        err = p.stderr.decode(errors="replace")
        lines = [l for l in err.splitlines() if l]
        if p.returncode < 0 or p.returncode not in (0, 2):
            return self.fail(name, "exit %d: %s" % (p.returncode, err[:2000]))
        if "Sanitizer" in err or "runtime error" in err:
            return self.fail(name, "sanitizer: %s" % err[:2000])
        if before is not None and hashlib.sha256(open(path, "rb").read()).hexdigest() != before:
            return self.fail(name, "the input file changed")
        if p.returncode == 2:
            if expect == "ok":
                return self.fail(name, "exit 2: %s" % err)
            if len(lines) != 1 or not ERROR_LINE.match(lines[0]) or path not in lines[0]:
                return self.fail(name, "want one line 'memtui: FILE: ...', got %r" % err)
            if p.stdout:
                return self.fail(name, "output on stdout with an error")
        else:
            if expect == "error":
                return self.fail(name, "exit 0, wanted an error; stderr %r" % err)
            import json
            rep = json.loads(p.stdout)
            if rep["truncated"] and not any("warning" in l for l in lines):
                return self.fail(name, "truncated without a warning line")
        if contains and not re.search(contains, err):
            return self.fail(name, "stderr %r lacks %r" % (err, contains))
        self.passed += 1

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def leb128(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def memray_header(version=13, cmd=b"python3 x.py", tail=b""):
    h = b"memray\0" + struct.pack("<ii", version, 0x030B02F0) + bytes([0, 0])
    h += struct.pack("<QQqq", 0, 0, 1700000000000, 1700000000001) + cmd + b"\0"
    h += struct.pack("<iQQ", 42, 1, 0) + bytes([1, 0, 0]) + b"/usr/lib/python3.11\0" + b"\0\0"
    return h + tail


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    memtui, samples = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="memtui-bad-")
    r = Runner(memtui, tmp)
    rnd = random.Random(20261121)
    try:
        r.run("empty file", r.write("empty.bin", b""), "error", r"empty")
        r.run("directory", tmp, "error", r"directory")
        r.run("missing file", os.path.join(tmp, "nope.bin"), "error", r"cannot open")
        unreadable = r.write("unreadable.bin", memray_header())
        os.chmod(unreadable, 0)
        if os.geteuid() == 0:
            os.chmod(tmp, 0o755)
            if shutil.which("setpriv"):
                r.run("unreadable file", unreadable, "error", r"Permission denied",
                      prefix=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
            else:
                print("skip unreadable file: root and no setpriv")
        else:
            r.run("unreadable file", unreadable, "error", r"Permission denied")
        os.chmod(unreadable, stat.S_IRUSR | stat.S_IWUSR)
        for i in range(20):
            data = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([1, 7, 100, 5000])))
            r.run("random bytes %d" % i, r.write("random%d.bin" % i, data), "error")
        r.run("ELF file", memtui, "error", r"not a capture")
        r.run("text file", r.write("readme.txt", b"hello\nworld\n"), "error", r"not a capture")
        r.run("zstd of text", r.write("t.zst", subprocess.run(
            ["zstd", "-c"], input=b"hello world\n" * 100, capture_output=True).stdout),
            "error", r"not a capture")
        r.run("memray v11", r.write("v11.bin", memray_header(11)), "error", r"version 11")
        r.run("memray v99", r.write("v99.bin", memray_header(99)), "error", r"version 99")
        r.run("memray header cut", r.write("hcut.bin", memray_header()[:30]), "error",
              r"at byte")
        r.run("memray header only", r.write("honly.bin", memray_header()), None)
        # A SEGMENT_HEADER claiming 2^60 segments, a CODE_OBJECT with a 2^62-byte linetable,
        # a FRAME_POP of an empty stack, an unknown token.
        seg = bytes([6, 7]) + b"/lib/x.so\0" + bytes([0x80] * 8 + [0x10]) + b"\0" * 8
        r.run("memray absurd segment count", r.write("seg.bin", memray_header(tail=seg)), None)
        code = bytes([14, 1]) + b"f\0x.py\0" + bytes([2]) + bytes([0xff] * 8 + [0x3f]) + b"ab"
        r.run("memray absurd linetable", r.write("code.bin", memray_header(tail=code)), None)
        r.run("memray pop empty", r.write("pop.bin", memray_header(
            tail=bytes([12]) + struct.pack("<Q", 1) + bytes([0x1f]))), None)
        r.run("memray bad token", r.write("tok.bin", memray_header(tail=bytes([3, 3, 3]))), None)
        # 300,000 nested mmaps at one address, then 300,000 munmaps there: each munmap scans
        # every live interval, so this is quadratic (minutes) unless the reader bounds the
        # scanning (under a second; the limit leaves room for sanitizer builds under load).
        storm = bytes([12]) + struct.pack("<Q", 1)
        storm += b"".join(bytes([0xF8, 0, 14]) + leb128(4096 * (i + 1)) for i in range(300000))
        storm += bytes([0xF8, 0, 15, 8]) * 300000
        t0 = time.time()
        r.run("memray mmap/munmap storm", r.write("storm.bin", memray_header(tail=storm)), "ok",
              r"truncated.*overlapping mmaps")
        if time.time() - t0 > 60:
            r.fail("memray mmap/munmap storm", "took %.1f s" % (time.time() - t0))
        r.run("heaptrack format 4", r.write("h4", b"v 10700 4\nX ./a\n"), "error", r"version")
        r.run("heaptrack absurd string", r.write("hs", b"v 10400 3\ns ffffffffffffff x\n"
                                                   b"+ 0\n"), None)
        r.run("heaptrack absurd index", r.write("hi", b"v 10400 3\na 10 ffffffff\n+ fffffff\n"
                                                  b"- 0\nt ffffffff 0\n"), None)
        r.run("heaptrack only header", r.write("hh", b"v 10400 3\nX ./a\nI 1000 10\n"), "ok")

        # Every cut of small real captures, plain and compressed.
        sources = []
        for rel in ("memray/stages.bin", "memray/stages_lz4.bin", "memray/threads.bin",
                    "memray/stages_aggregated.bin", "memray/native_fixture.bin",
                    "heaptrack/heaptrack.stages.zst", "heaptrack/heaptrack.stages.gz",
                    "heaptrack/heaptrack.stages.txt", "heaptrack/heaptrack.deep_O2.zst"):
            p = os.path.join(samples, rel)
            if os.path.isfile(p):
                sources.append(p)
        if not sources:
            r.fail("cuts", "no sample captures found under %s" % samples)
        for src in sources:
            data = open(src, "rb").read()
            # trim memray's zero padding so that cuts land in records
            body = data.rstrip(b"\0") if src.endswith(".bin") else data
            cuts = sorted(set([1, 2, 6, 7, 11, 16, 17, 48, 49, 60, 100] +
                              [rnd.randrange(1, len(body)) for _ in range(40)]))
            for n in cuts:
                if n >= len(body):
                    continue
                r.run("%s cut at %d" % (os.path.basename(src), n),
                      r.write("cut_" + os.path.basename(src), body[:n]), None)
            # flipped bytes
            for i in range(15):
                b = bytearray(body)
                for _ in range(rnd.choice([1, 3, 10])):
                    b[rnd.randrange(len(b))] = rnd.getrandbits(8)
                r.run("%s flip %d" % (os.path.basename(src), i),
                      r.write("flip_" + os.path.basename(src), bytes(b)), None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (r.passed, r.failed))
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
