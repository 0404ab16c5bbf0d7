/*
 * memray's allocation records applied on the heap's thread (a streamed
 * file, formats_load) and in line (bytes in memory, formats_load_mem) must
 * make the same capture (formats/memray_heap.h): on every memray sample, on
 * a capture of memraygen's (bench/) of many batches, and on records that stop the
 * thread midway because they could fail on it (a heap sum past 2^62,
 * MUNMAPs past the scan budget), where the failing record must be the same.
 *
 * usage: test_memray_heap SAMPLES_DIR [MEMRAYGEN_CAPTURE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "bytes.h"
#include "registry.h"
#include "same_capture.h"

static const char *samples;
static const char *generated;

static uint8_t *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;

	*n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = realloc(buf, cap);
		}
		size_t got = fread(buf + *n, 1, cap - *n, f);

		if (!got)
			break;
		*n += got;
	}
	fclose(f);
	return buf;
}

static void write_all(const char *path, const uint8_t *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	CHECK(f && fwrite(data, 1, n, f) == n);
	if (f)
		fclose(f);
}

/* Loads path both ways; returns the differences (and the threaded capture in *out). */
static size_t both_ways(const char *path, struct capture **out)
{
	struct capture *streamed = NULL, *in_line = NULL;
	struct mt_error err;
	size_t n, differ = 0;
	uint8_t *data = read_all(path, &n);

	CHECK(data != NULL);
	CHECK(formats_load(path, NULL, &streamed, &err) == 0);
	CHECK(formats_load_mem(data, n, path, NULL, &in_line, &err) == 0);
	if (streamed && in_line)
		differ = captures_differ(streamed, in_line);
	if (differ)
		fprintf(stderr, "%s: %zu differences\n", path, differ);
	capture_free(in_line);
	*out = streamed;
	free(data);
	return differ;
}

TEST(samples_both_ways)
{
	static const char *const names[] = {
		"diff_after.bin", "diff_before.bin", "forking.bin", "forking.bin.21707",
		"leaky.bin", "native_fixture.bin", "stages.bin", "stages_lz4.bin",
		"stages_marked.bin", "stages_truncated.bin", "threads.bin",
	};
	char path[4096];
	size_t marks = 0, n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct capture *cap;

		snprintf(path, sizeof(path), "%s/memray/%s", samples, names[i]);
		CHECK_EQ_I64(both_ways(path, &cap), 0);
		if (cap && capture_stage_marks(cap, &n))
			marks += n;
		capture_free(cap);
	}
	CHECK(marks >= 3);	/* stages_marked.bin's: they went through the thread */
}

TEST(many_batches_both_ways)
{
	struct capture *cap;

	if (!generated)
		return;
	CHECK_EQ_I64(both_ways(generated, &cap), 0);
	CHECK(cap && capture_totals(cap)->events > 4 * 65536);
	capture_free(cap);
}

/* An ALLOCATION record with a pointer-cache miss of delta +1 and allocator id a. */
static size_t put_allocation(uint8_t *p, unsigned a, uint64_t size)
{
	size_t n = 0;

	p[n++] = a <= 7 ? (uint8_t)(0xf8 | a) : 0xf8;
	n += wr_varint(p + n, 2);	/* the svarint +1, zigzag-encoded */
	if (a > 7)
		p[n++] = (uint8_t)a;
	if (a != 1 && a != 5)		/* a FREE has no size */
		n += wr_varint(p + n, size);
	return n;
}

/*
 * stages.bin with the records recs[0..n) before its TRAILER, written to a
 * file and loaded both ways; returns the streamed capture.
 */
static struct capture *with_records(const uint8_t *recs, size_t n_recs, const char *name)
{
	char base[4096], path[4200];
	size_t n, end;
	uint8_t *data, *out;
	struct capture *cap;

	snprintf(base, sizeof(base), "%s/memray/stages.bin", samples);
	data = read_all(base, &n);
	CHECK(data != NULL);
	for (end = n; end && !data[end - 1]; end--)
		;
	CHECK(end && data[end - 1] == 0x01);	/* the TRAILER */
	out = malloc(end + n_recs);
	memcpy(out, data, end - 1);
	memcpy(out + end - 1, recs, n_recs);
	out[end - 1 + n_recs] = 0x01;
	snprintf(path, sizeof(path), "%s/memtui-heap-%ld-%s.bin",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(), name);
	write_all(path, out, end + n_recs);
	CHECK_EQ_I64(both_ways(path, &cap), 0);
	unlink(path);
	free(out);
	free(data);
	return cap;
}

/* Allocations of 2^61 bytes: the third takes the heap past 2^62, on the reader's thread. */
TEST(heap_limit_stops_the_thread)
{
	uint8_t recs[64];
	size_t n = 0;
	struct capture *cap;

	for (int i = 0; i < 3; i++)
		n += put_allocation(recs + n, 6, (uint64_t)1 << 61);
	cap = with_records(recs, n, "heap");
	CHECK(cap && capture_meta(cap)->truncated);
	CHECK(cap && strstr(capture_meta(cap)->truncated_why,
			    "allocation of 2305843009213693952 bytes overflows the heap size"));
	capture_free(cap);
}

/*
 * 16,500 live mappings, then 16,500 MUNMAPs of an unmapped page, each
 * scanning all of them: the scans' bound stops the thread before the
 * budget (2^28) runs out, and the record where it does fails the same way.
 */
TEST(munmap_budget_stops_the_thread)
{
	enum { MAPS = 16500 };
	uint8_t *recs = malloc((size_t)MAPS * 2 * 16);
	size_t n = 0;
	struct capture *cap;

	for (int i = 0; i < MAPS; i++)
		n += put_allocation(recs + n, 14, 8);		/* MMAP */
	for (int i = 0; i < MAPS; i++)
		n += put_allocation(recs + n, 15, 8);		/* MUNMAP: past the last mapping */
	cap = with_records(recs, n, "munmap");
	CHECK(cap && capture_meta(cap)->truncated);
	CHECK(cap && strstr(capture_meta(cap)->truncated_why, "too many overlapping mmaps"));
	capture_free(cap);
	free(recs);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_memray_heap SAMPLES_DIR [MEMRAYGEN_CAPTURE]\n");
		return 2;
	}
	samples = argv[1];
	generated = argc > 2 ? argv[2] : NULL;
	RUN(samples_both_ways);
	RUN(many_batches_both_ways);
	RUN(heap_limit_stops_the_thread);
	RUN(munmap_budget_stops_the_thread);
	return CHECK_DONE();
}
