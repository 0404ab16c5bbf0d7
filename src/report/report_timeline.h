/*
 * report_timeline: `memtui report --timeline N`, the timeline's N slices as
 * the explorer's timeline charts them for the metric (--metric): the live
 * heap, or bytes allocated, allocations or temporary allocations per second,
 * as text, JSON or CSV (collapsed stacks have no timeline form: JSON is
 * written).  report_timeline_bucket is the one wording of a slice, for the
 * report's text and the timeline view's cursor line alike.  The JSON keys and
 * CSV columns are a contract (README.md): add, never rename.
 */
#ifndef MT_REPORT_TIMELINE_H
#define MT_REPORT_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "report.h"
#include "timeline.h"

/*
 * Column col of tl for series s (not SERIES_HEAP), into buf:
 * "3.13-3.39 ms: 35 allocations, 134615/s", "1.20 MiB allocated in 35 calls,
 * 4.50 MiB/s"; over the event log "events 100-199: 35 allocations".
 */
char *report_timeline_bucket(const struct timeline *tl, uint32_t col, enum timeline_series s,
			     char *buf, size_t size);
void report_timeline_write(FILE *out, const struct capture *cap, const char *path,
			   uint32_t columns, enum metric m, enum report_format format);
/*
 * The same of the stacks only keeps (thread_filter_mask; NULL: all), named
 * threads ("worker-0, mapper") in the text and JSON ("threads").
 */
void report_timeline_write_only(FILE *out, const struct capture *cap, const char *path,
				uint32_t columns, enum metric m, enum report_format format,
				const bool *only, const char *threads);

#endif
