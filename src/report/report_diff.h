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

#endif
