#!/usr/bin/env python3
"""Independent reader and strict checker of memtui's capture format (.mtui).

Written from docs/FORMAT.md alone (not from the C code), so that the C reader
and writer can be checked against a second reading of the specification.

usage: mtui_check.py FILE [--no-index] [--strict-complete]

Prints the canonical dump of FILE to stdout and exits 0.  On any rule of
FORMAT.md the file breaks it prints one line

    mtui_check: FILE: byte OFFSET: WHAT

to stderr, nothing to stdout, and exits 1.  A truncated file (no END: cut at
a section boundary or inside a section) is not an error: the dump ends with
`truncated OFFSET` and the exit status is 0, or 1 with --strict-complete.
--no-index reads by scanning (FORMAT.md 13.2) instead of through END and
INDEX (13.1).  zstd chunks are decoded with the `zstd` command.

Standard library only (python3.11).
"""
import struct
import subprocess
import sys
import tempfile
import threading
import zlib

MAGIC = b"\x89MTUI\r\n\x1a"
MAX_PAYLOAD = 1 << 23
MAX_STRING = 1 << 22
MAX_STRINGS = 1 << 32            # strings in all, id 0 included: below this
MAX_FRAMES = (1 << 32) - 1       # frames in all, id 0 included: below this
MAX_STACKS = 536870911           # stacks in all, root included: at most this
MAX_RSS = 1 << 48
EVENT_MAX_BYTES = 31
SUMMARY_LEN = 168
END_LEN = 24
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1

(META, STRINGS, FRAMES, STACKS, EVENTS, CHECKPOINT, TIME_MARKS, RSS,
 STAGE_MARKS, SUMMARY, INDEX, STACK_CALLS, SYMBOLS, LEAKS,
 ALLOCATORS) = range(1, 16)
ALLOCATOR_MAX = 14  # enum allocator (src/model/capture.h): pymalloc_realloc
END = 0x7FFF
NAMES = {META: "META", STRINGS: "STRINGS", FRAMES: "FRAMES",
         STACKS: "STACKS", EVENTS: "EVENTS", CHECKPOINT: "CHECKPOINT",
         TIME_MARKS: "TIME_MARKS", RSS: "RSS", STAGE_MARKS: "STAGE_MARKS",
         SUMMARY: "SUMMARY", INDEX: "INDEX", STACK_CALLS: "STACK_CALLS",
         SYMBOLS: "SYMBOLS", LEAKS: "LEAKS", ALLOCATORS: "ALLOCATORS",
         END: "END"}

# META tags (FORMAT.md 6): name, form.  Forms: str, u, s, hash, thread,
# trunc.  16-18 are lists; every other known tag is a scalar.
TAGS = {1: ("source_format", "str"), 2: ("source_format_version", "str"),
        3: ("tool_version", "str"), 4: ("source_name", "str"),
        5: ("source_size", "u"), 6: ("source_hash", "hash"),
        7: ("command", "str"), 8: ("pid", "s"), 9: ("start_time_ms", "s"),
        10: ("duration_ms", "s"), 11: ("capture_flags", "u"),
        12: ("peak_rule", "u"), 13: ("top_rule", "u"),
        14: ("events_per_chunk", "u"), 15: ("checkpoint_events", "u"),
        16: ("thread", "thread"), 17: ("suppression", "str"),
        18: ("warning", "str"), 19: ("warnings_dropped", "u"),
        20: ("source_truncated", "trunc"), 21: ("inconsistent", "str")}
LIST_TAGS = (16, 17, 18)
FIXED_TAGS = (1, 11, 12, 13, 14, 15)    # may not change after the first META
DEFAULTS = {8: -1, 9: -1, 10: -1, 11: 0b1100, 12: 0, 13: 0, 19: 0}
SOURCE_FORMATS = (b"memray", b"heaptrack", b"memtui")


class Damage(Exception):
    """A rule of the format broken at byte `offset` of the file."""

    def __init__(self, offset, msg):
        super().__init__(offset, msg)
        self.offset, self.msg = offset, msg


class Window:
    """Bounds-checked little-endian reads of buf[pos:end].

    Positions are file offsets, except in decoded (zstd) data: then `where`
    is the offset reported and the message names the byte of the data."""

    def __init__(self, buf, start, end, where=None):
        self.buf, self.pos, self.end, self.where = buf, start, end, where

    def fail(self, msg, at=None):
        at = self.pos if at is None else at
        if self.where is not None:
            raise Damage(self.where, "%s (byte %d of the decoded events)"
                         % (msg, at))
        raise Damage(at, msg)

    def left(self):
        return self.end - self.pos

    def take(self, n, what):
        if n > self.left():
            self.fail("%s: %d bytes needed, %d left" % (what, n, self.left()))
        b = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return b

    def _fixed(self, fmt, size, what):
        if size > self.left():
            self.fail("%s: %d bytes needed, %d left" % (what, size,
                                                        self.left()))
        v = struct.unpack_from(fmt, self.buf, self.pos)[0]
        self.pos += size
        return v

    def u8(self, what):
        return self._fixed("<B", 1, what)

    def u16(self, what):
        return self._fixed("<H", 2, what)

    def u32(self, what):
        return self._fixed("<I", 4, what)

    def u64(self, what):
        return self._fixed("<Q", 8, what)

    def i64(self, what):
        return self._fixed("<q", 8, what)

    def varint(self, what):
        """Unsigned LEB128, at most 10 bytes, fitting 64 bits (1)."""
        start, v, shift = self.pos, 0, 0
        while True:
            if self.pos >= self.end:
                self.fail("%s: varint cut short" % what, start)
            x = self.buf[self.pos]
            self.pos += 1
            if shift == 63 and x > 1:
                self.fail("%s: varint does not fit 64 bits" % what, start)
            v |= (x & 0x7F) << shift
            if x < 0x80:
                return v
            shift += 7

    def svarint(self, what):
        z = self.varint(what)
        return (z >> 1) ^ -(z & 1)

    def string(self, what, n=None):
        """A string (1): a varint length then the bytes, or, given n, n
        bytes (a META field's value); at most 2^24 bytes, no 0x00."""
        at = self.pos
        if n is None:
            n = self.varint(what + " length")
        if n > MAX_STRING:
            self.fail("%s: %d bytes, more than 2^24" % (what, n), at)
        s = self.take(n, what)
        if 0 in s:
            self.fail("%s: holds a 0x00 byte" % what, at)
        return s

    def count(self, what):
        """A table's count: at least 1, at most the bytes left."""
        at = self.pos
        n = self.varint(what)
        if n < 1:
            self.fail("%s is 0" % what, at)
        if n > self.left():
            self.fail("%s %d exceeds the %d bytes left" % (what, n,
                                                           self.left()), at)
        return n

    def done(self, what):
        if self.pos != self.end:
            self.fail("%s: %d bytes left over" % (what, self.end - self.pos))


def esc(b):
    """A string of the dump: 0x21..0x7e but backslash as themselves."""
    if not b:
        return '""'
    return "".join(_ESC[x] for x in b)


def show(v):
    return esc(v) if isinstance(v, bytes) else str(v)


_ESC = [chr(x) if 0x21 <= x <= 0x7E and x != 0x5C else "\\x%02x" % x
        for x in range(256)]
_ESC[0x5C] = "\\\\"


def check_zstd_frame(w, n, raw_len):
    """`n` bytes at w.pos must be exactly one zstd frame (RFC 8878) whose
    declared content size, when it has one, is raw_len.  Walks the frame
    header and block headers only; the zstd command decodes."""
    start, end = w.pos, w.pos + n
    f = Window(w.buf, start, end)
    if f.u32("zstd frame magic") != 0xFD2FB528:
        f.fail("chunk data is not a zstd frame", start)
    fhd = f.u8("zstd frame header")
    if fhd & 0x08:
        f.fail("zstd frame header: reserved bit set", start + 4)
    single = fhd & 0x20
    if not single:
        f.u8("zstd window descriptor")
    f.take((0, 1, 2, 4)[fhd & 3], "zstd dictionary id")
    fcs_size = (1 if single else 0, 2, 4, 8)[fhd >> 6]
    if fcs_size:
        fcs = int.from_bytes(f.take(fcs_size, "zstd content size"), "little")
        if fcs_size == 2:
            fcs += 256
        if fcs != raw_len:
            f.fail("zstd frame declares %d bytes, raw_len is %d"
                   % (fcs, raw_len), start)
    while True:
        at = f.pos
        h = int.from_bytes(f.take(3, "zstd block header"), "little")
        kind, size = (h >> 1) & 3, h >> 3
        if kind == 3:
            f.fail("zstd block of the reserved type", at)
        f.take(1 if kind == 1 else size, "zstd block")
        if h & 1:
            break
    if fhd & 0x04:
        f.take(4, "zstd content checksum")
    if f.pos != end:
        f.fail("%d bytes after the zstd frame" % (end - f.pos))


def zstd_decompress(data, limit):
    """Decompress with `zstd -d -c` (input on stdin), reading at most limit
    + 1 bytes of output.  Returns the bytes, or None when zstd fails."""
    p = subprocess.Popen(["zstd", "-d", "-c", "-q"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def feed():
        try:
            p.stdin.write(data)
        except OSError:
            pass
        try:
            p.stdin.close()
        except OSError:
            pass
    t = threading.Thread(target=feed)
    t.start()
    out = bytearray()
    while len(out) <= limit:
        b = p.stdout.read(limit + 1 - len(out))
        if not b:
            break
        out += b
    if len(out) > limit:
        p.kill()
    p.stdout.close()
    t.join()
    return bytes(out) if p.wait() == 0 else None


class Checker:
    """Reads a whole .mtui file held in `data`; run() returns the dump."""

    def __init__(self, data, no_index=False):
        self.data = data
        self.no_index = no_index
        # META
        self.meta = {}              # scalar tag -> value (last one wins)
        self.fixed = None           # tags 1, 11-15 after the first META
        self.threads = []           # [tid, name], first position kept
        self.suppressions, self.warnings = [], []
        # tables: ids 1.. (id 0 implicit)
        self.strings, self.string_set = [], set()
        self.frames, self.frame_set = [], set()
        self.stacks, self.stack_set = [], set()     # (parent, frame, depth)
        # the log
        self.log = tempfile.SpooledTemporaryFile(max_size=1 << 26, mode="w+")
        self.n_events = self.n_chunks = 0
        self.last_chunk_full = True
        self.n_checkpoints = 0
        self.cp_part = None         # a checkpoint missing its last part
        self.live = {}              # stack -> [bytes, count], never 0, 0
        self.heap = 0
        self.alloc_count = self.alloc_bytes = self.temporary_count = 0
        self.peak, self.peak_idx = 0, UINT64_MAX
        self.calls = {}             # stack -> [alloc calls, bytes, temporary]
        self.stack_calls = []       # STACK_CALLS entries read, by stack id
        self.leaks = None           # LEAKS: [(ev, stack, bytes, pieces)], None: none
        self.allocators = None      # ALLOCATORS: [(stack, allocator, count, bytes)]
        # marks and samples: (ev_idx, time_ms, section offset)
        self.time_marks, self.rss, self.stage_marks = [], [], []
        self.symbols = []           # SYMBOLS entries (10.5)
        # order of sections
        self.sections = []          # (offset, key, type, flags, payload_len)
        self.summary = None
        self.index_off = None
        self.after_summary = self.after_index = False
        self.truncated = None

    # -- the file -------------------------------------------------------

    def run(self):
        self.header_len = self.file_header()
        offsets = None if self.no_index else self.index_offsets()
        off = self.header_len
        if offsets is not None:
            for off in offsets:
                self.section(off)
            return self.dump()
        while True:
            nxt = self.section(off)
            if nxt is None:
                return self.dump()
            off = nxt

    def file_header(self):
        d = self.data
        if len(d) < 8 or d[:8] != MAGIC:
            raise Damage(0, "not a memtui capture (no magic)")
        w = Window(d, 8, len(d))
        if len(d) < 16:
            raise Damage(len(d), "corrupt file header: cut short")
        major, minor, hlen = w.u16("major"), w.u16("minor"), w.u32("length")
        if not 32 <= hlen <= 4096 or hlen % 4:
            raise Damage(12, "corrupt file header: header_len %d" % hlen)
        if len(d) < hlen:
            raise Damage(len(d), "corrupt file header: cut short (header_len"
                         " %d, file %d bytes)" % (hlen, len(d)))
        crc = struct.unpack_from("<I", d, hlen - 4)[0]
        if crc != zlib.crc32(d[:hlen - 4]):
            raise Damage(0, "file header: checksum mismatch")
        if major != 1:
            raise Damage(8, "memtui capture format %d.%d: this reader reads"
                         " 1.x" % (major, minor))
        return hlen

    def index_offsets(self):
        """The offsets of every section from END and INDEX (13.1), or None
        when they are unusable (then the file is scanned)."""
        d, size, hl = self.data, len(self.data), self.header_len

        def head(off):
            if off < hl or off + 12 > size:
                return None
            typ, flags, plen = struct.unpack_from("<HHI", d, off)
            if plen > MAX_PAYLOAD or off + 12 + plen > size:
                return None
            crc = struct.unpack_from("<I", d, off + 8 + plen)[0]
            if crc != zlib.crc32(d[off:off + 8 + plen]):
                return None
            return typ, flags, plen

        end = size - 12 - END_LEN
        h = head(end)
        if h is None or h[0] != END or h[2] != END_LEN:
            return None
        index_off, end_off, n_sections = struct.unpack_from("<QQQ", d, end + 8)
        if end_off != end or not 0 < index_off < end:
            return None
        h = head(index_off)
        if h is None or h[0] != INDEX or index_off + 12 + h[2] != end:
            return None
        if h[2] < 8:
            return None
        n = struct.unpack_from("<Q", d, index_off + 8)[0]
        if h[2] != 8 + 24 * n or n != n_sections - 1:
            return None
        offsets, expect = [], hl
        for i in range(n):
            off, key, typ, flags, plen = struct.unpack_from(
                "<QQHHI", d, index_off + 16 + 24 * i)
            if off != expect or head(off) != (typ, flags, plen):
                return None
            if key != self.key_at(off, typ, plen):
                return None
            offsets.append(off)
            expect = off + 12 + plen
        if expect != index_off:
            return None
        return offsets + [index_off, end]

    def key_at(self, off, typ, plen):
        """An index key read from a section's payload (12.1), or None."""
        w = Window(self.data, off + 8, off + 8 + plen)
        try:
            if typ in (STRINGS, FRAMES, STACKS):
                return w.varint("first_id")
            if typ in (EVENTS, CHECKPOINT):
                return w.u64("event")
        except Damage:
            return None
        return 0

    # -- one section ----------------------------------------------------

    def section(self, off):
        """Checks and applies the section at off; returns the offset of the
        next one, or None when the file ends here (END, or truncated)."""
        d, size = self.data, len(self.data)
        first = not self.sections
        if off == size or size - off < 12:
            if first:
                raise Damage(off, "file refused: %s after the file header"
                             % ("no section" if off == size
                                else "a section cut short"))
            return self.stop(off)
        typ, flags, plen = struct.unpack_from("<HHI", d, off)
        name = "%s section at byte %d: " % (
            NAMES.get(typ, "type 0x%04x" % typ), off)
        if first:
            name = "file refused: " + name
        if plen > MAX_PAYLOAD:
            raise Damage(off + 4, name + "payload_len %d exceeds 2^28" % plen)
        if off + 12 + plen > size:
            if first:
                raise Damage(off, name + "cut short")
            return self.stop(off)
        crc = struct.unpack_from("<I", d, off + 8 + plen)[0]
        if crc != zlib.crc32(d[off:off + 8 + plen]):
            raise Damage(off, name + "checksum mismatch")
        if first and typ != META:
            raise Damage(off, name + "the first section is not META")
        if typ in (SUMMARY, END):
            self.final_marks()
        w = Window(d, off + 8, off + 8 + plen)
        try:
            self.order(typ, off)
            key = self.apply(typ, w, off)
        except Damage as e:
            e.msg = name + e.msg
            raise
        self.sections.append((off, key, typ, flags, plen))
        nxt = off + 12 + plen
        if typ == END:
            if nxt != size:
                raise Damage(nxt, "%d bytes after the END section"
                             % (size - nxt))
            return None
        return nxt

    def order(self, typ, off):
        """Rules on what may follow what (5, 9, 11, 12)."""
        if self.cp_part is not None and typ != CHECKPOINT:
            raise Damage(off, "checkpoint at event %d lacks its last part"
                         % self.cp_part[0])
        if self.after_index and typ != END:
            raise Damage(off, "only END may follow INDEX")
        if self.after_summary and typ == SUMMARY:
            raise Damage(off, "a second SUMMARY")
        if self.after_summary and typ in NAMES and typ not in (INDEX, END):
            raise Damage(off, "may not follow SUMMARY")

    def apply(self, typ, w, off):
        """Applies one checksum-valid section; returns its index key (12.1):
        first_id, first_event or event, else 0.  Unknown types: skipped."""
        handler = {META: self.sec_meta, STRINGS: self.sec_strings,
                   FRAMES: self.sec_frames, STACKS: self.sec_stacks,
                   EVENTS: self.sec_events, CHECKPOINT: self.sec_checkpoint,
                   TIME_MARKS: self.sec_time_marks, RSS: self.sec_rss,
                   STAGE_MARKS: self.sec_stage_marks,
                   STACK_CALLS: self.sec_stack_calls, LEAKS: self.sec_leaks,
                   ALLOCATORS: self.sec_allocators,
                   SYMBOLS: self.sec_symbols,
                   SUMMARY: self.sec_summary, INDEX: self.sec_index,
                   END: self.sec_end}.get(typ)
        return handler(w, off) or 0 if handler else 0

    def stop(self, off):
        """The file ends before END: truncated at off (13.4)."""
        self.truncated = off
        self.cp_part = None
        if self.leaks is not None and not self.leaks_sum_live():
            self.leaks = None   # a table cut short is no table (10.6)
        if self.allocators is not None and not self.allocators_sum():
            self.allocators = None  # the same for the allocator table (10.7)
        self.time_marks = [m for m in self.time_marks if m[0] <= self.n_events]
        self.stage_marks = [m for m in self.stage_marks
                            if m[0] <= self.n_events]
        return None

    # -- META (6) -------------------------------------------------------

    def sec_meta(self, w, off):
        first = self.fixed is None
        seen = {}
        while w.left():
            at = w.pos
            tag = w.varint("META tag")
            if tag == 0:
                w.fail("META tag 0", at)
            n = w.varint("META field length")
            if n > w.left():
                w.fail("META field %d: length %d exceeds the %d bytes left"
                       % (tag, n, w.left()), at)
            fw = Window(w.buf, w.pos, w.pos + n)
            w.pos += n
            if tag not in TAGS:
                continue
            value = self.meta_value(tag, fw, n, at)
            fw.done("META field %d" % tag)
            if tag == 16:
                for t in self.threads:
                    if t[0] == value[0]:
                        t[1] = value[1]
                        break
                else:
                    self.threads.append(list(value))
            elif tag == 17:
                self.suppressions.append(value)
            elif tag == 18:
                self.warnings.append(value)
            else:
                if (not first and tag in FIXED_TAGS
                        and value != self.fixed[tag]):
                    w.fail("META field %d (%s) changes from %s to %s"
                           % (tag, TAGS[tag][0], show(self.fixed[tag]),
                              show(value)), at)
                self.meta[tag] = value
                seen[tag] = at
        if first:
            for tag in (1, 14, 15):
                if tag not in seen:
                    w.fail("the first META lacks tag %d (%s)"
                           % (tag, TAGS[tag][0]), off)
            if self.meta[15] % self.meta[14]:
                w.fail("checkpoint_events %d is not a multiple of"
                       " events_per_chunk %d" % (self.meta[15], self.meta[14]),
                       seen[15])
            self.fixed = {t: self.meta.get(t, DEFAULTS.get(t))
                          for t in FIXED_TAGS}

    def meta_value(self, tag, fw, n, at):
        """One known META field's value, checked (6)."""
        name, form = TAGS[tag]
        if form == "str":
            v = fw.string("META %s" % name, n)
        elif form == "u":
            v = fw.varint("META %s" % name)
        elif form == "s":
            v = fw.svarint("META %s" % name)
        elif form == "hash":
            if fw.u8("META source_hash algorithm") != 1:
                fw.fail("META source_hash: unknown algorithm", at)
            v = fw.take(32, "META source_hash digest")
        elif form == "thread":
            tid = fw.varint("META thread tid")
            v = (tid, fw.string("META thread name", fw.left()))
        else:   # trunc
            where = fw.varint("META source_truncated offset")
            v = (where, fw.string("META source_truncated reason", fw.left()))
        bad = None
        if tag == 1 and v not in SOURCE_FORMATS:
            bad = "source_format %s is none of memray, heaptrack, memtui" \
                % esc(v)
        elif tag == 4 and b"/" in v:
            bad = "source_name %s has a directory" % esc(v)
        elif tag == 11 and v & ~0xF:
            bad = "capture_flags 0x%x has bits other than 0-3" % v
        elif tag == 12 and v > 1:
            bad = "peak_rule %d" % v
        elif tag == 13 and v > 2:
            bad = "top_rule %d" % v
        elif tag == 14 and (v & (v - 1) or not 1 << 10 <= v <= 1 << 20):
            bad = "events_per_chunk %d is not a power of two in" \
                " [2^10, 2^20]" % v
        elif tag == 15 and (v & (v - 1) or not 1 << 10 <= v <= 1 << 30):
            bad = "checkpoint_events %d is not a power of two <= 2^30" % v
        if bad:
            fw.fail("META " + bad, at)
        return v

    # -- tables (7) -----------------------------------------------------

    def first_id(self, w, table, what):
        at = w.pos
        first = w.varint("first_id")
        if first != len(table) + 1:
            w.fail("first_id %d, %d %s defined so far"
                   % (first, len(table) + 1, what), at)
        return first

    def sec_strings(self, w, off):
        first = self.first_id(w, self.strings, "strings")
        n = w.count("string count")
        if len(self.strings) + 1 + n >= MAX_STRINGS:
            w.fail("more than 2^32 - 1 strings")
        for i in range(n):
            at = w.pos
            s = w.string("string %d" % (first + i))
            if not s:
                w.fail("string %d is empty" % (first + i), at)
            if s in self.string_set:
                w.fail("string %d duplicates string %d"
                       % (first + i, self.strings.index(s) + 1), at)
            self.string_set.add(s)
            self.strings.append(s)
        w.done("STRINGS")
        return first

    def sec_frames(self, w, off):
        first = self.first_id(w, self.frames, "frames")
        n = w.count("frame count")
        if len(self.frames) + 1 + n >= MAX_FRAMES:
            w.fail("more than 2^32 - 2 frames")
        n_strings = len(self.strings) + 1
        for i in range(n):
            at = w.pos
            kind = w.u8("frame kind")
            if kind > 3:
                w.fail("frame %d: kind %d" % (first + i, kind), at)
            ids = []
            for what in ("function", "file", "module"):
                sat = w.pos
                s = w.varint("frame " + what)
                if s >= n_strings:
                    w.fail("frame %d: %s is string %d, not defined"
                           % (first + i, what, s), sat)
                ids.append(s)
            sat = w.pos
            line = w.varint("frame line")
            if line >= 1 << 32:
                w.fail("frame %d: line %d >= 2^32" % (first + i, line), sat)
            address = w.varint("frame address")
            f = (kind, ids[0], ids[1], ids[2], line, address)
            if f in self.frame_set:
                w.fail("frame %d duplicates frame %d"
                       % (first + i, self.frames.index(f) + 1), at)
            self.frame_set.add(f)
            self.frames.append(f)
        w.done("FRAMES")
        return first

    def sec_stacks(self, w, off):
        first = self.first_id(w, self.stacks, "stacks")
        n = w.count("stack count")
        if len(self.stacks) + 1 + n > MAX_STACKS:
            w.fail("more than 536,870,911 stacks")
        n_frames = len(self.frames) + 1
        for i in range(n):
            at, sid = w.pos, first + i
            up = w.varint("stack up")
            if not 1 <= up <= sid:
                w.fail("stack %d: up %d" % (sid, up), at)
            fat = w.pos
            frame = w.varint("stack frame")
            if not 1 <= frame < n_frames:
                w.fail("stack %d: frame %d not defined" % (sid, frame), fat)
            parent = sid - up
            if (parent, frame) in self.stack_set:
                w.fail("stack %d duplicates (parent %d, frame %d)"
                       % (sid, parent, frame), at)
            depth = self.stacks[parent - 1][2] + 1 if parent else 1
            self.stack_set.add((parent, frame))
            self.stacks.append((parent, frame, depth))
        w.done("STACKS")
        return first

    # -- EVENTS (8) -----------------------------------------------------

    def sec_events(self, w, off):
        epc, cpe = self.fixed[14], self.fixed[15]
        first = w.u64("first_event")
        n = w.u32("n_events")
        raw_len = w.u32("raw_len")
        comp = w.u8("compression")
        if w.take(3, "zero bytes") != b"\0\0\0":
            w.fail("nonzero bytes at payload offset 17-19", off + 25)
        if first != self.n_events:
            w.fail("first_event %d, %d events before it" % (first,
                                                            self.n_events),
                   off + 8)
        if self.stack_calls:
            w.fail("an event chunk after STACK_CALLS", off)
        if self.leaks is not None:
            w.fail("an event chunk after LEAKS", off)
        if not self.last_chunk_full:
            w.fail("a chunk follows a chunk of fewer than events_per_chunk"
                   " events", off)
        if not 1 <= n <= epc:
            w.fail("n_events %d not in 1..%d" % (n, epc), off + 16)
        if not 1 <= raw_len <= EVENT_MAX_BYTES * n:
            w.fail("raw_len %d not in 1..31 x n_events" % raw_len, off + 20)
        if comp > 1:
            w.fail("compression %d" % comp, off + 24)
        if first % cpe == 0 and self.n_checkpoints != first // cpe + 1:
            w.fail("checkpoint %d (event %d) missing before this chunk"
                   % (first // cpe, first), off)
        if comp == 0:
            if w.left() != raw_len:
                w.fail("stored data is %d bytes, raw_len %d"
                       % (w.left(), raw_len))
            ew = Window(w.buf, w.pos, w.end)
        else:
            start, size = w.pos, w.left()
            check_zstd_frame(w, size, raw_len)
            raw = zstd_decompress(bytes(w.buf[start:w.end]), raw_len)
            if raw is None:
                w.fail("zstd cannot decode the chunk", start)
            if len(raw) != raw_len:
                w.fail("zstd data decodes to %s bytes, raw_len %d"
                       % ("more" if len(raw) > raw_len else len(raw), raw_len),
                       start)
            ew = Window(raw, 0, raw_len, where=start)
        self.decode_events(ew, n)
        w.pos = w.end
        self.n_chunks += 1
        self.last_chunk_full = n == epc
        return first

    def decode_events(self, w, n):
        """Decodes n events from w and applies them to the live figures;
        they must use exactly the window (8)."""
        n_stacks = len(self.stacks) + 1
        live, rule, lines = self.live, self.fixed[12], []
        heap, peak, peak_idx = self.heap, self.peak, self.peak_idx
        alloc_count, alloc_bytes = self.alloc_count, self.alloc_bytes
        temporary = self.temporary_count
        idx = self.n_events
        try:
            for idx in range(self.n_events, self.n_events + n):
                at = w.pos
                head = w.varint("head")
                stack, flags = head >> 3, (head >> 1) & 3
                if stack >= n_stacks:
                    w.fail("stack %d not defined" % stack, at)
                b = w.svarint("bytes")
                if b == INT64_MIN:
                    w.fail("bytes INT64_MIN", at)
                if head & 1:
                    c = 1 if flags & 1 else -1
                else:
                    c = w.svarint("count")
                    if not INT32_MIN <= c <= INT32_MAX:
                        w.fail("count %d outside int32" % c, at)
                cur = live.get(stack)
                nb, nc = (cur[0] + b, cur[1] + c) if cur else (b, c)
                heap += b
                if not (INT64_MIN <= nb <= INT64_MAX and
                        INT64_MIN <= nc <= INT64_MAX):
                    w.fail("stack %d: live figures overflow int64" % stack,
                           at)
                if not INT64_MIN <= heap <= INT64_MAX:
                    w.fail("the live heap overflows int64", at)
                if flags & 1:
                    alloc_count += 1
                    alloc_bytes += b
                    if not 0 <= alloc_bytes <= UINT64_MAX:
                        w.fail("alloc_bytes leaves 0..2^64-1", at)
                if flags & 2:
                    temporary += 1
                if flags:
                    sc = self.calls.setdefault(stack, [0, 0, 0])
                    if flags & 1:
                        sc[0] += 1
                        sc[1] += b
                    if flags & 2:
                        sc[2] += 1
                if nb or nc:
                    live[stack] = [nb, nc]
                elif cur:
                    del live[stack]
                if heap > peak or (rule == 1 and heap == peak):
                    peak, peak_idx = heap, idx
                lines.append("event %d %d %d %d %d\n"
                             % (idx, stack, flags, b, c))
        except Damage as e:
            e.msg = "event %d: %s" % (idx, e.msg)
            raise
        w.done("the %d events" % n)
        self.log.write("".join(lines))
        self.n_events += n
        self.heap, self.peak, self.peak_idx = heap, peak, peak_idx
        self.alloc_count, self.alloc_bytes = alloc_count, alloc_bytes
        self.temporary_count = temporary

    # -- CHECKPOINT (9) -------------------------------------------------

    def sec_checkpoint(self, w, off):
        event = w.u64("event")
        flags = w.u8("part flags")
        if flags & ~1:
            w.fail("part flags 0x%02x: bits other than 0" % flags, off + 16)
        if w.take(3, "zero bytes") != b"\0\0\0":
            w.fail("nonzero bytes at payload offset 9-11", off + 17)
        if self.cp_part is not None:
            ev, entries, expected = self.cp_part
            if event != ev:
                w.fail("part of checkpoint at event %d, the previous part's"
                       " is %d" % (event, ev), off + 8)
        else:
            want = self.n_checkpoints * self.fixed[15]
            if event != want or self.n_events != event:
                w.fail("checkpoint at event %d out of place (checkpoint %d is"
                       " at event %d, %d events read)"
                       % (event, self.n_checkpoints, want, self.n_events),
                       off + 8)
            entries = []
            expected = sorted((s, v[0], v[1]) for s, v in self.live.items())
        at = w.pos
        n = w.varint("n_entries")
        if n > w.left():
            w.fail("n_entries %d exceeds the %d bytes left" % (n, w.left()),
                   at)
        n_stacks = len(self.stacks) + 1
        for _ in range(n):
            at = w.pos
            step = w.varint("entry stack step")
            if entries:
                if step < 1:
                    w.fail("entry stack step 0", at)
                stack = entries[-1][0] + step
            else:
                stack = step
            if stack >= n_stacks:
                w.fail("entry: stack %d not defined" % stack, at)
            b = w.svarint("entry bytes")
            c = w.svarint("entry count")
            if b == 0 and c == 0:
                w.fail("entry of stack %d: both figures 0" % stack, at)
            e = (stack, b, c)
            i = len(entries)
            if i >= len(expected) or expected[i] != e:
                w.fail("entry (stack %d, %d B, %d) but the events give %s"
                       % (stack, b, c, "(stack %d, %d B, %d)" % expected[i]
                          if i < len(expected) else "no more entries"), at)
            entries.append(e)
        w.done("CHECKPOINT")
        if flags & 1:
            if len(entries) != len(expected):
                w.fail("%d entries, the events give %d stacks live"
                       % (len(entries), len(expected)), off)
            self.cp_part = None
            self.n_checkpoints += 1
            self.log.write("checkpoint %d %d\n" % (event, len(entries)))
            for e in entries:
                self.log.write("cp %d %d %d\n" % e)
        else:
            self.cp_part = (event, entries, expected)
        return event

    # -- marks and samples (10) -----------------------------------------

    def sec_time_marks(self, w, off):
        n = w.count("time mark count")
        ev = t = None
        for i in range(n):
            at = w.pos
            ev_step = w.varint("time mark ev step")
            t_step = w.svarint("time mark time step")
            ev, t = (ev_step, t_step) if i == 0 else (ev + ev_step, t + t_step)
            if ev > UINT64_MAX or not INT64_MIN <= t <= INT64_MAX:
                w.fail("time mark overflows", at)
            last = self.time_marks[-1][0] if self.time_marks else -1
            if ev <= last:
                w.fail("time mark at event %d, not after the previous one at"
                       " %d" % (ev, last), at)
            self.time_marks.append((ev, t, off))
        w.done("TIME_MARKS")

    def sec_rss(self, w, off):
        n = w.count("RSS sample count")
        t = None
        for i in range(n):
            at = w.pos
            t_step = w.svarint("RSS time step")
            t = t_step if i == 0 else t + t_step
            if not INT64_MIN <= t <= INT64_MAX:
                w.fail("RSS time overflows", at)
            rat = w.pos
            rss = w.varint("RSS bytes")
            if rss > MAX_RSS:
                w.fail("RSS sample %d bytes > 2^48" % rss, rat)
            self.rss.append((t, rss))
        w.done("RSS")

    def sec_stage_marks(self, w, off):
        n = w.count("stage mark count")
        for _ in range(n):
            at = w.pos
            ev = w.varint("stage mark ev_idx")
            last = self.stage_marks[-1][0] if self.stage_marks else 0
            if ev < last:
                w.fail("stage mark at event %d, before the previous one at %d"
                       % (ev, last), at)
            t = w.svarint("stage mark time")
            oat = w.pos
            origin = w.u8("stage mark origin")
            if origin > 4:
                w.fail("stage mark origin %d" % origin, oat)
            name = w.string("stage mark name")
            where = w.string("stage mark where")
            self.stage_marks.append((ev, t, off, origin, name, where))
        w.done("STAGE_MARKS")

    def sec_symbols(self, w, off):
        """The symbol coverage table (10.5): per image, the files used and
        its addresses named from DWARF, from symbols only, not at all."""
        n = w.count("symbol coverage count")
        for _ in range(n):
            path = w.string("image path")
            used = w.string("file used")
            debug = w.string("debug file")
            dwarf = w.varint("DWARF-named addresses")
            symtab = w.varint("symbol-named addresses")
            unnamed = w.varint("unnamed addresses")
            at = w.pos
            reason = w.u8("reason")
            if reason > 4 or (reason == 0) != (unnamed == 0):
                w.fail("reason %d with %d unnamed addresses" % (reason, unnamed),
                       at)
            self.symbols.append((path, used, debug, dwarf, symtab, unnamed,
                                 reason))
        w.done("SYMBOLS")

    def sec_stack_calls(self, w, off):
        """Per stack over the whole run: allocation calls, their bytes and
        temporary frees, equal to what the events give."""
        first = w.varint("first_id")
        if first != len(self.stack_calls):
            w.fail("first_id %d, %d stacks given before" % (first,
                                                            len(self.stack_calls)))
        n = w.count("stack count")
        if first + n > len(self.stacks) + 1:
            w.fail("figures of stacks not defined")
        for i in range(first, first + n):
            at = w.pos
            e = (w.varint("calls"), w.svarint("bytes"), w.varint("temporary"))
            if list(e) != self.calls.get(i, [0, 0, 0]):
                w.fail("stack %d: %s, the events give %s"
                       % (i, e, tuple(self.calls.get(i, [0, 0, 0]))), at)
            self.stack_calls.append(e)
        w.done("STACK_CALLS")
        return first

    def sec_leaks(self, w, off):
        """The leak table (10.6): live allocations by allocating event,
        strictly increasing over the file, below the events; each of a
        defined stack, bytes <= 2^63 - 1, 1 <= pieces <= 2^63 - 1."""
        n = w.varint("leak count")
        if n > w.left() // 4:
            w.fail("leak count %d, more than a quarter of %d bytes left"
                   % (n, w.left()))
        if self.leaks is None:
            self.leaks = []
        ev = None
        for i in range(n):
            at = w.pos
            step = w.varint("leak ev step")
            if i and step == 0:
                w.fail("leak ev step 0", at)
            ev = step if i == 0 else ev + step
            last = self.leaks[-1][0] if self.leaks else -1
            if ev <= last:
                w.fail("leak at event %d, not after the previous one at %d"
                       % (ev, last), at)
            if ev >= self.n_events:
                w.fail("leak at event %d, beyond the %d events"
                       % (ev, self.n_events), at)
            stack = w.varint("leak stack")
            if stack > len(self.stacks):
                w.fail("leak of stack %d, not defined" % stack, at)
            nbytes = w.varint("leak bytes")
            pieces = w.varint("leak pieces")
            if nbytes > INT64_MAX or not 1 <= pieces <= INT64_MAX:
                w.fail("leak figures %d bytes, %d pieces out of range"
                       % (nbytes, pieces), at)
            self.leaks.append((ev, stack, nbytes, pieces))
        w.done("LEAKS")

    def leaks_sum_live(self):
        """Whether per stack the table sums to its live figures (10.6)."""
        sums = {}
        for _, stack, nbytes, pieces in self.leaks:
            v = sums.setdefault(stack, [0, 0])
            v[0] += nbytes
            v[1] += pieces
        live = {k: v for k, v in self.live.items() if v != [0, 0]}
        return {k: v for k, v in sums.items() if v != [0, 0]} == live

    def sec_allocators(self, w, off):
        """The allocator table (10.7): allocation calls per (stack,
        allocator), strictly increasing over the file; stacks defined,
        allocator <= ALLOCATOR_MAX, 1 <= count and bytes <= 2^63 - 1."""
        n = w.varint("allocator count")
        if n > w.left() // 4:
            w.fail("allocator count %d, more than a quarter of %d bytes left"
                   % (n, w.left()))
        if self.allocators is None:
            self.allocators = []
        stack = 0
        for i in range(n):
            at = w.pos
            step = w.varint("allocator stack step")
            stack = step if i == 0 else stack + step
            kind = w.u8("allocator")
            count = w.varint("allocator calls")
            nbytes = w.varint("allocator bytes")
            if stack > len(self.stacks) or kind > ALLOCATOR_MAX:
                w.fail("allocator entry of stack %d, allocator %d: not defined"
                       % (stack, kind), at)
            last = self.allocators[-1][:2] if self.allocators else (-1, 0)
            if (stack, kind) <= last:
                w.fail("allocator entry (%d, %d) not after (%d, %d)"
                       % ((stack, kind) + last), at)
            if not 1 <= count <= INT64_MAX or nbytes > INT64_MAX:
                w.fail("allocator figures %d calls, %d bytes out of range"
                       % (count, nbytes), at)
            self.allocators.append((stack, kind, count, nbytes))
        w.done("ALLOCATORS")

    def allocators_sum(self):
        """Whether the table sums to the allocation calls (10.7)."""
        return (sum(e[2] for e in self.allocators) == self.alloc_count and
                sum(e[3] for e in self.allocators) == self.alloc_bytes)

    def leaks_add_up(self, w, off):
        """At SUMMARY: a table must be the live heap at the end."""
        if self.leaks is not None and not self.leaks_sum_live():
            w.fail("LEAKS do not sum to the live figures of every stack", off)

    def final_marks(self):
        """Marks refer to events that may come later in the file; once no
        event can follow (at SUMMARY or END), none may be beyond the last:
        the first mark section holding one is invalid (10)."""
        for what, marks in (("TIME_MARKS", self.time_marks),
                            ("STAGE_MARKS", self.stage_marks)):
            for m in marks:
                if m[0] > self.n_events:
                    raise Damage(m[2], "%s section at byte %d: mark at event"
                                 " %d, beyond the %d events"
                                 % (what, m[2], m[0], self.n_events))

    # -- SUMMARY, INDEX, END (11, 12) -----------------------------------

    def sec_summary(self, w, off):
        if w.left() < SUMMARY_LEN:
            w.fail("payload %d bytes, fewer than 168" % w.left(), off + 4)
        self.after_summary = True
        names = ("events", "alloc_count", "alloc_bytes", "temporary_count",
                 "peak_bytes", "peak_ev_idx", "end_bytes", "end_count",
                 "leaked_bytes", "leaked_count", "suppressed_bytes",
                 "suppressed_count", "rss_max_bytes", "strings", "frames",
                 "stacks", "chunks", "checkpoints", "time_marks",
                 "rss_samples", "stage_marks")
        signed = ("peak_bytes", "end_bytes", "end_count", "leaked_bytes",
                  "leaked_count", "suppressed_bytes", "suppressed_count")
        s = {}
        for k in names:
            s[k] = w.i64(k) if k in signed else w.u64(k)
        w.pos = w.end       # a newer minor version may append fields
        end_bytes = sum(v[0] for v in self.live.values())
        end_count = sum(v[1] for v in self.live.values())
        want = {"events": self.n_events, "alloc_count": self.alloc_count,
                "alloc_bytes": self.alloc_bytes,
                "temporary_count": self.temporary_count,
                "peak_bytes": self.peak, "peak_ev_idx": self.peak_idx,
                "end_bytes": end_bytes, "end_count": end_count,
                "rss_max_bytes": max((r[1] for r in self.rss), default=0),
                "strings": len(self.strings) + 1,
                "frames": len(self.frames) + 1,
                "stacks": len(self.stacks) + 1, "chunks": self.n_chunks,
                "checkpoints": self.n_checkpoints,
                "time_marks": len(self.time_marks),
                "rss_samples": len(self.rss),
                "stage_marks": len(self.stage_marks)}
        for i, k in enumerate(names):
            if k in want and s[k] != want[k]:
                w.fail("%s %d, the file gives %d" % (k, s[k], want[k]),
                       off + 8 + 8 * i)
        for k in ("bytes", "count"):
            if s["leaked_" + k] + s["suppressed_" + k] != s["end_" + k]:
                w.fail("leaked_%s + suppressed_%s != end_%s" % (k, k, k),
                       off + 8 + 64)
        if self.stack_calls and len(self.stack_calls) != len(self.stacks) + 1:
            w.fail("STACK_CALLS covers %d of %d stacks"
                   % (len(self.stack_calls), len(self.stacks) + 1), off)
        self.leaks_add_up(w, off)
        if self.allocators is not None and not self.allocators_sum():
            w.fail("ALLOCATORS do not sum to the allocation calls", off)
        self.summary = s

    def sec_index(self, w, off):
        n = w.u64("n_entries")
        if w.left() != 24 * n:
            w.fail("payload_len %d, n_entries %d needs %d"
                   % (w.end - off - 8, n, 8 + 24 * n), off + 4)
        if n != len(self.sections):
            w.fail("%d entries, %d sections before INDEX"
                   % (n, len(self.sections)), off + 8)
        for i, sec in enumerate(self.sections):
            at = w.pos
            e = (w.u64("offset"), w.u64("key"), w.u16("type"),
                 w.u16("flags"), w.u32("payload_len"))
            if e != sec:
                w.fail("entry %d is %s, the section is %s" % (i, e, sec), at)
        self.index_off = off
        self.after_index = True

    def sec_end(self, w, off):
        if w.left() != END_LEN:
            w.fail("payload_len %d, not 24" % w.left(), off + 4)
        index_off, end_off, n = w.u64("index_offset"), w.u64("end_offset"), \
            w.u64("sections")
        if index_off != (self.index_off or 0):
            w.fail("index_offset %d, INDEX is at %d" % (index_off,
                                                        self.index_off or 0),
                   off + 8)
        if end_off != off:
            w.fail("end_offset %d" % end_off, off + 16)
        if n != len(self.sections):
            w.fail("sections %d, %d sections before END"
                   % (n, len(self.sections)), off + 24)

    # -- the dump -------------------------------------------------------

    def dump(self):
        m, out = self.meta, []
        out.append("meta source_format " + esc(m[1]))
        for tag in (2, 3, 4):
            if tag in m:
                out.append("meta %s %s" % (TAGS[tag][0], esc(m[tag])))
        if 5 in m:
            out.append("meta source_size %d" % m[5])
        if 6 in m:
            out.append("meta source_hash sha256 " + m[6].hex())
        if 7 in m:
            out.append("meta command " + esc(m[7]))
        for tag in (8, 9, 10):
            out.append("meta %s %d" % (TAGS[tag][0],
                                       m.get(tag, DEFAULTS[tag])))
        f = self.fixed[11]
        out.append("meta capture_flags native_traces=%d native_offsets=%d"
                   " has_totals=%d has_event_stream=%d"
                   % (f & 1, f >> 1 & 1, f >> 2 & 1, f >> 3 & 1))
        for tag in (12, 13, 14, 15):
            out.append("meta %s %d" % (TAGS[tag][0], self.fixed[tag]))
        out += ["meta thread %d %s" % (t, esc(n)) for t, n in self.threads]
        out += ["meta suppression " + esc(s) for s in self.suppressions]
        out += ["meta warning " + esc(s) for s in self.warnings]
        if m.get(19):
            out.append("meta warnings_dropped %d" % m[19])
        if 20 in m:
            out.append("meta source_truncated %d %s" % (m[20][0],
                                                       esc(m[20][1])))
        if 21 in m:
            out.append("meta inconsistent " + esc(m[21]))
        out += ["string %d %s" % (i, esc(s))
                for i, s in enumerate(self.strings, 1)]
        out += ["frame %d %d %d %d %d %d %d" % ((i,) + f)
                for i, f in enumerate(self.frames, 1)]
        out += ["stack %d %d %d %d" % ((i,) + s)
                for i, s in enumerate(self.stacks, 1)]
        self.log.seek(0)
        head = "\n".join(out) + "\n"
        out = ["time_mark %d %d" % m[:2] for m in self.time_marks]
        out += ["rss %d %d" % r for r in self.rss]
        out += ["stage_mark %d %d %d %s %s" % (s[0], s[1], s[3], esc(s[4]),
                                               esc(s[5]))
                for s in self.stage_marks]
        out += ["symbols %s %s %s %d %d %d %d" % ((esc(s[0]), esc(s[1]), esc(s[2]))
                                                  + s[3:])
                for s in self.symbols]
        out += ["calls %d %d %d %d" % ((i,) + e)
                for i, e in enumerate(self.stack_calls)]
        if self.leaks is not None:
            out.append("leaks %d" % len(self.leaks))
            out += ["leak %d %d %d %d" % e for e in self.leaks]
        if self.allocators is not None:
            out.append("allocators %d" % len(self.allocators))
            out += ["allocator %d %d %d %d" % e for e in self.allocators]
        if self.summary is not None:
            out.append("summary " + " ".join(
                "%s %d" % (k, self.summary[k]) for k in (
                    "events", "alloc_count", "alloc_bytes", "temporary_count",
                    "peak_bytes", "peak_ev_idx", "end_bytes", "end_count",
                    "leaked_bytes", "leaked_count", "suppressed_bytes",
                    "suppressed_count", "rss_max_bytes")))
        if self.truncated is not None:
            out.append("truncated %d" % self.truncated)
        tail = "".join(line + "\n" for line in out)
        return head, self.log, tail


def check(data, no_index=False):
    """The dump of a file's bytes as one string, and the offset it is
    truncated at (None when complete).  Raises Damage."""
    c = Checker(data, no_index)
    head, log, tail = c.run()
    return head + log.read() + tail, c.truncated


def run(argv, out, err):
    """The command line; returns the exit status."""
    flags = {"--no-index", "--strict-complete"}
    files = [a for a in argv if a not in flags]
    if len(files) != 1 or files[0].startswith("--"):
        err.write("usage: mtui_check.py FILE [--no-index]"
                  " [--strict-complete]\n")
        return 2
    name = files[0]
    try:
        with open(name, "rb") as fp:
            data = fp.read()
    except OSError as e:
        err.write("mtui_check: %s: %s\n" % (name, e.strerror))
        return 2
    try:
        c = Checker(data, "--no-index" in argv)
        head, log, tail = c.run()
        if c.truncated is not None and "--strict-complete" in argv:
            raise Damage(c.truncated, "no END section: the file is truncated")
    except Damage as e:
        err.write("mtui_check: %s: byte %d: %s\n" % (name, e.offset, e.msg))
        return 1
    out.write(head)
    while True:
        b = log.read(1 << 20)
        if not b:
            break
        out.write(b)
    out.write(tail)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))
