/*
 * registry: opening a capture file of any supported format.
 *
 * The format is found by content: the input is decompressed as needed and
 * every reader's probe looks at its first bytes.  A file no reader accepts
 * gets one error listing what was tried.
 */
#ifndef MT_REGISTRY_H
#define MT_REGISTRY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "error.h"
#include "input.h"
#include "native_resolver.h"

struct load_options {
	mt_progress_fn progress;	/* may be NULL */
	void *progress_ctx;
	const struct native_resolver *resolver;	/* names native frames; may be NULL */
	const atomic_bool *cancel;	/* may be NULL; when it becomes true the load stops
					 * and fails with MT_ERR_CANCELLED */
	/*
	 * A whole, plain .mtui is opened in place (mtui_map.h): instantly, its
	 * event chunks checked when first read, damage found later reported by
	 * capture_damage().  Otherwise every chunk is checked as it loads.
	 */
	bool lazy;
	bool lazy_only;	/* with lazy: a .mtui that cannot be opened in place is an error */
	/*
	 * memray captures: the threshold of temporary allocations (memray's
	 * --temporary-allocation-threshold; 0: freed before the thread's next
	 * allocation).  formats_load without options applies memray's default, 1.
	 */
	uint32_t temporary_threshold;
	/*
	 * Keep no event log (capture_builder_streamed): for a report that reads
	 * the peak's and the end's figures alone, and no cache that stores it.
	 */
	bool streamed;
};

/*
 * Loads path into *out (owned by the caller, capture_free).  Returns 0 or a
 * negative mt_err with err filled (err->path = path).  A truncated capture
 * loads successfully with meta.truncated set.
 */
int formats_load(const char *path, const struct load_options *opt, struct capture **out,
		 struct mt_error *err);
/* The same over bytes in memory (fuzzing, tests). */
int formats_load_mem(const uint8_t *data, size_t size, const char *name,
		     const struct load_options *opt, struct capture **out, struct mt_error *err);

#endif
