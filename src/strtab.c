/*
 * strtab: FNV-1a over the bytes, linear probing over ids; load <= 1/2.
 */
#include "strtab.h"

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

static void grow_slots(struct strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	uint32_t *slots = xmalloc(cap * sizeof(*slots));

	memset(slots, 0xff, cap * sizeof(*slots));
	for (uint32_t id = 0; id < t->offsets.len; id++) {
		size_t i = hash_bytes(strtab_get(t, id), strtab_len(t, id)) & (cap - 1);

		while (slots[i] != UINT32_MAX)
			i = (i + 1) & (cap - 1);
		slots[i] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	size_t i;
	uint64_t off;
	uint32_t id;

	if ((t->offsets.len + 1) * 2 > t->cap)
		grow_slots(t);
	for (i = hash_bytes(s, len) & (t->cap - 1); t->slots[i] != UINT32_MAX;
	     i = (i + 1) & (t->cap - 1)) {
		id = t->slots[i];
		if (strtab_len(t, id) == len && !memcmp(strtab_get(t, id), s, len))
			return id;
	}
	if (t->offsets.len >= UINT32_MAX - 1)
		BUG("strtab: more than 2^32 strings");
	id = (uint32_t)t->offsets.len;
	off = t->chars.len;
	vec_push(&t->offsets, &off);
	memcpy(vec_grow(&t->chars, len + 1), s, len);
	t->slots[i] = id;
	return id;
}

void strtab_init(struct strtab *t)
{
	vec_init(&t->chars, 1);
	vec_init(&t->offsets, sizeof(uint64_t));
	t->slots = NULL;
	t->cap = 0;
	strtab_intern(t, "", 0);
}

void strtab_release(struct strtab *t)
{
	vec_release(&t->chars);
	vec_release(&t->offsets);
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
}
