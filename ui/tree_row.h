/*
 * tree_row: what the outline views of a call tree (view_tree.c, view_diff.c)
 * draw, do and say alike, around their own figures: the node part of a
 * row, the keys of the rows, the search and the position in the status line.
 *
 * A row is the view's columns, then the node: its indent by depth (at most a
 * third of the width), the open / closed / leaf marker, the function with the
 * search match highlighted (an ellipsis when it is cut), then dim, where the
 * frame is: its file and the [module] of a native frame.  The search is the
 * outline's (outline.h); a view keeps one outline per direction, and the
 * pattern goes to both.
 */
#ifndef MT_TREE_ROW_H
#define MT_TREE_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "outline.h"
#include "screen.h"
#include "view.h"

enum tree_row_flags {
	TREE_ROW_SELECTED = 1 << 0,	/* the cursor's row */
	TREE_ROW_LINE = 1 << 1,		/* file:line, not the file alone */
	TREE_ROW_SQUEEZE = 1 << 2,	/* when the base name and module do not fit: drop the
					 * module, then cut the left of the text (an ellipsis) */
};

/*
 * Draws node id of o's attached tree in w columns from (x, y): indent,
 * marker, function, file (by its base name when the full path does not fit)
 * and module.
 */
void tree_row_node(struct screen *s, int x, int y, int w, const struct outline *o, uint32_t id,
		   unsigned flags);

/* Rows of tree in a body of body_h rows below title_rows title rows (at least 1). */
size_t tree_row_page(int body_h, int title_rows);
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
 * the app (it closes an opened view), and the search keys: n and N move to
 * the next or previous match (or say why not), Esc clears the search of o
 * and other.  Returns ACT_NONE, or ACT_IGNORED for any other key and for
 * Esc without a search (the app's Esc).
 */
enum view_result tree_row_key(struct outline *o, struct outline *other, size_t *top, size_t page,
			      struct app *app, enum action a);

/*
 * Appends the status line's position to the n bytes in buf: "3/120 fn" (the
 * cursor's row, the rows, its function), then "  /pattern (matches)" while
 * searching.  Truncates as one snprintf of the whole line would.
 */
void tree_row_status(const struct outline *o, char *buf, size_t size, size_t n);

#endif
