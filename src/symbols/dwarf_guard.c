/*
 * dwarf_guard: byte-level checks of the sections libdwarf 20210528 mishandles.
 *
 * .debug_rnglists / .debug_loclists (DWARF 5, section 7.28 / 7.29): a sequence
 * of tables, each
 *   unit_length	4 bytes, or 0xffffffff then 8 bytes (64-bit DWARF)
 *   version		2 bytes, 5
 *   address_size	1 byte, 4 or 8
 *   segment_selector_size 1 byte, 0 (as libbacktrace requires)
 *   offset_entry_count 4 bytes, then that many offsets of 4 or 8 bytes
 * libdwarf loads every table header of both sections with the first unit and,
 * on a malformed one (a zero length, say), frees a table twice; it also follows
 * a DW_FORM_rnglistx entry's offset without checking it.  A section is
 * accepted when its tables tile it exactly and every offset of every table
 * points inside that table.
 */
#include "dwarf_guard.h"

#include <string.h>

static uint64_t rd_uint(const uint8_t *p, size_t n, bool big_endian)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[big_endian ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

/*
 * True when p[0..n) is a well-formed sequence of DWARF 5 .debug_rnglists or
 * .debug_loclists table headers (the entries themselves are not checked).
 */
static bool lists_ok(const uint8_t *p, size_t n, bool big_endian)
{
	size_t off = 0;

	while (off < n) {
		size_t left = n - off, head = 4, offset_size = 4;
		uint64_t len, count;
		const uint8_t *t = p + off;

		if (left < 4)
			return false;
		len = rd_uint(t, 4, big_endian);
		if (len == 0xffffffffu) {
			if (left < 12)
				return false;
			len = rd_uint(t + 4, 8, big_endian);
			head = 12;
			offset_size = 8;
		} else if (len >= 0xfffffff0u) {
			return false;
		}
		if (len < 8 || len > left - head)
			return false;
		t += head;
		if (rd_uint(t, 2, big_endian) != 5 || (t[2] != 4 && t[2] != 8) || t[3] != 0)
			return false;
		count = rd_uint(t + 4, 4, big_endian);
		if (count > (len - 8) / offset_size)
			return false;
		/* libdwarf follows these offsets (from the array's start) unchecked. */
		for (uint64_t i = 0; i < count; i++)
			if (rd_uint(t + 8 + i * offset_size, offset_size, big_endian) >= len - 8)
				return false;
		off += head + (size_t)len;
	}
	return true;
}

static bool lists_section_ok(struct elf_symbols *es, const char *name)
{
	const uint8_t *data;
	size_t size;

	if (!elf_symbols_section(es, name, &data, &size))
		return true;
	return lists_ok(data, size, elf_symbols_big_endian(es));
}

bool dwarf_guard_file_ok(struct elf_symbols *es)
{
	const uint8_t *data;
	size_t size;

	/* GNU-style compressed lists cannot be checked here: refuse them. */
	if (elf_symbols_section(es, ".zdebug_rnglists", &data, &size) ||
	    elf_symbols_section(es, ".zdebug_loclists", &data, &size))
		return false;
	return lists_section_ok(es, ".debug_rnglists") && lists_section_ok(es, ".debug_loclists");
}
