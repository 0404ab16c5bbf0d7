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

#endif
