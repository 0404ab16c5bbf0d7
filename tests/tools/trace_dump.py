#!/usr/bin/env python3
"""trace_dump: a strict reader of the recorder's raw trace (formats/trace_format.h),
written from that header alone, to check libmemtui_preload.so independently of
formats/trace.c.

    trace_dump.py [--json] [--allow-truncated] TRACE...

Prints per-kind counts and bytes, per-thread counts, marks, modules and the
heap replayed in seq order (total allocated, peak, leaked at the end).  Exits 1
on any break of the format's rules: bad magic or version, a record of an
unknown type, a block holding a record other than TR_ALLOC..TR_MARK, a stack
used before its TR_STACK, a seq used twice, an event with seq < w after a
TR_FLUSH(w), a realloc END without its BEGIN, records after TR_END, a bound
exceeded.  A trace cut short (no TR_END, or a partial last record) is an
error unless --allow-truncated.
"""
import json
import struct
import sys

MAGIC = b"MTUITRC\0"
VERSION = 1
MAX_FRAMES, MAX_BLOCK, MAX_SEGMENTS = 256, 1 << 24, 64
ALLOC_KINDS = {1: "malloc", 2: "calloc", 3: "realloc", 4: "reallocarray",
               5: "posix_memalign", 6: "aligned_alloc", 7: "memalign", 8: "valloc",
               9: "pvalloc", 10: "mmap", 11: "mremap"}
FREE_KINDS = {1: "free", 2: "free_sized", 3: "free_aligned_sized"}
ORIGINS = {1: "c_api", 2: "python_api", 3: "signal"}
ENDS = {1: "exit", 2: "exit_now", 3: "exec"}
EVENT_TYPES = (0x01, 0x02, 0x03, 0x04, 0x05, 0x06)


class Bad(Exception):
    pass


class Cut(Exception):
    """The input ended inside a record."""


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.d, self.p = data, pos
        self.end = len(data) if end is None else end

    def take(self, n):
        if self.p + n > self.end:
            raise Cut()
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack("<H", self.take(2))[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def str16(self):
        return self.take(self.u16()).decode("utf-8", "replace")

    def bytes8(self):
        return self.take(self.u8())


def read_event(r, t, tid):
    """One event record of type t (its type byte read) -> dict."""
    if t == 0x01:
        return dict(type="alloc", seq=r.u64(), ptr=r.u64(), size=r.u64(), stack=r.u32(),
                    kind=r.u8(), tid=tid)
    if t == 0x02:
        e = dict(type="free", seq=r.u64(), ptr=r.u64(), kind=r.u8(), tid=tid)
        if e["ptr"] == 0:
            raise Bad("TR_FREE of 0")
        return e
    if t == 0x03:
        return dict(type="realloc_begin", seq=r.u64(), ptr=r.u64(), tid=tid)
    if t == 0x04:
        return dict(type="realloc_end", seq=r.u64(), ptr=r.u64(), size=r.u64(), stack=r.u32(),
                    kind=r.u8(), tid=tid)
    if t == 0x05:
        return dict(type="munmap", seq=r.u64(), ptr=r.u64(), size=r.u64(), tid=tid)
    if t == 0x06:
        return dict(type="mark", seq=r.u64(), ns=r.u64(), origin=r.u8(), name=r.str16(), tid=tid)
    raise Bad("record type 0x%02x" % t)


def parse(data):
    """-> (header, records, truncated); raises Bad on a rule break."""
    r = Reader(data)
    try:
        if r.take(8) != MAGIC:
            raise Bad("bad magic")
        h = dict(version=r.u32())
        if h["version"] != VERSION:
            raise Bad("version %d" % h["version"])
        h.update(pid=r.u32(), ppid=r.u32(), exec_index=r.u32(), start_ns=r.u64(),
                 start_unix_ns=r.u64(), page_size=r.u32(), flags=r.u32(), exe=r.str16())
        h["argv"] = [r.str16() for _ in range(r.u32())]
    except Cut:
        raise Bad("truncated header")
    if h["flags"] & ~3:
        raise Bad("unknown header flags 0x%x" % h["flags"])
    recs = []
    truncated = False
    while r.p < len(data):
        start = r.p
        try:
            t = r.u8()
            if t == 0x10:
                tid, n = r.u32(), r.u32()
                if n > MAX_BLOCK:
                    raise Bad("block of %d bytes at %d" % (n, start))
                r.take(n)
                br = Reader(data, r.p - n, r.p)
                while br.p < br.end:
                    bt = br.u8()
                    if bt not in EVENT_TYPES:
                        raise Bad("record 0x%02x in a block at %d" % (bt, start))
                    try:
                        recs.append(read_event(br, bt, tid))
                    except Cut:
                        raise Bad("block at %d ends inside a record" % start)
            elif t == 0x06:
                recs.append(read_event(r, t, None))
            elif t in EVENT_TYPES:
                raise Bad("event 0x%02x outside a block at %d" % (t, start))
            elif t == 0x11:
                recs.append(dict(type="thread_name", tid=r.u32(), name=r.str16()))
            elif t == 0x12:
                sid, seq, n = r.u32(), r.u64(), r.u16()
                if n > MAX_FRAMES:
                    raise Bad("stack of %d frames" % n)
                recs.append(dict(type="stack", id=sid, seq=seq,
                                 frames=[r.u64() for _ in range(n)]))
            elif t == 0x13:
                m = dict(type="module", seq=r.u64(), bias=r.u64(), path=r.str16(),
                         build_id=r.bytes8().hex())
                n = r.u16()
                if n > MAX_SEGMENTS:
                    raise Bad("module with %d segments" % n)
                m["segments"] = [(r.u64(), r.u64()) for _ in range(n)]
                recs.append(m)
            elif t == 0x14:
                recs.append(dict(type="module_gone", seq=r.u64(), bias=r.u64()))
            elif t == 0x15:
                recs.append(dict(type="time", seq=r.u64(), ns=r.u64()))
            elif t == 0x16:
                recs.append(dict(type="rss", seq=r.u64(), ns=r.u64(), rss=r.u64()))
            elif t == 0x17:
                recs.append(dict(type="flush", w=r.u64()))
            elif t == 0x7f:
                recs.append(dict(type="end", seq=r.u64(), ns=r.u64(), how=r.u8()))
                if recs[-1]["how"] not in ENDS:
                    raise Bad("TR_END how %d" % recs[-1]["how"])
            else:
                raise Bad("record type 0x%02x at %d" % (t, start))
        except Cut:
            truncated = True
            break
    return h, recs, truncated


def check(recs):
    """The ordering rules; -> list of events in file order."""
    stacks, seqs, w = {}, set(), 0
    events = []
    ended = None
    for i, e in enumerate(recs):
        if ended is not None:
            if ended["how"] != 3:
                raise Bad("a record after TR_END")
            ended = None  # a failed exec: the trace goes on
        t = e["type"]
        if t == "end":
            ended = e
        if t == "stack":
            if e["id"] in stacks and stacks[e["id"]] != e["frames"]:
                raise Bad("stack %d defined twice differently" % e["id"])
            stacks[e["id"]] = e["frames"]
        elif t == "flush":
            if e["w"] < w:
                raise Bad("TR_FLUSH %d after TR_FLUSH %d" % (e["w"], w))
            w = e["w"]
        elif t in ("alloc", "free", "realloc_begin", "realloc_end", "munmap", "mark"):
            if e["seq"] in seqs:
                raise Bad("seq %d used twice" % e["seq"])
            seqs.add(e["seq"])
            if e["seq"] < w:
                raise Bad("event seq %d after TR_FLUSH %d" % (e["seq"], w))
            if "stack" in e and e["stack"] not in stacks:
                raise Bad("stack %d used before TR_STACK" % e["stack"])
            if "kind" in e:
                kinds = FREE_KINDS if t == "free" else ALLOC_KINDS
                if e["kind"] not in kinds:
                    raise Bad("%s kind %d" % (t, e["kind"]))
            events.append(e)
    return events, stacks, ended


def replay(events):
    """The heap in seq order."""
    live, maps = {}, {}
    s = dict(allocated_bytes=0, peak_bytes=0, live_bytes=0, unknown_frees=0,
             mapped_bytes=0, by_kind={}, frees_by_kind={}, by_size={})
    pending = {}
    for e in sorted(events, key=lambda e: e["seq"]):
        t = e["type"]
        if t in ("alloc", "realloc_end"):
            if t == "realloc_end":
                b = pending.pop(e["tid"], None)
                if b is None:
                    raise Bad("realloc END seq %d without BEGIN" % e["seq"])
                if e["ptr"] or e["size"] == 0:
                    old = b["ptr"]
                    if old in live:
                        s["live_bytes"] -= live.pop(old)
                    else:
                        s["unknown_frees"] += 1
                if not e["ptr"]:
                    continue
            k = ALLOC_KINDS[e["kind"]]
            c = s["by_kind"].setdefault(k, [0, 0])
            c[0] += 1
            c[1] += e["size"]
            key = "%s:%d" % (k, e["size"])
            s["by_size"][key] = s["by_size"].get(key, 0) + 1
            if e["kind"] in (10, 11):
                maps[e["ptr"]] = e["size"]
                continue
            if e["ptr"] in live:
                raise Bad("seq %d: 0x%x allocated twice" % (e["seq"], e["ptr"]))
            live[e["ptr"]] = e["size"]
            s["allocated_bytes"] += e["size"]
            s["live_bytes"] += e["size"]
            s["peak_bytes"] = max(s["peak_bytes"], s["live_bytes"])
        elif t == "realloc_begin":
            if e["tid"] in pending:
                raise Bad("two realloc BEGINs of thread %d" % e["tid"])
            pending[e["tid"]] = e
        elif t == "free":
            k = FREE_KINDS[e["kind"]]
            s["frees_by_kind"][k] = s["frees_by_kind"].get(k, 0) + 1
            if e["ptr"] in live:
                s["live_bytes"] -= live.pop(e["ptr"])
            else:
                s["unknown_frees"] += 1
                e["unknown"] = True
        elif t == "munmap":
            lo, hi = e["ptr"], e["ptr"] + e["size"]
            s["frees_by_kind"]["munmap"] = s["frees_by_kind"].get("munmap", 0) + 1
            if not any(a < hi and a + n > lo for a, n in maps.items()):
                e["unknown"] = True
            for a, n in list(maps.items()):
                if a < hi and a + n > lo:
                    del maps[a]
                    if a < lo:
                        maps[a] = lo - a
                    if a + n > hi:
                        maps[hi] = a + n - hi
    s["leaked_bytes"] = s.pop("live_bytes")
    s["leaked_count"] = len(live)
    s["mapped_bytes"] = sum(maps.values())
    s["mapped_left"] = sorted(maps.values())
    s["open_reallocs"] = len(pending)
    return s


def dump(path, allow_truncated):
    data = open(path, "rb").read()
    h, recs, truncated = parse(data)
    events, stacks, ended = check(recs)
    if (truncated or not ended) and not allow_truncated:
        raise Bad("truncated (no TR_END)" if not truncated else "ends inside a record")
    out = dict(path=path, header=h, truncated=truncated or not ended,
               end=ENDS[ended["how"]] if ended else None, bytes=len(data))
    counts = {}
    for e in recs:
        counts[e["type"]] = counts.get(e["type"], 0) + 1
    out["records"] = counts
    heap = replay(events)
    threads = {}
    for e in events:
        c = threads.setdefault(str(e["tid"]), dict(events=0, unknown_frees=0))
        # a free or munmap of memory the trace never allocated: from before
        # recording, or what the unwinder got under the recorder's guard
        # (libunwind's per-thread cache, unmapped when the thread ends)
        c["unknown_frees" if e.get("unknown") else "events"] += 1
    for e in recs:
        if e["type"] == "thread_name":
            threads.setdefault(str(e["tid"]), dict(events=0, unknown_frees=0))["name"] = e["name"]
    out["threads"] = threads
    out["marks"] = [dict(seq=e["seq"], name=e["name"], origin=ORIGINS.get(e["origin"], "?"))
                    for e in sorted(events, key=lambda e: e["seq"]) if e["type"] == "mark"]
    out["modules"] = [dict(path=e["path"], bias=e["bias"], build_id=e["build_id"],
                           segments=len(e["segments"]))
                      for e in recs if e["type"] == "module"]
    out["stacks"] = len(stacks)
    out["heap"] = heap
    return out, stacks, events


def main(argv):
    as_json = "--json" in argv
    allow = "--allow-truncated" in argv
    paths = [a for a in argv if not a.startswith("--")]
    if not paths:
        sys.exit(__doc__)
    status, results = 0, []
    for p in paths:
        try:
            results.append(dump(p, allow)[0])
        except (Bad, OSError) as e:
            print("%s: %s" % (p, e), file=sys.stderr)
            status = 1
    if as_json:
        json.dump(results, sys.stdout, indent=1)
        print()
    else:
        for o in results:
            h = o["heap"]
            print("%s: pid %d exec %d, %d bytes, end %s%s" % (
                o["path"], o["header"]["pid"], o["header"]["exec_index"], o["bytes"], o["end"],
                ", truncated" if o["truncated"] else ""))
            print("  records: " + ", ".join("%s %d" % kv for kv in sorted(o["records"].items())))
            for k, (n, b) in sorted(h["by_kind"].items()):
                print("  %-15s %8d calls %12d bytes" % (k, n, b))
            for k, n in sorted(h["frees_by_kind"].items()):
                print("  %-15s %8d calls" % (k, n))
            for tid, c in sorted(o["threads"].items()):
                print("  thread %s %-16s %d events" % (tid, c.get("name", ""), c["events"]))
            for m in o["marks"]:
                print("  mark %d %s (%s)" % (m["seq"], m["name"], m["origin"]))
            for m in o["modules"]:
                print("  module %s at 0x%x build-id %s" % (m["path"] or "(main)", m["bias"],
                                                           m["build_id"] or "-"))
            print("  heap: allocated %d, peak %d, leaked %d in %d blocks; %d stacks" % (
                h["allocated_bytes"], h["peak_bytes"], h["leaked_bytes"], h["leaked_count"],
                o["stacks"]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
