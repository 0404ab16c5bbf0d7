/*
 * top: the "top locations" list, grouped the way the writing tool groups it.
 *
 * TOP_INNERMOST_PYTHON (memray): by the innermost Python frame's (function,
 * file, line); stacks with no Python frame form one group, as in memray's
 * high-water-mark reports (memray's "???", "???", 0; here TOP_NO_PYTHON);
 * allocations = live allocations in the snapshot.
 * TOP_INNERMOST_HYBRID (memray with native traces): by the innermost frame of
 * the hybrid stack, Python or native; unnamed native frames form one group,
 * as memray groups them (memray's "<unknown>", "<unknown>", 0; here
 * TOP_UNNAMED_NATIVE).  The groups are named in memtui's words, so an
 * unnamed frame reads one way everywhere (capture_frame_label), not in
 * memray's two.
 * TOP_INNERMOST_FRAME (heaptrack): by the leaf frame's (module, function, file,
 * line); allocations = allocation calls over the whole run (heaptrack_print's
 * "calls"), taken from the calls snapshot.
 */
#ifndef MT_TOP_H
#define MT_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "snapshot.h"

/* The names of the two memray groups above (files "", lines 0). */
#define TOP_NO_PYTHON "<no Python frame>"
#define TOP_UNNAMED_NATIVE "<unnamed native code>"

struct top_entry {
	const char *function;	/* borrowed from the capture (or a group's name); may be ""
				 * for an unnamed native frame: see top_entry_function */
	const char *file;
	const char *module;
	uint32_t line;
	uint32_t frame;		/* a representative frame id (0 for the unknown group) */
	int64_t bytes;
	int64_t allocations;
};

struct top_list {
	struct top_entry *entries;	/* sorted by |bytes| descending, then by name */
	size_t n;
};

/*
 * Groups the stacks of weights (nonzero bytes only) by the capture's top rule.
 * calls: per-stack allocation calls (snapshot_allocated over the whole run),
 * used for TOP_INNERMOST_FRAME; may be NULL otherwise.
 */
void top_locations(struct top_list *out, const struct capture *cap, const struct snapshot *weights,
		   const struct snapshot *calls);
void top_list_release(struct top_list *l);
/* The name to show for e: its function, or for an unnamed native frame its
 * module+offset label (capture_frame_label) written into buf. */
const char *top_entry_function(const struct capture *cap, const struct top_entry *e, char *buf,
			       size_t size);

#endif
