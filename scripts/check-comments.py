#!/usr/bin/env python3
"""Fails when a comment names a function or a file that does not exist.

Usage: check-comments.py [PROJECT_DIR]    (default: the directory above scripts/)

Scans the comments of the C sources and headers under src/, ui/, formats/,
tests/unit/, tests/tools/, bench/ and fuzz/ for identifiers written as calls,
`name()` or `name(args...)` with no space before the parenthesis, and prints
one line per name that exists nowhere:

    file:line: comment names foo(), which does not exist

and likewise for files: a path under one of the project's folders
("src/analysis/tree.h", "docs/NUMBERS.md") must exist in the checkout, and a
bare C file name ("eventlog.c", "screen.h") must be a file of the project or
a header some code includes with <...> (a library's).  Then it exits 1;
otherwise it prints "comments: ok" and exits 0.

A name exists when
  * the project's code (every .c and .h of the checkout, comments and string
    literals removed) defines, declares or calls it: `name(` in code, a
    #define, a function-pointer declarator `(*name)(` (struct members such as
    ops fields, typedef'd callbacks, variables), or a member or variable whose
    type is a typedef'd callback.  A call counts because the build compiles
    and links it, so the function is the project's or a library's;
  * it is a known external: one of EXTERNAL_PREFIXES (the libraries the
    project links) or EXTERNAL_NAMES (C library, POSIX and ncurses functions
    that comments name but the code does not call);
  * it is not a call at all: NOTATION (big-O and other notation used in
    comments), C keywords, a C++ name (`ns::f(int)`, `operator new(...)`), a
    manual page reference (`mmap(2)`), a plural marker (`frame(s)`), or a
    printf conversion (`%s(`).

Keep the lists short: a name that is really gone must be fixed in the comment,
never added here.
"""
import os
import re
import sys

SCANNED = ("src", "ui", "formats", "tests/unit", "tests/tools", "bench", "fuzz")

# The libraries the project links: zstd, lz4 (LZ4_*, LZ4F_*, LZ4HC_*), zlib,
# libelf, libdwarf, pthreads, and the compiler's builtins.
EXTERNAL_PREFIXES = (
    "ZSTD_", "LZ4", "inflate", "deflate", "gz",
    "elf_", "elf32_", "elf64_", "gelf_", "dwarf_",
    "pthread_", "__builtin_", "__atomic_", "atomic_",
)

# C library, POSIX and ncurses functions named in comments without being
# called, zlib's unprefixed ones, and tools written like calls.
EXTERNAL_NAMES = {
    # allocators and mappings (what the profilers intercept)
    "malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc",
    "memalign", "valloc", "pvalloc", "mmap", "munmap", "dlopen", "dlclose",
    "dl_iterate_phdr", "fork", "exit", "abort", "backtrace",
    # strings, paths, time, maths
    "dirname", "basename", "time", "round", "floor", "ceil",
    # zlib without a prefix
    "crc32", "adler32", "compress", "uncompress",
    # ncurses
    "initscr", "endwin", "refresh", "doupdate", "getch", "wgetch",
    # tools, when written like a call
    "heaptrack_print", "heaptrack_interpret", "addr2line",
}

# Notation, not functions: O(n), max(a, b), min(a, b), and the encodings of
# the capture format notes (varint(x), svarint(x)).
NOTATION = {"O", "max", "min", "varint", "svarint"}

C_KEYWORDS = {
    "if", "while", "for", "switch", "return", "sizeof", "case", "do", "else",
    "goto", "defined", "typeof", "__typeof__", "_Alignof", "alignof",
    "_Static_assert", "static_assert", "_Generic", "__attribute__",
    "offsetof", "va_arg", "va_start", "va_end", "va_copy",
}

IDENT_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
FN_POINTER = re.compile(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(")
DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)", re.M)
TYPEDEF_FN = re.compile(
    r"\btypedef\b[^;{}]*?(?:\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(|\b([A-Za-z_]\w*)\s*\((?!\s*\*))")
COMMENT_CALL = re.compile(r"(?<![\w$])([A-Za-z_]\w*)\(([^()\n]*)")
MAN_SECTION = re.compile(r"^[0-9][a-z]*$")


def lex(text):
    """(code, comments): code with comments and literal contents blanked
    (same length and lines), and [(first line, comment text)]."""
    code = []
    comments = []
    i, n, line = 0, len(text), 1
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text[i] in "\"'":
            quote, j = text[i], i + 1
            while j < n and text[j] not in (quote, "\n"):
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            body = text[i:j]
            code.append(body[0] + re.sub(r"[^\n]", " ", body[1:-1]) + body[-1]
                        if len(body) > 1 else body)
            line += body.count("\n")
            i = j
            continue
        else:
            code.append(text[i])
            line += text[i] == "\n"
            i += 1
            continue
        body = text[i:j]
        comments.append((line, body))
        code.append(re.sub(r"[^\n]", " ", body))
        line += body.count("\n")
        i = j
    return "".join(code), comments


def source_files(root):
    for top, dirs, files in os.walk(root):
        # Skip hidden folders and build trees (generated sources are not ours).
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and
                         not os.path.exists(os.path.join(top, d, "CMakeCache.txt")))
        for name in sorted(files):
            if name.endswith((".c", ".h")):
                yield os.path.join(top, name)


def known_names(codes):
    """Every name the code defines, declares or calls."""
    names = set()
    callback_types = set()
    for code in codes:
        names.update(IDENT_CALL.findall(code))
        names.update(FN_POINTER.findall(code))
        names.update(DEFINE.findall(code))
        for ptr, plain in TYPEDEF_FN.findall(code):
            callback_types.add(ptr or plain)
    if callback_types:
        typed = re.compile(r"\b(?:%s)\s*\**\s*([A-Za-z_]\w*)\s*[;,)=\[]"
                           % "|".join(sorted(callback_types)))
        for code in codes:
            names.update(typed.findall(code))
    return names


def not_a_call(body, m):
    name, args = m.group(1), m.group(2)
    before = body[:m.start()]
    if name in NOTATION or name in C_KEYWORDS:
        return True
    if before.endswith("::") or re.search(r"\boperator\s*$", before):
        return True  # C++: ns::f(int), operator new(unsigned long)
    if before.endswith("%"):
        return True  # a printf conversion
    if MAN_SECTION.match(args) or args in ("s", "es"):
        return True  # mmap(2), frame(s)
    return False


def external(name):
    return name in EXTERNAL_NAMES or name.startswith(EXTERNAL_PREFIXES)


PROJECT_PATH = re.compile(
    r"(?<![\w./-])((?:src|ui|formats|docs|tests|scripts|bench|fuzz|sample-captures)/[\w./-]*\w)")
C_FILE = re.compile(r"(?<![\w./@`'-])([A-Za-z_][\w-]*\.[ch])\b(?![\w/-])")
# Files of other projects that comments name on purpose.
OTHER_PROJECTS = re.compile(r"(?:libbacktrace|memray|heaptrack|libdwarf)'s\s+$")
SYSTEM_INCLUDE = re.compile(r"^\s*#\s*include\s*<([^>]+)>", re.M)


def project_files(root):
    """The checkout's files, as paths and as bare names."""
    paths, names = set(), set()
    for top, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and
                   not os.path.exists(os.path.join(top, d, "CMakeCache.txt"))]
        for name in files:
            rel = os.path.relpath(os.path.join(top, name), root)
            paths.add(rel)
            names.add(name)
        for d in dirs:
            paths.add(os.path.relpath(os.path.join(top, d), root))
    return paths, names


def missing_files(body, paths, names, system):
    """(offset, text) of each file the comment names that does not exist."""
    out = []
    for m in PROJECT_PATH.finditer(body):
        path = m.group(1).rstrip(".")
        if path not in paths and path.rstrip("/") not in paths:
            out.append((m.start(), path))
    for m in C_FILE.finditer(body):
        name = m.group(1)
        if OTHER_PROJECTS.search(body[:m.start()]):
            continue
        if name not in names and name not in system and os.path.basename(name) not in system:
            out.append((m.start(), name))
    return out


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.join(os.path.dirname(__file__), os.pardir))
    parsed = {}
    for path in source_files(root):
        with open(path, encoding="utf-8", errors="replace") as f:
            parsed[os.path.relpath(path, root)] = lex(f.read())
    known = known_names([code for code, _ in parsed.values()])
    paths, names = project_files(root)
    system = set()
    for code, _ in parsed.values():
        for inc in SYSTEM_INCLUDE.findall(code):
            system.add(inc)
            system.add(os.path.basename(inc))

    problems = []
    for rel, (_, comments) in sorted(parsed.items()):
        if not any(rel.startswith(d + "/") for d in SCANNED):
            continue
        for first, body in comments:
            seen = set()
            for m in COMMENT_CALL.finditer(body):
                name = m.group(1)
                if not_a_call(body, m) or name in known or external(name):
                    continue
                line = first + body.count("\n", 0, m.start())
                if (line, name) not in seen:
                    seen.add((line, name))
                    problems.append("%s:%d: comment names %s(), which does not exist"
                                    % (rel, line, name))
            for off, path in missing_files(body, paths, names, system):
                line = first + body.count("\n", 0, off)
                problems.append("%s:%d: comment names %s, which does not exist"
                                % (rel, line, path))
    if not parsed:
        print("check-comments: no C sources under %s" % root, file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        return 1
    print("comments: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
