#!/usr/bin/env python3
"""Checks tests/tools/mtui_check.py against docs/FORMAT.md.

1. Builds the worked example of FORMAT.md 16 from the spec's hex dump (the
   elided bytes -- 48 zeros in SUMMARY, INDEX entries 3-10 -- rebuilt from
   the spec's rules), checks its offsets, its length (763) and every crc the
   spec prints against zlib.crc32, and that mtui_check dumps exactly the
   expected lines, with and without the index.
2. Cuts the example at every byte and flips every byte (xor 0xff) and every
   bit: mtui_check must never crash; a cut must be refused before the end of
   the first META and give `truncated OFFSET` (the offset of the section cut)
   after it; a flip must be an error or a truncation, never a clean dump.
   Cut inside SUMMARY, the capture is the one before it, truncated at 0x11f,
   with the totals recomputed (2 events, peak 64 B at event 0).
3. Writes a larger file (5 chunks, 3 of them zstd, multi-part checkpoint,
   later META, unknown sections, marks) and expects its dump; then breaks
   one rule at a time and expects an error naming it.

The cut and flip runs call mtui_check in-process (thousands of runs); a
sample of them and every other case also run the command line, whose
stderr must be one `mtui_check: FILE: byte N: ...` line on an error.

usage: test_mtui_spec.py [TOOLDIR]   (default: ../tools next to this file)
"""
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLDIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..",
                                                               "tools")
TOOL = os.path.join(TOOLDIR, "mtui_check.py")
sys.path.insert(0, TOOLDIR)
import mtui_check  # noqa: E402

FAILS = []
PASSED = [0]
TMP = tempfile.mkdtemp(prefix="mtui_spec.")
ERR_LINE = re.compile(r"^mtui_check: \S+: byte \d+: [^\n]+\n$")


def check(what, ok, detail=""):
    if ok:
        PASSED[0] += 1
    else:
        FAILS.append("%s %s" % (what, detail))
        print("FAIL: %s %s" % (what, detail), file=sys.stderr)


def run_tool(data, *flags, name="f.mtui"):
    """mtui_check's command line on data: (status, stdout, stderr)."""
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([sys.executable, TOOL, path] + list(flags),
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def run_in(data, no_index=False):
    """mtui_check in-process: ('ok', dump, truncated) or ('err', Damage).
    Anything else it raises is a crash and propagates."""
    try:
        dump, trunc = mtui_check.check(data, no_index)
        return "ok", dump, trunc
    except mtui_check.Damage as e:
        return "err", e, None


# -- 1. the worked example ------------------------------------------------

# FORMAT.md 16, copied line by line; "014f" and "index" mark the elisions.
SPEC_HEX = """
0000: 89 4d 54 55 49 0d 0a 1a  01 00 00 00 20 00 00 00
0010: 00 00 00 00 00 00 00 00  00 00 00 00 f1 33 93 41
0020: 01 00 00 00 40 00 00 00
0028: 01 06 6d 65 6d 72 61 79
0030: 02 02 31 33
0034: 03 06 31 2e 32 30 2e 30
003c: 04 07 61 70 70 2e 62 69 6e
0045: 05 02 80 20
0049: 08 02 a4 42
004d: 0b 01 0e
0050: 0c 01 01   0d 01 01
0056: 0e 03 80 80 04
005b: 0f 03 80 80 40
0060: 10 06 92 21 6d 61 69 6e
0068: bf a1 7b a6
006c: 02 00 00 00 0e 00 00 00  01 02 04 6d 61 69 6e 06
007c: 61 70 70 2e 70 79  be 46 65 f7
0086: 03 00 00 00 08 00 00 00  01 01
0090: 00 01 02 00 03 01  1d 00 e1 62
009a: 04 00 00 00 04 00 00 00  01 01 01 01
00a6: 6f ff fb 2b
00aa: 06 00 00 00 0d 00 00 00  00 00 00 00 00 00 00 00
00ba: 01 00 00 00 00  ef 4a e7 98
00c3: 05 00 00 00 19 00 00 00  00 00 00 00 00 00 00 00
00d3: 02 00 00 00 05 00 00 00  00 00 00 00
00df: 0b 80 01
00e2: 09 7f
00e4: 1c 61 77 9f
00e8: 07 00 00 00 03 00 00 00  01 00 1a  bf 2d f4 8f
00f7: 08 00 00 00 06 00 00 00  01 28 80 a0 e9 01
0105: be 33 8b 19
0109: 09 00 00 00 0a 00 00 00  01 00 1a 02 04 6c 6f 61
0119: 64 00  74 6a 9b 34
011f: 0a 00 00 00 a8 00 00 00  02 00 00 00 00 00 00 00
012f: 01 00 00 00 00 00 00 00  40 00 00 00 00 00 00 00
013f: 00 00 00 00 00 00 00 00  40 00 00 00 00 00 00 00
014f: ZEROS48
017f: 00 00 00 00 00 00 00 00  00 50 3a 00 00 00 00 00
018f: 03 00 00 00 00 00 00 00  02 00 00 00 00 00 00 00
019f: 02 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00
01af: 01 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00
01bf: 01 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00
01cf: 4d e9 cc e0
01d3: 0b 00 00 00 f8 00 00 00  0a 00 00 00 00 00 00 00
01e3: 20 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00
01f3: 01 00 00 00 40 00 00 00
01fb: 6c 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00
020b: 02 00 00 00 0e 00 00 00
ENTRIES3TO10
02d3: 84 99 57 71
02d7: ff 7f 00 00 18 00 00 00  d3 01 00 00 00 00 00 00
02e7: d7 02 00 00 00 00 00 00  0b 00 00 00 00 00 00 00
02f7: b3 03 8e 1e
"""

# the index entries the spec elides ("... FRAMES 0x86, STACKS 0x9a,
# CHECKPOINT 0xaa, EVENTS 0xc3, TIME_MARKS 0xe8, RSS 0xf7, STAGE_MARKS
# 0x109, SUMMARY 0x11f"): offset, key, type, flags 0, payload_len (12.1)
ELIDED_ENTRIES = [(0x86, 1, 3, 8), (0x9a, 1, 4, 4), (0xaa, 0, 6, 13),
                  (0xc3, 0, 5, 25), (0xe8, 0, 7, 3), (0xf7, 0, 8, 6),
                  (0x109, 0, 9, 10), (0x11f, 0, 10, 168)]

# crcs the spec's text states (besides the hex)
SPEC_CRCS = {0: 0x419333f1, 0x20: 0xa67ba1bf, 0x6c: 0xf76546be,
             0x86: 0x62e1001d, 0x9a: 0x2bfbff6f, 0xc3: 0x9f77611c,
             0x11f: 0xe0cce94d, 0x1d3: 0x71579984, 0x2d7: 0x1e8e03b3}

SECTIONS = [0x20, 0x6c, 0x86, 0x9a, 0xaa, 0xc3, 0xe8, 0xf7, 0x109, 0x11f,
            0x1d3, 0x2d7]

EXAMPLE_DUMP = """\
meta source_format memray
meta source_format_version 13
meta tool_version 1.20.0
meta source_name app.bin
meta source_size 4096
meta pid 4242
meta start_time_ms -1
meta duration_ms -1
meta capture_flags native_traces=0 native_offsets=1 has_totals=1 \
has_event_stream=1
meta peak_rule 1
meta top_rule 1
meta events_per_chunk 65536
meta checkpoint_events 1048576
meta thread 4242 main
string 1 main
string 2 app.py
frame 1 0 1 2 0 3 1
stack 1 0 1 1
checkpoint 0 0
event 0 1 1 64 1
event 1 1 0 -64 -1
time_mark 0 13
rss 20 3821568
stage_mark 0 13 2 load ""
summary events 2 alloc_count 1 alloc_bytes 64 temporary_count 0 \
peak_bytes 64 peak_ev_idx 0 end_bytes 0 end_count 0 leaked_bytes 0 \
leaked_count 0 suppressed_bytes 0 suppressed_count 0 rss_max_bytes 3821568
"""


def build_example():
    out = bytearray()
    for line in SPEC_HEX.strip().splitlines():
        if line == "ENTRIES3TO10":
            for off, key, typ, plen in ELIDED_ENTRIES:
                out += struct.pack("<QQHHI", off, key, typ, 0, plen)
            continue
        addr, hexes = line.split(":", 1)
        check("example: line %s starts at its offset" % addr,
              int(addr, 16) == len(out), "(at %#x)" % len(out))
        if hexes.strip() == "ZEROS48":
            out += bytes(48)
        else:
            out += bytes.fromhex(hexes)
    return bytes(out)


def test_example(ex):
    check("example: 763 bytes", len(ex) == 763, str(len(ex)))
    hcrc = struct.unpack_from("<I", ex, 28)[0]
    check("example: header crc", hcrc == zlib.crc32(ex[:28]) == SPEC_CRCS[0],
          "%#x %#x" % (hcrc, zlib.crc32(ex[:28])))
    for i, off in enumerate(SECTIONS):
        typ, _, plen = struct.unpack_from("<HHI", ex, off)
        nxt = SECTIONS[i + 1] if i + 1 < len(SECTIONS) else len(ex)
        check("example: section at %#x ends where the next starts" % off,
              off + 12 + plen == nxt)
        stored = struct.unpack_from("<I", ex, off + 8 + plen)[0]
        crc = zlib.crc32(ex[off:off + 8 + plen])
        check("example: crc of section at %#x" % off, stored == crc,
              "spec %#x, zlib %#x" % (stored, crc))
        if off in SPEC_CRCS:
            check("example: crc %#x the text states at %#x" % (
                SPEC_CRCS[off], off), SPEC_CRCS[off] == crc,
                "zlib %#x" % crc)
    for flags in ([], ["--no-index"], ["--strict-complete"]):
        rc, out, err = run_tool(ex, *flags, name="example.mtui")
        check("example %s: exit 0, no stderr" % flags, rc == 0 and err == "",
              "%d %r" % (rc, err))
        check("example %s: the dump" % flags, out == EXAMPLE_DUMP,
              "\n" + out)
    lines = EXAMPLE_DUMP.splitlines()
    for want in ("event 0 1 1 64 1", "event 1 1 0 -64 -1",
                 'stage_mark 0 13 2 load ""'):
        check("example: dump has %r" % want, want in lines)


def section_at(n):
    """The offset of the example's section holding byte n (n < 763)."""
    return max(off for off in SECTIONS if off <= n)


def test_cuts(ex):
    """Cut at every byte: refused before the first META is whole, else
    truncated at the cut section's offset, never a crash."""
    # the section each kind of line comes from, and where that one ends
    ends = {"meta": 0x6c, "string": 0x86, "frame": 0x9a, "stack": 0xaa,
            "checkpoint": 0xc3, "event": 0xe8, "time_mark": 0xf7,
            "rss": 0x109, "stage_mark": 0x11f, "summary": 0x1d3}
    bad = []
    for n in range(len(ex)):
        for no_index in (False, True):
            r = run_in(ex[:n], no_index)
            if n < 0x6c:
                ok = r[0] == "err"
            else:
                cut = n if n in SECTIONS else section_at(n)
                want = "".join(x + "\n" for x in EXAMPLE_DUMP.splitlines()
                               if ends[x.split()[0]] <= n)
                ok = r == ("ok", want + "truncated %d\n" % cut, cut)
            if not ok:
                bad.append((n, no_index, r[0], str(r[1])[-80:], r[2]))
    check("cuts: %d cuts, both ways, as expected" % len(ex), not bad,
          repr(bad[:5]))
    # the spec's own example of a cut inside SUMMARY
    c = mtui_check.Checker(ex[:0x11f + 100])
    c.run()
    check("cut in SUMMARY: totals recomputed (2 events, peak 64 at 0)",
          (c.truncated, c.n_events, c.peak, c.peak_idx, c.alloc_count,
           c.alloc_bytes) == (0x11f, 2, 64, 0, 1, 64))
    # the command line on a few cuts
    for n in (0, 20, 40, 0x6c, 0xc3 + 5, 0x11f + 100, 0x2d7, 762):
        rc, out, err = run_tool(ex[:n], name="cut.mtui")
        if n < 0x6c:
            check("cut %d: exit 1 and one error line" % n,
                  rc == 1 and out == "" and ERR_LINE.match(err), err)
        else:
            check("cut %d: exit 0, truncated line" % n, rc == 0 and err == ""
                  and out.endswith("truncated %d\n" % section_at(n)), err)
            rc, out, err = run_tool(ex[:n], "--strict-complete",
                                    name="cut.mtui")
            check("cut %d --strict-complete: exit 1, one line" % n,
                  rc == 1 and out == "" and ERR_LINE.match(err), err)


def outcome(r):
    """A run's result, comparable across the two ways of reading."""
    return r if r[0] == "ok" else ("err", r[1].offset, r[1].msg)


def run_both(data, outcomes, bad, what):
    """Runs with and without the index: same result both ways, an error
    is one line.  Counts the kind of outcome; returns it."""
    a, b = run_in(data), run_in(data, True)
    kind = "truncated" if a[0] == "ok" and a[2] is not None else a[0]
    outcomes[kind] = outcomes.get(kind, 0) + 1
    if outcome(a) != outcome(b):
        bad.append((what, "index and scan differ", outcome(a)[:3],
                    outcome(b)[:3]))
    if kind == "err" and "\n" in a[1].msg:
        bad.append((what, "error of several lines"))
    return kind


def recrc(data, off):
    """data with the crc of the section at off (or of the file header,
    off 0) recomputed."""
    d = bytearray(data)
    if off == 0:
        struct.pack_into("<I", d, 28, zlib.crc32(d[:28]))
        return bytes(d)
    plen = struct.unpack_from("<I", d, off + 4)[0]
    struct.pack_into("<I", d, off + 8 + plen,
                     zlib.crc32(d[off:off + 8 + plen]))
    return bytes(d)


def sections_of(data):
    """Offsets of the file header (0) and of every section, by scanning."""
    offs, off = [0], 32
    while off + 12 <= len(data):
        offs.append(off)
        off += 12 + struct.unpack_from("<I", data, off + 4)[0]
    return offs


def test_recrc(name, data, step=1, masks=(0xFF, 1, 2, 4, 8, 16, 32, 64, 128)):
    """Flips with the crc made right again, so that the parse behind the
    crc sees them: never a crash, the same result with and without the
    index, errors of one line.  The payload_len field is left alone."""
    offs = sections_of(data)
    bad, outcomes, runs = [], {}, 0
    for k, off in enumerate(offs):
        end = offs[k + 1] if k + 1 < len(offs) else len(data)
        body = range(8, 28) if off == 0 else \
            [i for i in range(off, end - 4) if not off + 4 <= i < off + 8]
        for i in body[::step]:
            for mask in masks:
                d = bytearray(data)
                d[i] ^= mask
                run_both(recrc(bytes(d), off), outcomes, bad, (i, mask))
                runs += 1
    what = "%s, flips with crcs fixed: %d runs, none crashed (%s)" % (
        name, runs, ", ".join("%s %d" % kv for kv in sorted(outcomes.items())))
    print(what)
    check(what, not bad, repr(bad[:5]))


def test_flips(ex):
    """Every byte xor 0xff and every single bit: an error or a truncation,
    never a crash and never a clean complete dump."""
    bad, outcomes, runs = [], {}, 0
    for i in range(len(ex)):
        for mask in (0xFF, 1, 2, 4, 8, 16, 32, 64, 128):
            d = bytearray(ex)
            d[i] ^= mask
            kind = run_both(bytes(d), outcomes, bad, (i, mask))
            runs += 1
            if kind == "ok":
                bad.append((i, mask, "a clean dump"))
    what = "flips: %d runs, none crashed, none clean (%s)" % (
        runs, ", ".join("%s %d" % kv for kv in sorted(outcomes.items())))
    print(what)
    check(what, not bad, repr(bad[:5]))
    for i in range(0, len(ex), 37):
        d = bytearray(ex)
        d[i] ^= 0xFF
        rc, out, err = run_tool(bytes(d), name="flip.mtui")
        check("flip %d command line: exit 0 truncated or 1 with one line" % i,
              (rc == 0 and err == "" and "\ntruncated " in out) or
              (rc == 1 and out == "" and ERR_LINE.match(err)),
              "%d %r" % (rc, err))


# -- 3. a larger file, written here --------------------------------------

def varint(v):
    out = bytearray()
    while True:
        if v < 0x80:
            out.append(v)
            return bytes(out)
        out.append(v & 0x7F | 0x80)
        v >>= 7


def svarint(v):
    return varint((v << 1) ^ (v >> 63))


def sstr(b):
    return varint(len(b)) + b


def section(typ, payload):
    h = struct.pack("<HHI", typ, 0, len(payload))
    return h + payload + struct.pack("<I", zlib.crc32(h + payload))


_ZSTD = {}


def zstd(raw):
    if raw not in _ZSTD:
        _ZSTD[raw] = subprocess.run(["zstd", "-q", "-c", "-1"], input=raw,
                                    capture_output=True, check=True).stdout
    return _ZSTD[raw]


class Big:
    """A capture written by the spec's rules (14), and the dump it must
    give.  Mutations (`mut`) break one rule each."""
    EPC, CPE = 1024, 2048

    def __init__(self, mut=()):
        self.mut = set(mut)
        self.secs = []          # (type, payload, key)
        self.dump = []
        self.log = []
        self.build()

    def add(self, typ, payload, key=0):
        self.secs.append((typ, payload, key))

    def meta(self, fields):
        self.add(1, b"".join(varint(t) + varint(len(v)) + v
                             for t, v in fields))

    def build(self):
        m = self.mut
        first = [(1, b"memtui"), (2, b"7"), (3, b"0.9"), (4, b"prog.bin"),
                 (5, varint(123456)), (6, b"\x01" + bytes(range(32))),
                 (7, b"./prog --x \\ y"), (8, svarint(-5)),
                 (9, svarint(1700000000000)), (12, varint(0)),
                 (14, varint(self.EPC)), (15, varint(self.CPE)),
                 (16, varint(7) + b"main"), (16, varint(8) + b"worker"),
                 (17, b"libc*"), (18, b"first warning"), (19, varint(4)),
                 (20, varint(99) + b"cut short"), (21, b"odd"),
                 (99, b"unknown")]
        if "no_tag_14" in m:
            first = [f for f in first if f[0] != 14]
        self.meta(first)
        strings = [b"s%d" % i for i in range(1, 9)] + [b"file.c"]
        if "dup_string" in m:
            strings[3] = strings[2]
        self.add(2, varint(1) + varint(9) + b"".join(map(sstr, strings)), 1)
        frames = [(1, i, 9, 0, 10 * i, 0x400000 + i) for i in range(1, 7)]
        frames.append((0, 0, 0, 0, 0, 0))       # may equal frame 0
        self.add(3, varint(1) + varint(7) + b"".join(
            bytes([k]) + b"".join(map(varint, f)) for k, *f in frames), 1)
        # stacks 1..6: (parent, frame)
        stacks = [(0, 1), (1, 2), (1, 3), (2, 4), (0, 5), (5, 6)]
        if "stack_frame_undefined" in m:
            stacks[5] = (5, 8)
        self.add(4, varint(1) + varint(6) + b"".join(
            varint(i - p) + varint(f)
            for i, (p, f) in enumerate(stacks, 1)), 1)
        self.n_stacks = 6
        self.tables = (strings, frames, stacks)
        # events: 5000, in chunks of 1024; stack 7 (defined after chunk 1)
        self.live, self.n_ev = {}, 0
        self.totals = dict(alloc_count=0, alloc_bytes=0, temporary_count=0,
                           peak=0, peak_idx=(1 << 64) - 1, heap=0)
        self.n_cp = self.n_chunks = 0
        rnd = 12345
        evs = []
        for i in range(5000):
            rnd = (rnd * 1103515245 + 12345) & 0x7FFFFFFF
            st = 1 + rnd % (6 if i < 2048 else 7)
            cur = self.live.get(st, (0, 0))
            if cur[1] > 0 and rnd % 3 == 0:
                size = -(cur[0] // cur[1])
                flags, count = (2 if rnd % 7 == 0 else 0), -1
            elif rnd % 11 == 0:
                flags, size, count = 1, 8 * (rnd % 5), 0   # count not +1
            else:
                flags, size, count = 1, 16 + rnd % 4096, 1
            evs.append((st, flags, size, count))
            self.live[st] = (cur[0] + size, cur[1] + count)
            if self.live[st] == (0, 0):
                del self.live[st]
        self.live = {}
        for k in range(0, 5000, self.EPC):
            if k == 2048:
                self.add(4, varint(7) + varint(1) + varint(7 - 3) +
                         varint(7), 7)
                self.n_stacks = 7
                self.meta([(10, svarint(5000)), (18, b"second\nwarning"),
                           (19, varint(5)), (18, b""),
                           (16, varint(8) + b"worker two"),
                           (12, varint(1 if "meta_change" in m else 0))])
            if k % self.CPE == 0:
                self.checkpoint(k)
            self.chunk(k, evs[k:k + self.EPC], k >= 2048)
        if "mark_order" in m:
            marks = [(0, 0), (2000, 5), (1000, 9)]
        else:
            marks = [(0, 0), (1000, 5), (2000, 9)]
        self.add(7, varint(2) + varint(marks[0][0]) + svarint(marks[0][1]) +
                 varint(marks[1][0] - marks[0][0]) +
                 svarint(marks[1][1] - marks[0][1]))
        self.add(0x8000, b"private experiment")
        self.add(7, varint(1) + varint(marks[2][0]) + svarint(marks[2][1]))
        rss = [(3, 1 << 20), (1, 5 << 20), (9, 2 << 20)]
        self.add(8, varint(3) + svarint(3) + varint(1 << 20) + svarint(-2) +
                 varint(5 << 20) + svarint(8) + varint(2 << 20))
        stages = [(0, -1, 0, b"", b""), (5000, 9, 1, b"end \\ \xff",
                                         b"app.c:7")]
        self.add(9, varint(2) + b"".join(
            varint(e) + svarint(t) + bytes([o]) + sstr(n) + sstr(w)
            for e, t, o, n, w in stages))
        self.summary()
        self.add(0x0010, b"reserved type, skipped")
        if "after_summary" in m:
            self.add(7, varint(1) + varint(4000) + svarint(1))
        self.expected(first, strings, frames, stacks, marks, rss, stages)

    def checkpoint(self, k):
        ents = sorted((s, b, c) for s, (b, c) in self.live.items())
        if "bad_checkpoint" in self.mut and k == 2048:
            ents[0] = (ents[0][0], ents[0][1] + 1, ents[0][2])
        if "no_checkpoint" in self.mut and k == 2048:
            return
        parts = [ents[:3], ents[3:]] if k == 2048 else [ents]
        prev = None
        for i, part in enumerate(parts):
            p = bytearray(struct.pack("<QB3x", k, i == len(parts) - 1))
            p += varint(len(part))
            for s, b, c in part:
                p += varint(s if prev is None else s - prev) + svarint(b) + \
                    svarint(c)
                prev = s
            self.add(6, bytes(p), k)
            if i == 0 and "cp_parts_apart" in self.mut and len(parts) > 1:
                self.add(0x8001, b"between parts")
        self.log.append("checkpoint %d %d" % (k, len(ents)))
        self.log += ["cp %d %d %d" % e for e in ents]
        self.n_cp += 1

    def chunk(self, first, evs, compress):
        if "short_chunk" in self.mut and first == 2048:
            evs = evs[:1000]
        first = self.n_ev
        raw = bytearray()
        for st, flags, size, count in evs:
            default = count == (1 if flags & 1 else -1)
            raw += varint(st << 3 | flags << 1 | default) + svarint(size)
            if not default:
                raw += svarint(count)
            t = self.totals
            cur = self.live.get(st, (0, 0))
            self.live[st] = (cur[0] + size, cur[1] + count)
            if self.live[st] == (0, 0):
                del self.live[st]
            t["heap"] += size
            if flags & 1:
                t["alloc_count"] += 1
                t["alloc_bytes"] += size
            if flags & 2:
                t["temporary_count"] += 1
            if t["heap"] > t["peak"]:
                t["peak"], t["peak_idx"] = t["heap"], self.n_ev
            self.log.append("event %d %d %d %d %d" % (self.n_ev, st, flags,
                                                     size, count))
            self.n_ev += 1
        raw_len = len(raw)
        data, comp = bytes(raw), 0
        if compress and len(zstd(data)) < len(data):
            data, comp = zstd(data), 1
            if "zstd_raw_len" in self.mut:
                raw_len += 1
            if "zstd_two_frames" in self.mut:
                data = zstd(bytes(raw[:100])) + zstd(bytes(raw[100:]))
            if "zstd_checksum" in self.mut:     # the frame's content crc
                data = data[:-1] + bytes([data[-1] ^ 1])
        self.add(5, struct.pack("<QIIB3x", first, len(evs), raw_len, comp) +
                 data, first)
        self.n_chunks += 1

    def summary(self):
        t = self.totals
        end_b = sum(v[0] for v in self.live.values())
        end_c = sum(v[1] for v in self.live.values())
        # stack 1 counts as suppressed here: only the sums are checked
        sup_b, sup_c = self.live.get(1, (0, 0))
        alloc_bytes = t["alloc_bytes"] + ("bad_summary" in self.mut)
        self.sumvals = (5000, t["alloc_count"], alloc_bytes,
                        t["temporary_count"], t["peak"], t["peak_idx"], end_b,
                        end_c, end_b - sup_b, end_c - sup_c, sup_b, sup_c,
                        5 << 20)
        self.add(10, struct.pack("<QQQQqQqqqqqqQ", *self.sumvals) +
                 struct.pack("<8Q", 10, 8, 8, self.n_chunks, self.n_cp, 3, 3,
                             2) + b"future fields")

    def expected(self, first, strings, frames, stacks, marks, rss, stages):
        E = mtui_check.esc
        depth = {0: 0}
        for i, (p, f) in enumerate(stacks + [(3, 7)], 1):
            depth[i] = depth[p] + 1
        d = ["meta source_format memtui", "meta source_format_version 7",
             "meta tool_version 0.9", "meta source_name prog.bin",
             "meta source_size 123456",
             "meta source_hash sha256 " + bytes(range(32)).hex(),
             "meta command " + E(b"./prog --x \\ y"), "meta pid -5",
             "meta start_time_ms 1700000000000", "meta duration_ms 5000",
             "meta capture_flags native_traces=0 native_offsets=0"
             " has_totals=1 has_event_stream=1", "meta peak_rule 0",
             "meta top_rule 0", "meta events_per_chunk 1024",
             "meta checkpoint_events 2048", "meta thread 7 main",
             "meta thread 8 worker\\x20two", "meta suppression libc*",
             "meta warning first\\x20warning",
             "meta warning second\\x0awarning", 'meta warning ""',
             "meta warnings_dropped 5",
             "meta source_truncated 99 cut\\x20short",
             "meta inconsistent odd"]
        d += ["string %d %s" % (i, E(s)) for i, s in enumerate(strings, 1)]
        d += ["frame %d %d %d %d %d %d %d" % ((i,) + f)
              for i, f in enumerate(frames, 1)]
        d += ["stack %d %d %d %d" % (i, p, f, depth[i])
              for i, (p, f) in enumerate(stacks + [(3, 7)], 1)]
        d += self.log
        d += ["time_mark %d %d" % mk for mk in marks]
        d += ["rss %d %d" % r for r in rss]
        d += ["stage_mark %d %d %d %s %s" % (e, t, o, E(n), E(w))
              for e, t, o, n, w in stages]
        d.append("summary " + " ".join("%s %d" % kv for kv in zip(
            ("events", "alloc_count", "alloc_bytes", "temporary_count",
             "peak_bytes", "peak_ev_idx", "end_bytes", "end_count",
             "leaked_bytes", "leaked_count", "suppressed_bytes",
             "suppressed_count", "rss_max_bytes"), self.sumvals)))
        self.dump = "".join(x + "\n" for x in d)

    def file(self, tail=True):
        if "long_header" in self.mut:   # a newer minor version's (3, 13.6)
            out = bytearray(b"\x89MTUI\r\n\x1a" + struct.pack(
                "<HHIIII", 1, 7, 44, 0xFFFF0000, 5, 6) + b"new fields!!")
        else:
            out = bytearray(b"\x89MTUI\r\n\x1a" + struct.pack(
                "<HHIIII", 1, 0, 32, 0, 0, 0))
        out += struct.pack("<I", zlib.crc32(out))
        entries = []
        for typ, payload, key in self.secs:
            entries.append(struct.pack("<QQHHI", len(out), key, typ, 0,
                                       len(payload)))
            out += section(typ, payload)
        if not tail:
            return bytes(out)
        n = len(entries)
        if "bad_index_key" in self.mut:
            entries[1] = entries[1][:8] + struct.pack("<Q", 2) + \
                entries[1][16:]
        index_off = len(out)
        out += section(11, struct.pack("<Q", n) + b"".join(entries))
        n_sections = n + 1 + ("bad_end_count" in self.mut)
        out += section(0x7FFF, struct.pack("<QQQ", index_off, len(out),
                                           n_sections))
        if "trailing" in self.mut:
            out += b"\0"
        return bytes(out)


BREAKS = {   # mutation: words the error must contain
    "no_tag_14": "file refused: META section at byte 32: the first META"
                 " lacks tag 14",
    "dup_string": "duplicates string 3",
    "stack_frame_undefined": "frame 8 not defined",
    "meta_change": "changes from 0 to 1",
    "bad_checkpoint": "but the events give",
    "no_checkpoint": "checkpoint 1 (event 2048) missing",
    "cp_parts_apart": "lacks its last part",
    "short_chunk": "a chunk follows a chunk of fewer",
    "zstd_raw_len": "zstd data decodes to",
    "zstd_two_frames": "bytes after the zstd frame",
    "zstd_checksum": "zstd cannot decode the chunk",
    "mark_order": "not after the previous one",
    "after_summary": "may not follow SUMMARY",
    "bad_summary": "alloc_bytes",
    "bad_index_key": "INDEX section",
    "bad_end_count": "sections 24",
    "trailing": "1 bytes after the END section",
}


def test_big():
    big = Big()
    data = big.file()
    for flags in ([], ["--no-index"]):
        rc, out, err = run_tool(data, *flags, name="big.mtui")
        check("big file %s: exit 0 and the expected dump" % flags,
              rc == 0 and err == "" and out == big.dump,
              "%d %r\n%s" % (rc, err, "\n".join(
                  "got %r want %r" % (a, b) for a, b in zip(
                      out.splitlines(), big.dump.splitlines())
                  if a != b)[:2000]))
    # a newer minor version's longer header, flags and reserved fields set
    b = Big(["long_header"])
    r = run_in(b.file())
    check("big file with a 1.7 header of 44 bytes: same dump",
          r[0] == "ok" and r[1] == big.dump, str(r[1])[:200])
    # the smallest complete file: META and END
    m = b"".join(varint(t) + varint(len(v)) + v for t, v in (
        (1, b"heaptrack"), (14, varint(1 << 20)), (15, varint(1 << 20))))
    hdr = b"\x89MTUI\r\n\x1a" + struct.pack("<HHIIII", 1, 0, 32, 0, 0, 0)
    tiny = bytearray(hdr + struct.pack("<I", zlib.crc32(hdr)) + section(1, m))
    tiny += section(0x7FFF, struct.pack("<QQQ", 0, len(tiny), 1))
    rc, out, err = run_tool(bytes(tiny), name="tiny.mtui")
    check("META and END only: its dump", rc == 0 and err == "" and out == (
        "meta source_format heaptrack\nmeta pid -1\nmeta start_time_ms -1\n"
        "meta duration_ms -1\nmeta capture_flags native_traces=0 "
        "native_offsets=0 has_totals=1 has_event_stream=1\n"
        "meta peak_rule 0\nmeta top_rule 0\nmeta events_per_chunk 1048576\n"
        "meta checkpoint_events 1048576\n"), "%d %r %r" % (rc, out, err))
    # without SUMMARY, INDEX, END: truncated at the file's end
    short = Big().file(tail=False)
    r = run_in(short)
    check("big file without SUMMARY/INDEX/END: truncated at its end",
          r[0] == "ok" and r[2] == len(short))
    for mut, words in sorted(BREAKS.items()):
        b = Big([mut]).file()
        rc, out, err = run_tool(b, name="break.mtui")
        check("break %s: exit 1, one line with %r" % (mut, words),
              rc == 1 and out == "" and ERR_LINE.match(err) and words in err,
              err)
        for no_index in (False, True):
            r = run_in(b, no_index)
            check("break %s (no_index=%s) in-process" % (mut, no_index),
                  r[0] == "err" and words in r[1].msg, str(r[1])[:200])


def main():
    ex = build_example()
    test_example(ex)
    test_cuts(ex)
    test_flips(ex)
    test_recrc("example", ex)
    test_big()
    test_recrc("big file", Big().file(), step=97, masks=(0xFF,))
    print("test_mtui_spec: %d checks passed, %d failed"
          % (PASSED[0], len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
