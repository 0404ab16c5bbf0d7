/*
 * symbolizer: native addresses to (function, file, line) frames, the way memray shows them.
 *
 * A profiler records, for each loaded image, the path it was loaded from and the
 * (p_vaddr, p_memsz) of its PT_LOAD segments.  symbolizer_module() finds a file on
 * this machine with exactly that layout (a file of another build is never used),
 * and symbolizer_lookup() turns a file address into frames, innermost first:
 * inlined callees, then the function they were inlined into.  The rules are
 * libbacktrace's, which memray uses (docs/ARCHITECTURE.md, "Symbolizer"): DWARF
 * line table and subprogram / inlined-subroutine ranges first; else the ELF symbol
 * table; else nothing.
 *
 * Everything is parsed lazily and once: the ELF symbol table on the first lookup
 * that needs it, the DWARF unit index on the first lookup, each unit's lines and
 * functions on the first lookup inside it.  Lookups are binary searches.
 *
 * Input files are hostile: a corrupt or truncated file yields -1 or 0 frames,
 * never a crash.  Not thread-safe: one symbolizer per thread.
 */
#ifndef MT_SYMBOLIZER_H
#define MT_SYMBOLIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sym_types.h"

struct symbolizer_options {
	const char *const *prefix_from;	/* --prefix-map OLD=NEW: n_prefix OLDs ... */
	const char *const *prefix_to;	/* ... and their NEWs; the first matching OLD wins */
	size_t n_prefix;
	const char *const *debug_dirs;	/* --debug-dir, searched before /usr/lib/debug */
	size_t n_debug_dirs;
	const char *beside_dir;		/* the capture's directory: also try DIR/basename(path) */
};

struct symbolizer;

/* A new symbolizer; opt may be NULL (no prefix map, /usr/lib/debug only).  Copies opt. */
struct symbolizer *symbolizer_new(const struct symbolizer_options *opt);
/*
 * Makes libdwarf stop recording every object it allocates in a search tree (for
 * dwarf_finish to free what callers leaked; about a fifth of the time of reading
 * a unit).  The symbolizer deallocates each object explicitly, so nothing leaks.
 * The flag is process-wide and must not change while libdwarf objects are live:
 * call it before the first symbolizer_new, never after.
 */
void symbolizer_untrack_dwarf(void);
/* Frees the symbolizer, every module and every string it returned.  s may be NULL. */
void symbolizer_free(struct symbolizer *s);

/*
 * The module for the image recorded at path with PT_LOAD segments segs[0..n)
 * (n == 0: do not verify the layout).  Candidates, in order: the prefix-mapped
 * path, path itself, beside_dir/basename(path); the first whose PT_LOAD list equals
 * segs is used.  Opened once: the same (path, segs) returns the same handle, and
 * so does a failure (cached as -1).  Returns a handle >= 0, or -1 when no candidate
 * exists or none has that layout (a different build: never symbolize with it).
 */
int symbolizer_module(struct symbolizer *s, const char *path, const struct sym_segment *segs,
		      size_t n);

/* Why symbolizer_module_id found no file, or SYM_FOUND. */
enum sym_status {
	SYM_FOUND = 0,
	SYM_NO_FILE = 1,	/* nothing at any candidate path nor by build-id */
	SYM_OTHER_BUILD = 2,	/* a file, but with another PT_LOAD layout or build-id */
};

/*
 * symbolizer_module with the image's GNU build-id as the profiler recorded it
 * (id NULL, id_len 0: none recorded).  A candidate whose build-id note differs
 * is another build and is not used; when no candidate is used, the image is
 * looked up as DEBUGDIR/.build-id/xx/rest, then DEBUGDIR/.build-id/xx/rest.debug,
 * in each debug dir.  *status (may be NULL) says why the result is -1.
 */
int symbolizer_module_id(struct symbolizer *s, const char *path, const struct sym_segment *segs,
			 size_t n, const uint8_t *id, size_t id_len, enum sym_status *status);

/* The file used for module (after prefix mapping or beside_dir); NULL for a bad handle. */
const char *symbolizer_module_file(const struct symbolizer *s, int module);
/* The file the DWARF came from (the image, or a separate debug file), or NULL if none. */
const char *symbolizer_module_debug_file(struct symbolizer *s, int module);

/*
 * Frames for file address pc of module (the caller subtracted the load bias, and 1
 * from a return address), innermost first, at most max written to out.  Returns the
 * number written; 0 when neither DWARF nor the symbol table names a function at pc
 * (memray's "<unknown>"), or for a bad handle.  A chain longer than max is cut
 * after its max innermost frames.
 */
size_t symbolizer_lookup(struct symbolizer *s, int module, uint64_t pc, struct sym_frame *out,
			 size_t max);

/* Where the frames of a lookup came from. */
enum sym_source {
	SYM_SOURCE_NONE = 0,	/* nothing names pc */
	SYM_SOURCE_SYMTAB = 1,	/* the ELF symbol table (function only) */
	SYM_SOURCE_DWARF = 2,	/* DWARF (function, file, line, inlines) */
};

/* symbolizer_lookup that also says where the frames came from (*source may not be NULL). */
size_t symbolizer_lookup_source(struct symbolizer *s, int module, uint64_t pc,
				struct sym_frame *out, size_t max, enum sym_source *source);

/*
 * Frames for file address pc as binutils addr2line (2.40) prints them with -f -i:
 * innermost first, function names raw (mangled), files joined to DW_AT_comp_dir,
 * the row's discriminator in frame 0; function NULL is its "??", file NULL its
 * "??", line 0 its "?".  libbfd's rules (dwarf_bfd.h), and its symbol-table
 * fallback: an address in no SHF_ALLOC section, or one that neither DWARF nor
 * a symbol covers, gives 0 (its "??" / "??:0").  Like libbfd, the first lookup
 * in a C++ function without a linkage name may name it after its symbol and
 * later ones after its DW_AT_name, so results depend on earlier lookups.
 */
size_t symbolizer_lookup_binutils(struct symbolizer *s, int module, uint64_t pc,
				  struct sym_frame *out, size_t max);

#endif
