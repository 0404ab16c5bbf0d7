/*
 * tree_row: the node part of an outline row, the detail pane, and the keys,
 * search and position of an outline view (tree_row.h).
 *
 * Fitting the node in its width, by priority: the indent gives way first
 * (at most a third of the width, the depth as a number past that), then the
 * function takes its first form that fits (tree_row_name); the file and
 * module get what is left: the file's base name on every row (one column
 * reads one way; the pane has the full path).  With TREE_ROW_SQUEEZE what
 * does not fit goes: the module, then the start of the file name (an
 * ellipsis), and a module alone is drawn whole or not at all.  An unnamed
 * frame's label names its module already, so its row has no [module].
 */
#include "tree_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "glyphs.h"
#include "names.h"
#include "outline_keys.h"

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

/*
 * "  file[:line]  [module]" of a frame: the file's base name, the module for
 * named native frames only; with TREE_ROW_SQUEEZE, without the module when
 * that does not fit in w columns.
 */
static void where_text(const struct screen *s, const struct capture *cap, uint32_t frame,
		       unsigned flags, int w, char *buf, size_t size)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *file = basename_of(capture_string(cap, f->file));
	const char *module = capture_string(cap, f->module);
	size_t n = 0;

	buf[0] = 0;
	if (*file && flags & TREE_ROW_LINE)
		n = (size_t)snprintf(buf, size, "  %s:%u", file, f->line);
	else if (*file)
		n = (size_t)snprintf(buf, size, "  %s", file);
	if (!*module || f->kind == FRAME_PYTHON || !*capture_string(cap, f->function) ||
	    n >= size)
		return;
	snprintf(buf + n, size - n, "  [%s]", basename_of(module));
	if (flags & TREE_ROW_SQUEEZE && *file && screen_text_width(s, buf) > w)
		buf[n] = 0;
}

static void draw_where(struct screen *s, int x, int y, int w, const struct capture *cap,
		       uint32_t frame, unsigned flags)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	enum role dim = flags & TREE_ROW_SELECTED ? ROLE_SELECTED : ROLE_DIM;
	char where[600];
	const char *p = where;

	where_text(s, cap, frame, flags, w, where, sizeof(where));
	if (w <= 2 || !where[0])
		return;
	if (!(flags & TREE_ROW_SQUEEZE) || screen_text_width(s, where) <= w) {
		screen_text(s, x, y, w, where, dim);
		return;
	}
	if (w < 8 || !*capture_string(cap, capture_frame(cap, frame)->file))
		return;
	/* Still too long: keep the end (file name, line, module) and mark the cut. */
	while (*p && screen_text_width(s, p) > w - 3)
		p = next_char(p);
	screen_text(s, x, y, 2, "  ", dim);
	screen_put(s, x + 2, y, g->ellipsis, dim);
	screen_text(s, x + 3, y, w - 3, p, dim);
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
	char fn[OUTLINE_MAX_NAME], num[16];
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
	used = draw_label(s, x, y, w, text, outline_matches(o, id) ? o->pattern : "", normal);
	if (cut == 2 && used == w)
		screen_put(s, x + w - 1, y, g->ellipsis, normal);
	draw_where(s, x + used, y, w - used, o->t->cap, nd->frame, flags);
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

/* Text in one row of w columns with an ellipsis at its end when it is cut. */
static void draw_cut(struct screen *s, int x, int y, int w, const char *text, enum role role)
{
	int used = screen_text(s, x, y, w, text, role);

	if (used == w && screen_text_width(s, text) > w && w > 1)
		screen_put(s, x + w - 1, y, glyphs_get(s->utf8)->ellipsis, role);
}

/* Where the pane says frame is: its file path and line, and its module or address. */
static void detail_where(const struct capture *cap, uint32_t frame, char *buf, size_t size)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *file = capture_string(cap, f->file);
	const char *module = capture_string(cap, f->module);
	size_t n = 0;

	buf[0] = 0;
	if (*file)
		n = (size_t)snprintf(buf, size, "%s:%u  ", file, f->line);
	if (n >= size || f->kind == FRAME_PYTHON || f->kind == FRAME_THREAD)
		return;
	if (!*capture_string(cap, f->function))
		snprintf(buf + n, size - n, "%s 0x%" PRIx64 "%s%s",
			 capture_meta(cap)->native_offsets ? "offset" : "address", f->address,
			 *module ? " in " : "", module);
	else if (*module)
		snprintf(buf + n, size - n, "[%s]", module);
}

void tree_row_detail(struct screen *s, struct rect r, const struct outline *o, uint32_t id,
		     const char *figures, const char *alt)
{
	int rows = tree_row_detail_rows(r.h), y;
	char buf[64], where[1200] = "";
	const char *p = "<root>";

	if (!rows || id == TREE_NONE || r.w < 2)
		return;
	y = r.y + r.h - rows;
	if (id != 0) {
		p = capture_frame_label(o->t->cap, o->t->nodes[id].frame, buf, sizeof(buf));
		detail_where(o->t->cap, o->t->nodes[id].frame, where, sizeof(where));
	}
	/* The name, wrapped over the rows above the last two. */
	for (int i = 0; i < rows - 2; i++) {
		size_t n = fitting(s, p, r.w);

		screen_fill(s, r.x, y + i, r.w, ' ', ROLE_TITLE);
		if (i == rows - 3 && p[n]) {
			draw_cut(s, r.x, y + i, r.w, p, ROLE_TITLE);
			break;
		}
		screen_textn(s, r.x, y + i, r.w, p, n, ROLE_TITLE);
		p += n;
	}
	draw_cut(s, r.x, y + rows - 2, r.w, where, ROLE_DIM);
	if (alt && screen_text_width(s, figures) > r.w)
		figures = alt;
	draw_cut(s, r.x, y + rows - 1, r.w, figures, ROLE_NORMAL);
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
		if (nd == 0)
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
