#!/usr/bin/env python3
"""memtui's capture cache ($XDG_CACHE_HOME/memtui): reuse, rebuild, damage,
an unusable directory, two processes at once, the size bound.

Every run gets XDG_CACHE_HOME=a temporary folder and MEMTUI_CACHE_MIN_MS=0
(every parse is kept, however fast).  The captures are copies of samples
in a temporary folder, so that they can be changed.

usage: test_cache.py MEMTUI SAMPLE_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


class T:
    def __init__(self, memtui, home):
        self.memtui, self.home = memtui, home
        self.n = 0
        self.failed = []

    def env(self, **extra):
        e = dict(os.environ, XDG_CACHE_HOME=self.home, MEMTUI_CACHE_MIN_MS="0")
        e.pop("MEMTUI_CACHE_MAX", None)
        e.update(extra)
        return e

    def run(self, args, **extra):
        return subprocess.run([self.memtui] + args, capture_output=True, text=True,
                              errors="replace", env=self.env(**extra), timeout=120)

    def check(self, what, ok, detail=""):
        self.n += 1
        if not ok:
            self.failed.append(what)
            print("FAIL %s %s" % (what, detail), file=sys.stderr)

    def entries(self):
        d = os.path.join(self.home, "memtui")
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".mtui"))

    def report(self, path, *args, **extra):
        p = self.run(["report", "--no-progress"] + list(args) + [path], **extra)
        return p.returncode, p.stdout, p.stderr


def read_only_folder(t, work, capture, want):
    """A cache folder its owner cannot write: the report, one warning.  Root
    writes anywhere, so as root the run is made as nobody (setpriv)."""
    ro = os.path.join(work, "ro")
    os.makedirs(os.path.join(ro, "memtui"), mode=0o700)
    src = os.path.join(ro, "capture.zst")
    shutil.copy(capture, src)
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            return
        for path in (ro, os.path.join(ro, "memtui"), src):
            os.chown(path, 65534, 65534)
        os.chmod(work, 0o755)
        os.chmod(src, 0o644)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    os.chmod(os.path.join(ro, "memtui"), 0o500)
    p = subprocess.run(prefix + [t.memtui, "report", "--no-progress", src], capture_output=True,
                       text=True, env=t.env(XDG_CACHE_HOME=ro), timeout=120)
    t.check("a read-only cache folder: the report, one warning",
            (p.returncode, p.stdout.replace(src, "F"), p.stderr.count("warning")) ==
            (0, want.replace(capture, "F"), 1), p.stderr)


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="memtui_cache.")
    try:
        home = os.path.join(work, "xdg")
        t = T(memtui, home)
        a = os.path.join(work, "a.bin")
        b = os.path.join(work, "b.zst")
        shutil.copy(os.path.join(samples, "memray", "stages.bin"), a)
        shutil.copy(os.path.join(samples, "heaptrack", "heaptrack.leaky.zst"), b)
        want_a = t.report(a, "--no-cache")[1]
        want_b = t.report(b, "--no-cache")[1]
        t.check("--no-cache keeps nothing", not t.entries())

        # Reuse: the first report keeps an entry (0700 folder, 0600 file), the next reads it.
        rc, out, err = t.report(a)
        t.check("first report: the source's", (rc, out) == (0, want_a), err)
        ents = t.entries()
        t.check("first report: one entry", len(ents) == 1, ents)
        t.check("the folder is 0700", os.stat(os.path.dirname(ents[0])).st_mode & 0o777
                == 0o700)
        t.check("the entry is 0600", os.stat(ents[0]).st_mode & 0o777 == 0o600)
        rc, out, err = t.report(a)
        t.check("second report: the same output", (rc, out, err) == (0, want_a, ""), err)
        for fmt in ("json", "csv", "collapsed"):
            t.check("--format %s through the cache" % fmt,
                    t.report(a, "--format", fmt)[1] ==
                    t.report(a, "--format", fmt, "--no-cache")[1])
        p = t.run(["--replay", "", a])
        t.check("the explorer says it read the cache", ", cached" in p.stdout.splitlines()[0],
                p.stdout[:200])
        p2 = t.run(["--replay", "", "--no-cache", a])
        t.check("the explorer's figures through the cache", p.stdout.splitlines()[1:]
                == p2.stdout.splitlines()[1:])

        # The source changes: another key, the new figures.
        shutil.copy(b, a)
        rc, out, err = t.report(a)
        t.check("a changed source: its new figures", (rc, out.replace(a, "F")) ==
                (0, want_b.replace(b, "F")), err)

        # A damaged entry: unusable, removed, rebuilt, warned about once.
        shutil.copy(os.path.join(samples, "memray", "stages.bin"), a)
        t.report(a)
        for where in ("header", "middle", "end"):
            ent = [e for e in t.entries() if os.path.getmtime(e) ==
                   max(os.path.getmtime(x) for x in t.entries())][0]
            data = bytearray(open(ent, "rb").read())
            i = {"header": 20, "middle": len(data) // 2, "end": len(data) - 10}[where]
            data[i] ^= 0xFF
            open(ent, "wb").write(data)
            rc, out, err = t.report(a)
            t.check("damaged entry (%s): the source's figures" % where, (rc, out) ==
                    (0, want_a), err)
            t.check("damaged entry (%s): one warning" % where,
                    err.count("warning") == 1 and "removed and rebuilt" in err, err)
            rc, out, err = t.report(a)
            t.check("damaged entry (%s): rebuilt" % where, (rc, out, err) == (0, want_a, ""),
                    err)

        # An entry others can write is not trusted.
        for e in t.entries():
            os.chmod(e, 0o666)
        rc, out, err = t.report(a)
        t.check("an entry others can write: ignored, warned", (rc, out) == (0, want_a) and
                "only you can write" in err, err)

        # A folder that cannot hold the cache: no cache, one warning, never a failure.
        for bad_home in (os.path.join(work, "a-file"), "/proc/self"):
            open(os.path.join(work, "a-file"), "w").close()
            p = t.run(["report", "--no-progress", a], XDG_CACHE_HOME=bad_home)
            t.check("cache home %s: the report" % bad_home, (p.returncode, p.stdout) ==
                    (0, want_a), p.stderr)
            t.check("cache home %s: one warning" % bad_home, p.stderr.count("warning") == 1,
                    p.stderr)
        read_only_folder(t, work, b, want_b)
        os.chmod(os.path.join(home, "memtui"), 0o777)
        p = t.run(["report", "--no-progress", a])
        t.check("a cache folder others can write: not used", (p.returncode, p.stdout) ==
                (0, want_a) and "no cache used" in p.stderr, p.stderr)
        os.chmod(os.path.join(home, "memtui"), 0o700)

        # Two processes at once, five times: both right, the entry whole.
        for i in range(5):
            shutil.rmtree(os.path.join(home, "memtui"), ignore_errors=True)
            procs = [subprocess.Popen([memtui, "report", "--no-progress", b],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, env=t.env()) for _ in range(2)]
            outs = [p.communicate() for p in procs]
            t.check("two at once (%d): both right" % i, all(o == (want_b, "") for o in outs),
                    [o[1] for o in outs])
            t.check("two at once (%d): one entry" % i, len(t.entries()) == 1)
            rc, out, err = t.report(b)
            t.check("two at once (%d): the entry reads right" % i,
                    (rc, out, err) == (0, want_b, ""), err)

        # The size bound: the oldest entries go first, the total stays under it.
        shutil.rmtree(os.path.join(home, "memtui"), ignore_errors=True)
        names = []
        for name in ("stages.bin", "leaky.bin", "diff_after.bin", "threads.bin"):
            dst = os.path.join(work, name)
            shutil.copy(os.path.join(samples, "memray", name), dst)
            names.append(dst)
        sizes = []
        for n in names:
            before = set(t.entries())
            t.report(n)
            new = set(t.entries()) - before
            sizes.append(os.path.getsize(new.pop()) if new else 0)
        bound = sizes[-1] + sizes[-2]
        rc, out, err = t.report(names[-1], MEMTUI_CACHE_MAX=str(bound))
        total = sum(os.path.getsize(e) for e in t.entries())
        t.check("the size bound holds (%d <= %d)" % (total, bound), total <= bound)
        p = t.run(["--replay", "", names[-1]], MEMTUI_CACHE_MAX=str(bound))
        t.check("the newest entry stays", ", cached" in p.stdout.splitlines()[0])
        p = t.run(["--replay", "", names[0]], MEMTUI_CACHE_MAX="1G")
        t.check("the oldest entry went", ", cached" not in p.stdout.splitlines()[0])
        t.report(names[0], MEMTUI_CACHE_MAX="1K")
        t.check("a bound below one entry keeps none", not t.entries())

        # A .mtui is never cached: it opens in place already.
        mt = os.path.join(work, "x.mtui")
        t.run(["convert", a, "-o", mt])
        shutil.rmtree(os.path.join(home, "memtui"), ignore_errors=True)
        t.report(mt)
        t.check("a .mtui is not cached", not t.entries())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("cache: %d checks, %d failed" % (t.n, len(t.failed)))
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
