#!/usr/bin/env python3
"""Damaged copies of every sample capture never load silently with wrong figures.

From each capture under SAMPLES_DIR/memray and SAMPLES_DIR/heaptrack that
loads unflagged, the test makes copies

  memray plain     cut at record boundaries and at spread offsets; an early
                   TRAILER (0x01) written over a record's first byte; a
                   record's first byte flipped
  memray lz4       the decoded stream cut at record boundaries and
                   recompressed (a cleanly closed frame); the file cut at
                   spread offsets (inside and between blocks); an early
                   trailer in the decoded stream, recompressed
  heaptrack text   cut at line boundaries and inside lines (plain, and
                   inside a cleanly closed zstd or gzip stream); the file
                   cut at spread offsets; bytes flipped in the compressed
                   data (zstd and gzip carry checksums)

and runs `memtui report --json` on each.  Every copy must exit 2 with one
line naming it, or load flagged ("truncated" or "inconsistent") with a
warning on stderr, or load unflagged with exactly the original's figures
(allocations, bytes allocated, temporary, peak, leaks, peak RSS).  A crash,
a hang, a sanitizer report, a changed input or a silent wrong figure fails.

Record boundaries of memray captures come from ../shared/tools/memray_decode.py
when SHARED_DIR has it (CI does); without it, the cuts and early trailers
are at every offset of three windows of the stream.

With --few (the sanitizer build) a third as many copies per capture.

usage: test_damage.py [--few] MEMTUI SAMPLES_DIR [SHARED_DIR]
"""
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Copies per capture: record boundaries (memray), line boundaries (heaptrack),
# offsets anywhere in the file.  About 4,000 copies in all.
RECORDS, LINES, ANYWHERE = 60, 40, 40

FIGURES = (("totals", "allocations"), ("totals", "allocated_bytes"), ("totals", "temporary"),
           ("peak", "bytes"), ("leaks", "bytes"), ("leaks", "allocations"),
           ("rss", "max_bytes"))


def figures(rep):
    return tuple(rep[a][b] for a, b in FIGURES)


class Damage:
    def __init__(self, memtui, tmp):
        self.memtui, self.tmp = memtui, tmp
        self.counts = {}        # kind -> {"refused", "flagged", "equal"} -> n
        self.failed = 0
        self.n = 0

    def fail(self, what, why):
        self.failed += 1
        if self.failed <= 40:
            print("FAIL %s: %s" % (what, why))

    def report(self, path):
        p = subprocess.run([self.memtui, "report", "--json", "--no-progress", path],
                           capture_output=True, timeout=60)
        return p

    def check(self, kind, what, data, want, suffix):
        """Writes data to a file and checks how memtui takes it."""
        self.n += 1
        path = os.path.join(self.tmp, "copy%d%s" % (self.n, suffix))
        with open(path, "wb") as f:
            f.write(data)
        digest = hashlib.sha256(data).hexdigest()
        try:
            p = self.report(path)
        except subprocess.TimeoutExpired:
            return self.fail(what, "hang (no exit in 60 s)")
        err = p.stderr.decode(errors="replace")
        lines = [l for l in err.splitlines() if l]
        tally = self.counts.setdefault(kind, {"refused": 0, "flagged": 0, "equal": 0})
        if "Sanitizer" in err or "runtime error" in err:
            return self.fail(what, "sanitizer: " + err[:1500])
        if hashlib.sha256(open(path, "rb").read()).hexdigest() != digest:
            return self.fail(what, "the input file changed")
        if p.returncode == 2:
            if len(lines) != 1 or not lines[0].startswith("memtui: " + path + ": "):
                return self.fail(what, "exit 2 without one line naming the file: %r" % err)
            tally["refused"] += 1
        elif p.returncode == 0:
            rep = json.loads(p.stdout)
            if rep["truncated"] or rep["inconsistent"]:
                if not any(path in l and "warning" in l for l in lines):
                    return self.fail(what, "flagged without a warning line: %r" % err)
                tally["flagged"] += 1
            elif figures(rep) != want:
                return self.fail(what, "loads silently with other figures: %s, the intact "
                                 "file's %s" % (figures(rep), want))
            else:
                tally["equal"] += 1
        else:
            return self.fail(what, "exit %d: %s" % (p.returncode, err[:1500]))
        os.unlink(path)


def pick(offsets, n):
    """At most n of offsets: the first and last few, the rest spread between."""
    if len(offsets) <= n:
        return offsets
    step = len(offsets) / (n - 10)
    return sorted(set(offsets[:5] + offsets[-5:] +
                      [offsets[int(i * step)] for i in range(n - 10)]))


def spread(lo, hi, n):
    """n offsets spread over [lo, hi)."""
    if hi <= lo:
        return []
    step = max(1, (hi - lo) // n)
    return list(range(lo, hi, step))


def memray_boundaries(shared, path, data, end):
    """Offsets in the decoded stream where a record starts (after the header)."""
    tool = os.path.join(shared or "", "tools", "memray_decode.py")
    if shared and os.path.isfile(tool):
        # The decoder reads plain files; the decoded lz4 stream is passed as one.
        tmp = path + ".plain"
        with open(tmp, "wb") as f:
            f.write(data)
        p = subprocess.run([sys.executable, tool, "--offsets", "--dump", "1000000000", tmp],
                           capture_output=True, timeout=300)
        os.unlink(tmp)
        offs = []
        for line in p.stdout.decode().splitlines():
            if line.startswith("("):
                parts = line.strip("()").split(", ")
                if len(parts) > 1 and parts[1].isdigit():
                    offs.append(int(parts[1]))
        if offs:
            return [o for o in offs if o < end]
    # Without the decoder: every offset of three windows.
    out = []
    for c in (end // 8, end // 2, end - 300):
        out += range(max(1, c), min(end, c + 300))
    return sorted(set(out))


def data_end(data):
    """The stream's end before memray's zero padding."""
    n = len(data)
    while n and data[n - 1] == 0:
        n -= 1
    return n


def lz4(args, data):
    return subprocess.run(["lz4"] + args, input=data, capture_output=True, check=True).stdout


def zstd(args, data):
    return subprocess.run(["zstd", "-q"] + args, input=data, capture_output=True,
                          check=True).stdout


def damage_memray(d, path, plain, want, shared, lz4_file):
    name = os.path.basename(path)
    end = data_end(plain)
    starts = memray_boundaries(shared, os.path.join(d.tmp, name), plain, end)
    pack = (lambda b: lz4(["-q", "-c", "--no-frame-crc"], b)) if lz4_file else (lambda b: b)
    kind = "memray lz4" if lz4_file else "memray plain"
    starts = pick(starts, RECORDS)
    for o in starts:
        d.check(kind + ": cut at a record", "%s cut at record %d" % (name, o),
                pack(plain[:o]), want, ".bin")
        if plain[o] != 0x01:    # not the TRAILER itself
            d.check(kind + ": early trailer", "%s trailer at record %d" % (name, o),
                    pack(plain[:o] + b"\x01" + plain[o + 1:]), want, ".bin")
    if not lz4_file:
        for o in starts:
            d.check(kind + ": record byte flipped", "%s record byte %d flipped" % (name, o),
                    plain[:o] + bytes([plain[o] ^ 0x80]) + plain[o + 1:], want, ".bin")
        for o in spread(1, end, ANYWHERE):
            d.check(kind + ": cut anywhere", "%s cut at %d" % (name, o), plain[:o], want,
                    ".bin")
    else:
        raw = open(path, "rb").read()
        for o in spread(1, len(raw), ANYWHERE):
            d.check(kind + ": file cut anywhere", "%s file cut at %d" % (name, o), raw[:o],
                    want, ".bin")


def damage_heaptrack(d, path, text, want, codec):
    name = os.path.basename(path)
    pack = {"plain": lambda b: b, "gzip": lambda b: gzip.compress(b, mtime=0),
            "zstd": lambda b: zstd(["-c"], b)}[codec]
    kind = "heaptrack " + codec
    nl = pick([i + 1 for i, c in enumerate(text) if c == 0x0a][:-1], LINES)
    for o in nl:
        d.check(kind + ": cut at a line", "%s cut after line at %d" % (name, o),
                pack(text[:o]), want, ".txt")
        mid = o + 3
        if mid < len(text) and text[mid - 1] != 0x0a:
            d.check(kind + ": cut in a line", "%s cut in a line at %d" % (name, mid),
                    pack(text[:mid]), want, ".txt")
    if codec != "plain":
        raw = open(path, "rb").read()
        for o in spread(1, len(raw), ANYWHERE):
            d.check(kind + ": file cut anywhere", "%s file cut at %d" % (name, o), raw[:o],
                    want, ".txt")
        # Past the format's own header bytes: zstd and gzip check their data.
        for o in spread(20, len(raw) - 8, ANYWHERE):
            d.check(kind + ": byte flipped", "%s byte %d flipped" % (name, o),
                    raw[:o] + bytes([raw[o] ^ 0x10]) + raw[o + 1:], want, ".txt")


def codec_of(raw):
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    if raw[:2] == b"\x1f\x8b":
        return "gzip"
    if raw[:4] == b"\x04\x22\x4d\x18":
        return "lz4"
    return "plain"


def main():
    global RECORDS, LINES, ANYWHERE
    args = sys.argv[1:]
    if args[:1] == ["--few"]:
        args = args[1:]
        RECORDS, LINES, ANYWHERE = RECORDS // 3, LINES // 3, ANYWHERE // 3
    if len(args) not in (2, 3):
        print(__doc__)
        return 2
    memtui, samples = os.path.abspath(args[0]), args[1]
    shared = args[2] if len(args) == 3 and os.path.isdir(args[2]) else None
    for tool in ("lz4", "zstd"):
        if not shutil.which(tool):
            print("damage: %s not installed (scripts/setup.sh installs it)" % tool)
            return 1
    tmp = tempfile.mkdtemp(prefix="memtui-damage-")
    d = Damage(memtui, tmp)
    try:
        for tool in ("memray", "heaptrack"):
            folder = os.path.join(samples, tool)
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                if name.endswith((".json", ".so")) or ".print." in name or \
                        name.endswith(".diff.print.txt"):
                    continue
                p = d.report(path)
                if p.returncode != 0:
                    continue
                rep = json.loads(p.stdout)
                if rep["truncated"] or rep["inconsistent"]:
                    continue        # already damaged: nothing to compare with
                want = figures(rep)
                raw = open(path, "rb").read()
                codec = codec_of(raw)
                if tool == "memray":
                    if rep["meta"].get("native_traces") and codec == "plain" and \
                            os.path.getsize(path) > 40000:
                        continue    # the native fixtures: the same records, slower runs
                    plain = lz4(["-d", "-c", "-q"], raw) if codec == "lz4" else raw
                    damage_memray(d, path, plain, want, shared, codec == "lz4")
                else:
                    text = {"plain": lambda b: b, "gzip": gzip.decompress,
                            "zstd": lambda b: zstd(["-d", "-c"], b)}[codec](raw)
                    damage_heaptrack(d, path, text, want, codec)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = {"refused": 0, "flagged": 0, "equal": 0}
    for kind in sorted(d.counts):
        c = d.counts[kind]
        for k in total:
            total[k] += c[k]
        print("%-40s refused %5d  flagged %5d  silent, same figures %5d" %
              (kind, c["refused"], c["flagged"], c["equal"]))
    print("damage: %d copies: %d refused, %d flagged, %d silent with the same figures, "
          "%d failed" % (d.n, total["refused"], total["flagged"], total["equal"], d.failed))
    return 1 if d.failed else 0


if __name__ == "__main__":
    sys.exit(main())
