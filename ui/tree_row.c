/*
 * tree_row: the node part of an outline row, the detail pane, and the keys,
 * search and position of an outline view (tree_row.h).
 *
 * Fitting the node in its width, by priority: the indent gives way first
 * (at most a third of the width, the depth as a number past that), then the
 * function takes its first form that fits (tree_row_name); the file and
 * module get what is left: the file's base name on every row (one column
 * reads one way; the pane has the full path).  What does not fit goes: the
 * module, then the start of the file name (an ellipsis); a module alone is
 * drawn whole or not at all.  An unnamed frame's label names its module
 * already, so its row has no [module].  No cut ever splits a number: text
 * is cut between fields, or before a digit run (tree_row_cut).
 */
#include "tree_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "glyphs.h"
#include "names.h"
#include "outline_keys.h"
#include "xalloc.h"

#define DEPTH_COLS 4		/* above the origin: the depth ("123 ") before the marker */

int tree_row_detail_rows(int body_h)
{
	return body_h < 12 ? 0 : body_h < 22 ? 3 : body_h < 34 ? 4 : 5;
}

size_t tree_row_page(int body_h, int title_rows)
{
	int h = body_h - title_rows - tree_row_detail_rows(body_h);

	return h > 0 ? (size_t)h : 1;
}

void tree_row_reveal(struct outline *o, uint32_t node)
{
	if (node == TREE_NONE)
		return;
	outline_select(o, node);
	outline_expand(o, node);
}

/* Draws text with the search match in it highlighted; returns columns used. */
static int draw_label(struct screen *s, int x, int y, int max, const char *text,
		      const char *pattern, enum role role)
{
	const char *m = pattern[0] ? outline_find(text, pattern) : NULL;
	int used;

	if (!m)
		return screen_text(s, x, y, max, text, role);
	used = screen_textn(s, x, y, max, text, (size_t)(m - text), role);
	used += screen_textn(s, x + used, y, max - used, m, strlen(pattern), ROLE_MATCH);
	used += screen_text(s, x + used, y, max - used, m + strlen(pattern), role);
	return used;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The next UTF-8 sequence after p. */
static const char *next_char(const char *p)
{
	do
		p++;
	while ((*p & 0xc0) == 0x80);
	return p;
}

/* Ends a brief name before its last parameter list: "ns::fn(...) const" becomes "ns::fn". */
static void drop_parameters(char *name)
{
	char *p = strstr(name, "(...)"), *q;

	while (p && (q = strstr(p + 1, "(...)")))
		p = q;
	if (!p) {
		p = strstr(name, "()");
		while (p && (q = strstr(p + 1, "()")))
			p = q;
	}
	if (p && p > name)
		*p = 0;
}

const char *tree_row_name(const struct screen *s, const struct capture *cap, uint32_t frame,
			  bool full, int w, char *buf, size_t size, int *cut)
{
	const char *label = capture_frame_label(cap, frame, buf, size), *p, *next;

	*cut = 0;
	if (full || !outline_shortens(cap, frame) || w < 2) {
		*cut = screen_text_width(s, label) > w ? 2 : 0;
		return label;
	}
	names_shorten(label, NAMES_SHORT, buf, size);
	if (screen_text_width(s, buf) <= w)
		return buf;
	names_shorten(label, NAMES_BRIEF, buf, size);
	if (screen_text_width(s, buf) <= w)
		return buf;
	/* A name without scopes (C), or a width too small to show an end: cut at the end. */
	if (!names_next_scope(buf) || w < 6) {
		*cut = 2;
		return buf;
	}
	*cut = 1;
	for (p = buf; (next = names_next_scope(p)); p = next)
		if (screen_text_width(s, next) <= w - 1)
			return next;
	/* Even the last scope is too wide: without its parameters, then its end. */
	drop_parameters(buf + (p - buf));
	while (*p && screen_text_width(s, p) > w - 1)
		p = next_char(p);
	return p;
}

/* Bytes of the longest start of p that fits in w columns (whole characters). */
static size_t fitting(const struct screen *s, const char *p, int w)
{
	const char *q = p;
	char one[8];
	int used = 0;

	while (*q) {
		const char *next = next_char(q);
		int cw = 1;

		if ((unsigned char)*q >= 0x80 && (size_t)(next - q) < sizeof(one)) {
			memcpy(one, q, (size_t)(next - q));
			one[next - q] = 0;
			cw = screen_text_width(s, one);
		}
		if (used + cw > w)
			break;
		used += cw;
		q = next;
	}
	return (size_t)(q - p);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t tree_row_cut(const struct screen *s, const char *text, int w)
{
	size_t n = fitting(s, text, w), word = n, lead;

	if (!text[n])
		return n;
	/* The word the cut falls in: from the last space before it. */
	while (word && text[word - 1] != ' ')
		word--;
	/* A figure ("12.5%", "(+4.00", "0x9613") goes whole: "0…" would read as one. */
	for (lead = word; text[lead] == '(' || text[lead] == '+' || text[lead] == '-'; lead++)
		;
	if (is_digit(text[lead]))
		return word;
	while (n && is_digit(text[n]) && is_digit(text[n - 1]))
		n--;
	return n;
}

/* text in w columns from x, cut by tree_row_cut before an ellipsis when it is too wide. */
static void draw_cut(struct screen *s, int x, int y, int w, const char *text, enum role role)
{
	size_t n;
	int used;

	if (screen_text_width(s, text) <= w) {
		screen_text(s, x, y, w, text, role);
		return;
	}
	n = tree_row_cut(s, text, w - 1);
	used = screen_textn(s, x, y, w - 1, text, n, role);
	screen_put(s, x + used, y, glyphs_get(s->utf8)->ellipsis, role);
}

/*
 * Draws fields in w columns from x, sep before each one (lead) or between
 * them: as many whole fields as fit, in order.  When not even the first fits
 * and keep_end, the end of the first after an ellipsis, from a character
 * that does not split a number ("…/heaptrack/stages.c:140": a path keeps its
 * file name and line); else nothing.
 */
static void draw_fields(struct screen *s, int x, int y, int w, const char *const *fields,
			int n, const char *sep, bool lead, bool keep_end, enum role role)
{
	int used = 0, sw = screen_text_width(s, sep);
	const char *p;

	for (int i = 0; i < n; i++) {
		int fw = screen_text_width(s, fields[i]), gap = i || lead ? sw : 0;

		if (!fields[i][0])
			continue;
		if (used + gap + fw <= w) {
			used += screen_text(s, x + used, y, gap, sep, role);
			used += screen_text(s, x + used, y, w - used, fields[i], role);
			continue;
		}
		if (used || !keep_end || w - gap < 8)
			return;
		p = fields[i];
		while (*p && (screen_text_width(s, p) > w - gap - 1 ||
			      (p > fields[i] && is_digit(p[-1]) && is_digit(*p))))
			p = next_char(p);
		used += screen_text(s, x, y, gap, sep, role);
		screen_put(s, x + used, y, glyphs_get(s->utf8)->ellipsis, role);
		screen_text(s, x + used + 1, y, w - used - 1, p, role);
		return;
	}
}

/*
 * After a row's name: the file's base name (and :line), and the [module] of
 * a named native frame, each whole or not at all (the file's end when it
 * alone is too wide).
 */
static void draw_where(struct screen *s, int x, int y, int w, const struct capture *cap,
		       uint32_t frame, unsigned flags)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *file = basename_of(capture_string(cap, f->file));
	const char *module = capture_string(cap, f->module);
	char where[2][400];
	const char *fields[2] = { where[0], where[1] };

	where[0][0] = where[1][0] = 0;
	if (*file && flags & TREE_ROW_LINE)
		snprintf(where[0], sizeof(where[0]), "%s:%u", file, f->line);
	else if (*file)
		snprintf(where[0], sizeof(where[0]), "%s", file);
	if (*module && f->kind != FRAME_PYTHON && *capture_string(cap, f->function))
		snprintf(where[1], sizeof(where[1]), "[%s]", basename_of(module));
	if (!*where[0])
		fields[0] = where[1];
	draw_fields(s, x, y, w, fields, *where[0] ? 2 : 1, "  ", true, *where[0],
		    flags & TREE_ROW_SELECTED ? ROLE_SELECTED : ROLE_DIM);
}

/*
 * The indent of a row at depth, counted from level origin, in a node of w
 * columns; *numbered when the row is not where its depth would put it (at
 * the cap, or above the origin) and so shows its depth.
 */
static int indent_of(uint32_t depth, unsigned origin, int w, bool *numbered)
{
	int base = origin ? DEPTH_COLS : 0, cap = w / 3;
	int64_t at;

	if (cap < base)
		cap = base;
	*numbered = true;
	if (depth < origin)
		return base;
	at = base + 2 * ((int64_t)depth - origin);
	if (at >= cap && depth)
		return cap;
	*numbered = false;
	return (int)at;
}

void tree_row_node(struct screen *s, int x, int y, int w, const struct outline *o, uint32_t id,
		   unsigned flags, unsigned origin)
{
	const struct tree_node *nd = &o->t->nodes[id];
	const struct glyphs *g = glyphs_get(s->utf8);
	enum role normal = flags & TREE_ROW_SELECTED ? ROLE_SELECTED : ROLE_NORMAL;
	bool numbered;
	int indent = indent_of(nd->depth, origin, w, &numbered), used, cut;
	char fn[OUTLINE_MAX_NAME], shown[OUTLINE_MAX_NAME], num[16];
	const char *text;

	if (numbered) {
		int n = snprintf(num, sizeof(num), "%" PRIu32, nd->depth);

		if (n + 1 <= indent)
			screen_text(s, x + indent - n - 1, y, n, num,
				    flags & TREE_ROW_SELECTED ? ROLE_SELECTED : ROLE_DIM);
	}
	x += indent;
	w -= indent;
	if (w < 3)
		return;
	screen_put(s, x, y, nd->first_child == TREE_NONE ? g->leaf
			    : outline_is_open(o, id)	  ? g->open
							  : g->closed, normal);
	x += 2;
	w -= 2;
	if (id == 0) {
		screen_text(s, x, y, w, "<root>", normal);
		return;
	}
	text = tree_row_name(s, o->t->cap, nd->frame, flags & TREE_ROW_FULL, w, fn, sizeof(fn),
			     &cut);
	if (cut == 1) {
		screen_put(s, x++, y, g->ellipsis, normal);
		w--;
	}
	if (cut == 2) {
		size_t n = tree_row_cut(s, text, w - 1);

		memcpy(shown, text, n);
		shown[n] = 0;
		used = draw_label(s, x, y, w - 1, shown, outline_matches(o, id) ? o->pattern : "",
				  normal);
		screen_put(s, x + used, y, g->ellipsis, normal);
		return;
	}
	used = draw_label(s, x, y, w, text, outline_matches(o, id) ? o->pattern : "", normal);
	draw_where(s, x + used, y, w - used, o->t->cap, nd->frame, flags);
}

/* A level's name in the breadcrumb: "all" for the root. */
static const char *level_name(const struct tree *t, uint32_t node, char *buf, size_t size)
{
	if (!node)
		return "all";
	return outline_search_text(t->cap, t->nodes[node].frame, buf, size);
}

void tree_row_breadcrumb(struct screen *s, int x, int y, int w, const struct tree *t,
			 uint32_t node, const char *tail)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	uint32_t depth = t->nodes[node].depth, first = 0;
	uint32_t *path = xmalloc(((size_t)depth + 1) * sizeof(*path));
	char name[OUTLINE_MAX_NAME];
	int end = x + w, room, need = 0;

	for (uint32_t nd = node, i = depth + 1; i-- > 0; nd = t->nodes[nd].parent)
		path[i] = nd;
	screen_fill(s, x, y, w, ' ', ROLE_TITLE);
	x += screen_text(s, x, y, end - x, "focus: ", ROLE_TITLE);
	room = end - x - 2 - screen_text_width(s, tail);
	for (uint32_t i = 0; i <= depth; i++)
		need += screen_text_width(s, level_name(t, path[i], name, sizeof(name))) +
			(i ? 3 : 0);
	/* Too wide: the levels nearest the root go, for an ellipsis and a step. */
	while (first < depth && need > room) {
		need -= screen_text_width(s, level_name(t, path[first], name, sizeof(name))) + 3;
		if (!first++)
			need += 4;
	}
	if (first)
		screen_put(s, x++, y, g->ellipsis, ROLE_TITLE);
	for (uint32_t i = first; i <= depth && x < end; i++) {
		if (i || first) {
			screen_put(s, x + 1, y, g->step, ROLE_TITLE);
			x += 3;
		}
		x += screen_text(s, x, y, end - x, level_name(t, path[i], name, sizeof(name)),
				 ROLE_TITLE);
	}
	if (x + 2 + screen_text_width(s, tail) <= end)
		screen_text(s, x + 2, y, end - x - 2, tail, ROLE_TITLE);
	free(path);
}

/* Where the pane says frame is: its file path and line, its module, or its address. */
static int detail_where(const struct capture *cap, uint32_t frame, char where[3][600])
{
	const struct frame *f = capture_frame(cap, frame);
	const char *file = capture_string(cap, f->file);
	const char *module = capture_string(cap, f->module);
	int n = 0;

	if (*file)
		snprintf(where[n++], 600, "%s:%u", file, f->line);
	if (f->kind == FRAME_PYTHON || f->kind == FRAME_THREAD)
		return n;
	if (*module)
		snprintf(where[n++], 600, "[%s]", module);
	if (!*capture_string(cap, f->function))
		snprintf(where[n++], 600, "%s 0x%" PRIx64,
			 capture_meta(cap)->native_offsets ? "offset" : "address", f->address);
	return n;
}

/* The start of the next row of a name wrapped in w columns: after a break where one is near. */
static size_t wrap_at(const struct screen *s, const char *p, int w)
{
	size_t n = fitting(s, p, w);

	if (!p[n])
		return n;
	for (size_t k = n; k > n / 2 && k; k--)
		if (strchr(" ,:(<", p[k - 1]))
			return k;
	return n;
}

static int joined_width(const struct screen *s, const char *const *fields, int n, int sep)
{
	int w = 0;

	for (int i = 0; i < n; i++)
		w += (i ? sep : 0) + screen_text_width(s, fields[i]);
	return w;
}

void tree_row_detail(struct screen *s, struct rect r, const struct outline *o, uint32_t id,
		     const char *const *exact, const char *const *brief, int n)
{
	int rows = tree_row_detail_rows(r.h), y, n_where = 0;
	char buf[256], where[3][600];
	const char *p = "<root>", *fields[3] = { where[0], where[1], where[2] };

	if (!rows || id == TREE_NONE || r.w < 2)
		return;
	y = r.y + r.h - rows;
	if (id != 0) {
		p = capture_frame_label(o->t->cap, o->t->nodes[id].frame, buf, sizeof(buf));
		n_where = detail_where(o->t->cap, o->t->nodes[id].frame, where);
	}
	/* The name, wrapped over the rows above the last two. */
	for (int i = 0; i < rows - 2; i++) {
		size_t k = wrap_at(s, p, r.w);

		screen_fill(s, r.x, y + i, r.w, ' ', ROLE_TITLE);
		if (i == rows - 3 && p[k]) {
			draw_cut(s, r.x, y + i, r.w, p, ROLE_TITLE);
			break;
		}
		screen_textn(s, r.x, y + i, r.w, p, k, ROLE_TITLE);
		p += k;
	}
	/* Figures keep off the last column, where a whole one could not be told from a cut one. */
	draw_fields(s, r.x, y + rows - 2, r.w - 1, fields, n_where, "  ", false, true, ROLE_DIM);
	draw_fields(s, r.x, y + rows - 1, r.w - 1,
		    joined_width(s, exact, n, 3) <= r.w - 1 ? exact : brief, n, "   ", false, false,
		    ROLE_NORMAL);
}

void tree_row_search(struct outline *o, struct outline *other, struct app *app,
		     const char *pattern)
{
	size_t n = outline_search(o, pattern);

	snprintf(other->pattern, sizeof(other->pattern), "%s", pattern);
	if (pattern[0] && !n)
		app_message(app, "no match for '%s'", pattern);
	else if (pattern[0])
		app_message(app, "%zu match%s for '%s'", n, n == 1 ? "" : "es", pattern);
}

enum view_result tree_row_key(struct outline *o, struct outline *other, size_t *top,
			      unsigned *origin, size_t page, struct app *app, enum action a)
{
	uint32_t nd = outline_node(o), depth;

	switch (a) {
	case A_SHIFT_LEFT:
		*origin = *origin > TREE_ROW_SHIFT ? *origin - TREE_ROW_SHIFT : 0;
		return ACT_NONE;
	case A_SHIFT_RIGHT:
		if (nd == TREE_NONE)
			return ACT_NONE;
		depth = o->t->nodes[nd].depth;
		*origin += TREE_ROW_SHIFT;
		if (depth > 2 && *origin < depth - 2)
			*origin = depth - 2;
		if (*origin > depth)
			*origin = depth;
		return ACT_NONE;
	case A_ESC:
		if (!o->pattern[0])
			return ACT_IGNORED;
		outline_search(o, "");
		other->pattern[0] = 0;
		return ACT_NONE;
	case A_NEXT_MATCH:
	case A_PREV_MATCH:
		if (!o->pattern[0])
			app_message(app, "no search: press / first");
		else if (!outline_next_match(o, a == A_NEXT_MATCH ? 1 : -1))
			app_message(app, "no match for '%s'", o->pattern);
		return ACT_NONE;
	case A_BACK:
		if (nd == o->root)
			return ACT_IGNORED;
		a = A_OUT;
		break;
	default:
		break;
	}
	return outline_keys_apply(o, top, page, a) ? ACT_NONE : ACT_IGNORED;
}

void tree_row_status(const struct outline *o, char *buf, size_t size, size_t n)
{
	uint32_t nd = outline_node(o);
	char fn[OUTLINE_MAX_NAME] = "";

	if (n >= size)
		return;
	if (nd != TREE_NONE && nd != 0)
		outline_search_text(o->t->cap, o->t->nodes[nd].frame, fn, sizeof(fn));
	else if (nd == 0)
		snprintf(fn, sizeof(fn), "<root>");
	n += (size_t)snprintf(buf + n, size - n, "%zu/%zu %s", o->n_rows ? o->cursor + 1 : 0,
			      o->n_rows, fn);
	if (o->pattern[0] && n < size)
		snprintf(buf + n, size - n, "  /%s (%zu)", o->pattern, o->n_matches);
}
