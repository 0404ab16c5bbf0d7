/*
 * eventlog: encoding, chunks, checkpoints and the cursor of the event log
 * (layout in capture_impl.h).
 *
 * Writing: events are encoded into the open chunk; every EVENTS_PER_CHUNK
 * events the chunk is sealed (spilled, or zstd-compressed on the heap: see
 * capture_impl.h) and a new one opens.  The writer keeps every stack's live figures so far, and
 * before events 0, CHECKPOINT_EVENTS, 2 * CHECKPOINT_EVENTS, ... copies the
 * nonzero ones into a sparse checkpoint.  Reading: a cursor decodes one
 * chunk at a time into its own buffer, so any number of cursors can read
 * one capture.
 */
#include "eventlog.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "bytes.h"
#include "capture_impl.h"
#include "xalloc.h"

void eventlog_init(struct eventlog *log)
{
	vec_init(&log->chunks, sizeof(struct event_chunk));
	vec_init(&log->checkpoints, sizeof(struct checkpoint));
	spill_init(&log->spill);
	log->streamed = NULL;
}

void eventlog_release(struct eventlog *log)
{
	for (size_t i = 0; i < log->chunks.len; i++) {
		struct event_chunk *ch = vec_at(&log->chunks, i);

		if (!ch->borrowed)
			free(ch->data);
	}
	vec_release(&log->chunks);
	for (size_t i = 0; i < log->checkpoints.len; i++)
		free(((struct checkpoint *)vec_at(&log->checkpoints, i))->entries);
	vec_release(&log->checkpoints);
	spill_release(&log->spill);
	if (log->streamed) {
		free(log->streamed->peak_bytes);
		free(log->streamed->peak_count);
		free(log->streamed->end);
		free(log->streamed);
		log->streamed = NULL;
	}
}

/* Encodes one event at p (room for EVENT_MAX_BYTES); returns bytes written. */
static inline size_t encode(uint8_t *p, const struct event *ev)
{
	int64_t def = (ev->flags & EV_ALLOC) ? 1 : -1;
	uint64_t head = (uint64_t)ev->stack << 3 | (uint64_t)(ev->flags & 3) << 1 |
			(ev->count == def);
	size_t n = wr_varint(p, head);

	n += wr_varint(p + n, zigzag_encode(ev->bytes));
	if (ev->count != def)
		n += wr_varint(p + n, zigzag_encode(ev->count));
	return n;
}

static void seal_chunk(struct eventlog *log, struct eventlog_writer *w)
{
	struct event_chunk ch = { NULL, 0, (uint32_t)w->chunk_len, false, false, false, 0 };
	size_t bound = ZSTD_compressBound(w->chunk_len), n = 0;

	if (log->chunks.len && w->chunk_len &&
	    spill_append(&log->spill, w->chunk, w->chunk_len, &ch.spill_off)) {
		ch.len = (uint32_t)w->chunk_len;
		ch.spilled = true;
		vec_push(&log->chunks, &ch);
		w->chunk_len = 0;
		return;
	}
	if (bound > w->zbuf_cap) {
		w->zbuf = xrealloc_array(w->zbuf, bound, 1);
		w->zbuf_cap = bound;
	}
	if (!w->zctx)
		w->zctx = ZSTD_createCCtx();
	if (w->zctx)
		n = ZSTD_compressCCtx(w->zctx, w->zbuf, bound, w->chunk, w->chunk_len,
				      CHUNK_ZSTD_LEVEL);
	if (w->zctx && !ZSTD_isError(n) && n < w->chunk_len) {
		ch.data = xmalloc(n);
		memcpy(ch.data, w->zbuf, n);
		ch.len = (uint32_t)n;
		ch.compressed = true;
	} else {
		ch.data = xmalloc(w->chunk_len ? w->chunk_len : 1);
		memcpy(ch.data, w->chunk, w->chunk_len);
		ch.len = (uint32_t)w->chunk_len;
	}
	vec_push(&log->chunks, &ch);
	w->chunk_len = 0;	/* the working buffer is reused for the next chunk */
}

void eventlog_writer_live(struct eventlog_writer *w, size_t n)
{
	size_t cap = w->live_cap ? w->live_cap : 1024, old = w->live_cap;

	if (n <= old)
		return;
	while (cap < n)
		cap *= 2;
	w->live_bytes = xrealloc_zeroed(w->live_bytes, old, cap, sizeof(int64_t));
	w->live_count = xrealloc_zeroed(w->live_count, old, cap, sizeof(int64_t));
	if (w->streamed) {
		w->peak_bytes = xrealloc_zeroed(w->peak_bytes, old, cap, sizeof(int64_t));
		w->peak_count = xrealloc_zeroed(w->peak_count, old, cap, sizeof(int64_t));
		w->changed = xrealloc_zeroed(w->changed, old / 64, cap / 64, sizeof(uint64_t));
	}
	w->live_cap = cap;
}

static void take_checkpoint(struct eventlog *log, struct eventlog_writer *w, size_t n_stacks)
{
	struct checkpoint cp = { NULL, 0 };
	size_t cap = 0;

	/* One pass over the stacks (a compiler's 1.5 M of them, 15 times): room grows as found. */
	eventlog_writer_live(w, n_stacks);
	for (size_t i = 0; i < n_stacks; i++) {
		if (w->live_bytes[i] || w->live_count[i]) {
			XGROW(cp.entries, cap, cp.n + 1);
			cp.entries[cp.n].stack = (uint32_t)i;
			cp.entries[cp.n].bytes = w->live_bytes[i];
			cp.entries[cp.n].count = w->live_count[i];
			cp.n++;
		}
	}
	if (!cp.entries)
		cp.entries = xmalloc(sizeof(*cp.entries));
	else if (cap > cp.n)
		cp.entries = xrealloc_array(cp.entries, cp.n, sizeof(*cp.entries));
	vec_push(&log->checkpoints, &cp);
}

void eventlog_checkpoint_due(struct eventlog *log, struct eventlog_writer *w, uint64_t ev_idx,
			     size_t n_stacks)
{
	if (ev_idx % CHECKPOINT_EVENTS == 0)
		take_checkpoint(log, w, n_stacks);
}

/* Encodes ev[0..n) into the open chunk and adds them to the live figures. */
static void encode_events(struct eventlog_writer *w, size_t n_stacks, const struct event *ev,
			  size_t n)
{
	uint8_t *out;
	int64_t *live_bytes, *live_count;

	XGROW(w->chunk, w->chunk_cap, w->chunk_len + n * EVENT_MAX_BYTES);
	eventlog_writer_live(w, n_stacks);
	/* Locals, so that the byte stores need no reload of w's fields. */
	out = w->chunk + w->chunk_len;
	live_bytes = w->live_bytes;
	live_count = w->live_count;
	for (size_t i = 0; i < n; i++) {
		out += encode(out, &ev[i]);
		live_bytes[ev[i].stack] += ev[i].bytes;
		live_count[ev[i].stack] += ev[i].count;
	}
	w->chunk_len = (size_t)(out - w->chunk);
}

void eventlog_append(struct eventlog *log, struct eventlog_writer *w, uint64_t ev_idx,
		     size_t n_stacks, const struct event *ev)
{
	eventlog_checkpoint_due(log, w, ev_idx, n_stacks);
	if (ev_idx % EVENTS_PER_CHUNK == 0 && ev_idx)
		seal_chunk(log, w);
	encode_events(w, n_stacks, ev, 1);
}

void eventlog_append_run(struct eventlog_writer *w, uint64_t ev_idx, size_t n_stacks,
			 const struct event *ev, size_t n)
{
	if (!n)
		return;
	if (ev_idx % EVENTS_PER_CHUNK == 0 || ev_idx % EVENTS_PER_CHUNK + n > EVENTS_PER_CHUNK)
		BUG("eventlog_append_run: the run crosses a chunk's start");
	encode_events(w, n_stacks, ev, n);
}

void eventlog_writer_release(struct eventlog_writer *w)
{
	free(w->live_bytes);
	free(w->live_count);
	free(w->peak_bytes);
	free(w->peak_count);
	free(w->changed);
	free(w->changed_list);
	free(w->chunk);
	free(w->zbuf);
	ZSTD_freeCCtx(w->zctx);
	memset(w, 0, sizeof(*w));
}

/*
 * The spilled chunks get their data: in the spill's map, or (no map) read
 * back onto the heap.
 */
static void map_spilled(struct eventlog *log)
{
	const uint8_t *map = spill_map(&log->spill);

	for (size_t i = 0; i < log->chunks.len; i++) {
		struct event_chunk *ch = vec_at(&log->chunks, i);

		if (!ch->spilled || ch->data)
			continue;
		if (map) {
			ch->data = (uint8_t *)map + ch->spill_off;
			ch->borrowed = true;
			continue;
		}
		ch->data = xmalloc(ch->len);
		if (!spill_read(&log->spill, ch->spill_off, ch->data, ch->len))
			BUG("the event log's temporary file cannot be read back");
		ch->spilled = false;
	}
	if (!map)
		spill_release(&log->spill);
}

void eventlog_finish(struct eventlog *log, struct eventlog_writer *w)
{
	if (w->chunk_len)
		seal_chunk(log, w);
	eventlog_writer_release(w);
	vec_shrink(&log->chunks);
	map_spilled(log);
}

const uint8_t *eventlog_chunk_bytes(const struct event_chunk *ch, void **zctx, uint8_t **buf,
				    size_t *buf_cap)
{
	if (!ch->compressed)
		return ch->len == ch->raw_len ? ch->data : NULL;
	if (*buf_cap < ch->raw_len) {
		*buf = xrealloc_array(*buf, ch->raw_len, 1);
		*buf_cap = ch->raw_len;
	}
	if (!*zctx)
		*zctx = ZSTD_createDCtx();
	if (!*zctx)
		BUG("out of memory for a zstd context");
	if (ZSTD_decompressDCtx(*zctx, *buf, ch->raw_len, ch->data, ch->len) != ch->raw_len)
		return NULL;
	return *buf;
}


const char *capture_damage(const struct capture *cap)
{
	return atomic_load(&((struct capture *)cap)->backing.damage);
}

/* Records the first damage found (later ones are consequences or repeats). */
static void damaged(const struct capture *cap, const char *why)
{
	const char *none = NULL;

	atomic_compare_exchange_strong(&((struct capture *)cap)->backing.damage, &none, why);
}

/*
 * Chunk k as it is stored: in the log, or found by the backing (checked the
 * first time, by whichever thread reads it first).  NULL when it is damaged.
 */
static const struct event_chunk *chunk_at(const struct capture *cap, size_t k,
					  struct event_chunk *tmp)
{
	struct capture_backing *bk = &((struct capture *)cap)->backing;
	const struct event_chunk *ch = vec_at(&cap->log.chunks, k);
	unsigned char state;
	struct chunk_view v;
	const char *why;

	if (ch->data || !bk->load_chunk)
		return ch;
	state = atomic_load(&bk->checked[k]);
	if (state == 2)
		return NULL;
	why = bk->load_chunk(bk->ctx, k, state == 0, &v);
	if (state == 0)
		atomic_store(&bk->checked[k], why ? 2 : 1);
	if (why) {
		damaged(cap, why);
		return NULL;
	}
	*tmp = (struct event_chunk){ (uint8_t *)v.data, v.len, v.raw_len, v.compressed, true,
				     false, 0 };
	return tmp;
}

/* The cursor leaves the chunk it read in place (the backing may drop its pages). */
static void cursor_done(struct event_cursor *c)
{
	const struct capture_backing *bk = &c->cap->backing;

	if (c->in_place && bk->done_chunk)
		bk->done_chunk(bk->ctx, c->in_place - 1);
	c->in_place = 0;
	if (c->spilled) {
		const struct event_chunk *ch = vec_at(&c->cap->log.chunks, c->spilled - 1);

		spill_done(&c->cap->log.spill, ch->data, ch->len);
	}
	c->spilled = 0;
}

/*
 * Makes chunk c->chunk current.  Chunks built by this program decode by
 * construction; a chunk read lazily from a file is checked first, and one
 * that fails leaves the cursor at its end (p == end with events left).
 */
static void cursor_load_chunk(struct event_cursor *c)
{
	const struct event_chunk *ch;
	struct event_chunk tmp;
	uint64_t first = (uint64_t)c->chunk * EVENTS_PER_CHUNK;

	cursor_done(c);
	c->p = c->end = NULL;
	c->chunk_end = first + EVENTS_PER_CHUNK;
	c->inline_end = c->chunk_end < c->cap->totals.events ? c->chunk_end : c->cap->totals.events;
	if (c->chunk >= c->cap->log.chunks.len)
		return;
	ch = chunk_at(c->cap, c->chunk, &tmp);
	if (!ch)
		return;
	if (ch == &tmp)
		c->in_place = c->chunk + 1;
	else if (ch->spilled && ch->borrowed)
		c->spilled = c->chunk + 1;
	c->p = eventlog_chunk_bytes(ch, &c->zctx, &c->buf, &c->buf_cap);
	if (!c->p) {
		if (!ch->borrowed)
			BUG("event log chunk does not decompress");
		damaged(c->cap, "an event chunk that does not decompress");
		return;
	}
	c->end = c->p + ch->raw_len;
}

void event_cursor_release(struct event_cursor *c)
{
	cursor_done(c);
	free(c->buf);
	ZSTD_freeDCtx(c->zctx);
	c->buf = NULL;
	c->buf_cap = 0;
	c->zctx = NULL;
}

/* The cursor cannot go on: a damaged chunk (only in a lazily read capture). */
static bool cursor_stuck(struct event_cursor *c, const char *why)
{
	if (!c->cap->backing.ctx)
		BUG("event log corrupt");
	damaged(c->cap, why);
	c->ev_idx = c->cap->totals.events;
	c->p = c->end = NULL;
	return false;
}

bool event_cursor_next_slow(struct event_cursor *c, struct event *ev)
{
	if (c->ev_idx >= c->cap->totals.events)
		return false;
	if (c->ev_idx == c->chunk_end) {
		if (c->p != c->end)
			return cursor_stuck(c, "an event chunk with bytes after its events");
		c->chunk++;
		cursor_load_chunk(c);
	}
	if (c->p == c->end)
		return cursor_stuck(c, capture_damage(c->cap) ? capture_damage(c->cap)
					: "an event chunk with fewer events than stated");
	if (!eventlog_decode(&c->p, c->end, ev) || ev->stack >= c->cap->stacks.len)
		return cursor_stuck(c, "an event chunk that does not decode");
	c->ev_idx++;
	return true;
}

void event_cursor_init(struct event_cursor *c, const struct capture *cap, uint64_t ev_idx)
{
	struct event ev;
	uint64_t start;

	if (cap->log.streamed && cap->totals.events)
		BUG("event_cursor_init: a streamed capture keeps no events");
	c->cap = cap;
	c->n_stacks = cap->stacks.len;
	c->in_place = 0;
	c->spilled = 0;
	c->buf = NULL;
	c->buf_cap = 0;
	c->zctx = NULL;
	c->chunk = (size_t)(ev_idx / EVENTS_PER_CHUNK);
	start = (uint64_t)c->chunk * EVENTS_PER_CHUNK;
	if (start > cap->totals.events)
		start = cap->totals.events;
	c->ev_idx = start;
	cursor_load_chunk(c);
	while (c->ev_idx < ev_idx && event_cursor_next(c, &ev))
		;
}

/*
 * capture_live_at of a streamed log: its peak's figures, its end's, or none
 * (before any event).
 */
static void streamed_live_at(const struct capture *cap, uint64_t ev_idx, int64_t *bytes,
			     int64_t *count)
{
	const struct streamed_live *sl = cap->log.streamed;
	size_t n = cap->stacks.len < sl->n ? cap->stacks.len : sl->n;
	bool peak = ev_idx != UINT64_MAX && ev_idx == cap->totals.peak_ev_idx;
	bool end = !peak && ev_idx != UINT64_MAX && ev_idx + 1 >= cap->totals.events;

	if (!peak && !end && ev_idx != UINT64_MAX)
		BUG("capture_live_at: a streamed capture keeps its peak and its end alone");
	if (!peak)
		n = 0;
	if (n) {
		memcpy(bytes, sl->peak_bytes, n * sizeof(*bytes));
		memcpy(count, sl->peak_count, n * sizeof(*count));
	}
	/* Stacks past the figures kept have none. */
	memset(bytes + n, 0, (cap->stacks.len - n) * sizeof(*bytes));
	memset(count + n, 0, (cap->stacks.len - n) * sizeof(*count));
	for (size_t i = 0; end && i < sl->n_end; i++) {
		if (sl->end[i].stack >= cap->stacks.len)
			BUG("capture_live_at: an end entry past the stacks");
		bytes[sl->end[i].stack] = sl->end[i].bytes;
		count[sl->end[i].stack] = sl->end[i].count;
	}
}

bool capture_peak_figures(const struct capture *cap, const int64_t **bytes,
			  const int64_t **count)
{
	const struct streamed_live *sl = cap->log.streamed;

	if (!sl || sl->n < cap->stacks.len || cap->totals.peak_ev_idx == UINT64_MAX)
		return false;
	*bytes = sl->peak_bytes;
	*count = sl->peak_count;
	return true;
}

bool capture_end_entries(const struct capture *cap, const struct checkpoint_entry **entries,
			 size_t *n)
{
	const struct streamed_live *sl = cap->log.streamed;

	if (!sl)
		return false;
	*entries = sl->end;
	*n = sl->n_end;
	return true;
}

void capture_live_at(const struct capture *cap, uint64_t ev_idx, int64_t *bytes, int64_t *count)
{
	size_t n = cap->stacks.len;
	struct event_cursor c;
	struct event ev;
	uint64_t stop, start = 0;

	if (cap->log.streamed) {
		streamed_live_at(cap, ev_idx, bytes, count);
		return;
	}
	memset(bytes, 0, n * sizeof(*bytes));
	memset(count, 0, n * sizeof(*count));
	if (ev_idx == UINT64_MAX)
		return;
	stop = ev_idx + 1;
	if (stop > cap->totals.events)
		stop = cap->totals.events;
	if (cap->log.checkpoints.len) {
		size_t k = (size_t)(stop / CHECKPOINT_EVENTS);
		const struct checkpoint *cp;

		if (k >= cap->log.checkpoints.len)
			k = cap->log.checkpoints.len - 1;
		cp = vec_at(&cap->log.checkpoints, k);
		for (size_t i = 0; i < cp->n; i++) {
			bytes[cp->entries[i].stack] = cp->entries[i].bytes;
			count[cp->entries[i].stack] = cp->entries[i].count;
		}
		start = (uint64_t)k * CHECKPOINT_EVENTS;
	}
	event_cursor_init(&c, cap, start);
	while (c.ev_idx < stop && event_cursor_next(&c, &ev)) {
		bytes[ev.stack] += ev.bytes;
		count[ev.stack] += ev.count;
	}
	event_cursor_release(&c);
}

size_t capture_chunk_count(const struct capture *cap)
{
	return cap->log.chunks.len;
}

void capture_chunk(const struct capture *cap, size_t k, struct chunk_view *out)
{
	struct event_chunk tmp;
	const struct event_chunk *ch = chunk_at(cap, k, &tmp);
	uint64_t first = (uint64_t)k * EVENTS_PER_CHUNK;

	if (!ch)
		BUG("capture_chunk: a damaged chunk");
	out->data = ch->data;
	out->len = ch->len;
	out->raw_len = ch->raw_len;
	out->compressed = ch->compressed;
	out->n_events = (uint32_t)(cap->totals.events - first < EVENTS_PER_CHUNK
				   ? cap->totals.events - first : EVENTS_PER_CHUNK);
}

void capture_chunk_done(const struct capture *cap, size_t k)
{
	const struct capture_backing *bk = &cap->backing;
	const struct event_chunk *ch = vec_at(&cap->log.chunks, k);

	if (ch->spilled && ch->data)
		spill_done(&cap->log.spill, ch->data, ch->len);
	else if (!ch->data && bk->done_chunk)
		bk->done_chunk(bk->ctx, k);
}

size_t capture_checkpoint_count(const struct capture *cap)
{
	return cap->log.checkpoints.len;
}

const struct checkpoint_entry *capture_checkpoint(const struct capture *cap, size_t k,
						  size_t *n)
{
	const struct checkpoint *cp = vec_at(&cap->log.checkpoints, k);

	*n = cp->n;
	return cp->entries;
}
