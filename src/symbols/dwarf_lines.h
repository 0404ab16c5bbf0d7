/*
 * dwarf_lines: DWARF line tables and function ranges of one file, via libdwarf.
 *
 * Answers "which function, inlined where, at which file:line is this address?"
 * with libbacktrace's rules (what memray shows): the line table row covering pc
 * gives the innermost file and line; the subprogram covering pc, and the inlined
 * subroutines inside it that cover pc, give the names; each inlined level hands
 * its DW_AT_call_file / DW_AT_call_line to the frame that encloses it.
 * Part of the symbolizer (symbolizer.h); not used elsewhere.
 */
#ifndef MT_DWARF_LINES_H
#define MT_DWARF_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "sym_types.h"

struct dwarf_lines;

/*
 * Opens the DWARF of the ELF file at path and indexes its compilation units by
 * address range (units themselves are read on their first lookup).  NULL when
 * libdwarf cannot read the file or it has no units.
 */
struct dwarf_lines *dwarf_lines_open(const char *path);
void dwarf_lines_free(struct dwarf_lines *dl);

/*
 * Frames for file address pc, innermost first, at most max; strings stay valid
 * while dl lives.  Returns 0 when no unit, line row or function covers pc (the
 * caller then falls back to the symbol table, as memray does).
 */
size_t dwarf_lines_lookup(struct dwarf_lines *dl, uint64_t pc, struct sym_frame *out, size_t max);

#endif
