/*
 * spill: where the sealed chunks of an event log being built go instead of
 * the heap, so that memory grows with stacks and live allocations, not with
 * the number of events.
 *
 * A spill is an unlinked temporary file in $TMPDIR (or /tmp): nothing is
 * left behind however the process ends, and its pages are the kernel's page
 * cache, not this process's resident set.  Chunks are appended at page
 * boundaries while the log is written; once it is finished the file is
 * mapped read-only and a reader drops the pages of a chunk it is done with.
 * Where no temporary file can be made, the log stays on the heap
 * (compressed), as before spills existed.
 */
#ifndef MT_SPILL_H
#define MT_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct spill {
	int fd;			/* -1: none (not yet made, or none can be) */
	bool failed;		/* making or writing the file failed: use the heap */
	uint64_t len;		/* bytes written, a multiple of the page size */
	uint8_t *map;		/* the file, mapped by spill_map (NULL before) */
	size_t map_len;
};

void spill_init(struct spill *s);
/* Unmaps and closes (the file goes with its last reference). */
void spill_release(struct spill *s);
/*
 * Appends n bytes at a page boundary; *off is where they start.  False when
 * the spill cannot take them (no temporary file, a full disk): the caller
 * keeps them itself, and every later append fails too.
 */
bool spill_append(struct spill *s, const void *data, size_t n, uint64_t *off);
/*
 * Maps what was appended (read-only; no append after it); NULL when nothing
 * was or the map fails, and then spill_read still reads the file.
 */
const uint8_t *spill_map(struct spill *s);
/* Reads n bytes at off of a spill that is not mapped; false on an I/O error. */
bool spill_read(const struct spill *s, uint64_t off, void *dst, size_t n);
/* A reader is done with [p, p + n) of the map: its pages may leave memory. */
void spill_done(const struct spill *s, const uint8_t *p, size_t n);

#endif
