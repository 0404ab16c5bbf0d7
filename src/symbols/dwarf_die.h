/*
 * dwarf_die: small libdwarf helpers for one DIE: attribute values and address
 * ranges, with every libdwarf error freed.  Part of the symbolizer; used by
 * dwarf_lines.c only.
 *
 * libdwarf calls here always pass an error pointer: with a NULL one and no
 * handler, libdwarf 20210528 aborts the process on an error.
 */
#ifndef MT_DWARF_DIE_H
#define MT_DWARF_DIE_H

#include <libdwarf.h>
#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

/* One address range [low, high) in file addresses. */
struct dwarf_pc_range {
	uint64_t low, high;
};

/* Frees *err if set and clears it (dbg may be NULL for errors from dwarf_init_b). */
void dwarf_die_drop(Dwarf_Debug dbg, Dwarf_Error *err);
/* An unsigned constant attribute (implicit_const included); false if absent or not one. */
bool dwarf_die_udata(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *out);
/* A string attribute, pointing into libdwarf's section data (valid while dbg is open). */
const char *dwarf_die_string(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at);
/* The .debug_info offset a reference attribute points to. */
bool dwarf_die_ref(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *out);
/*
 * Appends die's non-empty address ranges to pairs (struct dwarf_pc_range):
 * DW_AT_low_pc/high_pc, else DW_AT_ranges from .debug_rnglists (version >= 5)
 * or .debug_ranges, whose offsets start from base (the unit's DW_AT_low_pc).
 */
void dwarf_die_ranges(Dwarf_Debug dbg, Dwarf_Die die, uint16_t version, uint64_t base,
		      struct vec *pairs);

#endif
