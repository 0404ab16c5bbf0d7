/*
 * metric: what a call tree weighs.  One home for the five metrics every view
 * and report offers (the explorer's `m`, `memtui report --view`): their
 * names, their titles, which the capture has, and the per-stack weights of
 * each, so that the screen, the report and the diffs weigh a tree the same
 * way and name it with the same word.
 *
 * A count metric (allocations, temporary) carries its count in the weights'
 * bytes fields too, so a tree sorts and lays out by it like by bytes.
 */
#ifndef MT_METRIC_H
#define MT_METRIC_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"
#include "snapshot.h"

enum metric {
	METRIC_PEAK,		/* live bytes at the high-water mark */
	METRIC_LEAKS,		/* live bytes at the end (after the tool's suppressions) */
	METRIC_ALLOCATED,	/* bytes allocated over the whole run */
	METRIC_ALLOCATIONS,	/* allocation calls over the whole run */
	METRIC_TEMPORARY,	/* temporary allocations (where the capture says) */
};
#define N_METRICS (METRIC_TEMPORARY + 1)

/* Its name, as typed and shown: "peak", "leaks", "allocated", "allocations", "temporary". */
const char *metric_name(enum metric m);
/* What it weighs, for titles: "live bytes at the peak". */
const char *metric_title(enum metric m);
/* The metric named s, or -1. */
int metric_parse(const char *s);
/* The names in order, "peak, leaks, ...", into buf (for help and usage texts). */
char *metric_list(char *buf, size_t size);
/*
 * Whether m weighs allocation counts rather than bytes in cap: allocations
 * always; temporary by heaptrack's rule (a count, as heaptrack_print's), not
 * by memray's (bytes, as memray's --temporary-allocations flame graph weighs).
 */
bool metric_is_count(const struct capture *cap, enum metric m);
/*
 * Whether cap has what m weighs (totals; temporary allocations: marked by
 * memray's threshold, or some marked by heaptrack's rule).
 */
bool metric_available(const struct capture *cap, enum metric m);

/*
 * The per-stack weights of m into *out (the caller's: snapshot_release).
 * peak, leaks and calls (allocations per stack over the run) are snapshots
 * the caller already has; each may be NULL, or calls empty (n 0), and is
 * then computed here.
 */
void metric_weights(struct snapshot *out, const struct capture *cap, enum metric m,
		    const struct snapshot *peak, const struct snapshot *leaks,
		    const struct snapshot *calls);

#endif
