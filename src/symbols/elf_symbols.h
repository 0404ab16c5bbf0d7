/*
 * elf_symbols: what libelf tells the symbolizer about one ELF file.
 *
 * The PT_LOAD layout (to refuse a file of another build), whether the file carries
 * its own DWARF, the GNU build-id and .gnu_debuglink (to find a separate debug
 * file), and the symbol table as sorted address ranges for the fallback lookup.
 * Part of the symbolizer (symbolizer.h); not used elsewhere.
 */
#ifndef MT_ELF_SYMBOLS_H
#define MT_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_types.h"

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

/*
 * The contents of the section called name, decompressed if it is SHF_COMPRESSED,
 * through *data and *size (valid while es lives).  False when there is no such
 * section with contents, or it cannot be read or decompressed.
 */
bool elf_symbols_section(struct elf_symbols *es, const char *name, const uint8_t **data,
			 size_t *size);
/* True for a big-endian file. */
bool elf_symbols_big_endian(const struct elf_symbols *es);

/*
 * The index of the first SHF_ALLOC section after section index after (0: from
 * the start) whose [sh_addr, sh_addr + sh_size) holds pc, or 0 if none: the
 * sections binutils addr2line looks pc up in, in its order.
 */
size_t elf_symbols_alloc_section(struct elf_symbols *es, uint64_t pc, size_t after);

/*
 * libbfd's _bfd_elf_find_function over .symtab (else .dynsym): among the
 * symbols of section shndx that may be functions (not OBJECT, TLS, SECTION or
 * FILE; a zero size counts as 1), the one with the greatest address <= pc, even
 * when its size does not reach pc; at one address a symbol holding pc, then a
 * FUNC, then a typed one, then the smallest wins.  Returns its raw (mangled)
 * name or NULL; *file is the FILE symbol before it (NULL for a global after a
 * later FILE symbol), *value its address.  Strings live as long as es.
 */
const char *elf_symbols_bfd_function(struct elf_symbols *es, uint64_t pc, size_t shndx,
				     const char **file, uint64_t *value);

/* CRC-32 (the .gnu_debuglink polynomial) of the file at path; false when unreadable. */
bool elf_symbols_file_crc(const char *path, uint32_t *crc);

#endif
