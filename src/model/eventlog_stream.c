/*
 * eventlog_stream: the streamed event log (capture_impl.h), for a report
 * that needs the live figures at the peak and at the end alone: no event
 * is encoded, sealed or checkpointed, and memory grows with the stacks
 * only.  The peak's figures follow the writer's live ones lazily: a stack
 * whose figures change is listed once, and a new peak copies the listed
 * stacks' figures (as many copies as changes at most, over the whole run).
 */

#include "capture_impl.h"
#include "xalloc.h"

void eventlog_writer_stream(struct eventlog_writer *w)
{
	if (w->live_cap)
		BUG("eventlog_writer_stream: events came first");
	w->streamed = true;
}

void eventlog_stream(struct eventlog_writer *w, size_t n_stacks, const struct event *ev,
		     size_t n)
{
	int64_t *live_bytes, *live_count;
	uint64_t *changed;

	eventlog_writer_live(w, n_stacks);
	live_bytes = w->live_bytes;
	live_count = w->live_count;
	changed = w->changed;
	for (size_t i = 0; i < n; i++) {
		uint32_t s = ev[i].stack;
		uint64_t bit = 1ull << (s & 63);

		live_bytes[s] += ev[i].bytes;
		live_count[s] += ev[i].count;
		if (!(changed[s / 64] & bit)) {
			changed[s / 64] |= bit;
			if (w->n_changed == w->changed_cap)
				XGROW(w->changed_list, w->changed_cap, w->n_changed + 1);
			w->changed_list[w->n_changed++] = s;
		}
	}
}

void eventlog_stream_peak(struct eventlog_writer *w)
{
	for (size_t i = 0; i < w->n_changed; i++) {
		uint32_t s = w->changed_list[i];

		w->peak_bytes[s] = w->live_bytes[s];
		w->peak_count[s] = w->live_count[s];
		w->changed[s / 64] &= ~(1ull << (s & 63));
	}
	w->n_changed = 0;
}

void eventlog_stream_finish(struct eventlog *log, struct eventlog_writer *w)
{
	struct streamed_live *sl = xcalloc(1, sizeof(*sl));

	eventlog_writer_live(w, 1);	/* no events: one zero stack, so no array is NULL */
	sl->n = w->live_cap;
	sl->peak_bytes = w->peak_bytes;
	sl->peak_count = w->peak_count;
	sl->end_bytes = w->live_bytes;
	sl->end_count = w->live_count;
	w->peak_bytes = w->peak_count = w->live_bytes = w->live_count = NULL;
	w->live_cap = 0;
	log->streamed = sl;
	eventlog_writer_release(w);
}
