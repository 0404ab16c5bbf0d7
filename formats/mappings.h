/*
 * mappings: the live mapping intervals of a reader that follows mmap and
 * munmap (memray's MMAP/MUNMAP records, the recorder's TA_MMAP and
 * TR_MUNMAP), and how a munmap changes them in the model.
 *
 * A mapping is one interval [begin, end) of one stack, made by one event.
 * munmap subtracts a range from every interval it overlaps: a whole interval
 * goes (count -1), a trimmed one stays (count 0), a split one becomes two
 * (count +1), each piece keeping its event (the leak table sums them).
 *
 * A linear scan over the live intervals: fine for real captures (tens to
 * thousands of mappings); MAPPINGS_SCAN_BUDGET bounds the total for hostile
 * ones, which the reader then ends as truncated.
 */
#ifndef MT_MAPPINGS_H
#define MT_MAPPINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

struct capture_builder;

/*
 * Intervals that munmaps may scan over a whole file, in total (about a
 * second of work).  A file made of overlapping mmaps and munmaps would
 * otherwise take quadratic time (and grow the list by a split per scanned
 * interval).
 */
#define MAPPINGS_SCAN_BUDGET ((uint64_t)1 << 28)

struct mapping {
	uint64_t begin, end;	/* [begin, end), end > begin */
	uint64_t ev_idx;	/* the mmap's event: every piece of it keeps it */
	uint32_t stack;
};

struct mappings {
	struct vec list;	/* struct mapping, in no order */
	uint64_t scans;		/* intervals munmaps have scanned */
};

void mappings_init(struct mappings *ms);
void mappings_release(struct mappings *ms);
/*
 * Adds [addr, addr + size) of stack, made by event ev_idx (size 0 adds
 * nothing).  false when the interval wraps around the address space.
 */
bool mappings_add(struct mappings *ms, uint64_t addr, uint64_t size, uint64_t ev_idx,
		  uint32_t stack);
/*
 * Subtracts [addr, addr + len) and gives the model one event per run of
 * intervals of the same stack (usually one), or, when nothing overlaps, a
 * zero event if zero_event (memray's reader keeps one event per record) and
 * none otherwise; the events carry flags (EV_TEMPORARY when the reader's rule
 * says the range frees a temporary allocation, else 0).  *unmapped receives
 * the bytes removed.  false, with nothing changed, when the scan would pass
 * MAPPINGS_SCAN_BUDGET.
 */
bool mappings_unmap(struct mappings *ms, uint64_t addr, uint64_t len, struct capture_builder *b,
		    bool zero_event, unsigned flags, uint64_t *unmapped);
/* Every live piece into the leak table (capture_builder_leak). */
void mappings_leaks(const struct mappings *ms, struct capture_builder *b);

#endif
