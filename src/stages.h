/*
 * stages: the run split into stages, with per-stage figures.
 *
 * A split assigns every event of the log to one stage row or to the
 * "outside" row (never dropped).  Three splits:
 *
 *   STAGES_MARKS   the capture's stage marks: stage k is the events from mark
 *                  k to mark k+1; events before the first mark are outside.
 *   STAGES_SLICES  N equal time slices of [0, duration] (equal slices of the
 *                  event log when the capture has no time marks).
 *   STAGES_UNDER   the successive calls of the children of a frame F (by
 *                  function name).  An event's stack belongs to child C when
 *                  C is the frame directly below the innermost F on it.  An
 *                  allocation of C opens a new call unless C's call is the
 *                  open one; an allocation of no child (or F itself) closes
 *                  the open call.  A free of C's stacks belongs to C's call
 *                  only while it is open; else it is outside.  With
 *                  STAGES_MERGE, the calls of one function are one row.
 *
 * Figures per row (struct stage_row): allocated/freed/net are sums of the
 * events assigned to the row; cumulative and peak are the whole heap during
 * the row's window (its first to its last assigned event).  leaked and
 * at_peak are "live" figures, which the log only knows per stack: a stack's
 * live bytes at the end (or at the capture's peak) go to the row of that
 * stack's most recent allocation.  Exact when a stack allocates in one row
 * only, which STAGES_UNDER with STAGES_MERGE guarantees.
 *
 * One streaming pass over the log, O(stacks + rows) memory.  Pure: no I/O.
 */
#ifndef MT_STAGES_H
#define MT_STAGES_H

#include <stddef.h>
#include <stdint.h>

#include "capture.h"

enum stages_split { STAGES_MARKS, STAGES_SLICES, STAGES_UNDER };

enum stages_flags {
	STAGES_MERGE = 1 << 0,	/* STAGES_UNDER: one row per function, with a call count */
};

struct stages_spec {
	enum stages_split split;
	unsigned slices;	/* STAGES_SLICES: number of slices (>= 1) */
	const char *function;	/* STAGES_UNDER: the frame's function name (borrowed) */
	unsigned flags;		/* enum stages_flags */
};

#define STAGES_NO_EVENT UINT64_MAX

struct stage_row {
	char *name;		/* owned: child function, "slice 3", mark name, "<outside stages>" */
	uint32_t function;	/* STAGES_UNDER: string id of the child function; 0 otherwise */
	uint32_t calls;		/* calls merged into this row (1 unless STAGES_MERGE) */
	uint64_t first_ev;	/* first assigned event; STAGES_NO_EVENT when none */
	uint64_t last_ev;	/* last assigned event */
	int64_t start_ms;	/* time of first_ev; -1 when none */
	int64_t duration_ms;	/* time(last_ev) - start_ms; -1 for the outside row */
	int64_t alloc_count;	/* EV_ALLOC events assigned */
	int64_t alloc_bytes;
	int64_t freed_count;	/* frees assigned (positive) */
	int64_t freed_bytes;
	int64_t net_bytes;	/* sum of all assigned deltas */
	int64_t cumulative_bytes;	/* live heap after last_ev (outside row: at the end) */
	int64_t peak_bytes;	/* max live heap in the window (outside: after its events) */
	int64_t leaked_bytes;	/* live at the end, by the most-recent-allocation rule */
	int64_t leaked_count;
	int64_t at_peak_bytes;	/* live at the capture's peak, same rule */
	int64_t at_peak_count;
	uint32_t top_function;	/* string id of the leaf function allocating most bytes; 0 none */
	int64_t top_bytes;
};

struct stages {
	struct stage_row *rows;	/* time order (by first_ev); the outside row last */
	size_t n;		/* rows including the outside row (always >= 1) */
};

/*
 * Computes the split of cap.  Returns 0, or -1 when spec cannot apply (no
 * slices, no function); out is then empty but valid.  Release with
 * stages_release.
 */
int stages_compute(struct stages *out, const struct capture *cap, const struct stages_spec *spec);
void stages_release(struct stages *s);
/* Parses "marks", "slices:N", "under:FUNCTION" (function borrowed from s); -1 if invalid. */
int stages_spec_parse(struct stages_spec *spec, const char *s);

#endif
