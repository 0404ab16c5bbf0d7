/*
 * A load that keeps no event log (load_options.streamed, what a plain
 * `memtui report` without the cache does) must give the capture a load that
 * keeps it gives, in everything but the log: totals, calls, leaks, warnings,
 * and the live figures at the peak and after the last event.  On every
 * sample capture of every format (damaged ones included), and the .mtui ones
 * keep their log (chunks come whole).
 *
 * usage: test_streamed SAMPLES_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "registry.h"
#include "same_capture.h"

static const char *samples;

/* Whether name is a capture (not an oracle, a README or a printed report). */
static bool is_capture(const char *name)
{
	static const char *const not[] = { ".json", ".md", ".print.txt", ".stages.txt" };
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	for (size_t i = 0; i < sizeof(not) / sizeof(not[0]); i++)
		if (n >= strlen(not[i]) && !strcmp(name + n - strlen(not[i]), not[i]))
			return false;
	return true;
}

/* Loads path both ways; 1 when both load and differ, 0 when alike or both fail. */
static int both_ways(const char *path, size_t *loaded)
{
	struct load_options keep = { .temporary_threshold = 1 },
			    stream = { .temporary_threshold = 1, .streamed = true };
	struct capture *k = NULL, *s = NULL;
	struct mt_error ek = { 0 }, es = { 0 };
	int rk = formats_load(path, &keep, &k, &ek), rs = formats_load(path, &stream, &s, &es);
	size_t differ;

	CHECK_EQ_I64(rk, rs);
	if (rk < 0 || rs < 0) {
		capture_free(k);
		capture_free(s);
		return 0;
	}
	(*loaded)++;
	differ = streamed_differs(k, s);
	if (differ)
		fprintf(stderr, "%s: %zu differences\n", path, differ);
	if (strstr(path, ".mtui") && capture_totals(k)->events)
		CHECK(capture_chunk_count(s) > 0);
	else if (capture_totals(k)->events)
		CHECK_EQ_I64(capture_chunk_count(s), 0);
	capture_free(k);
	capture_free(s);
	return differ != 0;
}

TEST(samples_streamed)
{
	static const char *const dirs[] = { "heaptrack", "memray", "mtui", "damaged" };
	size_t loaded = 0;
	int differ = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char dir[4096];
		struct dirent *e;
		DIR *dp;

		snprintf(dir, sizeof(dir), "%s/%s", samples, dirs[d]);
		dp = opendir(dir);
		CHECK(dp != NULL);
		while (dp && (e = readdir(dp))) {
			char path[8192];

			if (!is_capture(e->d_name))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			differ += both_ways(path, &loaded);
		}
		if (dp)
			closedir(dp);
	}
	CHECK_EQ_I64(differ, 0);
	CHECK(loaded >= 40);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_streamed SAMPLES_DIR\n");
		return 2;
	}
	samples = argv[1];
	RUN(samples_streamed);
	return CHECK_DONE();
}
