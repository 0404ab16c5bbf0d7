#!/usr/bin/env python3
"""`memtui convert` keeps every figure: the .mtui reports what its source does.

For every capture with an oracle under the given folders (sample-captures/
always, ../shared/captures when present):
  - `memtui convert SRC -o A.mtui` twice gives identical bytes, and converting
    A.mtui again gives A.mtui's bytes (the format holds all the model holds);
  - every report of A.mtui equals the source's, except the lines and keys that
    name the file and its format: every --format, every --metric, both tree
    directions, --stages under:main and slices:4, and --diff against the
    other captures of its folder (both ways);
  - the oracles hold on the converted files, through test_oracles.py run on a
    mirror folder of .mtui files named as their sources (native frames come
    named from the .mtui: no image beside it is needed; the source sits
    beside as NAME.source for test_oracles' own count of heaptrack's bytes).
With --few (the sanitizer build, ~5x slower: it is there for the memory
errors of the .mtui paths, which a few reports of every sample find) only
sample-captures is walked, the reports are text and JSON of two metrics top
down and one stage split, and neither the diffs nor the oracle mirror run.

usage: test_mtui_roundtrip.py MEMTUI [--few] DIR [DIR...]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
METRICS = ["peak", "leaks", "allocated", "allocations", "temporary"]
# Text lines that name the file and its format (report_text.c's header).
NAMING_LINES = ("file        ", "format      ", "source      ", "from        ")
NAMING_KEYS = ("file", "format", "format_version")


def run(memtui, args, check=True):
    p = subprocess.run([memtui] + args, capture_output=True, text=True, errors="replace")
    if check and p.returncode != 0:
        raise AssertionError("%s %s: exit %d: %s" % (memtui, " ".join(args), p.returncode,
                                                     p.stderr.strip()))
    return p


def oracle_captures(dirs):
    """(oracle path, capture path) for every oracle with a capture of its own."""
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if not f.endswith(".oracle.json"):
                    continue
                base = os.path.join(root, f[: -len(".oracle.json")])
                for cand in (base, base + ".zst"):
                    if os.path.isfile(cand):
                        out.append((os.path.join(root, f), cand))
                        break
    return out


def normalize(text, fmt, src, dst):
    """A report with what names the file and format taken out."""
    if fmt == "json":
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        for doc in docs:
            for k in NAMING_KEYS:
                doc.pop(k, None)
            if isinstance(doc.get("source"), dict):
                doc["source"].pop("sha256", None)  # convert hashes its input
        return json.dumps(docs, sort_keys=True)
    lines = [l for l in text.splitlines() if not l.startswith(NAMING_LINES)]
    return "\n".join(lines).replace(src, "SRC").replace(dst, "SRC")


def report_args(few):
    if few:
        return [(fmt, ["--format", fmt, "--metric", metric]) for fmt in ("text", "json")
                for metric in ("peak", "allocated")] + [("text", ["--stages", "slices:4"])]
    out = []
    for fmt in ("text", "json", "csv", "collapsed"):
        for metric in METRICS:
            for tree in ("top-down", "bottom-up"):
                out.append((fmt, ["--format", fmt, "--metric", metric, "--tree", tree]))
    for stages in ("under:main", "slices:4"):
        for fmt in ("text", "json"):
            out.append((fmt, ["--format", fmt, "--stages", stages]))
    return out


class Checks:
    def __init__(self):
        self.n = 0
        self.failed = []

    def equal(self, what, a, b):
        self.n += 1
        if a != b:
            self.failed.append(what)
            print("FAIL", what, file=sys.stderr)


def compare_reports(memtui, checks, src, dst, few):
    for fmt, args in report_args(few):
        a = run(memtui, ["report", "--no-progress"] + args + [src], check=False)
        b = run(memtui, ["report", "--no-progress"] + args + [dst], check=False)
        checks.equal("%s %s: exit status" % (src, " ".join(args)), a.returncode, b.returncode)
        checks.equal("%s %s" % (src, " ".join(args)), normalize(a.stdout, fmt, src, dst),
                     normalize(b.stdout, fmt, src, dst))


def compare_diffs(memtui, checks, pairs, few):
    fmts = ["text", "json"] if few else ["text", "json", "csv"]
    for (sa, da), (sb, db) in pairs:
        for fmt in fmts:
            a = run(memtui, ["diff", "--no-progress", "--format", fmt, sa, sb], check=False)
            b = run(memtui, ["diff", "--no-progress", "--format", fmt, da, db], check=False)
            what = "diff %s %s --format %s" % (sa, sb, fmt)
            checks.equal(what + ": exit status", a.returncode, b.returncode)
            na = a.stdout.replace(sa, "A").replace(sb, "B")
            nb = b.stdout.replace(da, "A").replace(db, "B")
            checks.equal(what, na, nb)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    memtui, few = args[0], "--few" in args
    dirs = [d for d in args[1:] if d != "--few" and os.path.isdir(d)]
    if few:
        dirs = dirs[:1]
    checks = Checks()
    work = tempfile.mkdtemp(prefix="mtui_roundtrip.")
    mirror = os.path.join(work, "mirror")
    try:
        by_dir = {}
        for oracle, src in oracle_captures(dirs):
            rel = os.path.relpath(src, os.path.dirname(os.path.dirname(oracle)))
            dst = os.path.join(mirror, str(dirs.index(next(d for d in dirs
                                                          if oracle.startswith(d)))), rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if run(memtui, ["report", "--no-progress", src], check=False).returncode:
                # A capture memtui refuses is refused by convert too, with no output.
                p = run(memtui, ["convert", src, "-o", dst], check=False)
                checks.equal("%s: convert refuses it" % src, (p.returncode,
                             os.path.exists(dst)), (2, False))
                continue
            run(memtui, ["convert", src, "-o", dst])
            again = os.path.join(work, "again.mtui")
            run(memtui, ["convert", src, "-o", again])
            with open(dst, "rb") as f1, open(again, "rb") as f2:
                first = f1.read()
                checks.equal("%s: converting twice gives the same bytes" % src, first,
                             f2.read())
            run(memtui, ["convert", dst, "-o", again])
            with open(again, "rb") as f:
                checks.equal("%s: converting the .mtui gives its bytes" % src, first, f.read())
            shutil.copy(oracle, os.path.join(os.path.dirname(dst), os.path.basename(oracle)))
            shutil.copy(src, dst + ".source")  # test_oracles' own count of heaptrack's bytes
            compare_reports(memtui, checks, src, dst, few)
            by_dir.setdefault(os.path.dirname(src), []).append((src, dst))
        pairs = []
        for caps in by_dir.values():
            for i in range(len(caps) - 1):
                pairs.append((caps[i], caps[i + 1]))
                pairs.append((caps[i + 1], caps[i]))
        if not few:
            compare_diffs(memtui, checks, pairs, few)
            p = subprocess.run([sys.executable, os.path.join(HERE, "test_oracles.py"), memtui,
                                mirror], capture_output=True, text=True)
            checks.equal("test_oracles.py on the converted captures: exit status",
                         p.returncode, 0)
            if p.returncode:
                print(p.stdout[-3000:], p.stderr[-3000:], file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("mtui_roundtrip: %d checks, %d failed" % (checks.n, len(checks.failed)))
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
