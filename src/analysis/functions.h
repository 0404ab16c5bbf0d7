/*
 * functions: the flat list of functions (or locations, files, modules) with
 * their self and inclusive figures, and the callers and callees of one of
 * them merged over all its call paths.
 *
 * A group is a set of frames: by function, the same (function, file) (the
 * trees' rule for named code, tree.h, without the Python code object's first
 * line: two <listcomp>s of one file are one function here, as memray's
 * summary, heaptrack's and perf's lists count them); by location, the same
 * (function, file, module, line); by file, the same file; by module, the same
 * module (Python frames, which have none, form one "<python>" group).
 * Unnamed native frames are grouped as the writing tool lists them: all of
 * one module together for heaptrack (heaptrack_print's rule, as top.h), all
 * together for memray (memray's "<unknown>").  A stack with no frame at all
 * forms its own group (memray's "???").
 *
 * For the weights of one snapshot, a group's inclusive figures are the sum
 * over the stacks that hold at least one of its frames (a recursive call is
 * counted once per stack), its self figures the sum over the stacks whose
 * innermost frame is one of its frames.  docs/NUMBERS.md "Functions" states
 * it, with the callers and callees trees.
 */
#ifndef MT_FUNCTIONS_H
#define MT_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "snapshot.h"
#include "tree.h"

enum func_group { FUNC_BY_FUNCTION, FUNC_BY_LOCATION, FUNC_BY_FILE, FUNC_BY_MODULE };
#define N_FUNC_GROUPS (FUNC_BY_MODULE + 1)

/* The sort orders of the list (the explorer's `s`). */
enum func_order { FUNC_ORDER_TOTAL, FUNC_ORDER_SELF, FUNC_ORDER_NAME };
#define N_FUNC_ORDERS (FUNC_ORDER_NAME + 1)

#define FUNC_NONE UINT32_MAX

/* The names of the groups of code without a name or without a frame. */
#define FUNC_UNNAMED "<unnamed native code>"
#define FUNC_NO_FRAME "<no frame>"
#define FUNC_NO_FILE "<no file>"
#define FUNC_PYTHON_MODULE "<python>"

struct func_row {
	uint32_t frame;		/* a representative frame (the first seen); FUNC_NONE for the
				 * group of stacks without frames */
	uint32_t n_frames;	/* distinct frames in the group */
	int64_t self_bytes;	/* weight of stacks whose innermost frame is in the group */
	int64_t self_count;
	int64_t total_bytes;	/* weight of stacks holding a frame of the group */
	int64_t total_count;
};

struct func_list {
	const struct capture *cap;
	enum func_group group;
	struct func_row *rows;	/* with a nonzero weight only, in the order of functions_sort */
	size_t n;
	uint32_t *group_of;	/* per frame id: its group's id (an index into ids), all frames */
	uint32_t *row_of;	/* per group id: its row, or FUNC_NONE when not weighted */
	uint32_t n_groups;
	uint32_t no_frame;	/* the group id of "no frame" */
};

/* Groups the frames of cap by group and weighs each group with the stacks of w. */
void functions_build(struct func_list *l, const struct capture *cap, const struct snapshot *w,
		     enum func_group group);
void functions_sort(struct func_list *l, enum func_order order);
void functions_release(struct func_list *l);

/* Their names as typed and shown: "function", "location", "file", "module"; -1 unknown. */
const char *functions_group_name(enum func_group g);
int functions_group_parse(const char *s);
/* "inclusive", "self", "name". */
const char *functions_order_name(enum func_order o);

/*
 * The row's name: for a function or location its function (capture_frame_label
 * for one unnamed frame, FUNC_UNNAMED or "unnamed code in MODULE (N
 * addresses)" for a group of them), for a file its path, for a module its
 * path.  May return buf (size bytes) or a capture string.
 */
const char *functions_row_name(const struct func_list *l, const struct func_row *r, char *buf,
			       size_t size);
/* The row's file ("" when the group has none or is a module), and line (0 unless a location). */
const char *functions_row_file(const struct func_list *l, const struct func_row *r);
uint32_t functions_row_line(const struct func_list *l, const struct func_row *r);
/* The row of frame's group, or NULL when it has no weight. */
const struct func_row *functions_row_of_frame(const struct func_list *l, uint32_t frame);

/*
 * Finds the row named name (functions_row_name): the one whose name is name
 * exactly, else the one whose name holds it, when only one does; NULL when
 * none or several, with *n_candidates set to how many hold it (0: none).
 */
const struct func_row *functions_find(const struct func_list *l, const char *name,
				      size_t *n_candidates);

/*
 * The callers of row r's group: a bottom-up tree whose root is the group (its
 * total is the group's inclusive figure) and whose paths are, for every
 * stack of w that holds the group, the callers of its innermost frame of the
 * group, innermost first: each stack counted once.
 * The callees: a top-down tree whose root is the group and whose paths are,
 * for every such stack, the frames below its outermost frame of the group,
 * outermost first.  Both are sorted by size; release with tree_release.
 */
void functions_callers(struct tree *t, const struct func_list *l, const struct func_row *r,
		       const struct snapshot *w);
void functions_callees(struct tree *t, const struct func_list *l, const struct func_row *r,
		       const struct snapshot *w);

/*
 * The stacks of peak that memray's `summary` reads (memray's summary
 * reporter stops at 95% of the heap; docs/NUMBERS.md "Functions"), with
 * their weights, into *out (snapshot_release): the weights whose function
 * list equals memray summary's rows.
 */
void functions_memray_summary(struct snapshot *out, const struct capture *cap,
			      const struct snapshot *peak);

#endif
