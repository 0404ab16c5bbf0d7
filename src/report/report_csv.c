/*
 * report_csv: the report as CSV, one row per call path with a nonzero weight
 * in the chosen metric: its weight, its allocation count and the path, named
 * as in the collapsed stacks (report_write_path, folded frames left out and
 * equal paths summed), quoted when it needs it.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>

#include "fmt.h"
#include "xalloc.h"

void report_write_csv(FILE *out, const struct report *r)
{
	int64_t *bytes, *count;

	report_path_weights(r, &bytes, &count);
	fprintf(out, "%s,count,path\n", r->weights_are_count ? "value" : "bytes");
	for (uint32_t s = 0; s < r->weights.n; s++) {
		if (!bytes[s] && !count[s])
			continue;
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);

		if (!mem)
			BUG("open_memstream");
		report_write_path(mem, r->cap, s, ';', &r->fold);
		fclose(mem);
		fprintf(out, "%" PRId64 ",%" PRId64 ",", bytes[s], count[s]);
		fmt_csv_field(out, buf);
		fputc('\n', out);
		free(buf);
	}
	free(bytes);
	free(count);
}
