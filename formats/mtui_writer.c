/*
 * mtui_writer: sections built in one reused buffer, framed (type, flags,
 * length, crc32) and appended to the file; an INDEX and END close it.
 */
#include "mtui_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "bytes.h"
#include "eventlog.h"
#include "mtui_format.h"
#include "vec.h"
#include "xalloc.h"

/* Chunks the log keeps plain are stored at the level of the log's own (capture_impl.h). */
#define MTUI_CHUNK_ZSTD_LEVEL 1

struct index_entry {
	uint64_t offset, key;
	uint16_t type;
	uint32_t len;
};

struct writer {
	FILE *out;
	uint64_t offset;	/* bytes written so far */
	bool failed;		/* a write failed (errno kept in err_no) */
	int err_no;
	const char *why;	/* the capture does not fit the format (then failed) */
	uint64_t prev_ev;	/* marks and samples: the previous entry of the section */
	int64_t prev_time;
	const struct mtui_extra *extra;
	uint8_t *buf;		/* the payload being built */
	size_t len, cap;
	uint8_t *zbuf;		/* a chunk compressed here, reused */
	size_t zbuf_cap;
	void *zctx;		/* ZSTD_CCtx, made on first use */
	struct vec index;	/* struct index_entry */
};

static void put(struct writer *w, const void *p, size_t n)
{
	XGROW(w->buf, w->cap, w->len + n);
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_u8(struct writer *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put_le(struct writer *w, uint64_t v, size_t n)
{
	uint8_t b[8];

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(w, b, n);
}

static void put_varint(struct writer *w, uint64_t v)
{
	uint8_t b[10];

	put(w, b, wr_varint(b, v));
}

static void put_svarint(struct writer *w, int64_t v)
{
	put_varint(w, zigzag_encode(v));
}

static void put_str(struct writer *w, const char *s)
{
	size_t n = strlen(s);

	if (n > MTUI_MAX_STRING) {
		w->failed = true;
		w->why = "a name longer than the format's 4 MiB";
		n = 0;
	}
	put_varint(w, n);
	put(w, s, n);
}

static void emit_raw(struct writer *w, const void *p, size_t n)
{
	if (w->failed || fwrite(p, 1, n, w->out) == n) {
		w->offset += n;
		return;
	}
	w->failed = true;
	w->err_no = errno ? errno : EIO;
}

/* Frames the payload built since the last section as a section of type. */
static void section(struct writer *w, uint16_t type, uint64_t key)
{
	struct index_entry e = { w->offset, key, type, (uint32_t)w->len };
	uint8_t head[MTUI_SECTION_HEAD], tail[4];
	uint32_t crc;

	if (w->len > MTUI_MAX_PAYLOAD)
		BUG("mtui section over the payload bound");
	if (w->extra && w->extra->cancel && atomic_load(w->extra->cancel) && !w->failed) {
		w->failed = true;
		w->why = "cancelled";
	}
	for (int i = 0; i < 2; i++)
		head[i] = (uint8_t)(type >> (8 * i));
	head[2] = head[3] = 0;
	for (int i = 0; i < 4; i++)
		head[4 + i] = (uint8_t)(w->len >> (8 * i));
	crc = (uint32_t)crc32(crc32(0, head, sizeof(head)), w->buf, (uInt)w->len);
	for (int i = 0; i < 4; i++)
		tail[i] = (uint8_t)(crc >> (8 * i));
	emit_raw(w, head, sizeof(head));
	emit_raw(w, w->buf, w->len);
	emit_raw(w, tail, sizeof(tail));
	if (type != MTUI_INDEX && type != MTUI_END)
		vec_push(&w->index, &e);
	w->len = 0;
}

static void file_header(struct writer *w)
{
	uint32_t crc;

	put(w, MTUI_MAGIC, 8);
	put_le(w, MTUI_MAJOR, 2);
	put_le(w, MTUI_MINOR, 2);
	put_le(w, MTUI_HEADER_LEN, 4);
	put_le(w, 0, 4);	/* flags */
	put_le(w, 0, 8);	/* reserved */
	crc = (uint32_t)crc32(0, w->buf, (uInt)w->len);
	put_le(w, crc, 4);
	emit_raw(w, w->buf, w->len);
	w->len = 0;
}

/* One META field: tag, length, value (the value built at the end of buf). */
static void field_begin(struct writer *w, size_t *mark)
{
	*mark = w->len;
}

/*
 * Inserts the n varints v at offset at of the payload being built: a
 * prefix (a length, a count) known only once what follows it is built.
 */
static void insert_varints(struct writer *w, size_t at, const uint64_t *v, size_t n)
{
	uint8_t head[30];
	size_t h = 0;

	for (size_t i = 0; i < n; i++)
		h += wr_varint(head + h, v[i]);
	XGROW(w->buf, w->cap, w->len + h);
	memmove(w->buf + at + h, w->buf + at, w->len - at);
	memcpy(w->buf + at, head, h);
	w->len += h;
}

static void field_end(struct writer *w, unsigned tag, size_t mark)
{
	insert_varints(w, mark, (uint64_t[]){ tag, w->len - mark }, 2);
}

static void field_str(struct writer *w, unsigned tag, const char *s)
{
	size_t m;

	if (!s)
		return;
	field_begin(w, &m);
	put(w, s, strlen(s));
	field_end(w, tag, m);
}

static void field_u(struct writer *w, unsigned tag, uint64_t v)
{
	size_t m;

	field_begin(w, &m);
	put_varint(w, v);
	field_end(w, tag, m);
}

static void field_s(struct writer *w, unsigned tag, int64_t v)
{
	size_t m;

	field_begin(w, &m);
	put_svarint(w, v);
	field_end(w, tag, m);
}

static unsigned capture_flags(const struct capture_meta *m)
{
	return (m->native_traces ? MTUI_FLAG_NATIVE_TRACES : 0) |
	       (m->native_offsets ? MTUI_FLAG_NATIVE_OFFSETS : 0) |
	       (m->has_totals ? MTUI_FLAG_HAS_TOTALS : 0) |
	       (m->has_event_stream ? MTUI_FLAG_HAS_EVENT_STREAM : 0);
}

/* META: every field that differs from its default, by tag (FORMAT.md section 14). */
static void meta(struct writer *w, const struct capture_meta *m, const uint8_t *sha256)
{
	const struct capture_source *src = &m->source;
	size_t mark;

	field_str(w, TAG_SOURCE_FORMAT, src->format ? src->format : m->format);
	field_str(w, TAG_SOURCE_FORMAT_VERSION, src->format_version);
	field_str(w, TAG_TOOL_VERSION, m->tool_version);
	field_str(w, TAG_SOURCE_NAME, src->name);
	if (src->size >= 0)
		field_u(w, TAG_SOURCE_SIZE, (uint64_t)src->size);
	if (src->has_sha256)
		sha256 = src->sha256;
	if (sha256) {
		field_begin(w, &mark);
		put_u8(w, MTUI_HASH_SHA256);
		put(w, sha256, sizeof(src->sha256));
		field_end(w, TAG_SOURCE_HASH, mark);
	}
	field_str(w, TAG_COMMAND, m->command);
	if (m->pid != -1)
		field_s(w, TAG_PID, m->pid);
	if (m->start_time_ms != -1)
		field_s(w, TAG_START_TIME, m->start_time_ms);
	if (m->duration_ms != -1)
		field_s(w, TAG_DURATION, m->duration_ms);
	if (capture_flags(m) != MTUI_FLAGS_DEFAULT)
		field_u(w, TAG_CAPTURE_FLAGS, capture_flags(m));
	if (m->peak_rule)
		field_u(w, TAG_PEAK_RULE, m->peak_rule);
	if (m->top_rule)
		field_u(w, TAG_TOP_RULE, m->top_rule);
	field_u(w, TAG_EVENTS_PER_CHUNK, EVENTS_PER_CHUNK);
	field_u(w, TAG_CHECKPOINT_EVENTS, CHECKPOINT_EVENTS);
	for (size_t i = 0; i < m->n_threads; i++) {
		field_begin(w, &mark);
		put_varint(w, m->threads[i].tid);
		put(w, m->threads[i].name, strlen(m->threads[i].name));
		field_end(w, TAG_THREAD, mark);
	}
	for (size_t i = 0; i < m->n_suppressions; i++)
		field_str(w, TAG_SUPPRESSION, m->suppressions[i]);
	for (size_t i = 0; i < m->n_warnings; i++)
		field_str(w, TAG_WARNING, m->warnings[i]);
	if (m->n_warnings_dropped)
		field_u(w, TAG_WARNINGS_DROPPED, m->n_warnings_dropped);
	if (m->truncated) {
		field_begin(w, &mark);
		put_varint(w, m->truncated_at);
		if (m->truncated_why)
			put(w, m->truncated_why, strlen(m->truncated_why));
		field_end(w, TAG_SOURCE_TRUNCATED, mark);
	}
	if (m->inconsistent)
		field_str(w, TAG_INCONSISTENT, m->inconsistent_why ? m->inconsistent_why : "");
	if (m->temporary_threshold >= 0)
		field_u(w, TAG_TEMPORARY_THRESHOLD, (uint64_t)m->temporary_threshold);
	section(w, MTUI_META, 0);
}

/*
 * A table written in batches: entries [first, n) go out as sections of at
 * most MTUI_BATCH_ENTRIES entries and MTUI_BATCH_BYTES bytes of entries (an
 * entry bigger than that is a batch alone).  put_entry appends entry i to the
 * writer's buffer.
 */
typedef void (*entry_fn)(struct writer *w, const struct capture *cap, size_t i);

static void table(struct writer *w, uint16_t type, const struct capture *cap, size_t first,
		  size_t n, entry_fn put_entry)
{
	size_t i = first;

	while (i < n) {
		size_t count = 0;
		bool ids = type != MTUI_TIME_MARKS && type != MTUI_RSS &&
			   type != MTUI_STAGE_MARKS && type != MTUI_LEAKS &&
			   type != MTUI_ALLOCATORS &&
			   type != MTUI_SYMBOLS;

		/* Build the batch's entries in w->buf, then prefix first_id and count. */
		while (i < n && count < MTUI_BATCH_ENTRIES) {
			size_t before = w->len;

			put_entry(w, cap, i);
			if (count && w->len > MTUI_BATCH_BYTES) {
				w->len = before;
				break;
			}
			count++;
			i++;
		}
		insert_varints(w, 0, ids ? (uint64_t[]){ i - count, count } : (uint64_t[]){ count },
			       ids ? 2 : 1);
		section(w, type, ids ? i - count : 0);
	}
}

static void string_entry(struct writer *w, const struct capture *cap, size_t i)
{
	put_str(w, capture_string(cap, (uint32_t)i));
}

static void frame_entry(struct writer *w, const struct capture *cap, size_t i)
{
	const struct frame *f = capture_frame(cap, (uint32_t)i);

	put_u8(w, f->kind);
	put_varint(w, f->function);
	put_varint(w, f->file);
	put_varint(w, f->module);
	put_varint(w, f->line);
	put_varint(w, f->address);
}

static void stack_entry(struct writer *w, const struct capture *cap, size_t i)
{
	const struct stack_node *s = capture_stack(cap, (uint32_t)i);

	put_varint(w, i - s->parent);
	put_varint(w, s->frame);
}

/*
 * Marks and samples: the first entry of a section absolute, the next ones as
 * differences from w->prev_*, which restart with each section (an entry put
 * in an empty buffer is the first of its batch).
 */
static void calls_entry(struct writer *w, const struct capture *cap, size_t i)
{
	(void)cap;
	put_varint(w, (uint64_t)w->extra->calls_count[i]);
	put_svarint(w, w->extra->calls_bytes[i]);
	put_varint(w, (uint64_t)w->extra->calls_temporary[i]);
}

/* LEAKS: events as differences within a section, as the marks'. */
static void leak_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct leak *l = capture_leaks(cap, &n) + i;

	if (!w->len)
		w->prev_ev = 0;
	put_varint(w, l->ev_idx - w->prev_ev);
	put_varint(w, l->stack);
	put_varint(w, (uint64_t)l->bytes);
	put_varint(w, (uint64_t)l->count);
	w->prev_ev = l->ev_idx;
}

/* The leak table, when the capture has one: an empty one is a LEAKS of no entry. */
static void leaks(struct writer *w, const struct capture *cap)
{
	size_t n;

	if (!capture_leaks(cap, &n))
		return;
	if (!n) {
		put_varint(w, 0);
		section(w, MTUI_LEAKS, 0);
		return;
	}
	table(w, MTUI_LEAKS, cap, 0, n, leak_entry);
}

/* ALLOCATORS: stacks as differences within a section, as the leaks' events. */
static void allocator_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct allocator_calls *e = capture_allocator_calls(cap, &n) + i;

	if (!w->len)
		w->prev_ev = 0;
	put_varint(w, e->stack - w->prev_ev);
	put_u8(w, e->allocator);
	put_varint(w, (uint64_t)e->count);
	put_varint(w, (uint64_t)e->bytes);
	w->prev_ev = e->stack;
}

/* The allocator table, when the capture has one: an empty one is an ALLOCATORS of no entry. */
static void allocators(struct writer *w, const struct capture *cap)
{
	size_t n;

	if (!capture_allocator_calls(cap, &n))
		return;
	if (!n) {
		put_varint(w, 0);
		section(w, MTUI_ALLOCATORS, 0);
		return;
	}
	table(w, MTUI_ALLOCATORS, cap, 0, n, allocator_entry);
}

static void time_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct time_mark *m = capture_time_marks(cap, &n) + i;

	if (!w->len)
		w->prev_ev = 0, w->prev_time = 0;
	put_varint(w, m->ev_idx - w->prev_ev);
	put_svarint(w, (int64_t)((uint64_t)m->time_ms - (uint64_t)w->prev_time));
	w->prev_ev = m->ev_idx;
	w->prev_time = m->time_ms;
}

static void rss_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct rss_sample *s = capture_rss(cap, &n) + i;

	if (!w->len)
		w->prev_time = 0;
	put_svarint(w, (int64_t)((uint64_t)s->time_ms - (uint64_t)w->prev_time));
	put_varint(w, s->rss_bytes);
	w->prev_time = s->time_ms;
}

static void stage_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct stage_mark *m = capture_stage_marks(cap, &n) + i;

	put_varint(w, m->ev_idx);
	put_svarint(w, m->time_ms);
	put_u8(w, m->origin);
	put_str(w, m->name);
	put_str(w, m->where ? m->where : "");
}

static void symbols_entry(struct writer *w, const struct capture *cap, size_t i)
{
	size_t n;
	const struct symbol_coverage *c = capture_symbol_coverage(cap, &n) + i;

	put_str(w, c->path);
	put_str(w, c->file_used ? c->file_used : "");
	put_str(w, c->debug_file ? c->debug_file : "");
	put_varint(w, c->dwarf);
	put_varint(w, c->symtab);
	put_varint(w, c->unnamed);
	put_u8(w, c->reason);
}

/* Checkpoint k, in parts of at most MTUI_BATCH_ENTRIES entries and about a batch's bytes. */
static void checkpoint(struct writer *w, const struct capture *cap, size_t k)
{
	size_t n, i = 0;
	const struct checkpoint_entry *e = capture_checkpoint(cap, k, &n);
	uint64_t event = (uint64_t)k * CHECKPOINT_EVENTS;
	uint32_t prev = 0;

	do {
		size_t start = i, count_at;

		put_le(w, event, 8);
		put_le(w, 0, 4);	/* part flags, set below */
		count_at = w->len;
		while (i < n && i - start < MTUI_BATCH_ENTRIES &&
		       w->len - count_at < MTUI_BATCH_BYTES) {
			put_varint(w, i ? e[i].stack - prev : e[i].stack);
			put_svarint(w, e[i].bytes);
			put_svarint(w, e[i].count);
			prev = e[i].stack;
			i++;
		}
		if (i == n)
			w->buf[8] = 1;	/* the last part */
		insert_varints(w, count_at, (uint64_t[]){ i - start }, 1);
		section(w, MTUI_CHECKPOINT, event);
	} while (i < n);
}

/*
 * Chunk k as the log has it, or zstd-compressed here when the log keeps it
 * plain (a spilled chunk) and compressing saves space: the file is what a
 * log kept on the heap would store.
 */
static void events(struct writer *w, const struct capture *cap, size_t k)
{
	struct chunk_view ch;
	uint64_t first = (uint64_t)k * EVENTS_PER_CHUNK;
	size_t n = 0, bound;

	capture_chunk(cap, k, &ch);
	if (!ch.compressed) {
		bound = ZSTD_compressBound(ch.len);
		XGROW(w->zbuf, w->zbuf_cap, bound);
		if (!w->zctx)
			w->zctx = ZSTD_createCCtx();
		if (w->zctx)
			n = ZSTD_compressCCtx(w->zctx, w->zbuf, bound, ch.data, ch.len,
					      MTUI_CHUNK_ZSTD_LEVEL);
		if (w->zctx && !ZSTD_isError(n) && n < ch.len) {
			ch.data = w->zbuf;
			ch.len = (uint32_t)n;
			ch.compressed = true;
		}
	}
	put_le(w, first, 8);
	put_le(w, ch.n_events, 4);
	put_le(w, ch.raw_len, 4);
	put_u8(w, ch.compressed ? 1 : 0);
	put_le(w, 0, 3);
	put(w, ch.data, ch.len);
	section(w, MTUI_EVENTS, first);
	capture_chunk_done(cap, k);
}

static void summary(struct writer *w, const struct capture *cap, const struct mtui_extra *l)
{
	const struct capture_totals *t = capture_totals(cap);
	size_t n_time, n_rss, n_stage;
	const struct rss_sample *rss = capture_rss(cap, &n_rss);
	uint64_t rss_max = 0;

	capture_time_marks(cap, &n_time);
	capture_stage_marks(cap, &n_stage);
	for (size_t i = 0; i < n_rss; i++)
		if (rss[i].rss_bytes > rss_max)
			rss_max = rss[i].rss_bytes;
	put_le(w, t->events, 8);
	put_le(w, t->alloc_count, 8);
	put_le(w, t->alloc_bytes, 8);
	put_le(w, t->temporary_count, 8);
	put_le(w, (uint64_t)t->peak_bytes, 8);
	put_le(w, t->peak_ev_idx, 8);
	put_le(w, (uint64_t)t->end_bytes, 8);
	put_le(w, (uint64_t)t->end_count, 8);
	put_le(w, (uint64_t)l->leaked_bytes, 8);
	put_le(w, (uint64_t)l->leaked_count, 8);
	put_le(w, (uint64_t)l->suppressed_bytes, 8);
	put_le(w, (uint64_t)l->suppressed_count, 8);
	put_le(w, rss_max, 8);
	put_le(w, capture_string_count(cap), 8);
	put_le(w, capture_frame_count(cap), 8);
	put_le(w, capture_stack_count(cap), 8);
	put_le(w, capture_chunk_count(cap), 8);
	put_le(w, capture_checkpoint_count(cap), 8);
	put_le(w, n_time, 8);
	put_le(w, n_rss, 8);
	put_le(w, n_stage, 8);
	section(w, MTUI_SUMMARY, 0);
}

/* INDEX (when it fits in one section) and END. */
static void finish(struct writer *w)
{
	size_t n = w->index.len;
	uint64_t index_at = 0;

	if (8 + (uint64_t)n * MTUI_INDEX_ENTRY <= MTUI_MAX_PAYLOAD) {
		index_at = w->offset;
		put_le(w, n, 8);
		for (size_t i = 0; i < n; i++) {
			const struct index_entry *e = vec_at(&w->index, i);

			put_le(w, e->offset, 8);
			put_le(w, e->key, 8);
			put_le(w, e->type, 2);
			put_le(w, 0, 2);
			put_le(w, e->len, 4);
		}
		section(w, MTUI_INDEX, 0);
	}
	put_le(w, index_at, 8);
	put_le(w, w->offset, 8);
	put_le(w, n + (index_at ? 1 : 0), 8);
	section(w, MTUI_END, 0);
}

static void write_capture(struct writer *w, const struct capture *cap,
			  const struct mtui_extra *extra)
{
	size_t n_chunks = capture_chunk_count(cap), n;

	w->extra = extra;
	file_header(w);
	meta(w, capture_meta(cap), extra->source_sha256);
	table(w, MTUI_STRINGS, cap, 1, capture_string_count(cap), string_entry);
	table(w, MTUI_FRAMES, cap, 1, capture_frame_count(cap), frame_entry);
	table(w, MTUI_STACKS, cap, 1, capture_stack_count(cap), stack_entry);
	for (size_t k = 0; k < n_chunks; k++) {
		if ((uint64_t)k * EVENTS_PER_CHUNK % CHECKPOINT_EVENTS == 0 &&
		    k * EVENTS_PER_CHUNK / CHECKPOINT_EVENTS < capture_checkpoint_count(cap))
			checkpoint(w, cap, k * EVENTS_PER_CHUNK / CHECKPOINT_EVENTS);
		events(w, cap, k);
	}
	table(w, MTUI_STACK_CALLS, cap, 0, capture_stack_count(cap), calls_entry);
	leaks(w, cap);
	allocators(w, cap);
	table(w, MTUI_TIME_MARKS, cap, 0, (capture_time_marks(cap, &n), n), time_entry);
	table(w, MTUI_RSS, cap, 0, (capture_rss(cap, &n), n), rss_entry);
	table(w, MTUI_STAGE_MARKS, cap, 0, (capture_stage_marks(cap, &n), n), stage_entry);
	table(w, MTUI_SYMBOLS, cap, 0, (capture_symbol_coverage(cap, &n), n), symbols_entry);
	summary(w, cap, extra);
	finish(w);
}

/* "dir/.name.tmp.XXXXXX" beside path. */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	char *tmp = xmalloc(strlen(path) + 16);

	snprintf(tmp, strlen(path) + 16, "%.*s.%s.tmp.XXXXXX", (int)dir, path, path + dir);
	return tmp;
}

int mtui_write_file(const struct capture *cap, const struct mtui_extra *extra, const char *path,
		    struct mt_error *err)
{
	struct writer w = { 0 };
	char *tmp = temp_name(path);
	mode_t mask = umask(0);
	int fd, rc = 0;

	umask(mask);
	err->path = path;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET,
				  "cannot create a file beside it: %s", strerror(errno));
		free(tmp);
		return rc;
	}
	fchmod(fd, 0666 & ~mask);
	w.out = fdopen(fd, "wb");
	if (!w.out) {
		close(fd);
		w.failed = true;
		w.err_no = errno;
	} else {
		vec_init(&w.index, sizeof(struct index_entry));
		write_capture(&w, cap, extra);
		vec_release(&w.index);
		if (fflush(w.out) || fsync(fileno(w.out))) {
			w.failed = true;
			w.err_no = errno;
		}
		if (fclose(w.out) && !w.failed) {
			w.failed = true;
			w.err_no = errno;
		}
	}
	free(w.buf);
	free(w.zbuf);
	ZSTD_freeCCtx(w.zctx);
	if (!w.failed && rename(tmp, path)) {
		w.failed = true;
		w.err_no = errno;
	}
	if (w.failed) {
		unlink(tmp);
		rc = w.why && !strcmp(w.why, "cancelled")
			     ? mt_error_set(err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled")
		     : w.why ? mt_error_set(err, MT_ERR_LIMIT, MT_NO_OFFSET, "cannot convert: %s",
					  w.why)
			   : mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot write: %s",
					  strerror(w.err_no));
	}
	free(tmp);
	return rc;
}
