#!/usr/bin/env python3
"""The explorer never freezes: keys whose tree is not built wait for a worker
while the keys that move about are answered at once (the real binary in tmux).

MEMTUI_BUILD_DELAY_MS=2500 makes every build at least that long, so that keys
can be pressed while one runs on a capture of any size.  What it covers:
  - `i` on the tree starts a build: the status line says what is being built
    and for how long, the view stays top-down, and `j` moves the selection at
    once, well before the build ends;
  - `m` pressed during the build waits behind it and then starts its own;
    once both are done the screen is exactly the frame the headless replay
    of the keys in the order they took effect ("jjim") prints, and its figures
    are `memtui report`'s for that metric and direction;
  - Esc drops the keys waiting for a build (the metric does not change; the
    build is kept), and the explorer quits with q at once after it;
  - views 4 and 3 (a pass over the event log each) are synced by the worker
    before they are shown, with the same status line, while j moves in the
    tree; so is d's diff of two stages' ends; the settled frames are the
    replay's;
  - Enter in T (the tree of the picked thread, not built yet) freezes the
    frame, the thread list, with the status saying what is built, and j waits
    behind the build; the settled frame is the replay's; Q during a build
    quits at once (the build is not waited for);
  - `m` and `i` in the flame graph build on the worker too: the flame graph
    stays on screen with the status saying what is built, and the settled
    frame is the replay's;
  - a replay (frames exact, keys in order) waits for each build: the frame of
    "ijj" is the tree bottom-up with the third row selected.

usage: test_worker.py MEMTUI SAMPLE_CAPTURES
"""
import os
import shutil
import sys
import time

from uitest import Suite, Tmux, fmt_bytes, replay, report, status, tree_rows

W, H = 100, 30
DELAY_MS = 2500


def norm(text):
    return "\n".join(line.rstrip() for line in text.rstrip("\n").split("\n")).rstrip("\n")


def main():
    memtui, samples = sys.argv[1], sys.argv[2]
    s = Suite("ui_worker")
    if not shutil.which("tmux"):
        print("ui_worker: tmux missing: skipped")
        return 77
    f = os.path.join(samples, "heaptrack/heaptrack.sqlite3.zst")
    env = {"TERM": "tmux-256color", "LANG": "C.UTF-8", "MEMTUI_BUILD_DELAY_MS": str(DELAY_MS)}
    t = Tmux("worker", "%s --no-cache %s" % (memtui, f), env=env, w=W, h=H)
    try:
        first = t.wait(lambda x: "[tree]" in x)
        s.true("first screen", "[tree] top-down  metric: peak" in first, status(first))

        t0 = time.time()
        t.keys("i")
        scr = t.wait(lambda x: "building the bottom-up tree" in x, timeout=2)
        s.true("i: the status says what is being built",
               "building the bottom-up tree of live bytes at the peak" in scr, scr[-300:])
        s.true("i: the view is still top-down while it builds",
               "[tree] top-down" in status(scr), status(scr))
        t.keys("j", "j")
        scr = t.wait(lambda x: " 3/" in status(x), timeout=2)
        answered = time.time() - t0
        s.true("j j answered during the build (third row selected)", " 3/" in status(scr),
               status(scr))
        s.true("... while the build still runs", "building the bottom-up" in scr and
               answered < DELAY_MS / 1000.0, "%.2f s" % answered)
        t.keys("m")
        scr = t.screen()
        s.true("m waits behind the build: still peak", "metric: peak" in status(scr),
               status(scr))
        scr = t.wait(lambda x: "building the bottom-up tree of bytes leaked" in x, timeout=8)
        s.true("after i: m starts its own build", "building the bottom-up tree of bytes "
               "leaked" in scr, scr[-300:])
        s.true("i has taken effect", "[tree] bottom-up  metric: peak" in status(scr),
               status(scr))
        scr = t.wait(lambda x: "metric: leaks" in status(x) and "building" not in x,
                     timeout=8)
        want = replay(memtui, f, "jjim", size="%dx%d" % (W, H))
        s.check("the settled frame is the replay of j j i m", norm(scr), norm(want))
        rep = report(memtui, f, "--metric", "leaks", "--tree", "bottom-up")
        rows = tree_rows(scr)
        s.true("the bottom-up leaks tree's root is the report's",
               rows and rows[0].value == fmt_bytes(rep["tree"]["root"]["value"]) and
               rows[0].count == rep["tree"]["root"]["count"], rows[:1])

        # Esc drops the keys waiting; the metric stays.
        t.keys("m")
        scr = t.wait(lambda x: "building" in x, timeout=2)
        s.true("m: building again", "building the bottom-up tree" in scr, scr[-300:])
        t.keys("Escape")
        scr = t.wait(lambda x: "dropped the keys" in x, timeout=2)
        s.true("Esc: the waiting keys are dropped", "dropped the keys waiting for" in scr,
               scr[-300:])
        time.sleep(DELAY_MS / 1000.0 + 0.5)
        t.keys("j")
        scr = t.wait(lambda x: "building" not in x, timeout=4)
        s.true("after Esc the metric is still leaks", "metric: leaks" in status(scr),
               status(scr))
        t.keys("q")
        scr = t.wait(lambda x: "EXIT=" in x, timeout=5)
        s.true("q quits", "EXIT=0" in scr, scr[-200:])
    finally:
        t.close()

    # The flame graph shows the explore's trees as the tree view does: a metric
    # or a direction not built yet goes to the worker.
    t = Tmux("worker2", "%s --no-cache %s" % (memtui, f), env=env, w=W, h=H)
    try:
        t.wait(lambda x: "[tree]" in x)
        t.keys("2")
        t.wait(lambda x: "[flame graph]" in status(x))
        for key, what, keys in (("m", "the top-down tree of bytes leaked", "2m"),
                                ("i", "the bottom-up tree of bytes leaked", "2mi")):
            t.keys(key)
            scr = t.wait(lambda x: "building" in x, timeout=2)
            s.true("flame graph %s: the status says what is being built" % key,
                   "building %s" % what in scr, scr[-300:])
            s.true("flame graph %s: the flame graph stays meanwhile" % key,
                   "[flame graph]" in status(scr), status(scr))
            scr = t.wait(lambda x: "building" not in x, timeout=8)
            want = replay(memtui, f, keys, size="%dx%d" % (W, H))
            s.check("flame graph %s: the settled frame is the replay of %s" % (key, keys),
                    norm(scr), norm(want))
    finally:
        t.close()

    # View 4 (a pass over the log) is synced by the worker before it is shown.
    f = os.path.join(samples, "memray/stages.bin")
    # Wide enough that the status line keeps the position beside the message.
    t = Tmux("worker4", "%s --no-cache %s" % (memtui, f), env=env, w=160, h=H)
    try:
        t.wait(lambda x: "[tree]" in x)
        t.keys("4")
        scr = t.wait(lambda x: "building the stages view" in x, timeout=2)
        s.true("4: the status says the stage table is being built",
               "building the stages view" in scr, scr[-300:])
        t.keys("j")
        scr = t.wait(lambda x: " 2/" in status(x), timeout=2)
        s.true("4: j moves in the tree meanwhile", "[tree]" in status(scr) and
               " 2/" in status(scr) and "building" in scr, status(scr))
        scr = t.wait(lambda x: "building" not in x and "[tree]" not in status(x), timeout=8)
        want = replay(memtui, f, "j4", size="160x%d" % H)
        s.check("4: the settled frame is the replay of j 4", norm(scr), norm(want))
        # d diffs two stages' ends: the live heap at each, a pass over the log.
        t.keys("Space", "j", "d")
        scr = t.wait(lambda x: "building the diff view" in x, timeout=2)
        s.true("4 Space j d: the diff of two moments is built by the worker",
               "building the diff view" in scr, scr[-300:])
        scr = t.wait(lambda x: "building" not in x and "[diff]" in status(x), timeout=8)
        want = replay(memtui, f, "j4<Space>jd", size="160x%d" % H)
        s.check("4 Space j d: the settled frame is the replay's", norm(scr), norm(want))
        t.keys("BSpace")
        t.wait(lambda x: "[stages]" in status(x), timeout=4)
        t.keys("3")
        scr = t.wait(lambda x: "building the timeline view" in x, timeout=2)
        s.true("3: the timeline is built by the worker too", "building the timeline" in scr,
               scr[-300:])
        scr = t.wait(lambda x: "building" not in x, timeout=8)
        want = replay(memtui, f, "j43", size="160x%d" % H)
        s.check("3: the settled frame is the replay of j 4 3", norm(scr), norm(want))
    finally:
        t.close()

    # Enter in T leaves the tree on top with no tree for the picked threads: its
    # build goes to the worker and the frame stays as it was (the thread list)
    # until it ends; keys wait for it, then apply in order.
    f = os.path.join(samples, "memray/threads.bin")
    t = Tmux("worker_t", "%s --no-cache %s" % (memtui, f), env=env, w=W, h=H)
    try:
        t.wait(lambda x: "[tree]" in x)
        t.keys("T")
        t.wait(lambda x: "[threads]" in status(x))
        t.keys("Space", "Enter")
        scr = t.wait(lambda x: "building the top-down tree" in x, timeout=2)
        s.true("T Enter: the status says the tree of the thread is being built",
               "building the top-down tree of live bytes at the peak" in scr and
               "keys wait for it" in scr, scr[-300:])
        s.true("T Enter: the last frame (the thread list) stays meanwhile",
               "[tree]" in status(scr) and "worker-3" in scr, scr)
        t.keys("j")
        time.sleep(0.3)
        scr = t.screen()
        s.true("j waits for the build (the frame is still the thread list)",
               "building the top-down tree" in scr and "worker-3" in scr, status(scr))
        scr = t.wait(lambda x: "building" not in x, timeout=8)
        want = replay(memtui, f, "T<Space><Enter>j", size="%dx%d" % (W, H))
        s.check("T Enter j: the settled frame is the replay's", norm(scr), norm(want))
        # Q during a build quits at once: the build is not waited for.
        t.keys("4")
        t.wait(lambda x: "building the stages view" in x, timeout=2)
        t0 = time.time()
        t.keys("Q")
        scr = t.wait(lambda x: "EXIT=" in x, timeout=5)
        took = time.time() - t0
        s.true("Q during a build quits at once", "EXIT=0" in scr and took < DELAY_MS / 2000.0,
               "%.2f s: %s" % (took, scr[-200:]))
    finally:
        t.close()

    # A replay waits for every build: keys apply in order.
    scr = replay(memtui, f, "ijj", size="%dx%d" % (W, H),
                 env=dict(os.environ, MEMTUI_BUILD_DELAY_MS="300"))
    s.true("replay: i then j j", "[tree] bottom-up" in status(scr) and " 3/" in status(scr),
           status(scr))
    return s.done()


if __name__ == "__main__":
    sys.exit(main())
