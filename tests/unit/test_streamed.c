/*
 * A load that keeps no event log (load_options.streamed, what a plain
 * `memtui report` without the cache does) must give the capture a load that
 * keeps it gives, in everything but the log: totals, calls, leaks, warnings,
 * and the live figures at the peak and after the last event.  On every
 * sample capture of every format (damaged ones included), and the .mtui ones
 * keep their log (chunks come whole).
 *
 * The snapshots of the two must be equal too, where the streamed one borrows
 * its capture's arrays (the peak, the calls) or sums them (the leak totals),
 * and a filter applied to borrowed weights must leave the capture's arrays
 * as they were.
 *
 * usage: test_streamed SAMPLES_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "metric.h"
#include "registry.h"
#include "same_capture.h"
#include "snapshot.h"
#include "threads.h"

static const char *samples;
static size_t borrowed;		/* streamed captures whose peak was borrowed */
static size_t leak_totals;	/* streamed captures whose leaks were totals alone */
static size_t suppressed;	/* captures with suppressed leaks */

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

static bool same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	return a->n == b->n && a->total_bytes == b->total_bytes &&
	       a->total_count == b->total_count &&
	       !memcmp(a->bytes, b->bytes, a->n * sizeof(*a->bytes)) &&
	       !memcmp(a->count, b->count, a->n * sizeof(*a->count));
}

static bool same_totals(const struct snapshot *a, const struct snapshot *b)
{
	return a->total_bytes == b->total_bytes && a->total_count == b->total_count;
}

/*
 * The leaks of k and s, per stack, equal; and s's leak totals alone: equal
 * too, with no arrays when s keeps its live figures (nothing copied).
 */
static int leaks_differ(const struct capture *k, const struct capture *s)
{
	struct snapshot lk, sk, ls, ss, lt, st;
	int bad = 0;

	snapshot_leaks(&lk, k, &sk);
	snapshot_leaks(&ls, s, &ss);
	snapshot_leak_totals(&lt, s, &st);
	bad += !same_snapshot(&lk, &ls) || !same_snapshot(&sk, &ss);
	bad += !same_totals(&lk, &lt) || !same_totals(&sk, &st);
	leak_totals += lt.n == 0 && st.n == 0 && !lt.bytes && !st.bytes;
	suppressed += sk.total_count != 0;
	snapshot_release(&lk);
	snapshot_release(&sk);
	snapshot_release(&ls);
	snapshot_release(&ss);
	snapshot_release(&lt);
	snapshot_release(&st);
	return bad;
}

/*
 * The peak and the calls of the kept capture k and the streamed one s: equal,
 * whether borrowed or not; weights filtered to no thread at all leave the
 * arrays they borrowed untouched.  Returns how many of those fail.
 */
static int snapshots_differ(const struct capture *k, const struct capture *s)
{
	uint64_t events = capture_totals(k)->events;
	struct snapshot pk, ps, ck, cs, w, again;
	struct thread_filter none = { 0 };
	uint32_t nowhere = UINT32_MAX;
	int bad = 0;

	snapshot_peak(&pk, k);
	snapshot_peak(&ps, s);
	bad += !same_snapshot(&pk, &ps);
	snapshot_allocated(&ck, k, 0, events);
	snapshot_allocated(&cs, s, 0, events);
	bad += !same_snapshot(&ck, &cs);
	metric_weights(&w, s, METRIC_PEAK, &ps, NULL, NULL);
	bad += w.borrowed != ps.borrowed;
	none.stacks = &nowhere;
	none.n = 1;
	thread_filter_apply(&none, s, &w);
	bad += w.borrowed || w.total_bytes != 0;
	snapshot_peak(&again, s);
	bad += !same_snapshot(&again, &pk);
	snapshot_release(&again);
	bad += leaks_differ(k, s);
	snapshot_release(&w);
	snapshot_release(&pk);
	snapshot_release(&ps);
	snapshot_release(&ck);
	snapshot_release(&cs);
	return bad;
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
	differ = streamed_differs(k, s) + (size_t)snapshots_differ(k, s);
	if (capture_totals(s)->events && !strstr(path, ".mtui")) {
		struct snapshot peak;

		snapshot_peak(&peak, s);
		borrowed += peak.borrowed;
		snapshot_release(&peak);
	}
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
	/* Each streamed capture with events lends its peak, and its end to the leak totals. */
	CHECK(borrowed >= 30);
	CHECK(leak_totals >= 30);
	CHECK(suppressed >= 1);
	fprintf(stderr, "%zu loaded, %zu borrowed peaks, %zu leak totals alone, %zu with "
		"suppressed leaks\n", loaded, borrowed, leak_totals, suppressed);
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
