/*
 * report_text: the human-readable report.  A header of the capture's
 * identity and headline numbers, the metric's top locations, and the metric's
 * call tree to the requested depth (nodes under 0.5% of the root summed into
 * one "more" line per parent), each node with its total and its self weight.
 * The header names the folding rules the tree was built with (fold.h).
 * Every count column is named for what it counts (report_count_name,
 * report_top_words), and explained under its title.
 * Text from the capture (names, files, the command line, the reasons a capture
 * is flagged) is written in its visible form (visible.h): no control
 * character reaches the terminal.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "timeline.h"
#include "visible.h"

#define TREE_MIN_PERMILLE 5	/* show children worth at least 0.5% of the root */

/* "allocation" or "allocations", as n asks. */
static const char *allocations(int64_t n)
{
	return n == 1 || n == -1 ? "allocation" : "allocations";
}

/* before, text from the capture (or the user) in its visible form (visible.h), after. */
static void put_line(FILE *out, const char *before, const char *text, const char *after)
{
	fputs(before, out);
	vis_fputs(out, text);
	fputs(after, out);
}

static void write_rss(FILE *out, const struct capture *cap)
{
	size_t n;
	const struct rss_sample *rss = capture_rss(cap, &n);
	uint64_t max = 0;
	char b[32];

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		if (rss[i].rss_bytes > max)
			max = rss[i].rss_bytes;
	fprintf(out, "peak RSS    %s (%" PRIu64 " bytes), the largest of %zu sample%s\n",
		fmt_bytes((int64_t)max, b, sizeof(b)), max, n, n == 1 ? "" : "s");
}

static void write_temporary(FILE *out, const struct report *r)
{
	const struct capture_meta *m = capture_meta(r->cap);
	const struct capture_totals *t = capture_totals(r->cap);
	char pct[16];

	if (!m->has_totals) {
		if (!strcmp(m->source.format, "memray"))
			fprintf(out, "temporary   not counted: %s\n",
				report_metric_missing(r->cap, METRIC_TEMPORARY));
		return;
	}
	fmt_percent((int64_t)t->temporary_count, (int64_t)t->alloc_count, pct, sizeof(pct));
	if (m->temporary_threshold >= 0) {
		char b[32];

		fmt_bytes(r->temporary_bytes, b, sizeof(b));
		fprintf(out, "temporary   %" PRIu64 " %s, %s (%s of all: freed within %" PRId64
			" %s of their thread, memray's rule)\n", t->temporary_count,
			allocations((int64_t)t->temporary_count), b, pct, m->temporary_threshold,
			allocations(m->temporary_threshold));
		return;
	}
	fprintf(out, "temporary   %" PRIu64 " %s (%s of all: freed before the next allocation)\n",
		t->temporary_count, allocations((int64_t)t->temporary_count), pct);
}

/* The file a .mtui was converted from: its name, size and hash. */
static void write_source(FILE *out, const struct capture_source *s)
{
	char b[32];

	put_line(out, "from        ", s->name ? s->name : "?", "");
	if (s->size >= 0)
		fprintf(out, " (%s)", fmt_bytes(s->size, b, sizeof(b)));
	if (s->has_sha256) {
		fputs(", sha256 ", out);
		for (size_t i = 0; i < sizeof(s->sha256); i++)
			fprintf(out, "%02x", s->sha256[i]);
	}
	fputc('\n', out);
}

/* The symbol coverage: a summary line, then one line per image with unnamed frames. */
static void write_symbols(FILE *out, const struct capture *cap)
{
	struct symbol_coverage t = capture_symbol_total(cap);
	const struct symbol_coverage *c;
	size_t n;

	if (!t.dwarf && !t.symtab && !t.unnamed)
		return;
	fprintf(out, "symbols     native frames: %" PRIu64 " addresses, %d%% named (%" PRIu64
		" from DWARF, %" PRIu64 " from symbols only, %" PRIu64 " unnamed)\n",
		t.dwarf + t.symtab + t.unnamed, capture_symbol_named_pct(cap), t.dwarf, t.symtab,
		t.unnamed);
	c = capture_symbol_coverage(cap, &n);
	for (size_t i = 0; i < n; i++) {
		if (!c[i].unnamed)
			continue;
		put_line(out, "symbols     ", c[i].path, "");
		fprintf(out, ": %" PRIu64 " unnamed (%s)\n", c[i].unnamed,
			coverage_reason_name(c[i].reason));
	}
}

/* The folding rules, as typed, and how many of the capture's frames they fold. */
static void write_fold(FILE *out, const struct report *r)
{
	char list[1024];

	put_line(out, "fold        ", report_fold_list(&r->opt, list, sizeof(list)), "");
	if (fold_rules_count(&r->opt.fold))
		fprintf(out, ": %zu of %zu frames folded into their callers",
			r->fold.n_folded, r->fold.n_frames ? r->fold.n_frames - 1 : 0);
	fputc('\n', out);
}

static void write_header(FILE *out, const struct report *r)
{
	const struct capture *cap = r->cap;
	const struct capture_meta *m = capture_meta(cap);
	const struct capture_totals *t = capture_totals(cap);
	int64_t leaked_n = r->leaks.total_count + r->suppressed.total_count;
	char b1[32];

	put_line(out, "file        ", r->path, "\n");
	if (strcmp(m->format, m->source.format)) {
		fprintf(out, "format      %s (file version ", m->format);
		vis_fputs(out, m->format_version ? m->format_version : "?");
		fputs("), converted from\n", out);
	}
	fprintf(out, "%s%s (file version ", strcmp(m->format, m->source.format) ? "source      "
		: "format      ", m->source.format);
	vis_fputs(out, m->source.format_version ? m->source.format_version : "?");
	if (m->tool_version)
		put_line(out, ", written by ", m->tool_version, "");
	fputs(")\n", out);
	if (strcmp(m->format, m->source.format))
		write_source(out, &m->source);
	if (m->command)
		put_line(out, "command     ", m->command, "\n");
	if (m->pid >= 0)
		fprintf(out, "pid         %" PRId64 "\n", m->pid);
	if (m->duration_ms >= 0)
		fprintf(out, "duration    %" PRId64 " ms\n", m->duration_ms);
	if (m->truncated) {
		fprintf(out, "WARNING     truncated at byte %" PRIu64, m->truncated_at);
		if (m->truncated_why)
			put_line(out, ": ", m->truncated_why, "");
		fputs(": figures cover the data before it\n", out);
	}
	if (m->inconsistent)
		put_line(out, "WARNING     inconsistent: ", m->inconsistent_why,
			 "; figures are as recorded\n");
	for (size_t i = 0; i < m->n_warnings; i++)
		put_line(out, "warning     ", m->warnings[i], "\n");
	write_symbols(out, cap);
	fputc('\n', out);
	if (m->has_totals)
		fprintf(out, "allocated   %s in %" PRIu64 " %s (%" PRIu64 " bytes)\n",
			fmt_bytes((int64_t)t->alloc_bytes, b1, sizeof(b1)), t->alloc_count,
			allocations((int64_t)t->alloc_count), t->alloc_bytes);
	else
		fprintf(out, "allocated   unknown (the file holds aggregated figures only)\n");
	write_temporary(out, r);
	fprintf(out, "peak        %s (%" PRId64 " bytes)", fmt_bytes(t->peak_bytes, b1, sizeof(b1)),
		t->peak_bytes);
	if (timeline_moment_ms(cap, t->peak_ev_idx) >= 0)
		fprintf(out, " at %" PRId64 " ms\n", timeline_moment_ms(cap, t->peak_ev_idx));
	else
		fputs(", time unknown\n", out);
	write_rss(out, cap);
	fprintf(out, "leaked      %s (%" PRId64 " bytes) in %" PRId64 " %s\n",
		fmt_bytes(r->leaks.total_bytes, b1, sizeof(b1)), r->leaks.total_bytes, leaked_n,
		allocations(leaked_n));
	if (r->suppressed.total_bytes || r->suppressed.total_count)
		fprintf(out, "suppressed  %s (%" PRId64 " bytes) in %" PRId64 " %s: leaks the "
			     "tool's suppressions exclude from the bytes (not from the count)\n",
			fmt_bytes(r->suppressed.total_bytes, b1, sizeof(b1)),
			r->suppressed.total_bytes, r->suppressed.total_count,
			allocations(r->suppressed.total_count));
	write_fold(out, r);
}

/*
 * The threads table (threads.h): each thread's figures, which add up to the
 * whole; with --thread, which threads the top list and the tree show.  Only
 * for a capture of several threads, or filtered: one row would repeat the
 * header.
 */
static void write_threads(FILE *out, const struct report *r)
{
	const struct thread_table *t = &r->threads;

	if (t->n < 2 && !r->filter.n)
		return;
	fprintf(out, "\nthreads (each thread's figures; they add up to the whole)\n");
	fprintf(out, "%3s %10s %12s %8s %12s %8s %14s %8s  %s\n", "", "tid", "peak bytes", "live",
		"leaked bytes", "leaked", "allocated", "calls", "name");
	for (size_t i = 0; i < t->n; i++) {
		const struct thread_row *w = &t->rows[i];

		fprintf(out, "%3s %10" PRIu64 " %12" PRId64 " %8" PRId64 " %12" PRId64 " %8" PRId64
			     " %14" PRId64 " %8" PRId64 "  ",
			thread_filter_has(&r->filter, w->stack) ? "*" : "", w->tid, w->peak_bytes,
			w->peak_count, w->leaked_bytes, w->leaked_count, w->allocated_bytes,
			w->alloc_count);
		put_line(out, "", w->name, "\n");
	}
	if (r->filter.n)
		fprintf(out, "(* the %zu %s the top list and the tree below show: %s of %s)\n",
			r->filter.n, r->filter.n == 1 ? "thread" : "threads",
			fmt_bytes(r->weights.total_bytes, (char[32]){ 0 }, 32),
			metric_title(r->opt.metric));
}

static void write_top(FILE *out, const struct report *r)
{
	struct report_top_words w;
	char b[32];
	size_t n = r->top.n < r->opt.top ? r->top.n : r->opt.top;

	if (!n)
		return;
	report_top_words(r, &w);
	fprintf(out, "\ntop %zu %s%s%s\n", n, w.title, w.tool_list ? ", as " : "",
		w.tool_list ? w.tool_list : " (the tool has no such list)");
	if (w.count)
		fprintf(out, "(%s: %s)\n", w.count, w.count_means);
	fprintf(out, "%14s", w.value);
	if (!r->weights_are_count)
		fprintf(out, " %10s", "");
	if (w.count)
		fprintf(out, " %7s", w.count);
	fprintf(out, "  %s\n", "location");
	for (size_t i = 0; i < n; i++) {
		const struct top_entry *e = &r->top.entries[i];

		char label[256];
		const char *fn = top_entry_function(r->cap, e, label, sizeof(label));

		fprintf(out, "%14" PRId64, e->bytes);
		if (!r->weights_are_count)
			fprintf(out, " %10s", fmt_bytes(e->bytes, b, sizeof(b)));
		if (w.count)
			fprintf(out, " %7" PRId64, e->allocations);
		put_line(out, "  ", fn, "");
		if (*e->file) {
			put_line(out, "  ", e->file, "");
			fprintf(out, ":%u", e->line);
		}
		fputc('\n', out);
	}
}

/* "function  file:line" of a node, the function whole however long (C++). */
static void put_node_label(FILE *out, const struct report *r, const struct tree_node *nd)
{
	const struct frame *f;
	char buf[64];
	const char *file;

	if (nd->parent == TREE_NONE) {
		fputs("<root>", out);
		return;
	}
	f = capture_frame(r->cap, nd->frame);
	vis_fputs(out, capture_frame_label(r->cap, nd->frame, buf, sizeof(buf)));
	file = capture_string(r->cap, f->file);
	if (*file) {
		put_line(out, "  ", file, "");
		fprintf(out, ":%u", f->line);
	}
}

static void write_node(FILE *out, const struct report *r, uint32_t id, unsigned depth)
{
	const struct tree_node *nd = &r->tree.nodes[id];
	const struct tree_node *root = &r->tree.nodes[r->focus];	/* shares: of the focus */
	int64_t other_bytes = 0, other_n = 0;
	char b[32], self[32], pct[16];

	if (r->weights_are_count) {
		snprintf(b, sizeof(b), "%" PRId64, nd->total_bytes);
		snprintf(self, sizeof(self), "%" PRId64, nd->self_bytes);
	} else {
		fmt_bytes(nd->total_bytes, b, sizeof(b));
		fmt_bytes(nd->self_bytes, self, sizeof(self));
	}
	fmt_percent(nd->total_bytes, root->total_bytes, pct, sizeof(pct));
	fprintf(out, "%7s %10s %10s", pct, b, self);
	if (!r->weights_are_count)
		fprintf(out, " %8" PRId64, nd->total_count);
	fprintf(out, "  %*s", (int)depth * 2, "");
	put_node_label(out, r, nd);
	fputc('\n', out);
	if (depth + 1 >= r->opt.depth)
		return;
	for (uint32_t c = nd->first_child; c != TREE_NONE; c = r->tree.nodes[c].next_sibling) {
		const struct tree_node *cn = &r->tree.nodes[c];

		if (llabs(cn->total_bytes) * 1000 >= llabs(root->total_bytes) * TREE_MIN_PERMILLE &&
		    cn->total_bytes) {
			write_node(out, r, c, depth + 1);
		} else {
			other_bytes += cn->total_bytes;
			other_n++;
		}
	}
	if (other_n) {
		if (r->weights_are_count)
			snprintf(b, sizeof(b), "%" PRId64, other_bytes);
		else
			fmt_bytes(other_bytes, b, sizeof(b));
		fprintf(out, "%7s %10s %10s%s  %*s... %" PRId64 " more below 0.5%%\n", "", b, "",
			r->weights_are_count ? "" : "         ", (int)(depth + 1) * 2, "", other_n);
	}
}

void report_write_text(FILE *out, const struct report *r)
{
	enum metric m = r->opt.metric;
	const char *missing = report_metric_missing(r->cap, m);

	write_header(out, r);
	write_threads(out, r);
	write_top(out, r);
	if (!r->opt.depth)
		return;
	if (missing) {
		fprintf(out, "\nno tree of %s: %s\n", metric_title(m), missing);
		return;
	}
	fprintf(out, "\n%s tree, %s (depth %u, by %s)\n",
		r->tree.dir == TREE_TOP_DOWN ? "top-down" : "bottom-up", metric_title(m),
		r->opt.depth, tree_order_name(r->opt.order));
	if (r->focus) {
		char names[1024], pct[16];

		fmt_percent(r->tree.nodes[r->focus].total_bytes, r->tree.nodes[0].total_bytes, pct,
			    sizeof(pct));
		fputs("(focus: ", out);
		vis_fputs(out, report_focus_names(r, names, sizeof(names)));
		fprintf(out, ", %s of the whole tree; shares below are of the focus)\n", pct);
	}
	if (r->weights_are_count) {
		fprintf(out, "(self: %s of the paths that end at the node)\n",
			report_count_name(m));
		fprintf(out, "%7s %10s %10s  %s\n", "share", report_count_name(m), "self",
			"function  file:line");
	} else {
		fprintf(out, "(%s: %s)\n", report_count_name(m), report_count_means(m));
		fprintf(out, "(self: bytes of the paths that end at the node, not below it)\n");
		fprintf(out, "%7s %10s %10s %8s  %s\n", "share", "bytes", "self",
			report_count_name(m), "function  file:line");
	}
	write_node(out, r, r->focus, 0);
}
