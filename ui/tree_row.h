/*
 * tree_row: what the outline views of a call tree (view_tree.c, view_diff.c)
 * draw, do and say alike, around their own figures: the node part of a
 * row, the detail pane under the rows, the keys of the rows, the search and
 * the position in the status line.
 *
 * A row is the view's columns, then the node: its indent by depth, the open /
 * closed / leaf marker, the function with the search match highlighted, then
 * dim, where the frame is: its file's base name (with :line in the tree view)
 * and the [module] of a named native frame.  A C++ function reads in its short
 * form (names.h: no return type or template arguments), or its brief form
 * (parameters as "(...)") when that does not fit, or the end of the brief form
 * after an ellipsis, so what is cut is the namespace, never the method; full
 * names (app->full_names, the key v) are cut at their end instead.
 *
 * Depth: the indent is two columns a level, counted from the view's origin
 * (the first level shown, moved sideways by < and >), and at most a third of
 * the node's width; a row at that cap or above the origin shows its depth as
 * a number before its marker, so children, siblings and uncles stay apart
 * however deep the tree goes.
 *
 * The detail pane, at the bottom of the body when it is tall enough, names the
 * cursor's node in full: the whole demangled name (wrapped), its file path,
 * line and module (or its address), and the view's figures for it.
 *
 * The search is the outline's (outline.h: function names without their
 * parameters, and file base names); a view keeps one outline per direction,
 * and the pattern goes to both.
 */
#ifndef MT_TREE_ROW_H
#define MT_TREE_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outline.h"
#include "screen.h"
#include "view.h"

enum tree_row_flags {
	TREE_ROW_SELECTED = 1 << 0,	/* the cursor's row */
	TREE_ROW_LINE = 1 << 1,		/* file:line, not the file alone */
	TREE_ROW_FULL = 1 << 2,		/* full names (app->full_names) */
};

/* Levels that < and > move the origin by. */
#define TREE_ROW_SHIFT 4

/*
 * Draws node id of o's attached tree in w columns from (x, y): indent (from
 * level origin), depth number, marker, function, file and module.
 */
void tree_row_node(struct screen *s, int x, int y, int w, const struct outline *o, uint32_t id,
		   unsigned flags, unsigned origin);

/*
 * The name of frame as it is drawn in w columns: with full, the whole name,
 * else the first of its short form, its brief form, and the end of its brief
 * form from a scope ("Parser::ParseX(...)") or, when even the last scope is
 * too wide, the end of that scope's name without its parameters, that fits
 * (Python and thread frames, and names without scopes such as C's, are cut
 * at their end, as is any name in less than 6 columns).  Returns the text to
 * draw, in buf; *cut is 1 when the start is cut off (the caller draws an
 * ellipsis in the column before it, and the text fits in the w - 1 after
 * it), 2 when the end does not fit (the caller cuts it and ends with an
 * ellipsis), else 0.
 */
const char *tree_row_name(const struct screen *s, const struct capture *cap, uint32_t frame,
			  bool full, int w, char *buf, size_t size, int *cut);
/*
 * The breadcrumb of node in w columns from (x, y): "focus: all > main > load"
 * by function names (outline_search_text), then tail ("57.3% of all"); the
 * levels nearest the root give way to an ellipsis when it is too wide.
 */
void tree_row_breadcrumb(struct screen *s, int x, int y, int w, const struct tree *t,
			 uint32_t node, const char *tail);
/* Rows of the detail pane in a body of body_h rows (0 when the body is too short). */
int tree_row_detail_rows(int body_h);
/*
 * Rows of tree in a body of body_h rows below title_rows title rows and above
 * the detail pane (at least 1).
 */
size_t tree_row_page(int body_h, int title_rows);
/*
 * Draws the detail pane of node id of o in the last rows of r (as many as
 * tree_row_detail_rows gives): the full name, wrapped (cut at the end of its
 * last row), where the frame is (path and line, module, address), and the
 * view's figures: the n fields of exact when they all fit, else of brief, as
 * many whole ones as fit.  No field is ever cut, so no number is.
 */
void tree_row_detail(struct screen *s, struct rect r, const struct outline *o, uint32_t id,
		     const char *const *exact, const char *const *brief, int n);
/*
 * Bytes of text to draw in w columns before an ellipsis: whole characters,
 * never part of a figure (a word that starts with a digit, after any "(",
 * "+" or "-": "12.5%", "0x9613", "4.00 MiB" end before the word, not inside
 * it, even when it is the first), and never inside a run of digits ("16u"
 * is not cut to "1…").
 */
size_t tree_row_cut(const struct screen *s, const char *text, int w);
/*
 * After inverting the tree: selects node, the root's child that names the
 * function selected in the other direction, and opens it on its callers (or
 * callees).  Nothing when node is TREE_NONE.
 */
void tree_row_reveal(struct outline *o, uint32_t node);

/*
 * Searches o for pattern ("" clears), gives other (the outline of the other
 * direction) the same pattern for its next attach, and says on the app's
 * message line how many nodes match.
 */
void tree_row_search(struct outline *o, struct outline *other, struct app *app,
		     const char *pattern);
/*
 * The keys of the rows, on o (other: the outline of the other direction):
 * the moving keys (outline_keys.h; *top, the first row shown, moves by page
 * rows), Backspace, which goes to the parent or, at the root, is left to
 * the app (it closes an opened view), < and >, which move *origin by
 * TREE_ROW_SHIFT levels (not below 0, not past the cursor's depth; > goes at
 * once to two levels above the cursor when that is further), and
 * the search keys: n and N move to the next or previous match (or say why
 * not), Esc clears the search of o and other.  Returns ACT_NONE, or
 * ACT_IGNORED for any other key and for Esc without a search (the app's Esc).
 */
enum view_result tree_row_key(struct outline *o, struct outline *other, size_t *top,
			      unsigned *origin, size_t page, struct app *app, enum action a);

/*
 * Appends the status line's position to the n bytes in buf: "3/120 fn" (the
 * cursor's row, the rows, its function's brief form), then "  /pattern
 * (matches)" while searching.  Truncates as one snprintf of the whole line
 * would.
 */
void tree_row_status(const struct outline *o, char *buf, size_t size, size_t n);

#endif
