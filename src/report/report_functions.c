/*
 * report_functions: the flat list and the callers/callees trees as text, JSON
 * and CSV.  Every figure is a field of struct func_row or struct tree_node,
 * written as it is; text adds human units and shares of the whole weight.
 * Names keep their whole text in JSON, and their visible form (visible.h) in
 * text and CSV.
 */
#include "report_functions.h"

#include <inttypes.h>
#include <string.h>

#include "fmt.h"
#include "visible.h"

static void json_kv_str(FILE *out, const char *key, const char *val)
{
	fmt_json_string(out, key);
	fputc(':', out);
	fmt_json_string(out, val ? val : "");
	fputc(',', out);
}

static const char *row_module(const struct func_list *l, const struct func_row *row)
{
	if (row->frame == FUNC_NONE || l->group == FUNC_BY_MODULE)
		return "";
	return capture_string(l->cap, capture_frame(l->cap, row->frame)->module);
}

static void write_text_list(FILE *out, const struct report *r, const struct func_list *l,
			    size_t n)
{
	const char *what = functions_group_name(l->group);
	static const char *const plural[] = { "functions", "locations", "files", "modules" };
	char a[32], b[32], pa[16], pb[16], name[512];

	fprintf(out, "%s by %s, %s: inclusive and self\n", plural[l->group], what,
		metric_title(r->opt.metric));
	fprintf(out, "(inclusive: stacks holding the %s, each once; self: stacks whose innermost "
		"frame is in it;\n %s: %s)\n", what, report_count_name(r->opt.metric),
		report_count_means(r->opt.metric));
	fprintf(out, "%10s %7s %10s %7s %9s  %s\n", "inclusive", "", "self", "",
		report_count_name(r->opt.metric), what);
	for (size_t i = 0; i < n; i++) {
		const struct func_row *row = &l->rows[i];
		const char *file = functions_row_file(l, row);
		uint32_t line = functions_row_line(l, row);

		fprintf(out, "%10s %7s %10s %7s %9" PRId64 "  ",
			fmt_figure(row->total_bytes, r->weights_are_count, a, sizeof(a)),
			fmt_percent(row->total_bytes, r->weights.total_bytes, pa, sizeof(pa)),
			fmt_figure(row->self_bytes, r->weights_are_count, b, sizeof(b)),
			fmt_percent(row->self_bytes, r->weights.total_bytes, pb, sizeof(pb)),
			row->total_count);
		vis_fputs(out, functions_row_name(l, row, name, sizeof(name)));
		if (*file) {
			fputs("  ", out);
			vis_fputs(out, file);
			if (line)
				fprintf(out, ":%" PRIu32, line);
		}
		fputc('\n', out);
	}
}

static void write_json_list(FILE *out, const struct report *r, const struct func_list *l,
			    size_t n)
{
	char name[512];

	fputc('{', out);
	json_kv_str(out, "file", r->path);
	json_kv_str(out, "view", metric_name(r->opt.metric));
	json_kv_str(out, "unit", r->weights_are_count ? "count" : "bytes");
	json_kv_str(out, "count", report_count_name(r->opt.metric));
	json_kv_str(out, "group", functions_group_name(l->group));
	fprintf(out, "\"total\":%" PRId64 ",\"total_count\":%" PRId64 ",\"n_rows\":%zu,\"rows\":[",
		r->weights.total_bytes, r->weights.total_count, l->n);
	for (size_t i = 0; i < n; i++) {
		const struct func_row *row = &l->rows[i];

		fputs(i ? ",{" : "{", out);
		json_kv_str(out, "name", functions_row_name(l, row, name, sizeof(name)));
		json_kv_str(out, "file", functions_row_file(l, row));
		fprintf(out, "\"line\":%" PRIu32 ",", functions_row_line(l, row));
		json_kv_str(out, "module", row_module(l, row));
		fprintf(out, "\"unnamed\":%s,\"frames\":%" PRIu32 ",",
			row->frame != FUNC_NONE && !capture_frame(l->cap, row->frame)->function
			? "true" : "false", row->n_frames);
		fprintf(out, "\"total\":%" PRId64 ",\"self\":%" PRId64 ",\"total_count\":%" PRId64
			",\"self_count\":%" PRId64 "}", row->total_bytes, row->self_bytes,
			row->total_count, row->self_count);
	}
	fputs("]}\n", out);
}

static void write_csv_list(FILE *out, const struct func_list *l, size_t n)
{
	char name[512];

	fputs("total,self,total_count,self_count,name,file,line,module\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct func_row *row = &l->rows[i];

		fprintf(out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",", row->total_bytes,
			row->self_bytes, row->total_count, row->self_count);
		fmt_csv_field(out, functions_row_name(l, row, name, sizeof(name)));
		fputc(',', out);
		fmt_csv_field(out, functions_row_file(l, row));
		fprintf(out, ",%" PRIu32 ",", functions_row_line(l, row));
		fmt_csv_field(out, row_module(l, row));
		fputc('\n', out);
	}
}

void report_functions_write(FILE *out, const struct report *r, enum func_group g,
			    unsigned top)
{
	struct func_list l;
	size_t n;

	functions_build(&l, r->cap, &r->weights, g);
	/* --sort: the tree's orders read for rows (size and count: inclusive). */
	if (r->opt.order == TREE_ORDER_SELF || r->opt.order == TREE_ORDER_NAME)
		functions_sort(&l, r->opt.order == TREE_ORDER_SELF ? FUNC_ORDER_SELF
								  : FUNC_ORDER_NAME);
	n = top && top < l.n ? top : l.n;
	if (r->opt.format == REPORT_JSON)
		write_json_list(out, r, &l, n);
	else if (r->opt.format == REPORT_CSV)
		write_csv_list(out, &l, n);
	else
		write_text_list(out, r, &l, n);
	functions_release(&l);
}

/* The name of node id: the root is the function itself. */
static const char *node_name(const struct tree *t, const struct func_list *l,
			     const struct func_row *row, uint32_t id, char *buf, size_t size)
{
	if (!id)
		return functions_row_name(l, row, buf, size);
	return capture_frame_label(t->cap, t->nodes[id].frame, buf, size);
}

static void write_text_node(FILE *out, const struct report *r, const struct tree *t,
			    const struct func_list *l, const struct func_row *row, uint32_t id,
			    unsigned depth)
{
	const struct tree_node *nd = &t->nodes[id];
	const struct frame *f = capture_frame(t->cap, nd->frame);
	char b[32], pct[16], name[512];

	fprintf(out, "%7s %10s %8" PRId64 "  %*s",
		fmt_percent(nd->total_bytes, t->nodes[0].total_bytes, pct, sizeof(pct)),
		fmt_figure(nd->total_bytes, r->weights_are_count, b, sizeof(b)), nd->total_count,
		(int)depth * 2, "");
	vis_fputs(out, node_name(t, l, row, id, name, sizeof(name)));
	if (id && f->file) {
		fputs("  ", out);
		vis_fputs(out, capture_string(t->cap, f->file));
		fprintf(out, ":%" PRIu32, f->line);
	}
	fputc('\n', out);
	if (depth + 1 >= r->opt.depth)
		return;
	for (uint32_t c = nd->first_child; c != TREE_NONE; c = t->nodes[c].next_sibling)
		write_text_node(out, r, t, l, row, c, depth + 1);
}

static void write_json_node(FILE *out, const struct report *r, const struct tree *t,
			    const struct func_list *l, const struct func_row *row, uint32_t id,
			    unsigned depth)
{
	const struct tree_node *nd = &t->nodes[id];
	const struct frame *f = capture_frame(t->cap, nd->frame);
	char name[512];

	fputc('{', out);
	json_kv_str(out, "function", node_name(t, l, row, id, name, sizeof(name)));
	json_kv_str(out, "file", id ? capture_string(t->cap, f->file) : functions_row_file(l, row));
	fprintf(out, "\"line\":%" PRIu32 ",", id ? f->line : 0);
	json_kv_str(out, "module", id ? capture_string(t->cap, f->module) : row_module(l, row));
	fprintf(out, "\"value\":%" PRId64 ",\"self\":%" PRId64 ",\"count\":%" PRId64
		",\"children\":[", nd->total_bytes, nd->self_bytes, nd->total_count);
	if (depth + 1 < r->opt.depth)
		for (uint32_t c = nd->first_child; c != TREE_NONE; c = t->nodes[c].next_sibling) {
			write_json_node(out, r, t, l, row, c, depth + 1);
			if (t->nodes[c].next_sibling != TREE_NONE)
				fputc(',', out);
		}
	fputs("]}", out);
}

/* "a, b, c" of the rows holding name, at most 10, into why. */
static void list_candidates(const struct func_list *l, const char *name, char *why, size_t size)
{
	size_t used = strlen(why), shown = 0;
	char buf[512];

	for (size_t i = 0; i < l->n && used + 1 < size; i++) {
		const char *n = functions_row_name(l, &l->rows[i], buf, sizeof(buf));

		if (!strstr(n, name))
			continue;
		if (shown++ == 10) {
			snprintf(why + used, size - used, ", ...");
			return;
		}
		used += (size_t)snprintf(why + used, size - used, "%s%s", shown > 1 ? ", " : "",
					 n);
		if (used >= size)
			return;
	}
}

int report_related_write(FILE *out, const struct report *r, const char *name, bool callers,
			 char *why, size_t why_size)
{
	struct func_list l;
	const struct func_row *row;
	struct tree t;
	size_t n_candidates;
	char buf[512];

	functions_build(&l, r->cap, &r->weights, FUNC_BY_FUNCTION);
	row = functions_find(&l, name, &n_candidates);
	if (!row) {
		if (!n_candidates)
			snprintf(why, why_size, "no function named '%s' has %s", name,
				 metric_title(r->opt.metric));
		else
			snprintf(why, why_size, "'%s' names %zu functions: ", name,
				 n_candidates);
		if (n_candidates)
			list_candidates(&l, name, why, why_size);
		functions_release(&l);
		return -1;
	}
	if (callers)
		functions_callers(&t, &l, row, &r->weights);
	else
		functions_callees(&t, &l, row, &r->weights);
	if (r->opt.format == REPORT_JSON) {
		fputc('{', out);
		json_kv_str(out, "file", r->path);
		json_kv_str(out, "view", metric_name(r->opt.metric));
		json_kv_str(out, "unit", r->weights_are_count ? "count" : "bytes");
		json_kv_str(out, "direction", callers ? "callers" : "callees");
		json_kv_str(out, "function", functions_row_name(&l, row, buf, sizeof(buf)));
		json_kv_str(out, "function_file", functions_row_file(&l, row));
		fprintf(out, "\"inclusive\":%" PRId64 ",\"self\":%" PRId64 ",\"inclusive_count\":%"
			PRId64 ",\"self_count\":%" PRId64 ",\"depth\":%u,\"tree\":",
			row->total_bytes, row->self_bytes, row->total_count, row->self_count,
			r->opt.depth);
		write_json_node(out, r, &t, &l, row, 0, 0);
		fputs("}\n", out);
	} else {
		char a[32], b[32];

		fputs(callers ? "callers of " : "callees of ", out);
		vis_fputs(out, functions_row_name(&l, row, buf, sizeof(buf)));
		fprintf(out, ", %s: inclusive %s, self %s\n", metric_title(r->opt.metric),
			fmt_figure(row->total_bytes, r->weights_are_count, a, sizeof(a)),
			fmt_figure(row->self_bytes, r->weights_are_count, b, sizeof(b)));
		fprintf(out, "(%s, merged over every call path; each stack counted once; %s: %s)\n",
			callers ? "bottom-up from its innermost call in each stack"
				: "top-down below its outermost call in each stack",
			report_count_name(r->opt.metric), report_count_means(r->opt.metric));
		fprintf(out, "%7s %10s %8s  %s\n", "share",
			r->weights_are_count ? "count" : "bytes", report_count_name(r->opt.metric),
			callers ? "caller" : "callee");
		write_text_node(out, r, &t, &l, row, 0, 0);
	}
	tree_release(&t);
	functions_release(&l);
	return 0;
}
