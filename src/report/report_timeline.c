/*
 * report_timeline: the timeline's slices as text, JSON and CSV.
 */
#include "report_timeline.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "fmt.h"

char *report_timeline_bucket(const struct timeline *tl, uint32_t col, enum timeline_series s,
			     char *buf, size_t size)
{
	const struct timeline_column *c = &tl->cols[col];
	int64_t amount = timeline_amount(tl, col, s);
	char where[96], what[96], rate[32], b[32];
	double from, to;

	if (timeline_slice_ms(tl, col, &from, &to))
		snprintf(where, sizeof(where), "%.2f-%.2f ms", from, to);
	else if (c->ev_begin == c->ev_end)
		snprintf(where, sizeof(where), "no events");
	else
		snprintf(where, sizeof(where), "events %" PRIu64 "-%" PRIu64, c->ev_begin,
			 c->ev_end - 1);
	if (s == SERIES_ALLOCATED)
		snprintf(what, sizeof(what), "%s allocated in %" PRId64 " calls",
			 fmt_bytes(amount, b, sizeof(b)), c->allocations);
	else
		snprintf(what, sizeof(what), "%" PRId64 " %s", amount, timeline_series_name(s));
	if (tl->mode == TIMELINE_BY_TIME)
		snprintf(buf, size, "%s: %s, %s", where, what,
			 fmt_rate(timeline_rate(tl, amount), !timeline_series_is_count(s), rate,
				  sizeof(rate)));
	else
		snprintf(buf, size, "%s: %s", where, what);
	return buf;
}

static const char *mode_name(enum timeline_mode m)
{
	return m == TIMELINE_BY_TIME ? "time" : m == TIMELINE_BY_EVENT ? "events" : "none";
}

static void write_json(FILE *out, const struct timeline *tl, const char *path, enum metric m,
		       enum timeline_series s, const char *threads)
{
	int64_t sums[3] = { 0, 0, 0 };
	char text[256];

	fputs("{\"file\":", out);
	fmt_json_string(out, path);
	fputs(",\"threads\":", out);
	if (threads)
		fmt_json_string(out, threads);
	else
		fputs("null", out);
	fprintf(out, ",\"peak_bytes\":%" PRId64 ",\"end_bytes\":%" PRId64, tl->peak_bytes,
		tl->end_bytes);
	fprintf(out, ",\"metric\":\"%s\",\"series\":\"%s\",\"per_second\":%s,\"mode\":\"%s\","
		     "\"duration_ms\":",
		metric_name(m), timeline_series_name(s),
		s != SERIES_HEAP && tl->mode == TIMELINE_BY_TIME ? "true" : "false",
		mode_name(tl->mode));
	if (tl->duration_ms >= 0)
		fprintf(out, "%" PRId64, tl->duration_ms);
	else
		fputs("null", out);
	fputs(",\"slices\":[", out);
	for (uint32_t i = 0; i < tl->n; i++) {
		const struct timeline_column *c = &tl->cols[i];
		double from, to;

		fprintf(out, "%s{\"index\":%" PRIu32 ",", i ? "," : "", i);
		if (timeline_slice_ms(tl, i, &from, &to))
			fprintf(out, "\"from_ms\":%.3f,\"to_ms\":%.3f,", from, to);
		else
			fputs("\"from_ms\":null,\"to_ms\":null,", out);
		fprintf(out, "\"first_event\":%" PRIu64 ",\"end_event\":%" PRIu64
			     ",\"heap_bytes\":%" PRId64 ",\"max_bytes\":%" PRId64
			     ",\"min_bytes\":%" PRId64 ",\"allocations\":%" PRId64
			     ",\"allocated_bytes\":%" PRId64 ",\"temporary\":%" PRId64
			     ",\"temporary_bytes\":%" PRId64 ",\"rate\":",
			c->ev_begin, c->ev_end, c->heap_bytes, c->max_bytes, c->min_bytes,
			c->allocations, c->allocated_bytes, c->temporary, c->temporary_bytes);
		if (s != SERIES_HEAP && tl->mode == TIMELINE_BY_TIME)
			fprintf(out, "%.3f", timeline_rate(tl, timeline_amount(tl, i, s)));
		else
			fputs("null", out);
		fputs(",\"text\":", out);
		if (s == SERIES_HEAP)
			fputs("null", out);
		else
			fmt_json_string(out, report_timeline_bucket(tl, i, s, text, sizeof(text)));
		fputc('}', out);
		sums[0] += c->allocations;
		sums[1] += c->allocated_bytes;
		sums[2] += c->temporary;
	}
	fprintf(out, "],\"sums\":{\"allocations\":%" PRId64 ",\"allocated_bytes\":%" PRId64
		     ",\"temporary\":%" PRId64 "}}\n", sums[0], sums[1], sums[2]);
}

static void write_csv(FILE *out, const struct timeline *tl, enum timeline_series s)
{
	/* Columns are a contract: new ones go at the end. */
	fputs("index,from_ms,to_ms,first_event,end_event,heap_bytes,max_bytes,min_bytes,"
	      "allocations,allocated_bytes,temporary,temporary_bytes,rate\n", out);
	for (uint32_t i = 0; i < tl->n; i++) {
		const struct timeline_column *c = &tl->cols[i];
		double from, to;

		fprintf(out, "%" PRIu32 ",", i);
		if (timeline_slice_ms(tl, i, &from, &to))
			fprintf(out, "%.3f,%.3f,", from, to);
		else
			fputs(",,", out);
		fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			     ",%" PRId64 ",%" PRId64 ",%" PRId64 ",",
			c->ev_begin, c->ev_end, c->heap_bytes, c->max_bytes, c->min_bytes,
			c->allocations, c->allocated_bytes, c->temporary, c->temporary_bytes);
		if (s != SERIES_HEAP && tl->mode == TIMELINE_BY_TIME)
			fprintf(out, "%.3f", timeline_rate(tl, timeline_amount(tl, i, s)));
		fputc('\n', out);
	}
}

static void write_text(FILE *out, const struct timeline *tl, const char *path,
		       enum timeline_series s, const char *threads)
{
	char text[256], b[3][32];

	fprintf(out, "file        %s\n", path);
	if (threads)
		fprintf(out, "threads     %s (their events only)\n", threads);
	if (tl->mode == TIMELINE_NO_STREAM) {
		fputs("timeline    none: an aggregated capture has no event stream (its peak and "
		      "end only)\n", out);
		return;
	}
	if (s == SERIES_HEAP)
		fprintf(out, "timeline    %s over %s, %" PRIu32 " slices\n",
			timeline_series_name(s),
			tl->mode == TIMELINE_BY_TIME ? "time" : "the event log", tl->n);
	else
		fprintf(out, "timeline    %s %s, %" PRIu32 " slices\n", timeline_series_name(s),
			tl->mode == TIMELINE_BY_TIME ? "per second" : "per slice of the event log",
			tl->n);
	fputc('\n', out);
	for (uint32_t i = 0; i < tl->n; i++) {
		const struct timeline_column *c = &tl->cols[i];

		if (s != SERIES_HEAP) {
			fprintf(out, "%4" PRIu32 "  %s\n", i,
				report_timeline_bucket(tl, i, s, text, sizeof(text)));
			continue;
		}
		fprintf(out, "%4" PRIu32 "  heap %s, max %s, min %s\n", i,
			fmt_bytes(c->heap_bytes, b[0], sizeof(b[0])),
			fmt_bytes(c->max_bytes, b[1], sizeof(b[1])),
			fmt_bytes(c->min_bytes, b[2], sizeof(b[2])));
	}
}

void report_timeline_write(FILE *out, const struct capture *cap, const char *path,
			   uint32_t columns, enum metric m, enum report_format format)
{
	report_timeline_write_only(out, cap, path, columns, m, format, NULL, NULL);
}

void report_timeline_write_only(FILE *out, const struct capture *cap, const char *path,
				uint32_t columns, enum metric m, enum report_format format,
				const bool *only, const char *threads)
{
	struct timeline tl;
	enum timeline_series s = timeline_series_of(m);

	timeline_compute_only(&tl, cap, columns, only, NULL, NULL);
	if (format == REPORT_TEXT)
		write_text(out, &tl, path, s, only ? threads : NULL);
	else if (format == REPORT_CSV)
		write_csv(out, &tl, s);
	else
		write_json(out, &tl, path, m, s, only ? threads : NULL);
	timeline_release(&tl);
}
