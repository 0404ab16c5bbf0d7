/*
 * report_text: the human-readable report.  A header of the capture's
 * identity and headline numbers, the top locations at the peak, and the
 * chosen metric's call tree to the requested depth (nodes under 0.5% of the
 * root folded into one "more" line per parent).
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

#define TREE_MIN_PERMILLE 5	/* show children worth at least 0.5% of the root */

static void write_header(FILE *out, const struct report *r)
{
	const struct capture *cap = r->cap;
	const struct capture_meta *m = capture_meta(cap);
	const struct capture_totals *t = capture_totals(cap);
	char b1[32], b2[32];

	fprintf(out, "file        %s\n", r->path);
	fprintf(out, "format      %s (file version %s%s%s)\n", m->format,
		m->format_version ? m->format_version : "?", m->tool_version ? ", written by " : "",
		m->tool_version ? m->tool_version : "");
	if (m->command)
		fprintf(out, "command     %s\n", m->command);
	if (m->pid >= 0)
		fprintf(out, "pid         %" PRId64 "\n", m->pid);
	if (m->duration_ms >= 0)
		fprintf(out, "duration    %" PRId64 " ms\n", m->duration_ms);
	if (m->truncated)
		fprintf(out,
			"WARNING     truncated at byte %" PRIu64 "%s%s: figures cover the data "
			"before it\n",
			m->truncated_at, m->truncated_why ? ": " : "",
			m->truncated_why ? m->truncated_why : "");
	for (size_t i = 0; i < m->n_warnings; i++)
		fprintf(out, "warning     %s\n", m->warnings[i]);
	fputc('\n', out);
	if (m->has_totals)
		fprintf(out, "allocated   %s in %" PRIu64 " allocations (%" PRIu64 " bytes)\n",
			fmt_bytes((int64_t)t->alloc_bytes, b1, sizeof(b1)), t->alloc_count,
			t->alloc_bytes);
	else
		fprintf(out, "allocated   unknown (the file holds aggregated figures only)\n");
	fprintf(out, "peak        %s (%" PRId64 " bytes) at %" PRId64 " ms\n",
		fmt_bytes(t->peak_bytes, b1, sizeof(b1)), t->peak_bytes,
		capture_time_at(cap, t->peak_ev_idx));
	fprintf(out, "leaked      %s (%" PRId64 " bytes) in %" PRId64 " allocations",
		fmt_bytes(r->leaks.total_bytes, b1, sizeof(b1)), r->leaks.total_bytes,
		r->leaks.total_count + r->suppressed.total_count);
	if (r->suppressed.total_bytes)
		fprintf(out, " (+%s suppressed)",
			fmt_bytes(r->suppressed.total_bytes, b2, sizeof(b2)));
	fputc('\n', out);
}

static void write_top(FILE *out, const struct report *r)
{
	char b[32];
	size_t n = r->top.n < r->opt.top ? r->top.n : r->opt.top;

	if (!n)
		return;
	fprintf(out, "\ntop %zu locations at the peak\n", n);
	fprintf(out, "%14s %10s %7s  %s\n", "bytes", "", "allocs", "location");
	for (size_t i = 0; i < n; i++) {
		const struct top_entry *e = &r->top.entries[i];

		char label[256];
		const char *fn = top_entry_function(r->cap, e, label, sizeof(label));

		fprintf(out, "%14" PRId64 " %10s %7" PRId64 "  %s", e->bytes,
			fmt_bytes(e->bytes, b, sizeof(b)), e->allocations, fn);
		if (*e->file)
			fprintf(out, "  %s:%u", e->file, e->line);
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
	fputs(capture_frame_label(r->cap, nd->frame, buf, sizeof(buf)), out);
	file = capture_string(r->cap, f->file);
	if (*file)
		fprintf(out, "  %s:%u", file, f->line);
}

static void write_node(FILE *out, const struct report *r, uint32_t id, unsigned depth)
{
	const struct tree_node *nd = &r->tree.nodes[id];
	const struct tree_node *root = &r->tree.nodes[0];
	int64_t other_bytes = 0, other_n = 0;
	char b[32], pct[16];

	if (r->weights_are_count)
		snprintf(b, sizeof(b), "%" PRId64, nd->total_bytes);
	else
		fmt_bytes(nd->total_bytes, b, sizeof(b));
	fmt_percent(nd->total_bytes, root->total_bytes, pct, sizeof(pct));
	fprintf(out, "%7s %10s %8" PRId64 "  %*s", pct, b, nd->total_count, (int)depth * 2, "");
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
		fprintf(out, "%7s %10s %8s  %*s... %" PRId64 " more below 0.5%%\n", "", b, "",
			(int)(depth + 1) * 2, "", other_n);
	}
}

void report_write_text(FILE *out, const struct report *r)
{
	write_header(out, r);
	write_top(out, r);
	if (r->opt.depth) {
		fprintf(out, "\n%s tree, %s (depth %u)\n",
			r->tree.dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
			metric_title(r->opt.metric),
			r->opt.depth);
		fprintf(out, "%7s %10s %8s  %s\n", "share",
			r->weights_are_count ? "count" : "bytes", "allocs", "function  file:line");
		write_node(out, r, 0, 0);
	}
}
