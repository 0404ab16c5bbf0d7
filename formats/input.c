/*
 * input: window management and the three streaming decompressors.
 *
 * The window is win[pos, len): decoded bytes not yet consumed.  A fill moves
 * the unconsumed tail to the front and decodes more behind it, so memory is
 * about INPUT_MAX_WINDOW plus one raw block whatever the file size.  A decoder
 * error ends the stream: the bytes decoded before it stay readable, and the
 * error is kept for input_stream_error().
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "xalloc.h"

#define RAW_BLOCK (256u << 10)	/* bytes read from the file at a time */
#define MIN_DECODE (256u << 10)	/* decoded bytes to aim for per fill */

struct input {
	const char *path;		/* borrowed */
	int fd;				/* -1 for memory input */
	const uint8_t *mem;		/* memory input, or NULL */
	uint64_t file_size;
	uint64_t limit;			/* raw bytes readable (after trimming) */
	enum input_codec codec;

	uint8_t *raw;			/* compressed bytes read but not yet decoded */
	size_t raw_pos, raw_len;
	uint64_t raw_read;		/* raw bytes taken from the file so far */
	bool raw_eof;

	uint8_t *win;
	size_t pos, len, cap;
	uint64_t win_start;		/* stream offset of win[0] */

	bool stream_end;		/* the decoder reached its end marker */
	bool failed;
	struct mt_error stream_err;

	ZSTD_DStream *zstd;
	z_stream zlib;
	bool zlib_ready;
	LZ4F_dctx *lz4;

	mt_progress_fn progress;
	void *progress_ctx;
	uint64_t progress_next;
	const atomic_bool *cancel;	/* stop when true; may be NULL */
	bool cancelled;
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
		break;
	default:
		break;
	}
	if (in->codec != CODEC_PLAIN)
		in->raw = xmalloc(RAW_BLOCK);
}

static struct input *input_new(const char *path)
{
	struct input *in = xcalloc(1, sizeof(*in));

	in->path = path;
	in->fd = -1;
	in->stream_err.path = path;
	in->stream_err.offset = MT_NO_OFFSET;
	return in;
}

int input_open(struct input **out, const char *path, struct mt_error *err)
{
	struct input *in;
	struct stat st;
	int fd;

	*out = NULL;
	if (err)
		err->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot open: %s",
				    strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot stat: %s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET,
				    "is a directory, not a capture file");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "not a regular file");
	}
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
	return in->win + in->pos;
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

/* The position in the file itself (input_offset is in the decoded stream). */
static uint64_t raw_offset(const struct input *in)
{
	if (in->codec == CODEC_PLAIN)
		return input_offset(in);
	return in->raw_read - (in->raw_len - in->raw_pos);
}

const struct mt_error *input_stream_error(const struct input *in)
{
	return in->failed ? &in->stream_err : NULL;
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

static void fail_stream(struct input *in, enum mt_err_code code, const char *what)
{
	if (in->failed)
		return;
	in->failed = true;
	mt_error_set(&in->stream_err, code, raw_offset(in), "%s stream %s",
		     input_codec_name(in->codec), what);
}

/* Refills the raw buffer if it is empty; false at the end of the file. */
static bool refill_raw(struct input *in)
{
	size_t n;

	if (in->raw_pos < in->raw_len)
		return true;
	if (in->raw_eof)
		return false;
	n = raw_read(in, in->raw, RAW_BLOCK, in->raw_read);
	in->raw_read += n;
	in->raw_pos = 0;
	in->raw_len = n;
	if (n == 0)
		in->raw_eof = true;
	return n > 0;
}

/* Decodes into dst[0..room); returns bytes produced (0 = nothing more). */
static size_t decode_some(struct input *in, uint8_t *dst, size_t room)
{
	size_t produced = 0;

	while (produced < room && !in->failed) {
		if (!refill_raw(in)) {
			if (!in->stream_end && in->raw_read > 0)
				fail_stream(in, MT_ERR_TRUNCATED, "ends before its end marker");
			break;
		}
		if (in->codec == CODEC_ZSTD) {
			ZSTD_inBuffer ib = { in->raw, in->raw_len, in->raw_pos };
			ZSTD_outBuffer ob = { dst, room, produced };
			size_t r = ZSTD_decompressStream(in->zstd, &ob, &ib);

			in->raw_pos = ib.pos;
			produced = ob.pos;
			if (ZSTD_isError(r)) {
				fail_stream(in, MT_ERR_CORRUPT, ZSTD_getErrorName(r));
				break;
			}
			in->stream_end = (r == 0);
		} else if (in->codec == CODEC_GZIP) {
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
				fail_stream(in, MT_ERR_CORRUPT,
					    in->zlib.msg ? in->zlib.msg : "error");
				break;
			}
		} else {
			size_t out_n = room - produced, in_n = in->raw_len - in->raw_pos;
			size_t r = LZ4F_decompress(in->lz4, dst + produced, &out_n,
						   in->raw + in->raw_pos, &in_n, NULL);

			in->raw_pos += in_n;
			produced += out_n;
			if (LZ4F_isError(r)) {
				fail_stream(in, MT_ERR_CORRUPT, LZ4F_getErrorName(r));
				break;
			}
			in->stream_end = (r == 0);
		}
	}
	return produced;
}

static void report_progress(struct input *in)
{
	uint64_t done = raw_offset(in);

	if (!in->progress || done < in->progress_next)
		return;
	in->progress(in->progress_ctx, done, in->file_size);
	in->progress_next = done + (1u << 20);
}

ssize_t input_fill(struct input *in, size_t want, struct mt_error *err)
{
	(void)err;
	if (want > INPUT_MAX_WINDOW)
		want = INPUT_MAX_WINDOW;
	if (in->len - in->pos >= want)
		return (ssize_t)(in->len - in->pos);
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

		if (in->cancel && atomic_load(in->cancel)) {
			in->cancelled = true;
			break;
		}

		if (in->cap < goal) {
			in->win = xrealloc_array(in->win, goal, 1);
			in->cap = goal;
		}
		if (in->codec == CODEC_PLAIN) {
			got = raw_read(in, in->win + in->len, in->cap - in->len,
				       in->win_start + in->len);
			in->raw_read = in->win_start + in->len + got;
		} else {
			got = decode_some(in, in->win + in->len, in->cap - in->len);
		}
		in->len += got;
		if (!got)
			break;
	}
	report_progress(in);
	return (ssize_t)(in->len - in->pos);
}

uint64_t input_trim_trailing_zeros(struct input *in)
{
	uint8_t block[64 << 10];
	uint64_t end = in->limit, cut;

	if (in->codec != CODEC_PLAIN)
		return 0;
	while (end > 0) {
		size_t n = end > sizeof(block) ? sizeof(block) : (size_t)end;
		size_t got = raw_read(in, block, n, end - n);
		size_t i = got;

		if (got != n)
			break;
		while (i > 0 && block[i - 1] == 0)
			i--;
		if (i > 0) {
			end = end - n + i;
			break;
		}
		end -= n;
	}
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
