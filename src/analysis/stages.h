/*
 * stages: the run split into stages, with per-stage figures.
 *
 * A split assigns every event of the log to one stage row or to the
 * "outside" row (never dropped).  Three splits:
 *
 *   STAGES_MARKS   the capture's stage marks: stage k is the events from mark
 *                  k to mark k+1; events before the first mark are outside,
 *                  in the row "<before first mark>", a window like the others
 *                  (its cumulative is the heap after its last event).
 *   STAGES_SLICES  N equal time slices of [0, duration] (equal slices of the
 *                  event log when the capture has no time marks).
 *   STAGES_UNDER   the successive calls of the children of a frame F (by
 *                  function name).  An event's stack belongs to child C when
 *                  C is the frame directly below the innermost F on it; to
 *                  "F itself" when F is its innermost frame; to nothing when
 *                  F is not on it (outside F: code before or after F, another
 *                  thread, or a stack the profiler cut short at its depth
 *                  limit).  An allocation of C opens a new call unless C's call
 *                  is the open one; an allocation of F itself closes the open
 *                  call and goes to F's self row; an allocation outside F goes
 *                  to the outside row and leaves the open call open (a stack
 *                  without F says nothing about F's calls).  A free of C's
 *                  stacks belongs to C's call only while it is open; else it is
 *                  outside.  With STAGES_MERGE, the calls of one function are
 *                  one row.  F's self row is always one row (calls counts its
 *                  stretches), placed by its first event like a merged row.
 *                  Unnamed child frames are one child per module ("<unnamed
 *                  code in MODULE>").  F's frames are those named F (when
 *                  none is, those whose name without templates and parameters
 *                  is F or ends in "::F"); when they come from several files,
 *                  those of the file with the most bytes allocated
 *                  under it (each stack counted for its innermost F).  Below
 *                  a Python F, the child is the next Python frame: native
 *                  frames between them are skipped (memray attributes by the
 *                  Python stack), and a native frame allocating directly under
 *                  it is F itself.
 *
 * Figures per row (struct stage_row): allocated/freed/net are sums of the
 * events assigned to the row; cumulative and peak are the whole heap during
 * the row's window (its first to its last assigned event).  A row without
 * events (a slice or mark in which nothing happened) carries the heap of its
 * moment: cumulative and peak are the heap then, not 0.  Slices (with time
 * marks) start at their own start and last their length, whether or not
 * events fill them; other rows start at their first event and last to their
 * last (summed over the calls of a merged row).  temporary_count counts the
 * row's frees of temporary allocations (EV_TEMPORARY, heaptrack's rule).
 * leaked and at_peak are "live" figures.  With a leak table (capture_leaks():
 * the memray and heaptrack readers give one, and a .mtui with its LEAKS
 * section) leaked is exact for every split: each allocation live at the end
 * goes to the row its allocating event was assigned to (stages.leaks_exact).
 * Without one (a .mtui written before the table, an aggregated file), and
 * always for at_peak, the log knows live figures per stack only: a stack's
 * live bytes at the end (or at the capture's peak) go to the row of that
 * stack's most recent allocation.  Exact when a stack allocates in one row
 * only, which STAGES_UNDER with STAGES_MERGE guarantees.  The top
 * allocator is the leaf that allocated most bytes in the row: a named leaf
 * counts by function (all its addresses), an unnamed one by its own address.
 *
 * Captures without an event stream (capture_meta()->has_event_stream false:
 * memray --aggregate files, whose few events are synthesized from the peak
 * and end snapshots) have no time, so only STAGES_UNDER applies, and only
 * its live figures exist ("live only", struct stages.live_only): each stack
 * goes whole to its class's row (the child below the innermost F, F itself,
 * the same classes as above), at_peak from snapshot_peak and leaked from the
 * live heap after the last event (unsuppressed, as on any capture).  A class
 * is one row whatever STAGES_MERGE says (there are no calls to tell apart):
 * calls is 1 for a class's row, 0 for the outside row.  With no time to order
 * by, the rows come by the source line in F of the call leading to them (the
 * smallest over their stacks), then by their smallest stack id.  Every figure
 * that needs the event stream is STAGES_UNKNOWN.
 *
 * Row names are full function names (or "<unnamed code in MODULE>", "<F
 * itself>", "slice 3", a mark's name, "<outside stages>", "<before first
 * mark>"); stages_labels
 * shortens them for a column of a given width.
 *
 * One streaming pass over the log, O(stacks + rows) memory.  Pure: no I/O.
 */
#ifndef MT_STAGES_H
#define MT_STAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "snapshot.h"

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
/* A figure the capture cannot give (live-only stages: no event stream). */
#define STAGES_UNKNOWN INT64_MIN
/* The default split (stages_default) gives at most this many rows besides the outside row. */
#define STAGES_DEFAULT_MAX_ROWS 50
#define STAGES_DEFAULT_SLICES 10

struct stage_row {
	char *name; /* owned: child function, "slice 3", mark name, "<outside stages>" */
	/* (or "<before first mark>" for STAGES_MARKS) */
	uint32_t child;		/* STAGES_UNDER: the row's class (stages.c's numbering); 0 else */
	bool self;		/* STAGES_UNDER: the row of F's own allocations */
	uint32_t calls;		/* calls merged into this row (1 unless STAGES_MERGE) */
	uint64_t first_ev;	/* first assigned event; STAGES_NO_EVENT when none */
	uint64_t last_ev;	/* last assigned event */
	/*
	 * Live-only stages: first_ev is STAGES_NO_EVENT, top_frame 0, and
	 * every int64 field from start_ms to peak_bytes and top_bytes is
	 * STAGES_UNKNOWN; only calls, leaked_* and at_peak_* are known.
	 */
	int64_t start_ms;	/* time of first_ev (a slice: its start); -1 when none */
	int64_t duration_ms;	/* time(last_ev) - start_ms (a slice: its length); -1 outside */
	int64_t alloc_count;	/* EV_ALLOC events assigned */
	int64_t alloc_bytes;
	int64_t freed_count;	/* frees assigned (positive) */
	int64_t freed_bytes;
	int64_t temporary_count;	/* frees of temporary allocations assigned */
	int64_t net_bytes;	/* sum of all assigned deltas */
	int64_t cumulative_bytes;	/* live heap after last_ev (outside row: at the end,
					 * but for STAGES_MARKS after its last event) */
	int64_t peak_bytes;	/* max live heap in the window (outside: after its events) */
	int64_t leaked_bytes;	/* live at the end: the leak table's, else the stack rule */
	int64_t leaked_count;
	int64_t at_peak_bytes;	/* live at the capture's peak, by the stack rule */
	int64_t at_peak_count;
	uint32_t top_frame;	/* a frame of the top allocator (capture_frame_label); 0 none */
	int64_t top_bytes;
};

struct stages {
	struct stage_row *rows;	/* time order (by first_ev); the outside row last
				 * (live_only: by call line, stages.h above) */
	size_t n;		/* rows including the outside row (always >= 1) */
	bool live_only;		/* no event stream: only calls, leaked_*, at_peak_* known */
	bool leaks_exact;	/* leaked_* from the capture's leak table (above) */
	bool before_marks;	/* STAGES_MARKS: the outside row is "<before first mark>" */
};

/*
 * Computes the split of cap.  Returns 0, or -1 when spec cannot apply
 * (stages_unavailable says why); out then holds only the outside row, with
 * all of the capture's events (live_only: its live figures).  Release with
 * stages_release.
 */
int stages_compute(struct stages *out, const struct capture *cap, const struct stages_spec *spec);
void stages_release(struct stages *s);
/*
 * Why spec cannot split cap, as one static phrase, or NULL when it can: a
 * split by time on a capture without an event stream; no slices or no
 * function given; a split that matches nothing (marks on a capture without
 * marks; under:F where no frame is F, or where nothing F calls allocates).
 * O(stacks), plus one pass over the log when frames named F come from
 * several files.
 */
const char *stages_unavailable(const struct capture *cap, const struct stages_spec *spec);
/* Parses "marks", "slices:N", "under:FUNCTION" (function borrowed from s); -1 if invalid. */
int stages_spec_parse(struct stages_spec *spec, const char *s);
/* Whether STAGES_UNDER function gives a stage row (something it calls allocates). */
bool stages_under_exists(const struct capture *cap, const char *function);

/*
 * The split shown first (the explorer's view 4): the capture's marks; else
 * the calls under "main", one row per call when that gives at most
 * STAGES_DEFAULT_MAX_ROWS rows, else merged when that does; else
 * STAGES_DEFAULT_SLICES time slices.  An aggregated capture (only
 * STAGES_UNDER applies) gets under "main" whatever it gives.  why receives
 * the reason a split was passed over ("" when none was), e.g. "under main
 * gives 11,139 calls"; one streaming pass when under main is counted.
 */
void stages_default(struct stages_spec *spec, const struct capture *cap, char *why,
		    size_t why_size);

/*
 * Short names for a column of width cells (code points): each row's name
 * as it is when it fits; else in names.h's brief form, template arguments
 * and parameter lists collapsed ("a::B<>::f(...)"); else its end, cut after a "::" or "." where
 * one fits, behind ellipsis (counted as its code points).  Two different
 * names never get the same label: those that would are told apart by their
 * parameters, else numbered (" #1", " #2", in name order).  Returns s->n
 * owned strings; free with stages_labels_free.
 */
char **stages_labels(const struct stages *s, int width, const char *ellipsis);
void stages_labels_free(char **labels, size_t n);
/* One name shortened the same way (no numbering) into buf; returns buf. */
char *stages_short_name(const char *name, int width, const char *ellipsis, char *buf,
			size_t size);

/*
 * Row k's place in the log, for the live heap at its start and end
 * (snapshot_live_at): the event just before its first event, and its last
 * event.  A merged row starts with its first call and ends with its last;
 * the outside row ends with the capture, but for STAGES_MARKS ("<before first
 * mark>") at the event before the first mark.  A row without events starts and
 * ends where the last earlier row with events ended.  UINT64_MAX: before
 * any event.  Meaningless for live-only stages (no row has events): both
 * return UINT64_MAX there, except the outside row's end.
 */
uint64_t stages_row_start(const struct stages *s, size_t k);
uint64_t stages_row_end(const struct stages *s, size_t k, const struct capture *cap);
/*
 * Row k's own allocations, per stack, of s = stages_compute(cap, spec) (the
 * same spec: one more pass assigns every event exactly as that one did):
 *   allocated  the allocation events assigned to row k (every call of a
 *              merged row);
 *   alive      what of them is still live at the row's end
 *              (stages_row_end): per stack, the live bytes and count then,
 *              capped at what row k allocated on that stack.  The log knows
 *              live figures per stack, not per allocation, so a stack's live
 *              bytes are taken to be its newest allocations: exact when the
 *              stack allocates only in row k (STAGES_UNDER with STAGES_MERGE),
 *              else as if frees released a stack's oldest allocations first.
 * Both are filled (release with snapshot_release).  One streaming pass,
 * O(stacks + rows) memory.  Returns 0, or -1 for live-only stages, where
 * allocated is unknown (left all zero) and alive is the live heap at the end
 * of the capture restricted to row k's stacks: the row's leaked figures.
 */
int stages_row_snapshots(struct snapshot *allocated, struct snapshot *alive,
			  const struct capture *cap, const struct stages_spec *spec,
			  const struct stages *s, size_t k);

#endif
