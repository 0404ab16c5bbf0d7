/*
 * dwarf_guard: checks DWARF bytes before libdwarf 20210528 sees them.
 *
 * That libdwarf version frees memory twice or reads out of bounds on some
 * malformed sections (found by fuzz/fuzz_symbolizer.c), and it reads some of
 * them eagerly when the first unit is loaded.  Files that fail a check here are
 * not given to libdwarf at all: the module falls back to its symbol table.
 * Part of the symbolizer (symbolizer.h); not used elsewhere.
 */
#ifndef MT_DWARF_GUARD_H
#define MT_DWARF_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_symbols.h"

/* True when es's DWARF sections pass every check (or are absent). */
bool dwarf_guard_file_ok(struct elf_symbols *es);

/*
 * True when p[0..n) is a well-formed sequence of DWARF 5 .debug_rnglists or
 * .debug_loclists table headers (the entries themselves are not checked).
 */
bool dwarf_guard_lists_ok(const uint8_t *p, size_t n, bool big_endian);

#endif
