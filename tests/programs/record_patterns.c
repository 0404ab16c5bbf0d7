/*
 * record_patterns: known allocation patterns for the recorder's test
 * (tests/record/test_preload.py), each with a size nothing else in the
 * process uses, so the trace's counts per (kind, size) can be compared
 * exactly.  Leaks 7 blocks of 777 bytes on purpose.
 */
#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MIB (1u << 20)

static void *keep[1000];

int main(void)
{
	void (*sized)(void *, size_t) =
		(void (*)(void *, size_t))dlsym(RTLD_DEFAULT, "free_sized");
	char *p, *m[10];

	for (int i = 0; i < 1000; i++)
		keep[i] = malloc(100);
	for (int i = 0; i < 1000; i++)
		free(keep[i]);
	for (int i = 0; i < 500; i++)
		keep[i] = calloc(10, 30);
	for (int i = 0; i < 500; i++)
		free(keep[i]);
	/* realloc(NULL, 64) through a volatile, or the compiler makes it a malloc; then
	 * 128, 256, ... 65536 (10 growths), and a shrink to 40 */
	p = realloc(*(char *volatile *)&keep[0] = NULL, 64);
	for (size_t n = 128; n <= 65536; n *= 2)
		p = realloc(p, n);
	p = realloc(p, 40);
	free(p);
	p = reallocarray(NULL, 7, 11);
	p = reallocarray(p, 7, 13);
	free(p);
	for (int i = 0; i < 50; i++)
		posix_memalign(&keep[i], 64, 200);
	for (int i = 0; i < 40; i++)
		keep[50 + i] = aligned_alloc(128, 384);
	for (int i = 0; i < 30; i++)
		keep[90 + i] = memalign(32, 96);
	for (int i = 0; i < 3; i++)
		keep[120 + i] = valloc(5000);
	for (int i = 0; i < 2; i++)
		keep[123 + i] = pvalloc(6000);
	for (int i = 0; i < 125; i++)
		free(keep[i]);
	p = malloc(1111);
	if (sized)
		sized(p, 1111);
	else
		free(p);
	for (int i = 0; i < 10; i++)
		m[i] = mmap(NULL, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m[0] + 4096, 4096);	/* a hole: 1 MiB - 4 KiB stays mapped */
	m[1] = mremap(m[1], MIB, 2 * MIB, MREMAP_MAYMOVE);
	for (int i = 1; i < 10; i++)
		munmap(m[i], i == 1 ? 2 * MIB : MIB);
	for (int i = 0; i < 7; i++)
		keep[i] = malloc(777);
	printf("patterns: done\n");
	return 0;
}
