/*
 * memraygen: writes a memray capture of a synthetic Python program, for the
 * benchmark of memtui's memray reader at memray's benchmark size.
 *
 *	memraygen [-n RECORDS] [--plain] [--seed S] -o OUT
 *
 * The file is what memray 1.20 (header version 13) writes for `memray run
 * --trace-python-allocators` on CPython 3.11 with pymalloc, without native
 * traces (the format: ../shared/formats/memray.md): the header, a MEMORY_RECORD
 * every 10 ms of the program's (simulated) time, CONTEXT_SWITCH and
 * THREAD_RECORD records for a main thread and three named worker threads,
 * CODE_OBJECT records with 3.11 location tables, FRAME_PUSH and FRAME_POP
 * written lazily before allocations as memray's stack tracker does, and
 * exactly RECORDS (default 10,000,000) ALLOCATION records, frees included,
 * then the TRAILER and the zero padding of memray's growing file.  Unless
 * --plain, the whole is one LZ4 frame with liblz4's default preferences, as
 * memray compresses on exit.
 *
 * The program: each thread walks a call graph of 96 functions in 12 modules
 * (calls, returns, moves to another line), and at each position allocates:
 * mostly short-lived small blocks freed a few records later (pymalloc's LIFO
 * free lists hand the same addresses out again, so memray's pointer cache
 * hits), long-lived blocks in a live set whose target rises and falls in
 * waves, list growth (realloc: FREE then REALLOC, as memray records it), some
 * calloc, and blocks over 512 bytes from the C heap.  Everything comes from a
 * fixed-seed PRNG: the same arguments give the same bytes.
 *
 * It prints the figures memray would compute (records, allocations, bytes,
 * high-water mark and its record index, leaks) on stderr as one JSON line,
 * for bench/memraygen_check.py to hold against the decoder and memtui.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>

#define NTHREADS 4
#define NMODULES 12
#define NFUNCS 96
#define NCALLEES 3
#define NTASKS 24		/* the loop bodies the threads run */
#define NLINES 8		/* allocating lines per function */
#define MAX_DEPTH 40		/* frames per thread, base frames included */
#define YOUNG_MAX 48		/* short-lived blocks pending per thread */
#define LIVE_MAX 300000		/* long-lived blocks at the top of a wave */
#define NCLASSES 32		/* pymalloc size classes of 16 bytes: 16..512 */
#define BIG_CLASSES 64		/* C heap free lists, by size rounded to 1 KiB */
#define PTR_CACHE 15
#define NS_PER_RECORD 120	/* the program's simulated time per record */
#define OUT_BUF (1u << 20)

enum allocator {
	PYMALLOC_FREE = 1,
	PYMALLOC_MALLOC = 2,
	PYMALLOC_CALLOC = 3,
	PYMALLOC_REALLOC = 4,
};

enum token {
	TRAILER = 1,
	MEMORY_RECORD = 2,
	THREAD_RECORD = 10,
	CONTEXT_SWITCH = 12,
	CODE_OBJECT = 14,
	FRAME_PUSH = 0x40,
	FRAME_POP = 0x10,
	ALLOCATION = 0x80,
};

struct block {
	uint64_t addr;
	uint32_t size;
};

/* A frame as memray writes it: code object and instruction offset (bytes). */
struct frame {
	uint32_t code;
	int32_t offset;
};

struct thread {
	uint64_t tid;
	const char *name;
	struct frame real[MAX_DEPTH];	/* the interpreter's stack */
	uint32_t func[MAX_DEPTH];	/* function index of each frame, or -1u */
	int depth, base;		/* base: frames below the workload */
	struct frame written[MAX_DEPTH];/* the stack as the file has it */
	int n_written;
	bool started;
	struct block young[YOUNG_MAX];
	int n_young;
	uint64_t rng;			/* the task's script: calls, lines, sizes */
	uint32_t task_steps;		/* steps left in the current task */
};

struct func {
	uint32_t code;			/* code object id */
	int firstlineno;
	uint32_t callees[NCALLEES];
	bool emitted;			/* its CODE_OBJECT is in the file */
	char name[32];
	const char *file;
};

struct gen {
	uint64_t rng;
	/* output: a plain stream, lz4-compressed unless plain */
	FILE *out;
	bool plain;
	LZ4F_cctx *cctx;
	uint8_t *buf, *zbuf;
	size_t n_buf, zcap;
	uint64_t written;		/* plain bytes so far */
	uint64_t file_size;		/* memray's fallocated size */
	/* writer registers (memray.md §2) */
	uint64_t last_ptr;		/* address >> 3 */
	int64_t last_firstlineno;
	uint64_t ptr_cache[PTR_CACHE];
	uint64_t cur_tid;
	/* the program */
	struct func funcs[NFUNCS];
	struct func base_funcs[12];
	struct thread threads[NTHREADS];
	uint64_t task_seed[NTASKS];
	/* pymalloc and the C heap: LIFO free lists and bump pointers */
	uint64_t *free_small[NCLASSES];
	size_t n_free_small[NCLASSES], cap_free_small[NCLASSES];
	uint64_t pool_next[NCLASSES], pool_end[NCLASSES], arena_next, arena_end;
	uint64_t *free_big[BIG_CLASSES];
	size_t n_free_big[BIG_CLASSES], cap_free_big[BIG_CLASSES];
	uint64_t heap_next;
	struct block *live;
	size_t n_live;
	/* the figures memray would compute */
	uint64_t records, target, allocations, alloc_bytes, peak, peak_index, cur;
	uint32_t n_code_objects;	/* emitted */
	uint64_t next_memory_ms;
};

static const char *const modules[NMODULES] = {
	"/srv/app/pipeline.py", "/srv/app/ingest.py", "/srv/app/model.py",
	"/srv/app/features.py", "/srv/app/store.py", "/srv/app/report.py",
	"/usr/lib/python3.11/json/decoder.py", "/usr/lib/python3.11/re/_parser.py",
	"/usr/lib/python3.11/collections/__init__.py", "/usr/lib/python3.11/csv.py",
	"/usr/lib/python3.11/copy.py", "/usr/lib/python3.11/functools.py",
};

static uint64_t rnd(uint64_t *state)
{
	/* xorshift64* */
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint32_t below(uint64_t *state, uint32_t n)
{
	return (uint32_t)((rnd(state) >> 32) % n);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 1024;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * elem);
	if (!p) {
		fprintf(stderr, "memraygen: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- output ---- */

static void die_io(const char *what)
{
	fprintf(stderr, "memraygen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void flush_buf(struct gen *g)
{
	if (g->plain) {
		if (fwrite(g->buf, 1, g->n_buf, g->out) != g->n_buf)
			die_io("write");
	} else {
		size_t n = LZ4F_compressUpdate(g->cctx, g->zbuf, g->zcap, g->buf, g->n_buf, NULL);

		if (LZ4F_isError(n)) {
			fprintf(stderr, "memraygen: lz4: %s\n", LZ4F_getErrorName(n));
			exit(1);
		}
		if (n && fwrite(g->zbuf, 1, n, g->out) != n)
			die_io("write");
	}
	g->n_buf = 0;
}

static void put(struct gen *g, const void *p, size_t n)
{
	const uint8_t *b = p;

	g->written += n;
	while (n) {
		size_t k = OUT_BUF - g->n_buf < n ? OUT_BUF - g->n_buf : n;

		memcpy(g->buf + g->n_buf, b, k);
		g->n_buf += k;
		b += k;
		n -= k;
		if (g->n_buf == OUT_BUF)
			flush_buf(g);
	}
}

static void put_u8(struct gen *g, uint8_t v) { put(g, &v, 1); }

static void put_le(struct gen *g, uint64_t v, int bytes)
{
	uint8_t b[8];

	for (int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(g, b, (size_t)bytes);
}

static void put_cstr(struct gen *g, const char *s) { put(g, s, strlen(s) + 1); }

static void put_varint(struct gen *g, uint64_t v)
{
	uint8_t b[10];
	int n = 0;

	do {
		b[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(g, b, (size_t)n);
}

static void put_svarint(struct gen *g, int64_t v)
{
	put_varint(g, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* The file grows as memray's mmap sink grows it: to 110 % of what it needs,
 * in whole pages; what is never written stays zero (memray.md §1). */
static void account_growth(struct gen *g)
{
	while (g->written > g->file_size)
		g->file_size = ((g->file_size + (g->written - g->file_size)) * 11 / 10 + 4095) &
			       ~(uint64_t)4095;
}

/* ---- records ---- */

static void header(struct gen *g, uint64_t start_ms, uint64_t end_ms)
{
	static const char *const site[] = { "/usr/local/lib/python3.11/dist-packages",
					    "/usr/lib/python3/dist-packages", NULL };
	static const char *const path[] = { "/srv/app", "/usr/lib/python311.zip",
					    "/usr/lib/python3.11",
					    "/usr/lib/python3.11/lib-dynload",
					    "/usr/local/lib/python3.11/dist-packages",
					    "/usr/lib/python3/dist-packages", NULL };

	put(g, "memray", 7);
	put_le(g, 13, 4);		/* version */
	put_le(g, 0x030b02f0, 4);	/* python 3.11.2 */
	put_u8(g, 0);			/* native_traces */
	put_u8(g, 0);			/* ALL_ALLOCATIONS */
	put_le(g, g->target, 8);	/* n_allocations: every ALLOCATION record */
	put_le(g, 0, 8);		/* n_frames */
	put_le(g, start_ms, 8);
	put_le(g, end_ms, 8);
	put_cstr(g, "/usr/bin/memray run --trace-python-allocators -o bench.bin "
		    "/srv/app/pipeline.py --synthetic");
	put_le(g, 4242, 4);		/* pid */
	put_le(g, 1, 8);		/* main_tid */
	put_le(g, 6, 8);		/* skipped_frames_on_main_tid */
	put_u8(g, 1);			/* pymalloc */
	put_u8(g, 1);			/* trace_python_allocators */
	put_u8(g, 0);			/* track_object_lifetimes */
	put_cstr(g, "/usr/lib/python3.11");
	for (int i = 0; site[i]; i++)
		put_cstr(g, site[i]);
	put_cstr(g, "");
	for (int i = 0; path[i]; i++)
		put_cstr(g, path[i]);
	put_cstr(g, "");
}

/* A 3.11 location table: entry k (8 code units, no columns) is line
 * firstlineno + k + 1, so instruction offset 16 k + 2 j is on that line. */
static void code_object(struct gen *g, struct func *f)
{
	uint8_t table[2 * (NLINES + NCALLEES + 1)];
	int n = 0;

	put_u8(g, CODE_OBJECT);
	put_varint(g, f->code);
	put_cstr(g, f->name);
	put_cstr(g, f->file);
	put_svarint(g, f->firstlineno - g->last_firstlineno);
	g->last_firstlineno = f->firstlineno;
	for (int k = 0; k < NLINES + NCALLEES + 1; k++) {
		table[n++] = 0x80 | (13 << 3) | 7;
		table[n++] = 2;		/* line +1: 6-bit varint, sign in bit 0 */
	}
	put_varint(g, (uint64_t)n);
	put(g, table, (size_t)n);
	f->emitted = true;
	g->n_code_objects++;
}

static void memory_record(struct gen *g)
{
	uint64_t now_ms = g->records * NS_PER_RECORD / 1000000;

	while (g->next_memory_ms <= now_ms) {
		put_u8(g, MEMORY_RECORD);
		put_varint(g, (28ull << 20) + g->cur + g->cur / 8);	/* rss */
		put_varint(g, g->next_memory_ms);
		g->next_memory_ms += 10;
	}
}

static void switch_to(struct gen *g, struct thread *t)
{
	if (g->cur_tid == t->tid)
		return;
	put_u8(g, CONTEXT_SWITCH);
	put_le(g, t->tid, 8);
	g->cur_tid = t->tid;
	if (!t->started && t->name) {
		put_u8(g, THREAD_RECORD);
		put_cstr(g, t->name);
	}
	t->started = true;
}

static struct func *func_of_code(struct gen *g, uint32_t code)
{
	if (code <= 12)
		return &g->base_funcs[code - 1];
	return &g->funcs[code - 13];
}

/* The pending pops and pushes of t, as memray's tracker writes them before
 * an allocation: frames above the first difference are popped (at most 16 a
 * record), the newer ones pushed. */
static void sync_stack(struct gen *g, struct thread *t)
{
	int same = 0, pop;

	while (same < t->n_written && same < t->depth &&
	       t->written[same].code == t->real[same].code &&
	       t->written[same].offset == t->real[same].offset)
		same++;
	for (pop = t->n_written - same; pop > 0;) {
		int k = pop > 16 ? 16 : pop;

		put_u8(g, (uint8_t)(FRAME_POP | (k - 1)));
		pop -= k;
	}
	for (int i = same; i < t->depth; i++) {
		struct func *f = func_of_code(g, t->real[i].code);

		if (!f->emitted)
			code_object(g, f);
		/* without native traces every frame is an entry frame */
		put_u8(g, FRAME_PUSH | 1);
		put_varint(g, t->real[i].code);
		put_svarint(g, t->real[i].offset);
		t->written[i] = t->real[i];
	}
	t->n_written = t->depth;
}

/* One ALLOCATION record: the pointer cache, the allocator, the size. */
static void allocation(struct gen *g, uint64_t addr, enum allocator a, uint64_t size)
{
	int p = 0;

	while (p < PTR_CACHE && g->ptr_cache[p] != addr)
		p++;
	if (p == PTR_CACHE) {
		put_u8(g, (uint8_t)(ALLOCATION | (15 << 3) | a));
		put_svarint(g, (int64_t)((addr >> 3) - g->last_ptr));
		g->last_ptr = addr >> 3;
		memmove(g->ptr_cache + 1, g->ptr_cache, (PTR_CACHE - 1) * sizeof(*g->ptr_cache));
		g->ptr_cache[0] = addr;
	} else {
		put_u8(g, (uint8_t)(ALLOCATION | (p << 3) | a));
	}
	if (a != PYMALLOC_FREE)
		put_varint(g, size);
	/* memray's figures: the live bytes after every record, >= keeps the last peak */
	if (a == PYMALLOC_FREE) {
		g->cur -= size;
	} else {
		g->allocations++;
		g->alloc_bytes += size;
		g->cur += size;
	}
	if (g->cur >= g->peak) {
		g->peak = g->cur;
		g->peak_index = g->records;
	}
	g->records++;
	account_growth(g);
}

/* ---- the allocators: pymalloc (16-byte classes, 16 KiB pools in 1 MiB
 * arenas, LIFO reuse) and the C heap for blocks over 512 bytes ---- */

static uint64_t block_addr(struct gen *g, uint32_t size)
{
	if (size <= 512) {
		uint32_t c = (size + 15) / 16 - 1;

		if (g->n_free_small[c])
			return g->free_small[c][--g->n_free_small[c]];
		if (g->pool_next[c] + 16 * (c + 1) > g->pool_end[c]) {
			if (g->arena_next == g->arena_end) {
				g->arena_next = g->arena_end + (1ull << 24); /* gaps, mmap-like */
				g->arena_end = g->arena_next + (1ull << 20);
			}
			g->pool_next[c] = g->arena_next + 48;	/* the pool header */
			g->pool_end[c] = g->arena_next + 16384;
			g->arena_next += 16384;
		}
		g->pool_next[c] += 16 * (c + 1);
		return g->pool_next[c] - 16 * (c + 1);
	}
	uint32_t c = (size + 1023) / 1024 - 1;

	if (c >= BIG_CLASSES)
		c = BIG_CLASSES - 1;
	if (g->n_free_big[c])
		return g->free_big[c][--g->n_free_big[c]];
	g->heap_next += (uint64_t)(c + 1) * 1024 + 16;
	return g->heap_next - (uint64_t)(c + 1) * 1024;
}

static void block_release(struct gen *g, struct block b)
{
	if (b.size <= 512) {
		uint32_t c = (b.size + 15) / 16 - 1;

		g->free_small[c] = grow(g->free_small[c], &g->cap_free_small[c],
					g->n_free_small[c] + 1, sizeof(uint64_t));
		g->free_small[c][g->n_free_small[c]++] = b.addr;
		return;
	}
	uint32_t c = (b.size + 1023) / 1024 - 1;

	if (c >= BIG_CLASSES)
		c = BIG_CLASSES - 1;
	g->free_big[c] = grow(g->free_big[c], &g->cap_free_big[c], g->n_free_big[c] + 1,
			      sizeof(uint64_t));
	g->free_big[c][g->n_free_big[c]++] = b.addr;
}

static uint32_t object_size(uint64_t *rng)
{
	static const uint16_t common[] = { 32, 48, 56, 64, 64, 72, 72, 80, 96, 104, 120, 136,
					   168, 184, 232, 280, 344, 472 };
	uint32_t r = below(rng, 1000);

	if (r < 850)
		return common[below(rng, sizeof(common) / sizeof(*common))];
	if (r < 985)
		return 33 + below(rng, 200);	/* strings, bytes */
	return 513 + below(rng, r < 998 ? 4096 : 60000);	/* big lists, buffers */
}

static void free_block(struct gen *g, struct block b)
{
	allocation(g, b.addr, PYMALLOC_FREE, b.size);
	block_release(g, b);
}

static struct block new_block(struct gen *g, enum allocator a, uint32_t size)
{
	struct block b = { block_addr(g, size), size };

	allocation(g, b.addr, a, size);
	return b;
}

/* ---- the program ---- */

static void program_init(struct gen *g)
{
	static const char *const base[12][2] = {
		{ "_run_module_as_main", "<frozen runpy>" }, { "_run_code", "<frozen runpy>" },
		{ "<module>", "/usr/lib/python3/dist-packages/memray/__main__.py" },
		{ "main", "/usr/lib/python3/dist-packages/memray/commands/__init__.py" },
		{ "run", "/usr/lib/python3/dist-packages/memray/commands/run.py" },
		{ "_run_with_file_output",
		  "/usr/lib/python3/dist-packages/memray/commands/run.py" },
		{ "_run_tracker", "/usr/lib/python3/dist-packages/memray/commands/run.py" },
		{ "run_path", "<frozen runpy>" },
		{ "_bootstrap", "/usr/lib/python3.11/threading.py" },
		{ "_bootstrap_inner", "/usr/lib/python3.11/threading.py" },
		{ "run", "/usr/lib/python3.11/threading.py" },
		{ "_worker", "/usr/lib/python3.11/concurrent/futures/thread.py" },
	};
	static const char *const verbs[] = { "load", "parse", "build", "merge", "scan",
					     "encode", "decode", "update", "render", "flush",
					     "split", "fold" };
	static const char *const nouns[] = { "rows", "record", "index", "batch", "tokens",
					     "frame", "table", "cache" };

	for (uint32_t i = 0; i < 12; i++) {
		struct func *f = &g->base_funcs[i];

		f->code = i + 1;
		f->firstlineno = 40 + 37 * (int)i;
		snprintf(f->name, sizeof(f->name), "%s", base[i][0]);
		f->file = base[i][1];
	}
	for (uint32_t i = 0; i < NFUNCS; i++) {
		struct func *f = &g->funcs[i];
		uint32_t level = i / 16;	/* six levels of 16 functions */

		f->code = 13 + i;
		f->file = modules[i % NMODULES];
		f->firstlineno = 20 + 14 * (int)(i / NMODULES);
		snprintf(f->name, sizeof(f->name), i == 0 ? "main" : "%s_%s",
			 verbs[below(&g->rng, 12)], nouns[below(&g->rng, 8)]);
		for (int k = 0; k < NCALLEES; k++)
			f->callees[k] = level < 5 ? 16 * (level + 1) + below(&g->rng, 16) : -1u;
	}
	for (int k = 0; k < NTASKS; k++)
		g->task_seed[k] = rnd(&g->rng) | 1;
	/* main thread: the runpy and memray frames, the script's <module> and main */
	struct thread *t = &g->threads[0];

	t->tid = 1;
	for (uint32_t i = 0; i < 8; i++) {
		t->real[t->depth] = (struct frame){ i + 1, 16 * 3 + 2 * (int32_t)i };
		t->func[t->depth++] = -1u;
	}
	t->real[t->depth] = (struct frame){ g->funcs[0].code, 16 * NLINES + 6 };
	t->func[t->depth++] = -1u;
	for (int k = 1; k < NTHREADS; k++) {
		static const char *const names[] = { "ThreadPoolExecutor-0_0",
						     "ThreadPoolExecutor-0_1",
						     "ThreadPoolExecutor-0_2" };

		t = &g->threads[k];
		t->tid = (uint64_t)k + 1;
		t->name = names[k - 1];
		for (uint32_t i = 8; i < 12; i++) {
			t->real[t->depth] = (struct frame){ i + 1, 16 * 2 + 4 * (int32_t)k };
			t->func[t->depth++] = -1u;
		}
	}
	for (int k = 0; k < NTHREADS; k++)
		g->threads[k].base = g->threads[k].depth;
}

/* Starts one of the NTASKS loop bodies on t: a level-1 function called from
 * the thread's base, replaying the same script (calls, lines, sizes) each
 * time, as a program's loops do; which task and when come from g's PRNG. */
static void task_start(struct gen *g, struct thread *t)
{
	uint32_t k = below(&g->rng, NTASKS);
	uint32_t root = 16 + k % 16;

	t->rng = g->task_seed[k];
	t->task_steps = 40 + (uint32_t)(g->task_seed[k] >> 40) % 400;
	t->real[t->base - 1].offset = 16 * (NLINES + (int32_t)(k % NCALLEES)) + 6;
	t->depth = t->base;
	t->func[t->depth] = root;
	t->real[t->depth++] = (struct frame){ g->funcs[root].code, 16 * (int32_t)(k % NLINES) };
}

/* One step of the interpreter on t: call, return, or move to another line. */
static void walk(struct gen *g, struct thread *t)
{
	int top;
	struct func *f;
	/* a fixed number of draws per step, so the script replays the same */
	uint32_t r = below(&t->rng, 100), k = below(&t->rng, NCALLEES);
	int32_t line = 16 * (int32_t)below(&t->rng, NLINES), at = 2 * (int32_t)below(&t->rng, 4);

	if (!t->task_steps--)
		task_start(g, t);
	top = t->depth - 1;
	f = &g->funcs[t->func[top]];
	if (r < 30 && f->callees[0] != -1u && t->depth < MAX_DEPTH) {
		/* the caller waits on the call instruction of that callee */
		t->real[top].offset = 16 * (NLINES + (int32_t)k) + 6;
		t->func[t->depth] = f->callees[k];
		t->real[t->depth++] = (struct frame){ g->funcs[f->callees[k]].code, line };
	} else if (r < 58 && t->depth > t->base + 1) {
		t->depth--;
		t->real[t->depth - 1].offset = line + 2;
	} else {
		t->real[top].offset = line + at;
	}
}

/* Target of the long-lived set at record i of n: waves (never below a fifth)
 * whose height grows until 70 % of the run and shrinks to a tenth at the
 * end; the top is a live block per 30 records, at most LIVE_MAX. */
static size_t live_target(uint64_t i, uint64_t n)
{
	double top = n / 30 < LIVE_MAX ? (double)(n / 30) : LIVE_MAX;
	uint64_t period = n / 7 ? n / 7 : 1;
	double ph = (double)(i % period) / (double)period;
	double tri = 0.2 + 0.8 * (ph < 0.5 ? 2 * ph : 2 * (1 - ph));
	double x = (double)i / (double)n;
	double env = x < 0.7 ? 0.3 + 0.7 * x / 0.7 : 1.0 - 0.9 * (x - 0.7) / 0.3;

	return (size_t)(top * tri * env);
}

/* One burst of allocator calls on t at its current position. */
static void burst(struct gen *g, struct thread *t)
{
	uint32_t n = 1 + below(&t->rng, 4);

	for (uint32_t i = 0; i < n && g->records + 2 <= g->target; i++) {
		/* the task's script: what is freed or allocated here, and its size */
		uint32_t r = below(&t->rng, 100), size = object_size(&t->rng);
		uint32_t die = below(&t->rng, 100), young = below(&t->rng, 4);
		size_t want = live_target(g->records, g->target);

		/* pending short-lived blocks die first, most a few records after birth */
		if (t->n_young && (t->n_young == YOUNG_MAX || die < 55)) {
			uint32_t k = t->n_young - 1 - young % (t->n_young < 4 ? t->n_young : 4);

			free_block(g, t->young[k]);
			t->young[k] = t->young[--t->n_young];
			continue;
		}
		if (g->n_live > want && r < 70) {
			uint32_t k = below(&g->rng, (uint32_t)g->n_live);

			free_block(g, g->live[k]);
			g->live[k] = g->live[--g->n_live];
			continue;
		}
		sync_stack(g, t);
		if (r < 6 && g->n_live) {
			/* list growth: realloc is a FREE of the old block, then a REALLOC */
			struct block *b = &g->live[below(&g->rng, (uint32_t)g->n_live)];

			size = b->size + b->size / 2 + 8;

			allocation(g, b->addr, PYMALLOC_FREE, b->size);
			if ((size + 15) / 16 != (b->size + 15) / 16 || size > 512) {
				block_release(g, *b);
				b->addr = block_addr(g, size);
			}
			b->size = size;
			allocation(g, b->addr, PYMALLOC_REALLOC, size);
		} else if (r < 30 && g->n_live < want) {
			enum allocator a = r < 9 ? PYMALLOC_CALLOC : PYMALLOC_MALLOC;

			g->live[g->n_live++] = new_block(g, a, size);
		} else {
			enum allocator a = r < 33 ? PYMALLOC_CALLOC : PYMALLOC_MALLOC;

			t->young[t->n_young++] = new_block(g, a, size);
		}
	}
}

static void run(struct gen *g)
{
	uint64_t start_ms = 1795262000000ull;
	struct thread *t = &g->threads[0];
	uint64_t slice_end = 0;
	g->live = malloc(LIVE_MAX * sizeof(*g->live));
	if (!g->live)
		die_io("malloc");
	header(g, start_ms, start_ms + g->target * NS_PER_RECORD / 1000000);
	memory_record(g);
	switch_to(g, t);
	/* frees of blocks from before tracking started (memray ignores them) */
	allocation(g, 0x7fd1c0a01010, PYMALLOC_FREE, 0);
	allocation(g, 0x7fd1c0a01f50, PYMALLOC_FREE, 0);
	while (g->records < g->target) {
		if (g->records >= slice_end) {
			/* the GIL passes on; workers start after the first 2 % */
			uint32_t k = g->records < g->target / 50 ? 0 : below(&g->rng, NTHREADS);

			t = &g->threads[k];
			slice_end = g->records + 200 + below(&g->rng, 3000);
		}
		switch_to(g, t);
		walk(g, t);
		burst(g, t);
		if (g->records + 1 == g->target) {
			/* one record left: a free keeps the count exact */
			sync_stack(g, t);
			if (!t->n_young)
				t->young[t->n_young++] = new_block(g, PYMALLOC_MALLOC, 64);
			else
				free_block(g, t->young[--t->n_young]);
		}
		memory_record(g);
	}
	put_u8(g, TRAILER);
	account_growth(g);
	/* memray compresses the whole file, the zero padding too */
	while (g->written < g->file_size) {
		static const uint8_t zeros[4096];
		uint64_t k = g->file_size - g->written;

		put(g, zeros, k < sizeof(zeros) ? (size_t)k : sizeof(zeros));
	}
}

int main(int argc, char **argv)
{
	struct gen g = { .rng = 0x243F6A8885A308D3ull, .target = 10000000 };
	const char *out = NULL;
	uint64_t leaked_bytes = 0, leaked_blocks = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			g.target = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			g.rng ^= strtoull(argv[++i], NULL, 10) * 0x9E3779B97F4A7C15ull;
		else if (!strcmp(argv[i], "--plain"))
			g.plain = true;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else
			out = NULL, i = argc;
	}
	if (!out || g.target < 100 || !g.rng) {
		fprintf(stderr,
			"usage: memraygen [-n RECORDS (>= 100)] [--plain] [--seed S] -o OUT\n");
		return 2;
	}
	g.out = fopen(out, "wb");
	if (!g.out)
		die_io(out);
	g.buf = malloc(OUT_BUF);
	if (!g.plain) {
		LZ4F_preferences_t prefs;

		memset(&prefs, 0, sizeof(prefs));	/* liblz4's defaults, as memray uses */
		g.zcap = LZ4F_compressBound(OUT_BUF, &prefs) + LZ4F_HEADER_SIZE_MAX;
		g.zbuf = malloc(g.zcap);
		if (LZ4F_isError(LZ4F_createCompressionContext(&g.cctx, LZ4F_VERSION)))
			return 1;
		size_t n = LZ4F_compressBegin(g.cctx, g.zbuf, g.zcap, &prefs);

		if (LZ4F_isError(n) || fwrite(g.zbuf, 1, n, g.out) != n)
			die_io(out);
	}
	if (!g.buf || (!g.plain && !g.zbuf))
		die_io("malloc");
	g.arena_next = g.arena_end = 0x7f3a5c000000ull;	/* pymalloc's arenas: mmap space */
	g.heap_next = 0x1a3c0000;			/* the C heap: a non-PIE python's brk */
	program_init(&g);
	run(&g);
	flush_buf(&g);
	if (!g.plain) {
		size_t n = LZ4F_compressEnd(g.cctx, g.zbuf, g.zcap, NULL);

		if (LZ4F_isError(n) || fwrite(g.zbuf, 1, n, g.out) != n)
			die_io(out);
		LZ4F_freeCompressionContext(g.cctx);
	}
	if (fclose(g.out))
		die_io(out);
	free(g.buf);
	free(g.zbuf);
	for (size_t i = 0; i < g.n_live; i++)
		leaked_bytes += g.live[i].size, leaked_blocks++;
	for (int k = 0; k < NTHREADS; k++)
		for (int i = 0; i < g.threads[k].n_young; i++)
			leaked_bytes += g.threads[k].young[i].size, leaked_blocks++;
	fprintf(stderr,
		"{\"records\": %" PRIu64 ", \"allocations\": %" PRIu64 ", \"allocated_bytes\": %"
		PRIu64 ", \"peak_bytes\": %" PRIu64 ", \"peak_index\": %" PRIu64
		", \"leaked_bytes\": %" PRIu64 ", \"leaked_blocks\": %" PRIu64
		", \"code_objects\": %u, \"plain_bytes\": %" PRIu64 "}\n",
		g.records, g.allocations, g.alloc_bytes, g.peak, g.peak_index, leaked_bytes,
		leaked_blocks, g.n_code_objects, g.written);
	free(g.live);
	for (int c = 0; c < NCLASSES; c++)
		free(g.free_small[c]);
	for (int c = 0; c < BIG_CLASSES; c++)
		free(g.free_big[c]);
	return 0;
}
