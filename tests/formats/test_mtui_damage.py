#!/usr/bin/env python3
"""Damaged .mtui files: a flagged partial load or one clear error, never a
crash, a hang or a wrong figure, in the report and in the explorer.

For each sample .mtui (sample-captures/mtui/):
  - cut at every section boundary and in the middle of every section;
  - every 2nd byte flipped (of a sample under 8 KiB; every 7th of larger
    ones; a tenth as many with --few);
  - a section length made huge (over the 8 MiB bound, and 2^32 - 1), the
    INDEX's entry count and END's index offset made wrong;
  - the INDEX removed (END rewritten without it): the file is whole and
    must load whole, with the intact figures, by scanning.
Each damaged copy goes through `memtui report --json` (read front to back)
and `memtui --replay ''` (opened in place when its index allows).  The
report must exit 0 with the intact JSON, or exit 0 flagged truncated (with
the offset where the damage is, at or before the damaged byte), or exit 2
with one line naming the file and a byte offset.  The explorer's first
screen must equal the intact one, or say the capture is truncated or
damaged, or exit 2 with one line.  Never a signal, never a sanitizer report.

usage: test_mtui_damage.py MEMTUI [--few] DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

END_LEN = 36


def sections(data):
    """(offset, type, payload_len) of every section of a whole file."""
    out, off = [], struct.unpack_from("<I", data, 12)[0]
    while off < len(data):
        typ, _, plen = struct.unpack_from("<HHI", data, off)
        out.append((off, typ, plen))
        off += 12 + plen
    return out


def reframe(data, off):
    """Recomputes the crc of the section at off (after its header was changed)."""
    plen = struct.unpack_from("<I", data, off + 4)[0]
    crc = zlib.crc32(bytes(data[off:off + 8 + plen]))
    struct.pack_into("<I", data, off + 8 + plen, crc)


def without_index(data):
    """The file with its INDEX removed and END saying so."""
    secs = sections(data)
    ix = [s for s in secs if s[1] == 0x000B][0]
    end = secs[-1]
    out = bytearray(data[:ix[0]]) + bytearray(data[end[0]:])
    e = len(out) - END_LEN
    n = struct.unpack_from("<Q", out, e + 24)[0]
    struct.pack_into("<QQQ", out, e + 8, 0, e, n - 1)
    reframe(out, e)
    return bytes(out)


class Run:
    def __init__(self, memtui, work):
        self.memtui, self.work = memtui, work
        self.n = 0
        self.failed = []

    def files(self, data, name):
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, args):
        try:
            p = subprocess.run([self.memtui] + args, capture_output=True, text=True,
                               errors="replace", timeout=60)
        except subprocess.TimeoutExpired:
            return None
        return p

    def fail(self, what):
        self.failed.append(what)
        print("FAIL", what, file=sys.stderr)

    def check(self, data, what, intact, damaged_at=None, whole=False):
        """One damaged copy through the report and the explorer."""
        path = self.files(data, "damaged.mtui")
        self.n += 1
        p = self.run(["report", "--json", "--no-progress", path])
        if p is None or p.returncode not in (0, 2) or "Sanitizer" in p.stderr \
                or "runtime error" in p.stderr:
            self.fail("%s: report: %s" % (what, "hang" if p is None else
                                          "exit %d %s" % (p.returncode, p.stderr[-300:])))
            return
        if p.returncode == 2:
            lines = p.stderr.strip().splitlines()
            if whole or len(lines) != 1 or path not in lines[0] or "byte" not in lines[0]:
                self.fail("%s: report error is not one line with the file and a byte: %r"
                          % (what, p.stderr))
        else:
            doc = json.loads(p.stdout)
            for k in ("file",):
                doc.pop(k, None)
            if doc["truncated"]:
                if whole:
                    self.fail("%s: a whole file loads truncated: %s" % (what,
                              doc["truncated_reason"]))
                elif damaged_at is not None and doc["truncated_at"] > damaged_at:
                    self.fail("%s: truncated at %d, after the damage at %d"
                              % (what, doc["truncated_at"], damaged_at))
            elif doc != intact["json"]:
                self.fail("%s: not flagged, and other figures" % what)
        self.n += 1
        q = self.run(["--replay", "", path])
        if q is None or q.returncode not in (0, 2) or "Sanitizer" in q.stderr \
                or "runtime error" in q.stderr:
            self.fail("%s: explorer: %s" % (what, "hang" if q is None else
                                            "exit %d %s" % (q.returncode, q.stderr[-300:])))
            return
        if q.returncode == 2:
            if len(q.stderr.strip().splitlines()) != 1 or whole:
                self.fail("%s: explorer error: %r" % (what, q.stderr))
            return
        screen = q.stdout.replace(path, "FILE")
        flagged = "truncated" in screen or "damaged" in screen
        if screen != intact["screen"] and not flagged:
            self.fail("%s: explorer shows other figures, unflagged" % what)
        if whole and screen != intact["screen"]:
            self.fail("%s: explorer: a whole file shows another screen" % what)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    memtui, few = args[0], "--few" in args
    folder = [a for a in args[1:] if a != "--few"][0]
    samples = sorted(os.path.join(folder, f) for f in os.listdir(folder)
                     if f.endswith(".mtui"))
    with tempfile.TemporaryDirectory(prefix="mtui_damage.") as work:
        r = Run(memtui, work)
        for sample in samples:
            data = open(sample, "rb").read()
            path = r.files(data, "damaged.mtui")
            intact = {"json": json.loads(r.run(["report", "--json", path]).stdout),
                      "screen": r.run(["--replay", "", path]).stdout.replace(path, "FILE")}
            intact["json"].pop("file")
            name = os.path.basename(sample)
            secs = sections(data)
            cuts = set()
            for off, _, plen in secs:
                cuts.update((off, off + 1, off + 8, off + 12 + plen // 2, off + 12 + plen - 1))
            for cut in sorted(c for c in cuts if c < len(data)):
                r.check(data[:cut], "%s cut at %d" % (name, cut), intact)
            # Every 2nd byte of the smallest sample, every 7th of the others (a
            # tenth as many with --few).
            step = (2 if len(data) < 8192 else 7) * (10 if few else 1)
            for i in range(0, len(data), step):
                flipped = bytearray(data)
                flipped[i] ^= 0xFF
                r.check(bytes(flipped), "%s byte %d flipped" % (name, i), intact, i)
            for off, typ, plen in secs:
                for huge in ((1 << 23) + 1, 0xFFFFFFFF):
                    d = bytearray(data)
                    struct.pack_into("<I", d, off + 4, huge)
                    r.check(bytes(d), "%s section %d at %d: length %d" % (name, typ, off, huge),
                            intact, off)
            ix = [s for s in secs if s[1] == 0x000B][0]
            end = len(data) - END_LEN
            for at, field, value in ((ix[0], ix[0] + 8, 1 << 40), (end, end + 8, 7)):
                d = bytearray(data)
                struct.pack_into("<Q", d, field, value)
                reframe(d, at)
                r.check(bytes(d), "%s: index field at %d made %d" % (name, field, value),
                        intact, at)
            r.check(without_index(data), "%s without its index" % name, intact, whole=True)
        print("mtui_damage: %d runs, %d failed" % (r.n, len(r.failed)))
        return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
