"""trace_write: exact raw traces (formats/trace_format.h) for the reader's tests.

A Trace collects records in file order; events go into per-thread blocks
(block(tid, [...])) or stand alone (signal marks).  The caller states the
order, the flushes and the end, so a test can lay out any disorder the
contract allows (or breaks), and knows the figures the reader must give.

    t = Trace(pid=42, argv=["prog", "x"])
    t.module(0, 0x400000, "", [(0, 0x10000)])
    t.stack(1, 0, [0x401234, 0x401100])
    t.block(7, [t.alloc(1, 0x1000, 64, 1), t.free(0, 0x2000)])
    t.flush(2)
    t.end(2, 5_000_000)
    data = t.bytes()

Also a command line tool: `trace_write.py seeds DIR` writes a few traces for
the fuzzer's seed corpus.
"""

import struct
import sys

MAGIC = b"MTUITRC\0"
VERSION = 1

TR_ALLOC, TR_FREE, TR_REALLOC_BEGIN, TR_REALLOC_END, TR_MUNMAP, TR_MARK = 1, 2, 3, 4, 5, 6
TR_BLOCK, TR_THREAD_NAME, TR_STACK, TR_MODULE, TR_MODULE_GONE = 0x10, 0x11, 0x12, 0x13, 0x14
TR_TIME, TR_RSS, TR_FLUSH, TR_END = 0x15, 0x16, 0x17, 0x7F

TA_MALLOC, TA_CALLOC, TA_REALLOC, TA_MMAP, TA_MREMAP = 1, 2, 3, 10, 11
TF_FREE = 1
TM_C_API, TM_PYTHON_API, TM_SIGNAL = 1, 2, 3
TE_EXIT, TE_EXIT_NOW, TE_EXEC = 1, 2, 3


def str16(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<H", len(b)) + b


class Trace:
    def __init__(self, pid=1000, ppid=1, argv=("prog",), exe="/bin/prog", start_ns=10**9,
                 start_unix_ns=1_700_000_000 * 10**9, flags=0, exec_index=0,
                 version=VERSION):
        self.head = (MAGIC + struct.pack("<IIII", version, pid, ppid, exec_index) +
                     struct.pack("<QQII", start_ns, start_unix_ns, 4096, flags) + str16(exe) +
                     struct.pack("<I", len(argv)) + b"".join(str16(a) for a in argv))
        self.start_ns = start_ns
        self.recs = []          # whole records, file order
        self.offsets = []       # offset of each record in bytes()

    # Events: the bytes of one record, for block() or event().
    @staticmethod
    def alloc(seq, ptr, size, stack, kind=TA_MALLOC):
        return struct.pack("<BQQQIB", TR_ALLOC, seq, ptr, size, stack, kind)

    @staticmethod
    def free(seq, ptr, kind=TF_FREE):
        return struct.pack("<BQQB", TR_FREE, seq, ptr, kind)

    @staticmethod
    def realloc_begin(seq, old):
        return struct.pack("<BQQ", TR_REALLOC_BEGIN, seq, old)

    @staticmethod
    def realloc_end(seq, new, size, stack, kind=TA_REALLOC):
        return struct.pack("<BQQQIB", TR_REALLOC_END, seq, new, size, stack, kind)

    @staticmethod
    def munmap(seq, addr, length):
        return struct.pack("<BQQQ", TR_MUNMAP, seq, addr, length)

    def mark(self, seq, name, origin=TM_C_API, ns=None):
        ns = self.start_ns if ns is None else ns
        return struct.pack("<BQQB", TR_MARK, seq, ns, origin) + str16(name)

    # Records in file order.
    def raw(self, b):
        self.recs.append(b)

    def event(self, rec):
        self.raw(rec)

    def block(self, tid, recs):
        body = b"".join(recs)
        self.raw(struct.pack("<BII", TR_BLOCK, tid, len(body)) + body)

    def thread_name(self, tid, name):
        self.raw(struct.pack("<BI", TR_THREAD_NAME, tid) + str16(name))

    def stack(self, sid, seq, addrs):
        self.raw(struct.pack("<BIQH", TR_STACK, sid, seq, len(addrs)) +
                 b"".join(struct.pack("<Q", a) for a in addrs))

    def module(self, seq, bias, path, segs, build_id=b""):
        self.raw(struct.pack("<BQQ", TR_MODULE, seq, bias) + str16(path) +
                 struct.pack("<B", len(build_id)) + build_id + struct.pack("<H", len(segs)) +
                 b"".join(struct.pack("<QQ", v, m) for v, m in segs))

    def module_gone(self, seq, bias):
        self.raw(struct.pack("<BQQ", TR_MODULE_GONE, seq, bias))

    def time(self, seq, ms):
        self.raw(struct.pack("<BQQ", TR_TIME, seq, self.start_ns + ms * 10**6))

    def rss(self, seq, ms, rss):
        self.raw(struct.pack("<BQQQ", TR_RSS, seq, self.start_ns + ms * 10**6, rss))

    def flush(self, w):
        self.raw(struct.pack("<BQ", TR_FLUSH, w))

    def end(self, seq, ms, how=TE_EXIT):
        self.raw(struct.pack("<BQQB", TR_END, seq, self.start_ns + ms * 10**6, how))

    def bytes(self):
        out = bytearray(self.head)
        self.offsets = []
        for r in self.recs:
            self.offsets.append(len(out))
            out += r
        return bytes(out)


def seeds(folder):
    """A few small traces covering every record type (the fuzzer's seeds)."""
    import os
    os.makedirs(folder, exist_ok=True)
    t = Trace(argv=["prog", "a"])
    t.module(0, 0x400000, "", [(0, 0x10000)])
    t.module(0, 0x7f0000000000, "/lib/libc.so.6", [(0, 0x200000)], b"\x01\x02")
    t.thread_name(7, "main")
    t.stack(1, 0, [0x401000, 0x7f0000001000])
    t.stack(2, 0, [0x401100])
    t.block(7, [t.alloc(0, 0x1000, 64, 1), t.realloc_begin(2, 0x1000),
                t.realloc_end(3, 0x2000, 128, 2)])
    t.block(8, [t.alloc(1, 0x3000, 32, 2), t.mark(4, "stage"),
                t.alloc(5, 0x10000, 8192, 1, TA_MMAP), t.munmap(6, 0x11000, 4096)])
    t.time(4, 3)
    t.rss(4, 3, 1 << 20)
    t.flush(5)
    t.event(t.mark(7, "signal 1", TM_SIGNAL))
    t.block(7, [t.free(8, 0x2000)])
    t.module_gone(9, 0x7f0000000000)
    t.end(9, 10)
    with open(os.path.join(folder, "seed1.trace"), "wb") as f:
        f.write(t.bytes())
    cut = t.bytes()
    with open(os.path.join(folder, "seed2.trace"), "wb") as f:
        f.write(cut[:len(cut) - 30])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "seeds":
        seeds(sys.argv[2])
    else:
        sys.exit("usage: trace_write.py seeds DIR")
