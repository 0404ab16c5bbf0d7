/*
 * rec_sites: allocations of known counts and bytes by call site, for the
 * recorder's tests (tests/record/test_record.py), with no stdio (whose
 * buffer would be one more allocation).
 *
 *   site_small   1000 x malloc(100), each freed
 *   site_keep      10 x calloc(1, 1000), 5 freed (5000 bytes leak)
 *   site_grow      10 x realloc growing one block by 64 bytes, then freed
 *
 * Peak: 10000 (site_keep) + 640 (the grown block) = 10640 bytes.
 * argv[1]: an exit status, or segv, term, kill: the signal it dies of.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void *site_small(size_t n)
{
	return malloc(n);
}

__attribute__((noinline)) static void *site_keep(size_t n)
{
	return calloc(1, n);
}

__attribute__((noinline)) static void *site_grow(void *p, size_t n)
{
	return realloc(p, n);
}

int main(int argc, char **argv)
{
	void *keep[10], *grown = NULL;

	for (int i = 0; i < 1000; i++)
		free(site_small(100));
	for (int i = 0; i < 10; i++)
		keep[i] = site_keep(1000);
	for (int i = 1; i <= 10; i++)
		grown = site_grow(grown, (size_t)i * 64);
	free(grown);
	for (int i = 0; i < 5; i++)
		free(keep[i]);
	if (argc > 1 && !strcmp(argv[1], "segv"))
		raise(SIGSEGV);
	if (argc > 1 && !strcmp(argv[1], "term"))
		raise(SIGTERM);
	if (argc > 1 && !strcmp(argv[1], "kill"))
		raise(SIGKILL);
	return argc > 1 ? atoi(argv[1]) : 0;
}
