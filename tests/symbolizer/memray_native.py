#!/usr/bin/env python3
"""Symbolizes every native stack of a memray capture with symdump and compares
the result with memray's own (the oracle JSON next to the capture).

For each allocation record the ips of its native trace are mapped to the image
whose segments held them in that record's generation (memray's rule: segment
[load + vaddr, load + vaddr + memsz) holds ip), and symdump resolves
pc = ip - load - 1.  Frames of images symdump refuses (missing here, or another
build) are "<unknown>" as in memray.  Checks:
  - each oracle record of largest_hwm_records (keyed by size, allocator, count)
    has a native stack that symbolizes exactly to its native_stack_trace
    (function, file, line, with "<unknown>" for unresolved), frames whose
    image is missing or different on this machine excepted;
  - every (function, file, line) in fixture_frames_resolved is produced.
Usage: memray_native.py SYMDUMP CAPTURE DECODER_DIR [--beside DIR]
Exit 77 (skip) when the capture or the decoder is missing.
"""
import json
import os
import subprocess
import sys
from collections import defaultdict

SKIP = 77


def resolve_module(symdump, path, segs, pcs, beside):
    res = {}
    cands = [path] + ([os.path.join(beside, os.path.basename(path))] if beside else [])
    layout = ",".join("%x:%x" % s for s in segs)
    for cand in cands:
        if not os.path.exists(cand):
            continue
        out = subprocess.run([symdump, "-s", "-l", layout, cand] + ["%x" % pc for pc in pcs],
                             capture_output=True, text=True)
        if out.returncode != 0:
            continue
        for line in out.stdout.splitlines():
            pc, _, frames = line.partition("\t")
            fr = []
            if frames:
                for f in frames.split("\t"):
                    fn, file, ln = f.rsplit("|", 2)
                    fr.append((fn, file if file else "<unknown>", int(ln)))
            res[int(pc, 16)] = fr or [("<unknown>", "<unknown>", 0)]
        return res
    return None


def main():
    symdump, capture, decoder_dir = sys.argv[1:4]
    beside = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--beside" else None
    oracle_path = capture + ".oracle.json"
    if not (os.path.exists(capture) and os.path.exists(oracle_path)
            and os.path.exists(os.path.join(decoder_dir, "memray_decode.py"))):
        print("skip: capture, oracle or decoder missing")
        return SKIP
    sys.path.insert(0, decoder_dir)
    import memray_decode

    cap = memray_decode.Capture(capture)
    records = []
    for ev in cap.events():
        if ev[0] == "ALLOCATION" and ev[7]:
            records.append((ev[4], ev[5], ev[7], ev[8]))
    gens = cap.segment_generations

    def locate(ip, gen):
        for fname, base, segs in gens[gen - 1]:
            for vaddr, memsz in segs:
                if base + vaddr <= ip < base + vaddr + memsz:
                    return fname, base, tuple(segs)
        return None

    wanted = defaultdict(set)  # (fname, segs) -> pcs
    stacks = {}
    for size, alloc, nat, gen in records:
        key = (nat, gen)
        if key in stacks:
            continue
        ips = cap.native_stack(nat)
        where = []
        for ip in ips:
            loc = locate(ip, gen)
            if loc:
                fname, base, segs = loc
                wanted[(fname, segs)].add(ip - base - 1)
                where.append((fname, segs, ip - base - 1))
            else:
                where.append(None)
        stacks[key] = where

    resolved, refused = {}, set()
    for (fname, segs), pcs in wanted.items():
        r = resolve_module(symdump, fname, list(segs), sorted(pcs), beside)
        if r is None:
            refused.add(fname)
        else:
            resolved[(fname, segs)] = r

    def frames_of(key):
        out = []
        for w in stacks[key]:
            if w is None:
                out.append(("<unknown>", "<unknown>", 0, None))
                continue
            fname, segs, pc = w
            if (fname, segs) not in resolved:
                out.append(("<unknown>", "<unknown>", 0, fname))
                continue
            out.extend(f + (None,) for f in resolved[(fname, segs)][pc])
        return out

    oracle = json.load(open(oracle_path))["native"]
    allocator_names = memray_decode.ALLOCATORS
    failures = 0
    checked_frames = 0
    by_key = defaultdict(list)
    for size, alloc, nat, gen in records:
        by_key[(allocator_names.get(alloc, alloc), nat, gen)].append(size)
    produced = set()
    for key in stacks:
        for fn, file, ln, _ in frames_of(key):
            produced.add((fn, file, ln))
    for rec in oracle["largest_hwm_records"]:
        want = [tuple(f) for f in rec["native_stack_trace"]]
        best = None
        for (alloc, nat, gen), sizes in by_key.items():
            if alloc != rec["allocator"]:
                continue
            got = frames_of((nat, gen))
            mism = [i for i, (g, w) in enumerate(zip(got, want))
                    if g[3] is None and g[:3] != w]
            # the oracle keeps at most 25 frames of a trace
            if (len(got) == len(want) or len(got) > len(want) == 25) and not mism:
                best = got
                break
        if best is None:
            print("FAIL: no native stack symbolizes to the oracle record %s %d x%d"
                  % (rec["allocator"], rec["size"], rec["n_allocations"]))
            for f in want:
                print("   want", f)
            failures += 1
        else:
            best = best[:len(want)]
            skipped = sum(1 for g in best if g[3] is not None)
            checked_frames += len(best) - skipped
            print("ok: %s %d x%d: %d frames equal memray's (%d in images missing here)"
                  % (rec["allocator"], rec["size"], rec["n_allocations"],
                     len(best) - skipped, skipped))
    for f in oracle["fixture_frames_resolved"]:
        t = (f["function"], f["file"], f["line"])
        if t not in produced:
            print("FAIL: fixture frame not produced:", t)
            failures += 1
    print("%d frames checked, %d images refused (missing or other build): %s"
          % (checked_frames, len(refused), ", ".join(sorted(refused)) or "none"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
