/*
 * report_sizes: `memtui report --sizes`, the allocation size histograms of
 * the run, the peak and the leaks (sizes.h), and the run's allocation calls
 * by allocator (allocators.h), as text, JSON or CSV (collapsed stacks have
 * no sizes form: JSON is written).  The JSON keys are a contract
 * (README.md): add keys, never rename.
 */
#ifndef MT_REPORT_SIZES_H
#define MT_REPORT_SIZES_H

#include <stdio.h>

#include "capture.h"
#include "allocators.h"
#include "report.h"
#include "sizes.h"
#include "threads.h"

/* The three moments' histograms and the allocators, or why one is missing. */
struct report_sizes {
	struct size_hist hist[SIZES_MOMENTS];
	const char *missing[SIZES_MOMENTS];	/* NULL when hist[m] is computed */
	struct allocator_table alloc;
	const char *alloc_missing;		/* NULL when alloc is computed */
};

/* only: the stacks to count (NULL every stack), as sizes_compute takes it. */
void report_sizes_compute(struct report_sizes *rs, const struct capture *cap, const bool *only);
/* The same of the threads of filter (threads.h; n 0: every stack), as --thread keeps them. */
void report_sizes_compute_threads(struct report_sizes *rs, const struct capture *cap,
				  const struct thread_filter *filter);
void report_sizes_write(FILE *out, const struct report_sizes *rs, const char *path,
			enum report_format format);
/*
 * `memtui report --sizes` whole: the histograms of r's capture, of the
 * threads of r's filter (report_compute_weights), written in r's format.
 * The CLI and the explorer's export (ui/export.h) both call it.
 */
void report_sizes_run(FILE *out, const struct report *r);
/* The moment in words, for titles: "every allocation call of the run". */
const char *report_sizes_title(enum sizes_moment m);

#endif
