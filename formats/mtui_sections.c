/*
 * mtui_sections: each section type of FORMAT.md checked and applied (see
 * mtui_sections.h).  Tables are interned in id order; event chunks adopted as
 * stored (front to back: decoded once to check them and keep the totals;
 * lazily: left in the file); checkpoints, per-stack calls and the SUMMARY
 * checked against the events (front to back) or taken as stored (lazily);
 * the INDEX checked against the sections seen.
 */
#include "mtui_sections.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mtui_format.h"
#include "xalloc.h"

uint64_t mtui_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Records why a section is invalid; returns false for "return bad(...)". */
static bool bad(struct mtui *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool bad(struct mtui *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return false;
}

/* A string of the payload: len bytes, no NUL. */
static bool rd_string(struct rd *r, size_t max, const uint8_t **s, size_t *len)
{
	uint64_t n;

	if (!rd_varint(r, &n) || n > max || n > rd_left(r) || !rd_bytes(r, (size_t)n, s))
		return false;
	*len = (size_t)n;
	return !memchr(*s, 0, *len);
}

static char *dup_field(const uint8_t *p, size_t n)
{
	return xstrndup((const char *)p, n);
}

/* A META field value that is one varint using exactly its bytes. */
static bool field_varint(const uint8_t *p, size_t n, uint64_t *v)
{
	struct rd r = { p, p + n };

	return rd_varint(&r, v) && !rd_left(&r);
}

static const char *source_format(const uint8_t *p, size_t n)
{
	static const char *const known[] = { "memray", "heaptrack", "memtui" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == n && !memcmp(known[i], p, n))
			return known[i];
	return NULL;
}

/* The fields that decide how the log is read: first META sets, later ones repeat. */
static bool fixed_field(struct mtui *m, uint64_t tag, const uint8_t *p, size_t n)
{
	struct capture_meta *cm = capture_builder_meta(m->b);
	uint64_t v = 0;

	if (tag == TAG_SOURCE_FORMAT) {
		const char *f = source_format(p, n);

		if (!f)
			return bad(m, "an unknown source format");
		if (m->meta_seen && f != m->source_format)
			return bad(m, "a later META changes the source format");
		m->source_format = cm->source.format = f;
		return true;
	}
	if (!field_varint(p, n, &v))
		return bad(m, "META field %" PRIu64 " is not one number", tag);
	switch (tag) {
	case TAG_CAPTURE_FLAGS:
		if (v > 15 || (m->meta_seen && v != m->flags))
			return bad(m, "capture flags out of range or changed");
		m->flags = v;
		cm->native_traces = v & MTUI_FLAG_NATIVE_TRACES;
		cm->native_offsets = v & MTUI_FLAG_NATIVE_OFFSETS;
		cm->has_totals = v & MTUI_FLAG_HAS_TOTALS;
		cm->has_event_stream = v & MTUI_FLAG_HAS_EVENT_STREAM;
		return true;
	case TAG_PEAK_RULE:
		if (v > PEAK_LAST_MAX || (m->meta_seen && v != m->peak_rule))
			return bad(m, "peak rule out of range or changed");
		m->peak_rule = v;
		cm->peak_rule = (enum peak_rule)v;
		return true;
	case TAG_TOP_RULE:
		if (v > TOP_INNERMOST_HYBRID || (m->meta_seen && v != m->top_rule))
			return bad(m, "top rule out of range or changed");
		m->top_rule = v;
		cm->top_rule = (enum top_rule)v;
		return true;
	case TAG_EVENTS_PER_CHUNK:
		return v == EVENTS_PER_CHUNK ||
		       bad(m, "%" PRIu64 " events per chunk: this memtui reads %u", v,
			   EVENTS_PER_CHUNK);
	default:	/* TAG_CHECKPOINT_EVENTS */
		return v == CHECKPOINT_EVENTS ||
		       bad(m, "checkpoints every %" PRIu64 " events: this memtui reads %u", v,
			   CHECKPOINT_EVENTS);
	}
}

static bool signed_field(struct mtui *m, const uint8_t *p, size_t n, int64_t *out)
{
	uint64_t v;

	if (!field_varint(p, n, &v))
		return bad(m, "a META number that does not decode");
	*out = zigzag_decode(v);
	return true;
}

static bool meta_field(struct mtui *m, uint64_t tag, const uint8_t *p, size_t n)
{
	struct capture_meta *cm = capture_builder_meta(m->b);
	struct rd r = { p, p + n };
	uint64_t v = 0;

	if (tag == TAG_SOURCE_FORMAT || (tag >= TAG_CAPTURE_FLAGS && tag <= TAG_CHECKPOINT_EVENTS))
		return fixed_field(m, tag, p, n);
	if (tag == TAG_SOURCE_HASH) {
		if (n != 33 || p[0] != MTUI_HASH_SHA256)
			return bad(m, "a source hash of an unknown kind");
		cm->source.has_sha256 = true;
		memcpy(cm->source.sha256, p + 1, 32);
		return true;
	}
	if (tag == TAG_SOURCE_SIZE || tag == TAG_WARNINGS_DROPPED ||
	    tag == TAG_TEMPORARY_THRESHOLD) {
		if (!field_varint(p, n, &v) || (tag == TAG_SOURCE_SIZE && v > INT64_MAX) ||
		    (tag == TAG_TEMPORARY_THRESHOLD && v > UINT32_MAX))
			return bad(m, "a META number that does not decode");
		if (tag == TAG_SOURCE_SIZE)
			cm->source.size = (int64_t)v;
		else if (tag == TAG_TEMPORARY_THRESHOLD)
			cm->temporary_threshold = (int64_t)v;
		else
			cm->n_warnings_dropped += v;
		return true;
	}
	if (tag == TAG_PID)
		return signed_field(m, p, n, &cm->pid);
	if (tag == TAG_START_TIME)
		return signed_field(m, p, n, &cm->start_time_ms);
	if (tag == TAG_DURATION)
		return signed_field(m, p, n, &cm->duration_ms);
	if (tag == TAG_THREAD || tag == TAG_SOURCE_TRUNCATED) {
		if (!rd_varint(&r, &v))
			return bad(m, "a META field that does not decode");
		p = r.p;
		n = rd_left(&r);
	}
	if (memchr(p, 0, n) || n > MTUI_MAX_STRING)
		return bad(m, "a META string with a NUL byte or over 4 MiB");
	switch (tag) {
	case TAG_SOURCE_FORMAT_VERSION:
		free(cm->source.format_version);
		cm->source.format_version = dup_field(p, n);
		break;
	case TAG_TOOL_VERSION:
		free(cm->tool_version);
		cm->tool_version = dup_field(p, n);
		break;
	case TAG_SOURCE_NAME:
		free(cm->source.name);
		cm->source.name = dup_field(p, n);
		break;
	case TAG_COMMAND:
		free(cm->command);
		cm->command = dup_field(p, n);
		break;
	case TAG_THREAD: {
		char *name = dup_field(p, n);

		capture_builder_thread(m->b, v, name);
		free(name);
		break;
	}
	case TAG_SUPPRESSION: {
		char *s = dup_field(p, n);

		capture_builder_suppression(m->b, s);
		free(s);
		break;
	}
	case TAG_WARNING:
		capture_builder_warning(m->b, "%.*s", (int)n, (const char *)p);
		break;
	case TAG_SOURCE_TRUNCATED:
		m->source_truncated = true;
		m->source_trunc_at = v;
		free(m->source_trunc_why);
		m->source_trunc_why = dup_field(p, n);
		break;
	case TAG_INCONSISTENT:
		capture_builder_inconsistent(m->b, "%.*s", (int)n, (const char *)p);
		break;
	default:
		break;	/* a tag of a newer minor version: skipped */
	}
	return true;
}

static bool meta(struct mtui *m, struct rd *r)
{
	bool has[16] = { false };

	while (rd_left(r)) {
		uint64_t tag, n;
		const uint8_t *p;

		if (!rd_varint(r, &tag) || !tag || !rd_varint(r, &n) || n > rd_left(r) ||
		    !rd_bytes(r, (size_t)n, &p))
			return bad(m, "a META field that does not decode");
		if (!meta_field(m, tag, p, (size_t)n))
			return false;
		if (tag < 16)
			has[tag] = true;
	}
	if (!m->meta_seen && !(has[TAG_SOURCE_FORMAT] && has[TAG_EVENTS_PER_CHUNK] &&
			       has[TAG_CHECKPOINT_EVENTS]))
		return bad(m, "the first META lacks the source format or the chunk geometry");
	m->meta_seen = true;
	return true;
}

/* first_id and count of a table batch. */
static bool batch(struct mtui *m, struct rd *r, uint32_t defined, uint64_t *count)
{
	uint64_t first;

	if (!rd_varint(r, &first) || first != defined)
		return bad(m, "a table batch that does not continue its table");
	if (!rd_varint(r, count) || !*count || *count > rd_left(r))
		return bad(m, "a table batch count out of bounds");
	return true;
}

static bool strings(struct mtui *m, struct rd *r)
{
	uint64_t count;

	if (!batch(m, r, m->strings, &count))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *s;
		size_t n;

		if (m->strings == UINT32_MAX)
			return bad(m, "more than 2^32 strings");
		if (!rd_string(r, MTUI_MAX_STRING, &s, &n) || !n)
			return bad(m, "string %" PRIu32 " is empty, too long or holds a NUL",
				   m->strings);
		if (capture_builder_string(m->b, (const char *)s, n) != m->strings)
			return bad(m, "string %" PRIu32 " is defined twice", m->strings);
		m->strings++;
	}
	return true;
}

static bool frames(struct mtui *m, struct rd *r)
{
	uint64_t count;

	if (!batch(m, r, m->frames, &count))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t fn, file, module, line, address;
		uint8_t kind;

		if (!rd_u8(r, &kind) || !rd_varint(r, &fn) || !rd_varint(r, &file) ||
		    !rd_varint(r, &module) || !rd_varint(r, &line) || !rd_varint(r, &address))
			return bad(m, "frame %" PRIu32 " does not decode", m->frames);
		if (kind > FRAME_THREAD || fn >= m->strings || file >= m->strings ||
		    module >= m->strings || line > UINT32_MAX || m->frames >= UINT32_MAX - 1)
			return bad(m, "frame %" PRIu32 " is out of range", m->frames);
		struct frame f = { (uint32_t)fn, (uint32_t)file, (uint32_t)module, (uint32_t)line,
				   address, kind };
		if (capture_builder_frame(m->b, &f) != m->frames)
			return bad(m, "frame %" PRIu32 " is defined twice", m->frames);
		m->frames++;
	}
	return true;
}

#define MAX_STACKS (UINT32_MAX / 8 - 1)

static bool stacks(struct mtui *m, struct rd *r)
{
	uint64_t count;

	if (!batch(m, r, m->stacks, &count))
		return false;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t up, frame;

		if (!rd_varint(r, &up) || !rd_varint(r, &frame))
			return bad(m, "stack %" PRIu32 " does not decode", m->stacks);
		if (!up || up > m->stacks || !frame || frame >= m->frames ||
		    m->stacks >= MAX_STACKS)
			return bad(m, "stack %" PRIu32 " is out of range", m->stacks);
		if (capture_builder_stack(m->b, (uint32_t)(m->stacks - up), (uint32_t)frame) !=
		    m->stacks)
			return bad(m, "stack %" PRIu32 " is defined twice", m->stacks);
		m->stacks++;
	}
	return true;
}

static bool checkpoint(struct mtui *m, struct rd *r)
{
	uint64_t event, n, events = capture_builder_events(m->b);
	const uint8_t *zero;
	uint8_t part;
	uint32_t prev = 0;

	if (!rd_le64(r, &event) || !rd_u8(r, &part) || !rd_bytes(r, 3, &zero) ||
	    !rd_varint(r, &n) || n > rd_left(r))
		return bad(m, "a checkpoint header that does not decode");
	if ((part & ~1) || zero[0] || zero[1] || zero[2])
		return bad(m, "a checkpoint header with bits of no meaning set");
	if (event != events || event % CHECKPOINT_EVENTS || (m->cp_done && m->cp_event == event))
		return bad(m, "a checkpoint out of place");
	if (!m->cp_open) {
		m->cp.len = 0;
		m->cp_open = true;
		m->cp_event = event;
	}
	if (m->cp.len)
		prev = ((struct checkpoint_entry *)vec_at(&m->cp, m->cp.len - 1))->stack;
	for (uint64_t i = 0; i < n; i++) {
		struct checkpoint_entry e;
		uint64_t step;

		if (!rd_varint(r, &step) || !rd_svarint(r, &e.bytes) || !rd_svarint(r, &e.count))
			return bad(m, "a checkpoint entry that does not decode");
		if ((m->cp.len && !step) || step >= m->stacks || prev + step >= m->stacks ||
		    (!e.bytes && !e.count))
			return bad(m, "a checkpoint entry out of range");
		e.stack = (uint32_t)(m->cp.len ? prev + step : step);
		prev = e.stack;
		vec_push(&m->cp, &e);
	}
	if (part & 1) {
		if (m->lazy)
			capture_builder_lazy_checkpoint(m->b, m->cp.data, m->cp.len);
		m->n_checkpoints++;
		m->cp_open = false;
		m->cp_done = true;
	}
	return true;
}

/* The checkpoint due before the chunk at event events must have come, whole. */
static bool checkpoint_before(struct mtui *m, uint64_t events)
{
	if (m->cp_open)
		return bad(m, "an event chunk inside a checkpoint");
	if (events % CHECKPOINT_EVENTS == 0 && (!m->cp_done || m->cp_event != events))
		return bad(m, "the checkpoint before event %" PRIu64 " is missing", events);
	return true;
}

bool mtui_lazy_events(struct mtui *m, uint64_t first, uint32_t n)
{
	if (first != capture_builder_events(m->b) || m->calls_next)
		return bad(m, "an event chunk out of order");
	if (!checkpoint_before(m, first))
		return false;
	capture_builder_lazy_chunk(m->b, n);
	return true;
}

static bool events(struct mtui *m, struct rd *r)
{
	uint64_t first, events = capture_builder_events(m->b);
	uint32_t n, raw_len;
	uint8_t compression;
	const uint8_t *zero;
	const char *why;

	if (!rd_le64(r, &first) || !rd_le32(r, &n) || !rd_le32(r, &raw_len) ||
	    !rd_u8(r, &compression) || !rd_bytes(r, 3, &zero))
		return bad(m, "an event chunk header that does not decode");
	if (first != events || m->calls_next || m->leaks_seen)
		return bad(m, "an event chunk out of order");
	if (compression > 1 || zero[0] || zero[1] || zero[2])
		return bad(m, "an event chunk of an unknown compression");
	if (!checkpoint_before(m, events))
		return false;
	if (events % CHECKPOINT_EVENTS == 0) {
		if (!capture_builder_live_equal(m->b, m->cp.data, m->cp.len))
			return bad(m, "the checkpoint before event %" PRIu64
				   " does not match the events", events);
	}
	if (m->lazy)
		return bad(m, "an event chunk read in place");	/* mtui_map.c's */
	why = capture_builder_chunk(m->b, r->p, (uint32_t)rd_left(r), raw_len, compression == 1, n);
	if (why)
		return bad(m, "%s", why);
	r->p = r->end;
	return true;
}

/* Lazily: a batch of stack call figures kept until all stacks have theirs. */
static void keep_calls(struct mtui *m, uint64_t count)
{
	for (int k = 0; k < 3; k++) {
		m->all_calls[k] = xrealloc_array(m->all_calls[k], m->calls_next + count,
						 sizeof(int64_t));
		memcpy(m->all_calls[k] + m->calls_next, m->calls + k * count,
		       count * sizeof(int64_t));
	}
}

static bool stack_calls(struct mtui *m, struct rd *r)
{
	uint64_t count;

	if (!batch(m, r, m->calls_next, &count))
		return false;
	if (count > m->stacks - m->calls_next)
		return bad(m, "call figures of stacks not defined");
	XGROW(m->calls, m->calls_cap, 3 * count);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t n, t;

		if (!rd_varint(r, &n) || !rd_svarint(r, &m->calls[count + i]) ||
		    !rd_varint(r, &t) || n > INT64_MAX || t > INT64_MAX)
			return bad(m, "stack call figures that do not decode");
		m->calls[i] = (int64_t)n;
		m->calls[2 * count + i] = (int64_t)t;
	}
	if (m->lazy)
		keep_calls(m, count);
	else if (!capture_builder_stack_calls_equal(m->b, m->calls_next, (uint32_t)count,
						    m->calls, m->calls + count,
						    m->calls + 2 * count))
		return bad(m, "stack call figures that are not those of the events");
	m->calls_next += (uint32_t)count;
	return true;
}

/*
 * LEAKS (FORMAT.md 10.6): live allocations by allocating event, strictly
 * increasing over the file, each of a defined stack; into the builder's
 * leak table.  Their sums are checked at the SUMMARY.
 */
static bool leaks(struct mtui *m, struct rd *r)
{
	uint64_t count, ev = 0, events = capture_builder_events(m->b);

	if (!rd_varint(r, &count) || count > rd_left(r) / 4)
		return bad(m, "a leak count out of bounds");
	if (!m->leaks_seen)
		capture_builder_leaks_known(m->b);
	m->leaks_seen = true;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t dev, stack, bytes, n;

		if (!rd_varint(r, &dev) || !rd_varint(r, &stack) || !rd_varint(r, &bytes) ||
		    !rd_varint(r, &n))
			return bad(m, "a leak that does not decode");
		if (ckd_add_u64(ev, dev, &ev) || ev < m->leak_ev || ev >= events || (i && !dev))
			return bad(m, "a leak out of order or beyond the events");
		if (stack >= m->stacks || bytes > INT64_MAX || !n || n > INT64_MAX ||
		    __builtin_add_overflow(m->leak_bytes, (int64_t)bytes, &m->leak_bytes) ||
		    __builtin_add_overflow(m->leak_count, (int64_t)n, &m->leak_count))
			return bad(m, "a leak of an undefined stack or out of range");
		capture_builder_leak(m->b, ev, (uint32_t)stack, (int64_t)bytes, (int64_t)n);
		m->leak_ev = ev + 1;
	}
	return true;
}

/*
 * ALLOCATORS (FORMAT.md 10.7): allocation calls per (stack, allocator),
 * strictly increasing over the file; into the builder's allocator table.
 * Their sums are checked at the SUMMARY.
 */
static bool allocators(struct mtui *m, struct rd *r)
{
	uint64_t count, stack = 0;

	if (!rd_varint(r, &count) || count > rd_left(r) / 4)
		return bad(m, "an allocator count out of bounds");
	capture_builder_allocator_calls(m->b, NULL);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t dstack, n, bytes, key;
		uint8_t a;

		if (!rd_varint(r, &dstack) || !rd_u8(r, &a) || !rd_varint(r, &n) ||
		    !rd_varint(r, &bytes))
			return bad(m, "an allocator entry that does not decode");
		if (ckd_add_u64(i ? stack : 0, dstack, &stack) || stack >= m->stacks ||
		    a > ALLOCATOR_MAX)
			return bad(m, "an allocator entry of an undefined stack or allocator");
		key = stack << 8 | a;
		if (key < m->alloc_next || !n || n > INT64_MAX || bytes > INT64_MAX)
			return bad(m, "an allocator entry out of order or out of range");
		capture_builder_allocator_calls(m->b, &(struct allocator_calls){
						(uint32_t)stack, a, (int64_t)n, (int64_t)bytes });
		m->alloc_next = key + 1;
	}
	return true;
}

/*
 * At the SUMMARY, the leak table must be the live heap after the last event:
 * per stack when the events were read, else (lazily) its sums the summary's
 * end_bytes and end_count (v[6], v[7]).
 */
static bool leaks_add_up(struct mtui *m, const uint64_t *v)
{
	if (!m->leaks_seen)
		return true;
	if (m->lazy ? m->leak_bytes == (int64_t)v[6] && m->leak_count == (int64_t)v[7]
		    : capture_builder_leaks_equal(m->b))
		return true;
	return bad(m, "leaks that are not the live heap at the end");
}

static bool time_marks(struct mtui *m, struct rd *r)
{
	uint64_t count, ev = 0, events = capture_builder_events(m->b);
	int64_t t = 0;

	if (!rd_varint(r, &count) || !count || count > rd_left(r))
		return bad(m, "a mark count out of bounds");
	for (uint64_t i = 0; i < count; i++) {
		uint64_t dev;
		int64_t dt;

		if (!rd_varint(r, &dev) || !rd_svarint(r, &dt))
			return bad(m, "a time mark that does not decode");
		if (ckd_add_u64(ev, dev, &ev) || __builtin_add_overflow(t, dt, &t) ||
		    ev > events || ev < m->time_ev || (i && !dev))
			return bad(m, "a time mark out of order or beyond the events");
		capture_builder_time_mark(m->b, ev, t);
		m->n_time++;
		m->time_ev = ev + 1;
	}
	return true;
}

#define RSS_MAX ((uint64_t)1 << 48)

static bool rss(struct mtui *m, struct rd *r)
{
	uint64_t count, bytes;
	int64_t t = 0, dt;

	if (!rd_varint(r, &count) || !count || count > rd_left(r))
		return bad(m, "a sample count out of bounds");
	for (uint64_t i = 0; i < count; i++) {
		if (!rd_svarint(r, &dt) || !rd_varint(r, &bytes) ||
		    __builtin_add_overflow(t, dt, &t) || bytes > RSS_MAX)
			return bad(m, "an RSS sample that does not decode or is out of range");
		capture_builder_rss(m->b, t, bytes);
		m->n_rss++;
	}
	return true;
}

static bool stage_marks(struct mtui *m, struct rd *r)
{
	uint64_t count, events = capture_builder_events(m->b);

	if (!rd_varint(r, &count) || !count || count > rd_left(r))
		return bad(m, "a mark count out of bounds");
	for (uint64_t i = 0; i < count; i++) {
		struct stage_mark sm;
		const uint8_t *name, *where;
		size_t n_name, n_where;

		if (!rd_varint(r, &sm.ev_idx) || !rd_svarint(r, &sm.time_ms) ||
		    !rd_u8(r, &sm.origin) || !rd_string(r, MTUI_MAX_STRING, &name, &n_name) ||
		    !rd_string(r, MTUI_MAX_STRING, &where, &n_where))
			return bad(m, "a stage mark that does not decode");
		if (sm.ev_idx > events || sm.ev_idx < m->stage_ev || sm.origin > MARK_SIGNAL)
			return bad(m, "a stage mark out of order or beyond the events");
		sm.name = dup_field(name, n_name);
		sm.where = dup_field(where, n_where);
		capture_builder_stage_mark(m->b, &sm);
		free(sm.name);
		free(sm.where);
		m->stage_ev = sm.ev_idx;
		m->n_stage++;
	}
	return true;
}

/* SYMBOLS: the symbol coverage table (FORMAT.md §10.5). */
static bool symbols(struct mtui *m, struct rd *r)
{
	uint64_t count;

	if (!rd_varint(r, &count) || !count || count > rd_left(r))
		return bad(m, "a symbol coverage count out of bounds");
	for (uint64_t i = 0; i < count; i++) {
		struct symbol_coverage c = { 0 };
		const uint8_t *s[3];
		size_t n[3];

		if (!rd_string(r, MTUI_MAX_STRING, &s[0], &n[0]) ||
		    !rd_string(r, MTUI_MAX_STRING, &s[1], &n[1]) ||
		    !rd_string(r, MTUI_MAX_STRING, &s[2], &n[2]) || !rd_varint(r, &c.dwarf) ||
		    !rd_varint(r, &c.symtab) || !rd_varint(r, &c.unnamed) || !rd_u8(r, &c.reason))
			return bad(m, "a symbol coverage entry that does not decode");
		if (c.reason > COVERAGE_REASON_MAX || (c.reason == COVERAGE_NAMED) != !c.unnamed)
			return bad(m, "a symbol coverage reason out of range");
		c.path = dup_field(s[0], n[0]);
		c.file_used = n[1] ? dup_field(s[1], n[1]) : NULL;
		c.debug_file = n[2] ? dup_field(s[2], n[2]) : NULL;
		capture_builder_symbol_coverage(m->b, &c);
		free(c.path);
		free(c.file_used);
		free(c.debug_file);
	}
	return true;
}

/*
 * Lazily, the totals are the SUMMARY's (v, its 21 fields), and the stack
 * call figures are taken once every stack has them.  What can be checked
 * without the events is: the events are the chunks', the peak is one of
 * them, and the figures are in range.
 */
static bool lazy_totals(struct mtui *m, const uint64_t *v)
{
	struct capture_totals t = { v[0], v[1], v[2], v[3], (int64_t)v[4], v[5], (int64_t)v[6],
				    (int64_t)v[7] };

	if (t.events != capture_builder_events(m->b) || t.alloc_count > t.events ||
	    t.temporary_count > t.events || (t.peak_ev_idx >= t.events &&
					     t.peak_ev_idx != UINT64_MAX))
		return bad(m, "the summary's totals are not those of the events");
	if (m->calls_next != m->stacks)
		return bad(m, "stack call figures missing for some stacks");
	capture_builder_lazy_totals(m->b, &t);
	capture_builder_lazy_calls(m->b, m->all_calls[0], m->all_calls[1], m->all_calls[2]);
	return true;
}

/* SUMMARY: its counts and figures must be those of what was read. */
static bool summary(struct mtui *m, struct rd *r)
{
	const struct capture_totals *t;
	uint64_t v[21];

	if (rd_left(r) < MTUI_SUMMARY_LEN)
		return bad(m, "a summary shorter than %d bytes", MTUI_SUMMARY_LEN);
	for (int i = 0; i < 21; i++)
		v[i] = mtui_le(r->p + 8 * i, 8);
	r->p = r->end;	/* later minor versions may append fields */
	t = capture_builder_totals(m->b);
	if (m->lazy && !lazy_totals(m, v))
		return false;
	if (v[0] != t->events || v[1] != t->alloc_count || v[2] != t->alloc_bytes ||
	    v[3] != t->temporary_count || (int64_t)v[4] != t->peak_bytes ||
	    v[5] != t->peak_ev_idx)
		return bad(m, "the summary's totals are not those of the events");
	if (m->calls_next && m->calls_next != m->stacks)
		return bad(m, "stack call figures for some stacks only");
	if (!leaks_add_up(m, v))
		return false;
	if (!capture_builder_allocators_add_up(m->b))
		return bad(m, "allocator calls that are not the summary's allocations");
	if (v[13] != m->strings || v[14] != m->frames || v[15] != m->stacks ||
	    v[16] != (t->events + EVENTS_PER_CHUNK - 1) / EVENTS_PER_CHUNK ||
	    v[17] != m->n_checkpoints || v[18] != m->n_time || v[19] != m->n_rss ||
	    v[20] != m->n_stage)
		return bad(m, "the summary's counts are not those of the tables");
	m->summary_seen = true;
	return true;
}

static bool index_section(struct mtui *m, struct rd *r, uint64_t offset)
{
	uint64_t n;

	if (!rd_le64(r, &n) || n != m->seen.len || rd_left(r) != n * MTUI_INDEX_ENTRY)
		return bad(m, "an index of another number of sections");
	for (uint64_t i = 0; i < n; i++) {
		const struct seen *s = vec_at(&m->seen, i);
		uint64_t off = 0, key = 0;
		uint32_t tf = 0, len = 0;

		rd_le64(r, &off);
		rd_le64(r, &key);
		rd_le32(r, &tf);
		rd_le32(r, &len);
		if (off != s->offset || key != s->key || (tf & 0xffff) != s->type ||
		    tf >> 16 != s->flags || len != s->len)
			return bad(m, "index entry %" PRIu64 " is not the section it names", i);
	}
	m->index_seen = true;
	m->index_at = offset;
	return true;
}

static bool end_section(struct mtui *m, struct rd *r, uint64_t offset)
{
	uint64_t index_at = 0, end_at = 0, sections = 0;

	if (rd_left(r) != MTUI_END_PAYLOAD)
		return bad(m, "an end section of another size");
	rd_le64(r, &index_at);
	rd_le64(r, &end_at);
	rd_le64(r, &sections);
	if (index_at != m->index_at || end_at != offset ||
	    sections != m->seen.len + (m->index_seen ? 1 : 0))
		return bad(m, "an end section that does not describe the file");
	return true;
}

uint64_t mtui_section_key(uint16_t type, const uint8_t *payload, size_t len)
{
	struct rd r = { payload, payload + len };
	uint64_t v = 0;

	if (type == MTUI_STRINGS || type == MTUI_FRAMES || type == MTUI_STACKS ||
	    type == MTUI_STACK_CALLS)
		rd_varint(&r, &v);
	else if ((type == MTUI_EVENTS || type == MTUI_CHECKPOINT) && len >= 8)
		v = mtui_le(payload, 8);
	return v;
}

static bool apply_type(struct mtui *m, uint16_t type, uint64_t offset, struct rd *r)
{
	if (!m->meta_seen && type != MTUI_META)
		return bad(m, "the first section is not META");
	if (m->cp_open && type != MTUI_CHECKPOINT)
		return bad(m, "a checkpoint without its last part");
	if (m->summary_seen && ((type >= MTUI_META && type < MTUI_SUMMARY) ||
				type == MTUI_STACK_CALLS || type == MTUI_LEAKS ||
				type == MTUI_ALLOCATORS || type == MTUI_SYMBOLS))
		return bad(m, "a section after the summary");
	if (m->index_seen && type != MTUI_END)
		return bad(m, "a section between the index and the end");
	switch (type) {
	case MTUI_META: return meta(m, r);
	case MTUI_STRINGS: return strings(m, r);
	case MTUI_FRAMES: return frames(m, r);
	case MTUI_STACKS: return stacks(m, r);
	case MTUI_EVENTS: return events(m, r);
	case MTUI_CHECKPOINT: return checkpoint(m, r);
	case MTUI_TIME_MARKS: return time_marks(m, r);
	case MTUI_RSS: return rss(m, r);
	case MTUI_STAGE_MARKS: return stage_marks(m, r);
	case MTUI_STACK_CALLS: return stack_calls(m, r);
	case MTUI_LEAKS: return leaks(m, r);
	case MTUI_ALLOCATORS: return allocators(m, r);
	case MTUI_SYMBOLS: return symbols(m, r);
	case MTUI_SUMMARY:
		return !m->summary_seen ? summary(m, r) : bad(m, "a second summary");
	case MTUI_INDEX: return index_section(m, r, offset);
	case MTUI_END: return end_section(m, r, offset);
	default:
		r->p = r->end;	/* an unknown section: skipped */
		return true;
	}
}

bool mtui_apply(struct mtui *m, uint16_t type, uint64_t offset, struct rd *r)
{
	if (!apply_type(m, type, offset, r))
		return false;
	return r->p == r->end || bad(m, "bytes after its content");
}

const char *mtui_section_name(uint16_t type)
{
	static const char *const names[] = { "?", "META", "STRINGS", "FRAMES", "STACKS",
					     "EVENTS", "CHECKPOINT", "TIME_MARKS", "RSS",
					     "STAGE_MARKS", "SUMMARY", "INDEX", "STACK_CALLS",
					     "SYMBOLS" };

	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	if (type == MTUI_LEAKS)
		return "LEAKS";
	if (type == MTUI_ALLOCATORS)
		return "ALLOCATORS";
	return type == MTUI_END ? "END" : "unknown";
}

void mtui_init(struct mtui *m, struct capture_builder *b, bool lazy)
{
	memset(m, 0, sizeof(*m));
	m->b = b;
	m->lazy = lazy;
	m->strings = m->frames = m->stacks = 1;	/* id 0 of each is implicit */
	vec_init(&m->cp, sizeof(struct checkpoint_entry));
	vec_init(&m->seen, sizeof(struct seen));
}

void mtui_release(struct mtui *m)
{
	vec_release(&m->cp);
	vec_release(&m->seen);
	free(m->source_trunc_why);
	free(m->calls);
	for (int k = 0; k < 3; k++)
		free(m->all_calls[k]);
}

int mtui_header(struct mtui *m, const uint8_t *p, size_t avail, uint32_t *len,
		struct mt_error *err)
{
	if (avail < MTUI_HEADER_LEN)
		return mt_error_set(err, MT_ERR_CORRUPT, 0,
				    "memtui capture: file header cut short");
	*len = (uint32_t)mtui_le(p + 12, 4);
	if (*len < MTUI_HEADER_LEN || *len > MTUI_HEADER_MAX || *len % 4)
		return mt_error_set(err, MT_ERR_CORRUPT, 12, "memtui capture: corrupt file header");
	if (avail < *len)
		return mt_error_set(err, MT_ERR_CORRUPT, 0,
				    "memtui capture: file header cut short");
	if (crc32(0, p, *len - 4) != mtui_le(p + *len - 4, 4))
		return mt_error_set(err, MT_ERR_CORRUPT, 0,
				    "memtui capture: file header checksum mismatch");
	if (mtui_le(p + 8, 2) != MTUI_MAJOR)
		return mt_error_set(err, MT_ERR_VERSION, 8,
				    "memtui capture format %u.%u: this memtui reads 1.x",
				    (unsigned)mtui_le(p + 8, 2), (unsigned)mtui_le(p + 10, 2));
	m->minor = (unsigned)mtui_le(p + 10, 2);
	return 0;
}

void mtui_finish(struct mtui *m, bool cut, uint64_t at, const char *why)
{
	struct capture_meta *cm = capture_builder_meta(m->b);
	char version[32];

	cm->format = "memtui";
	snprintf(version, sizeof(version), "%d.%u", MTUI_MAJOR, m->minor);
	capture_meta_set_str(&cm->format_version, version);
	if (cut)
		capture_builder_truncated(m->b, at, why);
	if (m->source_truncated && cut)
		capture_builder_warning(m->b, "the source was truncated at byte %" PRIu64 ": %s",
					m->source_trunc_at, m->source_trunc_why);
	else if (m->source_truncated)
		capture_builder_truncated(m->b, m->source_trunc_at, m->source_trunc_why);
}
