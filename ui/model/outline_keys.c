/*
 * outline_keys: l/Enter open a closed node or step into an open one; h closes
 * an open node or steps to the parent; e/E/c/C work on the selected subtree
 * or on everything.
 */
#include "outline_keys.h"

static void go_out(struct outline *o, uint32_t nd)
{
	if (nd != o->root && outline_is_open(o, nd))
		outline_collapse(o, nd);
	else if (nd != o->root)
		outline_select(o, o->t->nodes[nd].parent);
}

bool outline_keys_apply(struct outline *o, size_t *top, size_t page, enum action a)
{
	uint32_t nd = outline_node(o);

	switch (a) {
	case A_DOWN:
	case A_UP:
		outline_move(o, a == A_DOWN ? 1 : -1);
		return true;
	case A_PGDN:
		*top += page;
		outline_move(o, (long)page);
		return true;
	case A_PGUP:
		*top = *top > page ? *top - page : 0;
		outline_move(o, -(long)page);
		return true;
	case A_FIRST:
	case A_LAST:
		outline_set_cursor(o, a == A_FIRST || !o->n_rows ? 0 : o->n_rows - 1);
		return true;
	default:
		break;
	}
	if (nd == TREE_NONE)
		return false;
	switch (a) {
	case A_IN:
	case A_ENTER:
		if (outline_is_open(o, nd))
			outline_move(o, 1);
		else
			outline_expand(o, nd);
		return true;
	case A_OUT:
		go_out(o, nd);
		return true;
	case A_EXPAND:
	case A_EXPAND_ALL:
		outline_expand_all(o, a == A_EXPAND ? nd : o->root);
		return true;
	case A_COLLAPSE:
	case A_COLLAPSE_ALL:
		outline_collapse_all(o, a == A_COLLAPSE ? nd : o->root);
		return true;
	default:
		return false;
	}
}

size_t outline_keys_top(size_t cursor, size_t n_rows, size_t top, size_t rows)
{
	if (cursor < top)
		top = cursor;
	if (cursor >= top + rows)
		top = cursor - rows + 1;
	if (n_rows > rows && top > n_rows - rows)
		top = n_rows - rows;
	if (n_rows <= rows)
		top = 0;
	return top;
}
