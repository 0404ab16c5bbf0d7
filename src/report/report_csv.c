/*
 * report_csv: the report as CSV, one row per call path with a nonzero weight
 * in the chosen metric: its weight, its allocation count and the path, named
 * as in the collapsed stacks (report_write_path), quoted when it needs it.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>

#include "fmt.h"
#include "xalloc.h"

void report_write_csv(FILE *out, const struct report *r)
{
	struct snapshot merged;
	const struct snapshot *w = &merged;

	threads_merge_paths(&merged, r->cap, &r->weights);	/* one row per path */
	fprintf(out, "%s,count,path\n", r->weights_are_count ? "value" : "bytes");
	for (uint32_t s = 0; s < w->n; s++) {
		if (!w->bytes[s] && !w->count[s])
			continue;
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		if (!mem)
			BUG("open_memstream");
		report_write_path(mem, r->cap, s, ';');
		fclose(mem);
		fprintf(out, "%" PRId64 ",%" PRId64 ",", w->bytes[s], w->count[s]);
		fmt_csv_field(out, buf);
		fputc('\n', out);
		free(buf);
	}
	snapshot_release(&merged);
}
