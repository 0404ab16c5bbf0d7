/*
 * elf_symbols: what libelf tells the symbolizer about one ELF file.
 *
 * The PT_LOAD layout (to refuse a file of another build), whether the file carries
 * its own DWARF, the GNU build-id and .gnu_debuglink (to find a separate debug
 * file), and the symbol table as sorted address ranges for the fallback lookup.
 * Part of the symbolizer (src/symbolizer.h); not used elsewhere.
 */
#ifndef MT_ELF_SYMBOLS_H
#define MT_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symbolizer.h"

struct elf_symbols;

/* Opens path as an ELF file; NULL when it cannot be read or is not ELF.  Copies path. */
struct elf_symbols *elf_symbols_open(const char *path);
void elf_symbols_free(struct elf_symbols *es);

const char *elf_symbols_path(const struct elf_symbols *es);
/* True when the file's PT_LOAD (p_vaddr, p_memsz) list is segs[0..n), in order. */
bool elf_symbols_layout_equals(const struct elf_symbols *es, const struct sym_segment *segs,
			       size_t n);
/* True when the file has a .debug_info section with contents (not NOBITS). */
bool elf_symbols_has_dwarf(const struct elf_symbols *es);
/* The GNU build-id bytes (borrowed, valid while es lives) and their count; 0 if none. */
size_t elf_symbols_build_id(const struct elf_symbols *es, const uint8_t **id);
/* The .gnu_debuglink file name and its CRC-32, or NULL if none (borrowed). */
const char *elf_symbols_debuglink(const struct elf_symbols *es, uint32_t *crc);

/*
 * The function symbol whose [value, value + size) holds pc, or NULL.  The first
 * call reads .symtab (else .dynsym); names are demangled and stay valid while es
 * lives.  Like libbacktrace: FUNC and OBJECT symbols that are defined and sized.
 */
const char *elf_symbols_find(struct elf_symbols *es, uint64_t pc);

/* CRC-32 (the .gnu_debuglink polynomial) of the file at path; false when unreadable. */
bool elf_symbols_file_crc(const char *path, uint32_t *crc);

#endif
