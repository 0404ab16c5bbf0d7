/*
 * views: the numbered views, in key order within each set.
 */
#include "views.h"

#include <stdio.h>

struct view_entry {
	enum views_set set;
	const char *name;	/* as the help lists it */
	/* Makes the view; made[] holds the set's views made before it (the diff flame
	 * graph shares the diff tree's trees). */
	struct view *(*make)(struct view *const *made);
};

static struct view *make_tree(struct view *const *made)
{
	return view_tree_new();
}

static struct view *make_flame(struct view *const *made)
{
	return view_flame_new();
}

static struct view *make_timeline(struct view *const *made)
{
	return view_timeline_new();
}

static struct view *make_stages(struct view *const *made)
{
	return view_stages_new(NULL);
}

static struct view *make_top(struct view *const *made)
{
	return view_top_new();
}

static struct view *make_sizes(struct view *const *made)
{
	return view_sizes_new();
}

static struct view *make_diff_tree(struct view *const *made)
{
	return view_diff_new_tree();
}

static struct view *make_diff_flame(struct view *const *made)
{
	return view_diff_new_flame(made[0]);
}

static const struct view_entry table[] = {
	{ VIEWS_ONE_CAPTURE, "tree", make_tree },
	{ VIEWS_ONE_CAPTURE, "flame graph", make_flame },
	{ VIEWS_ONE_CAPTURE, "timeline", make_timeline },
	{ VIEWS_ONE_CAPTURE, "stages", make_stages },
	{ VIEWS_ONE_CAPTURE, "top functions", make_top },
	{ VIEWS_ONE_CAPTURE, "sizes", make_sizes },
	{ VIEWS_TWO_CAPTURES, "diff tree", make_diff_tree },
	{ VIEWS_TWO_CAPTURES, "diff flame graph", make_diff_flame },
};

int views_make(enum views_set set, struct view **views, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < max; i++) {
		if (table[i].set == set) {
			views[n] = table[i].make(views);
			n++;
		}
	}
	return n;
}

int views_count(enum views_set set)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		n += table[i].set == set;
	return n;
}

char *views_list(enum views_set set, char *buf, size_t size)
{
	size_t used = 0;
	int n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && used < size; i++) {
		if (table[i].set != set)
			continue;
		n++;
		used += (size_t)snprintf(buf + used, size - used, "%s%d %s", n > 1 ? ", " : "", n,
					 table[i].name);
	}
	return buf;
}
