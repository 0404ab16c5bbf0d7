/*
 * report_sizes: the size histograms in three forms.  Only the bins that
 * hold something are written; each names its sizes as [from, below) in
 * bytes.  A moment the capture has no figures for is written with the
 * reason (text: a line, JSON: "missing", CSV: nothing).  Figures a bin could
 * not take (sizes.h: the peak's unplaced) get their own row, "not placed".
 * The allocators come last: in CSV as rows of the moment "allocator" with
 * the allocator's name in the "from" column.
 */
#include "report_sizes.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "fmt.h"
#include "visible.h"
#include "xalloc.h"

void report_sizes_compute(struct report_sizes *rs, const struct capture *cap, const bool *only)
{
	for (int m = 0; m < SIZES_MOMENTS; m++)
		rs->missing[m] = sizes_missing(cap, (enum sizes_moment)m);
	/* The run's and the peak's in one pass over the log. */
	if (!rs->missing[SIZES_RUN] || !rs->missing[SIZES_PEAK])
		sizes_compute_run_peak(rs->missing[SIZES_RUN] ? NULL : &rs->hist[SIZES_RUN],
				       rs->missing[SIZES_PEAK] ? NULL : &rs->hist[SIZES_PEAK], cap,
				       only);
	if (!rs->missing[SIZES_LEAKS])
		sizes_compute(&rs->hist[SIZES_LEAKS], cap, SIZES_LEAKS, only);
	rs->alloc_missing = allocators_missing(cap);
	if (!rs->alloc_missing)
		allocators_compute(&rs->alloc, cap, only);
}

const char *report_sizes_title(enum sizes_moment m)
{
	static const char *const titles[SIZES_MOMENTS] = {
		"every allocation call of the run", "live at the peak", "leaked (live at the end)"
	};

	return titles[m];
}

static void text_row(FILE *out, const char *from, const char *below, int64_t count,
		     int64_t bytes, const struct size_hist *h)
{
	char c[16], b[32], pc[16], pb[16];

	snprintf(c, sizeof(c), "%" PRId64, count);
	fprintf(out, "  %10s %10s %12s %7s %10s %7s\n", from, below, c,
		fmt_percent(count, h->total_count, pc, sizeof(pc)), fmt_bytes(bytes, b, sizeof(b)),
		fmt_percent(bytes, h->total_bytes, pb, sizeof(pb)));
}

static void write_text_hist(FILE *out, const struct size_hist *h)
{
	char total[32];

	fprintf(out, "%" PRId64 " allocations, %s (%" PRId64 " bytes)\n", h->total_count,
		fmt_bytes(h->total_bytes, total, sizeof(total)), h->total_bytes);
	fprintf(out, "  %10s %10s %12s %7s %10s %7s\n", "from", "below", "allocations", "%",
		"bytes", "%");
	for (unsigned k = 0; k < SIZES_BINS; k++) {
		char from[32], below[32];

		if (!h->bins[k].count && !h->bins[k].bytes)
			continue;
		text_row(out, fmt_bytes((int64_t)sizes_bin_from(k), from, sizeof(from)),
			 fmt_bytes((int64_t)sizes_bin_below(k), below, sizeof(below)),
			 h->bins[k].count, h->bins[k].bytes, h);
	}
	if (h->n_unmatched) {
		text_row(out, "not", "placed", h->unplaced_count, h->unplaced_bytes, h);
		fprintf(out, "  (%" PRIu64 " events changed a mapping's size (a munmap of part of "
			"it) or freed no live allocation of their size)\n", h->n_unmatched);
	}
}

static void write_text_allocators(FILE *out, const struct report_sizes *rs)
{
	const struct allocator_table *a = &rs->alloc;
	char total[32];

	fputs("\nallocation calls by allocator: ", out);
	if (rs->alloc_missing) {
		fprintf(out, "none: %s\n", rs->alloc_missing);
		return;
	}
	fprintf(out, "%" PRId64 " allocations, %s (%" PRId64 " bytes)\n", a->total_count,
		fmt_bytes(a->total_bytes, total, sizeof(total)), a->total_bytes);
	fprintf(out, "  %-21s %12s %7s %10s %7s\n", "allocator", "allocations", "%", "bytes",
		"%");
	for (size_t i = 0; i < a->n; i++) {
		const struct allocator_row *r = &a->rows[i];
		char c[24], b[32], pc[16], pb[16];

		snprintf(c, sizeof(c), "%" PRId64, r->count);
		fprintf(out, "  %-21s %12s %7s %10s %7s\n", allocator_name(r->allocator), c,
			fmt_percent(r->count, a->total_count, pc, sizeof(pc)),
			fmt_bytes(r->bytes, b, sizeof(b)),
			fmt_percent(r->bytes, a->total_bytes, pb, sizeof(pb)));
	}
}

static void write_text(FILE *out, const struct report_sizes *rs, const char *path)
{
	fputs("allocation sizes: ", out);
	vis_fputs(out, path);
	fputs("\nbins of sizes from <= size < below; a piece of a mapping split by munmap "
	      "counts as one\n", out);
	for (int m = 0; m < SIZES_MOMENTS; m++) {
		fprintf(out, "\n%s: ", report_sizes_title((enum sizes_moment)m));
		if (rs->missing[m])
			fprintf(out, "none: %s\n", rs->missing[m]);
		else
			write_text_hist(out, &rs->hist[m]);
	}
	write_text_allocators(out, rs);
}

static void write_json(FILE *out, const struct report_sizes *rs, const char *path)
{
	fputs("{\"file\":", out);
	fmt_json_string(out, path);
	fputs(",\"sizes\":{", out);
	for (int m = 0; m < SIZES_MOMENTS; m++) {
		const struct size_hist *h = &rs->hist[m];
		bool first = true;

		fprintf(out, "%s\"%s\":{", m ? "," : "", sizes_moment_name((enum sizes_moment)m));
		if (rs->missing[m]) {
			fputs("\"missing\":", out);
			fmt_json_string(out, rs->missing[m]);
			fputc('}', out);
			continue;
		}
		fprintf(out, "\"allocations\":%" PRId64 ",\"bytes\":%" PRId64 ",\"bins\":[",
			h->total_count, h->total_bytes);
		for (unsigned k = 0; k < SIZES_BINS; k++) {
			if (!h->bins[k].count && !h->bins[k].bytes)
				continue;
			fprintf(out, "%s{\"from\":%" PRIu64 ",\"below\":%" PRIu64
				",\"allocations\":%" PRId64 ",\"bytes\":%" PRId64 "}",
				first ? "" : ",", sizes_bin_from(k), sizes_bin_below(k),
				h->bins[k].count, h->bins[k].bytes);
			first = false;
		}
		fprintf(out, "],\"unplaced_allocations\":%" PRId64 ",\"unplaced_bytes\":%" PRId64
			",\"unmatched_events\":%" PRIu64 "}", h->unplaced_count, h->unplaced_bytes,
			h->n_unmatched);
	}
	fputs("},\"allocators\":{", out);
	if (rs->alloc_missing) {
		fputs("\"missing\":", out);
		fmt_json_string(out, rs->alloc_missing);
	} else {
		fprintf(out, "\"allocations\":%" PRId64 ",\"bytes\":%" PRId64 ",\"rows\":[",
			rs->alloc.total_count, rs->alloc.total_bytes);
		for (size_t i = 0; i < rs->alloc.n; i++) {
			const struct allocator_row *row = &rs->alloc.rows[i];

			fprintf(out, "%s{\"allocator\":\"%s\",\"allocations\":%" PRId64
				",\"bytes\":%" PRId64 "}", i ? "," : "",
				allocator_name(row->allocator), row->count, row->bytes);
		}
		fputc(']', out);
	}
	fputs("}}\n", out);
}

static void write_csv(FILE *out, const struct report_sizes *rs)
{
	fputs("moment,from,below,allocations,bytes\n", out);
	for (int m = 0; m < SIZES_MOMENTS; m++) {
		const struct size_hist *h = &rs->hist[m];
		const char *name = sizes_moment_name((enum sizes_moment)m);

		if (rs->missing[m])
			continue;
		for (unsigned k = 0; k < SIZES_BINS; k++)
			if (h->bins[k].count || h->bins[k].bytes)
				fprintf(out, "%s,%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRId64 "\n",
					name, sizes_bin_from(k), sizes_bin_below(k),
					h->bins[k].count, h->bins[k].bytes);
		if (h->n_unmatched)
			fprintf(out, "%s,,,%" PRId64 ",%" PRId64 "\n", name, h->unplaced_count,
				h->unplaced_bytes);
	}
	for (size_t i = 0; !rs->alloc_missing && i < rs->alloc.n; i++)
		fprintf(out, "allocator,%s,,%" PRId64 ",%" PRId64 "\n",
			allocator_name(rs->alloc.rows[i].allocator), rs->alloc.rows[i].count,
			rs->alloc.rows[i].bytes);
}

void report_sizes_write(FILE *out, const struct report_sizes *rs, const char *path,
			enum report_format format)
{
	if (format == REPORT_TEXT)
		write_text(out, rs, path);
	else if (format == REPORT_CSV)
		write_csv(out, rs);
	else
		write_json(out, rs, path);
}

void report_sizes_compute_threads(struct report_sizes *rs, const struct capture *cap,
				  const struct thread_filter *filter)
{
	bool *only = thread_filter_mask(filter, cap);

	report_sizes_compute(rs, cap, only);
	free(only);
}

void report_sizes_run(FILE *out, const struct report *r)
{
	struct report_sizes rs;

	report_sizes_compute_threads(&rs, r->cap, &r->filter);
	report_sizes_write(out, &rs, r->path, r->opt.format);
}
