/*
 * strtab: interned byte strings, each identified by a uint32_t id.
 *
 * Id 0 is always the empty string.  Equal strings get equal ids, so callers
 * compare names by id.  Strings are stored NUL-terminated; bytes are kept as
 * given (not validated as UTF-8: that is the output layer's job).
 */
#ifndef MT_STRTAB_H
#define MT_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "idtable.h"
#include "vec.h"

struct strtab {
	struct vec chars;	/* char: all strings, each followed by NUL */
	struct vec offsets;	/* uint64_t: start of string id in chars */
	struct idtable index;	/* ids by content */
};

void strtab_init(struct strtab *t);
void strtab_release(struct strtab *t);
/* Interns s[0..len) and returns its id. */
uint32_t strtab_intern(struct strtab *t, const char *s, size_t len);
/* The string of id (valid until the next intern); "" for an unknown id. */
const char *strtab_get(const struct strtab *t, uint32_t id);
/* Same as strtab_get but with its length. */
size_t strtab_len(const struct strtab *t, uint32_t id);
static inline uint32_t strtab_count(const struct strtab *t)
{
	return (uint32_t)t->offsets.len;
}

#endif
