/*
 * report_json: the machine-readable report.  The keys documented in
 * README.md are a contract: scripts rely on them; add keys, never rename.
 */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "fmt.h"
#include "timeline.h"

static void json_kv_str(FILE *out, const char *key, const char *val, bool comma)
{
	fmt_json_string(out, key);
	fputc(':', out);
	if (val)
		fmt_json_string(out, val);
	else
		fputs("null", out);
	if (comma)
		fputc(',', out);
}

static void write_meta(FILE *out, const struct report *r)
{
	const struct capture_meta *m = capture_meta(r->cap);

	fputs("\"meta\":{", out);
	if (m->pid >= 0)
		fprintf(out, "\"pid\":%" PRId64 ",", m->pid);
	else
		fputs("\"pid\":null,", out);
	json_kv_str(out, "command", m->command, true);
	json_kv_str(out, "tool_version", m->tool_version, true);
	fprintf(out, "\"native_traces\":%s,", m->native_traces ? "true" : "false");
	if (m->start_time_ms >= 0)
		fprintf(out, "\"start_time_ms\":%" PRId64 ",", m->start_time_ms);
	if (m->duration_ms >= 0)
		fprintf(out, "\"duration_ms\":%" PRId64 ",", m->duration_ms);
	fputs("\"threads\":[", out);
	for (size_t i = 0; i < m->n_threads; i++) {
		fprintf(out, "%s{\"tid\":%" PRIu64 ",", i ? "," : "", m->threads[i].tid);
		json_kv_str(out, "name", m->threads[i].name, false);
		fputc('}', out);
	}
	fputs("]},", out);
}

/* Where the data came from: the file itself, or the one a .mtui was converted from. */
static void write_source(FILE *out, const struct capture_source *s)
{
	fputs("\"source\":{", out);
	json_kv_str(out, "format", s->format, true);
	json_kv_str(out, "format_version", s->format_version, true);
	json_kv_str(out, "file", s->name, true);
	if (s->size >= 0)
		fprintf(out, "\"size\":%" PRId64, s->size);
	else
		fputs("\"size\":null", out);
	if (s->has_sha256) {
		fputs(",\"sha256\":\"", out);
		for (size_t i = 0; i < sizeof(s->sha256); i++)
			fprintf(out, "%02x", s->sha256[i]);
		fputc('"', out);
	}
	fputs("},", out);
}

static void write_numbers(FILE *out, const struct report *r)
{
	const struct capture *cap = r->cap;
	const struct capture_meta *m = capture_meta(cap);
	const struct capture_totals *t = capture_totals(cap);
	size_t n_rss;
	const struct rss_sample *rss = capture_rss(cap, &n_rss);
	uint64_t max_rss = 0;

	if (m->has_totals)
		fprintf(out, "\"totals\":{\"allocations\":%" PRIu64 ",\"allocated_bytes\":%" PRIu64
			     ",\"temporary\":%" PRIu64 ",", t->alloc_count, t->alloc_bytes,
			t->temporary_count);
	else
		fputs("\"totals\":{\"allocations\":null,\"allocated_bytes\":null,"
		      "\"temporary\":null,", out);
	/* memray's rule: its threshold and the bytes; heaptrack's rule counts only. */
	if (m->temporary_threshold >= 0)
		fprintf(out, "\"temporary_bytes\":%" PRId64 ",\"temporary_threshold\":%" PRId64 ",",
			r->temporary_bytes, m->temporary_threshold);
	else
		fputs("\"temporary_bytes\":null,\"temporary_threshold\":null,", out);
	fprintf(out, "\"events\":%" PRIu64 "},", t->events);
	fprintf(out, "\"peak\":{\"bytes\":%" PRId64 ",", t->peak_bytes);
	if (t->peak_ev_idx == UINT64_MAX)
		fputs("\"event_index\":null,\"time_ms\":null},", out);
	else if (timeline_moment_ms(cap, t->peak_ev_idx) < 0)
		fprintf(out, "\"event_index\":%" PRIu64 ",\"time_ms\":null},", t->peak_ev_idx);
	else
		fprintf(out, "\"event_index\":%" PRIu64 ",\"time_ms\":%" PRId64 "},",
			t->peak_ev_idx, timeline_moment_ms(cap, t->peak_ev_idx));
	fprintf(out, "\"leaks\":{\"bytes\":%" PRId64 ",\"allocations\":%" PRId64
		     ",\"suppressed_bytes\":%" PRId64 ",\"suppressed_allocations\":%" PRId64 "},",
		r->leaks.total_bytes, r->leaks.total_count + r->suppressed.total_count,
		r->suppressed.total_bytes,
		r->suppressed.total_count);
	for (size_t i = 0; i < n_rss; i++)
		if (rss[i].rss_bytes > max_rss)
			max_rss = rss[i].rss_bytes;
	fprintf(out, "\"rss\":{\"samples\":%zu,\"max_bytes\":%" PRIu64 "},", n_rss, max_rss);
}

/* "thread_figures": each thread's figures (threads.h); "thread_filter": --thread's tids. */
static void write_threads(FILE *out, const struct report *r)
{
	const struct thread_table *t = &r->threads;

	fputs("\"thread_figures\":[", out);
	for (size_t i = 0; i < t->n; i++) {
		const struct thread_row *w = &t->rows[i];

		fprintf(out, "%s{\"tid\":%" PRIu64 ",", i ? "," : "", w->tid);
		json_kv_str(out, "name", w->name, true);
		fprintf(out, "\"peak_bytes\":%" PRId64 ",\"peak_count\":%" PRId64
			     ",\"leaked_bytes\":%" PRId64 ",\"leaked_count\":%" PRId64
			     ",\"allocated_bytes\":%" PRId64 ",\"alloc_count\":%" PRId64 "}",
			w->peak_bytes, w->peak_count, w->leaked_bytes, w->leaked_count,
			w->allocated_bytes, w->alloc_count);
	}
	fputs("],\"thread_filter\":", out);
	if (!r->filter.n) {
		fputs("null,", out);
		return;
	}
	fputc('[', out);
	for (size_t i = 0, k = 0; i < t->n; i++)
		if (thread_filter_has(&r->filter, t->rows[i].stack))
			fprintf(out, "%s%" PRIu64, k++ ? "," : "", t->rows[i].tid);
	fputs("],", out);
}

static void write_top(FILE *out, const struct report *r)
{
	size_t n = r->top.n < r->opt.top ? r->top.n : r->opt.top;
	struct report_top_words w;

	report_top_words(r, &w);
	json_kv_str(out, "top_metric", metric_name(r->opt.metric), true);
	json_kv_str(out, "top_title", w.title, true);
	json_kv_str(out, "top_tool_list", w.tool_list, true);
	/* What each entry's "allocations" counts: the tool's count beside its list. */
	json_kv_str(out, "top_allocations", w.count ? w.count : report_count_name(r->opt.metric),
		    true);
	fputs("\"top\":[", out);
	for (size_t i = 0; i < n; i++) {
		const struct top_entry *e = &r->top.entries[i];

		char label[256];

		fputs(i ? ",{" : "{", out);
		json_kv_str(out, "function", top_entry_function(r->cap, e, label, sizeof(label)),
			    true);
		json_kv_str(out, "file", e->file, true);
		fprintf(out, "\"line\":%u,", e->line);
		json_kv_str(out, "module", e->module, true);
		fprintf(out, "\"bytes\":%" PRId64 ",\"allocations\":%" PRId64, e->bytes,
			e->allocations);
		/* An unnamed location merges every unnamed address of its module. */
		fprintf(out, ",\"unnamed\":%s,\"addresses\":%" PRIu32 "}",
			!*e->function && e->frame ? "true" : "false", e->n_frames);
	}
	fputs("],", out);
}

static void write_node(FILE *out, const struct report *r, uint32_t id, unsigned depth)
{
	const struct tree_node *nd = &r->tree.nodes[id];
	char label[256];
	bool first = true;

	fputc('{', out);
	if (nd->parent == TREE_NONE) {
		json_kv_str(out, "function", "<root>", true);
		json_kv_str(out, "file", "", true);
		fputs("\"line\":0,", out);
		json_kv_str(out, "module", "", true);
	} else {
		const struct frame *f = capture_frame(r->cap, nd->frame);

		json_kv_str(out, "function", capture_frame_label(r->cap, nd->frame, label,
								 sizeof(label)), true);
		json_kv_str(out, "file", capture_string(r->cap, f->file), true);
		fprintf(out, "\"line\":%u,", f->line);
		json_kv_str(out, "module", capture_string(r->cap, f->module), true);
	}
	fprintf(out, "\"value\":%" PRId64 ",\"self\":%" PRId64 ",\"count\":%" PRId64 ",",
		nd->total_bytes, nd->self_bytes, nd->total_count);
	fputs("\"children\":[", out);
	if (depth + 1 < r->opt.depth) {
		for (uint32_t c = nd->first_child; c != TREE_NONE;
		     c = r->tree.nodes[c].next_sibling) {
			if (!first)
				fputc(',', out);
			first = false;
			write_node(out, r, c, depth + 1);
		}
	}
	fputs("]}", out);
}

/* The symbol coverage table, when the capture has one (native frames looked up). */
static void write_symbols(FILE *out, const struct capture *cap)
{
	size_t n;
	const struct symbol_coverage *c = capture_symbol_coverage(cap, &n);

	if (!n)
		return;
	fputs("\"symbols\":[", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{" : "{", out);
		json_kv_str(out, "path", c[i].path, true);
		json_kv_str(out, "file", c[i].file_used, true);
		json_kv_str(out, "debug_file", c[i].debug_file, true);
		fprintf(out, "\"dwarf\":%" PRIu64 ",\"symtab\":%" PRIu64 ",\"unnamed\":%" PRIu64
			",", c[i].dwarf, c[i].symtab, c[i].unnamed);
		json_kv_str(out, "reason", c[i].unnamed ? coverage_reason_name(c[i].reason) : NULL,
			    false);
		fputc('}', out);
	}
	fputs("],", out);
}

/* The folding the tree, CSV and collapsed stacks were made with (fold.h). */
static void write_fold(FILE *out, const struct report *r)
{
	const struct fold_rules *f = &r->opt.fold;

	fputs("\"fold\":{\"presets\":[", out);
	for (size_t i = 0; f->presets && i < fold_preset_count(); i++) {
		if (i)
			fputc(',', out);
		fmt_json_string(out, fold_preset_name(i));
	}
	fputs("],\"rules\":[", out);
	for (size_t i = 0; i < f->n_patterns; i++) {
		if (i)
			fputc(',', out);
		fmt_json_string(out, f->patterns[i]);
	}
	fprintf(out, "],\"frames_folded\":%zu},", r->fold.n_folded);
}

void report_write_json(FILE *out, const struct report *r)
{
	const struct capture_meta *m = capture_meta(r->cap);

	fputc('{', out);
	json_kv_str(out, "file", r->path, true);
	json_kv_str(out, "format", m->format, true);
	json_kv_str(out, "format_version", m->format_version, true);
	write_source(out, &m->source);
	fprintf(out, "\"truncated\":%s,", m->truncated ? "true" : "false");
	if (m->truncated)
		fprintf(out, "\"truncated_at\":%" PRIu64 ",", m->truncated_at);
	else
		fputs("\"truncated_at\":null,", out);
	json_kv_str(out, "truncated_reason", m->truncated_why, true);
	fprintf(out, "\"inconsistent\":%s,", m->inconsistent ? "true" : "false");
	json_kv_str(out, "inconsistent_reason", m->inconsistent_why, true);
	write_meta(out, r);
	write_numbers(out, r);
	write_threads(out, r);
	write_top(out, r);
	fputs("\"warnings\":[", out);
	for (size_t i = 0; i < m->n_warnings; i++) {
		if (i)
			fputc(',', out);
		fmt_json_string(out, m->warnings[i]);
	}
	fputs("],", out);
	write_symbols(out, r->cap);
	write_fold(out, r);
	/* Keys are a contract older than the names: "view" is the metric, "metric" the unit. */
	json_kv_str(out, "view", metric_name(r->opt.metric), true);
	fprintf(out, "\"tree\":{\"direction\":\"%s\",\"metric\":\"%s\",\"depth\":%u,",
		r->tree.dir == TREE_TOP_DOWN ? "top-down" : "bottom-up",
		r->weights_are_count ? "count" : "bytes", r->opt.depth);
	/* What a node's "count" counts, and why a tree is empty when the metric is missing. */
	json_kv_str(out, "count", report_count_name(r->opt.metric), true);
	json_kv_str(out, "missing", report_metric_missing(r->cap, r->opt.metric), true);
	json_kv_str(out, "sort", tree_order_name(r->opt.order), true);
	/* With a focus, "root" is the focus node: the tree from it. */
	if (r->focus) {
		char names[1024];

		json_kv_str(out, "focus", report_focus_names(r, names, sizeof(names)), true);
		fprintf(out, "\"whole_value\":%" PRId64 ",", r->tree.nodes[0].total_bytes);
	} else {
		fputs("\"focus\":null,", out);
	}
	fputs("\"root\":", out);
	write_node(out, r, r->focus, 0);
	fputs("}}\n", out);
}
