/*
 * mtui: the reader of memtui's own format (docs/FORMAT.md), front to back.
 *
 * One forward pass over the sections (FORMAT.md 13.2), each framed and
 * checksummed, then applied by mtui_sections.c.  The first section that
 * breaks a rule ends the load there, flagged truncated with the section's
 * offset (13.3); a damaged file header or first META refuses the file.  This
 * reads any .mtui, compressed or cut or without its index; the explorer's
 * instant open of a whole one is mtui_map.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "mtui_format.h"
#include "mtui_sections.h"
#include "reader.h"

static bool probe(const uint8_t *buf, size_t n)
{
	return n >= 8 && !memcmp(buf, MTUI_MAGIC, 8);
}

/* Reads sections to END or to the first that breaks a rule; 0, or an error for a bad start. */
static int sections(struct mtui *m, struct input *in, struct mt_error *err)
{
	char why[256];

	for (;;) {
		uint64_t off = input_offset(in);
		ssize_t n = input_fill(in, MTUI_SECTION_HEAD, err);
		const uint8_t *p = input_ptr(in);
		uint32_t len;
		uint16_t type;
		struct rd r;
		bool ok;

		if (n <= 0 || (n < MTUI_SECTION_HEAD)) {
			snprintf(why, sizeof(why), "%s",
				 n <= 0 ? "no end section" : "a section cut short");
			goto cut;
		}
		type = (uint16_t)mtui_le(p, 2);
		len = (uint32_t)mtui_le(p + 4, 4);
		if (len > MTUI_MAX_PAYLOAD) {
			snprintf(why, sizeof(why), "%s section at byte %" PRIu64
				 ": a length of %" PRIu32 " bytes, over the bound",
				 mtui_section_name(type), off, len);
			goto cut;
		}
		n = input_fill(in, MTUI_SECTION_OVERHEAD + len, err);
		p = input_ptr(in);
		if (n < (ssize_t)(MTUI_SECTION_OVERHEAD + len)) {
			snprintf(why, sizeof(why), "%s section at byte %" PRIu64 " cut short",
				 mtui_section_name(type), off);
			goto cut;
		}
		if (crc32(0, p, MTUI_SECTION_HEAD + len) !=
		    mtui_le(p + MTUI_SECTION_HEAD + len, 4)) {
			snprintf(why, sizeof(why), "%s section at byte %" PRIu64
				 ": checksum mismatch", mtui_section_name(type), off);
			goto cut;
		}
		r.p = p + MTUI_SECTION_HEAD;
		r.end = r.p + len;
		ok = mtui_apply(m, type, off, &r);
		if (!ok) {
			snprintf(why, sizeof(why), "%s section at byte %" PRIu64 ": %s",
				 mtui_section_name(type), off, m->why);
			if (!m->meta_seen)
				return mt_error_set(err, MT_ERR_CORRUPT, off, "memtui capture: %s",
						    why);
			goto cut;
		}
		if (type == MTUI_END) {
			input_consume(in, MTUI_SECTION_OVERHEAD + len);
			n = input_fill(in, 1, err);
			if (n > 0)
				capture_builder_warning(m->b, "bytes after the end section at byte "
							"%" PRIu64 " ignored", off);
			mtui_finish(m, false, 0, NULL);
			return 0;
		}
		if (type != MTUI_INDEX) {
			struct seen s = { off, mtui_section_key(type, p + 8, len), type,
					  (uint16_t)mtui_le(p + 2, 2), len };

			vec_push(&m->seen, &s);
		}
		input_consume(in, MTUI_SECTION_OVERHEAD + len);
		continue;
cut:
		if (!m->meta_seen)
			return mt_error_set(err, MT_ERR_CORRUPT, off, "memtui capture: %s",
					    n <= 0 ? "no META section" : why);
		mtui_finish(m, true, off, why);
		return 0;
	}
}

static int read_mtui(struct input *in, struct capture_builder *b,
		     const struct native_resolver *res, struct mt_error *err)
{
	struct mtui m;
	uint32_t len = 0;
	ssize_t n;
	int rc;

	(void)res;	/* frames are stored named */
	mtui_init(&m, b, false);
	n = input_fill(in, MTUI_HEADER_MAX, err);
	rc = mtui_header(&m, input_ptr(in), n > 0 ? (size_t)n : 0, &len, err);
	if (!rc) {
		input_consume(in, len);
		rc = sections(&m, in, err);
	}
	mtui_release(&m);
	return rc;
}

const struct reader mtui_reader = {
	.name = "memtui",
	.probe = probe,
	.read = read_mtui,
};
