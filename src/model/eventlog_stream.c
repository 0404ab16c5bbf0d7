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

/* The stacks of w with live figures, as entries in stack order; their count in *n. */
static struct checkpoint_entry *live_entries(const struct eventlog_writer *w, size_t *n)
{
	struct checkpoint_entry *e = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < w->live_cap; i++) {
		if (!w->live_bytes[i] && !w->live_count[i])
			continue;
		XGROW(e, cap, *n + 1);
		e[(*n)++] = (struct checkpoint_entry){ (uint32_t)i, w->live_bytes[i],
						       w->live_count[i] };
	}
	return e;
}

void eventlog_stream_finish(struct eventlog *log, struct eventlog_writer *w)
{
	struct checkpoint_entry *end;
	int64_t *bytes, *count;
	size_t n, n_end;

	eventlog_writer_live(w, 1);	/* no events: one zero stack, so no array is NULL */
	end = live_entries(w, &n_end);
	bytes = w->peak_bytes;
	count = w->peak_count;
	n = w->live_cap;
	w->peak_bytes = w->peak_count = NULL;
	eventlog_stream_finish_summed(log, w, bytes, count, n, end, n_end);
}

void eventlog_stream_finish_summed(struct eventlog *log, struct eventlog_writer *w,
				   int64_t *peak_bytes, int64_t *peak_count, size_t n,
				   struct checkpoint_entry *end, size_t n_end)
{
	struct streamed_live *sl = xcalloc(1, sizeof(*sl));

	sl->peak_bytes = peak_bytes;
	sl->peak_count = peak_count;
	sl->n = n;
	sl->end = end;
	sl->n_end = n_end;
	log->streamed = sl;
	eventlog_writer_release(w);
}
