/*
 * capture: read-only accessors and the event cursor over the chunked log
 * (layout in capture_impl.h).
 */
#include "capture.h"

#include <inttypes.h>
#include <zstd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "capture_impl.h"
#include "xalloc.h"

void capture_meta_set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = s ? xstrdup(s) : NULL;
}

void capture_init(struct capture *cap)
{
	struct stack_node root = { 0, 0, 0 };
	struct frame none = { 0 };

	memset(cap, 0, sizeof(*cap));
	cap->meta.pid = -1;
	cap->meta.start_time_ms = -1;
	cap->meta.duration_ms = -1;
	cap->meta.has_totals = true;
	cap->meta.has_event_stream = true;
	strtab_init(&cap->strings);
	vec_init(&cap->frames, sizeof(struct frame));
	vec_init(&cap->stacks, sizeof(struct stack_node));
	hashmap_init(&cap->stack_index);
	vec_init(&cap->chunks, sizeof(struct event_chunk));
	vec_init(&cap->checkpoints, sizeof(struct checkpoint));
	vec_init(&cap->time_marks, sizeof(struct time_mark));
	vec_init(&cap->rss, sizeof(struct rss_sample));
	vec_init(&cap->stage_marks, sizeof(struct stage_mark));
	vec_push(&cap->stacks, &root);
	vec_push(&cap->frames, &none);	/* frame 0: the root's placeholder */
	cap->totals.peak_ev_idx = UINT64_MAX;
}

void capture_free(struct capture *cap)
{
	if (!cap)
		return;
	free(cap->meta.format_version);
	free(cap->meta.tool_version);
	free(cap->meta.command);
	free(cap->meta.truncated_why);
	for (size_t i = 0; i < cap->meta.n_threads; i++)
		free(cap->meta.threads[i].name);
	free(cap->meta.threads);
	for (size_t i = 0; i < cap->meta.n_suppressions; i++)
		free(cap->meta.suppressions[i]);
	free(cap->meta.suppressions);
	for (size_t i = 0; i < cap->meta.n_warnings; i++)
		free(cap->meta.warnings[i]);
	strtab_release(&cap->strings);
	vec_release(&cap->frames);
	vec_release(&cap->stacks);
	hashmap_release(&cap->stack_index);
	for (size_t i = 0; i < cap->chunks.len; i++)
		free(((struct event_chunk *)vec_at(&cap->chunks, i))->data);
	vec_release(&cap->chunks);
	for (size_t i = 0; i < cap->checkpoints.len; i++)
		free(((struct checkpoint *)vec_at(&cap->checkpoints, i))->entries);
	vec_release(&cap->checkpoints);
	vec_release(&cap->time_marks);
	vec_release(&cap->rss);
	for (size_t i = 0; i < cap->stage_marks.len; i++)
		free(((struct stage_mark *)vec_at(&cap->stage_marks, i))->name);
	vec_release(&cap->stage_marks);
	free(cap);
}

const struct capture_meta *capture_meta(const struct capture *cap)
{
	return &cap->meta;
}

const char *capture_string(const struct capture *cap, uint32_t id)
{
	return strtab_get(&cap->strings, id);
}

uint32_t capture_string_count(const struct capture *cap)
{
	return strtab_count(&cap->strings);
}

const struct frame *capture_frame(const struct capture *cap, uint32_t id)
{
	if (id >= cap->frames.len)
		BUG("capture_frame: bad id");
	return vec_at(&cap->frames, id);
}

uint32_t capture_frame_count(const struct capture *cap)
{
	return (uint32_t)cap->frames.len;
}

const struct stack_node *capture_stack(const struct capture *cap, uint32_t id)
{
	if (id >= cap->stacks.len)
		BUG("capture_stack: bad id");
	return vec_at(&cap->stacks, id);
}

uint32_t capture_stack_count(const struct capture *cap)
{
	return (uint32_t)cap->stacks.len;
}

uint32_t capture_stack_find(const struct capture *cap, uint32_t parent, uint32_t frame)
{
	uint32_t id = hashmap_get(&cap->stack_index, (uint64_t)parent << 32 | frame);

	return id == HASHMAP_NONE ? UINT32_MAX : id;
}

const struct capture_totals *capture_totals(const struct capture *cap)
{
	return &cap->totals;
}

int64_t capture_time_at(const struct capture *cap, uint64_t ev_idx)
{
	const struct time_mark *m = cap->time_marks.data;
	size_t lo = 0, hi = cap->time_marks.len;

	/* Find the last mark with m.ev_idx <= ev_idx. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].ev_idx <= ev_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? m[lo - 1].time_ms : 0;
}

const struct time_mark *capture_time_marks(const struct capture *cap, size_t *n)
{
	*n = cap->time_marks.len;
	return cap->time_marks.data;
}

const struct rss_sample *capture_rss(const struct capture *cap, size_t *n)
{
	*n = cap->rss.len;
	return cap->rss.data;
}

const struct stage_mark *capture_stage_marks(const struct capture *cap, size_t *n)
{
	*n = cap->stage_marks.len;
	return cap->stage_marks.data;
}

size_t eventlog_encode(uint8_t *p, const struct event *ev)
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

static void cursor_load_chunk(struct event_cursor *c)
{
	const struct event_chunk *ch;

	if (c->chunk >= c->cap->chunks.len) {
		c->p = c->end = NULL;
		return;
	}
	ch = vec_at(&c->cap->chunks, c->chunk);
	if (!ch->compressed) {
		c->p = ch->data;
		c->end = ch->data + ch->len;
		return;
	}
	if (c->buf_cap < ch->raw_len) {
		c->buf = xrealloc_array(c->buf, ch->raw_len, 1);
		c->buf_cap = ch->raw_len;
	}
	if (!c->zctx)
		c->zctx = ZSTD_createDCtx();
	if (!c->zctx)
		BUG("out of memory for a zstd context");
	if (ZSTD_decompressDCtx(c->zctx, c->buf, ch->raw_len, ch->data, ch->len) != ch->raw_len)
		BUG("event log chunk does not decompress");
	c->p = c->buf;
	c->end = c->buf + ch->raw_len;
}

void event_cursor_release(struct event_cursor *c)
{
	free(c->buf);
	ZSTD_freeDCtx(c->zctx);
	c->buf = NULL;
	c->buf_cap = 0;
	c->zctx = NULL;
}

bool event_cursor_next(struct event_cursor *c, struct event *ev)
{
	struct rd r;
	uint64_t head, zb, zc;

	if (c->ev_idx >= c->cap->totals.events)
		return false;
	if (c->p == c->end) {
		c->chunk++;
		cursor_load_chunk(c);
	}
	r.p = c->p;
	r.end = c->end;
	/* The log was written by eventlog_encode, so these reads cannot fail. */
	if (!rd_varint(&r, &head) || !rd_varint(&r, &zb))
		BUG("event log corrupt");
	ev->stack = (uint32_t)(head >> 3);
	ev->flags = (unsigned)(head >> 1) & 3;
	ev->bytes = zigzag_decode(zb);
	if (head & 1) {
		ev->count = (ev->flags & EV_ALLOC) ? 1 : -1;
	} else {
		if (!rd_varint(&r, &zc))
			BUG("event log corrupt");
		ev->count = zigzag_decode(zc);
	}
	c->p = r.p;
	c->ev_idx++;
	return true;
}

void event_cursor_init(struct event_cursor *c, const struct capture *cap, uint64_t ev_idx)
{
	struct event ev;
	uint64_t start;

	c->cap = cap;
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

void capture_live_at(const struct capture *cap, uint64_t ev_idx, int64_t *bytes, int64_t *count)
{
	size_t n = cap->stacks.len;
	struct event_cursor c;
	struct event ev;
	uint64_t stop, start = 0;

	memset(bytes, 0, n * sizeof(*bytes));
	memset(count, 0, n * sizeof(*count));
	if (ev_idx == UINT64_MAX)
		return;
	stop = ev_idx + 1;
	if (stop > cap->totals.events)
		stop = cap->totals.events;
	if (cap->checkpoints.len) {
		size_t k = (size_t)(stop / CHECKPOINT_EVENTS);
		const struct checkpoint *cp;

		if (k >= cap->checkpoints.len)
			k = cap->checkpoints.len - 1;
		cp = vec_at(&cap->checkpoints, k);
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

char *capture_frame_label(const struct capture *cap, uint32_t frame, char *buf, size_t size)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *fn = capture_string(cap, f->function);
	const char *mod, *slash;

	if (*fn) {
		snprintf(buf, size, "%s", fn);
		return buf;
	}
	mod = capture_string(cap, f->module);
	slash = strrchr(mod, '/');
	if (slash)
		mod = slash + 1;
	if (*mod && cap->meta.native_offsets)
		snprintf(buf, size, "%s+0x%" PRIx64, mod, f->address);
	else if (*mod)
		snprintf(buf, size, "0x%" PRIx64 " in %s", f->address, mod);
	else if (f->address)
		snprintf(buf, size, "0x%" PRIx64, f->address);
	else
		snprintf(buf, size, "???");
	return buf;
}
