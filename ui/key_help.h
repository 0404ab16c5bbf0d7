/*
 * key_help: what the help says of a key binding, for the help screen
 * (view_help.c) and the manual (src/cli/docs.c) alike.  keys.c's table holds
 * each binding's text; two texts name a list that lives in another table and
 * are completed here: "view by number" with the numbered views (views.c) and
 * "next metric" with the metrics (metric.h).  A view key past the views an
 * explorer has is not shown.
 */
#ifndef MT_KEY_HELP_H
#define MT_KEY_HELP_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

/* Whether binding b is shown for an explorer of n_views numbered views. */
bool key_help_shown(const struct key_binding *b, int n_views);
/*
 * Binding b's help text (b->help not NULL) into buf, completed with views,
 * the list of views the reader has ("1 tree, 2 flame graph, ..."), where it
 * names the views.  Returns buf.
 */
char *key_help_text(const struct key_binding *b, const char *views, char *buf, size_t size);

#endif
