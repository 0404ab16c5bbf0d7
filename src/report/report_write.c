/*
 * report_write: a computed report in the format its options name, by the
 * writer of that format (report_text.c, report_json.c, report_csv.c,
 * report_collapsed.c).  Apart from report.c, which the writers read: the
 * report's figures flow from report.c to the writers and out from here.
 */
#include <stdio.h>

#include "report.h"

void report_write(FILE *out, const struct report *r)
{
	/*
	 * Held over the whole report: each of its many small writes then
	 * finds the lock its own and takes no atomic (a compiler's 3.7 MB of
	 * JSON is made of a few hundred thousand).
	 */
	flockfile(out);
	switch (r->opt.format) {
	case REPORT_JSON:
		report_write_json(out, r);
		break;
	case REPORT_CSV:
		report_write_csv(out, r);
		break;
	case REPORT_COLLAPSED:
		report_write_collapsed(out, r);
		break;
	default:
		report_write_text(out, r);
	}
	funlockfile(out);
}
