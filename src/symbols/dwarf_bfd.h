/*
 * dwarf_bfd: DWARF line tables and functions of one file as binutils' libbfd reads them.
 *
 * `memtui addr2line` must print what binutils addr2line prints, and libbfd's
 * rules differ from libbacktrace's (dwarf_lines.h, which memray follows): the
 * function at an address is the one (subprogram or inlined subroutine) with the
 * smallest range holding it, file names are joined to DW_AT_comp_dir, rows keep
 * their discriminator, a C++ function without a linkage name is looked up in the
 * symbol table, and the inline chain follows the DIE nesting.  The rules are
 * listed in dwarf_bfd.c.  Part of the symbolizer (symbolizer.h); not used elsewhere.
 */
#ifndef MT_DWARF_BFD_H
#define MT_DWARF_BFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dwarf_bfd;
struct dwarf_bfd_func;

/* What libbfd's DWARF lookup found at one address. */
struct dwarf_bfd_hit {
	bool found;			/* a line row or a function covers the address */
	const char *file;		/* the row's file, NULL if none */
	uint32_t line, discriminator;	/* 0 if no row */
	struct dwarf_bfd_func *func;	/* the best-fitting function, or NULL */
};

/* libdwarf's allocation tracking off, for good (symbolizer_untrack_dwarf). */
void dwarf_bfd_untrack(void);
struct elf_symbols;

/*
 * Opens the DWARF of the ELF file at path; NULL when libdwarf cannot read it.
 * es, the same file opened by elf_symbols (or NULL), lends its sections for
 * reading .debug_line by hand; it must outlive db.
 */
struct dwarf_bfd *dwarf_bfd_open(const char *path, struct elf_symbols *es);
void dwarf_bfd_free(struct dwarf_bfd *db);

/* The lookup for file address pc; strings stay valid while db lives. */
struct dwarf_bfd_hit dwarf_bfd_lookup(struct dwarf_bfd *db, uint64_t pc);

/*
 * A function's name (raw, as in the DWARF: mangled C++ names stay mangled; NULL
 * if it has none), whether libbfd counts it as a linkage name, and the low end
 * of its first address range.
 */
const char *dwarf_bfd_func_name(const struct dwarf_bfd_func *f, bool *is_linkage, uint64_t *low);
/*
 * libbfd renames a function without a linkage name after the symbol found for
 * it, and never searches the symbols for it again: name NULL keeps the name.
 * name must outlive db.
 */
void dwarf_bfd_func_settle(struct dwarf_bfd_func *f, const char *name);
/*
 * The next frame out of inlined function f: its caller (NULL when f was not
 * inlined or has no enclosing function) and where f was inlined (*file NULL
 * if unknown, *line 0).
 */
struct dwarf_bfd_func *dwarf_bfd_caller(const struct dwarf_bfd_func *f, const char **file,
					uint32_t *line);

#endif
