/*
 * sym_types: the values the symbolizer and its parts (elf_symbols, dwarf_lines)
 * exchange: an image's recorded PT_LOAD segments and one resolved frame.  The
 * parts include this, not the symbolizer's façade (symbolizer.h).
 */
#ifndef MT_SYM_TYPES_H
#define MT_SYM_TYPES_H

#include <stdint.h>

/* One PT_LOAD segment as the profiler recorded it (file addresses, bytes). */
struct sym_segment {
	uint64_t vaddr;
	uint64_t memsz;
};

/*
 * One frame.  The strings are owned by the symbolizer and stay valid until
 * symbolizer_free; file is NULL and line 0 when unknown (ELF symbol table frames).
 */
struct sym_frame {
	const char *function;
	const char *file;
	uint32_t line;
	uint32_t discriminator;	/* the line row's (binutils lookups only), else 0 */
};

#endif
