/*
 * treecount: loads a capture and times the analyses behind the views on it,
 * one "key value" per line: the peak's top-down tree (nodes, depth), a flame
 * layout of WIDTH x HEIGHT cells from the root and from the deepest node of
 * the heaviest path's midpoint, and a WIDTH-column timeline (with the check
 * that its largest column is the peak).
 *
 *	treecount FILE [WIDTH [HEIGHT]]        (default 200 x 50)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "error.h"
#include "flame.h"
#include "registry.h"
#include "snapshot.h"
#include "timeline.h"
#include "tree.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Times one flame layout; prints its spans and rows. */
static void time_flame(const struct tree *t, uint32_t zoom, uint32_t width, uint32_t height,
		       const char *name)
{
	struct flame fl;
	double t0 = now_ms();

	flame_layout(&fl, t, TREE_ORDER_SIZE, zoom, width, height - 1);
	printf("%s_ms %.3f\n%s_spans %u\n%s_rows %u\n", name, now_ms() - t0, name, fl.n_spans,
	       name, fl.n_rows);
	flame_release(&fl);
}

int main(int argc, char **argv)
{
	struct capture *cap;
	struct mt_error err = { 0 };
	struct snapshot peak;
	struct tree t;
	struct timeline tl;
	uint32_t width = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 200;
	uint32_t height = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 50;
	uint32_t max_depth = 0, mid;
	char msg[512];
	double t0;

	if (argc < 2 || !width || !height) {
		fprintf(stderr, "usage: treecount FILE [WIDTH [HEIGHT]]\n");
		return 2;
	}
	t0 = now_ms();
	if (formats_load(argv[1], NULL, &cap, &err) < 0) {
		mt_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "treecount: %s\n", msg);
		return 2;
	}
	printf("load_ms %.1f\nevents %" PRIu64 "\nstacks %u\n", now_ms() - t0,
	       capture_totals(cap)->events, capture_stack_count(cap));

	t0 = now_ms();
	snapshot_peak(&peak, cap);
	tree_build(&t, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(&t, TREE_ORDER_SIZE);
	printf("tree_ms %.1f\ntree_nodes %u\n", now_ms() - t0, t.n);
	for (uint32_t i = 0; i < t.n; i++)
		if (t.nodes[i].depth > max_depth)
			max_depth = t.nodes[i].depth;
	printf("tree_depth %u\n", max_depth);

	time_flame(&t, TREE_NONE, width, height, "flame_root");
	/* Zoom halfway down the heaviest path. */
	mid = 0;
	for (uint32_t d = 0; d < max_depth / 2 && t.nodes[mid].first_child != TREE_NONE; d++)
		mid = t.nodes[mid].first_child;
	time_flame(&t, mid, width, height, "flame_zoom");

	t0 = now_ms();
	timeline_compute(&tl, cap, width, NULL, NULL);
	printf("timeline_ms %.1f\ntimeline_peak_ok %d\ntimeline_end_ok %d\n", now_ms() - t0,
	       tl.max_bytes == capture_totals(cap)->peak_bytes,
	       tl.cols[tl.n - 1].heap_bytes == capture_totals(cap)->end_bytes);
	timeline_release(&tl);

	tree_release(&t);
	snapshot_release(&peak);
	capture_free(cap);
	return 0;
}
