/*
 * deep: allocations at every depth of a recursion 100 calls deep, for
 * heaptrack_fresh.sh.
 *
 * heaptrack keeps at most 62 return addresses of a stack, so the allocations
 * made more than about 58 calls down (main and the libc start frames take the
 * rest) are recorded with their outermost frames cut off.  The allocation k
 * calls deep is 1000 + k bytes, so a test can tell from a stack's bytes how deep
 * it was; every other one is freed.  Single-threaded and deterministic.
 */
#include <stdlib.h>
#include <string.h>

#define DEPTH 100

static char *kept[DEPTH + 1];

static void __attribute__((noinline)) descend(int k)
{
	char *p = malloc(1000 + (size_t)k);

	memset(p, k, 1000 + (size_t)k);
	kept[k] = p;
	if (k < DEPTH)
		descend(k + 1);
	if (k % 2)
		free(kept[k]);
}

int main(void)
{
	descend(1);
	return kept[DEPTH][0] == DEPTH ? 0 : 1;
}
