/*
 * reader: one file format turned into capture_builder calls.
 *
 * Each reader owns every quirk of its format and nothing else.  probe()
 * looks at the first decoded bytes (after decompression) and says whether the
 * format is this one; read() decodes the whole stream in one forward pass.
 *
 * read() returns 0 on success, including a capture cut short (the reader then
 * calls capture_builder_truncated() with the offset of the first byte it could
 * not use), or a negative mt_err with err filled (offset = decoded-stream
 * offset) when nothing sensible can be loaded: bad magic, unsupported version,
 * a header that is damaged.
 */
#ifndef MT_READER_H
#define MT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_builder.h"
#include "error.h"
#include "input.h"
#include "native_resolver.h"

struct reader {
	const char *name;
	bool (*probe)(const uint8_t *buf, size_t n);
	/* res (may be NULL) names native frames for formats that need it. */
	int (*read)(struct input *in, struct capture_builder *b, const struct native_resolver *res,
		    struct mt_error *err);
};

extern const struct reader memray_reader;
extern const struct reader heaptrack_reader;
extern const struct reader mtui_reader;

#endif
