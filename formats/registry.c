/*
 * registry: probe by content, then hand the input to the one reader that
 * accepts it.
 */
#include "registry.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_builder.h"
#include "mtui_map.h"
#include "reader.h"
#include "trace.h"

#define PROBE_BYTES 64

static const struct reader *const readers[] = {
	&memray_reader,
	&heaptrack_reader,
	&mtui_reader,
	&trace_reader,
};

/* "memray, heaptrack, memtui, memtui trace" */
static const char *formats_names(void)
{
	return "memray, heaptrack, memtui, memtui trace";
}

/*
 * After a reader is done: decodes what it left of a compressed stream, so
 * that a frame's content checksum is checked even when the reader stopped at
 * its format's end record, and flags the capture inconsistent when a checksum
 * did not match (its figures kept as decoded) or the stream is damaged past
 * the data the reader used.  A capture the reader cut short is already
 * flagged (truncated_at in decoded bytes): it gets a warning with the file
 * offset of the decode error that cut it.
 */
static void check_rest(struct input *in, struct capture_builder *b)
{
	const struct mt_error *e;

	if (input_codec(in) == CODEC_PLAIN)
		return;
	e = input_stream_error(in);
	if (e && capture_builder_meta(b)->truncated)
		capture_builder_warning(b, "%s at byte %" PRIu64 " of the file", e->msg, e->offset);
	if (capture_builder_meta(b)->truncated)
		return;
	input_drain(in);
	if (input_cancelled(in))
		return;
	e = input_stream_warning(in);
	if (e)
		capture_builder_inconsistent(b, "%s: the data may be damaged", e->msg);
	e = input_stream_error(in);
	if (e)
		capture_builder_inconsistent(b, "%s at byte %" PRIu64 ", past the data read",
					     e->msg, e->offset);
}

/* A capture read from its profiler's own file is its own source. */
static void set_source(struct capture_meta *m, const char *name)
{
	const char *slash = strrchr(name, '/');

	if (m->source.format)
		return;	/* a .mtui names the file it was converted from */
	m->source.format = m->format;
	capture_meta_set_str(&m->source.format_version, m->format_version);
	capture_meta_set_str(&m->source.name, slash ? slash + 1 : name);
	m->source.size = (int64_t)m->file_bytes;
}

static int load_input(struct input *in, const char *name, const struct load_options *opt,
		      bool threaded, struct capture **out, struct mt_error *err)
{
	const struct reader *found = NULL;
	struct capture_builder *b;
	ssize_t n;
	int rc;

	n = input_fill(in, PROBE_BYTES, err);
	if (input_cancelled(in))
		return mt_error_set(err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled");
	if (n <= 0) {
		const struct mt_error *se = input_stream_error(in);

		if (se) {
			*err = *se;
			return -(int)se->code;
		}
		return mt_error_set(err, MT_ERR_FORMAT, 0, "empty file%s",
				    input_codec(in) == CODEC_PLAIN ? "" : " after decompression");
	}
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		if (readers[i]->probe(input_ptr(in), (size_t)n)) {
			found = readers[i];
			break;
		}
	}
	if (!found)
		return mt_error_set(err, MT_ERR_FORMAT, 0,
				    "not a capture memtui can read (%s data; tried %s)",
				    input_codec_name(input_codec(in)), formats_names());
	b = capture_builder_new();
	if (threaded)
		capture_builder_threaded(b);
	if (opt && opt->streamed)
		capture_builder_streamed(b);
	capture_builder_meta(b)->file_bytes = input_file_size(in);
	if (found == &memray_reader)	/* the threshold to apply (capture.h) */
		capture_builder_meta(b)->temporary_threshold = opt ? opt->temporary_threshold : 1;
	rc = found->read(in, b, opt ? opt->resolver : NULL, err);
	if (rc < 0 || input_cancelled(in)) {
		capture_builder_free(b);
		if (input_cancelled(in))
			return mt_error_set(err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled");
		return rc;
	}
	check_rest(in, b);
	set_source(capture_builder_meta(b), name);
	if (input_cancelled(in)) {
		capture_builder_free(b);
		return mt_error_set(err, MT_ERR_CANCELLED, MT_NO_OFFSET, "cancelled");
	}
	*out = capture_builder_finish(b);
	return 0;
}

/*
 * A .mtui opened in place; 1 when it is not one that can be (not a regular
 * file, which is opened without blocking, or not a .mtui), else as
 * formats_load.
 */
static int load_mapped(const char *path, struct capture **out, struct mt_error *err)
{
	uint8_t magic[8];
	struct capture_builder *b;
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc;
	ssize_t n = -1;

	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		n = read(fd, magic, sizeof(magic));
	if (fd >= 0)
		close(fd);
	if (n < (ssize_t)sizeof(magic) || !mtui_reader.probe(magic, (size_t)n))
		return 1;
	b = capture_builder_new();
	rc = mtui_map_open(path, b, err);
	if (rc) {
		capture_builder_free(b);
		return rc;
	}
	*out = capture_builder_finish(b);
	return 0;
}

int formats_load(const char *path, const struct load_options *opt, struct capture **out,
		 struct mt_error *err)
{
	struct input *in;
	int rc;

	*out = NULL;
	err->path = path;
	err->offset = MT_NO_OFFSET;
	if (opt && opt->lazy && (rc = load_mapped(path, out, err)) <= 0) {
		err->path = path;
		return rc;
	}
	if (opt && opt->lazy_only)
		return mt_error_set(err, MT_ERR_CORRUPT, MT_NO_OFFSET,
				    "not a whole .mtui (no valid index, or a section damaged)");
	rc = input_open(&in, path, err);
	if (rc < 0)
		return rc;
	if (opt && opt->progress)
		input_set_progress(in, opt->progress, opt->progress_ctx);
	if (opt && opt->cancel)
		input_set_cancel(in, opt->cancel);
	rc = load_input(in, path, opt, true, out, err);
	err->path = path;
	input_close(in);
	return rc;
}

int formats_load_mem(const uint8_t *data, size_t size, const char *name,
		     const struct load_options *opt, struct capture **out, struct mt_error *err)
{
	struct input *in;
	int rc;

	*out = NULL;
	err->path = name;
	err->offset = MT_NO_OFFSET;
	rc = input_open_mem(&in, data, size, name, err);
	if (rc < 0)
		return rc;
	rc = load_input(in, name, opt, false, out, err);
	err->path = name;
	input_close(in);
	return rc;
}
