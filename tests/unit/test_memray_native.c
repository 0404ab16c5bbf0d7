/*
 * Unit tests of memray's hybrid stacks (formats/memray_native.c) against the
 * rules of docs/formats/memray.md §6.3-6.4, with a fake resolver: one image
 * of two segments at load bias 0x1000, symbols by file address.
 */
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "capture.h"
#include "capture_builder.h"
#include "fixture.h"
#include "memray_native.h"

/* File address (ip - 0x1000 - 1) -> frames, innermost first. */
static size_t fake_lookup(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			  size_t max, enum native_source *source)
{
	(void)ctx;
	(void)max;
	*source = NATIVE_SYMTAB;
	if (module != 7)
		return 0;
	switch (pc) {
	case 0x0ff: out[0] = (struct native_symbol){ "main", "main.c", 3 }; return 1;
	case 0x1ff: out[0] = (struct native_symbol){ "_PyEval_EvalFrameDefault", NULL, 0 };
		return 1;
	case 0x2ff: out[0] = (struct native_symbol){ "call_x", NULL, 0 }; return 1;
	case 0x3ff:	/* leaf inlined into mid */
		out[0] = (struct native_symbol){ "leaf", "lib.c", 15 };
		out[1] = (struct native_symbol){ "mid", "lib.c", 25 };
		return 2;
	default: return 0;
	}
}

/* The path of the last image asked for that the fake cannot find (handle 8). */
static const char *missing_path;

static int fake_module(void *ctx, const char *path, const struct native_segment *segs, size_t n,
		       const uint8_t *id, size_t id_len)
{
	(void)ctx;
	(void)id;
	(void)id_len;
	if (!strcmp(path, "/lib/x.so") && n == 2 && segs[1].memsz == 0x400)
		return 7;
	missing_path = path;
	return 8;
}

/* One entry: the missing image, its one address unnamed. */
static bool fake_coverage(void *ctx, size_t i, struct symbol_coverage *out)
{
	(void)ctx;
	if (i || !missing_path)
		return false;
	*out = (struct symbol_coverage){ .path = (char *)missing_path, .unnamed = 1,
					 .reason = COVERAGE_NO_FILE };
	return true;
}

static const struct native_resolver resolver = { NULL, fake_module, fake_lookup, fake_coverage };

struct fixture {
	struct capture_builder *b;
	struct mr_native n;
	uint32_t py[4];		/* Python keys: P0 (entry), P0>P1 (non-entry), >P2 (entry) */
	uint32_t pf[3];		/* their model frames */
	uint32_t nodes;		/* native node of the deepest trace */
};

/* Native trace outermost-first: main, eval, call_x, eval, leaf/mid, one unmapped ip. */
static void setup(struct fixture *fx, const struct native_resolver *res)
{
	static const struct native_segment segs[2] = { { 0, 0x100 }, { 0x100, 0x400 } };
	static const uint64_t ips[] = { 0x1100, 0x1200, 0x1300, 0x1200, 0x1400, 0x9000 };
	uint64_t parent = 0;

	fx->b = capture_builder_new();
	mr_native_init(&fx->n, fx->b, res);
	mr_native_map_start(&fx->n);
	/* Segments [0x1000, 0x1100) and [0x1100, 0x1500). */
	mr_native_image(&fx->n, "/lib/x.so", 9, 0x1000, segs, 2);
	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		CHECK(mr_native_add_node(&fx->n, ips[i], parent));
		parent = mr_native_node_count(&fx->n) - 1;
	}
	fx->nodes = (uint32_t)parent;
	fx->pf[0] = FX_FRAME(fx->b, "P0@app.py");
	fx->pf[1] = FX_FRAME(fx->b, "P1@app.py");
	fx->pf[2] = FX_FRAME(fx->b, "P2@app.py");
	fx->py[0] = mr_native_py_push(&fx->n, 0, fx->pf[0], true);
	fx->py[1] = mr_native_py_push(&fx->n, fx->py[0], fx->pf[1], false);
	fx->py[2] = mr_native_py_push(&fx->n, fx->py[1], fx->pf[2], true);
}

/* Writes the function names of stack, outermost first, joined by ';'. */
static void path_of(const struct capture *cap, uint32_t stack, char *out, size_t size)
{
	char parts[32][64];
	size_t n = 0, len = 0;

	for (; stack && n < 32; stack = capture_stack(cap, stack)->parent)
		capture_frame_label(cap, capture_stack(cap, stack)->frame, parts[n++], 64);
	out[0] = '\0';
	while (n--)
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ";" : "", parts[n]);
}

static void expect(struct fixture *fx, uint32_t stack, const char *want)
{
	struct capture *cap;
	char got[1024];

	/* One event so the stack is kept (direct: mr_native's stack id); only names are read. */
	capture_builder_event(fx->b, stack, 1, 1, EV_ALLOC);
	mr_native_release(&fx->n);
	cap = capture_builder_finish(fx->b);
	path_of(cap, stack, got, sizeof(got));
	if (strcmp(got, want))
		fprintf(stderr, "got  %s\nwant %s\n", got, want);
	CHECK(!strcmp(got, want));
	capture_free(cap);
}

TEST(eval_frames_replaced)
{
	struct fixture fx;

	setup(&fx, &resolver);
	/* The first eval call runs P0 and the non-entry P1; the second runs P2. */
	expect(&fx, mr_native_stack(&fx.n, 0, fx.py[2], fx.nodes, 1, 0),
	       "main;P0;P1;call_x;P2;mid;leaf");
}

TEST(main_thread_elision)
{
	struct fixture fx;

	setup(&fx, &resolver);
	/* skip 1: everything above P1, the first kept Python frame, goes. */
	expect(&fx, mr_native_stack(&fx.n, 0, fx.py[2], fx.nodes, 1, 1), "P1;call_x;P2;mid;leaf");
}

TEST(python_left_over)
{
	struct fixture fx;
	uint32_t deeper;

	setup(&fx, &resolver);
	/* A fourth Python frame (entry) with no eval call left: the Python stack alone. */
	deeper = mr_native_py_push(&fx.n, fx.py[2], FX_FRAME(fx.b, "P3@app.py"), true);
	expect(&fx, mr_native_stack(&fx.n, 0, deeper, fx.nodes, 1, 1), "P0;P1;P2;P3");
}

TEST(no_resolver)
{
	struct fixture fx;

	setup(&fx, NULL);
	/* Nothing recognised as the eval loop: the Python stack alone, unelided. */
	expect(&fx, mr_native_stack(&fx.n, 0, fx.py[2], fx.nodes, 1, 2), "P0;P1;P2");
}

TEST(no_python)
{
	struct fixture fx;

	setup(&fx, &resolver);
	/* Eval calls with no Python frame to pair stay native; 0x9000 is outside every image. */
	expect(&fx, mr_native_stack(&fx.n, 0, 0, fx.nodes, 1, 0),
	       "main;_PyEval_EvalFrameDefault;call_x;_PyEval_EvalFrameDefault;mid;leaf");
}

TEST(wrong_generation)
{
	struct fixture fx;

	setup(&fx, &resolver);
	/* Generation 0 has no images: every native frame is dropped. */
	expect(&fx, mr_native_stack(&fx.n, 0, 0, fx.nodes, 0, 0), "");
}

TEST(missing_image_is_warned)
{
	static const struct native_segment segs[1] = { { 0, 0x100 } };
	struct capture_builder *b = capture_builder_new();
	struct mr_native n;
	struct capture *cap;
	const struct symbol_coverage *cov;
	size_t n_cov;
	uint32_t stack;

	missing_path = NULL;
	mr_native_init(&n, b, &resolver);
	mr_native_map_start(&n);
	mr_native_image(&n, "/gone/y.so", 10, 0x1000, segs, 1);
	CHECK(mr_native_add_node(&n, 0x1010, 0));
	stack = mr_native_stack(&n, 0, 0, 1, 1, 0);
	capture_builder_event(b, stack, 1, 1, EV_ALLOC);	/* direct: mr_native's stack id */
	mr_native_finish(&n);
	mr_native_release(&n);
	cap = capture_builder_finish(b);
	/* An unnamed frame keeps module and offset; the warning names the image. */
	CHECK_EQ_I64(capture_frame(cap, capture_stack(cap, stack)->frame)->address, 0x10);
	CHECK_EQ_I64(capture_meta(cap)->n_warnings, 1);
	CHECK(strstr(capture_meta(cap)->warnings[0], "/gone/y.so") != NULL);
	/* The resolver's coverage table is the capture's. */
	cov = capture_symbol_coverage(cap, &n_cov);
	CHECK_EQ_I64(n_cov, 1);
	CHECK(!strcmp(cov[0].path, "/gone/y.so") && cov[0].unnamed == 1 && !cov[0].file_used);
	CHECK_EQ_I64(cov[0].reason, COVERAGE_NO_FILE);
	capture_free(cap);
}

int main(void)
{
	RUN(eval_frames_replaced);
	RUN(main_thread_elision);
	RUN(python_left_over);
	RUN(no_resolver);
	RUN(no_python);
	RUN(wrong_generation);
	RUN(missing_image_is_warned);
	return CHECK_DONE();
}
