/*
 * input: a buffered forward reader over a capture file that may be
 * compressed, tracking absolute offsets.
 *
 * The codec is detected from the first bytes (zstd, gzip, lz4 frame, else
 * plain), never from the file name.  A reader asks for a window of up to
 * INPUT_MAX_WINDOW bytes with input_fill(), parses it in place through
 * input_ptr(), and moves on with input_consume().  Memory is bounded by the
 * window and the decompressor's own state, whatever the file size.
 *
 * Offsets: input_offset() is the position in the decoded stream (what record
 * errors and truncated_at report); a decode error of the compressed stream
 * reports the position in the file itself where the unit the decoder
 * rejected starts (a zstd or lz4 block, a frame header, a checksum).  For
 * plain files the two are equal.
 *
 * Only regular files are opened; a FIFO, socket, device or directory is
 * refused at once, without blocking (docs/formats/containers.md).
 */
#ifndef MT_INPUT_H
#define MT_INPUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "progress.h"

/* The largest window a reader may ask for: a record longer than this is corrupt. */
#define INPUT_MAX_WINDOW (16u << 20)

enum input_codec { CODEC_PLAIN, CODEC_ZSTD, CODEC_GZIP, CODEC_LZ4 };

struct input;

/*
 * Opens path for reading (never for writing).  Fails with MT_ERR_IO (missing,
 * unreadable, not a regular file) without ever blocking.  On success *out
 * must be closed with input_close.
 */
int input_open(struct input **out, const char *path, struct mt_error *err);
/* Same over a memory buffer (not copied; must outlive the input); for fuzzing and tests. */
int input_open_mem(struct input **out, const uint8_t *data, size_t size, const char *name,
		   struct mt_error *err);
void input_close(struct input *in);

enum input_codec input_codec(const struct input *in);
const char *input_codec_name(enum input_codec codec);
uint64_t input_file_size(const struct input *in);

/*
 * Makes at least want bytes (want <= INPUT_MAX_WINDOW) available at the read
 * position, fewer only at the end of the stream.  Returns the number of bytes
 * available (0 at the end), or a negative error (a damaged compressed stream:
 * MT_ERR_TRUNCATED or MT_ERR_CORRUPT with the raw offset).  After a decode
 * error the bytes decoded before it stay available; see input_stream_error().
 */
ssize_t input_fill(struct input *in, size_t want, struct mt_error *err);
/* The bytes available at the read position; valid until the next fill. */
const uint8_t *input_ptr(const struct input *in);
size_t input_avail(const struct input *in);
void input_consume(struct input *in, size_t n);

uint64_t input_offset(const struct input *in);

/*
 * For plain files: makes the stream end after the last nonzero byte (memray
 * pads its files with zeros).  Skips a sparse file's holes without reading
 * them (SEEK_DATA/SEEK_HOLE), then reads the tail of the last data backwards
 * in 64 KiB blocks, reporting progress and checking the cancel flag per
 * block; a cancel leaves the stream untrimmed (and input_cancelled() true).
 * No effect on compressed input.  Returns the number of bytes cut.
 */
uint64_t input_trim_trailing_zeros(struct input *in);

/* The decode error that ended the stream early, or NULL. */
const struct mt_error *input_stream_error(const struct input *in);
/*
 * A content checksum (zstd, lz4 frame) that did not match the decoded data,
 * or NULL.  The data was kept: the stream goes on after the frame.
 */
const struct mt_error *input_stream_warning(const struct input *in);
/*
 * Decodes and drops the rest of the stream, so that the checksums at the end
 * of its frames are checked.  Stops at an error or a cancel.
 */
void input_drain(struct input *in);

void input_set_progress(struct input *in, mt_progress_fn fn, void *ctx);
/*
 * Stops the stream soon after *cancel becomes true (checked whenever the
 * window is refilled): input_fill then reports the end of the stream, and
 * input_cancelled() is true.  The flag is read, never written.
 */
void input_set_cancel(struct input *in, const atomic_bool *cancel);
bool input_cancelled(const struct input *in);

#endif
