/*
 * mtui_map: FORMAT.md 13.1, opening with the index.  The mapping and the
 * place of every chunk's section live as long as the capture (its backing);
 * load_chunk() finds a chunk there, and checks it the first time.
 */
#include "mtui_map.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mtui_format.h"
#include "mtui_sections.h"
#include "xalloc.h"

struct chunk_place {
	uint64_t offset;	/* of chunk k's section */
	uint32_t len;		/* its payload_len, as the index says */
	uint32_t n_events;	/* what it must hold */
};

struct mapped {
	const uint8_t *base;
	size_t size;
	struct vec chunks;	/* struct chunk_place */
};

static void unmap(void *ctx)
{
	struct mapped *mp = ctx;

	munmap((void *)mp->base, mp->size);
	vec_release(&mp->chunks);
	free(mp);
}

/*
 * Chunk k, read from its section for the first time when a cursor needs it:
 * the section the index promised (and, with verify, its crc), and the
 * chunk header's bounds (FORMAT.md 8).
 */
static const char *load_chunk(void *ctx, size_t k, bool verify, struct chunk_view *out)
{
	const struct mapped *mp = ctx;
	const struct chunk_place *c = vec_at(&mp->chunks, k);
	const uint8_t *p = mp->base + c->offset, *h = p + MTUI_SECTION_HEAD;
	uint32_t n, raw_len, data_len = c->len - MTUI_EVENTS_HEAD;

	if (mtui_le(p, 2) != MTUI_EVENTS || mtui_le(p + 4, 4) != c->len)
		return "an event chunk that is not where the index says: the file changed";
	if (verify && crc32(0, p, MTUI_SECTION_HEAD + c->len) !=
			      mtui_le(p + MTUI_SECTION_HEAD + c->len, 4))
		return "an event chunk whose checksum does not match: the file is damaged";
	n = (uint32_t)mtui_le(h + 8, 4);
	raw_len = (uint32_t)mtui_le(h + 12, 4);
	if (mtui_le(h, 8) != (uint64_t)k * EVENTS_PER_CHUNK || n != c->n_events || h[16] > 1 ||
	    h[17] || h[18] || h[19] || !raw_len || raw_len > n * 31u ||
	    (!h[16] && data_len != raw_len))
		return "an event chunk whose header breaks the format";
	out->data = h + MTUI_EVENTS_HEAD;
	out->len = data_len;
	out->raw_len = raw_len;
	out->n_events = n;
	out->compressed = h[16] == 1;
	return NULL;
}

/*
 * A cursor is done with chunk k: its pages leave the process (they are the
 * file's, unmodified: a later read faults them in again), so that memory
 * follows what views read now, not what they have read.
 */
static void done_chunk(void *ctx, size_t k)
{
	const struct mapped *mp = ctx;
	const struct chunk_place *c = vec_at(&mp->chunks, k);
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)mp->base + c->offset + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)mp->base + c->offset + MTUI_SECTION_OVERHEAD + c->len) &
		       ~(page - 1);

	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
}

/* The section at off, whole and inside [start, limit), or NULL. */
static const uint8_t *section_at(const struct mapped *mp, uint64_t off, uint64_t limit,
				 uint32_t *len)
{
	if (off > limit || limit - off < MTUI_SECTION_OVERHEAD)
		return NULL;
	*len = (uint32_t)mtui_le(mp->base + off + 4, 4);
	if (*len > MTUI_MAX_PAYLOAD || limit - off - MTUI_SECTION_OVERHEAD < *len)
		return NULL;
	return mp->base + off;
}

static bool crc_ok(const uint8_t *s, uint32_t len)
{
	return crc32(0, s, MTUI_SECTION_HEAD + len) == mtui_le(s + MTUI_SECTION_HEAD + len, 4);
}

/* END, then INDEX: the sections' places; false when either is unusable. */
static bool read_index(const struct mapped *mp, uint32_t header_len, const uint8_t **entries,
		       uint64_t *n, uint64_t *index_at)
{
	uint64_t end_at = mp->size - MTUI_END_LEN;
	const uint8_t *end, *ix;
	uint32_t len;

	if (mp->size < header_len + MTUI_END_LEN)
		return false;
	end = section_at(mp, end_at, mp->size, &len);
	if (!end || mtui_le(end, 2) != MTUI_END || len != MTUI_END_PAYLOAD || !crc_ok(end, len) ||
	    mtui_le(end + 16, 8) != end_at)
		return false;
	*index_at = mtui_le(end + 8, 8);
	ix = section_at(mp, *index_at, end_at, &len);
	if (!*index_at || !ix || mtui_le(ix, 2) != MTUI_INDEX || len < 8 || !crc_ok(ix, len) ||
	    *index_at + MTUI_SECTION_OVERHEAD + len != end_at)
		return false;
	*n = mtui_le(ix + 8, 8);
	if (len != 8 + *n * MTUI_INDEX_ENTRY || mtui_le(end + 24, 8) != *n + 1)
		return false;
	*entries = ix + 16;
	return true;
}

/* The events SUMMARY states, read first: every chunk's size follows from it. */
static bool summary_events(const struct mapped *mp, const uint8_t *entries, uint64_t n,
			   uint64_t index_at, uint64_t *events)
{
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *e = entries + i * MTUI_INDEX_ENTRY, *s;
		uint32_t len;

		if (mtui_le(e + 16, 2) != MTUI_SUMMARY)
			continue;
		s = section_at(mp, mtui_le(e, 8), index_at, &len);
		if (!s || len < MTUI_SUMMARY_LEN || !crc_ok(s, len))
			return false;
		*events = mtui_le(s + MTUI_SECTION_HEAD, 8);
		return true;
	}
	return false;
}

/*
 * Applies the sections the index lists, but for EVENTS, whose place is
 * noted and whose bytes are not touched; false at the first that is not
 * right.
 */
static bool read_sections(struct mtui *m, struct mapped *mp, uint32_t header_len,
			  const uint8_t *entries, uint64_t n, uint64_t index_at)
{
	uint64_t next = header_len, events = 0;

	if (!summary_events(mp, entries, n, index_at, &events))
		return false;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *e = entries + i * MTUI_INDEX_ENTRY, *s;
		uint64_t off = mtui_le(e, 8), key = mtui_le(e + 8, 8);
		uint16_t type = (uint16_t)mtui_le(e + 16, 2);
		uint32_t len = (uint32_t)mtui_le(e + 20, 4);
		struct rd r;

		if (off != next || len > MTUI_MAX_PAYLOAD ||
		    index_at - off < MTUI_SECTION_OVERHEAD + (uint64_t)len)
			return false;
		next = off + MTUI_SECTION_OVERHEAD + len;
		if (type == MTUI_EVENTS) {
			struct chunk_place c = { off, len, 0 };

			if (len < MTUI_EVENTS_HEAD || key % EVENTS_PER_CHUNK || key >= events)
				return false;
			c.n_events = (uint32_t)(events - key < EVENTS_PER_CHUNK
						? events - key : EVENTS_PER_CHUNK);
			vec_push(&mp->chunks, &c);
			if (!mtui_lazy_events(m, key, c.n_events))
				return false;
			continue;
		}
		s = section_at(mp, off, index_at, &len);
		if (!s || mtui_le(s, 2) != type || len != mtui_le(e + 20, 4) ||
		    mtui_le(s + 2, 2) != mtui_le(e + 18, 2) || !crc_ok(s, len))
			return false;
		r.p = s + MTUI_SECTION_HEAD;
		r.end = r.p + len;
		if (!mtui_apply(m, type, off, &r) ||
		    mtui_section_key(type, s + MTUI_SECTION_HEAD, len) != key)
			return false;
	}
	return next == index_at && m->summary_seen;
}

int mtui_map_open(const char *path, struct capture_builder *b, struct mt_error *err)
{
	struct mapped *mp = xcalloc(1, sizeof(*mp));
	struct mtui m;
	struct stat st;
	const uint8_t *entries = NULL;
	uint64_t n = 0, index_at = 0;
	uint32_t header_len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 1;
	void *base;

	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < MTUI_HEADER_LEN) {
		if (fd >= 0)
			close(fd);
		free(mp);
		return 1;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		free(mp);
		return 1;
	}
	mp->base = base;
	mp->size = (size_t)st.st_size;
	vec_init(&mp->chunks, sizeof(struct chunk_place));
	mtui_init(&m, b, true);
	capture_builder_meta(b)->file_bytes = mp->size;
	capture_builder_backing(b, mp, unmap, load_chunk, done_chunk);
	if (!mtui_header(&m, mp->base, mp->size, &header_len, err) &&
	    read_index(mp, header_len, &entries, &n, &index_at) &&
	    read_sections(&m, mp, header_len, entries, n, index_at)) {
		mtui_finish(&m, false, 0, NULL);
		rc = 0;
	}
	mtui_release(&m);
	return rc;
}
