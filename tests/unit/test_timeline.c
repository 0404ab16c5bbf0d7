/*
 * Unit tests of the timeline: exact columns of a small timed capture (a spike
 * inside one slice, empty slices), event slices when there are no time marks,
 * RSS resampling, time <-> event mapping; on random captures of 3M events and
 * on every sample capture (argv[1] = sample-captures/) the columns against a
 * naive per-event replay, max over columns == the capture's peak and the last
 * column == its end figure, for several column counts.  The time rule of
 * moments (docs/NUMBERS.md "Time"): one time and one label per moment, the end
 * at the capture's end, durations between equal stamps as "<step"; and a
 * capture without an event stream, whose timeline has RSS and no heap.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "capture_builder.h"
#include "fixture.h"
#include "registry.h"
#include "timeline.h"

/*
 * t=0 +10 +20 | t=30 -5 | t=60 +100 -100 (spike) | t=99 +1, duration 100.
 * Heap after each event: 10 30 25 125 25 26.
 */
static struct capture *timed(void)
{
	return FX_CAPTURE("meta: duration=100",
			  "f +10", "f +20",
			  "time: 30", "f -5",
			  "time: 60", "f +100", "f -100",
			  "time: 99", "f +1",
			  "rss: 10 4096", "rss: 20 8192", "rss: 70 2048");
}

TEST(timed_columns)
{
	static const int64_t heap[4] = { 30, 25, 25, 26 }, max[4] = { 30, 25, 125, 26 },
			     min[4] = { 0, 25, 25, 26 };
	static const uint64_t begin[4] = { 0, 2, 3, 5 }, rss[4] = { 8192, 8192, 2048, 2048 };
	struct capture *cap = timed();
	struct timeline tl;

	timeline_compute(&tl, cap, 4, NULL, NULL);
	CHECK_EQ_I64(tl.mode, TIMELINE_BY_TIME);
	CHECK_EQ_I64(tl.duration_ms, 100);
	for (int c = 0; c < 4; c++) {
		CHECK_EQ_I64(tl.cols[c].ev_begin, begin[c]);
		CHECK_EQ_I64(tl.cols[c].ev_end, c == 3 ? 6 : begin[c + 1]);
		CHECK_EQ_I64(tl.cols[c].t_begin_ms, 25 * c);
		CHECK_EQ_I64(tl.cols[c].t_end_ms, 25 * c + 25);
		CHECK_EQ_I64(tl.cols[c].heap_bytes, heap[c]);
		CHECK_EQ_I64(tl.cols[c].max_bytes, max[c]);
		CHECK_EQ_I64(tl.cols[c].min_bytes, min[c]);
		CHECK_EQ_I64(tl.cols[c].rss_bytes, rss[c]);
	}
	CHECK_EQ_I64(tl.max_bytes, 125);
	CHECK_EQ_I64(tl.min_bytes, 0);
	CHECK_EQ_I64(tl.peak_bytes, 125);
	CHECK_EQ_I64(tl.peak_ev_idx, 3);
	CHECK_EQ_I64(tl.peak_col, 2);
	CHECK(tl.has_rss);
	CHECK_EQ_I64(tl.rss_max_bytes, 8192);
	CHECK_EQ_I64(timeline_event_at(&tl, 0), 1);
	CHECK_EQ_I64(timeline_event_at(&tl, 2), 4);
	CHECK_EQ_I64(timeline_event_at(&tl, 3), 5);
	timeline_release(&tl);

	/* 10 columns of 10 ms: events land in columns 0, 3, 6 and 9; the rest are empty. */
	timeline_compute(&tl, cap, 10, NULL, NULL);
	CHECK_EQ_I64(tl.cols[1].ev_begin, 2);
	CHECK_EQ_I64(tl.cols[1].ev_end, 2);
	CHECK_EQ_I64(tl.cols[1].heap_bytes, 30);
	CHECK_EQ_I64(tl.cols[1].max_bytes, 30);
	CHECK_EQ_I64(tl.cols[1].min_bytes, 30);
	CHECK_EQ_I64(timeline_event_at(&tl, 1), 1);
	CHECK_EQ_I64(tl.cols[6].max_bytes, 125);
	CHECK_EQ_I64(tl.peak_col, 6);
	CHECK_EQ_I64(tl.cols[8].heap_bytes, 25);
	CHECK_EQ_I64(tl.cols[9].heap_bytes, 26);
	CHECK_EQ_I64(timeline_column_of_event(&tl, 4), 6);
	CHECK_EQ_I64(timeline_column_of_event(&tl, 5), 9);
	CHECK_EQ_I64(timeline_column_of_event(&tl, UINT64_MAX), 0);
	/* RSS: 4096 and 8192 in columns 1 and 2, 2048 in 7; carried between, 0 before. */
	CHECK_EQ_I64(tl.cols[0].rss_bytes, 0);
	CHECK_EQ_I64(tl.cols[1].rss_bytes, 4096);
	CHECK_EQ_I64(tl.cols[5].rss_bytes, 8192);
	CHECK_EQ_I64(tl.cols[9].rss_bytes, 2048);
	timeline_release(&tl);

	/* Time -> event: events 0-1 at 0, 2 at 30, 3-4 at 60, 5 at 99. */
	CHECK_EQ_I64(timeline_event_at_time(cap, -1), UINT64_MAX);
	CHECK_EQ_I64(timeline_event_at_time(cap, 0), 1);
	CHECK_EQ_I64(timeline_event_at_time(cap, 29), 1);
	CHECK_EQ_I64(timeline_event_at_time(cap, 30), 2);
	CHECK_EQ_I64(timeline_event_at_time(cap, 98), 4);
	CHECK_EQ_I64(timeline_event_at_time(cap, 99), 5);
	CHECK_EQ_I64(timeline_event_at_time(cap, 1000), 5);
	CHECK_EQ_I64(timeline_time_of_event(cap, 4), 60);
	CHECK_EQ_I64(timeline_time_of_event(cap, 1), 0);
	capture_free(cap);
}

TEST(event_slices)
{
	/* Heap after each event: 1 3 6 10 15 21 28 36 45 55; no time marks. */
	struct capture *cap = FX_CAPTURE("f +1", "f +2", "f +3", "f +4", "f +5",
					 "f +6", "f +7", "f +8", "f +9", "f +10",
					 "rss: 5 1048576");
	struct timeline tl;

	timeline_compute(&tl, cap, 4, NULL, NULL);
	CHECK_EQ_I64(tl.mode, TIMELINE_BY_EVENT);
	CHECK_EQ_I64(tl.duration_ms, -1);
	CHECK(!tl.has_rss);
	CHECK_EQ_I64(tl.cols[1].ev_begin, 2);
	CHECK_EQ_I64(tl.cols[2].ev_begin, 5);
	CHECK_EQ_I64(tl.cols[3].ev_begin, 7);
	CHECK_EQ_I64(tl.cols[1].heap_bytes, 15);	/* events 2-4 */
	CHECK_EQ_I64(tl.cols[1].min_bytes, 6);
	CHECK_EQ_I64(tl.cols[1].max_bytes, 15);
	CHECK_EQ_I64(tl.cols[1].t_end_ms, -1);
	CHECK_EQ_I64(tl.cols[3].heap_bytes, 55);
	CHECK_EQ_I64(tl.peak_col, 3);
	timeline_release(&tl);

	/* More columns than events: some are empty, the peak still shows once. */
	timeline_compute(&tl, cap, 25, NULL, NULL);
	CHECK_EQ_I64(tl.cols[0].ev_end, 0);
	CHECK_EQ_I64(timeline_event_at(&tl, 0), UINT64_MAX);
	CHECK_EQ_I64(tl.cols[24].heap_bytes, 55);
	CHECK_EQ_I64(tl.max_bytes, 55);
	CHECK_EQ_I64(tl.cols[23].ev_begin, 9);	/* floor(23 * 10 / 25) */
	CHECK_EQ_I64(tl.cols[23].ev_end, 9);
	CHECK_EQ_I64(tl.peak_col, 24);
	timeline_release(&tl);
	capture_free(cap);

	/* No events at all: one flat column at 0. */
	cap = capture_builder_finish(capture_builder_new());
	timeline_compute(&tl, cap, 3, NULL, NULL);
	CHECK_EQ_I64(tl.max_bytes, 0);
	CHECK_EQ_I64(tl.cols[2].heap_bytes, 0);
	CHECK_EQ_I64(tl.peak_col, 0);
	CHECK_EQ_I64(timeline_event_at_time(cap, 5), UINT64_MAX);
	timeline_release(&tl);
	capture_free(cap);
}

TEST(moments)
{
	struct capture *cap = timed();
	char buf[64];

	CHECK(timeline_has_time(cap));
	CHECK_EQ_I64(timeline_span_ms(cap), 100);
	/* Events 0-1 at 0, 2 at 30, 3-4 at 60 (3 is the peak), 5 is the last: the end, 100. */
	CHECK_EQ_I64(timeline_moment_ms(cap, UINT64_MAX), 0);
	CHECK_EQ_I64(timeline_moment_ms(cap, 1), 0);
	CHECK_EQ_I64(timeline_moment_ms(cap, 2), 30);
	CHECK_EQ_I64(timeline_moment_ms(cap, 3), 60);
	CHECK_EQ_I64(timeline_moment_ms(cap, 4), 60);
	CHECK_EQ_I64(timeline_moment_ms(cap, 5), 100);
	CHECK(!strcmp(timeline_moment_label(cap, UINT64_MAX, buf, sizeof(buf)), "0 ms"));
	CHECK(!strcmp(timeline_moment_label(cap, 2, buf, sizeof(buf)), "30 ms"));
	CHECK(!strcmp(timeline_moment_label(cap, 3, buf, sizeof(buf)), "60 ms (peak)"));
	CHECK(!strcmp(timeline_moment_label(cap, 4, buf, sizeof(buf)), "60 ms"));
	CHECK(!strcmp(timeline_moment_label(cap, 5, buf, sizeof(buf)), "100 ms (end)"));
	/* Stamps at 30, 60 and 99: the clock moves in steps of 30 ms at best. */
	CHECK_EQ_I64(timeline_stamp_step_ms(cap), 30);
	CHECK(!strcmp(timeline_fmt_duration(cap, 0, buf, sizeof(buf)), "<30 ms"));
	CHECK(!strcmp(timeline_fmt_duration(cap, 39, buf, sizeof(buf)), "39 ms"));
	CHECK(!strcmp(timeline_fmt_duration(cap, -1, buf, sizeof(buf)), "-"));
	capture_free(cap);

	/* No time marks: moments are named by event; the last is the peak, and the peak wins. */
	cap = FX_CAPTURE("f +1", "f +2", "f -1");
	CHECK(!timeline_has_time(cap));
	CHECK_EQ_I64(timeline_moment_ms(cap, 1), -1);
	CHECK_EQ_I64(timeline_stamp_step_ms(cap), 0);
	CHECK(!strcmp(timeline_moment_label(cap, 0, buf, sizeof(buf)), "event 0"));
	CHECK(!strcmp(timeline_moment_label(cap, 1, buf, sizeof(buf)), "event 1 (peak)"));
	CHECK(!strcmp(timeline_moment_label(cap, 2, buf, sizeof(buf)), "event 2 (end)"));
	CHECK(!strcmp(timeline_moment_label(cap, UINT64_MAX, buf, sizeof(buf)), "start"));
	CHECK(!strcmp(timeline_fmt_duration(cap, 0, buf, sizeof(buf)), "0 ms"));
	capture_free(cap);

	/* A peak that is the last event keeps its stamp (the header's and the report's). */
	cap = FX_CAPTURE("meta: duration=50", "time: 10", "f +1", "f +2");
	CHECK_EQ_I64(timeline_moment_ms(cap, 1), 10);
	CHECK(!strcmp(timeline_moment_label(cap, 1, buf, sizeof(buf)), "10 ms (peak)"));
	capture_free(cap);
}

/* The time rule on the sample captures: the moments the issue saw disagree. */
static void check_sample_moments(const char *dir)
{
	char path[4096], buf[64];
	struct capture *cap;
	struct mt_error err;

	/* memray stamps at 0, 10, 20 and 31 ms; the run ends at 42 ms. */
	snprintf(path, sizeof(path), "%s/memray/stages.bin", dir);
	CHECK(formats_load(path, NULL, &cap, &err) == 0);
	CHECK_EQ_I64(timeline_stamp_step_ms(cap), 10);
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->peak_ev_idx, buf,
					    sizeof(buf)), "31 ms (peak)"));
	CHECK_EQ_I64(timeline_moment_ms(cap, capture_totals(cap)->peak_ev_idx),
		     capture_time_at(cap, capture_totals(cap)->peak_ev_idx));
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->events - 1, buf,
					    sizeof(buf)), "42 ms (end)"));
	/* The last event before the stamp at 31 ms was stamped 20 ms. */
	CHECK(!strcmp(timeline_moment_label(cap, 768, buf, sizeof(buf)), "20 ms"));
	CHECK(!strcmp(timeline_fmt_duration(cap, 0, buf, sizeof(buf)), "<10 ms"));
	capture_free(cap);

	/* Aggregated: no stream, so no heap over time; RSS over its 40 ms; the end at 40 ms. */
	snprintf(path, sizeof(path), "%s/memray/stages_aggregated.bin", dir);
	CHECK(formats_load(path, NULL, &cap, &err) == 0);
	{
		struct timeline tl;
		uint64_t placed = 0;

		timeline_compute(&tl, cap, 40, NULL, NULL);
		CHECK_EQ_I64(tl.mode, TIMELINE_NO_STREAM);
		CHECK_EQ_I64(tl.duration_ms, 40);
		CHECK(tl.has_rss);
		for (uint32_t c = 0; c < tl.n; c++) {
			placed += tl.cols[c].ev_end - tl.cols[c].ev_begin;
			placed += tl.cols[c].max_bytes != 0;
		}
		CHECK_EQ_I64(placed, 0);
		/* RSS samples at 0, 10, 21 and 31 ms; the last carried to the end. */
		CHECK_EQ_I64(tl.cols[0].rss_bytes, 52125696);
		CHECK_EQ_I64(tl.cols[39].rss_bytes, 63430656);
		CHECK_EQ_I64(tl.rss_max_bytes, 63430656);
		CHECK_EQ_I64(tl.peak_bytes, 14250579);
		timeline_release(&tl);
	}
	CHECK(!timeline_has_time(cap));
	CHECK_EQ_I64(timeline_moment_ms(cap, capture_totals(cap)->peak_ev_idx), -1);
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->peak_ev_idx, buf,
					    sizeof(buf)), "peak (time unknown)"));
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->events - 1, buf,
					    sizeof(buf)), "40 ms (end)"));
	capture_free(cap);

	/* heaptrack: the peak at its `c` stamp (the oracle's peak_time_ms), the end at 518 ms. */
	snprintf(path, sizeof(path), "%s/heaptrack/heaptrack.stages.zst", dir);
	CHECK(formats_load(path, NULL, &cap, &err) == 0);
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->peak_ev_idx, buf,
					    sizeof(buf)), "395 ms (peak)"));
	CHECK(!strcmp(timeline_moment_label(cap, capture_totals(cap)->events - 1, buf,
					    sizeof(buf)), "518 ms (end)"));
	capture_free(cap);
}

/*
 * The oracle: the column of every event from its own time (capture_time_at,
 * running max), heap by direct summation.  Returns violations.
 */
static int check_against_replay(const struct timeline *tl, const struct capture *cap)
{
	const struct capture_totals *tot = capture_totals(cap);
	struct event_cursor cur;
	struct event ev;
	int64_t heap = 0, t = 0;
	uint32_t col = 0;
	int64_t *max = malloc(tl->n * sizeof(*max)), *last = malloc(tl->n * sizeof(*last));
	uint64_t *count = calloc(tl->n, sizeof(*count));
	int bad = 0;

	for (uint32_t c = 0; c < tl->n; c++)
		max[c] = INT64_MIN;
	max[0] = 0;
	event_cursor_init(&cur, cap, 0);
	for (uint64_t e = 0; event_cursor_next(&cur, &ev); e++) {
		if (tl->mode == TIMELINE_BY_TIME) {
			int64_t te = capture_time_at(cap, e);

			t = te > t ? te : t;
			if (t >= tl->duration_ms)
				col = tl->n - 1;
			else
				col = (uint32_t)((__int128)t * tl->n / tl->duration_ms);
		} else {
			/* The last column whose first event, floor(c * events / n), is <= e. */
			while (col + 1 < tl->n &&
			       (uint64_t)((unsigned __int128)(col + 1) * tl->events / tl->n) <= e)
				col++;
		}
		heap += ev.bytes;
		count[col]++;
		max[col] = heap > max[col] ? heap : max[col];
		last[col] = heap;
	}
	event_cursor_release(&cur);
	heap = 0;
	for (uint32_t c = 0; c < tl->n; c++) {
		const struct timeline_column *k = &tl->cols[c];

		bad += k->ev_end - k->ev_begin != count[c];
		if (count[c])
			heap = last[c];
		bad += k->heap_bytes != heap;
		bad += k->max_bytes != (max[c] == INT64_MIN ? heap : max[c]);
		bad += k->min_bytes > k->max_bytes;
	}
	bad += tl->max_bytes != tot->peak_bytes;
	bad += tl->cols[tl->peak_col].max_bytes != tot->peak_bytes;
	bad += tl->cols[tl->n - 1].heap_bytes != tot->end_bytes;
	bad += tl->events != tot->events;
	free(max);
	free(last);
	free(count);
	return bad;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void count_progress(void *ctx, uint64_t done, uint64_t total)
{
	uint64_t *calls = ctx;

	calls[0]++;
	calls[1] = done == total;
}

/* 3M events on 64 stacks, a time mark every ~1000 events; with and without marks. */
static struct capture *random_capture(enum peak_rule rule, int timed_marks)
{
	enum { STACKS = 64, EVENTS = 3000000 };
	struct capture_builder *b = capture_builder_new();
	int64_t live[STACKS] = { 0 };
	uint32_t stacks[STACKS];
	uint64_t x = 0x2545F4914F6CDD1DULL;
	int64_t t = 0;

	capture_builder_meta(b)->peak_rule = rule;
	for (int i = 0; i < STACKS; i++) {
		char frame[16];

		snprintf(frame, sizeof(frame), "s%d", i);
		stacks[i] = FX_STACK(b, 0, frame);
	}
	/* Direct builder calls: 3M generated events and time marks on stack ids. */
	for (uint32_t e = 0; e < EVENTS; e++) {
		uint64_t r = rnd(&x);
		int k = (int)(r % STACKS);
		int64_t bytes = (int64_t)(r >> 32 & 0xfff);

		if (timed_marks && r % 1000 == 0) {
			t += (int64_t)(r >> 20 & 31);	/* sometimes 0: no new mark */
			capture_builder_time(b, t);
		}
		/* A slow drift up then down, so the heap has a peak mid-run. */
		if (live[k] >= bytes && (r >> 60) < (e < EVENTS / 2 ? 7u : 9u)) {
			capture_builder_event(b, stacks[k], -bytes, -1, 0);
			live[k] -= bytes;
		} else {
			capture_builder_event(b, stacks[k], bytes, 1, EV_ALLOC);
			live[k] += bytes;
		}
	}
	capture_builder_rss(b, t / 2, 123456789);
	return capture_builder_finish(b);
}

TEST(random_captures)
{
	static const uint32_t widths[] = { 1, 3, 80, 1000, 10000 };

	for (int v = 0; v < 3; v++) {
		enum peak_rule rule = v == 1 ? PEAK_LAST_MAX : PEAK_FIRST_MAX;
		struct capture *cap = random_capture(rule, v != 2);

		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			struct timeline tl;
			uint64_t calls[2] = { 0, 0 };

			timeline_compute(&tl, cap, widths[w], count_progress, calls);
			CHECK_EQ_I64(tl.mode, v == 2 ? TIMELINE_BY_EVENT : TIMELINE_BY_TIME);
			CHECK_EQ_I64(check_against_replay(&tl, cap), 0);
			/* At 2^20 and 2^21 of the 3M events, then at the end. */
			CHECK(calls[0] >= 3 && calls[1]);
			CHECK_EQ_I64(tl.has_rss, v != 2);
			timeline_release(&tl);
		}
		capture_free(cap);
	}
}

static int is_capture_name(const char *name)
{
	static const char *const not_captures[] = { ".json", ".print.txt", ".so" };
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(not_captures) / sizeof(not_captures[0]); i++) {
		size_t k = strlen(not_captures[i]);

		if (n >= k && !strcmp(name + n - k, not_captures[i]))
			return 0;
	}
	return 1;
}

static int check_sample_dir(const char *dir, int *loaded)
{
	static const uint32_t widths[] = { 1, 7, 80, 333, 4096 };
	DIR *d = opendir(dir);
	struct dirent *de;
	int bad = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[4096];
		struct capture *cap = NULL;
		struct mt_error err;

		if (!is_capture_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (formats_load(path, NULL, &cap, &err) < 0)
			continue;	/* the damaged samples that do not load at all */
		(*loaded)++;
		if (!capture_meta(cap)->has_event_stream) {
			/* No heap over time: checked in check_sample_moments. */
			capture_free(cap);
			continue;
		}
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
			struct timeline tl;
			int b;

			timeline_compute(&tl, cap, widths[w], NULL, NULL);
			b = check_against_replay(&tl, cap);
			if (b)
				fprintf(stderr, "%s at %u columns: %d wrong\n", path, widths[w], b);
			bad += b;
			timeline_release(&tl);
		}
		capture_free(cap);
	}
	closedir(d);
	return bad;
}

static const char *samples_dir;

TEST(sample_captures)
{
	char dir[4096];
	int loaded = 0, bad = 0;

	snprintf(dir, sizeof(dir), "%s/heaptrack", samples_dir);
	bad += check_sample_dir(dir, &loaded);
	snprintf(dir, sizeof(dir), "%s/memray", samples_dir);
	bad += check_sample_dir(dir, &loaded);
	CHECK_EQ_I64(bad, 0);
	CHECK(loaded >= 20);
	printf("timeline checked on %d sample captures\n", loaded);
	check_sample_moments(samples_dir);
}

int main(int argc, char **argv)
{
	samples_dir = argc > 1 ? argv[1] : "../sample-captures";
	RUN(timed_columns);
	RUN(event_slices);
	RUN(moments);
	RUN(random_captures);
	RUN(sample_captures);
	return CHECK_DONE();
}
