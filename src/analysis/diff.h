/*
 * diff: two snapshots (of two captures, or of one) matched by call path.
 *
 * A call path is the sequence of its frames' (function, file) from the root,
 * compared by content (not string ids, addresses or lines), so a rebuilt binary
 * or an edited script lines up; unnamed native frames compare by module and
 * offset (module alone for absolute addresses).  Two snapshots of one capture
 * (a == b) compare frames as the call tree merges them (tree.h): a Python
 * frame also by its code object's first line, so two <listcomp>s of one file
 * stay apart; across two captures first lines move with every edit above
 * them, so there the name and file alone match.  Stacks of one capture that
 * share a path are summed.  Each change is one allocating call path with its
 * exclusive weight in A and in B; the list is sorted by |b - a| descending.
 * Pure: no I/O.
 */
#ifndef MT_DIFF_H
#define MT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "fold.h"
#include "snapshot.h"

enum diff_side { DIFF_A = 0, DIFF_B = 1 };

struct diff_change {
	uint64_t key;		/* path hash (content of the (function, file) path) */
	uint8_t side;		/* enum diff_side of the representative stack */
	uint32_t stack;		/* a stack of that side with this path */
	int64_t a_bytes, b_bytes;	/* exclusive weight of the path in A and B */
	int64_t a_count, b_count;
};

struct diff {
	const struct capture *cap[2];
	const struct fold_mask *fold[2];	/* borrowed: the frames each side folds, or NULL */
	struct diff_change *changes;	/* sorted by |b - a| desc, then key; owned */
	size_t n;
	int64_t a_total, b_total;	/* sums of the two snapshots' bytes */
};

/*
 * The content keys diff_compute matches on, for other views of a diff
 * (diff_tree.h).  A frame's key hashes its (function, file) strings, and with
 * by_code (a diff within one capture) a Python frame's first line too (unnamed
 * frames: module and offset, or module alone for absolute addresses); a path's
 * key is diff_path_extend(parent path's key, frame key), DIFF_ROOT_KEY for the
 * empty path.  Both arrays are malloc'd (caller frees), indexed by frame id
 * (capture_frame_count() entries) and by stack id (capture_stack_count()).
 * With fold (fold.h; NULL: none), a folded frame's key is DIFF_FOLDED and a
 * path through it keys as its caller's path: folded frames are left out.
 */
#define DIFF_FOLDED 0
#define DIFF_ROOT_KEY 0x9e3779b97f4a7c15ULL
uint64_t diff_frame_key(const struct capture *cap, uint32_t frame, bool by_code);
uint64_t *diff_frame_keys(const struct capture *cap, bool by_code, const struct fold_mask *fold);
uint64_t *diff_path_keys(const struct capture *cap, bool by_code, const struct fold_mask *fold);
uint64_t diff_path_extend(uint64_t parent_key, uint64_t frame_key);

/* Matches wa (weights of a) with wb (of b).  Release with diff_release. */
void diff_compute(struct diff *d, const struct capture *a, const struct snapshot *wa,
		  const struct capture *b, const struct snapshot *wb);
/* The same with the frames of fold[0] (of a) and fold[1] (of b) folded (borrowed; NULL: none). */
void diff_compute_folded(struct diff *d, const struct capture *a, const struct snapshot *wa,
			 const struct capture *b, const struct snapshot *wb,
			 const struct fold_mask *const fold[2]);
void diff_release(struct diff *d);
/* b - a of a change. */
static inline int64_t diff_delta(const struct diff_change *c)
{
	return c->b_bytes - c->a_bytes;
}
/*
 * Whether the path of c contains the functions of gate (separated by ';') as
 * consecutive frames (of its representative stack, folded frames included).
 */
bool diff_path_matches(const struct diff *d, const struct diff_change *c, const char *gate);

#endif
