/*
 * report_diff: writers of a struct diff.  A change's path is printed from
 * the representative stack of its side (both sides name the same (function,
 * file) path by construction).  The text lists changed paths only (the
 * changes are sorted by |delta|, so the unchanged ones are the tail) and says
 * how many paths the two captures share: none at all means nothing could be
 * compared, which a list of removals and additions would hide.
 */
#include "report_diff.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "visible.h"
#include "xalloc.h"

/* The frames of c's path, root first; *depth receives their number.  Caller frees. */
/* The frames of c's path from the root, the folded ones (d->fold) left out. */
static uint32_t *change_frames(const struct diff *d, const struct diff_change *c, uint32_t *depth)
{
	const struct capture *cap = d->cap[c->side];
	uint32_t n = capture_stack_call_depth(cap, c->stack), kept = 0;
	uint32_t *f = xmalloc((n ? n : 1) * sizeof(*f));

	for (uint32_t i = n, s = c->stack; i-- > 0; s = capture_stack(cap, s)->parent)
		f[i] = capture_stack(cap, s)->frame;
	for (uint32_t i = 0; i < n; i++)
		if (!fold_mask_has(d->fold[c->side], f[i]))
			f[kept++] = f[i];
	*depth = kept;
	return f;
}

/* The allocating frame of c's path: its last frame that is not folded. */
static void leaf(const struct diff *d, const struct diff_change *c, const char **fn,
		 const char **file, char *label, size_t size)
{
	const struct capture *cap = d->cap[c->side];
	uint32_t depth, *f = change_frames(d, c, &depth);

	*fn = "<root>";
	*file = "";
	if (depth) {
		*fn = capture_frame_label(cap, f[depth - 1], label, size);
		*file = capture_string(cap, capture_frame(cap, f[depth - 1])->file);
	}
	free(f);
}

static size_t listed(const struct diff *d, const struct report_diff_info *info)
{
	return info->top && info->top < d->n ? info->top : d->n;
}

static bool on_side_a(const struct diff_change *c)
{
	return c->a_bytes || c->a_count;
}

static bool on_side_b(const struct diff_change *c)
{
	return c->b_bytes || c->b_count;
}

/* Paths with a weight in both captures, and paths whose weight did not change. */
static void count_paths(const struct diff *d, size_t *matched, size_t *unchanged)
{
	*matched = *unchanged = 0;
	for (size_t i = 0; i < d->n; i++) {
		*matched += on_side_a(&d->changes[i]) && on_side_b(&d->changes[i]);
		*unchanged += !diff_delta(&d->changes[i]);
	}
}

/* Writes c's path as "f1;f2;f3" (frame labels, root first). */
static void write_path(FILE *out, const struct diff *d, const struct diff_change *c)
{
	const struct capture *cap = d->cap[c->side];
	uint32_t depth, *f = change_frames(d, c, &depth);
	char label[256];

	for (uint32_t k = 0; k < depth; k++) {
		if (k)
			fputc(';', out);
		fputs(capture_frame_label(cap, f[k], label, sizeof(label)), out);
	}
	if (!depth)
		fputs("<root>", out);
	free(f);
}

static void write_collapsed(FILE *out, const struct diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_change *c = &d->changes[i];
		const struct capture *cap = d->cap[c->side];
		uint32_t depth, *f = change_frames(d, c, &depth);
		char label[256];

		for (uint32_t k = 0; k < depth; k++) {
			const char *name = capture_frame_label(cap, f[k], label, sizeof(label));

			if (k)
				fputc(';', out);
			vis_fputs_tr(out, name, "; ", ":_");	/* one field of the stack */
		}
		if (!depth)
			fputs("<root>", out);
		fprintf(out, " %" PRId64 " %" PRId64 "\n", c->a_bytes, c->b_bytes);
		free(f);
	}
}

static void write_json(FILE *out, const struct diff *d, const struct report_diff_info *info)
{
	const struct capture_totals *ta = capture_totals(d->cap[0]),
				    *tb = capture_totals(d->cap[1]);
	size_t n = listed(d, info), matched, unchanged;

	fputs("{\"file_a\":", out);
	fmt_json_string(out, info->path[0]);
	fputs(",\"file_b\":", out);
	fmt_json_string(out, info->path[1]);
	/* As report_json.c: "view" is the metric, "metric" the unit (bytes or count). */
	fprintf(out, ",\"view\":\"%s\",\"metric\":\"%s\",", metric_name(info->metric),
		info->weights_are_count ? "count" : "bytes");
	fprintf(out, "\"peak\":{\"a\":%" PRId64 ",\"b\":%" PRId64 ",\"delta\":%" PRId64 "},",
		ta->peak_bytes, tb->peak_bytes, tb->peak_bytes - ta->peak_bytes);
	fprintf(out, "\"total\":{\"a\":%" PRId64 ",\"b\":%" PRId64 ",\"delta\":%" PRId64 "},",
		d->a_total, d->b_total, d->b_total - d->a_total);
	count_paths(d, &matched, &unchanged);
	fprintf(out, "\"paths\":%zu,\"matched_paths\":%zu,\"unchanged_paths\":%zu,", d->n,
		matched, unchanged);
	fputs("\"changes\":[", out);
	for (size_t i = 0; i < n; i++) {
		const struct diff_change *c = &d->changes[i];
		const struct capture *cap = d->cap[c->side];
		uint32_t depth, *f = change_frames(d, c, &depth);
		const char *fn, *file;
		char label[256];

		leaf(d, c, &fn, &file, label, sizeof(label));
		fputs(i ? ",{\"function\":" : "{\"function\":", out);
		fmt_json_string(out, fn);
		fputs(",\"file\":", out);
		fmt_json_string(out, file);
		fputs(",\"path\":[", out);
		for (uint32_t k = 0; k < depth; k++) {
			if (k)
				fputc(',', out);
			fmt_json_string(out, capture_frame_label(cap, f[k], label, sizeof(label)));
		}
		fprintf(out, "],\"a_bytes\":%" PRId64 ",\"b_bytes\":%" PRId64
			     ",\"delta_bytes\":%" PRId64 ",\"a_count\":%" PRId64
			     ",\"b_count\":%" PRId64 ",\"delta_percent\":", c->a_bytes, c->b_bytes,
			diff_delta(c), c->a_count, c->b_count);
		if (c->a_bytes)
			fprintf(out, "%.2f}", 100.0 * (double)diff_delta(c) / (double)c->a_bytes);
		else
			fputs("null}", out);
		free(f);
	}
	fputs("]}\n", out);
}

static void write_csv(FILE *out, const struct diff *d, const struct report_diff_info *info)
{
	size_t n = listed(d, info);

	/* path last: the first seven columns keep their places. */
	fputs("function,file,a_bytes,b_bytes,delta_bytes,a_count,b_count,path\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct diff_change *c = &d->changes[i];
		const char *fn, *file;
		char label[256], *path = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&path, &len);

		if (!mem)
			BUG("open_memstream");
		write_path(mem, d, c);
		fclose(mem);
		leaf(d, c, &fn, &file, label, sizeof(label));
		fmt_csv_field(out, fn);
		fputc(',', out);
		fmt_csv_field(out, file);
		fprintf(out, ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",",
			c->a_bytes, c->b_bytes, diff_delta(c), c->a_count, c->b_count);
		fmt_csv_field(out, path);
		fputc('\n', out);
		free(path);
	}
}

/* Paths with a weight in A (a) or in B (!a). */
static size_t count_side(const struct diff *d, bool a)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += a ? on_side_a(&d->changes[i]) : on_side_b(&d->changes[i]);
	return n;
}

static void write_text(FILE *out, const struct diff *d, const struct report_diff_info *info)
{
	const struct capture_totals *ta = capture_totals(d->cap[0]),
				    *tb = capture_totals(d->cap[1]);
	const char *fa = capture_meta(d->cap[0])->source.format,
		   *fb = capture_meta(d->cap[1])->source.format;
	size_t n = listed(d, info), matched, unchanged;
	char b[4][32];

	count_paths(d, &matched, &unchanged);
	fputs("A: ", out);
	vis_fputs(out, info->path[0]);
	fputs("\nB: ", out);
	vis_fputs(out, info->path[1]);
	fputc('\n', out);
	fprintf(out, "peak: %s -> %s (%s, %s)\n", fmt_bytes(ta->peak_bytes, b[0], 32),
		fmt_bytes(tb->peak_bytes, b[1], 32),
		fmt_bytes(tb->peak_bytes - ta->peak_bytes, b[2], 32),
		fmt_percent(tb->peak_bytes - ta->peak_bytes, ta->peak_bytes, b[3], 32));
	fprintf(out, "paths: %zu in both, %zu only in A, %zu only in B; %zu unchanged\n", matched,
		(size_t)count_side(d, true) - matched, (size_t)count_side(d, false) - matched,
		unchanged);
	if (d->n && !matched) {
		fputs("\nno call path of A matched one of B (paths match by function and file "
		      "from the root", out);
		if (strcmp(fa, fb))
			fprintf(out, "; a %s capture and a %s capture share none", fa, fb);
		fputs("): below, A's paths are all removed and B's all added\n", out);
	}
	if (n > d->n - unchanged)
		n = d->n - unchanged;	/* sorted by |delta|: the unchanged ones are last */
	if (!n) {
		fprintf(out, "\nno call path changed (%s)\n", metric_title(info->metric));
		return;
	}
	fprintf(out, "\nlargest changes (%s):\n%12s %12s %12s %8s  %s\n",
		metric_title(info->metric), "A", "B", "delta", "delta%", "function (file)");
	for (size_t i = 0; i < n; i++) {
		const struct diff_change *c = &d->changes[i];
		const char *fn, *file;
		char label[256];

		leaf(d, c, &fn, &file, label, sizeof(label));
		fmt_percent(diff_delta(c), c->a_bytes, b[0], 32);
		fprintf(out, "%12" PRId64 " %12" PRId64 " %12" PRId64 " %8s  ", c->a_bytes,
			c->b_bytes, diff_delta(c), b[0]);
		vis_fputs(out, fn);
		if (file && *file) {
			fputs(" (", out);
			vis_fputs(out, file);
			fputc(')', out);
		}
		fputc('\n', out);
	}
}

void report_diff_write(FILE *out, const struct diff *d, const struct report_diff_info *info,
		       enum report_format format)
{
	switch (format) {
	case REPORT_JSON:
		write_json(out, d, info);
		break;
	case REPORT_CSV:
		write_csv(out, d, info);
		break;
	case REPORT_COLLAPSED:
		write_collapsed(out, d);
		break;
	default:
		write_text(out, d, info);
	}
}

void report_diff_run_compute(struct report_diff_run *run, const struct capture *a,
			     const char *path_a, const struct capture *b, const char *path_b,
			     const struct report_options *o)
{
	struct report_options ro = *o;

	ro.depth = 0;
	report_compute_weights(&run->r[0], a, path_a, &ro);
	report_compute_weights(&run->r[1], b, path_b, &ro);
	run->info.path[0] = path_a;
	run->info.path[1] = path_b;
	run->info.metric = ro.metric;
	run->info.weights_are_count = run->r[0].weights_are_count;
	run->info.top = ro.top;
	diff_compute_folded(&run->d, a, &run->r[0].weights, b, &run->r[1].weights,
			    (const struct fold_mask *const[2]){ &run->r[0].fold, &run->r[1].fold });
}

void report_diff_run_release(struct report_diff_run *run)
{
	diff_release(&run->d);
	report_release(&run->r[1]);
	report_release(&run->r[0]);
}
