#!/usr/bin/env python3
"""`cmake --install` into a temporary prefix, and what it installs.

Usage: test_install.py CMAKE BUILD_DIR SAMPLES_DIR

Checks:
  * the install puts bin/memtui, share/man/man1/memtui.1 and the bash and zsh
    completions under the prefix, and the installed binary is the build's
    (same --version);
  * memtui --help: every group names the commands its options apply to, the
    native options (--prefix-map, --debug-dir, --no-symbols) are the
    explorer's too, --version sits with --help under "general options", and
    an option given to a command it does not apply to is refused;
  * the manual (man -l, rendered) lists every option of --help under its
    group's heading with the same help, every line of the help screen
    (`memtui --replay '?'`, one capture and two) and every metric;
  * the bash completion, sourced in bash, offers after `memtui`, `memtui
    report` and `memtui diff` exactly the options --help lists for that command,
    and the values --help names for --format and --metric; zsh's (driven in a
    pseudo-terminal when zsh is installed) offers the same options.
"""
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
from uitest import Suite, replay  # noqa: E402

S = Suite("install")


def run(cmd, env=None, timeout=120):
    return subprocess.run(cmd, capture_output=True, env=env, timeout=timeout)


def norm(text):
    return " ".join(text.split())


class Option:
    def __init__(self, group, left, help_text):
        self.group, self.left, self.help = group, left, help_text
        self.names = re.findall(r"(?:^|, )(--?[a-z][a-z-]*)", left)


def parse_help(text):
    """--help into (group titles in order, options): each option with its group and help."""
    groups, options = [], []
    group = None
    for line in text.split("\n"):
        if line and not line.startswith(" ") and line.endswith(":"):
            group = line[:-1]
            groups.append(group)
        elif group and line.startswith("  ") and not line.startswith(" " * 25):
            left, _, help_text = line[2:].partition("  ")
            options.append(Option(group, left.strip(), help_text.strip()))
        elif group and line.startswith(" " * 25) and options:
            options[-1].help += " " + line.strip()
    return groups, options


def commands_of(group):
    """The commands a group's title names: explore, report, diff (all for no list)."""
    m = re.search(r"\((.*)\)$", group)
    if not m:
        return {"explore", "report", "diff"}
    names = m.group(1)
    found = set()
    if "memtui FILE" in names:
        found.add("explore")
    if "report" in names:
        found.add("report")
    if "diff" in names:
        found.add("diff")
    return found


def check_help(memtui, groups, options, capture):
    S.true("--help has groups", len(groups) >= 4, repr(groups))
    for g in groups:
        if g != "general options":
            S.true("group %r names its commands" % g, bool(re.search(r"\(.+\)$", g)))
    by_name = {n: o for o in options for n in o.names}
    for name in ("--prefix-map", "--debug-dir", "--no-symbols"):
        o = by_name.get(name)
        S.true("%s in --help" % name, o is not None)
        if o:
            S.check("%s applies to" % name, commands_of(o.group), {"explore", "report", "diff"})
    for name in ("--replay", "--size"):
        S.check("%s applies to" % name, commands_of(by_name[name].group), {"explore"})
    S.check("--version's group", by_name["--version"].group, "general options")
    S.check("--help's group", by_name["--help"].group, "general options")
    S.check("-h is --help", by_name["-h"] is by_name["--help"], True)
    # The explorer takes the native options; a report-only option is refused with its commands.
    p = run([memtui, "--no-symbols", "--prefix-map", "/a=/b", "--debug-dir", "/tmp", "--replay",
             "", "--size", "80x24", capture])
    S.check("explorer with the native options: exit", p.returncode, 0)
    p = run([memtui, "--depth", "3", "--replay", "", capture])
    err = p.stderr.decode()
    S.check("explorer with --depth: exit", p.returncode, 2)
    S.true("explorer with --depth: says where it applies", "--depth" in err and
           "memtui report" in err, repr(err))
    p = run([memtui, "diff", "--stages", "marks", capture, capture])
    S.check("diff with --stages: exit", p.returncode, 2)


def sections(man_text):
    """The rendered manual's sections and subsections: (title, normalized body) in order."""
    out = []
    for line in man_text.split("\n"):
        if re.match(r"^[A-Z][A-Z ]+$", line) or re.match(r"^   \S", line):
            out.append([line.strip(), []])
        elif out:
            out[-1][1].append(line)
    return [(t, norm("\n".join(b))) for t, b in out]


def roff_text(src):
    """The manual's source as man lays it out, roughly: for a machine without man."""
    out = []
    for line in src.split("\n"):
        line = re.sub(r"\\f[BIR]", "", line).replace("\\-", "-").replace("\\(aq", "'")
        line = line.replace("\\(ga", "`").replace("\\(ha", "^").replace("\\(ti", "~")
        line = line.replace("\\e", "\\").replace("\\&", "")
        if line.startswith(".SH "):
            out.append(line[4:].strip('"'))
        elif line.startswith(".SS "):
            out.append("   " + line[4:].strip('"'))
        elif not line.startswith("."):
            out.append("       " + line)
    return "\n".join(out)


def check_man(memtui, man, groups, options, capture, diff_pair):
    env = dict(os.environ, LANG="C", LC_ALL="C", MANWIDTH="120", MAN_KEEP_FORMATTING="")
    if shutil.which("man"):
        p = run(["man", "-l", man], env=env)
        if not S.check("man -l exit", p.returncode, 0):
            print(p.stderr.decode())
            return
        text = re.sub(r".\x08", "", p.stdout.decode())
        S.true("man -l: no warnings", not p.stderr.strip(), repr(p.stderr[:500]))
    else:
        print("install: man not installed: the manual is read from its source")
        text = roff_text(open(man).read())
    secs = sections(text)
    titles = [t for t, _ in secs]
    S.true("manual's NAME", "NAME" in titles and "memtui - " in dict(secs).get("NAME", ""),
           repr(titles))
    if shutil.which("groff"):
        g = run(["groff", "-man", "-ww", "-z", man])
        S.check("groff -ww: warnings", g.stderr.decode(), "")
    # Every option under its group's heading, with --help's text.
    for g in groups:
        S.true("manual has the group %r" % g, g in titles, repr(titles))
    body = dict(secs)
    for o in options:
        want = norm(o.left + " " + o.help)
        S.true("manual lists %s under %r" % (o.left, o.group), want in body.get(o.group, ""),
               "want %r" % want)
    # Every line of the help screen, one capture and two.
    keys = body.get("KEYS", "")
    one = help_screen(memtui, capture)
    S.true("help screen has its lines", len(one) > 20, repr(one[:3]))
    for k, t in one:
        S.true("manual has the key line %r" % k, norm(k + " " + t) in keys, repr(t))
    S.check("as many key lines as the help screen", man_entries(man, "KEYS"), len(one))
    for k, t in help_screen(memtui, diff_pair):
        if t.startswith("view by number: "):
            S.true("manual has the diff views", "memtui A B: " + t[len("view by number: "):]
                   in keys, repr(t))
        else:
            S.true("manual has the diff key line %r" % k, norm(k + " " + t) in keys, repr(t))
    metric = next(o for o in options if "--metric" in o.names)
    names = metric.help.split(" (")[0].split(", ")
    for m in names:
        S.true("manual's METRICS has %s" % m, re.search(r"(^| )%s " % m, body.get("METRICS", ""))
               is not None)


def man_entries(man, section):
    """How many entries (.TP) the manual's source has in section."""
    src = open(man).read()
    body = src.split("\n.SH %s\n" % section, 1)[1].split("\n.SH ", 1)[0]
    return body.count(".TP\n")


def help_screen(memtui, path):
    """The help screen's entries: (keys, whole text) with wrapped lines joined."""
    screen = replay(memtui, path, "?", size="200x80").split("\n")
    rows = []
    for line in screen[1:]:
        if line.startswith("[help]") or not line.strip():
            break
        k, t = line[2:24].strip(), line[24:].strip()
        if k:
            rows.append((k, t))
        elif rows:
            rows[-1] = (rows[-1][0], rows[-1][1] + " " + t)
    return rows


def bash_complete(script, words):
    """COMPREPLY of the sourced script for the command line words (the last is the cursor's)."""
    line = " ".join("'%s'" % w for w in words)
    code = ("source '%s' || exit 9\n[ \"$(complete -p memtui)\" ] || exit 8\n"
            "COMP_WORDS=(%s); COMP_CWORD=%d; _memtui; printf '%%s\\n' \"${COMPREPLY[@]}\"\n"
            % (script, line, len(words) - 1))
    p = run(["bash", "--norc", "-c", code])
    S.check("bash completion of %r: exit" % words, p.returncode, 0)
    return set(x for x in p.stdout.decode().split("\n") if x)


def want_options(options, command, long_only=False):
    return set(n for o in options if command in commands_of(o.group) for n in o.names
               if not long_only or n.startswith("--"))


def check_bash(script, options, tmp):
    for words, command in ((["memtui", "-"], "explore"), (["memtui", "report", "-"], "report"),
                           (["memtui", "diff", "-"], "diff"),
                           (["memtui", "report", "--diff", "a", "-"], "diff")):
        want = want_options(options, command)
        if command == "report":
            want |= want_options(options, "diff")  # --diff makes it one
        S.check("bash: options after %r" % words[:-1], bash_complete(script, words), want)
    metric = next(o for o in options if "--metric" in o.names)
    S.check("bash: --metric values", bash_complete(script, ["memtui", "report", "--metric", ""]),
            set(metric.help.split(" (")[0].split(", ")))
    fmt = next(o for o in options if "--format" in o.names)
    S.check("bash: --format values", bash_complete(script, ["memtui", "report", "--format", ""]),
            set(w.split(" ")[0] for w in fmt.help.split(", ")))
    S.check("bash: --format=js", bash_complete(script, ["memtui", "diff", "--format", "=", "js"]),
            {"json"})
    S.check("bash: the command", bash_complete(script, ["memtui", "rep"]), {"report"})
    os.mkdir(os.path.join(tmp, "dbg"))
    S.check("bash: --debug-dir takes a directory",
            bash_complete(script, ["memtui", "--debug-dir", os.path.join(tmp, "db")]),
            {os.path.join(tmp, "dbg")})


def zsh_complete(fndir, home, line):
    """What zsh lists for line<Tab>, driven in a pseudo-terminal; the option names listed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update({"TERM": "dumb", "HOME": home, "ZDOTDIR": home})
        os.execvp("zsh", ["zsh", "-f", "-i"])
    out = b""

    def read_until(pattern, seconds):
        nonlocal out
        end = time.time() + seconds
        while time.time() < end and not re.search(pattern, out):
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
    try:
        os.write(fd, ("fpath=(%s $fpath); autoload -Uz compinit; compinit -u -D; LISTMAX=10000; "
                      "COLUMNS=300; PS1='%%%% '; memtui() { :; }; print READY\n" % fndir).encode())
        read_until(rb"\nREADY", 20)
        out = b""
        os.write(fd, (line + "\t").encode())
        read_until(rb"\n% " + re.escape(line.encode()), 20)
        os.write(fd, b"\x03exit\n")
    finally:
        os.close(fd)
        os.waitpid(pid, 0)
    return set(re.findall(r"(?m)^(--?[a-z][a-z-]*) ", out.decode(errors="replace")))


def check_zsh(script, options, tmp):
    text = open(script).read()
    for o in options:
        for n in o.names:
            S.true("zsh completion names %s" % n, n in text)
    if not shutil.which("zsh"):
        print("install: zsh not installed: zsh completion checked as text only")
        return
    fndir = os.path.dirname(script)
    for line, command in (("memtui --", "explore"), ("memtui report --", "report"),
                          ("memtui diff --", "diff")):
        want = want_options(options, command, long_only=True)
        if command == "report":
            want |= want_options(options, "diff", long_only=True)
        S.check("zsh: options after %r" % line, zsh_complete(fndir, tmp, line), want)


def main():
    cmake, build, samples = sys.argv[1:4]
    memtui = os.path.join(build, "memtui")
    capture = os.path.join(samples, "heaptrack", "heaptrack.stages.zst")
    diff_pair = [os.path.join(samples, "heaptrack", "heaptrack.phases_before.zst"),
                 os.path.join(samples, "heaptrack", "heaptrack.phases_after.zst")]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "prefix")
        p = run([cmake, "--install", build, "--prefix", prefix])
        if not S.check("cmake --install: exit", p.returncode, 0):
            print(p.stdout.decode(), p.stderr.decode())
        files = {
            "binary": "bin/memtui",
            "manual": "share/man/man1/memtui.1",
            "bash completion": "share/bash-completion/completions/memtui",
            "zsh completion": "share/zsh/site-functions/_memtui",
            "marker header": "include/memtui.h",
        }
        for what, rel in files.items():
            S.true("installs the %s (%s)" % (what, rel), os.path.isfile(os.path.join(prefix, rel)))
        if S.failed:
            return S.done()
        inst = os.path.join(prefix, files["binary"])
        S.true("installed binary is executable", os.access(inst, os.X_OK))
        v = run([inst, "--version"]).stdout.decode()
        S.true("installed --version", re.match(r"^memtui \d+\.\d+\.\d+\n$", v) is not None, repr(v))
        S.check("installed --version = the build's", v, run([memtui, "--version"]).stdout.decode())
        help_text = run([inst, "--help"]).stdout.decode()
        S.check("installed --help = the build's", help_text,
                run([memtui, "--help"]).stdout.decode())
        groups, options = parse_help(help_text)
        check_help(memtui, groups, options, capture)
        check_man(memtui, os.path.join(prefix, files["manual"]), groups, options, capture,
                  diff_pair)
        check_bash(os.path.join(prefix, files["bash completion"]), options, tmp)
        check_zsh(os.path.join(prefix, files["zsh completion"]), options, tmp)
        check_record(inst, prefix, tmp)
    return S.done()


def check_record(inst, prefix, tmp):
    """The installed memtui finds its installed recorder (relative to itself,
    not the build tree's), and a program built against the installed
    memtui.h gets its stage mark."""
    libs = [os.path.join(d, f) for d, _, fs in os.walk(prefix) for f in fs
            if f == "libmemtui_preload.so"]
    S.true("installs the recorder (libmemtui_preload.so under LIBDIR/memtui)",
           len(libs) == 1 and os.path.basename(os.path.dirname(libs[0])) == "memtui", libs)
    src = os.path.join(tmp, "marked.c")
    with open(src, "w") as f:
        f.write('#include <stdlib.h>\n#include <memtui.h>\n'
                'int main(void)\n{\n\tmemtui_stage("setup");\n'
                '\tvoid *volatile p = malloc(4321);\n\tfree(p);\n\treturn 0;\n}\n')
    prog = os.path.join(tmp, "marked")
    p = run(["cc", "-O1", "-I", os.path.join(prefix, "include"), "-o", prog, src])
    if not S.check("a program with the installed memtui.h builds", p.returncode, 0):
        print(p.stderr.decode())
        return
    out = os.path.join(tmp, "marked.mtui")
    env = dict(os.environ)
    env.pop("MEMTUI_PRELOAD", None)
    p = run([inst, "record", "-o", out, "--", prog], env=env)
    S.check("installed memtui record: exit", p.returncode, 0)
    r = run([inst, "report", "--json", "--stages", "marks", out])
    try:
        rows = [s for s in json.loads(r.stdout.decode())["stages"] if not s["outside"]]
    except (ValueError, KeyError):
        rows = []
    S.true("installed memtui record: the stage 'setup' holds the 4321 bytes",
           [(s["name"], s["allocated_bytes"] >= 4321) for s in rows] == [("setup", True)],
           (rows, p.stderr.decode()))


if __name__ == "__main__":
    sys.exit(main())
