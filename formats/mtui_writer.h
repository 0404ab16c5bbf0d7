/*
 * mtui_writer: a capture written in memtui's own format (docs/FORMAT.md).
 *
 * The writer emits one section at a time and keeps only the section being
 * built and one index entry per section written, so its memory does not grow
 * with the number of events.  mtui_write_file() converts a whole capture in
 * the order of FORMAT.md section 14, with no choice left: the same capture
 * gives the same bytes.  The file appears complete or not at all: it is
 * written under a temporary name beside path, synced, then renamed.
 */
#ifndef MT_MTUI_WRITER_H
#define MT_MTUI_WRITER_H

#include <stdatomic.h>
#include <stdint.h>

#include "capture.h"
#include "error.h"

/*
 * What the file holds beyond the capture, from the caller: the leak figures
 * of SUMMARY (FORMAT.md section 11: live at the end on stacks the capture's
 * suppressions leave counted, and on those they suppress; the analyses own
 * the rule), and the SHA-256 of the source file, written when the capture
 * does not already carry one (a .mtui converted again keeps its source's).
 */
struct mtui_extra {
	int64_t leaked_bytes;
	int64_t leaked_count;
	int64_t suppressed_bytes;
	int64_t suppressed_count;
	const uint8_t *source_sha256;	/* 32 bytes, or NULL */
	/* Per stack over the whole run (capture_stack_calls()'s figures). */
	const int64_t *calls_count, *calls_bytes, *calls_temporary;
	/* When *cancel (NULL: never) becomes true, the write stops (MT_ERR_CANCELLED). */
	const atomic_bool *cancel;
};

/*
 * Writes cap to path.  Returns 0, or a negative mt_err with err filled (the
 * temporary file is removed; path is untouched).
 */
int mtui_write_file(const struct capture *cap, const struct mtui_extra *extra, const char *path,
		    struct mt_error *err);

#endif
