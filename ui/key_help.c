/*
 * key_help: the two completed texts and the rule for view keys.
 */
#include "key_help.h"

#include <stdio.h>

#include "metric.h"

bool key_help_shown(const struct key_binding *b, int n_views)
{
	return b->action < A_VIEW_1 || b->action > A_VIEW_9 ||
	       (int)(b->action - A_VIEW_1) < n_views;
}

char *key_help_text(const struct key_binding *b, const char *views, char *buf, size_t size)
{
	char list[200];

	if (b->action == A_VIEW_1)
		snprintf(buf, size, "%s: %s", b->help, views);
	else if (b->action == A_METRIC)
		snprintf(buf, size, "%s: %s", b->help, metric_list(list, sizeof(list)));
	else
		snprintf(buf, size, "%s", b->help);
	return buf;
}
