#!/usr/bin/env python3
"""A heaptrack capture that ends early never loads as complete
(docs/formats/heaptrack.md §10.1), and hostile ones stay within the bounds of
§10.3.

Every intact heaptrack capture (plain, zstd, gzip) under SAMPLES_DIR/heaptrack
and SHARED_DIR/heaptrack is cut at many line boundaries and inside lines; a
compressed variant is recompressed with the zstd or gzip program, so the
stream itself is whole, as a dying heaptrack_interpret leaves it.  Each cut
must exit 2 with one line naming the file, or load with "truncated": true at
the exact decoded offset where its data stops (a cut inside a line that does
not parse: where that line starts), with one allocation per whole '+' line.
The intact files load unflagged with heaptrack's own figures (the oracles);
the reproducers sample-captures/damaged/heaptrack.stages.cut-at-line.* are
flagged; end counts that disagree, and records after the end lines, flag the
capture inconsistent; formats 0 and 1 follow the same rule.

usage: test_heaptrack_complete.py MEMTUI SAMPLES_DIR [SHARED_DIR]
"""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

ERROR_LINE = re.compile(r"^memtui: .+: .+ \(at byte \d+\)$")
MIB = 1 << 20


class Test:
    def __init__(self, memtui, tmp):
        self.memtui = memtui
        self.tmp = tmp
        self.passed = 0
        self.failed = 0

    def check(self, name, what, got, want):
        if got == want:
            self.passed += 1
            return True
        print("FAIL %s: %s is %r, want %r" % (name, what, got, want))
        self.failed += 1
        return False

    def report(self, path):
        """(exit status, report dict or None, stderr lines)."""
        p = subprocess.run([self.memtui, "report", "--format", "json", "--no-progress", path],
                           capture_output=True, timeout=120)
        err = [l for l in p.stderr.decode(errors="replace").splitlines() if l]
        rep = json.loads(p.stdout) if p.returncode == 0 else None
        return p.returncode, rep, err

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def decode(path):
    head = open(path, "rb").read(4)
    if head == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dcq", path], capture_output=True, check=True).stdout
    if head[:2] == b"\x1f\x8b":
        return subprocess.run(["gzip", "-dc", path], capture_output=True, check=True).stdout
    return open(path, "rb").read()


def encode(kind, text):
    if kind == "zst":
        return subprocess.run(["zstd", "-cq", "-3"], input=text, capture_output=True,
                              check=True).stdout
    if kind == "gz":
        return subprocess.run(["gzip", "-c", "-n"], input=text, capture_output=True,
                              check=True).stdout
    return text


def kind_of(path):
    for k in ("zst", "gz", "txt"):
        if path.endswith("." + k):
            return k
    return None


def sources(dirs):
    """Intact interpreted captures, one per distinct (decoded text, compression)."""
    seen, out = set(), []
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            kind = kind_of(name)
            if not kind or "truncated" in name or ".raw." in name or "print" in name:
                continue
            if kind == "txt" and not open(path, "rb").read(2) == b"v ":
                continue
            text = decode(path)
            key = (hashlib.sha256(text).hexdigest(), kind)
            if key not in seen:
                seen.add(key)
                out.append((path, kind, text))
    return out


def oracle_of(path):
    base = path[:-4] if path.endswith(".zst") else path
    o = base + ".oracle.json"
    return json.load(open(o)) if os.path.isfile(o) else None


def intact(t, path, text):
    name = os.path.basename(path)
    rc, rep, err = t.report(path)
    if not t.check(name, "exit status", rc, 0):
        print("  stderr: %r" % err)
        return
    t.check(name, "truncated", rep["truncated"], False)
    t.check(name, "inconsistent", rep["inconsistent"], False)
    tail = text.rstrip(b"\n").split(b"\n")[-2:]
    o = oracle_of(path)
    if o and "exact" in o:
        e = o["exact"]
        t.check(name, "allocations", rep["totals"]["allocations"], e["calls"])
        t.check(name, "temporary", rep["totals"]["temporary"], e["temporary"])
        t.check(name, "peak", rep["peak"]["bytes"], e["peak_heap_bytes"])
        t.check(name, "leaked", rep["leaks"]["bytes"], e["leaked_bytes"])
        t.check(name, "end lines", tail, [b"# strings: %d" % e["counts"]["strings"],
                                          b"# ips: %d" % e["counts"]["ips"]])


def cut_points(text, rnd):
    """(line-boundary cuts, mid-line cuts): decoded lengths, all < len(text)."""
    ends = [i + 1 for i, c in enumerate(text) if c == 0x0A]
    whole = ends[:-1]   # cutting after the last '\n' is the file itself
    n = len(text)
    strings_at = text.rfind(b"\n# strings: ") + 1
    ips_at = text.rfind(b"\n# ips: ") + 1
    at_line = set(rnd.sample(whole, min(24, len(whole))) + whole[:4] + whole[-3:])
    at_line.update({strings_at, ips_at})
    mid = {n - 1, n - 2, ips_at + 3, ips_at + len(b"# ips: "), strings_at + 5}
    mid.update(rnd.randrange(1, n) for _ in range(12))
    mid = {m for m in mid if 0 < m < n and text[m - 1] != 0x0A}
    return sorted(at_line), sorted(mid)


def plus_lines(text):
    return sum(1 for l in text.split(b"\n") if l.startswith(b"+ "))


def one_cut(t, src, kind, text, n, mid):
    name = "%s cut at %d%s" % (os.path.basename(src), n, " (mid-line)" if mid else "")
    piece = text[:n]
    path = t.write("cut." + kind, encode(kind, piece))
    rc, rep, err = t.report(path)
    if rc == 2:
        t.check(name, "one error line", len(err) == 1 and bool(ERROR_LINE.match(err[0]))
                and path in err[0], True)
        return "error"
    if not t.check(name, "exit status", rc, 0):
        return "bad"
    if not t.check(name, "truncated", rep["truncated"], True):
        return "bad"
    start = piece.rfind(b"\n") + 1
    if not mid:
        t.check(name, "inconsistent", rep["inconsistent"], False)
    elif rep["inconsistent"]:
        # whole lines of a prefix never contradict each other; a used partial
        # "- 407" cut to "- 4" frees another allocation than the writer meant
        t.check(name, "inconsistent only from a used partial '-' line",
                (mid, piece[start:start + 2], rep["truncated_at"],
                 "more frees than allocations" in rep["inconsistent_reason"]),
                (True, b"- ", n, True))
    if mid:
        # the partial last line: used when it parses (the data stops at n), else not
        t.check(name, "truncated_at", rep["truncated_at"] in (n, start), True)
        whole = plus_lines(piece[:start])
        t.check(name, "allocations", rep["totals"]["allocations"] in (whole, whole + 1), True)
    else:
        t.check(name, "truncated_at", rep["truncated_at"], n)
        t.check(name, "allocations", rep["totals"]["allocations"], plus_lines(piece))
    t.check(name, "warning on stderr", any("warning" in l for l in err), True)
    return "flagged"


def damaged(t, samples):
    for name, at in (("heaptrack.stages.cut-at-line.zst", 11995),
                     ("heaptrack.stages.cut-at-line.txt", 18951)):
        path = os.path.join(samples, "damaged", name)
        rc, rep, err = t.report(path)
        if not t.check(name, "exit status", rc, 0):
            continue
        t.check(name, "truncated", rep["truncated"], True)
        t.check(name, "truncated_at", rep["truncated_at"], at)
        t.check(name, "truncated_reason", rep["truncated_reason"],
                "no '# strings'/'# ips' end lines: the file stops early")


def contradictions(t, stages):
    """End counts that disagree, records after the end lines: inconsistent."""
    rc, base, _ = t.report(t.write("base.txt", stages))
    bad = stages.replace(b"\n# strings: 32\n", b"\n# strings: 31\n")
    rc, rep, _ = t.report(t.write("count.txt", bad))
    t.check("end count 31 of 32", "exit, truncated, inconsistent",
            (rc, rep["truncated"], rep["inconsistent"]), (0, False, True))
    t.check("end count 31 of 32", "inconsistent_reason", rep["inconsistent_reason"],
            "the end lines count 31 strings and 28 IPs, the file defines 32 and 28")
    t.check("end count 31 of 32", "peak unchanged", rep["peak"]["bytes"], base["peak"]["bytes"])
    after = stages + b"c 300\n"
    rc, rep, _ = t.report(t.write("after.txt", after))
    t.check("record after end lines", "exit, truncated, inconsistent",
            (rc, rep["truncated"], rep["inconsistent"]), (0, True, True))
    t.check("record after end lines", "inconsistent_reason", rep["inconsistent_reason"],
            "records follow the end lines ('# strings', '# ips') at byte %d" % len(stages))
    t.check("record after end lines", "truncated_at", rep["truncated_at"], len(after))
    rc, rep, _ = t.report(t.write("nonl.txt", stages[:-1]))
    t.check("no final newline", "truncated, truncated_at, reason, inconsistent",
            (rep["truncated"], rep["truncated_at"], rep["truncated_reason"],
             rep["inconsistent"]),
            (True, len(stages) - 1, "the last line has no '\\n': the file stops inside it",
             False))
    cut = stages[:-2]   # "# ips: 28" cut to "# ips: 2": a cut count, not a contradiction
    rc, rep, _ = t.report(t.write("cutcount.txt", cut))
    t.check("end count cut short", "truncated, truncated_at, inconsistent",
            (rep["truncated"], rep["truncated_at"], rep["inconsistent"]),
            (True, len(cut), False))


OLD = {
    # format 1 (heaptrack 1.0): strings are the rest of the line
    "v1": b"v 10000 1\nX ./a\nI 1000 10\ns /bin/a\ns main\ni 401000 1 2\nt 1 0\n"
          b"a 40 1\n+ 0\n+ 0\n- 0\nc a\n",
    # format 0 (before 1.0): "+ size trace pointer", "- pointer"
    "v0": b"v 10100\nX ./a\ns /bin/a\ns main\ni 401000 1 2\nt 1 0\n"
          b"+ 40 1 1000\n+ 40 1 2000\n- 1000\nc a\n",
}


def old_formats(t):
    for name, body in sorted(OLD.items()):
        end = b"\n# strings: 2\n# ips: 1\n"
        rc, rep, _ = t.report(t.write(name + ".txt", body + end))
        t.check("format %s whole" % name, "exit, truncated, inconsistent, allocations, peak",
                (rc, rep["truncated"], rep["inconsistent"], rep["totals"]["allocations"],
                 rep["peak"]["bytes"]), (0, False, False, 2, 128))
        rc, rep, _ = t.report(t.write(name + "_cut.txt", body))
        t.check("format %s cut" % name, "truncated, truncated_at",
                (rep["truncated"], rep["truncated_at"]), (True, len(body)))


def header(strings):
    out = [b"v 10400 3", b"X ./hostile"]
    out += [b"s %x %s" % (len(s), s) for s in strings]
    return b"\n".join(out) + b"\n"


def big_strings(path, sizes):
    """A zstd capture of distinct strings of these sizes, compressed as they are made."""
    with open(path, "wb") as out:
        z = subprocess.Popen(["zstd", "-cq", "-3"], stdin=subprocess.PIPE, stdout=out)
        z.stdin.write(b"v 10400 3\nX ./hostile\n")
        for k, n in enumerate(sizes):
            tag = b"%08d" % k
            z.stdin.write(b"s %x %s%s\n" % (n, tag, b"x" * (n - len(tag))))
        z.stdin.close()
        z.wait()
    return path


def refused(t, name, data, want_at, want_text, kind="zst", path=None):
    """data (or the file at path) exits 2 with exactly this line."""
    if path is None:
        path = t.write(name + "." + kind, encode(kind, data))
    rc, rep, err = t.report(path)
    t.check(name, "exit status", rc, 2)
    if rc != 2:
        return
    t.check(name, "one line", len(err), 1)
    t.check(name, "error line", err[0] if err else "",
            "memtui: %s: %s (at byte %d)" % (path, want_text, want_at))


def bounds(t):
    """§10.3: one string, all strings, one stack.  Run first: ru_maxrss is a maximum."""
    head = len(b"v 10400 3\nX ./hostile\n")
    line = len(b"s 100000 ") + MIB + 1
    path = big_strings(os.path.join(t.tmp, "one.zst"), [MIB, MIB + 1])
    refused(t, "a string of 1 MiB + 1", None, head + line,
            "a string of 1048577 bytes, more than the 1048576 bytes memtui allows one string",
            path=path)
    # 512 distinct strings of 1 MiB: 512 MiB in memory before the bound; the
    # command line's 9 bytes count too, so the 64th string is one too many
    path = big_strings(os.path.join(t.tmp, "many.zst"), [MIB] * 512)
    t.check("512 strings of 1 MiB", "compressed size under 1 MB",
            os.path.getsize(path) < MIB, True)
    p = subprocess.Popen([t.memtui, "report", "--format", "json", "--no-progress", path],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(p.pid, 0)
    t.check("512 strings of 1 MiB", "error line", err,
            "memtui: %s: strings add up to more than the 64 MiB memtui allows them "
            "(at byte %d)\n" % (path, head + 63 * line))
    mb = usage.ru_maxrss // 1024
    t.check("512 strings of 1 MiB", "memtui's peak RSS under 256 MB (%d MB)" % mb,
            mb < 256, True)
    path = big_strings(os.path.join(t.tmp, "sixty.zst"), [MIB] * 60)
    with open(path, "ab") as f:
        f.write(encode("zst", b"\n# strings: 60\n# ips: 0\n"))
    rc, rep, _ = t.report(path)
    t.check("60 strings of 1 MiB", "exit, truncated", (rc, rep and rep["truncated"]),
            (0, False))
    chain = header([b"/bin/a", b"f"]) + b"i 401000 1 2\n"
    nodes = [b"t 1 %x\n" % k for k in range(1100)]
    refused(t, "trace chain of 1100 nodes", chain + b"".join(nodes),
            len(chain) + sum(len(l) for l in nodes[:1024]),
            "a call stack deeper than memtui allows (1024 trace nodes or 65536 frames; "
            "heaptrack records at most 64 return addresses)")
    inl = header([b"/bin/a", b"f", b"a.c"]) + b"i 401000 1 2 3 1" + b" 2 3 1" * 256 + b"\n"
    nodes = [b"t 1 %x\n" % k for k in range(300)]
    # 257 frames a node: 255 nodes hold 65535 frames, the 256th would hold 65792
    refused(t, "inlined frames", inl + b"".join(nodes),
            len(inl) + sum(len(l) for l in nodes[:255]),
            "a call stack deeper than memtui allows (1024 trace nodes or 65536 frames; "
            "heaptrack records at most 64 return addresses)", kind="txt")
    ok = inl + b"".join(nodes[:255]) + b"a 10 ff\n+ 0\n\n# strings: 3\n# ips: 1\n"
    rc, rep, _ = t.report(t.write("deep_ok.txt", ok))
    t.check("255 nodes of 257 frames", "exit, truncated, allocations",
            (rc, rep and rep["truncated"], rep and rep["totals"]["allocations"]), (0, False, 1))


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else ""
    tmp = tempfile.mkdtemp(prefix="memtui-htc.")
    t = Test(memtui, tmp)
    counts = {"error": 0, "flagged": 0, "bad": 0}
    try:
        bounds(t)
        damaged(t, samples)
        srcs = sources([os.path.join(samples, "heaptrack"), os.path.join(shared, "heaptrack")])
        if not t.check("sources", "found at least 12", len(srcs) >= 12, True):
            print("  found: %r" % [s[0] for s in srcs])
        stages = [s for s in srcs if s[0].endswith("heaptrack.stages.txt")]
        if t.check("sources", "heaptrack.stages.txt", len(stages) >= 1, True):
            contradictions(t, stages[0][2])
        old_formats(t)
        rnd = random.Random(11)
        for src, kind, text in srcs:
            intact(t, src, text)
            lines, mids = cut_points(text, rnd)
            for n in lines:
                counts[one_cut(t, src, kind, text, n, False)] += 1
            for n in mids:
                counts[one_cut(t, src, kind, text, n, True)] += 1
        print("%d captures; cuts: %d flagged truncated, %d refused with one line, %d wrong"
              % (len(srcs), counts["flagged"], counts["error"], counts["bad"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (t.passed, t.failed))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
