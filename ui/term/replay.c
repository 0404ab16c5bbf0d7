/*
 * replay: parsing key sequences.  Input is UTF-8; an invalid byte is an
 * error rather than a guess, since a test should say what it means.
 */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "screen.h"
#include "visible.h"
#include "xalloc.h"

int replay_parse_size(const char *s, int *w, int *h)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return -1;
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end == s || *end || a < 1 || b < 1 || a > 1000 || b > 1000)
		return -1;
	*w = (int)a;
	*h = (int)b;
	return 0;
}

/* A bracketed name at p (after '<', up to '>'); returns the entry or key MK_NONE. */
static struct mem_key named(const char *name)
{
	struct mem_key k = { MK_NONE, 0, 0 };

	if (!strncmp(name, "resize ", 7) || !strncmp(name, "resize:", 7)) {
		if (replay_parse_size(name + 7, &k.w, &k.h) == 0)
			k.key = MK_RESIZE;
		return k;
	}
	k.key = keys_parse_name(name);
	return k;
}

int replay_parse(const char *keys, struct mem_key **out, size_t *n, struct mt_error *err)
{
	const unsigned char *p = (const unsigned char *)keys;
	size_t len = strlen(keys), cap = len + 1;
	struct mem_key *k = xmalloc(cap * sizeof(*k));
	size_t used = 0;
	int rc = 0;

	while (*p) {
		struct mem_key e = { MK_NONE, 0, 0 };
		size_t step;

		if (*p == '<' && strchr((const char *)p, '>')) {
			const char *close = strchr((const char *)p, '>');
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)(close - (const char *)p - 1),
				 (const char *)p + 1);
			e = named(name);
			if (e.key == MK_NONE) {
				rc = mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET,
						  "unknown key <%s> in the replay keys", name);
				goto fail;
			}
			step = (size_t)(close - (const char *)p) + 1;
		} else {
			uint32_t cp = 0;

			step = vis_utf8((const char *)p, strlen((const char *)p), &cp);
			e.key = (int)cp;
			if (!step) {
				rc = mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET,
						  "invalid UTF-8 in the replay keys");
				goto fail;
			}
			if (e.key == '\n' || e.key == '\r')
				e.key = MK_ENTER;
			else if (e.key == 127)
				e.key = MK_BACKSPACE;
		}
		k[used++] = e;
		p += step;
	}
	*out = k;
	*n = used;
	return 0;
fail:
	free(k);
	*out = NULL;
	*n = 0;
	return rc;
}
