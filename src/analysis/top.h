/*
 * top: the "top locations" list, grouped the way the writing tool groups it.
 *
 * TOP_INNERMOST_PYTHON (memray): by the innermost Python frame's (function,
 * file, line); stacks with no Python frame form one group, as in memray's
 * lists (memray's "???" in its high-water-mark and leak lists, "<unknown>"
 * in its stats lists; here TOP_NO_PYTHON);
 * allocations = the weights' count (live allocations in a snapshot, or calls).
 * TOP_INNERMOST_HYBRID (memray with native traces): by the innermost frame of
 * the hybrid stack, Python or native; unnamed native frames form one group,
 * as memray groups them (memray's "<unknown>" in "<unknown>"; here
 * TOP_UNNAMED_NATIVE), and a named native frame without a file has the file
 * "<unknown>", as memray shows it.  The groups are named in memtui's words,
 * so unnamed code reads one way everywhere (capture_frame_label,
 * top_entry_function), not in memray's three.
 * TOP_INNERMOST_FRAME (heaptrack): by the leaf frame's (module, function, file,
 * line); allocations = allocation calls over the whole run (heaptrack_print's
 * "calls"), taken from the calls snapshot.  All unnamed frames of one module
 * are one location there (heaptrack_print's rule): n_frames says how many
 * addresses it merges, and top_entry_function names it for what it is.
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
	uint32_t n_frames;	/* distinct frames (addresses) grouped here, >= 1 */
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
 * used for TOP_INNERMOST_FRAME; may be NULL otherwise.  A count metric's
 * weights carry the count in bytes (metric.h): the list is then by count.
 */
void top_locations(struct top_list *out, const struct capture *cap, const struct snapshot *weights,
		   const struct snapshot *calls);
/*
 * The same by rule instead of the capture's (memray stats groups by Python
 * frames only, also in a capture with native traces).
 */
void top_locations_by(struct top_list *out, const struct capture *cap, enum top_rule rule,
		      const struct snapshot *weights, const struct snapshot *calls);
void top_list_release(struct top_list *l);
/*
 * The name to show for e: its function; for an unnamed native frame its
 * module+offset label (capture_frame_label), or, when the entry merges several
 * addresses, "unnamed code in MODULE (N addresses)"; written into buf.
 */
const char *top_entry_function(const struct capture *cap, const struct top_entry *e, char *buf,
			       size_t size);

#endif
