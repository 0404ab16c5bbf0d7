/*
 * same_capture: how many ways two captures differ in what their events make
 * (totals, per-stack calls, the event log and its checkpoints, leaks, time
 * and stage marks, the flags), for tests that load or build one capture two
 * ways (on threads and in line) and need the same result.  0: the same.
 */
#ifndef MT_TEST_SAME_CAPTURE_H
#define MT_TEST_SAME_CAPTURE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "eventlog.h"

static inline bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static inline size_t captures_differ(const struct capture *a, const struct capture *t)
{
	const struct capture_meta *ma = capture_meta(a), *mt = capture_meta(t);
	struct event_cursor ca, ct;
	struct event ea, et;
	struct stack_calls sa, st;
	size_t na, nt, differ = 0;
	const struct leak *la, *lt;
	const struct time_mark *ta, *tt;
	const struct stage_mark *ka, *kt;

	differ += !!memcmp(capture_totals(a), capture_totals(t), sizeof(struct capture_totals));
	differ += capture_stack_count(a) != capture_stack_count(t);
	differ += ma->truncated != mt->truncated || ma->truncated_at != mt->truncated_at ||
		  !same_str(ma->truncated_why, mt->truncated_why);
	differ += ma->inconsistent != mt->inconsistent ||
		  !same_str(ma->inconsistent_why, mt->inconsistent_why);
	differ += ma->n_warnings != mt->n_warnings;
	for (size_t i = 0; i < ma->n_warnings && ma->n_warnings == mt->n_warnings; i++)
		differ += !same_str(ma->warnings[i], mt->warnings[i]);
	if (differ)
		return differ;
	differ += capture_stack_calls(a, &sa) != capture_stack_calls(t, &st);
	for (size_t s = 0; !differ && sa.count && s < capture_stack_count(a); s++)
		differ += sa.count[s] != st.count[s] || sa.bytes[s] != st.bytes[s] ||
			  sa.temporary[s] != st.temporary[s];
	event_cursor_init(&ca, a, 0);
	event_cursor_init(&ct, t, 0);
	while (event_cursor_next(&ca, &ea))
		differ += !event_cursor_next(&ct, &et) || ea.stack != et.stack ||
			  ea.flags != et.flags || ea.bytes != et.bytes || ea.count != et.count;
	differ += event_cursor_next(&ct, &et);
	event_cursor_release(&ca);
	event_cursor_release(&ct);
	differ += capture_checkpoint_count(a) != capture_checkpoint_count(t);
	for (size_t k = 0; !differ && k < capture_checkpoint_count(a); k++) {
		const struct checkpoint_entry *pa = capture_checkpoint(a, k, &na),
					      *pt = capture_checkpoint(t, k, &nt);

		differ += na != nt;
		for (size_t i = 0; i < na && na == nt; i++)
			differ += pa[i].stack != pt[i].stack || pa[i].bytes != pt[i].bytes ||
				  pa[i].count != pt[i].count;
	}
	la = capture_leaks(a, &na);
	lt = capture_leaks(t, &nt);
	differ += !la != !lt || na != nt;
	for (size_t i = 0; la && lt && i < na && na == nt; i++)
		differ += la[i].ev_idx != lt[i].ev_idx || la[i].stack != lt[i].stack ||
			  la[i].bytes != lt[i].bytes || la[i].count != lt[i].count;
	ta = capture_time_marks(a, &na);
	tt = capture_time_marks(t, &nt);
	differ += na != nt || (na && memcmp(ta, tt, na * sizeof(*ta)));
	ka = capture_stage_marks(a, &na);
	kt = capture_stage_marks(t, &nt);
	differ += na != nt;
	for (size_t i = 0; i < na && na == nt; i++)
		differ += ka[i].ev_idx != kt[i].ev_idx || ka[i].time_ms != kt[i].time_ms ||
			  !same_str(ka[i].name, kt[i].name) || !same_str(ka[i].where, kt[i].where);
	return differ;
}

/* Whether arrays a and t of n live figures each differ. */
static inline bool live_differ(const int64_t *a, const int64_t *t, size_t n)
{
	return n && memcmp(a, t, n * sizeof(*a));
}

/*
 * How many ways a streamed capture s (capture_builder_streamed) differs
 * from the same capture with its log kept, k, in what a streamed one keeps:
 * everything but the log (and maybe the leak table), and the live figures
 * before any event, at the peak and after the last event.  0: the same.
 */
static inline size_t streamed_differs(const struct capture *k, const struct capture *s)
{
	size_t n = capture_stack_count(k), na, nt, differ = 0;
	const struct capture_totals *tk = capture_totals(k);
	uint64_t at[4] = { UINT64_MAX, tk->peak_ev_idx, tk->events - 1, tk->events };
	int64_t *kb, *kc, *sb, *sc;
	struct stack_calls ck, cs;
	const struct leak *lk, *ls;

	differ += !!memcmp(tk, capture_totals(s), sizeof(*tk));
	differ += n != capture_stack_count(s);
	differ += capture_meta(k)->n_warnings != capture_meta(s)->n_warnings;
	differ += capture_meta(k)->inconsistent != capture_meta(s)->inconsistent;
	if (differ)
		return differ;
	differ += capture_stack_calls(k, &ck) != capture_stack_calls(s, &cs);
	/* A heaptrack capture streamed keeps no temporaries' bytes: its rule weighs none. */
	differ += cs.temporary_bytes && !ck.temporary_bytes;
	differ += !cs.temporary_bytes && capture_meta(s)->temporary_threshold >= 0;
	for (size_t i = 0; !differ && ck.count && i < n; i++)
		differ += ck.count[i] != cs.count[i] || ck.bytes[i] != cs.bytes[i] ||
			  ck.temporary[i] != cs.temporary[i] ||
			  (cs.temporary_bytes && ck.temporary_bytes[i] != cs.temporary_bytes[i]);
	/* A streamed capture may keep no leak table (heaptrack's: no reader of it runs). */
	lk = capture_leaks(k, &na);
	ls = capture_leaks(s, &nt);
	differ += ls && (!lk || na != nt);
	/* Field by field: struct leak has padding, whatever the builder's stack left there. */
	for (size_t i = 0; ls && lk && i < na && na == nt; i++)
		differ += lk[i].ev_idx != ls[i].ev_idx || lk[i].stack != ls[i].stack ||
			  lk[i].bytes != ls[i].bytes || lk[i].count != ls[i].count;
	kb = calloc(n, sizeof(*kb));
	kc = calloc(n, sizeof(*kc));
	sb = calloc(n, sizeof(*sb));
	sc = calloc(n, sizeof(*sc));
	for (int i = 0; i < 4; i++) {
		if (i > 1 && !tk->events)
			break;
		capture_live_at(k, at[i], kb, kc);
		capture_live_at(s, at[i], sb, sc);
		differ += live_differ(kb, sb, n) || live_differ(kc, sc, n);
	}
	free(kb);
	free(kc);
	free(sb);
	free(sc);
	return differ;
}

#endif
