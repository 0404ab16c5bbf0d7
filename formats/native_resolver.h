/*
 * native_resolver: how a reader asks for the names of native frames.
 *
 * Some files (memray's) carry raw return addresses and the list of loaded
 * images; the names come from the images' symbol tables and DWARF.  Readers
 * know nothing of ELF or DWARF: the caller (the CLI) passes an implementation
 * of this interface (src/symbols/symbolizer.h behind it) in the load options, or none,
 * in which case native frames stay unnamed (module + offset).
 */
#ifndef MT_NATIVE_RESOLVER_H
#define MT_NATIVE_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

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

struct native_resolver {
	void *ctx;
	/*
	 * A handle >= 0 for the image recorded at path with these PT_LOAD
	 * segments, or -1 when no matching file can be found.
	 */
	int (*module)(void *ctx, const char *path, const struct native_segment *segs, size_t n);
	/*
	 * Frames for file address pc in module (innermost first: inlined callees,
	 * then the function they are inlined into); returns how many were written
	 * (<= max), 0 when nothing covers pc.
	 */
	size_t (*lookup)(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			 size_t max);
};

#endif
