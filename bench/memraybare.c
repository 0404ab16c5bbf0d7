/*
 * memraybare: the least a reader of a memray capture can do, for the floor
 * of bench/memray.sh.  It decompresses the file (one LZ4 frame, or plain) in
 * 1 MiB steps on one thread, as `lz4 -d` does, and decodes every record of
 * an ALL_ALLOCATIONS stream: the varints, the pointer cache and address
 * deltas (§4.3 of docs/formats/memray.md), and each thread's frames as a
 * hash of the pushes from its root, which is what tells two stacks apart.
 * It makes no model: no frames, stacks, events or figures, no checks beyond
 * staying inside the buffer, no second thread.
 *
 *	memraybare [--map] FILE
 *
 * --map also applies each allocation record to memtui's address map
 * (formats/live_map.h) as memtui's heap thread does (the slot fetched 32
 * records ahead), but in line, on the same thread.
 *
 * Prints the records, the ALLOCATION records and a checksum that depends on
 * every address, size and stack, so that no work can be left out.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4frame.h>

#include "bytes.h"
#include "live_map.h"
#include "memray_heap.h"

#define STEP (1u << 20)		/* decompressed bytes per step */
#define HOT_MAX 32		/* the longest ALLOCATION, FRAME_PUSH or FRAME_POP: 1 + 3 varints */
#define AHEAD 32		/* --map: records between a slot's fetch and its use */
#define OTHER_MARGIN (64u << 10)	/* any other record: this many bytes there, or the end */
#define MAX_THREADS 64
#define MAX_DEPTH 4096

struct thread {
	uint64_t tid;
	uint32_t depth;
	uint64_t path[MAX_DEPTH];	/* path[d]: hash of the pushes to depth d + 1 */
};

struct op {
	uint64_t addr, size, ev;
	uint32_t stack;
	bool take;
};

struct bare {
	FILE *f;
	LZ4F_dctx *lz4;			/* NULL: a plain file */
	uint8_t *raw, *buf;
	size_t raw_n, raw_pos, buf_n;
	bool eof;

	bool native, map;
	uint64_t ring[16], last_ptr;
	unsigned head;
	struct thread *threads, *cur;
	unsigned n_threads;

	struct live_map live;
	struct op pending[AHEAD];
	uint64_t records, allocations, sum;
};

static void die(const char *msg)
{
	fprintf(stderr, "memraybare: %s\n", msg);
	exit(1);
}

/* Moves [keep, buf_n) to the front and appends up to STEP new bytes. */
static void refill(struct bare *b, size_t keep)
{
	size_t n = b->buf_n - keep, want = STEP;

	memmove(b->buf, b->buf + keep, n);
	b->buf_n = n;
	while (want && !b->eof) {
		if (b->raw_pos == b->raw_n) {
			b->raw_n = fread(b->raw, 1, STEP, b->f);
			b->raw_pos = 0;
			if (!b->raw_n) {
				b->eof = true;
				break;
			}
		}
		if (!b->lz4) {
			size_t k = b->raw_n - b->raw_pos < want ? b->raw_n - b->raw_pos : want;

			memcpy(b->buf + b->buf_n, b->raw + b->raw_pos, k);
			b->raw_pos += k;
			b->buf_n += k;
			want -= k;
			continue;
		}
		size_t out = want, in = b->raw_n - b->raw_pos, r;
		uint8_t *dst = b->buf + b->buf_n;

		r = LZ4F_decompress(b->lz4, dst, &out, b->raw + b->raw_pos, &in, NULL);

		if (LZ4F_isError(r))
			die(LZ4F_getErrorName(r));
		b->raw_pos += in;
		b->buf_n += out;
		want -= out;
	}
}

/*
 * Its own varint, bounded by end, not bytes.h's: bytes.h's checks each byte
 * for a 10th-byte overflow and a cut that a reader must tell apart, and made
 * this loop 9% slower (15 rounds, 0.237 s against 0.217 s); a floor should
 * be the least a reader could do.
 */
static uint64_t varint(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t c;

	do {
		if (p == end || shift > 63)
			die("a varint runs past the buffer");
		c = *p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	*pp = p;
	return v;
}

static int64_t svarint(const uint8_t **pp, const uint8_t *end)
{
	return zigzag_decode(varint(pp, end));
}

static const uint8_t *cstr(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *nul = memchr(p, 0, (size_t)(end - p));

	if (!nul)
		die("a string runs past the buffer");
	return nul + 1;
}

static uint64_t take_address(struct bare *b, unsigned p, int64_t delta)
{
	if (p < 15)
		return b->ring[(b->head + p) & 15];
	b->last_ptr += (uint64_t)delta;
	b->head = (b->head - 1) & 15;
	return b->ring[b->head] = b->last_ptr << 3;
}

static uint64_t top_path(const struct thread *t)
{
	return t->depth ? t->path[t->depth - 1] : t->tid * 0x9e3779b97f4a7c15ull;
}

static void apply_op(struct bare *b, const struct op *o)
{
	struct live_alloc old;

	if (o->take ? live_map_take(&b->live, o->addr, &old)
		    : live_map_put(&b->live, o->addr, o->size, o->ev, o->stack, &old))
		b->sum += old.size + old.stack;
}

/* --map: applies the op fetched AHEAD records ago, and fetches this one's slot. */
static void apply(struct bare *b, uint64_t addr, uint64_t size, uint32_t stack, bool take)
{
	struct op *o = &b->pending[b->allocations % AHEAD];

	if (b->allocations >= AHEAD)
		apply_op(b, o);
	*o = (struct op){ addr, size, b->allocations, stack, take };
	live_map_prefetch(&b->live, addr);
}

/* One ALLOCATION, FRAME_PUSH or FRAME_POP record at p (HOT_MAX bytes there); its end. */
static const uint8_t *hot(struct bare *b, const uint8_t *p, const uint8_t *end)
{
	uint8_t t = *p++;
	struct thread *th = b->cur;

	if (t & 0x80) {
		unsigned pc = (t >> 3) & 15, a = t & 7;
		int64_t d = pc == 15 ? svarint(&p, end) : 0;
		uint64_t size = 0, addr;
		bool dealloc;

		if (!a)
			a = *p++;
		dealloc = a == A_PYMALLOC_FREE || a == A_FREE;
		if (b->native && !dealloc)
			svarint(&p, end);
		if (!dealloc)
			size = varint(&p, end);
		addr = take_address(b, pc, d);
		uint32_t stack = (uint32_t)top_path(th);

		if (b->map)
			apply(b, addr, size, stack, dealloc);
		b->sum += addr * 31 + size + (dealloc ? 0 : stack);
		b->allocations++;
	} else if (t & 0x40) {
		uint64_t code = varint(&p, end), h = top_path(th);
		int64_t off = svarint(&p, end);

		if (th->depth == MAX_DEPTH)
			die("too deep");
		h ^= code * 0xff51afd7ed558ccdull ^ (uint64_t)off * 0xc4ceb9fe1a85ec53ull;
		h *= 0x94d049bb133111ebull;
		th->path[th->depth++] = h ^ h >> 29;
	} else {
		unsigned n = (t & 15) + 1u;

		if (n > th->depth)
			die("a FRAME_POP below the root");
		th->depth -= n;
	}
	return p;
}

static void switch_to(struct bare *b, uint64_t tid)
{
	unsigned i;

	for (i = 0; i < b->n_threads && b->threads[i].tid != tid; i++)
		;
	if (i == b->n_threads) {
		if (i == MAX_THREADS)
			die("too many threads");
		b->threads[b->n_threads++] = (struct thread){ .tid = tid };
	}
	b->cur = &b->threads[i];
}

/* Any other record at p, all of it before end; its end, or NULL after the TRAILER. */
static const uint8_t *other(struct bare *b, const uint8_t *p, const uint8_t *end)
{
	uint8_t t = *p++;
	uint64_t n, u;

	if (t & 0x20) {		/* OBJECT_RECORD */
		unsigned pc = (t >> 1) & 15;

		take_address(b, pc, pc == 15 ? svarint(&p, end) : 0);
		if (b->native && (t & 1))
			svarint(&p, end);
		return p;
	}
	switch (t) {
	case 1:			/* TRAILER */
		return NULL;
	case 2:			/* MEMORY_RECORD */
		varint(&p, end);
		varint(&p, end);
		return p;
	case 5:			/* NATIVE_TRACE_INDEX */
		svarint(&p, end);
		svarint(&p, end);
		return p;
	case 6:			/* MEMORY_MAP_START */
		return p;
	case 7:			/* SEGMENT_HEADER and its SEGMENTs */
		p = cstr(p, end);
		n = varint(&p, end);
		p += 8;
		for (u = 0; u < n && p < end; u++) {
			p += 9;
			varint(&p, end);
		}
		return p;
	case 10:		/* THREAD_RECORD */
		return cstr(p, end);
	case 12:		/* CONTEXT_SWITCH */
		memcpy(&u, p, 8);
		switch_to(b, u);
		return p + 8;
	case 14:		/* CODE_OBJECT */
		varint(&p, end);
		p = cstr(p, end);
		p = cstr(p, end);
		svarint(&p, end);
		n = varint(&p, end);
		return p + n;
	default:
		fprintf(stderr, "memraybare: record type 0x%02x\n", t);
		exit(1);
	}
}

/* The header (§2); where the records start. */
static size_t header(struct bare *b)
{
	const uint8_t *p = b->buf, *end = b->buf + b->buf_n;
	int32_t version;

	if (b->buf_n < 64 || memcmp(p, "memray", 7))
		die("not a memray capture");
	memcpy(&version, p + 7, 4);
	b->native = p[15] != 0;
	if (p[16] != 0)
		die("not an ALL_ALLOCATIONS capture");
	p = cstr(p + 49, end);		/* the command line */
	p += 4 + 8 + 8 + 3;		/* pid, main tid, skipped frames, three flags */
	if (version >= 13) {
		p = cstr(p, end);	/* libdest, then site_packages and sys_path */
		for (int list = 0; list < 2; list++) {
			while (p < end && *p)
				p = cstr(p, end);
			p++;	/* the list's empty string */
		}
	}
	return (size_t)(p - b->buf);
}

static void decode(struct bare *b)
{
	size_t pos;

	refill(b, 0);
	pos = header(b);
	for (;;) {
		const uint8_t *p = b->buf + pos, *end = b->buf + b->buf_n;
		/* hot records are read unchecked up to HOT_MAX bytes on (the buffer has them) */
		const uint8_t *limit = b->eof || b->buf_n < HOT_MAX ? end : end - HOT_MAX;

		while (p < limit) {
			if ((*p >= 0x40 || (*p & 0xf0) == 0x10) && b->cur) {
				p = hot(b, p, end);
				b->records++;
				continue;
			}
			if ((size_t)(end - p) < OTHER_MARGIN && !b->eof)
				break;
			p = other(b, p, end);
			if (!p)
				return;
			b->records++;
		}
		if (p > end)
			die("a record runs past the end");
		if (b->eof)
			die("no TRAILER");
		if ((size_t)(end - p) > STEP)
			die("a record longer than the buffer");
		refill(b, (size_t)(p - b->buf));
		pos = 0;
	}
}

int main(int argc, char **argv)
{
	struct bare b = { 0 };
	bool map = argc == 3 && !strcmp(argv[1], "--map");
	const char *path = map ? argv[2] : argc == 2 ? argv[1] : NULL;
	uint8_t magic[4];

	if (!path)
		die("usage: memraybare [--map] FILE");
	b.map = map;
	b.f = fopen(path, "rb");
	if (!b.f)
		die("cannot open the file");
	if (fread(magic, 1, 4, b.f) == 4 && !memcmp(magic, "\x04\x22\x4d\x18", 4) &&
	    LZ4F_isError(LZ4F_createDecompressionContext(&b.lz4, LZ4F_VERSION)))
		die("LZ4F_createDecompressionContext");
	rewind(b.f);
	b.raw = malloc(STEP);
	b.buf = malloc(2 * STEP + HOT_MAX);
	b.threads = calloc(MAX_THREADS, sizeof(*b.threads));
	if (!b.raw || !b.buf || !b.threads)
		die("out of memory");
	live_map_init(&b.live);
	decode(&b);
	for (uint64_t i = b.allocations > AHEAD ? b.allocations - AHEAD : 0;
	     b.map && i < b.allocations; i++)
		apply_op(&b, &b.pending[i % AHEAD]);
	printf("records %" PRIu64 "\nallocations %" PRIu64 "\nlive %zu\nchecksum %016" PRIx64 "\n",
	       b.records, b.allocations, b.map ? b.live.len : (size_t)0, b.sum);
	live_map_release(&b.live);
	LZ4F_freeDecompressionContext(b.lz4);
	fclose(b.f);
	free(b.raw);
	free(b.buf);
	free(b.threads);
	return 0;
}
