/*
 * views: the table of the explorer's numbered views.
 *
 * Each entry names a view, says in which explorer it exists (one capture, or
 * the diff of two) and makes it; its number (the key 1..9 that shows it) is
 * its place among the entries of that explorer.  The explorer builds its
 * views from the table and the help screen lists them from it, so adding a
 * numbered view is its file and one line here.
 */
#ifndef MT_VIEWS_H
#define MT_VIEWS_H

#include <stddef.h>

#include "view.h"

enum views_set {
	VIEWS_ONE_CAPTURE,	/* memtui FILE */
	VIEWS_TWO_CAPTURES,	/* memtui A B */
};

/* Makes the numbered views of set into views[] (owned by the caller); returns how many. */
int views_make(enum views_set set, struct view **views, int max);
/* How many views set has (keys 1..count). */
int views_count(enum views_set set);
/* "1 tree, 2 flame graph, ..." of set into buf; returns buf. */
char *views_list(enum views_set set, char *buf, size_t size);

#endif
