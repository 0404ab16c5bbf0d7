/*
 * test_sha256: src/base/sha256.h against the FIPS 180-4 / NIST example
 * digests, at the padding edges (55, 56, 63, 64 and 65 bytes), and the same
 * digest however a message is split across sha256_update() calls.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "sha256.h"

/* Whether the digest of the n bytes at data, given in pieces of step bytes, is want. */
static bool digest_is(const void *data, size_t n, size_t step, const char *want)
{
	const uint8_t *p = data;
	struct sha256 s;
	uint8_t digest[SHA256_BYTES];
	char hex[SHA256_HEX_SIZE];

	sha256_init(&s);
	for (size_t at = 0; at < n; at += step)
		sha256_update(&s, p + at, n - at < step ? n - at : step);
	sha256_final(&s, digest);
	sha256_hex(digest, hex);
	if (strcmp(hex, want)) {
		fprintf(stderr, "%zu bytes in pieces of %zu: got %s, want %s\n", n, step, hex,
			want);
		return false;
	}
	return true;
}

static bool one_shot_is(const char *text, const char *want)
{
	size_t n = strlen(text);

	return digest_is(text, n, n ? n : 1, want);
}

TEST(nist_vectors)
{
	CHECK(one_shot_is("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(one_shot_is("abc",
			  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	/* 448 bits: the padding needs a second block. */
	CHECK(one_shot_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	/* 896 bits. */
	CHECK(one_shot_is("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
			  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));
}

TEST(million_a)
{
	const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	size_t n = 1000000;
	char *a = malloc(n);

	CHECK(a != NULL);
	if (!a)
		return;
	memset(a, 'a', n);
	CHECK(digest_is(a, n, n, want));
	/* Pieces that start at every offset of a block, and single bytes. */
	CHECK(digest_is(a, n, 997, want));
	CHECK(digest_is(a, n, 1, want));
	free(a);
}

/* 'a' repeated: the last length that pads in one block, the first that needs two, ... */
TEST(padding_edges)
{
	static const struct {
		size_t n;
		const char *want;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
	};
	char a[65];

	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(digest_is(a, cases[i].n, cases[i].n, cases[i].want));
		CHECK(digest_is(a, cases[i].n, 1, cases[i].want));
	}
}

/* A 200-byte message cut in two at every offset 0..200: the one-shot digest. */
TEST(split_updates)
{
	const char *want = "44cae5223d431caed4a9e32271d6abf17c3f2f4abac45fcdb48a99fcc6072a09";
	uint8_t msg[200], one[SHA256_BYTES];
	struct sha256 s;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 31 + 7);
	CHECK(digest_is(msg, sizeof(msg), sizeof(msg), want));
	sha256_init(&s);
	sha256_update(&s, msg, sizeof(msg));
	sha256_final(&s, one);
	for (size_t cut = 0; cut <= sizeof(msg); cut++) {
		uint8_t two[SHA256_BYTES];

		sha256_init(&s);
		sha256_update(&s, msg, cut);
		sha256_update(&s, NULL, 0);
		sha256_update(&s, msg + cut, sizeof(msg) - cut);
		sha256_final(&s, two);
		if (memcmp(one, two, sizeof(one)))
			fprintf(stderr, "cut at %zu: another digest\n", cut);
		CHECK(!memcmp(one, two, sizeof(one)));
	}
}

/* A state used again after sha256_init() forgets what it hashed before. */
TEST(reuse)
{
	struct sha256 s;
	uint8_t digest[SHA256_BYTES];
	char hex[SHA256_HEX_SIZE];

	sha256_init(&s);
	sha256_update(&s, "something else", 14);
	sha256_final(&s, digest);
	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, digest);
	sha256_hex(digest, hex);
	CHECK(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK_EQ_I64(strlen(hex), 64);
}

int main(void)
{
	RUN(nist_vectors);
	RUN(million_a);
	RUN(padding_edges);
	RUN(split_updates);
	RUN(reuse);
	return CHECK_DONE();
}
