#!/usr/bin/env python3
"""Inputs that used to hang memtui or report the wrong place, and the container checks.

What it covers (docs/formats/containers.md):
  - files that are not regular files (a FIFO without a writer, a socket, a
    directory, /dev/zero, /dev/urandom, /dev/stdin fed by a pipe, a symlink to
    a FIFO) are refused at once with one line and exit status 2, by `memtui
    report` and by the explorer; /dev/stdin redirected from a regular file loads;
  - a memray capture padded to 200 GB with a hole (a sparse file: no disk)
    loads in seconds with stages.bin's figures, by the report and by the
    explorer, and q then ends the explorer within a second;
  - a load that takes long (a tiny zstd file whose second frame decodes to
    gigabytes of empty lines) ends within a second of SIGINT in `memtui report`
    (exit 130, "cancelled") and of q, Esc or Ctrl-C in the explorer (tmux);
  - a zstd or lz4 decode error names the file offset where the rejected block's
    data starts (just after its block header), not byte 0; truncated_at counts
    decoded bytes and a warning gives the decode error's file offset;
  - a content checksum that does not match (lz4 as the lz4 tool writes it, zstd)
    loads the data flagged inconsistent with the intact file's figures;
  - with CPP_CAPTURE (the recorded clang++ capture), q while the explorer
    analyses it (after the read) ends memtui within a second, exit 130.

The tmux part is skipped (not failed) when tmux is missing.

usage: test_hangs.py MEMTUI SAMPLE_CAPTURES [CPP_CAPTURE]
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import Suite, Tmux  # noqa: E402

STAGES = {"allocations": 490, "peak": 14250579}          # memray/stages.bin
HT_STAGES = {"allocations": 5021, "peak": 5095360}       # heaptrack/heaptrack.stages.zst
REFUSE = "not a regular file: save the capture to a file first"


def run(args, timeout=20, **kw):
    """(exit status, stdout, stderr, seconds); a hang is a status of 'timeout'."""
    t0 = time.time()
    try:
        p = subprocess.run(args, capture_output=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        return "timeout", b"", b"", time.time() - t0
    return p.returncode, p.stdout, p.stderr.decode(errors="replace"), time.time() - t0


def figures(out):
    r = json.loads(out)
    return r, {"allocations": r["totals"]["allocations"], "peak": r["peak"]["bytes"]}


def rle_frame(byte, blocks):
    """A zstd frame of RLE blocks: 4 bytes each on disk, 128 KiB each decoded."""
    out = bytearray(b"\x28\xb5\x2f\xfd\x00\x38")  # no checksum, no size, 128 KiB window
    for i in range(blocks):
        h = (131072 << 3) | (1 << 1) | (1 if i == blocks - 1 else 0)
        out += bytes([h & 255, (h >> 8) & 255, (h >> 16) & 255, byte])
    return bytes(out)


def lz4_first_block(data):
    """(offset of the block size field, offset of the block data) of an lz4 frame."""
    flg = data[4]
    p = 6 + (8 if flg & 0x08 else 0) + (4 if flg & 0x01 else 0) + 1
    return p, p + 4


def check_not_regular(t, memtui, samples, tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    link = os.path.join(tmp, "link-to-fifo")
    os.symlink(fifo, link)
    sock = os.path.join(tmp, "sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock)
    cases = [(fifo, "is a pipe (FIFO), " + REFUSE), (link, "is a pipe (FIFO), " + REFUSE),
             (sock, "is a socket, " + REFUSE), ("/dev/zero", "is a character device, " + REFUSE),
             ("/dev/urandom", "is a character device, " + REFUSE),
             (tmp, "is a directory, not a capture file")]
    for path, msg in cases:
        for how in (["report"], ["--replay", "q"]):
            rc, _, err, secs = run([memtui] + how + [path], timeout=10)
            what = "%s %s" % (" ".join(how), path)
            t.check(what + ": exit status", rc, 2)
            t.check(what + ": one line", err, "memtui: %s: %s\n" % (path, msg))
            t.true(what + ": at once", secs < 2, "%.1f s" % secs)
    s.close()
    stages = os.path.join(samples, "memray", "stages.bin")
    data = open(stages, "rb").read()
    rc, _, err, _ = run([memtui, "report", "/dev/stdin"], input=data, timeout=10)
    t.check("/dev/stdin from a pipe: exit status", rc, 2)
    t.check("/dev/stdin from a pipe: one line", err,
            "memtui: /dev/stdin: is a pipe (FIFO), " + REFUSE + "\n")
    with open(stages, "rb") as f:
        rc, out, err, _ = run([memtui, "report", "--json", "/dev/stdin"], stdin=f)
    t.check("/dev/stdin from a file: exit status", rc, 0)
    if rc == 0:
        t.check("/dev/stdin from a file: figures", figures(out)[1], STAGES)


def make_sparse(samples, tmp):
    path = os.path.join(tmp, "sparse-200G.bin")
    shutil.copyfile(os.path.join(samples, "memray", "stages.bin"), path)
    os.truncate(path, 200 << 30)
    return path


def check_sparse_report(t, memtui, sparse):
    rc, out, err, secs = run([memtui, "report", "--json", "--no-progress", sparse], timeout=60)
    t.check("200 GB sparse: report exit status", rc, 0)
    t.true("200 GB sparse: report within 10 s", secs < 10, "%.1f s" % secs)
    if rc == 0:
        r, f = figures(out)
        t.check("200 GB sparse: figures", f, STAGES)
        t.check("200 GB sparse: not truncated", r["truncated"], False)
        t.check("200 GB sparse: no stderr", err, "")


def make_slow(samples, tmp):
    """heaptrack.stages.zst, then a 625 KB frame that decodes to 20 GB of empty lines."""
    path = os.path.join(tmp, "slow.zst")
    with open(path, "wb") as f:
        f.write(open(os.path.join(samples, "heaptrack", "heaptrack.stages.zst"), "rb").read())
        f.write(rle_frame(0x0a, 160000))
    return path


def check_sigint(t, memtui, slow):
    p = subprocess.Popen([memtui, "report", "--no-progress", slow], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    time.sleep(1.5)
    t.check("slow load: still loading after 1.5 s", p.poll(), None)
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    secs = time.time() - t0
    t.check("report, SIGINT while loading: exit status", p.returncode, 130)
    t.true("report, SIGINT while loading: ends within a second", secs < 1, "%.2f s" % secs)
    t.check("report, SIGINT while loading: one line", err.decode(errors="replace"),
            "memtui: %s: cancelled\n" % slow)
    t.check("report, SIGINT while loading: no report", out, b"")


def flipped(tmp, name, data, at):
    """A copy of data in tmp/name with the byte at offset at inverted; its path."""
    bad = bytearray(data)
    bad[at] ^= 0xff
    path = os.path.join(tmp, name)
    open(path, "wb").write(bad)
    return path


def check_decode_offsets(t, memtui, samples, tmp):
    # zstd: heaptrack.threads.zst has three blocks; the first block's data starts
    # at byte 9 (frame header 6, block header 3), the second's at 9089.
    src = open(os.path.join(samples, "heaptrack", "heaptrack.threads.zst"), "rb").read()
    path = flipped(tmp, "zstd-bad-block1.zst", src, 20)
    rc, _, err, _ = run([memtui, "report", path])
    t.check("zstd, bad first block: exit status", rc, 2)
    t.check("zstd, bad first block: offset of its data", err,
            "memtui: %s: zstd stream Data corruption detected (at byte 9)\n" % path)
    path = flipped(tmp, "zstd-bad-block2.zst", src, 9090)
    rc, out, err, _ = run([memtui, "report", "--json", path])
    t.check("zstd, bad second block: loads truncated", rc, 0)
    if rc == 0:
        r = json.loads(out)
        # The first block decodes to 131072 bytes; its last, cut line starts at 131070.
        t.check("zstd, bad second block: truncated_at in decoded bytes",
                (r["truncated"], r["truncated_at"]), (True, 131070))
        t.true("zstd, bad second block: warning with the file offset",
               "zstd stream Data corruption detected at byte 9089 of the file" in r["warnings"],
               repr(r["warnings"]))
    # lz4: stages_lz4.bin is one frame of one block.
    src = open(os.path.join(samples, "memray", "stages_lz4.bin"), "rb").read()
    size_at, data_at = lz4_first_block(src)
    t.check("lz4 sample: block data offset", (size_at, data_at), (7, 11))
    path = flipped(tmp, "lz4-bad-block.bin", src, 16000)
    rc, _, err, _ = run([memtui, "report", path])
    t.check("lz4, bad block: exit status", rc, 2)
    t.check("lz4, bad block: offset of its data", err,
            "memtui: %s: lz4 stream ERROR_decompressionFailed (at byte 11)\n" % path)
    # Two frames: memray reads on past the first frame's TRAILER (data after
    # it would flag the capture); the second frame's bad block cuts the stream
    # there: truncated at the end of the first frame's decoded bytes, and a
    # warning gives the bad block's file offset.
    path = flipped(tmp, "lz4-bad-second-frame.bin", src + src, len(src) + 16000)
    rc, out, err, _ = run([memtui, "report", "--json", path])
    t.check("lz4, bad second frame: loads", rc, 0)
    if rc == 0:
        r, f = figures(out)
        t.check("lz4, bad second frame: figures", f, STAGES)
        t.check("lz4, bad second frame: flagged truncated",
                (r["truncated"], r["truncated_at"], r["truncated_reason"], r["warnings"]),
                (True, 24576, "lz4 stream ERROR_decompressionFailed",
                 ["lz4 stream ERROR_decompressionFailed at byte %d of the file" %
                  (len(src) + 11)]))


def check_checksums(t, memtui, samples, tmp):
    path = os.path.join(samples, "damaged", "stages_lz4_badcrc.bin")
    size = os.path.getsize(path)
    rc, out, err, _ = run([memtui, "report", "--json", path])
    t.check("lz4 bad content checksum: loads", rc, 0)
    if rc == 0:
        r, f = figures(out)
        t.check("lz4 bad content checksum: stages.bin's figures", f, STAGES)
        why = ("lz4 content checksum at byte %d does not match the decoded data: the data "
               "may be damaged" % (size - 4))
        t.check("lz4 bad content checksum: flagged inconsistent",
                (r["truncated"], r["inconsistent"], r["inconsistent_reason"]),
                (False, True, why))
        t.true("lz4 bad content checksum: stderr says so", why in err, err)
    src = bytearray(open(os.path.join(samples, "heaptrack", "heaptrack.stages.zst"),
                         "rb").read())
    src[-1] ^= 0xff
    path = os.path.join(tmp, "zstd-bad-checksum.zst")
    open(path, "wb").write(src)
    rc, out, err, _ = run([memtui, "report", "--json", path])
    t.check("zstd bad content checksum: loads", rc, 0)
    if rc == 0:
        r, f = figures(out)
        t.check("zstd bad content checksum: the intact figures", f, HT_STAGES)
        t.check("zstd bad content checksum: flagged inconsistent",
                (r["truncated"], r["inconsistent"], r["inconsistent_reason"]),
                (False, True, "zstd content checksum at byte %d does not match the decoded "
                 "data: the data may be damaged" % (len(src) - 4)))
    for name in ("heaptrack/heaptrack.stages.zst", "memray/stages_lz4.bin"):
        rc, out, _, _ = run([memtui, "report", "--json", os.path.join(samples, name)])
        r = json.loads(out) if rc == 0 else {}
        t.check("%s intact: unflagged" % name, (rc, r.get("truncated"), r.get("inconsistent")),
                (0, False, False))


def check_explorer(t, memtui, sparse, slow, fifo):
    # The sparse file loads into the explorer; q ends it within a second.
    s = Tmux("sparse", "%s %s" % (memtui, sparse))
    try:
        scr = s.wait(lambda x: "in 490 allocations" in x or "EXIT=" in x, timeout=20)
        t.true("explorer, 200 GB sparse: stages.bin's figures", "in 490 allocations" in scr,
               scr[-400:])
        t0 = time.time()
        s.keys("q")
        scr = s.wait(lambda x: "EXIT=" in x, timeout=5)
        secs = time.time() - t0
        t.true("explorer, 200 GB sparse: q quits with status 0", "EXIT=0" in scr, scr[-300:])
        t.true("explorer, 200 GB sparse: within a second", secs < 1, "%.2f s" % secs)
    finally:
        s.close()
    # A slow load: q, Esc and Ctrl-C each cancel it within a second.
    for key in ("q", "Escape", "C-c"):
        s = Tmux("slow-%s" % key, "%s %s" % (memtui, slow))
        try:
            scr = s.wait(lambda x: "ETA" in x or "EXIT=" in x)
            t.true("explorer, slow load: the progress screen", "ETA" in scr, scr[-300:])
            t0 = time.time()
            s.keys(key)
            scr = s.wait(lambda x: "EXIT=" in x, timeout=5)
            secs = time.time() - t0
            t.true("explorer, %s while loading: status 130" % key, "EXIT=130" in scr,
                   scr[-300:])
            t.true("explorer, %s while loading: one message" % key,
                   "memtui: %s: cancelled" % slow in scr, scr[-300:])
            t.true("explorer, %s while loading: within a second" % key, secs < 1,
                   "%.2f s" % secs)
        finally:
            s.close()
    # A FIFO without a writer: refused at once, not "cancelling..." forever.
    s = Tmux("fifo", "%s %s" % (memtui, fifo))
    try:
        scr = s.wait(lambda x: "EXIT=" in x, timeout=5)
        t.true("explorer, FIFO: refused with status 2", "EXIT=2" in scr, scr[-300:])
        t.true("explorer, FIFO: one line", "memtui: %s: is a pipe (FIFO), %s" % (fifo, REFUSE)
               in scr.replace("\n", ""), scr[-300:])
    finally:
        s.close()


def check_analysing(t, memtui, cpp):
    """q while a large capture is being analysed ends memtui within a second."""
    s = Tmux("analysing", "%s %s" % (memtui, cpp))
    try:
        scr = s.wait(lambda x: "analysing" in x or "EXIT=" in x, timeout=300)
        if not t.true("explorer, clang++ capture: the analysing screen", "analysing" in scr,
                      scr[-300:]):
            return
        t0 = time.time()
        s.keys("q")
        scr = s.wait(lambda x: "EXIT=" in x, timeout=10)
        secs = time.time() - t0
        t.true("explorer, q while analysing: status 130", "EXIT=130" in scr, scr[-300:])
        t.true("explorer, q while analysing: within a second", secs < 1, "%.2f s" % secs)
    finally:
        s.close()


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    memtui, samples = os.path.abspath(sys.argv[1]), sys.argv[2]
    t = Suite("hangs")
    tmp = tempfile.mkdtemp(prefix="memtui-hangs-")
    try:
        check_not_regular(t, memtui, samples, tmp)
        sparse = make_sparse(samples, tmp)
        check_sparse_report(t, memtui, sparse)
        slow = make_slow(samples, tmp)
        check_sigint(t, memtui, slow)
        check_decode_offsets(t, memtui, samples, tmp)
        check_checksums(t, memtui, samples, tmp)
        tmux = shutil.which("tmux")
        if tmux:
            check_explorer(t, memtui, sparse, slow, os.path.join(tmp, "fifo"))
            if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
                check_analysing(t, memtui, sys.argv[3])
    finally:
        shutil.rmtree(tmp)
    print("hangs: %d passed, %d failed" % (t.passed, t.failed))
    if t.failed or not t.passed:
        return 1
    if not tmux:
        print("skip: tmux not installed (the explorer checks did not run)")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
