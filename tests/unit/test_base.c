/*
 * Unit tests of the base layer: varint and bounded reads, the hashmap under
 * churn (against a plain array), string interning, error formatting.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "bytes.h"
#include "error.h"
#include "hashmap.h"
#include "strtab.h"
#include "vec.h"
#include "xalloc.h"

TEST(varint_roundtrip)
{
	uint64_t vals[] = { 0, 1, 127, 128, 300, 1ULL << 32, UINT64_MAX };

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		uint8_t buf[10];
		size_t n = wr_varint(buf, vals[i]);
		struct rd r = { buf, buf + n };
		uint64_t v = 0;

		CHECK(rd_varint(&r, &v));
		CHECK(v == vals[i]);
		CHECK(r.p == buf + n);
		/* One byte short never reads. */
		r.p = buf;
		r.end = buf + n - 1;
		CHECK(!rd_varint(&r, &v));
		CHECK(r.p == buf);
	}
}

TEST(varint_overlong)
{
	uint8_t buf[11];
	struct rd r = { buf, buf + sizeof(buf) };
	uint64_t v;

	memset(buf, 0xff, sizeof(buf));
	CHECK(!rd_varint(&r, &v));
	buf[9] = 0x02;	/* bit 64 set: overflow */
	r.p = buf;
	r.end = buf + 10;
	CHECK(!rd_varint(&r, &v));
}

TEST(zigzag)
{
	int64_t vals[] = { 0, -1, 1, -64, 63, INT64_MIN, INT64_MAX };

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		CHECK(zigzag_decode(zigzag_encode(vals[i])) == vals[i]);
	CHECK(zigzag_encode(-1) == 1);
	CHECK(zigzag_encode(1) == 2);
}

TEST(le_reads)
{
	const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct rd r = { b, b + 8 };
	uint64_t v64 = 0;
	uint32_t v32 = 0;

	CHECK(rd_le64(&r, &v64));
	CHECK(v64 == 0x0807060504030201ULL);
	r.p = b + 5;
	CHECK(!rd_le32(&r, &v32));
	CHECK(r.p == b + 5);
}

TEST(hashmap_churn)
{
	struct hashmap m;
	enum { N = 20000 };
	uint32_t *ref = calloc(N, sizeof(*ref));

	hashmap_init(&m);
	srand(1);
	for (int round = 0; round < 200000; round++) {
		uint64_t k = (uint64_t)(rand() % N);
		int op = rand() % 3;

		if (op < 2) {
			uint32_t v = (uint32_t)round;
			uint32_t old = hashmap_put(&m, k * 8 + 0x7f0000000000ULL, v);

			CHECK(old == (ref[k] ? ref[k] - 1 : HASHMAP_NONE));
			ref[k] = v + 1;
		} else {
			uint32_t old = hashmap_remove(&m, k * 8 + 0x7f0000000000ULL);

			CHECK(old == (ref[k] ? ref[k] - 1 : HASHMAP_NONE));
			ref[k] = 0;
		}
	}
	size_t live = 0;
	for (uint64_t k = 0; k < N; k++) {
		uint32_t v = hashmap_get(&m, k * 8 + 0x7f0000000000ULL);

		CHECK(v == (ref[k] ? ref[k] - 1 : HASHMAP_NONE));
		live += ref[k] != 0;
	}
	CHECK(live == m.len);
	hashmap_release(&m);
	free(ref);
}

TEST(strtab_interns)
{
	struct strtab t;
	uint32_t a, b, c;

	strtab_init(&t);
	CHECK(strtab_intern(&t, "", 0) == 0);
	a = strtab_intern(&t, "main", 4);
	b = strtab_intern(&t, "main2", 4);	/* same 4 bytes */
	c = strtab_intern(&t, "x\0y", 3);	/* embedded NUL kept by length */
	CHECK(a == b);
	CHECK(a != c);
	CHECK(!strcmp(strtab_get(&t, a), "main"));
	CHECK(strtab_len(&t, c) == 3);
	for (int i = 0; i < 5000; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "f%d", i);

		CHECK(strtab_intern(&t, buf, (size_t)n) == strtab_intern(&t, buf, (size_t)n));
	}
	CHECK(strtab_intern(&t, "main", 4) == a);
	CHECK(!strcmp(strtab_get(&t, 999999), ""));
	strtab_release(&t);
}

/* Grown arrays keep their elements and get zeros after them, from NULL too. */
TEST(realloc_zeroed)
{
	int64_t *a = xrealloc_zeroed(NULL, 0, 3, sizeof(*a));

	CHECK(a[0] == 0 && a[1] == 0 && a[2] == 0);
	a[0] = 7;
	a[2] = -1;
	a = xrealloc_zeroed(a, 3, 100000, sizeof(*a));
	CHECK(a[0] == 7 && a[1] == 0 && a[2] == -1);
	for (size_t i = 3; i < 100000; i++)
		CHECK(a[i] == 0);
	free(a);
}

/* A table big enough to be offered huge pages comes zeroed all the same. */
TEST(table_zeroed)
{
	size_t n = (8u << 20) / sizeof(uint64_t) + 3;
	uint64_t *t = xtable(n, sizeof(*t)), sum = 0;

	for (size_t i = 0; i < n; i++)
		sum |= t[i];
	CHECK(sum == 0);
	t[n - 1] = 1;
	free(t);
}

/* Growing by "none" sets the new ids only, past a growth of the allocation. */
TEST(vec_grow_set_none)
{
	struct vec v;
	uint32_t *a;

	vec_init(&v, sizeof(uint32_t));
	*(uint32_t *)vec_grow(&v, 1) = 7;
	vec_grow_set(&v, 1000, 0xff);
	a = v.data;
	CHECK(v.len == 1001 && a[0] == 7 && a[1] == UINT32_MAX && a[1000] == UINT32_MAX);
	vec_release(&v);
}

TEST(error_format)
{
	struct mt_error e = { 0 };
	char buf[256];

	e.path = "x.bin";
	CHECK(mt_error_set(&e, MT_ERR_TRUNCATED, 15043, "truncated record") == -MT_ERR_TRUNCATED);
	mt_error_format(&e, buf, sizeof(buf));
	CHECK(!strcmp(buf, "x.bin: truncated record (at byte 15043)"));
	mt_error_set(&e, MT_ERR_IO, MT_NO_OFFSET, "cannot open");
	mt_error_format(&e, buf, sizeof(buf));
	CHECK(!strcmp(buf, "x.bin: cannot open"));
}

int main(void)
{
	RUN(varint_roundtrip);
	RUN(varint_overlong);
	RUN(zigzag);
	RUN(le_reads);
	RUN(hashmap_churn);
	RUN(strtab_interns);
	RUN(realloc_zeroed);
	RUN(table_zeroed);
	RUN(vec_grow_set_none);
	RUN(error_format);
	return CHECK_DONE();
}
