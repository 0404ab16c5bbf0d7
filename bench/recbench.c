/* recbench: allocation-heavy load for bench/record.sh (the recorder's cost).
 *
 *   recbench THREADS CALLS     CALLS allocation calls per thread
 *
 * Each thread makes its calls 16 frames deep (a chain of noinline calls
 * under main's or the thread's start), in 8 call sites (the chain's depth
 * varies with the call), keeps up to 256 blocks live (a ring) and frees
 * each one 256 calls later: CALLS mallocs and about CALLS frees per thread.
 *
 * Build: cc -O1 -g -pthread -o recbench recbench.c
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define RING 256
#define DEPTH 16

static long calls;

__attribute__((noinline)) static void *leaf(size_t n)
{
	return malloc(n);
}

__attribute__((noinline)) static void *chain(int depth, size_t n)
{
	void *p = depth ? chain(depth - 1, n) : leaf(n);

	__asm__ volatile("" ::: "memory");	/* no tail call: one frame per level */
	return p;
}

static void *work(void *arg)
{
	void *ring[RING] = { 0 };
	uint64_t x = (uintptr_t)arg * 0x9E3779B97F4A7C15ull + 1;

	for (long i = 0; i < calls; i++) {
		size_t k = (size_t)i % RING;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		free(ring[k]);
		ring[k] = chain(DEPTH - 8 + (int)(x & 7), 16 + (x >> 32) % 512);
	}
	for (size_t k = 0; k < RING; k++)
		free(ring[k]);
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1;
	pthread_t t[64];

	calls = argc > 2 ? atol(argv[2]) : 1000000;
	if (threads < 1 || threads > 64)
		return 2;
	if (threads == 1) {
		work(NULL);
		return 0;
	}
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, work, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}
