/*
 * strtab: FNV-1a over the bytes; an idtable finds a string's id.
 */
#include "strtab.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

size_t strtab_len(const struct strtab *t, uint32_t id)
{
	uint64_t start, end;

	if (id >= t->offsets.len)
		return 0;
	start = *(uint64_t *)vec_at(&t->offsets, id);
	end = id + 1 < t->offsets.len ? *(uint64_t *)vec_at(&t->offsets, id + 1) : t->chars.len;
	return (size_t)(end - start - 1);
}

const char *strtab_get(const struct strtab *t, uint32_t id)
{
	if (id >= t->offsets.len)
		return "";
	return (const char *)vec_at(&t->chars, *(uint64_t *)vec_at(&t->offsets, id));
}

static uint64_t hash_id(const void *ctx, uint32_t id)
{
	const struct strtab *t = ctx;

	return hash_bytes(strtab_get(t, id), strtab_len(t, id));
}

struct str_key {
	const struct strtab *t;
	const char *s;
	size_t len;
};

static bool str_equal(const void *ctx, uint32_t id)
{
	const struct str_key *k = ctx;

	return strtab_len(k->t, id) == k->len && !memcmp(strtab_get(k->t, id), k->s, k->len);
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	struct str_key key = { t, s, len };
	size_t slot = 0;
	uint64_t off;
	uint32_t id;

	idtable_reserve(&t->index, t->offsets.len, 0, hash_id, t);
	id = idtable_find(&t->index, hash_bytes(s, len), str_equal, &key, &slot);
	if (id != IDTABLE_NONE)
		return id;
	if (t->offsets.len >= UINT32_MAX - 1)
		BUG("strtab: more than 2^32 strings");
	id = (uint32_t)t->offsets.len;
	off = t->chars.len;
	vec_push(&t->offsets, &off);
	memcpy(vec_grow(&t->chars, len + 1), s, len);
	idtable_insert(&t->index, slot, id);
	return id;
}

void strtab_init(struct strtab *t)
{
	vec_init(&t->chars, 1);
	vec_init(&t->offsets, sizeof(uint64_t));
	idtable_init(&t->index);
	strtab_intern(t, "", 0);
}

void strtab_release(struct strtab *t)
{
	vec_release(&t->chars);
	vec_release(&t->offsets);
	idtable_release(&t->index);
}
