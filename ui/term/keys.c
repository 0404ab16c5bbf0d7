/*
 * keys: the key table (the one place bindings are defined) and key names.
 *
 * The bindings follow what users of less, vim, ncdu and perf report expect:
 * j/k and arrows move, h/l and Left/Right go out and in, g/G ends, / n N
 * search, q closes, ? helps.  Consecutive entries with the same action form
 * one help line; only the first carries the text.  The help screen completes
 * two texts from other tables: the views by number (ui/views.c) and the
 * metrics (src/analysis/metric.c).
 */
#include "keys.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct key_binding table[] = {
	{ 'j', A_DOWN, "move down; flame: into the first callee" },
	{ MK_DOWN, A_DOWN, NULL },
	{ 'k', A_UP, "move up; flame: out to the caller" },
	{ MK_UP, A_UP, NULL },
	{ MK_PGDN, A_PGDN, "page down" },
	{ 6, A_PGDN, NULL },
	{ MK_PGUP, A_PGUP, "page up" },
	{ 2, A_PGUP, NULL },
	{ 'g', A_FIRST, "first row; timeline: start" },
	{ MK_HOME, A_FIRST, NULL },
	{ 'G', A_LAST, "last row; timeline: end" },
	{ MK_END, A_LAST, NULL },
	{ 'l', A_IN, "expand, or go to the first child; flame: next frame; timeline: later" },
	{ MK_RIGHT, A_IN, NULL },
	{ MK_ENTER, A_ENTER,
	  "expand/go in; flame: zoom in (focus); timeline: tree of the heap then" },
	{ 'h', A_OUT, "collapse, or go to the parent; flame: previous frame; timeline: earlier" },
	{ MK_LEFT, A_OUT, NULL },
	{ MK_BACKSPACE, A_BACK,
	  "collapse/go out; at a focus: back to the one before; back from an opened view" },
	{ MK_ESC, A_ESC, "clear the search; flame: zoom out; back from an opened view" },
	{ 'e', A_EXPAND, "expand the selected node and everything below it" },
	{ 'E', A_EXPAND_ALL, "expand every node" },
	{ 'c', A_COLLAPSE, "collapse the selected node and everything below it" },
	{ 'C', A_COLLAPSE_ALL, "collapse every node" },
	{ '/', A_SEARCH,
	  "search function names (not their parameters) and file names (smart case)" },
	{ 'n', A_NEXT_MATCH, "next match" },
	{ 'N', A_PREV_MATCH, "previous match" },
	{ MK_TAB, A_NEXT_VIEW, "next view" },
	{ MK_BTAB, A_PREV_VIEW, "previous view" },
	{ '1', A_VIEW_1, "view by number" },
	{ '2', A_VIEW_1 + 1, NULL },
	{ '3', A_VIEW_1 + 2, NULL },
	{ '4', A_VIEW_1 + 3, NULL },
	{ '5', A_VIEW_1 + 4, NULL },
	{ '6', A_VIEW_1 + 5, NULL },
	{ '7', A_VIEW_1 + 6, NULL },
	{ '8', A_VIEW_1 + 7, NULL },
	{ '9', A_VIEW_1 + 8, NULL },
	{ 'm', A_METRIC, "next metric" },
	{ 'i', A_INVERT, "invert the tree: top-down / bottom-up (callers of the selection)" },
	{ 's', A_SORT, "next sort order: size, count, name, self; top: inclusive, self, name" },
	{ 'S', A_STAGES, "tree: stage table of the successive calls under the selected function" },
	{ ' ', A_MARK, "timeline, stages: mark this time or stage as side A of a diff" },
	{ 'd', A_DIFF,
	  "timeline, stages: diff the mark with the cursor; stage tree: start vs end" },
	{ 't', A_TOGGLE,
	  "diff: changed paths only; stage tree: alive at end / all allocated; "
	  "stages: merge repeated calls; sizes: run / peak / leaks / allocators; "
	  "callers view: callers / callees" },
	{ 'f', A_FLAME, "diff, stage tree: switch between tree and flame graph" },
	{ 'r', A_RSS, "timeline: hide or show RSS, scaling the graph to the heap alone" },
	{ 'v', A_NAMES, "full C++ names / short names (no templates; where short, no parameters)" },
	{ 'F', A_FOCUS,
	  "tree, flame: focus: the selected node becomes the root (Backspace: back)" },
	{ 'z', A_FOLD, "fold frames on / off: runpy, CPython, libc presets and --fold rules" },
	{ '>', A_SHIFT_RIGHT, "trees: scroll sideways to deeper levels (depths as numbers)" },
	{ '<', A_SHIFT_LEFT, "trees: scroll back to shallower levels" },
	{ 'o', A_GROUP, "top: group by function, location, file, module" },
	{ 'x', A_CALLERS,
	  "tree, flame, top: callers and callees of the selected function, over all its paths" },
	{ 'q', A_CLOSE, "close the view (quit from the last one)" },
	{ 'Q', A_QUIT, "quit" },
	{ MK_CTRL_C, A_QUIT, NULL },
	{ '?', A_HELP, "this help" },
	{ MK_F1, A_HELP, NULL },
	{ MK_CTRL_L, A_REDRAW, "redraw the screen" },
	/* Per-thread views. */
	{ 'T', A_THREADS, "threads: show only some threads in every view (Space, Enter, Esc)" },
	/* Export and editor. */
	{ 'w', A_EXPORT,
	  "write the view to a file as memtui report does (.txt, .json, .csv, .folded)" },
	{ 'O', A_EDIT, "open the selected frame's file at its line in $VISUAL or $EDITOR" },
};

const struct key_binding *keys_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

enum action keys_action(int key)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].key == key)
			return table[i].action;
	return A_NONE;
}

static const struct {
	int key;
	const char *name;
} names[] = {
	{ MK_ENTER, "Enter" },	 { MK_BACKSPACE, "Backspace" }, { MK_UP, "Up" },
	{ MK_DOWN, "Down" },	 { MK_LEFT, "Left" },		{ MK_RIGHT, "Right" },
	{ MK_PGUP, "PgUp" },	 { MK_PGDN, "PgDn" },		{ MK_HOME, "Home" },
	{ MK_END, "End" },	 { MK_F1, "F1" },		{ MK_BTAB, "S-Tab" },
	{ MK_DELETE, "Delete" }, { MK_TAB, "Tab" },		{ MK_ESC, "Esc" },
	{ ' ', "Space" },	 { MK_BACKSPACE, "BS" },	{ '<', "lt" },
};

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *keys_name(int key, char *buf, size_t size)
{
	char enc[5] = { 0 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].key == key && key != '<') {
			snprintf(buf, size, "%s", names[i].name);
			return buf;
		}
	}
	if (key >= 1 && key <= 26)
		snprintf(buf, size, "Ctrl-%c", 'A' + key - 1);
	else if (key > ' ' && key < MK_SPECIAL)
		snprintf(buf, size, "%.*s", (int)utf8_encode((uint32_t)key, enc), enc);
	else
		snprintf(buf, size, "?");
	return buf;
}

int keys_parse_name(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(names[i].name, name))
			return names[i].key;
	if (!strncasecmp(name, "Ctrl-", 5) && name[5] && !name[6]) {
		char c = name[5] | 0x20;

		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
	}
	if (!strncasecmp(name, "C-", 2) && name[2] && !name[3]) {
		char c = name[2] | 0x20;

		if (c >= 'a' && c <= 'z')
			return c - 'a' + 1;
	}
	return MK_NONE;
}
