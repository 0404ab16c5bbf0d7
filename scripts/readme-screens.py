#!/usr/bin/env python3
"""Regenerates the screenshots in README.md from the binary, so they show
what memtui prints today.

    scripts/readme-screens.py MEMTUI [--cpp CLANG_ZST] [--check]

Every fenced block whose first line is a command, "$ memtui ..." (continued
with a trailing backslash), is run from the checkout's root and its output
replaces the rest of the block.  A comment after the command picks rows of
the output, 1-based and inclusive, negative from the end:

    $ memtui --replay '4' --size 100x14 FILE   # rows 5..-1

A file the command names that is not in the checkout is looked for beside
CLANG_ZST (the C++ capture the tests record, build/tests/cpp/clang.zst).
With --check nothing is written: the script lists the blocks that differ
and exits 1 if any does; blocks of captures recorded at test time (not in
the checkout) are left out of the check, since no two recordings are equal.
"""
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
BLOCK = re.compile(r"^```\n(\$ memtui .*?)\n```$", re.M | re.S)


def command_of(block):
    """(the command's lines, argv, row range or None, the output lines)."""
    lines = block.split("\n")
    k = 0
    while lines[k].endswith("\\"):
        k += 1
    cmd_lines, out = lines[:k + 1], lines[k + 1:]
    text = " ".join(l.rstrip("\\").strip() for l in cmd_lines)[2:]
    rows = None
    if "#" in text:
        text, comment = text.split("#", 1)
        m = re.match(r"\s*rows (-?\d+)\.\.(-?\d+)?\s*$", comment)
        if not m:
            raise SystemExit("readme-screens: cannot read %r" % comment)
        rows = (int(m.group(1)), int(m.group(2)) if m.group(2) else -1)
    return cmd_lines, shlex.split(text), rows, out


def recorded(argv):
    """Whether the command reads a capture that is not in the checkout (recorded by the tests)."""
    return any(a.endswith((".zst", ".gz", ".bin", ".txt")) and
               not os.path.exists(os.path.join(ROOT, a)) for a in argv[1:])


def run(memtui, argv, cpp):
    """The command's output; a file not in the checkout is read beside cpp, from there."""
    args, cwd = [memtui] + argv[1:], ROOT
    for a in args[1:]:
        if a.endswith((".zst", ".gz", ".bin", ".txt")) and not os.path.exists(
                os.path.join(ROOT, a)) and cpp:
            cwd = os.path.dirname(os.path.abspath(cpp))
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    env.pop("NO_COLOR", None)
    p = subprocess.run(args, cwd=cwd, capture_output=True, env=env, timeout=600)
    if p.returncode not in (0, 1):
        raise SystemExit("readme-screens: %s: exit %d: %s" % (" ".join(argv), p.returncode,
                                                              p.stderr.decode()))
    out = p.stdout.decode().rstrip("\n").split("\n")
    return [l.rstrip() for l in out]


def pick(lines, rows):
    if not rows:
        return lines
    a, b = rows
    a = a - 1 if a > 0 else len(lines) + a
    b = b if b > 0 else len(lines) + b + 1
    return lines[a:b]


def main(argv):
    check = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    cpp = None
    if "--cpp" in argv:
        i = argv.index("--cpp")
        cpp = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    memtui = os.path.abspath(argv[1])
    path = os.path.join(ROOT, "README.md")
    text = open(path, encoding="utf-8").read()
    differ = []

    def regenerate(m):
        cmd_lines, args, rows, old = command_of(m.group(1))
        if check and recorded(args):
            return m.group(0)
        if recorded(args) and not cpp:
            raise SystemExit("readme-screens: %s needs --cpp" % cmd_lines[0])
        new = pick(run(memtui, args, cpp), rows)
        if new != [l.rstrip() for l in old]:
            differ.append(cmd_lines[0])
        return "```\n" + "\n".join(cmd_lines + new) + "\n```"

    out = BLOCK.sub(regenerate, text)
    for d in differ:
        print("%s: %s" % ("differs" if check else "regenerated", d))
    if not check and out != text:
        open(path, "w", encoding="utf-8").write(out)
    return 1 if check and differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
