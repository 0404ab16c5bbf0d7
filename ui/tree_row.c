/*
 * tree_row: the node part of an outline row, and the keys, search and
 * position of an outline view (tree_row.h).
 *
 * Fitting the node in its width, by priority: the indent gives way first
 * (at most a third of the width), then the function is cut with an ellipsis
 * so that it keeps what it can; the file and module get what is left, with
 * the file's full path when it fits, else its base name, and with
 * TREE_ROW_SQUEEZE the base name alone, then its end.  Nothing of the
 * location is drawn in two columns or less.
 */
#include "tree_row.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "glyphs.h"
#include "outline_keys.h"

size_t tree_row_page(int body_h, int title_rows)
{
	return body_h > title_rows ? (size_t)(body_h - title_rows) : 1;
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

/*
 * "  file[:line]  [module]" of a frame, the module for native frames only;
 * with the file's base name when it does not fit in w columns, then (with
 * TREE_ROW_SQUEEZE) without the module.
 */
static void where_text(const struct screen *s, const struct capture *cap, uint32_t frame,
		       unsigned flags, int w, char *buf, size_t size)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *file = capture_string(cap, f->file);
	const char *module = capture_string(cap, f->module);
	int passes = flags & TREE_ROW_SQUEEZE ? 3 : 2;

	/* Passes: full path and module, base name and module, base name alone. */
	for (int pass = 0; pass < passes; pass++) {
		size_t n = 0;

		buf[0] = 0;
		if (*file && flags & TREE_ROW_LINE)
			n = (size_t)snprintf(buf, size, "  %s:%u", pass ? basename_of(file) : file,
					     f->line);
		else if (*file)
			n = (size_t)snprintf(buf, size, "  %s", pass ? basename_of(file) : file);
		if (*module && f->kind != FRAME_PYTHON && n < size && (pass < 2 || !*file))
			snprintf(buf + n, size - n, "  [%s]", basename_of(module));
		if (screen_text_width(s, buf) <= w)
			return;
	}
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
	if (!(flags & TREE_ROW_SQUEEZE) || screen_text_width(s, where) <= w || w <= 4) {
		screen_text(s, x, y, w, where, dim);
		return;
	}
	/* Still too long: keep the end (file name, line, module) and mark the cut. */
	while (*p && screen_text_width(s, p) > w - 3)
		p++;
	screen_text(s, x, y, 2, "  ", dim);
	screen_put(s, x + 2, y, g->ellipsis, dim);
	screen_text(s, x + 3, y, w - 3, p, dim);
}

void tree_row_node(struct screen *s, int x, int y, int w, const struct outline *o, uint32_t id,
		   unsigned flags)
{
	const struct tree_node *nd = &o->t->nodes[id];
	const struct glyphs *g = glyphs_get(s->utf8);
	enum role normal = flags & TREE_ROW_SELECTED ? ROLE_SELECTED : ROLE_NORMAL;
	int indent = (int)nd->depth * 2, used;
	char fn[512];

	if (indent > w / 3)
		indent = w / 3;
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
	capture_frame_label(o->t->cap, nd->frame, fn, sizeof(fn));
	used = draw_label(s, x, y, w, fn, outline_matches(o, id) ? o->pattern : "", normal);
	if (used == w && screen_text_width(s, fn) > w)
		screen_put(s, x + w - 1, y, g->ellipsis, normal);
	draw_where(s, x + used, y, w - used, o->t->cap, nd->frame, flags);
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

enum view_result tree_row_key(struct outline *o, struct outline *other, size_t *top, size_t page,
			      struct app *app, enum action a)
{
	switch (a) {
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
		if (outline_node(o) == 0)
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
	char fn[256] = "";

	if (n >= size)
		return;
	if (nd != TREE_NONE && nd != 0)
		capture_frame_label(o->t->cap, o->t->nodes[nd].frame, fn, sizeof(fn));
	else if (nd == 0)
		snprintf(fn, sizeof(fn), "<root>");
	n += (size_t)snprintf(buf + n, size - n, "%zu/%zu %s", o->n_rows ? o->cursor + 1 : 0,
			      o->n_rows, fn);
	if (o->pattern[0] && n < size)
		snprintf(buf + n, size - n, "  /%s (%zu)", o->pattern, o->n_matches);
}
