/*
 * report_diff: `memtui report --diff A B` (and `memtui diff A B`): the peak
 * of both captures and the largest changes per call path, as text, JSON,
 * CSV or collapsed stacks with both weights ("a;b;c 123 456", the input of
 * difffolded-style differential flame graphs).  JSON keys are a contract.
 */
#ifndef MT_REPORT_DIFF_H
#define MT_REPORT_DIFF_H

#include <stdio.h>

#include "diff.h"
#include "report.h"

struct report_diff_info {
	const char *path[2];
	enum metric metric;
	bool weights_are_count;
	unsigned top;		/* changes listed (text, JSON, CSV); 0 = all */
};

void report_diff_write(FILE *out, const struct diff *d, const struct report_diff_info *info,
		       enum report_format format);

/* A diff of two captures as `memtui report --diff A B` computes it. */
struct report_diff_run {
	struct report r[2];		/* each side's weights (report_compute_weights) */
	struct diff d;			/* their changes per call path */
	struct report_diff_info info;	/* for report_diff_write */
};
/*
 * Computes run for captures a and b (named path_a, path_b; all borrowed)
 * with the options o (metric, threads, top; no tree).  The CLI and the
 * explorer's export (ui/export.h) both call it.  Release with
 * report_diff_run_release.
 */
void report_diff_run_compute(struct report_diff_run *run, const struct capture *a,
			     const char *path_a, const struct capture *b, const char *path_b,
			     const struct report_options *o);
void report_diff_run_release(struct report_diff_run *run);

#endif
