/*
 * Unit tests of the icicle layout on trees built from hand-made captures:
 * exact widths of known splits, zoom, narrow children hidden and flagged,
 * the depth limit, the keyboard moves and span lookup by column, and on
 * random trees the layout invariants (every width within one cell of exact,
 * children inside their parent, rows ordered, every node at least a cell
 * wide drawn, spans bounded by rows x width).
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "flame.h"
#include "snapshot.h"
#include "tree.h"

/* A peak snapshot of cap as a sorted top-down tree. */
static void peak_tree(struct tree *t, const struct capture *cap, enum tree_order metric)
{
	struct snapshot peak;

	snapshot_peak(&peak, cap);
	tree_build(t, cap, &peak, TREE_TOP_DOWN, NULL);
	tree_sort(t, metric);
	snapshot_release(&peak);
}

static const char *span_name(const struct flame *fl, const struct flame_span *sp)
{
	const struct capture *cap = fl->tree->cap;

	return capture_string(cap, capture_frame(cap, fl->tree->nodes[sp->node].frame)->function);
}

/* root -> a 50, b 30, c 20 (bytes); counts 1, 3, 6. */
static struct capture *split_50_30_20(void)
{
	return FX_CAPTURE("frames: @x.c", "a +50", "b +30 x3", "c +20 x6");
}

TEST(exact_widths)
{
	struct capture *cap = split_50_30_20();
	struct tree t;
	struct flame fl;
	const struct flame_span *row;
	uint32_t n;

	peak_tree(&t, cap, TREE_ORDER_SIZE);
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 80, FLAME_DEPTH_ALL);
	CHECK_EQ_I64(fl.n_rows, 2);
	row = flame_row(&fl, 0, &n);
	CHECK_EQ_I64(n, 1);
	CHECK_EQ_I64(row[0].node, 0);
	CHECK_EQ_I64(row[0].width, 80);
	CHECK_EQ_I64(row[0].flags, 0);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 3);
	CHECK(!strcmp(span_name(&fl, &row[0]), "a"));
	CHECK_EQ_I64(row[0].x, 0);
	CHECK_EQ_I64(row[0].width, 40);
	CHECK(!strcmp(span_name(&fl, &row[1]), "b"));
	CHECK_EQ_I64(row[1].x, 40);
	CHECK_EQ_I64(row[1].width, 24);
	CHECK(!strcmp(span_name(&fl, &row[2]), "c"));
	CHECK_EQ_I64(row[2].x, 64);
	CHECK_EQ_I64(row[2].width, 16);
	CHECK(flame_row(&fl, 2, &n) == NULL && n == 0);
	flame_release(&fl);

	/* Width 7: exact 3.5 / 2.1 / 1.4; edges round(0, 3.5, 5.6, 7) = 0, 4, 6, 7. */
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 7, FLAME_DEPTH_ALL);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 3);
	CHECK_EQ_I64(row[0].width, 4);
	CHECK_EQ_I64(row[1].width, 2);
	CHECK_EQ_I64(row[2].width, 1);
	flame_release(&fl);
	tree_release(&t);

	/* By count the order is c 6, b 3, a 1 of 10: at 80 cells 48, 24, 8. */
	peak_tree(&t, cap, TREE_ORDER_COUNT);
	flame_layout(&fl, &t, TREE_ORDER_COUNT, TREE_NONE, 80, FLAME_DEPTH_ALL);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 3);
	CHECK(!strcmp(span_name(&fl, &row[0]), "c"));
	CHECK_EQ_I64(row[0].width, 48);
	CHECK_EQ_I64(row[1].width, 24);
	CHECK_EQ_I64(row[2].width, 8);
	CHECK_EQ_I64(row[2].x, 72);
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

/* main 100 -> {work 60 -> {parse 45 -> lex 45, emit 15}, io 40 -> write 40}. */
static struct capture *program(void)
{
	return FX_CAPTURE("frames: @x.c",
			  "main;work",
			  "main;io",
			  "main;work;parse;lex +45",
			  "main;work;emit +15",
			  "main;io;write +40");
}

static uint32_t node_named(const struct tree *t, const char *fn)
{
	const struct capture *cap = t->cap;

	for (uint32_t i = 1; i < t->n; i++) {
		const struct frame *f = capture_frame(cap, t->nodes[i].frame);

		if (!strcmp(capture_string(cap, f->function), fn))
			return i;
	}
	return TREE_NONE;
}

TEST(zoom_and_depth)
{
	struct capture *cap = program();
	struct tree t;
	struct flame fl;
	const struct flame_span *row;
	uint32_t n, work;

	peak_tree(&t, cap, TREE_ORDER_SIZE);
	work = node_named(&t, "work");
	flame_layout(&fl, &t, TREE_ORDER_SIZE, work, 60, FLAME_DEPTH_ALL);
	CHECK_EQ_I64(fl.total, 60);
	CHECK_EQ_I64(fl.n_rows, 3);
	row = flame_row(&fl, 0, &n);
	CHECK(n == 1 && row[0].node == work && row[0].width == 60);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 2);
	CHECK(!strcmp(span_name(&fl, &row[0]), "parse"));
	CHECK_EQ_I64(row[0].width, 45);
	CHECK(!strcmp(span_name(&fl, &row[1]), "emit"));
	CHECK_EQ_I64(row[1].x, 45);
	CHECK_EQ_I64(row[1].width, 15);
	row = flame_row(&fl, 2, &n);
	CHECK(n == 1 && !strcmp(span_name(&fl, &row[0]), "lex") && row[0].width == 45);
	flame_release(&fl);

	/* Depth 1 from the root: root and main; main is cut with its 100 bytes below. */
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 50, 1);
	CHECK_EQ_I64(fl.n_rows, 2);
	row = flame_row(&fl, 1, &n);
	CHECK(n == 1 && !strcmp(span_name(&fl, &row[0]), "main"));
	CHECK_EQ_I64(row[0].flags, FLAME_SPAN_CUT);
	CHECK_EQ_I64(row[0].hidden, 100);
	CHECK_EQ_I64(row[0].first_child, FLAME_NONE);
	flame_release(&fl);
	/* Depth 0: the zoom row alone. */
	flame_layout(&fl, &t, TREE_ORDER_SIZE, work, 50, 0);
	CHECK_EQ_I64(fl.n_rows, 1);
	CHECK_EQ_I64(fl.spans[0].flags, FLAME_SPAN_CUT);
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

TEST(navigation)
{
	struct capture *cap = program();
	struct tree t;
	struct flame fl;
	struct flame_pos pos = { 0, 0 }, start;

	peak_tree(&t, cap, TREE_ORDER_SIZE);
	/* Rows: root | main | work 60, io 40 | parse 45, emit 15, write 40 | lex 45. */
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 100, FLAME_DEPTH_ALL);
	CHECK_EQ_I64(fl.n_rows, 5);
	CHECK(!flame_parent(&fl, &pos));
	CHECK(!flame_prev(&fl, &pos) && !flame_next(&fl, &pos));
	CHECK(flame_first_child(&fl, &pos) && pos.row == 1 && pos.idx == 0);
	CHECK(flame_first_child(&fl, &pos) && pos.row == 2);
	CHECK(!strcmp(span_name(&fl, flame_span(&fl, pos)), "work"));
	CHECK(flame_next(&fl, &pos));
	CHECK(!strcmp(span_name(&fl, flame_span(&fl, pos)), "io"));
	CHECK(!flame_next(&fl, &pos));
	CHECK(flame_first_child(&fl, &pos) && pos.row == 3 && pos.idx == 2);
	CHECK(!strcmp(span_name(&fl, flame_span(&fl, pos)), "write"));
	CHECK(!flame_first_child(&fl, &pos));
	/* Left from write crosses to emit, whose parent is work, not io. */
	CHECK(flame_prev(&fl, &pos));
	CHECK(!strcmp(span_name(&fl, flame_span(&fl, pos)), "emit"));
	start = pos;
	CHECK(flame_parent(&fl, &pos) && pos.row == 2);
	CHECK(!strcmp(span_name(&fl, flame_span(&fl, pos)), "work"));
	CHECK(flame_span(&fl, start)->parent == 0);

	/* Columns: parse [0,45), emit [45,60), write [60,100); lex [0,45) then a gap. */
	CHECK_EQ_I64(flame_span_at(&fl, 3, 0), 0);
	CHECK_EQ_I64(flame_span_at(&fl, 3, 44), 0);
	CHECK_EQ_I64(flame_span_at(&fl, 3, 45), 1);
	CHECK_EQ_I64(flame_span_at(&fl, 3, 99), 2);
	CHECK_EQ_I64(flame_span_at(&fl, 3, 100), FLAME_NONE);
	CHECK_EQ_I64(flame_span_at(&fl, 4, 45), FLAME_NONE);
	CHECK_EQ_I64(flame_span_at(&fl, 9, 0), FLAME_NONE);
	CHECK(flame_find(&fl, node_named(&t, "lex"), &pos) && pos.row == 4 && pos.idx == 0);
	CHECK(!flame_find(&fl, TREE_NONE - 1, &pos));
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

/* root -> big 1000, then 30 siblings of 1 byte each: at width 10 none is a cell wide. */
TEST(narrow_children_hidden)
{
	struct capture_builder *b = capture_builder_new();
	struct capture *cap;
	struct tree t;
	struct flame fl;
	const struct flame_span *row;
	uint32_t n;

	FX_ADD(b, "big@x.c +1000");
	for (int i = 0; i < 30; i++) {
		char line[32];

		snprintf(line, sizeof(line), "tiny%02d@x.c +1", i);
		FX_ADD(b, line);
	}
	cap = capture_builder_finish(b);
	peak_tree(&t, cap, TREE_ORDER_SIZE);
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 10, FLAME_DEPTH_ALL);
	row = flame_row(&fl, 0, &n);
	CHECK_EQ_I64(row[0].flags, FLAME_SPAN_HIDDEN);
	CHECK_EQ_I64(row[0].hidden, 30);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 1);
	CHECK_EQ_I64(row[0].width, 10);	/* 1000 / 1030 of 10 = 9.7 */
	flame_release(&fl);
	/* At 2060 cells each tiny one is exactly 2 cells wide: all drawn. */
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 2060, FLAME_DEPTH_ALL);
	row = flame_row(&fl, 1, &n);
	CHECK_EQ_I64(n, 31);
	CHECK_EQ_I64(row[0].width, 2000);
	CHECK_EQ_I64(row[30].x, 2058);
	CHECK_EQ_I64(row[30].width, 2);
	CHECK_EQ_I64(fl.spans[0].flags, 0);
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

TEST(empty_tree)
{
	struct capture *cap = capture_builder_finish(capture_builder_new());
	struct tree t;
	struct flame fl;

	peak_tree(&t, cap, TREE_ORDER_SIZE);
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 40, FLAME_DEPTH_ALL);
	CHECK_EQ_I64(fl.n_rows, 1);
	CHECK_EQ_I64(fl.spans[0].width, 40);
	CHECK_EQ_I64(fl.spans[0].flags, 0);
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static uint64_t weight(const struct tree *t, uint32_t node, enum tree_order order)
{
	const struct tree_node *nd = &t->nodes[node];
	int64_t v = order == TREE_ORDER_SIZE ? nd->total_bytes : nd->total_count;

	return v < 0 ? (uint64_t)-v : (uint64_t)v;
}

static int is_under(const struct tree *t, uint32_t node, uint32_t zoom)
{
	while (node != TREE_NONE && node != zoom)
		node = t->nodes[node].parent;
	return node == zoom;
}

/* Checks every invariant of fl; returns the number of violations. */
static int check_layout(const struct flame *fl, const struct tree *t, uint32_t max_depth)
{
	const unsigned __int128 total = fl->total, w = fl->width;
	uint32_t *row_of = malloc(t->n * sizeof(*row_of));
	int bad = 0;

	memset(row_of, 0xff, t->n * sizeof(*row_of));
	bad += fl->n_spans > (uint64_t)fl->n_rows * fl->width;
	for (uint32_t r = 0; r < fl->n_rows; r++) {
		uint32_t n, px = 0;
		const struct flame_span *row = flame_row(fl, r, &n), *up = NULL;
		uint32_t n_up = 0;

		if (r)
			up = flame_row(fl, r - 1, &n_up);
		for (uint32_t i = 0; i < n; i++) {
			const struct flame_span *sp = &row[i];
			unsigned __int128 exact = weight(t, sp->node, fl->order) * w;
			unsigned __int128 drawn = (unsigned __int128)sp->width * total;

			row_of[sp->node] = r;
			bad += sp->width == 0 || sp->x < px;	/* ordered, no overlap */
			px = sp->x + sp->width;
			/* |width - |total| * W / T| < 1 cell */
			bad += (exact > drawn ? exact - drawn : drawn - exact) >= total;
			bad += t->nodes[sp->node].depth != t->nodes[fl->zoom].depth + r;
			if (!r)
				continue;
			bad += sp->parent >= n_up;
			if (sp->parent >= n_up)
				continue;
			bad += t->nodes[sp->node].parent != up[sp->parent].node;
			bad += sp->x < up[sp->parent].x ||
			       sp->x + sp->width > up[sp->parent].x + up[sp->parent].width;
		}
	}
	/* Every node under the zoom that is a cell wide or more is drawn. */
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t rel = t->nodes[i].depth - t->nodes[fl->zoom].depth;

		if (!total || !is_under(t, i, fl->zoom) || rel > max_depth ||
		    (unsigned __int128)weight(t, i, fl->order) * w < total)
			continue;
		bad += row_of[i] != rel;
	}
	free(row_of);
	return bad;
}

/* A random call graph of 3000 stacks, a quarter with live bytes. */
static struct capture *random_capture(uint64_t seed)
{
	enum { STACKS = 3000 };
	struct capture_builder *b = capture_builder_new();
	uint32_t *stacks = malloc(STACKS * sizeof(*stacks));
	uint64_t x = seed;

	stacks[0] = 0;
	for (int i = 1; i < STACKS; i++) {
		char frame[16];
		uint32_t parent = stacks[rnd(&x) % (uint64_t)i];

		snprintf(frame, sizeof(frame), "f%d@x.c", (int)(rnd(&x) % 400));
		stacks[i] = FX_STACK(b, parent, frame);
	}
	/* Direct builder calls: generated events on stack ids. */
	for (int i = 1; i < STACKS; i++) {
		uint64_t r = rnd(&x);

		if (r % 4)
			continue;
		/* Skewed sizes: most small, a few huge. */
		capture_builder_event(b, stacks[i], (int64_t)((r >> 8) % 1000 << (r >> 40) % 20),
				      1 + (int32_t)(r >> 50 & 7), EV_ALLOC);
	}
	free(stacks);
	return capture_builder_finish(b);
}

TEST(random_trees)
{
	static const uint32_t widths[] = { 1, 7, 80, 203, 1000 };
	int bad = 0, layouts = 0;

	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct capture *cap = random_capture(seed * 0x9E3779B97F4A7C15ULL);

		for (int m = 0; m < 2; m++) {
			enum tree_order metric = m ? TREE_ORDER_COUNT : TREE_ORDER_SIZE;
			struct tree t;

			peak_tree(&t, cap, metric);
			for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
				uint32_t zooms[3] = { TREE_NONE, t.nodes[0].first_child,
						      (uint32_t)(seed * 7919 % t.n) };

				for (int z = 0; z < 3; z++) {
					uint32_t depth = z == 2 ? 3 : FLAME_DEPTH_ALL;
					struct flame fl;

					if (zooms[z] == TREE_NONE && z)
						continue;
					flame_layout(&fl, &t, metric, zooms[z], widths[wi], depth);
					bad += check_layout(&fl, &t, depth);
					layouts++;
					flame_release(&fl);
				}
			}
			tree_release(&t);
		}
		capture_free(cap);
	}
	CHECK_EQ_I64(bad, 0);
	CHECK(layouts >= 150);
}

/* One node with 300000 children: a layout at 80 cells must not walk them all. */
TEST(wide_node_bounded)
{
	enum { KIDS = 300000 };
	struct capture_builder *b = capture_builder_new();
	struct capture *cap;
	struct tree t;
	struct flame fl;
	uint32_t n;

	for (int i = 0; i < KIDS; i++) {
		char line[32];

		snprintf(line, sizeof(line), "k%d@x.c +%d", i, i < 3 ? 1000000 : 1);
		FX_ADD(b, line);
	}
	cap = capture_builder_finish(b);
	peak_tree(&t, cap, TREE_ORDER_SIZE);
	flame_layout(&fl, &t, TREE_ORDER_SIZE, TREE_NONE, 80, FLAME_DEPTH_ALL);
	flame_row(&fl, 1, &n);
	CHECK(n >= 3 && n <= 80);
	CHECK_EQ_I64(fl.spans[0].flags, FLAME_SPAN_HIDDEN);
	CHECK_EQ_I64(check_layout(&fl, &t, FLAME_DEPTH_ALL), 0);
	flame_release(&fl);
	tree_release(&t);
	capture_free(cap);
}

int main(void)
{
	RUN(exact_widths);
	RUN(zoom_and_depth);
	RUN(navigation);
	RUN(narrow_children_hidden);
	RUN(empty_tree);
	RUN(random_trees);
	RUN(wide_node_bounded);
	return CHECK_DONE();
}
