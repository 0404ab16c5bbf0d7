/*
 * report_stages: the stage table in three forms.  Rows come in the order
 * stages_compute gives them (time order, the outside row last); every figure
 * is a field of struct stage_row, written as it is.  Live-only stages (no
 * event stream) leave most figures STAGES_UNKNOWN: text writes "-", JSON
 * null (every key stays), CSV an empty cell, and the text adds the leaked
 * and at-peak columns, the only figures such a capture has.  JSON and CSV
 * keep full names; the text shortens them (stages_labels: the end of a long
 * name, never two functions as one text) into a column at most NAME_MAX_W
 * wide, and the top allocator to TOP_MAX_W.  The text shows control
 * characters and invalid UTF-8 in names in their visible form (visible.h),
 * which may widen a name past its column; CSV does the same (fmt_csv_field).
 */
#include "report_stages.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "fmt.h"
#include "timeline.h"
#include "visible.h"

#define NAME_MIN_W 16
#define NAME_MAX_W 40
#define TOP_MAX_W 60

/* The top allocator's name into buf; NULL when the row allocated nothing (or it is unknown). */
static const char *top_name(const struct capture *cap, const struct stage_row *r, char *buf,
			    size_t size)
{
	if (!r->top_frame || r->top_bytes == STAGES_UNKNOWN)
		return NULL;
	return capture_frame_label(cap, r->top_frame, buf, size);
}

/* Code points of the UTF-8 text s. */
static int text_width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Blanks that pad text to w columns (none when it is wider: a name with escapes). */
static int pad(int w, const char *text)
{
	return text_width(text) < w ? w - text_width(text) : 0;
}

/* text in its visible form (visible.h), then a newline. */
static void put_visible_line(FILE *out, const char *text)
{
	vis_fputs(out, text);
	fputc('\n', out);
}

/* ",\"key\":v" (first: no comma), null when v is unknown. */
static void json_i64(FILE *out, const char *key, int64_t v, bool first)
{
	if (v == STAGES_UNKNOWN)
		fprintf(out, "%s\"%s\":null", first ? "" : ",", key);
	else
		fprintf(out, "%s\"%s\":%" PRId64, first ? "" : ",", key, v);
}

static void csv_i64(FILE *out, int64_t v)
{
	if (v != STAGES_UNKNOWN)
		fprintf(out, "%" PRId64, v);
	fputc(',', out);
}

static char *text_bytes(int64_t v, char *buf, size_t size)
{
	if (v == STAGES_UNKNOWN) {
		snprintf(buf, size, "-");
		return buf;
	}
	return fmt_bytes(v, buf, size);
}

static void write_json(FILE *out, const struct capture *cap, const char *path, const char *split,
		       const struct stages *s)
{
	fputs("{\"file\":", out);
	fmt_json_string(out, path);
	fputs(",\"split\":", out);
	fmt_json_string(out, split);
	fprintf(out, ",\"live_only\":%s", s->live_only ? "true" : "false");
	/* What a duration_ms of 0 means: "less than this" (docs/NUMBERS.md, Time). */
	fprintf(out, ",\"stamp_step_ms\":%" PRId64, timeline_stamp_step_ms(cap));
	fputs(",\"stages\":[", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];
		char top[1024];

		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		fmt_json_string(out, r->name);
		fprintf(out, ",\"outside\":%s,\"self\":%s,\"calls\":%u,",
			i + 1 == s->n ? "true" : "false", r->self ? "true" : "false", r->calls);
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
		json_i64(out, "allocations", r->alloc_count, true);
		json_i64(out, "allocated_bytes", r->alloc_bytes, false);
		json_i64(out, "frees", r->freed_count, false);
		json_i64(out, "freed_bytes", r->freed_bytes, false);
		json_i64(out, "temporary", s->live_only ? STAGES_UNKNOWN : r->temporary_count,
			 false);
		json_i64(out, "net_bytes", r->net_bytes, false);
		json_i64(out, "cumulative_bytes", r->cumulative_bytes, false);
		json_i64(out, "peak_bytes", r->peak_bytes, false);
		json_i64(out, "leaked_bytes", r->leaked_bytes, false);
		json_i64(out, "leaked_allocations", r->leaked_count, false);
		json_i64(out, "at_peak_bytes", r->at_peak_bytes, false);
		json_i64(out, "at_peak_allocations", r->at_peak_count, false);
		fputs(",\"top_function\":", out);
		if (!top_name(cap, r, top, sizeof(top)))
			fputs("null", out);
		else
			fmt_json_string(out, top);
		json_i64(out, "top_bytes", r->top_bytes, false);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void write_csv(FILE *out, const struct capture *cap, const struct stages *s)
{
	/* Columns are a contract: new ones go at the end. */
	fputs("stage,calls,start_ms,duration_ms,allocations,allocated_bytes,frees,freed_bytes,"
	      "net_bytes,cumulative_bytes,peak_bytes,leaked_bytes,at_peak_bytes,"
	      "top_function,top_bytes,temporary\n", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];
		char top[1024];

		fmt_csv_field(out, r->name);
		fprintf(out, ",%u,", r->calls);
		csv_i64(out, r->start_ms);
		csv_i64(out, r->duration_ms);
		csv_i64(out, r->alloc_count);
		csv_i64(out, r->alloc_bytes);
		csv_i64(out, r->freed_count);
		csv_i64(out, r->freed_bytes);
		csv_i64(out, r->net_bytes);
		csv_i64(out, r->cumulative_bytes);
		csv_i64(out, r->peak_bytes);
		csv_i64(out, r->leaked_bytes);
		csv_i64(out, r->at_peak_bytes);
		if (top_name(cap, r, top, sizeof(top)))
			fmt_csv_field(out, top);
		fputc(',', out);
		if (r->top_bytes != STAGES_UNKNOWN)
			fprintf(out, "%" PRId64, r->top_bytes);
		fputc(',', out);
		if (!s->live_only)
			fprintf(out, "%" PRId64, r->temporary_count);
		fputc('\n', out);
	}
}

static void write_text(FILE *out, const struct capture *cap, const char *path, const char *split,
		       const struct stages *s)
{
	char b[7][32], **labels;
	int name_w = NAME_MIN_W;

	for (size_t i = 0; i < s->n; i++)
		if (text_width(s->rows[i].name) > name_w)
			name_w = text_width(s->rows[i].name);
	if (name_w > NAME_MAX_W)
		name_w = NAME_MAX_W;
	labels = stages_labels(s, name_w, "...");
	vis_fputs(out, path);
	fputs(": stages (", out);
	vis_fputs(out, split);
	fputs(")\n", out);
	if (s->live_only)
		fputs("note: aggregated capture (memray --aggregate), no event stream: only the "
		      "live figures (leaked, at peak) exist; \"-\" is unknown\n",
		      out);
	fputc('\n', out);
	fprintf(out, "%-*s %5s %8s %8s %10s %10s %10s %10s %10s %10s  ", name_w, "stage", "calls",
		"start", "duration", "allocated", "count", "freed", "net", "cumulative", "peak");
	if (s->live_only)
		fprintf(out, "%10s %10s  ", "leaked", "at peak");
	fputs("top allocator\n", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct stage_row *r = &s->rows[i];
		char start[24], dur[24], count[24], top[1024], short_top[1024], label[1024];
		const char *vis_label = vis_str(labels[i], label, sizeof(label));

		if (r->start_ms >= 0)
			snprintf(start, sizeof(start), "%" PRId64 "ms", r->start_ms);
		else
			snprintf(start, sizeof(start), "-");
		/* Durations between two stamps, by the time rule ("<10ms", not "0ms"). */
		timeline_fmt_duration(cap, r->duration_ms, dur, sizeof(dur));
		if (strstr(dur, " ms"))
			memmove(strstr(dur, " ms"), "ms", 3);
		if (r->alloc_count != STAGES_UNKNOWN)
			snprintf(count, sizeof(count), "%" PRId64, r->alloc_count);
		else
			snprintf(count, sizeof(count), "-");
		fprintf(out, "%s%*s %5u %8s %8s %10s %10s %10s %10s %10s %10s  ", vis_label,
			pad(name_w, vis_label), "", r->calls, start, dur,
			text_bytes(r->alloc_bytes, b[0], 32), count,
			text_bytes(r->freed_bytes, b[1], 32), text_bytes(r->net_bytes, b[2], 32),
			text_bytes(r->cumulative_bytes, b[3], 32),
			text_bytes(r->peak_bytes, b[4], 32));
		if (s->live_only)
			fprintf(out, "%10s %10s  ", text_bytes(r->leaked_bytes, b[5], 32),
				text_bytes(r->at_peak_bytes, b[6], 32));
		if (top_name(cap, r, top, sizeof(top)))
			put_visible_line(out, stages_short_name(top, TOP_MAX_W, "...", short_top,
								sizeof(short_top)));
		else
			fputs("-\n", out);
	}
	stages_labels_free(labels, s->n);
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

const char *report_stages_run(FILE *out, const struct capture *cap, const char *path,
			      const char *split, bool merge, enum report_format format)
{
	struct stages_spec spec;
	struct stages st;
	const char *why;

	if (stages_spec_parse(&spec, split) < 0)
		return "not a split (marks, slices:N, under:FUNCTION)";
	if (merge)
		spec.flags |= STAGES_MERGE;
	why = stages_unavailable(cap, &spec);
	if (why)
		return why;
	stages_compute(&st, cap, &spec);
	report_stages_write(out, cap, path, split, &st, format);
	stages_release(&st);
	return NULL;
}
