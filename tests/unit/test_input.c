/*
 * The input window over a compressed file, which a decoding thread feeds
 * (input_pipe.h): whether the reader's window is a copy or a block the pipe
 * lends in place, it must give every decoded byte once, in order, at the
 * right offset, whatever the reader asks for.  A stream of lines (some
 * longer than a pipe block) is compressed with zstd and lz4 into temporary
 * files, then read back with asks and consumes drawn at random: small ones,
 * lines as a line reader takes them, and windows larger than a block.  A
 * file cut inside a compressed block gives a prefix of the data, then the
 * stream's error.
 */
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "../check.h"
#include "input.h"

#define DATA_BYTES (9u << 20)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Lines of 1 to 40 bytes, and now and then one of 1.5 MiB (longer than a block). */
static uint8_t *make_lines(size_t n)
{
	uint8_t *d = malloc(n);
	size_t i = 0;

	while (i < n) {
		size_t len = next_rand() % 997 == 0 ? (3u << 19) : 1 + next_rand() % 40;

		for (size_t k = 0; k < len && i < n; k++)
			d[i++] = k + 1 == len ? '\n' : (uint8_t)('a' + next_rand() % 26);
	}
	return d;
}

static char *write_temp(const void *data, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = malloc(4096);
	int fd;

	snprintf(path, 4096, "%s/memtui-test-input-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, data, n) == (ssize_t)n);
	close(fd);
	return path;
}

/*
 * Reads path to the end, asking and consuming at random; checks every byte
 * against want[0, n) and returns how many bytes came (less than n when the
 * stream ended early).
 */
static size_t read_all(const char *path, const uint8_t *want, size_t n)
{
	struct input *in = NULL;
	struct mt_error err = { 0 };
	size_t seen = 0;
	ssize_t got;

	CHECK_EQ_I64(input_open(&in, path, &err), 0);
	if (!in)
		return 0;
	for (;;) {
		uint64_t r = next_rand();
		size_t ask = r % 8 == 0 ? (1u << 20) + r % (3u << 20) : 1 + (r >> 8) % 70000;
		size_t take;

		got = input_fill(in, ask, &err);
		if (got <= 0)
			break;
		CHECK_EQ_I64(input_offset(in), seen);
		CHECK_EQ_I64(input_avail(in), got);
		if ((size_t)got > n - seen || memcmp(input_ptr(in), want + seen, (size_t)got)) {
			CHECK(!"the window's bytes differ from the data");
			break;
		}
		/* Whole lines, as the heaptrack reader consumes, or an arbitrary count. */
		if (r % 3) {
			const uint8_t *nl = memchr(input_ptr(in), '\n', (size_t)got);

			take = nl ? (size_t)(nl - input_ptr(in)) + 1 : (size_t)got;
		} else {
			take = 1 + (r >> 20) % (size_t)got;
		}
		input_consume(in, take);
		seen += take;
	}
	CHECK(got >= 0);
	input_close(in);
	return seen;
}

static void *zstd_of(const uint8_t *d, size_t n, size_t *out)
{
	size_t cap = ZSTD_compressBound(n);
	void *z = malloc(cap);

	*out = ZSTD_compress(z, cap, d, n, 1);
	CHECK(!ZSTD_isError(*out));
	return z;
}

static void *lz4_of(const uint8_t *d, size_t n, size_t *out)
{
	size_t cap = LZ4F_compressFrameBound(n, NULL);
	void *z = malloc(cap);

	*out = LZ4F_compressFrame(z, cap, d, n, NULL);
	CHECK(!LZ4F_isError(*out));
	return z;
}

TEST(every_byte_once)
{
	uint8_t *d = make_lines(DATA_BYTES);

	for (int codec = 0; codec < 2; codec++) {
		size_t zn;
		void *z = codec ? lz4_of(d, DATA_BYTES, &zn) : zstd_of(d, DATA_BYTES, &zn);
		char *path = write_temp(z, zn);

		for (int round = 0; round < 3; round++)
			CHECK_EQ_I64(read_all(path, d, DATA_BYTES), DATA_BYTES);
		unlink(path);
		free(path);
		free(z);
	}
	free(d);
}

TEST(cut_file_gives_a_prefix_then_the_error)
{
	uint8_t *d = make_lines(DATA_BYTES);
	size_t zn;
	void *z = zstd_of(d, DATA_BYTES, &zn);
	char *path = write_temp(z, zn * 2 / 3);
	struct input *in = NULL;
	struct mt_error err = { 0 };
	size_t seen = read_all(path, d, DATA_BYTES);

	CHECK(seen > 0 && seen < DATA_BYTES);
	CHECK_EQ_I64(input_open(&in, path, &err), 0);
	while (in && input_fill(in, 1u << 16, &err) > 0)
		input_consume(in, input_avail(in));
	CHECK(in && input_stream_error(in) != NULL);
	input_close(in);
	unlink(path);
	free(path);
	free(z);
	free(d);
}

int main(void)
{
	RUN(every_byte_once);
	RUN(cut_file_gives_a_prefix_then_the_error);
	return CHECK_DONE();
}
