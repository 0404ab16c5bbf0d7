#!/usr/bin/env python3
"""Damaged memray captures must not load silently with other figures.

Copies of memray/stages.bin (plain, and lz4 like memray writes it: 64 KiB
dependent blocks, no checksum), each damaged once:

* early trailers: the byte at a record boundary set to 0x01 (a TRAILER token);
  every copy must load flagged truncated at that byte, and inconsistent (the
  header counts 936 ALLOCATION records) unless no ALLOCATION record follows;
* flipped bytes: one byte XORed with 0x01, 0x80 or 0xff at many offsets of the
  plain records and of the lz4 data.  A flip that keeps the record structure
  (the same records at the same offsets, only a value changed) cannot be seen:
  memray's records carry no checksum.  A flip that changes the structure and
  the figures must end in exit 2 or a flagged load;
* the header's file-format byte flipped (an aggregated file read as a stream
  and the reverse): exit 2, one line naming byte 16;
* memray_huge_rss.bin (an RSS of 2^64-1): inconsistent, the sample dropped;
* memray_native_no_python.bin (a fuzzer's find): loads, truncated where it
  should be, with no wild read before.

Prints the counts: copies made / equal figures and silent / flagged /
refused / other figures and silent.

usage: test_memray_damage.py MEMTUI SAMPLES_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

STAGES_ALLOCATION_RECORDS = 936


class Walker:
    """Record boundaries of a plain ALL_ALLOCATIONS stream without native
    traces (docs/formats/memray.md §3, §4): [(offset, kind)]; raises
    ValueError where the stream stops making sense."""

    def __init__(self, data):
        self.d = data
        self.p = 0

    def u8(self):
        if self.p >= len(self.d):
            raise ValueError("end")
        self.p += 1
        return self.d[self.p - 1]

    def varint(self):
        for _ in range(10):
            if not self.u8() & 0x80:
                return
        raise ValueError("varint")

    def cstr(self):
        end = self.d.find(b"\0", self.p)
        if end < 0:
            raise ValueError("cstr")
        self.p = end + 1

    def skip(self, n):
        if self.p + n > len(self.d):
            raise ValueError("end")
        self.p += n

    def header(self):
        self.p = 49
        self.cstr()
        self.skip(4 + 8 + 8 + 3)
        self.cstr()
        for _ in range(2):
            while self.d[self.p] != 0:
                self.cstr()
            self.p += 1
        return self.p

    def records(self):
        out = []
        self.header()
        while True:
            start = self.p
            t = self.u8()
            if t & 0x80:
                kind = "ALLOCATION"
                if (t >> 3) & 15 == 15:
                    self.varint()
                a = t & 7
                if a == 0:
                    a = self.u8()
                if a not in (1, 5):
                    self.varint()
            elif t & 0x40:
                kind = "FRAME_PUSH"
                self.varint()
                self.varint()
            elif t & 0x20:
                raise ValueError("OBJECT_RECORD")
            elif t & 0x10:
                kind = "FRAME_POP"
            elif t == 1:
                out.append((start, "TRAILER"))
                return out
            elif t == 2:
                kind = "MEMORY_RECORD"
                self.varint()
                self.varint()
            elif t == 10:
                kind = "THREAD_RECORD"
                self.cstr()
            elif t == 12:
                kind = "CONTEXT_SWITCH"
                self.skip(8)
            elif t == 14:
                kind = "CODE_OBJECT"
                self.varint()
                self.cstr()
                self.cstr()
                self.varint()
                n = 0
                for shift in range(0, 70, 7):
                    b = self.u8()
                    n |= (b & 0x7F) << shift
                    if not b & 0x80:
                        break
                self.skip(n)
            else:
                raise ValueError("token %d" % t)
            out.append((start, kind))


def structure(data):
    try:
        return tuple(Walker(data.rstrip(b"\0")).records())
    except (ValueError, IndexError):
        return None


def lz4(data, tmp, name):
    src = os.path.join(tmp, name + ".raw")
    dst = os.path.join(tmp, name)
    with open(src, "wb") as f:
        f.write(data)
    subprocess.run(["lz4", "-q", "-f", "-BD", "-B4", "--no-frame-crc", src, dst], check=True)
    os.unlink(src)
    with open(dst, "rb") as f:
        return f.read()


def unlz4(data, tmp):
    """data decoded by the lz4 tool, or b"" where it fails."""
    p = subprocess.run(["lz4", "-d", "-c", "-q"], input=data, capture_output=True)
    return p.stdout if p.returncode == 0 else b""


class Check:
    def __init__(self, memtui, tmp):
        self.memtui = memtui
        self.tmp = tmp
        self.passed = 0
        self.failed = 0
        self.n = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL", what)

    def load(self, data, name):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        p = subprocess.run([self.memtui, "report", "--format", "json", "--no-progress", path],
                           capture_output=True, timeout=60)
        err = [line for line in p.stderr.decode(errors="replace").splitlines() if line]
        os.unlink(path)
        if p.returncode < 0 or p.returncode not in (0, 2) or "Sanitizer" in "".join(err):
            return ("crash", p.returncode, err)
        if p.returncode == 2:
            return ("refused", err, None)
        return ("loaded", json.loads(p.stdout), err)


def figures(j):
    return (j["totals"], j["peak"]["bytes"], j["leaks"]["bytes"], j["leaks"]["allocations"],
            j["rss"])


def flagged(j):
    return j["truncated"] or j["inconsistent"]


def classify(c, res, orig):
    """'equal', 'flagged', 'refused', 'silent' (other figures, no flag) or 'crash'."""
    if res[0] == "crash":
        return "crash"
    if res[0] == "refused":
        return "refused" if len(res[1]) == 1 and res[1][0].startswith("memtui: ") else "crash"
    if flagged(res[1]):
        return "flagged"
    return "equal" if figures(res[1]) == orig else "silent"


def early_trailers(c, plain, recs, orig, lz4_ok):
    allocs_after = {}
    n = 0
    for off, kind in reversed(recs):
        n += kind == "ALLOCATION"
        allocs_after[off] = n       # ALLOCATION records from off on: lost to the trailer
    cuts = [off for off, kind in recs if kind != "TRAILER"]
    cuts = cuts[::max(1, len(cuts) // 120)]
    counts = {"copies": 0}
    jobs = []
    for off in cuts:
        d = bytearray(plain)
        d[off] = 1
        jobs.append((off, "plain", bytes(d)))
        if lz4_ok and off % 5 == 0:
            jobs.append((off, "lz4", lz4(bytes(d), c.tmp, "t%d.lz4" % off)))
    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda j: (j, c.load(j[2], "trailer_%s_%d" % (j[1], j[0]))),
                              jobs))
    for (off, kind, _), res in results:
        counts["copies"] += 1
        cls = classify(c, res, orig)
        counts[cls] = counts.get(cls, 0) + 1
        what = "early trailer at %d (%s)" % (off, kind)
        c.ok(cls == "flagged", "%s: %s %s" % (what, cls, res[2] if res[0] != "loaded" else ""))
        if cls != "flagged":
            continue
        j = res[1]
        c.ok(j["truncated"] and j["truncated_at"] == off, "%s: truncated_at %s" %
             (what, j["truncated_at"]))
        c.ok("TRAILER record followed by more data" in (j["truncated_reason"] or ""),
             "%s: reason %r" % (what, j["truncated_reason"]))
        if allocs_after[off]:
            want = "the header counts %d ALLOCATION records, the file holds %d" % (
                STAGES_ALLOCATION_RECORDS, STAGES_ALLOCATION_RECORDS - allocs_after[off])
            c.ok(j["inconsistent"] and want in j["inconsistent_reason"],
                 "%s: inconsistent %r" % (what, j["inconsistent_reason"]))
    return counts


def flips(c, data, start, end, step, orig, kind, orig_struct=None):
    jobs = []
    for i, off in enumerate(range(start, end, step)):
        mask = (0x01, 0x80, 0xFF)[i % 3]
        d = bytearray(data)
        d[off] ^= mask
        jobs.append((off, mask, bytes(d)))
    with ThreadPoolExecutor(2) as ex:
        results = list(ex.map(lambda j: (j, c.load(j[2], "flip_%s_%d" % (kind, j[0]))), jobs))
    counts = {"copies": 0}
    for (off, mask, d), res in results:
        counts["copies"] += 1
        cls = classify(c, res, orig)
        counts[cls] = counts.get(cls, 0) + 1
        what = "%s byte %d ^ 0x%02x" % (kind, off, mask)
        c.ok(cls != "crash", "%s: %s" % (what, res))
        if cls == "silent" and orig_struct is not None:
            # Only a value may change unseen: the records must be where they were.
            same = structure(unlz4(d, c.tmp) if kind == "lz4" else d) == orig_struct
            counts["silent, structure changed"] = counts.get("silent, structure changed",
                                                             0) + (not same)
            if not same:
                print("note: %s: other figures, no flag, the records shifted and resynced"
                      % what)
    return counts


def format_flips(c, samples):
    for name, fmt in (("stages_aggregated.bin", "ALL_ALLOCATIONS"),
                      ("stages.bin", "AGGREGATED_ALLOCATIONS"),
                      ("native_fixture_aggregated.bin", "ALL_ALLOCATIONS")):
        path = os.path.join(samples, "memray", name)
        if not os.path.exists(path):
            continue
        d = bytearray(open(path, "rb").read())
        d[16] ^= 1
        res = c.load(bytes(d), "format_" + name)
        c.ok(res[0] == "refused" and len(res[1]) == 1, "format byte of %s: %s" % (name, res))
        if res[0] == "refused":
            line = res[1][0]
            c.ok("the records don't match the header's file format, %s" % fmt in line
                 and line.endswith("(at byte 16)") and ("format_" + name) in line,
                 "format byte of %s: %r" % (name, line))


def bounds(c, plain, recs):
    """Names, stack depth and command line past the reader's bounds (§10.3):
    exit 2, one line with the offset of the record (or header field)."""
    # Keep stages.bin up to its first FRAME_PUSH: a CODE_OBJECT (id 1) and a
    # CONTEXT_SWITCH are defined by then.
    first_push = next(off for off, kind in recs if kind == "FRAME_PUSH")
    head = plain[:first_push]
    name = b"f" * (64 * 1024 + 1)
    code = b"\x0e\x63" + name + b"\0x.py\0\x00\x00"    # id 99, no line table
    cases = [
        ("long name", head + code + b"\x01",
         "function name of 65537 bytes (memtui reads names of up to 65536 bytes)",
         first_push),
        # 2^20 + 1 pushes of code object 1 at offset 0 on thread 1.
        ("deep stack", head + b"\x41\x01\x00" * ((1 << 20) + 1) + b"\x01",
         "a stack deeper than 1048576 frames on thread 1", first_push + 3 * (1 << 20)),
    ]
    cmd_end = plain.index(b"\0", 49)
    cases.append(("long command line", plain[:49] + b"c" * ((4 << 20) + 1) + plain[cmd_end:],
                  "command line of 4194305 bytes (memtui reads up to 4194304)", 49))
    for what, data, msg, off in cases:
        small = lz4(data, c.tmp, "bound.lz4") if shutil.which("lz4") else data
        res = c.load(small, "bound.bin")
        line = res[1][0] if res[0] == "refused" and res[1] else repr(res)
        c.ok(res[0] == "refused" and len(res[1]) == 1 and msg in line and
             line.endswith("(at byte %d)" % off), "%s (%d bytes): %s" % (what, len(small), line))


def redefined_code_object(c, plain, recs):
    """A CODE_OBJECT that redefines an id (memray reuses the id of a freed code
    object) changes what later pushes of that id mean, even the push of the
    same offset on the same stack that the reader remembers (memray_pushes.h)."""
    first_push = next(off for off, kind in recs if kind == "FRAME_PUSH")
    push = b"\x41\x01\x00" * 8             # code object 1 at offset 0, eight deep

    def alloc(size):                        # PYMALLOC_MALLOC 0x8000 bytes further on
        return b"\xfa\x80\x40" + bytes([size])

    pop = b"\x17"                           # FRAME_POP of eight
    redefine = b"\x0e\x01g\0y.py\0\x00\x00"   # id 1: g in y.py, no line table
    data = (plain[:first_push] + push + alloc(100) + pop + redefine + push + alloc(120) + pop +
            b"\x01")
    res = c.load(data, "redefined.bin")
    c.ok(res[0] == "loaded", "redefined code object: %s" % (res[:1] + res[2:],))
    if res[0] != "loaded":
        return
    top = [(t["function"], t["file"], t["bytes"]) for t in res[1]["top"]]
    c.ok(top == [("g", "y.py", 120), ("_run_module_as_main", "<frozen runpy>", 100)],
         "redefined code object: %s" % top)


def fork_child_without_trailer(c, samples):
    """A follow-fork child that left by os._exit: first header (count 0), no
    TRAILER.  Made from forking.bin.21707 (its TRAILER at byte 4880): it stays
    readable, flagged truncated, with the figures of its records."""
    d = bytearray(open(os.path.join(samples, "memray", "forking.bin.21707"), "rb").read())
    c.ok(d[4880] == 1, "forking.bin.21707 has its TRAILER at byte 4880")
    d = d[:4880]
    d[17:25] = bytes(8)
    res = c.load(bytes(d), "child.bin")
    c.ok(res[0] == "loaded", "fork child: %s" % (res,))
    if res[0] == "loaded":
        j = res[1]
        c.ok(j["truncated"] and j["truncated_at"] == 4880 and not j["inconsistent"] and
             j["truncated_reason"] == "ends without a TRAILER record (unfinished capture)",
             "fork child: %s %s" % (j["truncated_at"], j["truncated_reason"]))
        c.ok(j["totals"]["allocations"] == 1 and j["peak"]["bytes"] == 2000001,
             "fork child: figures %s %s" % (j["totals"], j["peak"]))


def huge_rss(c, samples):
    path = os.path.join(samples, "damaged", "memray_huge_rss.bin")
    res = c.load(open(path, "rb").read(), "huge_rss.bin")
    c.ok(res[0] == "loaded", "huge rss: %s" % (res,))
    if res[0] != "loaded":
        return
    j = res[1]
    c.ok(j["inconsistent"] and not j["truncated"], "huge rss: flags %s" % j["inconsistent"])
    c.ok(j["inconsistent_reason"] == "an RSS sample of 18446744073709551615 bytes at 10 ms, "
         "beyond 256 TiB: the sample is dropped", "huge rss: %r" % j["inconsistent_reason"])
    # stages.bin's four samples but the damaged one; the peak of the three left.
    c.ok(j["rss"] == {"samples": 3, "max_bytes": 61030400}, "huge rss: %s" % j["rss"])
    c.ok(j["totals"]["allocations"] == 490 and j["peak"]["bytes"] == 14250579,
         "huge rss: figures %s" % j["totals"])


def native_without_python(c, samples):
    """damaged/memray_native_no_python.bin (a fuzzer's find): an allocation
    with native traces and no Python frame on its thread has the Python key
    0, not the thread's stack id (a wild read, then a BUG abort, before)."""
    path = os.path.join(samples, "damaged", "memray_native_no_python.bin")
    res = c.load(open(path, "rb").read(), "native_no_python.bin")
    c.ok(res[0] == "loaded", "native, no Python frame: %s" % (res[:1] + res[2:],))
    if res[0] != "loaded":
        return
    j = res[1]
    c.ok(j["truncated"] and j["truncated_at"] == 19339 and
         j["truncated_reason"] == "ALLOCATION names native trace 1463 of 168",
         "native, no Python frame: %s %s" % (j["truncated_at"], j["truncated_reason"]))
    c.ok(j["totals"]["allocations"] == 53 and j["peak"]["bytes"] == 63971,
         "native, no Python frame: figures %s" % j["totals"])


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="memtui-mrdamage-")
    c = Check(memtui, tmp)
    try:
        plain = open(os.path.join(samples, "memray", "stages.bin"), "rb").read()
        recs = Walker(plain.rstrip(b"\0")).records()
        c.ok(sum(k == "ALLOCATION" for _, k in recs) == STAGES_ALLOCATION_RECORDS,
             "walker: stages.bin has %d ALLOCATION records" % STAGES_ALLOCATION_RECORDS)
        base = c.load(plain, "stages.bin")
        orig = figures(base[1])
        c.ok(not flagged(base[1]) and base[1]["totals"]["allocations"] == 490,
             "stages.bin loads unflagged")
        lz4_ok = shutil.which("lz4") is not None
        if lz4_ok:
            remade = lz4(plain, tmp, "stages_remade.lz4")
            res = c.load(remade, "stages_remade.lz4")
            c.ok(res[0] == "loaded" and not flagged(res[1]) and figures(res[1]) == orig,
                 "stages.bin compressed by lz4 loads with the same figures")
        report = {}
        report["early trailers"] = early_trailers(c, plain, recs, orig, lz4_ok)
        header_end = Walker(plain).header()
        trailer = recs[-1][0]
        report["flips, plain records"] = flips(c, plain, header_end, trailer + 1, 23, orig,
                                               "plain", tuple(recs))
        lz4_path = os.path.join(samples, "memray", "stages_lz4.bin")
        lz4_data = open(lz4_path, "rb").read()
        base = c.load(lz4_data, "stages_lz4.bin")
        report["flips, lz4 data"] = flips(c, lz4_data, 7, len(lz4_data), 29, figures(base[1]),
                                          "lz4", structure(unlz4(lz4_data, tmp)))
        # A flipped value cannot be seen; a flipped varint continuation bit can
        # shift the records and resync with the same number of ALLOCATION
        # records (memray's records have no checksum).  Bounds as of this test.
        plain_flips = report["flips, plain records"]
        c.ok(plain_flips.get("silent", 0) <= 44, "plain flips: %s" % plain_flips)
        c.ok(plain_flips.get("silent, structure changed", 0) <= 14,
             "plain flips: %s" % plain_flips)
        lz4_flips = report["flips, lz4 data"]
        c.ok(lz4_flips.get("silent", 0) <= 20, "lz4 flips: %s" % lz4_flips)
        c.ok(lz4_flips.get("silent, structure changed", 0) <= 6, "lz4 flips: %s" % lz4_flips)
        format_flips(c, samples)
        bounds(c, plain, recs)
        redefined_code_object(c, plain, recs)
        huge_rss(c, samples)
        native_without_python(c, samples)
        fork_child_without_trailer(c, samples)
        for k, v in report.items():
            print("%-22s %s" % (k + ":", ", ".join("%s %d" % kv for kv in v.items())))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("memray damage: %d checks passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
