/*
 * native_resolver: how a reader asks for the names of native frames.
 *
 * Some files (memray's) carry raw return addresses and the list of loaded
 * images; the names come from the images' symbol tables and DWARF.  Readers
 * know nothing of ELF or DWARF: the caller (the CLI) passes an implementation
 * of this interface (src/symbols/symbolizer.h behind it) in the load options, or none,
 * in which case native frames stay unnamed (module + offset).  The resolver
 * also counts how each image's addresses were named (struct symbol_coverage),
 * which the reader stores in the capture with native_resolver_store.
 */
#ifndef MT_NATIVE_RESOLVER_H
#define MT_NATIVE_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

struct capture_builder;

/* One PT_LOAD segment of an image as the profiler recorded it. */
struct native_segment {
	uint64_t vaddr, memsz;
};

/* One frame of a resolved address; strings owned by the resolver. */
struct native_symbol {
	const char *function;
	const char *file;	/* NULL when unknown */
	uint32_t line;		/* 0 when unknown */
};

/* Where the frames of one lookup came from. */
enum native_source {
	NATIVE_UNNAMED = 0,	/* nothing names the address */
	NATIVE_SYMTAB = 1,	/* the symbol table: a function name only */
	NATIVE_DWARF = 2,	/* DWARF: function, file, line, inlined callees */
};

struct native_resolver {
	void *ctx;
	/*
	 * A handle >= 0 for the image recorded at path with these PT_LOAD
	 * segments and GNU build-id (build_id NULL, id_len 0 when the capture
	 * has none), also when no matching file can be found (its lookups then
	 * name nothing); -1 for a request it cannot take (no path).
	 */
	int (*module)(void *ctx, const char *path, const struct native_segment *segs, size_t n,
		      const uint8_t *build_id, size_t id_len);
	/*
	 * Frames for file address pc in module (innermost first: inlined callees,
	 * then the function they are inlined into); returns how many were written
	 * (<= max), 0 when nothing covers pc; *source says where they came from.
	 */
	size_t (*lookup)(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			 size_t max, enum native_source *source);
	/*
	 * The symbol coverage of the i-th image asked for (module order), counted
	 * in distinct addresses looked up; false past the last.  out's strings
	 * are the resolver's.  May be NULL: no coverage kept.
	 */
	bool (*coverage)(void *ctx, size_t i, struct symbol_coverage *out);
};

/*
 * After a load: the resolver's coverage table into the capture, and a warning
 * naming the images with no usable file.  res may be NULL (nothing to do).
 */
void native_resolver_store(const struct native_resolver *res, struct capture_builder *b);

#endif
