/*
 * memray_native: the native side of the memray reader (docs/formats/memray.md
 * §6): the native trace tree, the loaded-image tables by generation, and the
 * hybrid stacks memray shows (§6.4), in which each call of the interpreter's
 * eval loop is replaced by the Python frames it ran.
 *
 * Python stacks are handed in as keys of a small trie of (frame, is_entry)
 * kept here, because the merge needs the is_entry flags that the model does
 * not keep.  Every result is cached: an allocation site costs one hash lookup
 * after its first allocation.
 */
#ifndef MT_MEMRAY_NATIVE_H
#define MT_MEMRAY_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_builder.h"
#include "hashmap.h"
#include "idtable.h"
#include "native_resolver.h"
#include "vec.h"

struct mr_native {
	struct capture_builder *b;
	const struct native_resolver *res;	/* may be NULL: no names */

	struct vec nodes;		/* struct mr_node; [0] is the root */
	struct vec gen_first;		/* size_t: first segment of generation g */
	struct vec segments;		/* struct mr_segment, generation by generation */
	struct vec images;		/* struct mr_image, one per SEGMENT_HEADER */
	struct vec image_segs;		/* struct native_segment of all images */
	uint64_t gen;			/* MEMORY_MAP_STARTs so far */

	struct vec py;			/* struct mr_py: the Python trie; [0] = empty stack */
	struct hashmap py_index;	/* parent << 32 | frame << 1 | entry -> py key */

	struct vec ips;			/* struct mr_ip: resolved (generation, ip) */
	struct idtable ip_index;
	struct vec ip_frames;		/* struct mr_ip_frame, runs owned by ips */

	struct vec stacks;		/* struct mr_stack: merged stacks */
	struct idtable stack_index;

	struct vec natives;		/* uint32_t: native nodes of one stack, innermost first */
	struct vec py_keys;		/* uint32_t: Python keys of one stack, innermost first */
	struct vec merged;		/* uint32_t: model frames of one stack, outermost first */
};

void mr_native_init(struct mr_native *n, struct capture_builder *b,
		    const struct native_resolver *res);
void mr_native_release(struct mr_native *n);

/* NATIVE_TRACE_INDEX: node (ip, parent); false when the parent is not defined yet. */
bool mr_native_add_node(struct mr_native *n, uint64_t ip, uint64_t parent);
size_t mr_native_node_count(const struct mr_native *n);

/* MEMORY_MAP_START: a new generation of the image table. */
void mr_native_map_start(struct mr_native *n);
uint64_t mr_native_generation(const struct mr_native *n);
/* SEGMENT_HEADER with its segments: one image of the current generation. */
void mr_native_image(struct mr_native *n, const char *path, size_t path_len, uint64_t load,
		     const struct native_segment *segs, size_t nseg);

/* After the last record: the resolver's coverage table and warning (native_resolver_store). */
void mr_native_finish(struct mr_native *n);

/* The Python stack key of stack parent extended by (model frame, is_entry); 0 is empty. */
uint32_t mr_native_py_push(struct mr_native *n, uint32_t parent, uint32_t frame, bool entry);

/*
 * The model stack memray shows for an allocation with Python stack py (a key
 * from mr_native_py_push), native trace node native (0 = none) read in
 * generation gen; skip = the outermost Python frames elided on the main
 * thread (0 elsewhere).  It is built under model stack root: the thread's
 * frame (capture.h, "Threads"), or 0.
 */
uint32_t mr_native_stack(struct mr_native *n, uint32_t root, uint32_t py, uint32_t native,
			 uint64_t gen, uint64_t skip);

#endif
