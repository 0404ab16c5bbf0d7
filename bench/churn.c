/* churn: deterministic allocation churn for the memtui benchmark.
 *
 *   churn [CALLS]      CALLS = allocation calls to make (default 10000000)
 *
 * Every step makes exactly one allocation call (malloc, calloc or realloc)
 * and maybe one free, so a run makes exactly CALLS allocation calls plus
 * roughly as many frees.  The calls go through 4 subsystems x 3 helpers x
 * 3 kinds (malloc/calloc/realloc) = 36 allocation call paths, 5-6 frames
 * deep (main -> drive -> subsystem -> helper -> leaf -> malloc), plus
 * short-lived temporaries and 6 deliberate leaks from their own path.
 * The live set follows a triangle wave whose amplitude rises until ~60 %
 * of the run and falls afterwards, so there is one clear peak.
 * The PRNG has a fixed seed: the same CALLS gives the same allocations.
 *
 * Build: gcc -O1 -g -o churn churn.c   (noinline keeps the frames apart)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))
#define MAX_LIVE 65536
#define NLEAKS 6

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	/* xorshift64* */
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd_below(uint32_t n) { return (uint32_t)((rnd() >> 32) % n); }

static void *live[MAX_LIVE];
static size_t live_size[MAX_LIVE];
static uint32_t nlive;
static void *leaked[NLEAKS];
static volatile unsigned char sink;

static void touch(void *p, size_t n)
{
	if (!p) {
		fprintf(stderr, "churn: out of memory\n");
		exit(1);
	}
	unsigned char *c = p;
	c[0] = (unsigned char)n;
	c[n - 1] = (unsigned char)(n >> 3);
	sink ^= c[0];
}

/* ---- leaves: the frames just above malloc/calloc/realloc ---- */

static NOINLINE void *leaf_malloc(size_t n)
{
	void *p = malloc(n);
	touch(p, n);
	return p;
}

static NOINLINE void *leaf_calloc(size_t n)
{
	void *p = calloc(1, n);
	touch(p, n);
	return p;
}

static NOINLINE void *leaf_realloc(void *old, size_t n)
{
	void *p = realloc(old, n);
	touch(p, n);
	return p;
}

enum kind { K_MALLOC, K_CALLOC, K_REALLOC };

/* one more frame for some helpers, so the depth varies */
static NOINLINE void *pool_get(int kind, void *old, size_t n)
{
	void *p = kind == K_MALLOC ? leaf_malloc(n) : kind == K_CALLOC ? leaf_calloc(n)
								       : leaf_realloc(old, n);
	sink ^= 1;
	return p;
}

static NOINLINE void *direct_get(int kind, void *old, size_t n)
{
	void *p = kind == K_MALLOC ? leaf_malloc(n) : kind == K_CALLOC ? leaf_calloc(n)
								       : leaf_realloc(old, n);
	sink ^= 2;
	return p;
}

/* ---- helpers: 4 subsystems x 3 helpers; each picks its size range ---- */

typedef void *(*helper_fn)(int kind, void *old, size_t *n);

#define HELPER(name, getter, lo, span)                                     \
	static NOINLINE void *name(int kind, void *old, size_t *n)         \
	{                                                                  \
		*n = (size_t)(lo) + rnd_below(span);                       \
		void *p = getter(kind, old, *n);                           \
		sink ^= 3;                                                 \
		return p;                                                  \
	}

HELPER(parse_token, direct_get, 8, 56)
HELPER(parse_line, direct_get, 64, 448)
HELPER(parse_ast_node, pool_get, 32, 96)
HELPER(cache_entry, pool_get, 128, 896)
HELPER(cache_index, direct_get, 1024, 3072)
HELPER(cache_blob, pool_get, 4096, 12288)
HELPER(net_header, direct_get, 16, 240)
HELPER(net_packet, direct_get, 512, 1024)
HELPER(net_buffer, pool_get, 8192, 8192)
HELPER(render_glyph, pool_get, 24, 40)
HELPER(render_row, direct_get, 256, 1792)
HELPER(render_frame, direct_get, 16384, 49152)

#define SUBSYSTEM(name, h0, h1, h2)                                        \
	static NOINLINE void *name(int kind, void *old, size_t *n)         \
	{                                                                  \
		uint32_t r = rnd_below(10);                                \
		void *p = r < 6 ? h0(kind, old, n) : r < 9 ? h1(kind, old, n) \
							   : h2(kind, old, n); \
		sink ^= 4;                                                 \
		return p;                                                  \
	}

SUBSYSTEM(subsys_parser, parse_token, parse_line, parse_ast_node)
SUBSYSTEM(subsys_cache, cache_entry, cache_index, cache_blob)
SUBSYSTEM(subsys_net, net_header, net_packet, net_buffer)
SUBSYSTEM(subsys_render, render_glyph, render_row, render_frame)

static NOINLINE void *subsystem_call(int kind, void *old, size_t *n)
{
	uint32_t r = rnd_below(100);
	void *p = r < 40 ? subsys_parser(kind, old, n)
		: r < 65 ? subsys_cache(kind, old, n)
		: r < 90 ? subsys_net(kind, old, n)
			 : subsys_render(kind, old, n);
	sink ^= 5;
	return p;
}

/* short-lived scratch buffer: allocated and freed right away */
static NOINLINE void scratch_temporary(void)
{
	size_t n;
	void *p = subsystem_call(K_MALLOC, NULL, &n);
	free(p);
}

/* the deliberate leaks: one path of their own, never freed */
static NOINLINE void register_plugin(int i)
{
	size_t n = 4096u << (i % 3); /* 4 KiB, 8 KiB, 16 KiB */
	leaked[i] = leaf_malloc(n);
	leaked[i] = NULL;            /* drop the only reference */
	sink ^= 6;
}

static NOINLINE void release(uint32_t idx)
{
	free(live[idx]);
	nlive--;
	live[idx] = live[nlive];
	live_size[idx] = live_size[nlive];
}

/* live-set target for step i of n: triangle wave (period n/10) whose
 * amplitude rises linearly to 60 % of the run and falls to 10 % at the end */
static uint32_t target_live(uint64_t i, uint64_t n)
{
	uint64_t period = n / 10 ? n / 10 : 1;
	uint64_t ph = i % period;
	double tri = ph < period / 2 ? (double)ph / (period / 2.0)
				     : (double)(period - ph) / (period / 2.0);
	double x = (double)i / (double)n;
	double env = x < 0.6 ? 0.2 + 0.8 * (x / 0.6) : 1.0 - 0.9 * ((x - 0.6) / 0.4);
	return 200 + (uint32_t)((MAX_LIVE - 1200) * 0.9 * tri * env);
}

static NOINLINE void drive(uint64_t calls)
{
	uint64_t leak_every = calls / (NLEAKS + 1);
	int nleaked = 0;
	for (uint64_t i = 0; i < calls; i++) {
		if (nleaked < NLEAKS && leak_every && i == leak_every * (uint64_t)(nleaked + 1)) {
			register_plugin(nleaked++);
			continue;
		}
		uint32_t target = target_live(i, calls);
		uint32_t r = rnd_below(100);
		if (nlive < target && nlive < MAX_LIVE) {
			/* grow: new block (mostly malloc, some calloc) */
			size_t n;
			live[nlive] = subsystem_call(r < 80 ? K_MALLOC : K_CALLOC, NULL, &n);
			live_size[nlive] = n;
			nlive++;
		} else if (r < 15 && nlive > 0) {
			/* resize a live block (realloc) */
			uint32_t idx = rnd_below(nlive);
			size_t n;
			live[idx] = subsystem_call(K_REALLOC, live[idx], &n);
			live_size[idx] = n;
		} else {
			/* shrink: free one live block if above target, plus a temporary */
			if (nlive > 0 && (nlive > target || r < 60))
				release(rnd_below(nlive));
			scratch_temporary();
		}
	}
	while (nlive > 0)
		release(nlive - 1);
}

int main(int argc, char **argv)
{
	uint64_t calls = 10000000;
	if (argc > 1) {
		char *end;
		calls = strtoull(argv[1], &end, 10);
		if (*end || calls == 0) {
			fprintf(stderr, "usage: churn [CALLS]\n");
			return 2;
		}
	}
	drive(calls);
	printf("churn: %llu allocation calls, %d leaked blocks\n", (unsigned long long)calls,
	       NLEAKS);
	return 0;
}
