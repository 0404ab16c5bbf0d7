/*
 * memray: reader for memray 1.19/1.20 capture files (header versions 12 and 13).
 *
 * The format is described in docs/formats/memray.md; section numbers (§)
 * below refer to it.  A file is a header followed by either an ALL_ALLOCATIONS
 * record stream (one record per malloc/free/mmap/munmap call, plus the Python
 * frame push/pop stream, code objects, native trace nodes and memory maps) or
 * an AGGREGATED_ALLOCATIONS file (per-location high-water-mark and leak
 * figures, no history).
 *
 * Model.  memray's own numbers are defined by replaying the ALLOCATION records
 * through a "live" table (§7): simple allocations by address, mmap intervals
 * by range.  The reader keeps exactly that table, because deallocations carry
 * no stack: the address map (live_map.h: address -> size, model stack and
 * allocating event; memory bounded by the live allocations) and a list of
 * live mmap intervals.
 *
 * Invariants:
 *  - one event per ALLOCATION record, so event index == memray's record
 *    index and the builder's PEAK_LAST_MAX peak index equals memray's
 *    peak_index.  The exception is a MUNMAP that trims intervals of several
 *    stacks: it gets one event per run of same-stack intervals.  A free of an
 *    unknown address is a zero event (stack 0, 0 bytes, count 0).
 *  - the sum of all emitted byte deltas equals memray's running `current`
 *    (which an allocation at a still-live address increases by the new size
 *    without taking the old entry out; see simple_alloc() and §7.3).  The
 *    reader checks that sum stays below HEAP_LIMIT so that no int64 in the
 *    model overflows.
 *  - records are decoded from a window of the input without side effects
 *    until the whole record is known to be there (each record's function
 *    reads all its fields through the TRY macros before it changes any
 *    state), then applied; a record that does not fit is retried with a
 *    larger window, and a record that is cut or invalid ends the capture as
 *    truncated at its offset (§10.2).
 *  - every id a record refers to (code object, native node, thread, frame
 *    index, Python node) is checked against what has been defined before it;
 *    every table grows by at most one entry per record, so memory is bounded
 *    by the decoded input size, and by the bounds of §10.4 (NAME_MAX_LEN and
 *    the others below) however well a compressed file packs.
 *  - once the records end, check_end() makes the checks of §10.3: data after
 *    the TRAILER, the header's ALLOCATION count, records of the other file
 *    format.
 */
#include "reader.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "hashmap.h"
#include "memray_heap.h"
#include "memray_native.h"
#include "memray_pushes.h"
#include "vec.h"
#include "xalloc.h"

#define MEMRAY_MAGIC "memray\0"
#define MEMRAY_MAGIC_LEN 7
#define PTR_CACHE_SIZE 15
#define PTR_RING 16		/* the cache's ring: a power of two above PTR_CACHE_SIZE */
/* Window to start a batch of records with; grows to INPUT_MAX_WINDOW for long records. */
#define START_WINDOW (64u << 10)
/* The longest varint: 10 bytes.  A varint that fails with this many bytes left is invalid. */
#define VARINT_MAX 10
/*
 * Bounds on what one record may make the reader keep (§10.4): a compressed
 * file decodes to far more than its size, so the input's size alone does
 * not bound memory.  Past one of them the file is refused.  Real captures
 * stay orders of magnitude below each.
 */
#define NAME_MAX_LEN (64u << 10)	/* one function, file, thread or image name, path */
#define COMMAND_MAX_LEN (4u << 20)	/* the header's command line */
#define STACK_MAX_DEPTH (1u << 20)	/* Python frames on one thread's stack */
#define NAMES_MAX ((uint64_t)1 << 28)	/* bytes of all names together */
#define CODES_MAX (1u << 22)		/* CODE_OBJECT records */
#define LINETABLES_MAX ((size_t)1 << 28)	/* bytes of all line tables together */
#define CODE_IDS_DIRECT (1u << 20)	/* code object ids looked up in an array */
#define FRAMES_MAX (1u << 24)		/* distinct Python frames (code object, offset) */
/* The co_filename of a stage marker's code object (docs/FORMAT.md §18). */
#define MARKER_FILE "<memtui-stage>"
#define MARKER_FILE_LEN (sizeof(MARKER_FILE) - 1)
/* memtui's Python module, which calls the markers: its frames are never a mark's place. */
#define MODULE_FILE "memtui.py"
#define MODULE_FILE_LEN (sizeof(MODULE_FILE) - 1)
/* A mark's "file:line": a file name (NAME_MAX_LEN), a colon and a line. */
#define WHERE_MAX (NAME_MAX_LEN + 16)

enum file_format { ALL_ALLOCATIONS = 0, AGGREGATED_ALLOCATIONS = 1 };

/* Result of decoding one record from the window. */
enum rec_status {
	REC_OK,		/* decoded and applied */
	REC_SHORT,	/* not all of it is in the window */
	REC_BAD,	/* invalid: m->why says what */
	REC_END,	/* a trailer: the capture is complete */
	REC_REFUSE,	/* past a bound of §10.4: the file is refused, m->why says why */
};

/* How the record stream ended (read_records()). */
enum stream_end {
	END_TRAILER,	/* at a TRAILER (AGGREGATED_TRAILER) record */
	END_CUT,	/* the data ran out, or inside a record: flagged truncated */
	END_INVALID,	/* at an invalid record: flagged truncated */
	END_REFUSED,	/* a record past a bound */
};

struct header {
	int32_t version;
	uint32_t python_version;	/* PY_VERSION_HEX */
	bool native_traces;
	uint8_t file_format;
	uint64_t n_allocations;		/* ALLOCATION records, as the final header counts them */
	int64_t start_time, end_time;	/* ms since the epoch */
	const char *command;		/* points into the window while parsing */
	size_t command_len;
	int32_t pid;
	uint64_t main_tid;
	uint64_t skipped_frames;	/* on main_tid, §5.4 */
};

struct code_obj {
	uint32_t function, file;	/* string ids */
	bool marker;			/* a stage marker's code: file MARKER_FILE */
	bool emitter;			/* marker file or memtui's module: not a mark's place */
	int64_t firstlineno;
	size_t lt_off, lt_len;		/* linetable bytes in memray.linetables */
};

struct thread {
	uint64_t tid;
	struct vec ids;			/* uint32_t per Python stack depth: the model stack, or
					 * with native traces the mr_native Python key */
	struct vec pos;			/* struct py_pos per Python stack depth, as ids */
	uint32_t root;			/* model stack of its thread frame; UINT32_MAX not yet */
};

struct py_pos {				/* where a thread's Python frame is: for stage markers */
	uint32_t code;			/* index in memray.codes */
	int64_t offset;			/* instruction offset, as pushed */
	uint64_t path;			/* a hash of the pushes to here (push_path) */
};

struct py_frame {			/* AGGREGATED: a PYTHON_FRAME_INDEX entry */
	uint32_t frame;			/* model frame id */
	bool entry;			/* is_entry_frame */
};

struct py_node {			/* AGGREGATED: Python frame tree node */
	uint32_t parent, frame, depth;	/* frame = model frame id */
	uint32_t py_key;		/* mr_native Python key (native traces) */
};

struct leak_delta {			/* AGGREGATED: what to emit after the peak */
	uint32_t stack;
	int64_t bytes;
	int32_t count;
};

struct memray {
	struct capture_builder *b;
	struct input *in;
	struct header h;
	char why[160];			/* reason for REC_BAD and REC_REFUSE */
	uint64_t bad_at;		/* header offset of a REC_BAD or REC_REFUSE in the header */

	/* What the checks after the records need (§10.3). */
	uint64_t end_at;		/* offset of the TRAILER, or of the record that failed */
	uint64_t alloc_records;		/* ALLOCATION records read */
	uint64_t own_records;		/* records only the header's file format has */
	uint64_t name_bytes;		/* bytes of names kept (NAMES_MAX) */
	uint32_t py_frames_made;	/* distinct Python frames (FRAMES_MAX) */
	uint32_t marker_codes;		/* code objects that are a stage marker's */

	/* Delta registers and the pointer cache (§4.3). */
	uint64_t last_ptr, last_native, last_ip;
	int64_t last_firstlineno;
	uint64_t ptr_ring[PTR_RING];	/* the pointer cache: entry p at ptr_head + p */
	unsigned ptr_head;

	struct vec code_by_id;		/* uint32_t: index in codes of ids below CODE_IDS_DIRECT */
	struct hashmap code_ids;	/* code object id -> index in codes, for the others */
	struct vec codes;		/* struct code_obj */
	struct vec linetables;		/* bytes */
	struct hashmap frame_cache;	/* code index << 32 | (u32)offset -> model frame */
	struct mr_pushes pushes;	/* FRAME_PUSH's results, remembered */

	struct hashmap thread_ids;	/* tid -> index in threads */
	struct vec threads;		/* struct thread */
	uint32_t cur_thread;		/* index in threads; UINT32_MAX before CONTEXT_SWITCH */

	struct mr_native nat;		/* native traces, images, hybrid stacks (§6) */
	struct vec scratch;		/* uint32_t */

	struct mr_heap heap;		/* what the allocation records do (memray_heap.h) */
	int64_t last_ms;
	bool marker_frames;		/* AGGREGATED: a marker's frame was seen (and warned) */

	struct vec py_frames;		/* AGGREGATED: struct py_frame per frame id */
	struct vec py_nodes;		/* AGGREGATED: struct py_node; [0] is the root */
	struct hashmap py_stacks;	/* AGGREGATED: thread stack << 32 | node -> model stack */
	struct vec leak_deltas;		/* AGGREGATED: struct leak_delta */
	int64_t leaked;			/* AGGREGATED: sum of bytes_leaked */
};

static enum rec_status bad(struct memray *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum rec_status bad(struct memray *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return REC_BAD;
}

static enum rec_status refuse(struct memray *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum rec_status refuse(struct memray *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof(m->why), fmt, ap);
	va_end(ap);
	return REC_REFUSE;
}

/*
 * Counts a name of len bytes that the reader is about to keep, refusing one
 * longer than NAME_MAX_LEN or one that takes all names past NAMES_MAX.  Call
 * only once the record is whole (it changes state).
 */
static enum rec_status keep_name(struct memray *m, size_t len, const char *what)
{
	if (len > NAME_MAX_LEN)
		return refuse(m, "%s of %zu bytes (memtui reads names of up to %u bytes)", what,
			      len, NAME_MAX_LEN);
	if (m->name_bytes + len > NAMES_MAX)
		return refuse(m, "names of more than %" PRIu64 " bytes in all", NAMES_MAX);
	m->name_bytes += len;
	return REC_OK;
}

/*
 * Bounded reads that tell "cut" from "invalid": a varint that fails with
 * VARINT_MAX bytes in the window is too long, not short.
 */
static enum rec_status rd_fail(struct memray *m, const struct rd *r, const char *what)
{
	if (rd_left(r) >= VARINT_MAX)
		return bad(m, "invalid varint in %s", what);
	return REC_SHORT;
}

#define TRY_VARINT(m, r, out, what)                                   \
	do {                                                          \
		if (!rd_varint((r), (out)))                           \
			return rd_fail((m), (r), (what));             \
	} while (0)
#define TRY_SVARINT(m, r, out, what)                                  \
	do {                                                          \
		if (!rd_svarint((r), (out)))                          \
			return rd_fail((m), (r), (what));             \
	} while (0)
#define TRY(cond)                                                     \
	do {                                                          \
		if (!(cond))                                          \
			return REC_SHORT;                             \
	} while (0)

/* ------------------------------------------------------------------------- */
/* Line numbers from code-object line tables (§5.3). */

/* 6-bit-group varint of the 3.11 location table; false past the end. */
static bool lt_varint(const uint8_t *p, size_t n, size_t *i, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t c;

	do {
		if (*i >= n || shift > 60)
			return false;
		c = p[(*i)++];
		v |= (uint64_t)(c & 63) << shift;
		shift += 6;
	} while (c & 64);
	*out = v;
	return true;
}

/* Signed 6-bit-group varint; false for a line delta no real table has (keeps sums in range). */
static bool lt_svarint(const uint8_t *p, size_t n, size_t *i, int64_t *out)
{
	uint64_t u;

	if (!lt_varint(p, n, i, &u) || (u >> 1) > INT32_MAX)
		return false;
	*out = (u & 1) ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return true;
}

static int64_t line_311(const uint8_t *p, size_t n, int64_t first, int64_t offset)
{
	int64_t target = offset / 2, addr = 0, line = first, d;
	size_t i = 0;
	uint64_t u;

	while (i < n) {
		uint8_t b = p[i++];
		unsigned code = (b >> 3) & 15;
		int64_t length = (b & 7) + 1;

		if (code == 14) {
			if (!lt_svarint(p, n, &i, &d))
				return 0;
			line += d;
			for (int k = 0; k < 3; k++)
				if (!lt_varint(p, n, &i, &u))
					return 0;
		} else if (code == 13) {
			if (!lt_svarint(p, n, &i, &d))
				return 0;
			line += d;
		} else if (code >= 10 && code <= 12) {
			line += code - 10;
			i += 2;
		} else if (code < 10) {
			i += 1;
		}
		if (addr <= target && target < addr + length)
			return line;
		addr += length;
	}
	return 0;
}

static int64_t line_310(const uint8_t *p, size_t n, int64_t first, int64_t offset)
{
	int64_t line = first, cur = 0, last = offset * 2;

	for (size_t j = 0; j + 1 < n; j += 2) {
		int8_t d = (int8_t)p[j + 1];

		cur += p[j];
		if (d != -128)
			line += d;
		if (cur > last)
			break;
	}
	return line;
}

static int64_t line_39(const uint8_t *p, size_t n, int64_t first, int64_t offset)
{
	int64_t line = first, bc = 0;

	for (size_t j = 0; j + 1 < n; j += 2) {
		bc += p[j];
		if (bc > offset)
			break;
		line += (int8_t)p[j + 1];
	}
	return line;
}

static uint32_t code_line(const struct memray *m, const struct code_obj *co, int64_t offset)
{
	const uint8_t *p = (const uint8_t *)m->linetables.data + co->lt_off;
	int64_t line;

	if (offset < 0)
		return 0;
	/* Keep the arithmetic of hostile offsets and first lines far from overflow. */
	if (offset > INT32_MAX || co->firstlineno < INT32_MIN || co->firstlineno > INT32_MAX)
		return 0;
	if (!co->lt_len)
		line = co->firstlineno;
	else if (m->h.python_version >= 0x030b0000)
		line = line_311(p, co->lt_len, co->firstlineno, offset);
	else if (m->h.python_version >= 0x030a0000)
		line = line_310(p, co->lt_len, co->firstlineno, offset);
	else
		line = line_39(p, co->lt_len, co->firstlineno, offset);
	return line > 0 && line <= UINT32_MAX ? (uint32_t)line : 0;
}

/*
 * The model frame of (code object index, instruction offset); UINT32_MAX
 * when it would be a new frame past FRAMES_MAX.
 */
static uint32_t python_frame(struct memray *m, uint32_t code_idx, int64_t offset)
{
	const struct code_obj *co = vec_at(&m->codes, code_idx);
	bool cacheable = offset >= INT32_MIN && offset <= INT32_MAX;
	uint64_t key = (uint64_t)code_idx << 32 | (uint32_t)offset;
	struct frame f = { 0 };
	uint32_t id;

	if (cacheable) {
		id = hashmap_get(&m->frame_cache, key);
		if (id != HASHMAP_NONE)
			return id;
	}
	if (m->py_frames_made >= FRAMES_MAX)
		return UINT32_MAX;
	m->py_frames_made++;
	f.function = co->function;
	f.file = co->file;
	f.line = code_line(m, co, offset);
	/* The code object's first line tells apart code of one name in one file (two
	 * <listcomp>s, two classes' __init__): the tree keeps them apart by it. */
	f.address = co->firstlineno > 0 && co->firstlineno <= UINT32_MAX ? (uint64_t)co->firstlineno
									  : 0;
	f.kind = FRAME_PYTHON;
	id = capture_builder_frame(m->b, &f);
	if (cacheable)
		hashmap_put(&m->frame_cache, key, id);
	return id;
}

/*
 * The model stack of an allocation on thread tid whose Python stack is py (as
 * struct thread keeps it): py itself, or with native traces memray's hybrid
 * stack of py and native node native (§6.4).
 */
static uint32_t alloc_stack(struct memray *m, uint32_t root, uint32_t py, uint64_t tid,
			    uint32_t native, uint64_t gen)
{
	if (!m->h.native_traces)
		return py;
	return mr_native_stack(&m->nat, root, py, native, gen,
			       tid == m->h.main_tid ? m->h.skipped_frames : 0);
}

/*
 * The model stack th's call paths start from: its thread frame, so that an
 * allocation's stack says its thread (capture.h, "Threads").  Made on first use.
 */
static uint32_t thread_root(struct memray *m, struct thread *th)
{
	if (th->root == UINT32_MAX)
		th->root = capture_builder_thread_stack(m->b, th->tid);
	return th->root;
}

/* ------------------------------------------------------------------------- */
/* Records shared by both file formats. */

/* Whether file (len bytes) is memtui's Python module: "memtui.py" or a path ending "/memtui.py". */
static bool is_module_file(const char *file, size_t len)
{
	if (len < MODULE_FILE_LEN || memcmp(file + len - MODULE_FILE_LEN, MODULE_FILE,
					    MODULE_FILE_LEN))
		return false;
	return len == MODULE_FILE_LEN || file[len - MODULE_FILE_LEN - 1] == '/';
}

/*
 * The index in codes of code object id, or HASHMAP_NONE.  memray counts ids
 * from 1, so an array holds them; an id past CODE_IDS_DIRECT (a hostile
 * file's) goes to the map.
 */
static uint32_t code_index(const struct memray *m, uint64_t id)
{
	if (id < m->code_by_id.len)
		return *(const uint32_t *)vec_at(&m->code_by_id, (size_t)id);
	return hashmap_get(&m->code_ids, id);
}

/* Makes id name codes[idx]; the index it named before, or HASHMAP_NONE. */
static uint32_t set_code_index(struct memray *m, uint64_t id, uint32_t idx)
{
	uint32_t *slot, old;

	if (id >= CODE_IDS_DIRECT)
		return hashmap_put(&m->code_ids, id, idx);
	if (id >= m->code_by_id.len)	/* the ids between named none */
		vec_grow_set(&m->code_by_id, (size_t)id + 1 - m->code_by_id.len, 0xff);
	slot = vec_at(&m->code_by_id, (size_t)id);
	old = *slot;
	*slot = idx;
	return old;
}

static enum rec_status code_object(struct memray *m, struct rd *r)
{
	uint64_t id, lt_len;
	int64_t dline;
	const char *fn, *file;
	size_t fn_len, file_len;
	const uint8_t *lt;
	struct code_obj co = { 0 };

	TRY_VARINT(m, r, &id, "CODE_OBJECT");
	TRY(rd_cstr(r, &fn, &fn_len));
	TRY(rd_cstr(r, &file, &file_len));
	TRY_SVARINT(m, r, &dline, "CODE_OBJECT");
	TRY_VARINT(m, r, &lt_len, "CODE_OBJECT");
	if (lt_len > INPUT_MAX_WINDOW)
		return bad(m, "code object line table of %" PRIu64 " bytes", lt_len);
	TRY(rd_bytes(r, (size_t)lt_len, &lt));

	if (m->codes.len >= CODES_MAX)
		return refuse(m, "more than %u code objects", CODES_MAX);
	if (m->linetables.len + (size_t)lt_len > LINETABLES_MAX)
		return refuse(m, "line tables of more than %zu bytes in all", LINETABLES_MAX);
	if (keep_name(m, fn_len, "function name") != REC_OK ||
	    keep_name(m, file_len, "file name") != REC_OK)
		return REC_REFUSE;
	co.function = capture_builder_string(m->b, fn, fn_len);
	co.file = capture_builder_string(m->b, file, file_len);
	co.marker = file_len == MARKER_FILE_LEN && !memcmp(file, MARKER_FILE, MARKER_FILE_LEN);
	m->marker_codes += co.marker;
	co.emitter = co.marker || is_module_file(file, file_len);
	m->last_firstlineno = (int64_t)((uint64_t)m->last_firstlineno + (uint64_t)dline);
	co.firstlineno = m->last_firstlineno;
	co.lt_off = m->linetables.len;
	co.lt_len = (size_t)lt_len;
	if (lt_len)
		memcpy(vec_grow(&m->linetables, (size_t)lt_len), lt, (size_t)lt_len);
	/* A redefinition replaces the id's meaning for later pushes, as in memray. */
	if (set_code_index(m, id, (uint32_t)m->codes.len) != HASHMAP_NONE)
		mr_pushes_forget(&m->pushes);
	vec_push(&m->codes, &co);
	return REC_OK;
}

static enum rec_status native_trace_index(struct memray *m, struct rd *r)
{
	int64_t dip, dparent;
	uint64_t parent;
	size_t count = mr_native_node_count(&m->nat);

	TRY_SVARINT(m, r, &dip, "NATIVE_TRACE_INDEX");
	TRY_SVARINT(m, r, &dparent, "NATIVE_TRACE_INDEX");
	parent = m->last_native + (uint64_t)dparent;
	if (parent >= count)
		return bad(m, "native trace node %zu has parent %" PRIu64 " (not defined yet)",
			   count, parent);
	if (!mr_native_add_node(&m->nat, m->last_ip + (uint64_t)dip, parent))
		return bad(m, "too many native trace nodes");
	m->last_ip += (uint64_t)dip;
	m->last_native = parent;
	return REC_OK;
}

static enum rec_status memory_map_start(struct memray *m)
{
	mr_native_map_start(&m->nat);
	return REC_OK;
}

/* SEGMENT_HEADER and its SEGMENT records (§4.9), one unit. */
static enum rec_status segment_header(struct memray *m, struct rd *r)
{
	const char *name;
	size_t name_len;
	uint64_t nseg, load, vaddr, memsz;
	struct rd body;
	struct native_segment *segs;
	uint8_t t;

	TRY(rd_cstr(r, &name, &name_len));
	TRY_VARINT(m, r, &nseg, "SEGMENT_HEADER");
	TRY(rd_le64(r, &load));
	/* Each SEGMENT is at least 10 bytes; more than a window can hold is corrupt. */
	if (nseg > INPUT_MAX_WINDOW / 10)
		return bad(m, "SEGMENT_HEADER announces %" PRIu64 " segments", nseg);
	body = *r;
	for (uint64_t i = 0; i < nseg; i++) {
		TRY(rd_u8(r, &t));
		if (t != 8)
			return bad(m, "SEGMENT_HEADER: segment %" PRIu64 " has token 0x%02x", i, t);
		TRY(rd_le64(r, &vaddr));
		TRY_VARINT(m, r, &memsz, "SEGMENT");
	}

	if (keep_name(m, name_len, "image path") != REC_OK)
		return REC_REFUSE;
	segs = xmalloc((nseg ? nseg : 1) * sizeof(*segs));
	for (uint64_t i = 0; i < nseg; i++) {
		rd_u8(&body, &t);
		rd_le64(&body, &segs[i].vaddr);
		rd_varint(&body, &segs[i].memsz);
	}
	mr_native_image(&m->nat, name, name_len, load, segs, (size_t)nseg);
	free(segs);
	return REC_OK;
}

/* The index of thread tid in m->threads, made on first sight. */
static uint32_t thread_index(struct memray *m, uint64_t tid)
{
	uint32_t idx = hashmap_get(&m->thread_ids, tid);
	struct thread *t;

	if (idx != HASHMAP_NONE)
		return idx;
	idx = (uint32_t)m->threads.len;
	t = vec_grow(&m->threads, 1);
	t->tid = tid;
	t->root = UINT32_MAX;
	vec_init(&t->ids, sizeof(uint32_t));
	vec_init(&t->pos, sizeof(struct py_pos));
	hashmap_put(&m->thread_ids, tid, idx);
	return idx;
}

/* ------------------------------------------------------------------------- */
/* ALL_ALLOCATIONS: what an allocation record needs besides memray_heap.c (§7). */

static bool is_simple_dealloc(unsigned a)
{
	return a == A_FREE || a == A_PYMALLOC_FREE;
}

/*
 * The current thread's Python stack as struct thread keeps it: the model
 * stack, or with native traces the mr_native Python key.  With no Python
 * frame: the thread's frame, or the key 0 (none).
 */
static uint32_t current_py_stack(struct memray *m)
{
	struct thread *t = vec_at(&m->threads, m->cur_thread);

	if (t->ids.len)
		return *(uint32_t *)vec_at(&t->ids, t->ids.len - 1);
	return m->h.native_traces ? 0 : thread_root(m, t);
}

/* ------------------------------------------------------------------------- */
/* ALL_ALLOCATIONS records (§4). */

static const char *token_name(uint8_t t)
{
	static const char *const names[16] = {
		[1] = "TRAILER", [2] = "MEMORY_RECORD", [5] = "NATIVE_TRACE_INDEX",
		[6] = "MEMORY_MAP_START", [7] = "SEGMENT_HEADER", [8] = "SEGMENT",
		[10] = "THREAD_RECORD", [12] = "CONTEXT_SWITCH", [14] = "CODE_OBJECT",
	};

	if (t & 0x80)
		return "ALLOCATION";
	if (t & 0x40)
		return "FRAME_PUSH";
	if (t & 0x20)
		return "OBJECT_RECORD";
	if (t & 0x10)
		return "FRAME_POP";
	return names[t] ? names[t] : "unknown";
}

static enum rec_status need_thread(struct memray *m, const char *what)
{
	if (m->cur_thread == UINT32_MAX)
		return bad(m, "%s before the first CONTEXT_SWITCH", what);
	return REC_OK;
}

/* Resolves a pointer-cache index or miss delta into an address (§4.3). */
static uint64_t take_address(struct memray *m, unsigned p, int64_t delta)
{
	uint64_t addr;

	if (p < PTR_CACHE_SIZE)
		return m->ptr_ring[(m->ptr_head + p) & (PTR_RING - 1)];
	m->last_ptr += (uint64_t)delta;
	addr = m->last_ptr << 3;
	/* The newest in front: the others move back one (the 16th is never read). */
	m->ptr_head = (m->ptr_head - 1) & (PTR_RING - 1);
	m->ptr_ring[m->ptr_head] = addr;
	return addr;
}

/*
 * The memray marker contract (docs/FORMAT.md §18): an allocation made while
 * the innermost Python frame of th is a marker's code object starts the
 * stage that code object names.  The mark goes before the allocation's event
 * (the allocation stays in every figure, so they remain memray's), with the
 * file:line of the nearest frame below that is neither a marker's nor in
 * memtui's module (the line that called memtui.stage), when memray kept that
 * frame.  A marker allocation right after one of the same name is the same
 * mark (mr_heap_mark).  Called before the allocation's one event.
 */
static void stage_marker(struct memray *m, const struct thread *th)
{
	const struct py_pos *pos, *up;
	const struct code_obj *co, *uco = NULL;
	size_t depth = th->pos.len, k;
	char *where;

	if (!depth || !m->marker_codes)	/* most programs mark no stages */
		return;
	pos = vec_at(&th->pos, depth - 1);
	co = vec_at(&m->codes, pos->code);
	if (!co->marker)
		return;
	where = xmalloc(WHERE_MAX);
	where[0] = 0;
	for (k = depth - 1; k > 0; k--) {
		up = vec_at(&th->pos, k - 1);
		uco = vec_at(&m->codes, up->code);
		if (!uco->emitter)
			break;
	}
	/* §5.4: the outermost frames of the main thread are not memray's. */
	if (k > 0 && !(th->tid == m->h.main_tid && k <= m->h.skipped_frames)) {
		uint32_t line = code_line(m, uco, up->offset);
		const char *file = capture_builder_string_text(m->b, uco->file);

		if (line)
			snprintf(where, WHERE_MAX, "%s:%" PRIu32, file, line);
		else
			snprintf(where, WHERE_MAX, "%s", file);
	}
	mr_heap_mark(&m->heap, co->function, capture_builder_string_text(m->b, co->function),
		     where);
	free(where);
}

static enum rec_status allocation(struct memray *m, struct rd *r, uint8_t t)
{
	unsigned p = (t >> 3) & 15, alloc = t & 7;
	int64_t dptr = 0, dnative = 0;
	uint64_t size = 0, addr, native = 0;
	bool dealloc;
	uint32_t stack;
	struct thread *th;
	uint8_t a8;

	if (p == 15)
		TRY_SVARINT(m, r, &dptr, "ALLOCATION");
	if (!alloc) {
		TRY(rd_u8(r, &a8));
		if (a8 < 8 || a8 > 15)
			return bad(m, "ALLOCATION with allocator id %u", a8);
		alloc = a8;
	}
	dealloc = is_simple_dealloc(alloc);
	if (m->h.native_traces && !dealloc)
		TRY_SVARINT(m, r, &dnative, "ALLOCATION");
	if (!dealloc)
		TRY_VARINT(m, r, &size, "ALLOCATION");

	if (need_thread(m, "ALLOCATION") != REC_OK)
		return REC_BAD;
	addr = take_address(m, p, dptr);
	if (m->h.native_traces && !dealloc) {
		m->last_native += (uint64_t)dnative;
		native = m->last_native;
		if (native >= mr_native_node_count(&m->nat))
			return bad(m, "ALLOCATION names native trace %" PRIu64 " of %zu", native,
				   mr_native_node_count(&m->nat) - 1);
	}
	if (dealloc) {
		mr_heap_free(&m->heap, m->cur_thread, addr);
		return REC_OK;
	}
	if (alloc == A_MUNMAP) {
		if (!mr_heap_munmap(&m->heap, m->cur_thread, addr, size))
			return bad(m, "%s", m->heap.why);
		return REC_OK;
	}
	th = vec_at(&m->threads, m->cur_thread);
	stage_marker(m, th);
	stack = current_py_stack(m);
	if (m->h.native_traces)
		stack = alloc_stack(m, thread_root(m, th), stack, th->tid, (uint32_t)native,
				    mr_native_generation(&m->nat));
	if (!mr_heap_alloc(&m->heap, m->cur_thread, alloc, addr, size, stack))
		return bad(m, "%s", m->heap.why);
	return REC_OK;
}

/* Pushes a frame of code object code_idx at offset on th, as the model stack stack. */
static void push_on(struct thread *th, uint32_t code_idx, int64_t offset, uint64_t path,
		    uint32_t stack)
{
	struct py_pos *pos = vec_append(&th->pos);

	pos->code = code_idx;
	pos->offset = offset;
	pos->path = path;
	*(uint32_t *)vec_append(&th->ids) = stack;
}

/*
 * A hash of the pushes from th's root to a push of (code_id, offset) on
 * top of its stack: the slot of the push in memray_pushes, known from the
 * records alone, before the stack it pushes on is.
 */
static uint64_t push_path(const struct thread *th, uint64_t code_id, int64_t offset)
{
	const struct py_pos *top = th->pos.len ? vec_at(&th->pos, th->pos.len - 1) : NULL;
	uint64_t h = top ? top->path : th->tid * 0x9e3779b97f4a7c15ull;

	h ^= code_id * 0xff51afd7ed558ccdull ^ (uint64_t)offset * 0xc4ceb9fe1a85ec53ull;
	h *= 0x94d049bb133111ebull;
	return h ^ h >> 29;
}

static enum rec_status frame_push(struct memray *m, struct rd *r, uint8_t t)
{
	uint64_t code_id, path;
	int64_t offset;
	uint32_t code_idx, frame, parent, stack;
	struct thread *th;
	bool plain;

	TRY_VARINT(m, r, &code_id, "FRAME_PUSH");
	TRY_SVARINT(m, r, &offset, "FRAME_PUSH");

	if (need_thread(m, "FRAME_PUSH") != REC_OK)
		return REC_BAD;
	th = vec_at(&m->threads, m->cur_thread);
	/* The stack pushed on; UINT32_MAX: the thread's frame, not made yet. */
	parent = th->ids.len	       ? *(uint32_t *)vec_at(&th->ids, th->ids.len - 1)
		 : m->h.native_traces ? 0
				      : th->root;
	/* Its model stack, when the push is remembered (memray_pushes.h). */
	plain = !m->h.native_traces &&
		!(th->tid == m->h.main_tid && th->ids.len < m->h.skipped_frames);
	path = push_path(th, code_id, offset);
	stack = plain && parent != UINT32_MAX
			? mr_pushes_find(&m->pushes, path, parent, code_id, offset)
			: 0;
	code_idx = code_index(m, code_id);
	if (code_idx == HASHMAP_NONE)
		return bad(m, "FRAME_PUSH names code object %" PRIu64 " (not defined yet)",
			   code_id);
	if (th->ids.len >= STACK_MAX_DEPTH)
		return refuse(m, "a stack deeper than %u frames on thread %" PRIu64,
			      STACK_MAX_DEPTH, th->tid);
	if (stack) {
		push_on(th, code_idx, offset, path, stack);
		return REC_OK;
	}
	frame = python_frame(m, code_idx, offset);
	if (frame == UINT32_MAX)
		return refuse(m, "more than %u distinct Python frames", FRAMES_MAX);
	if (parent == UINT32_MAX)
		parent = thread_root(m, th);
	if (m->h.native_traces)
		/* The full stack with is_entry_frame, for the hybrid merge (§6.4). */
		stack = mr_native_py_push(&m->nat, parent, frame, t & 1);
	else if (!plain)
		stack = thread_root(m, th);	/* §5.4: the main thread's outermost frames
						 * are dropped */
	else
		stack = capture_builder_stack(m->b, parent, frame);
	push_on(th, code_idx, offset, path, stack);
	if (plain)
		mr_pushes_remember(&m->pushes, path, parent, code_id, offset, stack);
	return REC_OK;
}

static enum rec_status frame_pop(struct memray *m, uint8_t t)
{
	unsigned n = (t & 0x0f) + 1u;
	struct thread *th;

	if (need_thread(m, "FRAME_POP") != REC_OK)
		return REC_BAD;
	th = vec_at(&m->threads, m->cur_thread);
	if (n > th->ids.len)
		return bad(m, "FRAME_POP of %u frames from a stack of %zu", n, th->ids.len);
	th->ids.len -= n;
	th->pos.len -= n;
	return REC_OK;
}

static enum rec_status object_record(struct memray *m, struct rd *r, uint8_t t)
{
	unsigned p = (t >> 1) & 15;
	bool created = t & 1;
	int64_t dptr = 0, dnative = 0;

	if (p == 15)
		TRY_SVARINT(m, r, &dptr, "OBJECT_RECORD");
	if (m->h.native_traces && created)
		TRY_SVARINT(m, r, &dnative, "OBJECT_RECORD");

	if (need_thread(m, "OBJECT_RECORD") != REC_OK)
		return REC_BAD;
	/* Object lifetimes are not in the model; only the shared registers move. */
	take_address(m, p, dptr);
	if (m->h.native_traces && created)
		m->last_native += (uint64_t)dnative;
	return REC_OK;
}

static enum rec_status memory_record(struct memray *m, struct rd *r)
{
	uint64_t rss, ms;

	TRY_VARINT(m, r, &rss, "MEMORY_RECORD");
	TRY_VARINT(m, r, &ms, "MEMORY_RECORD");
	if (ms > INT64_MAX)
		return bad(m, "MEMORY_RECORD at %" PRIu64 " ms", ms);
	mr_heap_time(&m->heap, (int64_t)ms);
	capture_builder_rss(m->b, (int64_t)ms, rss);
	if ((int64_t)ms > m->last_ms)
		m->last_ms = (int64_t)ms;
	return REC_OK;
}

static enum rec_status context_switch(struct memray *m, struct rd *r)
{
	uint64_t tid;

	TRY(rd_le64(r, &tid));
	m->cur_thread = thread_index(m, tid);
	return REC_OK;
}

static enum rec_status thread_record(struct memray *m, struct rd *r)
{
	const char *name;
	size_t len;
	struct thread *th;

	TRY(rd_cstr(r, &name, &len));
	if (need_thread(m, "THREAD_RECORD") != REC_OK)
		return REC_BAD;
	if (keep_name(m, len, "thread name") != REC_OK)
		return REC_REFUSE;
	th = vec_at(&m->threads, m->cur_thread);
	capture_builder_thread(m->b, th->tid, name);
	return REC_OK;
}

/* The record types both file formats share (same token, same body). */
static enum rec_status shared_record(struct memray *m, struct rd *r, uint8_t t, const char *what)
{
	switch (t) {
	case 5:
		return native_trace_index(m, r);
	case 6:
		return memory_map_start(m);
	case 7:
		return segment_header(m, r);
	case 10:
		return thread_record(m, r);
	case 12:
		return context_switch(m, r);
	case 14:
		return code_object(m, r);
	default:
		return bad(m, "invalid %s 0x%02x", what, t);
	}
}

static enum rec_status all_record_body(struct memray *m, struct rd *r, uint8_t t)
{
	if (t & 0x80)
		return allocation(m, r, t);
	if (t & 0x40)
		return frame_push(m, r, t);
	if (t & 0x20)
		return object_record(m, r, t);
	if (t & 0x10)
		return frame_pop(m, t);
	switch (t) {
	case 1:
		return REC_END;
	case 2:
		return memory_record(m, r);
	default:
		return shared_record(m, r, t, "record type");
	}
}

/* One ALL_ALLOCATIONS record, counted for the checks of §10.3. */
static enum rec_status all_record(struct memray *m, struct rd *r)
{
	enum rec_status st;
	uint8_t t;

	TRY(rd_u8(r, &t));
	st = all_record_body(m, r, t);
	if (st == REC_OK && (t >= 0x10 || t == 2))
		m->own_records++;
	if (st == REC_OK && (t & 0x80))
		m->alloc_records++;
	return st;
}

/* ------------------------------------------------------------------------- */
/* AGGREGATED_ALLOCATIONS records (§9). */

static enum rec_status memory_snapshot(struct memray *m, struct rd *r)
{
	uint64_t ms, rss, heap;

	TRY(rd_le64(r, &ms));
	TRY(rd_le64(r, &rss));
	TRY(rd_le64(r, &heap));
	capture_builder_rss(m->b, (int64_t)(ms - (uint64_t)m->h.start_time), rss);
	return REC_OK;
}

static enum rec_status python_frame_index(struct memray *m, struct rd *r)
{
	uint64_t frame_id, code_id;
	int64_t offset;
	uint32_t code_idx;
	struct py_frame pf;
	uint8_t is_entry;

	TRY_VARINT(m, r, &frame_id, "PYTHON_FRAME_INDEX");
	TRY_VARINT(m, r, &code_id, "PYTHON_FRAME_INDEX");
	TRY_SVARINT(m, r, &offset, "PYTHON_FRAME_INDEX");
	TRY(rd_u8(r, &is_entry));
	if (frame_id != m->py_frames.len)
		return bad(m, "PYTHON_FRAME_INDEX %" PRIu64 " where %zu was due", frame_id,
			   m->py_frames.len);
	code_idx = code_index(m, code_id);
	if (code_idx == HASHMAP_NONE)
		return bad(m, "PYTHON_FRAME_INDEX names code object %" PRIu64 " (not defined)",
			   code_id);
	pf.frame = python_frame(m, code_idx, offset);
	if (pf.frame == UINT32_MAX)
		return refuse(m, "more than %u distinct Python frames", FRAMES_MAX);
	pf.entry = is_entry != 0;
	vec_push(&m->py_frames, &pf);
	if (!m->marker_frames && ((const struct code_obj *)vec_at(&m->codes, code_idx))->marker) {
		m->marker_frames = true;
		capture_builder_warning(m->b, "stage markers (" MARKER_FILE " frames) in an "
				       "aggregated capture cannot be placed: it keeps no order "
				       "of events");
	}
	return REC_OK;
}

static enum rec_status python_trace_index(struct memray *m, struct rd *r)
{
	uint64_t frame_id, parent;
	struct py_node node, *pn;
	const struct py_frame *pf;

	TRY_VARINT(m, r, &frame_id, "PYTHON_TRACE_INDEX");
	TRY_VARINT(m, r, &parent, "PYTHON_TRACE_INDEX");
	if (frame_id >= m->py_frames.len)
		return bad(m, "PYTHON_TRACE_INDEX names frame %" PRIu64 " of %zu", frame_id,
			   m->py_frames.len);
	if (parent >= m->py_nodes.len)
		return bad(m, "PYTHON_TRACE_INDEX parent %" PRIu64 " of %zu nodes", parent,
			   m->py_nodes.len);
	if (m->py_nodes.len >= UINT32_MAX - 1)
		return bad(m, "too many Python trace nodes");
	pn = vec_at(&m->py_nodes, (size_t)parent);
	if (pn->depth >= STACK_MAX_DEPTH)
		return refuse(m, "a Python trace deeper than %u frames", STACK_MAX_DEPTH);
	pf = vec_at(&m->py_frames, (size_t)frame_id);
	node.parent = (uint32_t)parent;
	node.frame = pf->frame;
	node.depth = pn->depth + 1;
	node.py_key = m->h.native_traces ? mr_native_py_push(&m->nat, pn->py_key, pf->frame,
							     pf->entry)
					 : 0;
	vec_push(&m->py_nodes, &node);
	return REC_OK;
}

/*
 * The model stack of Python tree node idx on the thread whose frame is stack
 * root, without (elided = 0) or with (elided = 1, the main thread) its
 * outermost frames dropped.  Walks up to the nearest node made for that
 * thread, then interns downwards.
 */
static uint32_t py_node_stack(struct memray *m, uint32_t idx, uint32_t root, int elided)
{
	uint32_t k = idx, stack = root;

	m->scratch.len = 0;
	while (k && (stack = hashmap_get(&m->py_stacks, (uint64_t)root << 32 | k)) ==
			    HASHMAP_NONE) {
		*(uint32_t *)vec_grow(&m->scratch, 1) = k;
		k = ((struct py_node *)vec_at(&m->py_nodes, k))->parent;
	}
	if (!k)
		stack = root;
	for (size_t j = m->scratch.len; j--;) {
		uint32_t c = *(uint32_t *)vec_at(&m->scratch, j);
		const struct py_node *pn = vec_at(&m->py_nodes, c);

		if (!elided || pn->depth > m->h.skipped_frames)
			stack = capture_builder_stack(m->b, stack, pn->frame);
		hashmap_put(&m->py_stacks, (uint64_t)root << 32 | c, stack);
	}
	return stack;
}

static enum rec_status aggregated_allocation(struct memray *m, struct rd *r)
{
	/* tid, allocator + padding, native, node, gen, n_hwm, n_leak, b_hwm, b_leak */
	uint64_t f[9];
	struct leak_delta d;
	uint32_t stack, py, root;
	int64_t sum;

	for (int i = 0; i < 9; i++)
		TRY(rd_le64(r, &f[i]));
	if (f[3] >= m->py_nodes.len)
		return bad(m, "AGGREGATED_ALLOCATION names Python node %" PRIu64 " of %zu", f[3],
			   m->py_nodes.len - 1);
	if (f[2] >= mr_native_node_count(&m->nat))
		return bad(m, "AGGREGATED_ALLOCATION names native trace %" PRIu64 " of %zu", f[2],
			   mr_native_node_count(&m->nat) - 1);
	/* More than 2^31 allocations alive at one location is corrupt data too. */
	if (f[5] > INT32_MAX || f[6] > INT32_MAX)
		return bad(m, "AGGREGATED_ALLOCATION with %" PRIu64 " allocations",
			   f[5] > f[6] ? f[5] : f[6]);
	if (f[7] > (uint64_t)HEAP_LIMIT || f[8] > (uint64_t)HEAP_LIMIT)
		return bad(m, "AGGREGATED_ALLOCATION with %" PRIu64 " bytes",
			   f[7] > f[8] ? f[7] : f[8]);
	if (!mr_heap_add(&m->heap, (int64_t)f[7]) ||
	    __builtin_add_overflow(m->leaked, (int64_t)f[8], &sum) || sum > HEAP_LIMIT)
		return bad(m, "AGGREGATED_ALLOCATION overflows the heap size");
	m->leaked = sum;
	/* The record's thread: its stacks start at the thread's frame (capture.h, "Threads"). */
	root = capture_builder_thread_stack(m->b, f[0]);
	py = m->h.native_traces ? ((struct py_node *)vec_at(&m->py_nodes, (size_t)f[3]))->py_key
				: py_node_stack(m, (uint32_t)f[3], root, f[0] == m->h.main_tid);
	stack = alloc_stack(m, root, py, f[0], (uint32_t)f[2], f[4]);
	if (f[7] || f[5])
		capture_builder_event(m->b, stack, (int64_t)f[7], (int32_t)f[5], 0);
	d.stack = stack;
	d.bytes = (int64_t)f[8] - (int64_t)f[7];
	d.count = (int32_t)((int64_t)f[6] - (int64_t)f[5]);
	if (d.bytes || d.count)
		vec_push(&m->leak_deltas, &d);
	return REC_OK;
}

static enum rec_status surviving_object(struct memray *m, struct rd *r)
{
	uint64_t addr, native;

	TRY_VARINT(m, r, &addr, "SURVIVING_OBJECT");
	if (m->h.native_traces)
		TRY_VARINT(m, r, &native, "SURVIVING_OBJECT");
	return REC_OK;
}

static enum rec_status aggregated_record_body(struct memray *m, struct rd *r, uint8_t t)
{
	switch (t) {
	case 1:
		return memory_snapshot(m, r);
	case 2:
		return aggregated_allocation(m, r);
	case 3:
		return python_trace_index(m, r);
	case 4:
		return python_frame_index(m, r);
	case 13:
		return surviving_object(m, r);
	case 15:
		return REC_END;
	default:
		return shared_record(m, r, t, "aggregated record type");
	}
}

/* One AGGREGATED_ALLOCATIONS record, counted for the checks of §10.3. */
static enum rec_status aggregated_record(struct memray *m, struct rd *r)
{
	enum rec_status st;
	uint8_t t;

	TRY(rd_u8(r, &t));
	st = aggregated_record_body(m, r, t);
	if (st == REC_OK && (t <= 4 || t == 13))
		m->own_records++;
	return st;
}

static const char *aggregated_name(uint8_t t)
{
	static const char *const names[16] = {
		[1] = "MEMORY_SNAPSHOT", [2] = "AGGREGATED_ALLOCATION",
		[3] = "PYTHON_TRACE_INDEX", [4] = "PYTHON_FRAME_INDEX",
		[5] = "NATIVE_TRACE_INDEX", [6] = "MEMORY_MAP_START", [7] = "SEGMENT_HEADER",
		[10] = "THREAD_RECORD", [12] = "CONTEXT_SWITCH", [13] = "SURVIVING_OBJECT",
		[14] = "CODE_OBJECT", [15] = "AGGREGATED_TRAILER",
	};

	return t < 16 && names[t] ? names[t] : "unknown";
}

/*
 * After the high-water-mark events, moves every location to its leaked
 * figure: decreases first, then increases, so no running sum between the
 * peak and the end exceeds max(peak, end) and the (last) peak index stays
 * where the peak distribution holds.  With memray's rule "the end is the
 * peak when it is >= the recorded peak" the figures then agree.
 */
static void emit_leak_deltas(struct memray *m)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->leak_deltas.len; i++) {
			const struct leak_delta *d = vec_at(&m->leak_deltas, i);

			if ((d->bytes < 0) != (pass == 0))
				continue;
			capture_builder_event(m->b, d->stack, d->bytes, d->count, 0);
		}
	}
}

/* ------------------------------------------------------------------------- */
/* Header (§3) and the driver. */

static enum rec_status parse_header(struct memray *m, struct rd *r)
{
	struct header *h = &m->h;
	uint64_t u64;
	uint32_t u32;
	uint8_t u8;
	const char *s;
	size_t len;
	const uint8_t *magic;

	TRY(rd_bytes(r, MEMRAY_MAGIC_LEN, &magic));
	TRY(rd_le32(r, &u32));
	h->version = (int32_t)u32;
	TRY(rd_le32(r, &h->python_version));
	TRY(rd_u8(r, &u8));
	h->native_traces = u8 != 0;
	TRY(rd_u8(r, &h->file_format));
	if (h->file_format > AGGREGATED_ALLOCATIONS) {
		m->bad_at = 16;
		return bad(m, "unknown memray file format %u", h->file_format);
	}
	TRY(rd_le64(r, &h->n_allocations));	/* checked against the records, §10.3 */
	TRY(rd_le64(r, &u64));	/* n_frames: always 0 */
	TRY(rd_le64(r, &u64));
	h->start_time = (int64_t)u64;
	TRY(rd_le64(r, &u64));
	h->end_time = (int64_t)u64;
	TRY(rd_cstr(r, &h->command, &h->command_len));
	if (h->command_len > COMMAND_MAX_LEN) {
		m->bad_at = 49;
		return refuse(m, "command line of %zu bytes (memtui reads up to %u)",
			      h->command_len, COMMAND_MAX_LEN);
	}
	TRY(rd_le32(r, &u32));
	h->pid = (int32_t)u32;
	TRY(rd_le64(r, &h->main_tid));
	TRY(rd_le64(r, &h->skipped_frames));
	TRY(rd_u8(r, &u8));	/* python_allocator */
	TRY(rd_u8(r, &u8));	/* trace_python_allocators */
	TRY(rd_u8(r, &u8));	/* track_object_lifetimes */
	if (h->version < 13)
		return REC_OK;
	TRY(rd_cstr(r, &s, &len));	/* libdest */
	for (int list = 0; list < 2; list++) {	/* site_packages, sys_path */
		do
			TRY(rd_cstr(r, &s, &len));
		while (len);
	}
	return REC_OK;
}

static void set_meta(struct memray *m)
{
	struct capture_meta *meta = capture_builder_meta(m->b);
	const struct header *h = &m->h;
	char buf[16];

	meta->format = "memray";
	snprintf(buf, sizeof(buf), "%d", (int)h->version);
	capture_meta_set_str(&meta->format_version, buf);
	capture_meta_set_str(&meta->tool_version, h->version == 13 ? "1.20" : "1.19");
	meta->command = xstrndup(h->command, h->command_len);
	meta->pid = h->pid;
	meta->native_traces = h->native_traces;
	meta->native_offsets = true;
	meta->has_totals = h->file_format == ALL_ALLOCATIONS;
	meta->has_event_stream = h->file_format == ALL_ALLOCATIONS;
	meta->peak_rule = PEAK_LAST_MAX;
	meta->top_rule = h->native_traces ? TOP_INNERMOST_HYBRID : TOP_INNERMOST_PYTHON;
	meta->start_time_ms = h->start_time;
	if (h->end_time < h->start_time ||
	    __builtin_sub_overflow(h->end_time, h->start_time, &meta->duration_ms))
		meta->duration_ms = -1;
}

static int read_header(struct memray *m, struct mt_error *err)
{
	size_t want = 4096;

	for (;;) {
		ssize_t n = input_fill(m->in, want, err);
		const uint8_t *p = input_ptr(m->in);
		struct rd r = { p, p + (n > 0 ? n : 0) };
		const struct mt_error *se = input_stream_error(m->in);
		enum rec_status st;
		int32_t version;

		if (n < 0)
			return (int)n;
		if (n < MEMRAY_MAGIC_LEN || memcmp(p, MEMRAY_MAGIC, MEMRAY_MAGIC_LEN))
			return mt_error_set(err, MT_ERR_FORMAT, 0, "not a memray capture");
		if (n >= 11) {
			version = (int32_t)((uint32_t)p[7] | (uint32_t)p[8] << 8 |
					    (uint32_t)p[9] << 16 | (uint32_t)p[10] << 24);
			if (version != 12 && version != 13)
				return mt_error_set(err, MT_ERR_VERSION, 7,
						    "memray header version %d is not supported "
						    "(memtui reads versions 12 and 13)",
						    (int)version);
		}
		st = parse_header(m, &r);
		if (st == REC_OK) {
			set_meta(m);
			input_consume(m->in, (size_t)(r.p - p));
			return 0;
		}
		if (st == REC_BAD)
			return mt_error_set(err, MT_ERR_CORRUPT, m->bad_at, "%s", m->why);
		if (st == REC_REFUSE)
			return mt_error_set(err, MT_ERR_LIMIT, m->bad_at, "%s", m->why);
		if ((size_t)n < want) {
			if (se) {
				*err = *se;
				return -(int)se->code;
			}
			return mt_error_set(err, MT_ERR_TRUNCATED, (uint64_t)n,
					    "memray header cut short after %zd bytes", n);
		}
		if (want >= INPUT_MAX_WINDOW)
			return mt_error_set(err, MT_ERR_CORRUPT, 0,
					    "memray header longer than %u bytes",
					    INPUT_MAX_WINDOW);
		want *= 2;
	}
}

typedef enum rec_status (*record_fn)(struct memray *m, struct rd *r);
typedef const char *(*record_name_fn)(uint8_t t);

/*
 * Marks the capture truncated at offset (decoded stream, like every
 * truncated_at), with the decode error as the reason when a damaged
 * compressed stream ended it (the registry adds the error's file offset).
 */
static void cut(struct memray *m, uint64_t offset, const char *why)
{
	const struct mt_error *se = input_stream_error(m->in);

	capture_builder_truncated(m->b, offset, se ? se->msg : why);
}

/*
 * Decodes records in batches: each batch parses every whole record in the
 * window; a record that does not fit is retried after a refill, with a window
 * doubled up to INPUT_MAX_WINDOW if it was alone in it.  Says how the stream
 * ended; m->end_at is the offset of the TRAILER or of the failing record.
 */
static enum stream_end read_records(struct memray *m, record_fn rec, record_name_fn name)
{
	size_t want = START_WINDOW;
	char why[200];

	for (;;) {
		ssize_t n = input_fill(m->in, want, NULL);
		const uint8_t *base = input_ptr(m->in), *start = base;
		struct rd r = { base, base + (n > 0 ? n : 0) };
		enum rec_status st = REC_OK;
		uint64_t off;

		if (n <= 0) {
			m->end_at = input_offset(m->in);
			cut(m, m->end_at, "ends without a TRAILER record (unfinished capture)");
			return END_CUT;
		}
		while (r.p < r.end) {
			start = r.p;
			st = rec(m, &r);
			if (st != REC_OK)
				break;
		}
		if (st == REC_OK)
			start = r.p;
		off = input_offset(m->in) + (uint64_t)(start - base);
		m->end_at = off;
		if (st == REC_END) {
			input_consume(m->in, (size_t)(start - base) + 1);
			return END_TRAILER;
		}
		if (st == REC_REFUSE)
			return END_REFUSED;
		if (st == REC_BAD) {
			capture_builder_truncated(m->b, off, m->why);
			return END_INVALID;
		}
		input_consume(m->in, (size_t)(start - base));
		if (st == REC_OK) {
			want = START_WINDOW;
			continue;
		}
		if ((size_t)n < want) {
			snprintf(why, sizeof(why), "cut inside %s %s record",
				 strchr("AEIOUu", name(*start)[0]) ? "an" : "a", name(*start));
			cut(m, off, why);
			return END_CUT;
		}
		if (start == base) {
			if (want >= INPUT_MAX_WINDOW) {
				snprintf(why, sizeof(why), "%s record longer than %u bytes",
					 name(*start), INPUT_MAX_WINDOW);
				capture_builder_truncated(m->b, off, why);
				return END_CUT;
			}
			want *= 2;
		}
	}
}

/*
 * After the TRAILER: the offset of the first nonzero byte that follows it
 * (memray writes only zero padding there), or UINT64_MAX.  A compressed
 * stream that fails there flags the capture truncated where it failed.
 */
static uint64_t data_after_trailer(struct memray *m)
{
	for (;;) {
		ssize_t n = input_fill(m->in, START_WINDOW, NULL);
		const uint8_t *p = input_ptr(m->in);

		if (n <= 0) {
			if (input_stream_error(m->in))
				cut(m, input_offset(m->in), "");
			return UINT64_MAX;
		}
		for (ssize_t i = 0; i < n; i++)
			if (p[i])
				return input_offset(m->in) + (uint64_t)i;
		input_consume(m->in, (size_t)n);
	}
}

/*
 * memray rewrites the header with its final counts right after the TRAILER
 * (§3.2): a header of a file that reached its TRAILER counts every ALLOCATION
 * record before it, and an aggregated file's header counts 0.
 */
static void check_header_count(struct memray *m)
{
	const struct header *h = &m->h;

	if (h->file_format == ALL_ALLOCATIONS && h->n_allocations != m->alloc_records)
		capture_builder_inconsistent(m->b, "the header counts %" PRIu64 " ALLOCATION "
					     "records, the file holds %" PRIu64
					     " before its TRAILER", h->n_allocations,
					     m->alloc_records);
	if (h->file_format == AGGREGATED_ALLOCATIONS && h->n_allocations)
		capture_builder_inconsistent(m->b, "the header of an AGGREGATED_ALLOCATIONS file "
					     "counts %" PRIu64 " allocations (memray writes 0)",
					     h->n_allocations);
}

static const char *const format_names[2] = { "ALL_ALLOCATIONS", "AGGREGATED_ALLOCATIONS" };

/*
 * The checks of §10.3 once the records have ended: returns 0, or refuses a
 * file whose records are not of its header's file format.
 */
static int check_end(struct memray *m, enum stream_end end, struct mt_error *err)
{
	uint64_t junk = UINT64_MAX;

	if (end == END_TRAILER)
		junk = data_after_trailer(m);
	/*
	 * Stopped before a single record of the header's own format: the wrong
	 * format, unless the header counts allocations of a stream (only the
	 * streaming writer counts them, §3.2): then it is a damaged stream.
	 */
	if (!m->own_records && (end == END_INVALID || junk != UINT64_MAX) &&
	    !(m->h.file_format == ALL_ALLOCATIONS && m->h.n_allocations))
		return mt_error_set(err, MT_ERR_CORRUPT, 16,
				    "the records don't match the header's file format, %s: "
				    "read so they stop at byte %" PRIu64,
				    format_names[m->h.file_format], m->end_at);
	if (junk != UINT64_MAX) {
		char why[200];

		snprintf(why, sizeof(why), "a TRAILER record followed by more data, nonzero "
			 "from byte %" PRIu64 ": the records after it are not read", junk);
		capture_builder_truncated(m->b, m->end_at, why);
	}
	if (end == END_TRAILER)
		check_header_count(m);
	return 0;
}

static void memray_init(struct memray *m, struct input *in, struct capture_builder *b,
			const struct native_resolver *res)
{
	struct py_node py_root = { 0, 0, 0, 0 };

	memset(m, 0, sizeof(*m));
	m->in = in;
	m->b = b;
	m->cur_thread = UINT32_MAX;
	vec_init(&m->code_by_id, sizeof(uint32_t));
	hashmap_init(&m->code_ids);
	hashmap_init(&m->frame_cache);
	mr_pushes_init(&m->pushes);
	hashmap_init(&m->thread_ids);
	mr_native_init(&m->nat, b, res);
	vec_init(&m->codes, sizeof(struct code_obj));
	vec_init(&m->linetables, 1);
	vec_init(&m->threads, sizeof(struct thread));
	vec_init(&m->scratch, sizeof(uint32_t));
	mr_heap_init(&m->heap, b, (uint32_t)capture_builder_meta(b)->temporary_threshold);
	vec_init(&m->py_frames, sizeof(struct py_frame));
	vec_init(&m->py_nodes, sizeof(struct py_node));
	vec_init(&m->leak_deltas, sizeof(struct leak_delta));
	vec_push(&m->py_nodes, &py_root);
	hashmap_init(&m->py_stacks);
}

static void memray_release(struct memray *m)
{
	for (size_t i = 0; i < m->threads.len; i++) {
		struct thread *t = vec_at(&m->threads, i);

		vec_release(&t->ids);
		vec_release(&t->pos);
	}
	vec_release(&m->code_by_id);
	hashmap_release(&m->code_ids);
	hashmap_release(&m->frame_cache);
	mr_pushes_release(&m->pushes);
	hashmap_release(&m->thread_ids);
	mr_native_release(&m->nat);
	vec_release(&m->codes);
	vec_release(&m->linetables);
	vec_release(&m->threads);
	vec_release(&m->scratch);
	mr_heap_release(&m->heap);
	vec_release(&m->py_frames);
	vec_release(&m->py_nodes);
	hashmap_release(&m->py_stacks);
	vec_release(&m->leak_deltas);
}

static bool memray_probe(const uint8_t *buf, size_t n)
{
	return n >= MEMRAY_MAGIC_LEN && !memcmp(buf, MEMRAY_MAGIC, MEMRAY_MAGIC_LEN);
}

static int memray_read(struct input *in, struct capture_builder *b,
		       const struct native_resolver *res, struct mt_error *err)
{
	struct memray *m = xmalloc(sizeof(*m));
	struct capture_meta *meta;
	enum stream_end end;
	int rc;

	memray_init(m, in, b, res);
	input_trim_trailing_zeros(in);
	rc = read_header(m, err);
	if (rc < 0)
		goto out;
	if (m->h.file_format == ALL_ALLOCATIONS) {
		capture_builder_allocators(b);
		if (capture_builder_is_threaded(b))
			mr_heap_threaded(&m->heap);
		end = read_records(m, all_record, token_name);
		mr_heap_settle(&m->heap);
	} else {
		end = read_records(m, aggregated_record, aggregated_name);
		emit_leak_deltas(m);
	}
	if (end == END_REFUSED) {
		rc = mt_error_set(err, MT_ERR_LIMIT, m->end_at, "%s", m->why);
		goto out;
	}
	rc = check_end(m, end, err);
	if (rc < 0)
		goto out;
	mr_native_finish(&m->nat);
	if (m->h.file_format == ALL_ALLOCATIONS)
		mr_heap_leaks(&m->heap);
	meta = capture_builder_meta(b);
	if (m->last_ms > meta->duration_ms)
		meta->duration_ms = m->last_ms;
	if (m->heap.replaced)
		capture_builder_warning(b, "%" PRIu64 " allocations at still-live addresses: leaks "
				       "may differ from memray's", m->heap.replaced);
	/* The threshold applied; an aggregated file has no allocations to apply it to. */
	meta->temporary_threshold =
		m->h.file_format == ALL_ALLOCATIONS ? (int64_t)m->heap.temp.window - 1 : -1;
	if (m->heap.temp.missed)
		capture_builder_warning(b, "%" PRIu64 " of memray's temporary allocations "
				       "not counted: freed again, or on another thread",
				       m->heap.temp.missed);
out:
	memray_release(m);
	free(m);
	return rc;
}

const struct reader memray_reader = { "memray", memray_probe, memray_read };
