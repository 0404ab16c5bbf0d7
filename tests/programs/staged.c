/*
 * staged: a small program in four stages for heaptrack_fresh.sh.
 *
 * load() keeps a table of records, scratch() allocates and frees at once
 * (temporary allocations), grow() reallocates one buffer step by step and
 * finish() frees most things but leaks a few on purpose.  Single-threaded, so
 * calls, peak and leaks are the same on every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDS 500

static char *table[RECORDS];

static void load(void)
{
	for (int i = 0; i < RECORDS; i++) {
		table[i] = malloc(64 + (size_t)i % 7 * 16);
		snprintf(table[i], 64, "record %d", i);
	}
}

static size_t scratch(void)
{
	size_t sum = 0;

	for (int i = 0; i < 300; i++) {
		char *tmp = malloc(256);

		memset(tmp, i, 256);
		sum += (unsigned char)tmp[i % 256];
		free(tmp);
	}
	return sum;
}

static char *grow(void)
{
	char *buf = NULL;

	for (size_t n = 1024; n <= 1024 * 1024; n *= 2) {
		char *next = realloc(buf, n);

		if (!next)
			abort();
		memset(next, 1, n);
		buf = next;
	}
	return buf;
}

static void finish(char *buf)
{
	free(buf);
	for (int i = 0; i < RECORDS; i++)
		if (i % 50)
			free(table[i]);		/* every 50th record leaks */
}

int main(void)
{
	size_t sum;
	char *buf;

	load();
	sum = scratch();
	buf = grow();
	finish(buf);
	return sum == 12345 ? 1 : 0;
}
