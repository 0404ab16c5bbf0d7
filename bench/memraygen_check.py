#!/usr/bin/env python3
"""Checks bench/memraygen's captures against the independent decoder and memtui.

Usage: memraygen_check.py MEMRAYGEN MEMTUI [DECODER] [RECORDS] [MEMRAYBARE]

RECORDS defaults to 100000.  For an lz4 capture (as memray compresses on
exit) and a plain one (with memray's zero padding) of RECORDS allocation
records it checks that
  * DECODER (shared/tools/memray_decode.py, written from the format notes
    alone) decodes every record up to the TRAILER, with no error, exactly
    RECORDS ALLOCATION records, the three worker threads named, and the
    generator's own figures: allocations, bytes, high-water mark and its
    record index, leaked bytes and blocks;
  * `memtui report --json` reads it without a warning, not truncated, and
    gives the same totals, peak (bytes and record index) and leaks;
  * with MEMRAYBARE (bench/memraybare, the floor of bench/memray.sh), that it
    reads every ALLOCATION record, that with --map its address map ends with
    the generator's leaked blocks live, and that both captures give it the
    same checksums (the floor does the work it claims, on the same records).
Without DECODER, or when no python3 here has the lz4 module, the decoder
part is skipped (said on stdout) and memtui is held against the generator.
Exits 0 when all hold, 1 with one line per mismatch otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile


def python_with_lz4():
    """A python3 that can import lz4.frame (the decoder needs it), or None."""
    for py in (sys.executable, "/usr/bin/python3"):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import lz4.frame"], capture_output=True).returncode == 0:
            return py
    return None


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    gen, memtui = argv[0], argv[1]
    decoder = argv[2] if len(argv) > 2 and argv[2] else None
    records = int(argv[3]) if len(argv) > 3 and argv[3] else 100000
    bare = argv[4] if len(argv) > 4 else None
    sums = {}
    py = python_with_lz4()
    if decoder and not os.path.exists(decoder):
        print(f"memraygen_check: no decoder at {decoder}: decoder part skipped")
        decoder = None
    if decoder and not py:
        print("memraygen_check: no python3 with lz4 (python3-lz4): decoder part skipped")
        decoder = None
    bad = []

    def same(what, got, want):
        if got != want:
            bad.append(f"{what}: {got} (expected {want})")

    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("lz4", "plain"):
            path = os.path.join(tmp, f"gen_{kind}.bin")
            cmd = [gen, "-n", str(records), "-o", path] + (["--plain"] if kind == "plain" else [])
            r = subprocess.run(cmd, capture_output=True, text=True, check=True)
            g = json.loads(r.stderr.strip().splitlines()[-1])
            same(f"{kind}: generator records", g["records"], records)
            with open(path, "rb") as f:
                magic = f.read(7)
            same(f"{kind}: magic", magic[:4] if kind == "lz4" else magic,
                 b"\x04\x22\x4d\x18" if kind == "lz4" else b"memray\x00")

            if decoder:
                d = json.loads(subprocess.run([py, decoder, path, "--summary"], check=True,
                                              capture_output=True, text=True).stdout)
                same(f"{kind}: decoder ended with", d["ended_with"], "TRAILER")
                same(f"{kind}: decoder ALLOCATION records", d["counts"].get("ALLOCATION"),
                     records)
                same(f"{kind}: decoder header n_allocations", d["header"]["n_allocations"],
                     records)
                same(f"{kind}: decoder compressed", d["compressed"], kind == "lz4")
                same(f"{kind}: decoder thread names", sorted(d["thread_names"].values()),
                     [f"ThreadPoolExecutor-0_{i}" for i in range(3)])
                same(f"{kind}: decoder code objects", d["code_objects"], g["code_objects"])
                for dk, gk in (("total_allocations", "allocations"),
                               ("total_bytes_allocated", "allocated_bytes"),
                               ("peak_memory", "peak_bytes"), ("peak_record_index", "peak_index"),
                               ("leaked_bytes", "leaked_bytes"),
                               ("leaked_simple_allocations", "leaked_blocks")):
                    same(f"{kind}: decoder {dk}", d[dk], g[gk])

            r = subprocess.run([memtui, "report", "--json", "--no-progress", "--no-cache", path],
                               capture_output=True, text=True)
            same(f"{kind}: memtui exit status", r.returncode, 0)
            same(f"{kind}: memtui stderr", r.stderr, "")
            if r.returncode:
                continue
            m = json.loads(r.stdout)
            same(f"{kind}: memtui format", (m["format"], m["format_version"]), ("memray", "13"))
            same(f"{kind}: memtui warnings", m["warnings"], [])
            same(f"{kind}: memtui truncated", m["truncated"], False)
            same(f"{kind}: memtui events", m["totals"]["events"], records)
            same(f"{kind}: memtui allocations", m["totals"]["allocations"], g["allocations"])
            same(f"{kind}: memtui allocated bytes", m["totals"]["allocated_bytes"],
                 g["allocated_bytes"])
            same(f"{kind}: memtui peak", m["peak"]["bytes"], g["peak_bytes"])
            same(f"{kind}: memtui peak record", m["peak"]["event_index"], g["peak_index"])
            same(f"{kind}: memtui leaked bytes", m["leaks"]["bytes"], g["leaked_bytes"])
            same(f"{kind}: memtui leaked blocks", m["leaks"]["allocations"], g["leaked_blocks"])
            same(f"{kind}: memtui threads", sorted(t["name"] for t in m["meta"]["threads"]),
                 [f"ThreadPoolExecutor-0_{i}" for i in range(3)])
            if bare:
                for mode in ([], ["--map"]):
                    r = subprocess.run([bare] + mode + [path], capture_output=True, text=True)
                    name = f"{kind}: memraybare {' '.join(mode)}".rstrip()
                    same(f"{name} exit status", r.returncode, 0)
                    if r.returncode:
                        continue
                    out = dict(line.split() for line in r.stdout.splitlines())
                    same(f"{name} allocations", int(out["allocations"]), records)
                    if mode:
                        same(f"{name} live", int(out["live"]), g["leaked_blocks"])
                    key = " ".join(mode)
                    same(f"{name} checksum", out["checksum"], sums.setdefault(key, out["checksum"]))
            print(f"memraygen_check: {kind}: {records} records, {g['allocations']} allocations, "
                  f"peak {g['peak_bytes']} B at record {g['peak_index']}, leaked "
                  f"{g['leaked_bytes']} B in {g['leaked_blocks']} blocks: "
                  f"{'decoder, ' if decoder else ''}{'memraybare, ' if bare else ''}memtui "
                  "and generator agree"
                  if not bad else f"memraygen_check: {kind}: checked")
    for b in bad:
        print("memraygen_check: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
