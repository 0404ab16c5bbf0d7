#!/usr/bin/env python3
"""Turns the runs bench/timing.sh records into the tables of docs/BENCH.md.

Usage: summarize.py scale|memray RESULTS.tsv

RESULTS has one line per timed run (bench/timing.sh):
    group  capture  events  tool  run  wall_s  user_s  sys_s  rss_kib
For each capture and tool it takes the median wall time, the median CPU
(user + sys) and the largest peak RSS over the runs (the medians of
alternating runs the acceptance of issue 15 asks for).

scale:  one row per capture for memtui, heaptrack_print, the decompressor
        (floor) and the explorer's first screen, the ratios
        heaptrack_print/memtui and memtui/floor; then the least-squares fit
        over the captures of group "series" (wall ns, CPU ns and RSS bytes
        per event, the slope, and the fixed part, the intercept); then the
        acceptance checks.
memray: one row per capture for memtui and the decompressor, the ratio
        memtui/floor and the ratio to the anchor figure of memray's own
        reader (2.6 s on the 10.3 M-record capture; memray cannot run here);
        then the bare decoder (bench/memraybare: no model, one thread) with
        and without the address map, against the decompressor.
"""
import statistics
import sys

MEMRAY_ANCHOR_S = 2.6
MEMRAY_ANCHOR_RECORDS = 10.3e6
BENCHMARK_RECORDS = 9e6  # memray's benchmark size is 10 M records


def load(path):
    """{(group, capture): {"events": n, "tools": {tool: [(wall, cpu, rss_kib)]}}}"""
    caps = {}
    with open(path) as f:
        for line in f:
            g, c, e, tool, _run, wall, user, sys_s, rss = line.rstrip("\n").split("\t")
            cap = caps.setdefault((g, c), {"events": int(e), "tools": {}})
            cap["tools"].setdefault(tool, []).append(
                (float(wall), float(user) + float(sys_s), int(rss)))
    return caps


def stats(runs):
    """(median wall s, median CPU s, max RSS bytes, runs) or None."""
    if not runs:
        return None
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs) * 1024, len(runs))


def mib(b):
    return f"{b / 1048576:.0f} MiB" if b >= 100 * 1048576 else f"{b / 1048576:.1f} MiB"


def secs(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.2f} s"


def millions(n):
    return f"{n / 1e6:.1f} M" if n < 1e8 else f"{n / 1e6:.0f} M"


def cell(st):
    return (secs(st[0]), secs(st[1]), mib(st[2])) if st else ("-", "-", "-")


def ratio(a, b):
    return f"{a[0] / b[0]:.2f}x" if a and b and b[0] > 0 else "-"


def fit(points):
    """Least squares y = a + b x over [(x, y)]: (b, a), or None under two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    b = sxy / sxx
    return b, my - b * mx


def check(ok, text):
    print(f"- {'pass' if ok else 'FAIL'}: {text}")


def scale(caps):
    tools = [("memtui", "memtui report"), ("heaptrack_print", "heaptrack_print"),
             ("floor", "decompress"), ("screen", "first screen")]
    head = ["capture", "events"]
    for _, name in tools:
        head += [f"{name} wall", f"{name} CPU", f"{name} RSS"]
    head += ["heaptrack_print / memtui", "memtui / decompress", "runs"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * 2 + " ---: |" * (len(head) - 2))
    table = {}
    for (g, c), cap in caps.items():
        st = {t: stats(cap["tools"].get(t, [])) for t, _ in tools}
        table[(g, c)] = st
        row = [c, millions(cap["events"])]
        for t, _ in tools:
            row += cell(st[t])
        row += [ratio(st["heaptrack_print"], st["memtui"]), ratio(st["memtui"], st["floor"]),
                str(max((s[3] for s in st.values() if s), default=0))]
        print("| " + " | ".join(row) + " |")

    print()
    series = [(c, cap) for (g, c), cap in caps.items() if g == "series"]
    print("Cost per event, least squares over the series "
          f"({', '.join(millions(cap['events']) for _, cap in series)} events): "
          "slope (per event) and intercept (fixed part)")
    print()
    print("| tool | wall ns/event | CPU ns/event | RSS bytes/event | fixed wall | fixed RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    slopes = {}
    for t, name in tools:
        pts = [(cap["events"], table[("series", c)][t]) for c, cap in series
               if table[("series", c)][t]]
        w = fit([(x, s[0]) for x, s in pts])
        u = fit([(x, s[1]) for x, s in pts])
        r = fit([(x, s[2]) for x, s in pts])
        if not (w and u and r):
            print(f"| {name} | needs two sizes | | | | |")
            continue
        slopes[t] = r[0]
        print(f"| {name} | {w[0] * 1e9:.1f} | {u[0] * 1e9:.1f} | {r[0]:.3f} | {w[1]:.3f} s "
              f"| {mib(max(r[1], 0))} |")

    print()
    print("Acceptance (issue 15), on the figures above:")
    for (g, c), st in table.items():
        # "10 M events and more": the series' 10 M capture has 9,999,997
        ev = caps[(g, c)]["events"]
        m, h, f, s = st["memtui"], st["heaptrack_print"], st["floor"], st["screen"]
        if ev >= 9.5e6 and m and h:
            check(h[0] >= 3 * m[0], f"{c}: memtui report at least 3x faster than "
                  f"heaptrack_print ({h[0] / m[0]:.2f}x)")
        if ev >= 9.5e6 and m and f:
            check(m[0] <= 3 * f[0], f"{c}: memtui report within 3x of the decompressor "
                  f"({m[0] / f[0]:.2f}x)")
    if series:
        c, cap = max(series, key=lambda p: p[1]["events"])
        st = table[("series", c)]
        m, h, s = st["memtui"], st["heaptrack_print"], st["screen"]
        if m and h:
            check(m[2] <= h[2], f"{c}: memtui report peak RSS {mib(m[2])} at most "
                  f"heaptrack_print's {mib(h[2])}")
        if s and h:
            check(s[2] <= h[2], f"{c}: first screen peak RSS {mib(s[2])} at most "
                  f"heaptrack_print's {mib(h[2])}")
        if s and m:
            check(s[0] <= 2 * m[0], f"{c}: first screen {secs(s[0])} within 2x of "
                  f"memtui report's {secs(m[0])}")
    for t in ("memtui", "screen"):
        if t in slopes:
            check(slopes[t] < 0.1, f"fitted RSS of {dict(tools)[t]}: {slopes[t]:.3f} "
                  "bytes per event (under 0.1)")


def memray(caps):
    print("| capture | records (events) | memtui report wall | CPU | RSS | lz4 -d wall | CPU "
          "| RSS | memtui / lz4 | memtui / memray's reader (anchor) | runs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    checks = []
    for (_g, c), cap in caps.items():
        m = stats(cap["tools"].get("memtui", []))
        f = stats(cap["tools"].get("floor", []))
        # the anchor scaled to this capture's size, memray's reader taken as linear
        anchor = MEMRAY_ANCHOR_S * cap["events"] / MEMRAY_ANCHOR_RECORDS
        vs = f"{m[0] / anchor:.3f}" if m else "-"
        print(f"| {c} | {millions(cap['events'])} | " + " | ".join(cell(m) + cell(f))
              + f" | {ratio(m, f)} | {vs} | {max(m[3] if m else 0, f[3] if f else 0)} |")
        # the acceptance is for memray's benchmark size (10 M records); a smaller
        # capture's figures are for information
        size = "" if cap["events"] >= BENCHMARK_RECORDS else " (not benchmark size)"
        if m:
            checks.append((m[0] <= 0.2 * anchor, size, f"{c}: memtui report {secs(m[0])}, "
                           f"{m[0] / anchor:.3f} of memray's reader (anchor {anchor:.2f} s, at "
                           "most 0.2)"))
        if m and f:
            checks.append((m[0] <= 5 * f[0], size, f"{c}: memtui report within 5x of lz4 -d "
                           f"({m[0] / f[0]:.2f}x)"))
    bare_table(caps)
    print()
    print(f"memray's own reader cannot run on this machine (memray is not installable): "
          f"the anchor is the issue's {MEMRAY_ANCHOR_S} s for its high-water-mark pass on the "
          f"{MEMRAY_ANCHOR_RECORDS / 1e6:.1f} M-record capture, scaled linearly to each "
          "capture's record count.")
    print()
    print("Acceptance (issue 15), on the figures above:")
    for ok, size, text in checks:
        if size:
            print(f"- {'pass' if ok else 'over'}{size}: {text}")
        else:
            check(ok, text)


def bare_table(caps):
    """The floor of any reader: bench/memraybare's runs, when there."""
    rows = [(c, cap) for (_g, c), cap in caps.items() if "bare" in cap["tools"]]
    if not rows:
        return
    print()
    print("What any reader needs: bench/memraybare decompresses and decodes every record on "
          "one thread with no model (bare), and with memtui's address map in line (bare+map).")
    print()
    print("| capture | bare wall | CPU | bare / lz4 | bare+map wall | CPU | bare+map / lz4 "
          "| bare+map CPU / 2 / lz4 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c, cap in rows:
        f = stats(cap["tools"].get("floor", []))
        b = stats(cap["tools"].get("bare", []))
        bm = stats(cap["tools"].get("bare+map", []))
        half = f"{bm[1] / 2 / f[0]:.2f}x" if bm and f and f[0] > 0 else "-"
        print(f"| {c} | {cell(b)[0]} | {cell(b)[1]} | {ratio(b, f)} | {cell(bm)[0]} | "
              f"{cell(bm)[1]} | {ratio(bm, f)} | {half} |")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("scale", "memray"):
        sys.exit(__doc__)
    caps = load(sys.argv[2])
    if not caps:
        sys.exit("summarize: no runs in " + sys.argv[2])
    (scale if sys.argv[1] == "scale" else memray)(caps)


if __name__ == "__main__":
    main()
