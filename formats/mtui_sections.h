/*
 * mtui_sections: the sections of memtui's own format (docs/FORMAT.md 5-12),
 * checked and applied to a capture builder, one at a time.  Shared by the
 * two ways of reading a .mtui: front to back (mtui.c, any input) and
 * through its index with the event chunks left in the mapped file
 * (mtui_map.c, the explorer's instant open).  Internal to formats/.
 */
#ifndef MT_MTUI_SECTIONS_H
#define MT_MTUI_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "capture_builder.h"
#include "error.h"
#include "vec.h"

struct seen {			/* a section read, for checking the INDEX */
	uint64_t offset, key;
	uint16_t type, flags;
	uint32_t len;
};

struct mtui {
	struct capture_builder *b;
	bool lazy;				/* chunks stay in the file: mtui_map.c */
	unsigned minor;
	uint32_t strings, frames, stacks;	/* defined so far, id 0 included */
	bool meta_seen, summary_seen, index_seen;
	uint64_t index_at;			/* offset of the INDEX read, 0 none */
	/* META values that may not change after the first META. */
	const char *source_format;
	uint64_t flags, peak_rule, top_rule;
	/* The checkpoint being read: parts so far, and whether its last came. */
	struct vec cp;				/* struct checkpoint_entry */
	uint64_t cp_event;
	bool cp_open, cp_done;
	uint64_t n_checkpoints, n_time, n_rss, n_stage;	/* read so far */
	uint32_t calls_next;			/* STACK_CALLS: the next stack id */
	int64_t *calls;				/* a batch's figures, 3 per entry */
	size_t calls_cap;
	int64_t *all_calls[3];			/* lazily: every stack's, until SUMMARY */
	uint64_t time_ev;			/* the last time mark's event + 1 */
	uint64_t stage_ev;			/* the last stage mark's event */
	uint64_t source_trunc_at;		/* META 20 */
	char *source_trunc_why;
	bool source_truncated;
	/* LEAKS: the table so far (the next event an entry may name, its sums). */
	bool leaks_seen;
	uint64_t leak_ev;
	int64_t leak_bytes, leak_count;
	/* ALLOCATORS: the next (stack << 8 | allocator) an entry may name. */
	uint64_t alloc_next;
	struct vec seen;			/* struct seen */
	char why[160];				/* what broke a rule */
};

/* Little-endian n bytes at p. */
uint64_t mtui_le(const uint8_t *p, size_t n);
void mtui_init(struct mtui *m, struct capture_builder *b, bool lazy);
void mtui_release(struct mtui *m);
/*
 * Checks the file header at p (avail bytes there); 0 with *len its length
 * and m->minor set, or an error (offset in the file).
 */
int mtui_header(struct mtui *m, const uint8_t *p, size_t avail, uint32_t *len,
		struct mt_error *err);
/*
 * Applies the checksum-valid section of type at offset, payload r.  False
 * when it breaks a rule: m->why says which.  The payload must be used up.
 */
bool mtui_apply(struct mtui *m, uint16_t type, uint64_t offset, struct rd *r);
/*
 * In place (mtui_map.c): the chunk of n events at event first, left in the
 * file, takes its place in the log (checkpoints before it checked as
 * mtui_apply checks them for an EVENTS section).
 */
bool mtui_lazy_events(struct mtui *m, uint64_t first, uint32_t n);
/* "EVENTS" */
const char *mtui_section_name(uint16_t type);
/* The key of a section in the INDEX (FORMAT.md 12.1). */
uint64_t mtui_section_key(uint16_t type, const uint8_t *payload, size_t len);
/* Ends the load: the file's own truncation (cut), the source's (FORMAT.md 13.4). */
void mtui_finish(struct mtui *m, bool cut, uint64_t at, const char *why);

#endif
