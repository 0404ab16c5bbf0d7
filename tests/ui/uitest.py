"""Helpers shared by the explorer tests: running the headless replay and
`memtui report --json`, reading a tree screen back into rows, memtui's
number formatting (src/base/fmt.c) so that a figure on screen can be compared
with the report's exact integer, and the real binary in tmux (Tmux).
"""
import json
import os
import re
import subprocess
import time

MARKERS = "\u25be\u25b8v>"  # open/closed, UTF-8 and ASCII


def fmt_bytes(b):
    """src/base/fmt.c fmt_bytes: binary units, 3 significant digits or more."""
    v = abs(b)
    sign = "-" if b < 0 else ""
    if v < 1024:
        return "%s%d B" % (sign, v)
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    u = 0
    v = float(v)
    while v >= 1024 and u + 1 < len(units):
        v /= 1024
        u += 1
    f = "%.2f" if v < 10 else "%.1f" if v < 100 else "%.0f"
    return sign + (f % v) + " " + units[u]


def fmt_percent(part, whole):
    if not whole:
        return "-"
    return "%.1f%%" % (100.0 * part / whole)


class Failure(Exception):
    pass


class Suite:
    """Counts checks; prints one line per failure and a summary."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, what, got, want):
        if got == want:
            self.passed += 1
            return True
        self.failed += 1
        print("FAIL %s: %s: got %r, want %r" % (self.name, what, got, want))
        return False

    def true(self, what, cond, detail=""):
        if cond:
            self.passed += 1
            return True
        self.failed += 1
        print("FAIL %s: %s %s" % (self.name, what, detail))
        return False

    def done(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def replay(memtui, path, keys, size="200x60", env=None, timeout=60, args=()):
    """The last frame of `memtui --replay KEYS`; path is a file or a list (A, B).
    timeout (s): longer for clang-sized captures under the sanitizers; args:
    more options (e.g. --no-fold)."""
    paths = list(path) if isinstance(path, (list, tuple)) else [path]
    e = dict(os.environ)
    e.setdefault("LANG", "C.UTF-8")
    e["LC_ALL"] = e.get("LC_ALL", "")
    if env:
        e.update(env)
    p = subprocess.run([memtui, "--replay", keys, "--size", size] + list(args) + paths,
                       capture_output=True, env=e, timeout=timeout)
    if p.returncode != 0:
        raise Failure("replay %r on %s: exit %d: %s" % (keys, path, p.returncode,
                                                         p.stderr.decode(errors="replace")))
    return p.stdout.decode("utf-8")


def report(memtui, path, *args):
    p = subprocess.run([memtui, "report", "--json", "--no-progress", "--depth", "1000"]
                       + list(args) + [path], capture_output=True, timeout=60)
    if p.returncode != 0:
        raise Failure("report on %s: exit %d" % (path, p.returncode))
    return json.loads(p.stdout)


ROW = re.compile(r"^ *(-?[\d.]+(?: [KMGTP]?i?B)?) +(-?[\d.]+%|-) +(-?\d+) ")
# A tree that weighs counts (allocations, temporary) shows the count once.
ROW_COUNT = re.compile(r"^ *(-?\d+) +(-?[\d.]+%|-) ")


class Row:
    def __init__(self, value, share, count, depth, function, where, is_open):
        self.value, self.share, self.count = value, share, count
        self.depth, self.function, self.where, self.open = depth, function, where, is_open

    def __repr__(self):
        return "Row(%s %s %s d%d %s)" % (self.value, self.share, self.count, self.depth,
                                         self.function)


DEPTH = re.compile(r"^ *(\d+) (.) ")


def node_start(rest, origin=0):
    """(depth, start of the function, is_open) of the node part of a row.  A row
    drawn at the indent cap, or above the origin the title names ("function
    (from depth N)"), shows its depth as a number before its marker
    (ui/tree_row.h); others are indented two columns a level from the origin."""
    m = DEPTH.match(rest)
    if m and m.group(2) in MARKERS + " ":
        return int(m.group(1)), m.end(), m.group(2) in "\u25bev"
    base = 4 if origin else 0
    i = len(rest) - len(rest.lstrip(" "))
    if rest[i:i + 1] in MARKERS and rest[i + 1:i + 2] == " ":
        return origin + (i - base) // 2, i + 2, rest[i] in "\u25bev"
    return origin + (i - 2 - base) // 2, i, False


def title_origin(title):
    m = re.search(r"function \(from depth (\d+)\)", title)
    return int(m.group(1)) if m else 0


def tree_rows(screen):
    """The rows of a tree screen: value, share, count, depth, function, where."""
    lines = screen.split("\n")
    # Whole words: a header's path may hold "shared" or "functions".
    title = next(i for i, l in enumerate(lines)
                 if re.search(r"\bshare\b", l) and re.search(r"\bfunction\b", l))
    name_col = lines[title].index("function")
    origin = title_origin(lines[title])
    counted = "bytes" not in lines[title][:lines[title].index("share")]
    rows = []
    # A focus puts its breadcrumb ("focus: all > main > load") under the titles.
    first = title + 2 if lines[title + 1].startswith("focus: ") else title + 1
    for line in lines[first:]:
        m = (ROW_COUNT if counted else ROW).match(line)
        if not m:
            break
        rest = line[name_col:]
        depth, start, is_open = node_start(rest, origin)
        text = rest[start:]
        function, _, where = text.partition("  ")
        count = int(m.group(1) if counted else m.group(3))
        rows.append(Row(m.group(1), m.group(2), count, depth, function, where.strip(),
                        is_open))
    return rows


def breadcrumb(screen):
    """The focus line of a tree screen ("focus: all > main > load  57.3% of all"), or None."""
    return next((l for l in screen.split("\n") if l.startswith("focus: ")), None)


def status(screen):
    lines = screen.rstrip("\n").split("\n")
    return lines[-1]


def bottom(screen):
    """The status line with the rows above it where a message too long for the
    status line is shown (the explorer gives it up to three)."""
    lines = screen.rstrip("\n").split("\n")
    return "\n".join(lines[-4:])


def with_paths(rows):
    """[(path tuple of function names from the root's children, row)]."""
    out, stack = [], []
    for r in rows:
        del stack[r.depth:]
        stack.append(r.function)
        out.append((tuple(stack[1:]), r))
    return out


def json_rows(node, depth=0, out=None):
    """Pre-order rows of a report JSON tree: (depth, function, value, count)."""
    if out is None:
        out = []
    out.append((depth, node["function"], node["value"], node["count"]))
    for c in node["children"]:
        json_rows(c, depth + 1, out)
    return out


class Tmux:
    """memtui (or any command) in a tmux server of its own, w x h, with env set;
    the pane stays after the command ends and shows "EXIT=status"."""

    def __init__(self, name, command, env=None, w=100, h=30):
        env = env or {"TERM": "tmux-256color", "LANG": "C.UTF-8"}
        self.sock = "memtui-test-%d-%s" % (os.getpid(), name)
        self.base = ["tmux", "-f", "/dev/null", "-L", self.sock]
        envs = " ".join("%s=%s" % kv for kv in env.items())
        shell = "env %s %s; echo EXIT=$?; sleep 60" % (envs, command)
        subprocess.run(self.base + ["new-session", "-d", "-s", "t", "-x", str(w), "-y", str(h),
                                    shell], check=True)

    def keys(self, *keys):
        subprocess.run(self.base + ["send-keys", "-t", "t"] + list(keys), check=True)

    def literal(self, text):
        subprocess.run(self.base + ["send-keys", "-t", "t", "-l", text], check=True)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if escapes else [])
        p = subprocess.run(self.base + args, capture_output=True, check=True)
        return p.stdout.decode("utf-8", errors="replace")

    def resize(self, w, h):
        subprocess.run(self.base + ["resize-window", "-t", "t", "-x", str(w), "-y", str(h)],
                       check=True)

    def wait(self, pred, timeout=10.0):
        end = time.time() + timeout
        while True:
            s = self.screen()
            if pred(s) or time.time() > end:
                return s
            time.sleep(0.03)

    def get(self, fmt):
        """A tmux format of the pane, e.g. "#{pane_title}"."""
        return subprocess.run(self.base + ["display", "-p", "-t", "t", fmt],
                              capture_output=True, check=True).stdout.decode().strip()

    def close(self):
        subprocess.run(self.base + ["kill-server"], capture_output=True)
