/*
 * bigtree: writes a synthetic heaptrack capture (interpreted text, file
 * format 3) whose top-down call tree at the peak has over a million nodes,
 * for the key-latency benchmark of the tree and flame views.
 *
 *	bigtree [FANOUT [DEPTH]] > heaptrack.bigtree      (default 10 6)
 *
 * Model: main calls FANOUT functions, each of which calls FANOUT functions,
 * DEPTH levels deep; the function called at level k in position j is
 * "L<k>_f<j>" in file "gen/level<k>.c", so siblings are distinct functions
 * and every call path is its own tree node: 1 + 1 + FANOUT + ... + FANOUT^DEPTH
 * nodes with the root and main (1,111,112 by default).  Every leaf path
 * allocates once; sizes are skewed by the level-1 position (position j weighs
 * about FANOUT - j: 32 bytes a step, plus 0-31 from a hash of the path), so
 * flame widths differ.  After every leaf is live (the peak), every other leaf
 * is freed: the leaks are about half the peak.  A 'c' line every 4096 events
 * gives 1 ms steps, with an 'R' line beside it, so the timeline has a shape.
 *
 * The IPs are one per (level, position) plus main; trace nodes are written
 * depth first, each before its children, as heaptrack_interpret orders them.
 * Deterministic: the same arguments give the same bytes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 12
#define MAX_FANOUT 64

struct gen {
	FILE *out;
	unsigned fanout, depth;
	uint64_t next_trace;	/* the index the next 't' line gets (1-based) */
	uint64_t next_info;	/* the index the next 'a' line gets (0-based) */
	uint64_t events;	/* '+' and '-' lines so far */
	uint64_t live_bytes;
};

static void put_string(FILE *out, const char *s)
{
	fprintf(out, "s %zx %s\n", strlen(s), s);
}

/* Strings 1 (module), 2 (main), 3 (main.c), then per level: file, FANOUT functions. */
static uint64_t function_string(const struct gen *g, unsigned level, unsigned j)
{
	return 4 + (uint64_t)(level - 1) * (g->fanout + 1) + 1 + j;
}

static uint64_t file_string(const struct gen *g, unsigned level)
{
	return 4 + (uint64_t)(level - 1) * (g->fanout + 1);
}

/* IP 1 is main; IP of (level, j) follows. */
static uint64_t ip_index(const struct gen *g, unsigned level, unsigned j)
{
	return 2 + (uint64_t)(level - 1) * g->fanout + j;
}

static void header(struct gen *g)
{
	char name[64];

	fprintf(g->out, "v 10400 3\nX ./bigtree %u %u\nI 1000 400000\n", g->fanout, g->depth);
	put_string(g->out, "/opt/memtui-bench/bigtree");
	put_string(g->out, "main");
	put_string(g->out, "gen/main.c");
	for (unsigned k = 1; k <= g->depth; k++) {
		snprintf(name, sizeof(name), "gen/level%u.c", k);
		put_string(g->out, name);
		for (unsigned j = 0; j < g->fanout; j++) {
			snprintf(name, sizeof(name), "L%u_f%u", k, j);
			put_string(g->out, name);
		}
	}
	fprintf(g->out, "i 401000 1 2 3 a\n");
	for (unsigned k = 1; k <= g->depth; k++)
		for (unsigned j = 0; j < g->fanout; j++)
			fprintf(g->out, "i %" PRIx64 " 1 %" PRIx64 " %" PRIx64 " %x\n",
				(uint64_t)0x402000 + ((uint64_t)k << 12) + (uint64_t)j * 16,
				function_string(g, k, j), file_string(g, k), j + 1);
}

/* Counts an event; every 4096 a time step and an RSS line (which only grows, as RSS often does). */
static void tick(struct gen *g)
{
	g->events++;
	if (g->events % 4096 == 0)
		fprintf(g->out, "c %" PRIx64 "\nR %" PRIx64 "\n", g->events / 4096,
			0x400 + g->live_bytes / 4096);
}

/* A leaf's size: skewed by its level-1 position, varied by a hash of its path. */
static uint64_t leaf_size(const struct gen *g, unsigned top, uint64_t path)
{
	uint64_t h = path * 0x9E3779B97F4A7C15ULL;

	return 32 * (uint64_t)(g->fanout - top) + (h >> 59);
}

/*
 * Writes the trace nodes of the subtree at level (position j, parent trace
 * parent) depth first, and one allocation per leaf.
 */
static void subtree(struct gen *g, unsigned level, unsigned j, uint64_t parent, unsigned top,
		    uint64_t path)
{
	uint64_t trace = g->next_trace++;

	fprintf(g->out, "t %" PRIx64 " %" PRIx64 "\n", ip_index(g, level, j), parent);
	if (level == g->depth) {
		uint64_t size = leaf_size(g, top, path);

		fprintf(g->out, "a %" PRIx64 " %" PRIx64 "\n+ %" PRIx64 "\n", size, trace,
			g->next_info++);
		g->live_bytes += size;
		tick(g);
		return;
	}
	for (unsigned c = 0; c < g->fanout; c++)
		subtree(g, level + 1, c, trace, top, path * g->fanout + c);
}

int main(int argc, char **argv)
{
	struct gen g = { stdout, 10, 6, 1, 0, 0, 0 };
	uint64_t main_trace;

	if (argc > 1)
		g.fanout = (unsigned)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		g.depth = (unsigned)strtoul(argv[2], NULL, 10);
	if (g.fanout < 1 || g.fanout > MAX_FANOUT || g.depth < 1 || g.depth > MAX_DEPTH) {
		fprintf(stderr, "usage: bigtree [FANOUT (1-%d) [DEPTH (1-%d)]]\n", MAX_FANOUT,
			MAX_DEPTH);
		return 2;
	}
	header(&g);
	main_trace = g.next_trace++;
	fprintf(g.out, "t 1 0\nc 0\n");
	for (unsigned j = 0; j < g.fanout; j++)
		subtree(&g, 1, j, main_trace, j, j);
	/* Free every other leaf: allocation info k belongs to the k-th leaf. */
	for (uint64_t k = 0; k < g.next_info; k += 2) {
		fprintf(g.out, "- %" PRIx64 "\n", k);
		tick(&g);
	}
	fprintf(g.out, "c %" PRIx64 "\n\n# strings: %u\n# ips: %u\n", g.events / 4096 + 1,
		3 + g.depth * (g.fanout + 1), 1 + g.depth * g.fanout);
	return fflush(stdout) ? 1 : 0;
}
