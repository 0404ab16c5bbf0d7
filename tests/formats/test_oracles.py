#!/usr/bin/env python3
"""Checks `memtui report --json` against the tools' own numbers.

Walks every NAME.oracle.json under the given folders (sample-captures/ always,
../shared/captures when present, so a capture added there later is checked
too), finds its capture file, runs the real memtui binary on it and compares
the fields that ../shared/captures/README.md maps to each oracle field:
totals, peak bytes, leaked bytes and allocations, and the top-10 peak
locations (in order and bytes; entries with equal bytes compared as sets,
since the tools break ties arbitrarily).  The top list of every other metric
(`--metric`) is compared with the tool's own list for it where the tool has
one: heaptrack_print's MEMORY LEAKS, MOST CALLS TO ALLOCATION FUNCTIONS and
MOST TEMPORARY ALLOCATIONS; memray's leaks top locations and `memray stats`'
top locations by size and by count; and memray's temporary allocations
(`--metric temporary --temporary-threshold T` for every threshold T of the
oracle's `temporary_allocations.by_threshold`: count, bytes and top
locations; none at all for aggregated captures).  Damaged captures must load with
`truncated: true`.  Oracles without a capture of their own (the heaptrack
diff oracle, for the diff issue) are skipped by name.

usage: test_oracles.py MEMTUI DIR [DIR...]
"""
import json
import os
import re
import subprocess
import sys

# Captures with native traces whose top list needs the images they were
# recorded with: the fixture library sits beside the capture; the interpreter
# is the host's /usr/bin/python3.11 when it has the recorded layout.  When an
# image is missing memtui says so in a warning, and the top list (grouped by
# native symbols) cannot be compared.
MISSING_IMAGES = "native frames left unnamed"
# memtui's names of memray's top-list groups (src/analysis/top.h) -> memray's
# (function, file) for them: its high-water-mark and leak lists call the stacks
# without a Python frame "???", its stats lists "<unknown>", and the unnamed
# native frames "<unknown>".
MEMRAY_GROUPS = {"<no Python frame>": ("???", "???"),
                 "<unnamed native code>": ("<unknown>", "<unknown>")}
MEMRAY_STATS_GROUPS = {"<no Python frame>": ("<unknown>", "<unknown>")}


def memray_key(t, groups):
    """(function, file, line) of a memtui top entry in memray's words."""
    group = groups.get(t["function"])
    if group and t["file"] in ("", "<unknown>") and not t["line"]:
        return group + (0,)
    return (t["function"], t["file"], t["line"])

# An unnamed frame as memtui spells it: "0x7f5263b458fe in libfoo.so", "0x1234".
UNNAMED_FRAME = re.compile(r"^0x[0-9a-f]+( in \S+)?$")


def find_capture(oracle_path):
    base = oracle_path[: -len(".oracle.json")]
    for cand in (base, base + ".zst"):
        if os.path.isfile(cand):
            return cand
    return None


def group_ties(entries):
    """[(bytes, key)] -> list of (bytes, sorted keys) in order."""
    out = []
    for b, key in entries:
        if out and out[-1][0] == b:
            out[-1][1].append(key)
        else:
            out.append((b, [key]))
    return [(b, sorted(keys)) for b, keys in out]


def compare_top(got, want, n=10):
    """Compare ranked lists allowing ties in any order.  want is the tool's top n;
    got is memtui's full list.  Every tie group of want must equal got's group
    at the same rank, except the last, which the limit of n may have cut: its
    entries must be among got's entries of those bytes."""
    g = group_ties(got)
    w = group_ties(want[:n])
    if len(g) < len(w):
        return False, "got fewer tie groups: got %s want %s" % (g[:len(w)], w)
    for i, ((gb, gk), (wb, wk)) in enumerate(zip(g, w)):
        if gb != wb:
            return False, "rank group %d: bytes %d != %d (got %s want %s)" % (i, gb, wb, gk, wk)
        if i == len(w) - 1:
            if not set(wk) <= set(gk):
                return False, "last group (%d bytes): %s not within %s" % (gb, wk, gk)
        elif gk != wk:
            return False, "rank group %d (%d bytes): %s != %s" % (i, gb, gk, wk)
    return True, ""


def heaptrack_allocated_bytes(path):
    """Independent sum of allocation sizes from the text (a records, + lines).

    A .mtui converted from the capture (test_mtui_roundtrip.py) has its source
    beside it as PATH.source."""
    if open(path, "rb").read(8) == b"\x89MTUI\r\n\x1a":
        path += ".source"
    if open(path, "rb").read(4) == b"\x28\xb5\x2f\xfd":
        data = subprocess.run(["zstd", "-dc", path], capture_output=True).stdout
    elif open(path, "rb").read(2) == b"\x1f\x8b":
        data = subprocess.run(["gzip", "-dc", path], capture_output=True).stdout
    else:
        data = open(path, "rb").read()
    sizes, total = [], 0
    lines = data.split(b"\n")
    if data and not data.endswith(b"\n"):
        lines = lines[:-1]  # a cut last line is not a whole record
    for line in lines:
        if line.startswith(b"a "):
            f = line.split()
            sizes.append(int(f[1], 16))
        elif line.startswith(b"+ "):
            try:
                total += sizes[int(line.split()[1], 16)]
            except (IndexError, ValueError):
                pass
    return total


class Checker:
    def __init__(self, memtui):
        self.memtui = memtui
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.temporary_checked = 0

    def check(self, name, what, got, want):
        if got == want:
            return True
        print("FAIL %s: %s: got %r, want %r" % (name, what, got, want))
        self.ok = False
        return False

    def run_report(self, capture, metric="peak", extra=()):
        p = subprocess.run([self.memtui, "report", "--json", "--top", "100000", "--depth", "0",
                            "--metric", metric, "--no-progress"] + list(extra) + [capture],
                           capture_output=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
        return json.loads(p.stdout), p.stderr.decode(errors="replace")

    def memray(self, name, capture, rep, o):
        stats = o.get("stats") or {}
        if stats.get("total_num_allocations") is not None:
            self.check(name, "totals.allocations", rep["totals"]["allocations"],
                       stats["total_num_allocations"])
            self.check(name, "totals.allocated_bytes", rep["totals"]["allocated_bytes"],
                       stats["total_memory_allocated"])
        else:
            self.check(name, "totals.allocations (aggregated: unknown)",
                       rep["totals"]["allocations"], None)
        self.check(name, "peak.bytes", rep["peak"]["bytes"], o["high_water_mark"]["bytes"])
        self.check(name, "leaks.bytes", rep["leaks"]["bytes"], o["leaks"]["bytes"])
        self.check(name, "leaks.allocations", rep["leaks"]["allocations"],
                   o["leaks"]["n_allocations"])
        dec = (o.get("decoder_check") or {}).get("decoder") or {}
        if "peak_record_index" in dec:
            self.check(name, "peak.event_index", rep["peak"]["event_index"],
                       dec["peak_record_index"])
        missing = [w for w in rep.get("warnings", []) if w.startswith(MISSING_IMAGES)]
        if missing:
            print("note %s: top locations not compared: %s" % (name, missing[0]))
            return
        # memray calls an unknown file "<unknown>" (frames named from the ELF
        # symbol table have no file), and so does memtui's top list.  memray's
        # groups have memtui's names: the group itself, its bytes and its
        # allocations are compared as they are.
        got = [(t["bytes"], memray_key(t, MEMRAY_GROUPS) + (t["allocations"],))
               for t in rep["top"]]
        want = [(t["bytes"], (t["function"], t["file"], t["line"], t["n_allocations"]))
                for t in o["high_water_mark"]["top_locations"]]
        ok, why = compare_top(got, want)
        if not ok:
            self.check(name, "top locations", why, "")
        self.check(name, "top_metric", rep.get("top_metric"), "peak")
        lists = [("leaks", o["leaks"].get("top_locations"), "bytes", "n_allocations")]
        if stats.get("total_num_allocations") is not None:
            lists += [("allocated", stats.get("top_locations_by_size"), "bytes", None),
                      ("allocations", stats.get("top_locations_by_count"), "count", None)]
        for metric, tool, value, count in lists:
            if tool is None:
                continue
            rep, _ = self.run_report(capture, metric)
            groups = MEMRAY_GROUPS if metric == "leaks" else MEMRAY_STATS_GROUPS
            got = [(t["bytes"], memray_key(t, groups) +
                    ((t["allocations"],) if count else ()))
                   for t in rep["top"]]
            want = [(t[value], (t["function"], t["file"], t["line"]) +
                     ((t[count],) if count else ()))
                    for t in tool]
            ok, why = compare_top(got, want)
            if not ok:
                self.check(name, "top locations of --metric " + metric, why, "")
        self.memray_temporary(name, capture, o)

    def memray_temporary(self, name, capture, o):
        """memray's get_temporary_allocation_records per threshold (threads merged)."""
        by = (o.get("temporary_allocations") or {}).get("by_threshold")
        if by is None:
            # memray refuses temporary allocations of an aggregated capture; so does memtui.
            if (o.get("stats") or {}).get("total_num_allocations") is None:
                rep, _ = self.run_report(capture, "peak")
                self.check(name, "totals.temporary (aggregated: none)",
                           (rep["totals"]["temporary"], rep["totals"]["temporary_bytes"]),
                           (None, None))
            return
        # A .mtui keeps the threshold it was converted with (memtui convert's default, 1).
        mtui = open(capture, "rb").read(8) == b"\x89MTUI\r\n\x1a"
        for threshold, want in sorted(by.items()):
            what = "temporary (threshold %s)" % threshold
            if mtui and threshold != "1":
                continue
            rep, _ = self.run_report(capture, "temporary", ["--temporary-threshold", threshold])
            self.check(name, what + " count", rep["totals"]["temporary"], want["n_allocations"])
            self.check(name, what + " bytes", rep["totals"]["temporary_bytes"], want["bytes"])
            self.check(name, what + " threshold", rep["totals"]["temporary_threshold"],
                       int(threshold))
            got = [(t["bytes"], memray_key(t, MEMRAY_STATS_GROUPS) + (t["allocations"],))
                   for t in rep["top"]]
            tool = [(t["bytes"], (t["function"], t["file"], t["line"], t["n_allocations"]))
                    for t in want["top_locations"]]
            ok, why = compare_top(got, tool)
            if not ok:
                self.check(name, what + " top locations", why, "")
            self.temporary_checked += 1

    def heaptrack(self, name, capture, rep, o):
        e = o["exact"]
        self.check(name, "totals.allocations", rep["totals"]["allocations"], e["calls"])
        self.check(name, "totals.allocated_bytes", rep["totals"]["allocated_bytes"],
                   heaptrack_allocated_bytes(capture))
        self.check(name, "totals.temporary", rep["totals"]["temporary"], e["temporary"])
        self.check(name, "peak.bytes", rep["peak"]["bytes"], e["peak_heap_bytes"])
        if e["peak_event_index"] >= 0:
            # The oracle counts events 1-based (events seen up to and including the peak).
            self.check(name, "peak.event_index + 1", rep["peak"]["event_index"] + 1,
                       e["peak_event_index"])
            self.check(name, "peak.time_ms", rep["peak"]["time_ms"], e["peak_time_ms"])
        self.check(name, "leaks.bytes", rep["leaks"]["bytes"], e["leaked_bytes"])
        self.check(name, "leaks.suppressed_bytes", rep["leaks"]["suppressed_bytes"],
                   e["suppressed_leaked_bytes"])
        self.check(name, "leaks.allocations", rep["leaks"]["allocations"],
                   e["live_allocations_at_end"])
        # heaptrack has no name for some IPs (None in the oracle); memtui labels them
        # "0xADDRESS in MODULE" with no file (capture_frame_label's one spelling of
        # an unnamed frame), or "unnamed code in MODULE (N addresses)" when the row
        # merges several: compare those as one "unnamed" key.
        def got_key(t):
            fn = t["function"]
            if not t["file"] and not t["line"] and (UNNAMED_FRAME.match(fn) or
                                                    fn.startswith("unnamed code in ")):
                return ("<unnamed>", "", 0, t["allocations"])
            return (t["function"], t["file"], t["line"], t["allocations"])

        def want_key(t):
            if t["function"] is None:
                return ("<unnamed>", "", 0, t["calls"])
            return (t["function"], t["file"] or "", t["line"] or 0, t["calls"])

        got = [(t["bytes"], got_key(t)) for t in rep["top"]]
        want = [(t["peak_bytes"], want_key(t)) for t in o["top_peak"] if t["peak_bytes"]]
        ok, why = compare_top(got, want)
        if not ok:
            self.check(name, "top locations", why, "")
        for metric, tool, value in (("leaks", "top_leaks", "leaked_bytes"),
                                    ("allocations", "top_calls", "calls"),
                                    ("temporary", "top_temporary", "temporary")):
            if tool not in o:
                continue
            if any("unmatched_printed_block" in t for t in o[tool]):
                # heaptrack_print printed a block the oracle could not tie to its
                # data (a cut file): that list is no reference.
                print("note %s: %s not compared (unmatched blocks in the oracle)" % (name, tool))
                continue
            rep, _ = self.run_report(capture, metric)
            got = [(t["bytes"], got_key(t)) for t in rep["top"]]
            want = [(t[value], want_key(t)) for t in o[tool] if t.get(value)]
            ok, why = compare_top(got, want)
            if not ok:
                self.check(name, "top locations of --metric " + metric, why, "")

    def one(self, oracle_path):
        name = oracle_path
        o = json.load(open(oracle_path))
        capture = find_capture(oracle_path)
        if capture is None:
            print("skip %s: no capture file beside it (not a capture oracle)" % name)
            self.skipped += 1
            return
        self.ok = True
        damaged = "truncated" in os.path.basename(capture)
        try:
            rep, stderr = self.run_report(capture)
        except Exception as ex:  # noqa: BLE001 - report any failure as a test failure
            # A damaged file of which nothing decodes (empty, or a compressed stream
            # cut before its first block) is an error, not an empty capture: the tool
            # itself reports zeros for it.
            nothing = "exact" in o and o["exact"]["calls"] == 0
            if damaged and nothing and "exit 2: memtui: %s: " % capture in str(ex):
                print("ok   %s (nothing decodable: %s)" % (name, str(ex).strip()))
                self.passed += 1
                return
            print("FAIL %s: memtui report failed: %s" % (name, ex))
            self.failed += 1
            return
        if "exact" in o:
            self.heaptrack(name, capture, rep, o)
            # heaptrack_print reads a cut file without complaint; memtui must say so,
            # except for files that are whole but empty of events (header only).
            if damaged and "header" not in capture and "empty" not in capture:
                self.check(name, "truncated", rep["truncated"], True)
        else:
            self.memray(name, capture, rep, o)
            if damaged:
                self.check(name, "truncated", rep["truncated"], True)
        if not damaged:
            self.check(name, "truncated", rep["truncated"], False)
        if rep["truncated"] and "warning" not in stderr:
            self.check(name, "warning line on stderr", stderr, "memtui: ...: warning: ...")
        if self.ok:
            self.passed += 1
            print("ok   %s" % name)
        else:
            self.failed += 1


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    c = Checker(sys.argv[1])
    oracles = []
    for d in sys.argv[2:]:
        if not os.path.isdir(d):
            print("skip %s: not present" % d)
            continue
        for root, _, files in os.walk(d):
            oracles += [os.path.join(root, f) for f in files if f.endswith(".oracle.json")]
    for path in sorted(oracles):
        c.one(path)
    print("%d passed, %d failed, %d skipped; memray temporary allocations compared at %d "
          "thresholds" % (c.passed, c.failed, c.skipped, c.temporary_checked))
    return 1 if c.failed or not c.passed else 0


if __name__ == "__main__":
    sys.exit(main())
