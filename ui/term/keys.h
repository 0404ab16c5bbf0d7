/*
 * keys: memtui's key codes and the key table.
 *
 * Backends translate whatever the terminal sends into these codes: a
 * printable key is its Unicode code point, Ctrl-letter is 1..26, and the
 * special keys are MK_* values above the Unicode range.  Views never see a
 * key, only the action the table binds it to (enum action), so the help
 * screen is generated from the same table that drives the program.
 *
 * Key names ("j", "Down", "PgDn", "Ctrl-L", "<Enter>") are shared by the help
 * screen and the replay syntax (replay.h).
 */
#ifndef MT_KEYS_H
#define MT_KEYS_H

#include <stddef.h>
#include <stdint.h>

enum mt_key {
	MK_EOF = -2,		/* no key will ever come */
	MK_NONE = -1,		/* no key within the timeout */
	MK_CTRL_C = 3,
	MK_TAB = 9,
	MK_CTRL_L = 12,
	MK_ESC = 27,
	MK_SPECIAL = 0x110000,	/* first code past Unicode */
	MK_ENTER,
	MK_BACKSPACE,
	MK_UP,
	MK_DOWN,
	MK_LEFT,
	MK_RIGHT,
	MK_PGUP,
	MK_PGDN,
	MK_HOME,
	MK_END,
	MK_F1,
	MK_BTAB,		/* Shift-Tab */
	MK_DELETE,
	MK_RESIZE,		/* the backend changed the grid's size */
};

enum action {
	A_NONE,
	A_DOWN,
	A_UP,
	A_PGDN,
	A_PGUP,
	A_FIRST,
	A_LAST,
	A_IN,			/* expand, go in, zoom in, open */
	A_OUT,			/* collapse, go out */
	A_ENTER,		/* Enter: as A_IN, but a view may open something */
	A_BACK,			/* Backspace: go out, zoom out, close an opened view */
	A_ESC,			/* Esc: clear the search, zoom out, close an opened view */
	A_EXPAND,
	A_EXPAND_ALL,
	A_COLLAPSE,
	A_COLLAPSE_ALL,
	A_SEARCH,
	A_NEXT_MATCH,
	A_PREV_MATCH,
	A_NEXT_VIEW,
	A_PREV_VIEW,
	A_VIEW_1,		/* ... A_VIEW_1 + 8: the views by number */
	A_VIEW_9 = A_VIEW_1 + 8,
	A_METRIC,
	A_INVERT,
	A_SORT,
	A_CLOSE,		/* q: close the view, quit from the last */
	A_QUIT,
	A_HELP,
	A_REDRAW,
	A_STAGES,		/* tree: stage table of the calls under the selection */
	A_MARK,			/* timeline, stages: mark this point as side A of a diff */
	A_DIFF,			/* diff the marked point (or a stage's start) with this one */
	A_TOGGLE,		/* the view's own switch (changed-only, alive/allocated, merge) */
	A_FLAME,		/* diff and stage trees: tree / flame graph */
	A_RSS,			/* timeline: hide or show RSS (rescaling to the heap) */
	A_NAMES,		/* full C++ names / short names, in every view */
	A_FOCUS,		/* trees, flame: the selected node becomes the root */
	A_SHIFT_LEFT,		/* trees: show shallower levels (origin back) */
	A_SHIFT_RIGHT,		/* trees: show deeper levels (origin forward) */
	/* Per-thread views (view_threads.c). */
	A_THREADS,		/* the thread selector: which threads every view shows */
	A_FOLD,			/* trees, flame graphs: folding rules on / off */
	A_GROUP,		/* top functions: next grouping */
	A_CALLERS,		/* callers and callees of the selected function */
	/* Export and editor (ui/export.h, ui/editor.h). */
	A_EXPORT,		/* write the view to a file, as memtui report would */
	A_EDIT,			/* the selected frame's file and line in $EDITOR */
};

struct key_binding {
	int key;		/* enum mt_key or a code point */
	enum action action;
	const char *help;	/* what it does, for the help screen; NULL: same as above */
};

/* The table, in help order; *n gets its length. */
const struct key_binding *keys_table(size_t *n);
/* The action bound to key, or A_NONE. */
enum action keys_action(int key);
/* A key's name ("j", "Down", "Ctrl-L", "Space") into buf; returns buf. */
char *keys_name(int key, char *buf, size_t size);
/* The key named name (as keys_name writes it, case-insensitive), or MK_NONE. */
int keys_parse_name(const char *name);

#endif
