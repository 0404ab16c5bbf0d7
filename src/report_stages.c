/*
 * report_stages: the stage table in three forms.  Rows come in the order
 * stages_compute gives them (time order, the outside row last); every figure
 * is a field of struct stage_row, written as it is.
 */
#include "report_stages.h"

#include <inttypes.h>

#include "fmt.h"

static const char *top_name(const struct capture *cap, const struct stage_row *r)
{
	return r->top_function ? capture_string(cap, r->top_function) : "";
}

static void write_json(FILE *out, const struct capture *cap, const char *path, const char *split,
		       const struct stages *s)
{
	fputs("{\"file\":", out);
	fmt_json_string(out, path);
	fputs(",\"split\":", out);
	fmt_json_string(out, split);
	fputs(",\"stages\":[", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		fmt_json_string(out, r->name);
		fprintf(out, ",\"outside\":%s,\"calls\":%u,", i + 1 == s->n ? "true" : "false",
			r->calls);
		if (r->start_ms >= 0)
			fprintf(out, "\"start_ms\":%" PRId64 ",", r->start_ms);
		else
			fputs("\"start_ms\":null,", out);
		if (r->duration_ms >= 0)
			fprintf(out, "\"duration_ms\":%" PRId64 ",", r->duration_ms);
		else
			fputs("\"duration_ms\":null,", out);
		if (r->first_ev != STAGES_NO_EVENT)
			fprintf(out, "\"first_event\":%" PRIu64 ",\"last_event\":%" PRIu64 ",",
				r->first_ev, r->last_ev);
		else
			fputs("\"first_event\":null,\"last_event\":null,", out);
		fprintf(out, "\"allocations\":%" PRId64 ",\"allocated_bytes\":%" PRId64
			     ",\"frees\":%" PRId64 ",\"freed_bytes\":%" PRId64
			     ",\"net_bytes\":%" PRId64 ",\"cumulative_bytes\":%" PRId64
			     ",\"peak_bytes\":%" PRId64 ",\"leaked_bytes\":%" PRId64
			     ",\"leaked_allocations\":%" PRId64 ",\"at_peak_bytes\":%" PRId64
			     ",\"at_peak_allocations\":%" PRId64 ",\"top_function\":",
			r->alloc_count, r->alloc_bytes, r->freed_count, r->freed_bytes, r->net_bytes,
			r->cumulative_bytes, r->peak_bytes, r->leaked_bytes, r->leaked_count,
			r->at_peak_bytes, r->at_peak_count);
		fmt_json_string(out, top_name(cap, r));
		fprintf(out, ",\"top_bytes\":%" PRId64 "}", r->top_bytes);
	}
	fputs("]}\n", out);
}

static void write_csv(FILE *out, const struct capture *cap, const struct stages *s)
{
	fputs("stage,calls,start_ms,duration_ms,allocations,allocated_bytes,frees,freed_bytes,"
	      "net_bytes,cumulative_bytes,peak_bytes,leaked_bytes,at_peak_bytes,top_function,"
	      "top_bytes\n", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];

		fmt_csv_field(out, r->name);
		fprintf(out, ",%u,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			     ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			     ",%" PRId64 ",", r->calls, r->start_ms, r->duration_ms, r->alloc_count,
			r->alloc_bytes, r->freed_count, r->freed_bytes, r->net_bytes,
			r->cumulative_bytes, r->peak_bytes, r->leaked_bytes, r->at_peak_bytes);
		fmt_csv_field(out, top_name(cap, r));
		fprintf(out, ",%" PRId64 "\n", r->top_bytes);
	}
}

static void write_text(FILE *out, const struct capture *cap, const char *path, const char *split,
		       const struct stages *s)
{
	char b[6][32];

	fprintf(out, "%s: stages (%s)\n\n", path, split);
	fprintf(out, "%-24s %5s %8s %8s %10s %10s %10s %10s %10s %10s  %s\n", "stage", "calls",
		"start", "duration", "allocated", "count", "freed", "net", "cumulative", "peak",
		"top allocator");
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];
		char start[24], dur[24];

		if (r->start_ms >= 0)
			snprintf(start, sizeof(start), "%" PRId64 "ms", r->start_ms);
		else
			snprintf(start, sizeof(start), "-");
		if (r->duration_ms >= 0)
			snprintf(dur, sizeof(dur), "%" PRId64 "ms", r->duration_ms);
		else
			snprintf(dur, sizeof(dur), "-");
		fprintf(out, "%-24.24s %5u %8s %8s %10s %10" PRId64 " %10s %10s %10s %10s  %s\n",
			r->name, r->calls, start, dur, fmt_bytes(r->alloc_bytes, b[0], 32),
			r->alloc_count, fmt_bytes(r->freed_bytes, b[1], 32),
			fmt_bytes(r->net_bytes, b[2], 32), fmt_bytes(r->cumulative_bytes, b[3], 32),
			fmt_bytes(r->peak_bytes, b[4], 32), top_name(cap, r));
	}
	(void)b[5];
}

void report_stages_write(FILE *out, const struct capture *cap, const char *path,
			 const char *split, const struct stages *s, enum report_format format)
{
	if (format == REPORT_CSV)
		write_csv(out, cap, s);
	else if (format == REPORT_TEXT)
		write_text(out, cap, path, split, s);
	else
		write_json(out, cap, path, split, s);
}
