/*
 * input: window management and the three streaming decompressors.
 *
 * The window is view[pos, len): decoded bytes not yet consumed.  A fill moves
 * the unconsumed tail to the front of win and decodes more behind it, so
 * memory is about INPUT_MAX_WINDOW plus one raw block whatever the file size.
 * With a decoding thread, a fill that finds the window empty takes the
 * pipe's head block as the window instead (view points into it), when the
 * block holds what is asked: the bulk of a compressed capture is parsed
 * where it was decoded, and only what straddles two blocks is copied.  A decoder
 * error ends the stream: the bytes decoded before it stay readable, and the
 * error is kept for input_stream_error().
 *
 * A compressed file is decoded on a thread of its own (input_pipe.h), which
 * then owns the decoder's fields; the reader sees the decoder's state only
 * through in->seen, a copy taken with each block it uses up.  Memory input
 * (fuzzing, tests) decodes on the reader's thread and copies the state after
 * each decode.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "input_pipe.h"
#include "xalloc.h"

#define RAW_BLOCK (256u << 10)	/* bytes read from the file at a time */
#define RAW_MAX (8u << 20)	/* the most raw bytes held for one unit (an lz4 block <= 4 MiB) */
#define FIRST_HINT 5		/* a frame start: zstd magic and descriptor (lz4 asks for more) */
#define MIN_DECODE (256u << 10)	/* decoded bytes to aim for per fill */

struct input {
	const char *path;		/* borrowed */
	int fd;				/* -1 for memory input */
	const uint8_t *mem;		/* memory input, or NULL */
	uint64_t file_size;
	uint64_t limit;			/* raw bytes readable (after trimming) */
	enum input_codec codec;

	uint8_t *raw;			/* compressed bytes read but not yet decoded */
	size_t raw_pos, raw_len, raw_cap;
	size_t hint;			/* zstd, lz4: the bytes the decoder wants next (a unit) */
	uint64_t raw_read;		/* raw bytes taken from the file so far */
	bool raw_eof;

	uint8_t *win;
	const uint8_t *view;		/* the window's bytes: win, or a block the pipe lent */
	size_t pos, len, cap;
	uint64_t win_start;		/* stream offset of view[0] */

	bool stream_end;		/* the decoder reached its end marker */
	bool failed;
	struct mt_error stream_err;
	bool warned;			/* a checksum did not match; the data was kept */
	struct mt_error stream_warn;

	ZSTD_DStream *zstd;
	z_stream zlib;
	bool zlib_ready;
	LZ4F_dctx *lz4;

	mt_progress_fn progress;
	void *progress_ctx;
	uint64_t progress_next;
	const atomic_bool *cancel;	/* stop when true; may be NULL */
	bool cancelled;

	struct input_pipe *pipe;	/* the decoding thread, or NULL */
	bool pipe_tried;
	struct stream_status seen;	/* the decoder's state as the reader knows it */
};

const char *input_codec_name(enum input_codec codec)
{
	switch (codec) {
	case CODEC_ZSTD:
		return "zstd";
	case CODEC_GZIP:
		return "gzip";
	case CODEC_LZ4:
		return "lz4";
	default:
		return "plain";
	}
}

static size_t raw_read(struct input *in, uint8_t *dst, size_t n, uint64_t at)
{
	if (at >= in->limit)
		return 0;
	if (n > in->limit - at)
		n = (size_t)(in->limit - at);
	if (in->mem) {
		memcpy(dst, in->mem + at, n);
		return n;
	}
	for (size_t done = 0; done < n;) {
		ssize_t r = pread(in->fd, dst + done, n - done, (off_t)(at + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return done;
		done += (size_t)r;
	}
	return n;
}

static void detect_codec(struct input *in)
{
	uint8_t m[4] = { 0 };
	size_t n = raw_read(in, m, 4, 0);

	in->codec = CODEC_PLAIN;
	if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		in->codec = CODEC_ZSTD;
	else if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
		in->codec = CODEC_GZIP;
	else if (n >= 4 && m[0] == 0x04 && m[1] == 0x22 && m[2] == 0x4d && m[3] == 0x18)
		in->codec = CODEC_LZ4;
}

static void init_codec(struct input *in)
{
	switch (in->codec) {
	case CODEC_ZSTD:
		in->zstd = ZSTD_createDStream();
		if (!in->zstd)
			BUG("ZSTD_createDStream");
		ZSTD_initDStream(in->zstd);
		in->hint = FIRST_HINT;
		break;
	case CODEC_GZIP:
		memset(&in->zlib, 0, sizeof(in->zlib));
		if (inflateInit2(&in->zlib, 15 + 32) != Z_OK)
			BUG("inflateInit2");
		in->zlib_ready = true;
		break;
	case CODEC_LZ4:
		if (LZ4F_isError(LZ4F_createDecompressionContext(&in->lz4, LZ4F_VERSION)))
			BUG("LZ4F_createDecompressionContext");
		in->hint = FIRST_HINT;
		break;
	default:
		break;
	}
	if (in->codec != CODEC_PLAIN) {
		in->raw = xmalloc(RAW_BLOCK);
		in->raw_cap = RAW_BLOCK;
	}
}

static struct input *input_new(const char *path)
{
	struct input *in = xcalloc(1, sizeof(*in));

	in->path = path;
	in->fd = -1;
	in->stream_err.path = path;
	in->stream_err.offset = MT_NO_OFFSET;
	in->stream_warn.path = path;
	in->stream_warn.offset = MT_NO_OFFSET;
	in->seen.err = in->stream_err;
	in->seen.warn = in->stream_warn;
	return in;
}

/* What a file that is not a regular file is, for the error that refuses it. */
static const char *kind_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a pipe (FIFO)";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "not a regular file";
}

static int refuse_kind(struct mt_error *err, mode_t mode)
{
	if (S_ISDIR(mode))
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET,
				    "is a directory, not a capture file");
	return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET,
			    "is %s, not a regular file: save the capture to a file first",
			    kind_name(mode));
}

/*
 * Opens path only if it is a regular file, and never blocks: stat() first, so
 * that a FIFO without a writer is refused before open() could wait for one;
 * O_NONBLOCK for the open itself, and fstat() after it, in case the name was
 * swapped for something else in between.  Returns the fd or a negative mt_err.
 */
static int open_regular(const char *path, struct stat *st, struct mt_error *err)
{
	struct stat before;
	int fd, flags;

	if (stat(path, &before) < 0)
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot open: %s",
				    strerror(errno));
	if (!S_ISREG(before.st_mode))
		return refuse_kind(err, before.st_mode);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot open: %s",
				    strerror(errno));
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return refuse_kind(err, st->st_mode);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

int input_open(struct input **out, const char *path, struct mt_error *err)
{
	struct input *in;
	struct stat st;
	int fd;

	*out = NULL;
	if (err)
		err->path = path;
	fd = open_regular(path, &st, err);
	if (fd < 0)
		return fd;
	in = input_new(path);
	in->fd = fd;
	in->file_size = (uint64_t)st.st_size;
	in->limit = in->file_size;
	detect_codec(in);
	init_codec(in);
	*out = in;
	return 0;
}

int input_open_mem(struct input **out, const uint8_t *data, size_t size, const char *name,
		   struct mt_error *err)
{
	struct input *in = input_new(name);

	(void)err;
	in->mem = data ? data : (const uint8_t *)"";
	in->file_size = size;
	in->limit = size;
	detect_codec(in);
	init_codec(in);
	*out = in;
	return 0;
}

void input_close(struct input *in)
{
	if (!in)
		return;
	input_pipe_stop(in->pipe);
	if (in->fd >= 0)
		close(in->fd);
	if (in->zstd)
		ZSTD_freeDStream(in->zstd);
	if (in->zlib_ready)
		inflateEnd(&in->zlib);
	if (in->lz4)
		LZ4F_freeDecompressionContext(in->lz4);
	free(in->raw);
	free(in->win);
	free(in);
}

enum input_codec input_codec(const struct input *in)
{
	return in->codec;
}

uint64_t input_file_size(const struct input *in)
{
	return in->file_size;
}

const uint8_t *input_ptr(const struct input *in)
{
	return in->view + in->pos;
}

size_t input_avail(const struct input *in)
{
	return in->len - in->pos;
}

void input_consume(struct input *in, size_t n)
{
	if (n > in->len - in->pos)
		BUG("input_consume past the window");
	in->pos += n;
}

uint64_t input_offset(const struct input *in)
{
	return in->win_start + in->pos;
}

/* The decoder's position in the file itself (input_offset is in the decoded stream). */
static uint64_t raw_offset(const struct input *in)
{
	if (in->codec == CODEC_PLAIN)
		return input_offset(in);
	return in->raw_read - (in->raw_len - in->raw_pos);
}

const struct mt_error *input_stream_error(const struct input *in)
{
	return in->seen.failed ? &in->seen.err : NULL;
}

void input_set_progress(struct input *in, mt_progress_fn fn, void *ctx)
{
	in->progress = fn;
	in->progress_ctx = ctx;
}

void input_set_cancel(struct input *in, const atomic_bool *cancel)
{
	in->cancel = cancel;
}

bool input_cancelled(const struct input *in)
{
	return in->cancelled;
}

/* Ends the stream with an error at raw offset at (where the unit that failed starts). */
static void fail_stream(struct input *in, enum mt_err_code code, uint64_t at, const char *what)
{
	if (in->failed)
		return;
	in->failed = true;
	mt_error_set(&in->stream_err, code, at, "%s stream %s", input_codec_name(in->codec), what);
}

const struct mt_error *input_stream_warning(const struct input *in)
{
	return in->seen.warned ? &in->seen.warn : NULL;
}

/*
 * A frame's content checksum did not match what was decoded: the data is
 * kept (it may be intact and only the checksum damaged) and the mismatch
 * remembered for input_stream_warning().  The frame is over: skip its
 * checksum (the unit of n bytes just fed) and get ready for a next frame.
 */
static void checksum_mismatch(struct input *in, uint64_t at, size_t n)
{
	if (!in->warned) {
		in->warned = true;
		mt_error_set(&in->stream_warn, MT_ERR_CORRUPT, at,
			     "%s content checksum at byte %" PRIu64
			     " does not match the decoded data", input_codec_name(in->codec), at);
	}
	in->raw_pos += n;
	in->stream_end = true;
	in->hint = FIRST_HINT;
	if (in->codec == CODEC_ZSTD)
		ZSTD_DCtx_reset(in->zstd, ZSTD_reset_session_only);
	else
		LZ4F_resetDecompressionContext(in->lz4);
}

/*
 * Makes at least need raw bytes available at raw_pos (fewer only at the end
 * of the file or beyond RAW_MAX): the unread tail moves to the front and the
 * buffer grows as needed.  False when no raw byte is left.
 */
static bool ensure_raw(struct input *in, size_t need)
{
	size_t n;

	if (need > RAW_MAX)
		need = RAW_MAX;
	while (in->raw_len - in->raw_pos < need && !in->raw_eof) {
		if (in->raw_pos) {
			memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
			in->raw_len -= in->raw_pos;
			in->raw_pos = 0;
		}
		if (in->raw_cap < need) {
			in->raw = xrealloc_array(in->raw, need, 1);
			in->raw_cap = need;
		}
		n = raw_read(in, in->raw + in->raw_len, in->raw_cap - in->raw_len, in->raw_read);
		in->raw_read += n;
		in->raw_len += n;
		if (n == 0)
			in->raw_eof = true;
	}
	return in->raw_pos < in->raw_len;
}

/* The next unit for zstd and lz4: what the decoder asked for, at most what there is. */
static size_t unit_len(const struct input *in)
{
	size_t avail = in->raw_len - in->raw_pos;

	return in->hint < avail ? in->hint : avail;
}

/*
 * zstd and lz4 are fed one unit (a frame header, a block, a checksum) per
 * call, as their hints ask: an error then lies in the unit just fed, whose
 * raw offset is where it starts, and the data of earlier units is kept (on an
 * error neither library says how much of the call's output it wrote).
 */
static size_t decode_zstd(struct input *in, uint8_t *dst, size_t room, size_t produced)
{
	uint64_t at = raw_offset(in);
	size_t n = unit_len(in);
	ZSTD_inBuffer ib = { in->raw + in->raw_pos, n, 0 };
	ZSTD_outBuffer ob = { dst, room, produced };
	size_t r = ZSTD_decompressStream(in->zstd, &ob, &ib);

	if (ZSTD_isError(r)) {
		if (ZSTD_getErrorCode(r) == ZSTD_error_checksum_wrong)
			checksum_mismatch(in, at, n);
		else
			fail_stream(in, MT_ERR_CORRUPT, at, ZSTD_getErrorName(r));
		return produced;
	}
	in->raw_pos += ib.pos;
	in->stream_end = (r == 0);
	in->hint = r ? r : FIRST_HINT;
	return ob.pos;
}

static size_t decode_lz4(struct input *in, uint8_t *dst, size_t room, size_t produced)
{
	uint64_t at = raw_offset(in);
	size_t out_n = room - produced, in_n = unit_len(in), fed = in_n;
	size_t r = LZ4F_decompress(in->lz4, dst + produced, &out_n, in->raw + in->raw_pos, &in_n,
				   NULL);

	if (LZ4F_isError(r)) {
		if (!strcmp(LZ4F_getErrorName(r), "ERROR_contentChecksum_invalid"))
			checksum_mismatch(in, at, fed);
		else
			fail_stream(in, MT_ERR_CORRUPT, at, LZ4F_getErrorName(r));
		return produced;
	}
	in->raw_pos += in_n;
	in->stream_end = (r == 0);
	in->hint = r ? r : FIRST_HINT;
	return produced + out_n;
}

static size_t decode_gzip(struct input *in, uint8_t *dst, size_t room, size_t produced)
{
	int r;

	in->zlib.next_in = in->raw + in->raw_pos;
	in->zlib.avail_in = (uInt)(in->raw_len - in->raw_pos);
	in->zlib.next_out = dst + produced;
	in->zlib.avail_out = (uInt)(room - produced);
	r = inflate(&in->zlib, Z_NO_FLUSH);
	in->raw_pos = in->raw_len - in->zlib.avail_in;
	produced = room - in->zlib.avail_out;
	if (r == Z_STREAM_END) {
		in->stream_end = true;
		inflateReset(&in->zlib);	/* a further member may follow */
	} else if (r == Z_OK || r == Z_BUF_ERROR) {
		in->stream_end = false;
	} else {
		fail_stream(in, MT_ERR_CORRUPT, raw_offset(in),
			    in->zlib.msg ? in->zlib.msg : "error");
	}
	return produced;
}

static size_t decode_unit(struct input *in, uint8_t *dst, size_t room, size_t produced)
{
	if (in->codec == CODEC_ZSTD)
		return decode_zstd(in, dst, room, produced);
	if (in->codec == CODEC_LZ4)
		return decode_lz4(in, dst, room, produced);
	return decode_gzip(in, dst, room, produced);
}

/*
 * Decodes into dst[0..room); returns bytes produced (0 = nothing more).  At
 * the end of the file the decoder is still called while it has output to
 * flush; a stream that then stops short of its end marker is truncated.
 */
static size_t decode_some(struct input *in, uint8_t *dst, size_t room)
{
	size_t produced = 0;

	while (produced < room && !in->failed) {
		size_t before = produced;
		bool have = ensure_raw(in, in->codec == CODEC_GZIP ? 1 : in->hint);

		if (!have && in->stream_end)
			break;
		produced = decode_unit(in, dst, room, produced);
		if (!have && produced == before && !in->failed) {
			fail_stream(in, MT_ERR_TRUNCATED, raw_offset(in),
				    "ends before its end marker");
			break;
		}
	}
	return produced;
}

static bool cancel_requested(struct input *in)
{
	if (in->cancel && atomic_load(in->cancel))
		in->cancelled = true;
	return in->cancelled;
}

/* The decoder's state, for the reader: err, warn and raw_done as they are now. */
static void take_status(const struct input *in, struct stream_status *st)
{
	st->raw_done = raw_offset(in);
	st->failed = in->failed;
	st->warned = in->warned;
	st->err = in->stream_err;
	st->warn = in->stream_warn;
}

/*
 * The pipe's decoder (on its thread): the fields it touches are the
 * decoder's alone while the pipe runs.  A cancel ends the stream there.
 */
static size_t pipe_decode(void *ctx, uint8_t *dst, size_t room, struct stream_status *st)
{
	struct input *in = ctx;
	size_t got = 0;

	st->cancelled = in->cancel && atomic_load(in->cancel);
	if (!st->cancelled)
		got = decode_some(in, dst, room);
	take_status(in, st);
	return got;
}

/* Decoded bytes for the window: from the pipe, or decoded here. */
static size_t decoded(struct input *in, uint8_t *dst, size_t room)
{
	size_t got;

	if (!in->pipe_tried) {
		in->pipe_tried = true;
		if (!in->mem)
			in->pipe = input_pipe_start(pipe_decode, in);
	}
	if (in->pipe) {
		got = input_pipe_read(in->pipe, dst, room, &in->seen);
		if (in->seen.cancelled)
			in->cancelled = true;
		return got;
	}
	got = decode_some(in, dst, room);
	take_status(in, &in->seen);
	return got;
}

static void report_progress(struct input *in)
{
	uint64_t done = in->codec == CODEC_PLAIN ? input_offset(in) : in->seen.raw_done;

	if (!in->progress || done < in->progress_next)
		return;
	in->progress(in->progress_ctx, done, in->limit);
	in->progress_next = done + (1u << 20);
}

/*
 * A window lent by the pipe (its head block, read in place) goes back: the
 * bytes consumed are skipped in the pipe and the window is empty again.
 */
static void return_lent(struct input *in)
{
	if (in->view == in->win)
		return;
	input_pipe_skip(in->pipe, in->pos, &in->seen);
	in->win_start += in->pos;
	in->pos = in->len = 0;
	in->view = in->win;
}

/*
 * With the window empty, the pipe's head block as the window, when it holds
 * want bytes: the bulk of a compressed capture is read in place, not copied.
 */
static bool borrow_block(struct input *in, size_t want)
{
	const uint8_t *data;
	size_t n;

	if (!in->pipe || in->pos != in->len || cancel_requested(in))
		return false;
	n = input_pipe_peek(in->pipe, &data, &in->seen);
	if (in->seen.cancelled)
		in->cancelled = true;
	if (n < want)
		return false;
	in->win_start += in->pos;
	in->pos = 0;
	in->len = n;
	in->view = data;
	return true;
}

ssize_t input_fill(struct input *in, size_t want, struct mt_error *err)
{
	(void)err;
	if (want > INPUT_MAX_WINDOW)
		want = INPUT_MAX_WINDOW;
	if (in->len - in->pos >= want)
		return (ssize_t)(in->len - in->pos);
	return_lent(in);
	if (borrow_block(in, want)) {
		report_progress(in);
		return (ssize_t)in->len;
	}
	/* Move the unconsumed tail to the front. */
	if (in->pos) {
		memmove(in->win, in->win + in->pos, in->len - in->pos);
		in->win_start += in->pos;
		in->len -= in->pos;
		in->pos = 0;
	}
	while (in->len < want) {
		size_t goal = want > MIN_DECODE ? want : MIN_DECODE;
		size_t got;

		if (cancel_requested(in))
			break;

		if (in->cap < goal) {
			in->win = xrealloc_array(in->win, goal, 1);
			in->view = in->win;
			in->cap = goal;
		}
		if (in->codec == CODEC_PLAIN) {
			got = raw_read(in, in->win + in->len, in->cap - in->len,
				       in->win_start + in->len);
			in->raw_read = in->win_start + in->len + got;
		} else {
			size_t room = in->cap - in->len;

			/* With a pipe, just what is asked: the next fill borrows the block. */
			if (in->pipe && room > want - in->len)
				room = want - in->len;
			got = decoded(in, in->win + in->len, room);
		}
		in->len += got;
		if (!got)
			break;
	}
	report_progress(in);
	return (ssize_t)(in->len - in->pos);
}

/*
 * The end of the file's last stretch of data: holes (a sparse file's
 * unwritten runs, which read as zeros) are skipped with SEEK_DATA/SEEK_HOLE
 * without reading them.  Where the file system cannot tell, the whole file
 * is one stretch.  Checks for a cancel between stretches.
 */
static uint64_t last_data_end(struct input *in)
{
	uint64_t end = 0;
	off_t pos = 0;

	if (in->mem)
		return in->limit;
	while ((uint64_t)pos < in->limit && !cancel_requested(in)) {
		off_t data = lseek(in->fd, pos, SEEK_DATA), hole;

		if (data < 0)
			return errno == ENXIO ? end : in->limit;
		hole = lseek(in->fd, data, SEEK_HOLE);
		if (hole < 0)
			return in->limit;
		end = (uint64_t)hole;
		pos = hole;
	}
	return end < in->limit ? end : in->limit;
}

/*
 * Scans backwards from the end of the last stretch of data for its last
 * nonzero byte, a block at a time, with progress (bytes scanned, counted
 * from the file's end) and a cancel check per block.
 */
static uint64_t last_nonzero_end(struct input *in, uint64_t end)
{
	uint8_t block[64 << 10];

	while (end > 0 && !cancel_requested(in)) {
		size_t n = end > sizeof(block) ? sizeof(block) : (size_t)end;
		size_t i = raw_read(in, block, n, end - n);

		if (i != n)
			break;
		while (i > 0 && block[i - 1] == 0)
			i--;
		if (i > 0)
			return end - n + i;
		end -= n;
		if (in->progress && in->file_size - end >= in->progress_next) {
			in->progress(in->progress_ctx, in->file_size - end, in->file_size);
			in->progress_next = in->file_size - end + (64u << 20);
		}
	}
	return end;
}

uint64_t input_trim_trailing_zeros(struct input *in)
{
	uint64_t end, cut;

	if (in->codec != CODEC_PLAIN)
		return 0;
	end = last_nonzero_end(in, last_data_end(in));
	in->progress_next = 0;
	if (in->cancelled)
		return 0;
	cut = in->limit - end;
	in->limit = end;
	if (in->win_start + in->len > end) {
		uint64_t keep = end > in->win_start ? end - in->win_start : 0;

		in->len = (size_t)keep;
		if (in->pos > in->len)
			in->pos = in->len;
	}
	return cut;
}

void input_drain(struct input *in)
{
	ssize_t n;

	while ((n = input_fill(in, MIN_DECODE, NULL)) > 0)
		input_consume(in, (size_t)n);
}
