/*
 * fold: which frames a call tree leaves out ("folds" into their callers).
 *
 * A folded frame is removed from every path it is on: its children attach
 * to its caller (merging there with the same code), and what was its own
 * (self) weight becomes its caller's self.  Folding therefore moves weight
 * between nodes but never changes a total: the root, and every node that is
 * not itself folded, weighs what it weighed before plus the folded frames
 * below it.  A path whose every frame is folded counts at the root's self.
 *
 * A rule is a glob (fnmatch(3), `*` also matches '/') on one field of a
 * frame, written FIELD:GLOB:
 *
 *   GLOB or function:GLOB   the function name, in full ("std::*")
 *   file:GLOB               the source file, its whole path or its last part
 *                           ("file:<frozen importlib*", "file:site.py")
 *   module:GLOB             the shared object or executable, whole or its last
 *                           part ("module:libc.so*")
 *   unnamed:GLOB            native frames with no function name, of a module
 *                           matching GLOB ("unnamed:*": every unnamed frame)
 *
 * Presets (on unless --no-fold): "runpy" (memray's own frames, runpy and
 * importlib), "cpython" (the interpreter's evaluation and call machinery
 * between Python frames of a native capture, and its unnamed frames) and
 * "libc" (the process start-up frames).  They are fold_preset_* below.
 *
 * Rules are compiled against one capture into a mask over its frame ids
 * (fold_mask_build), which the tree builders read (tree_build).  Pure: no
 * I/O.
 */
#ifndef MT_FOLD_H
#define MT_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

#define FOLD_MAX_PATTERNS 32	/* --fold options kept (more is a usage error) */

struct fold_rules {
	bool presets;				/* the presets apply (fold_preset_*) */
	const char *patterns[FOLD_MAX_PATTERNS];	/* the user's rules, as typed; borrowed */
	size_t n_patterns;
};

/* Presets on, no rules of the user's. */
void fold_rules_init(struct fold_rules *r);
/*
 * Adds a rule (FIELD:GLOB, borrowed: it must outlive r; a pattern that does
 * not start with a field name and ':' is a function glob, so "std::*" is
 * one).  Returns 0, or -1 when its glob is empty or there are
 * FOLD_MAX_PATTERNS already.
 */
int fold_rules_add(struct fold_rules *r, const char *pattern);
/* The number of rules that apply: presets (when on) and the user's. */
size_t fold_rules_count(const struct fold_rules *r);
/*
 * What folds, for the status line: "3 presets", "3 presets, 2 rules",
 * "1 rule", "none".  Into buf; returns buf.
 */
char *fold_rules_describe(const struct fold_rules *r, char *buf, size_t size);

/* The presets, by index below fold_preset_count(): name and their rules. */
size_t fold_preset_count(void);
const char *fold_preset_name(size_t i);
/*
 * The rules of preset i, NULL-terminated, in the FIELD:GLOB syntax; a
 * preset's function rules fold native frames only, so that a Python function
 * that happens to be called _start stays.
 */
const char *const *fold_preset_rules(size_t i);

/* The frames of one capture that fold. */
struct fold_mask {
	uint8_t *folded;	/* per frame id: 1 when folded; owned */
	size_t n_frames;
	size_t n_folded;	/* frames folded */
};

/* Compiles r against cap (one pass over its frames).  Release with fold_mask_release. */
void fold_mask_build(struct fold_mask *m, const struct capture *cap, const struct fold_rules *r);
void fold_mask_release(struct fold_mask *m);

/* Whether frame folds under m; m may be NULL (nothing folds). */
static inline bool fold_mask_has(const struct fold_mask *m, uint32_t frame)
{
	return m && frame < m->n_frames && m->folded[frame];
}

/*
 * Per stack of cap, the stack that stands for its path with the frames m
 * folds and thread frames left out: the first stack (by id) with that
 * path, whose own frame is kept, or 0 (the root) when every frame of the
 * path folds; so a path is one line over all threads.  Stacks
 * with equal folded paths share it, so per-path weights are sums by it (the
 * CSV and collapsed stacks).  m may be NULL (every stack its own).  Returns
 * a malloc'd array of capture_stack_count() entries (caller frees).
 */
uint32_t *fold_stack_reps(const struct fold_mask *m, const struct capture *cap);

#endif
