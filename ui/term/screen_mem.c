/*
 * screen_mem: a screen in memory, for the replay mode, tests and benches.
 * The grid is the frame; screen_write_text() prints it.
 */
#include "screen_mem.h"

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "xalloc.h"

struct mem_state {
	struct mem_key *keys;	/* owned copy */
	size_t n, next;		/* entries, index of the next one */
};

static void mem_present(struct screen *s)
{
	(void)s;
}

static int mem_read_key(struct screen *s, int timeout_ms)
{
	struct mem_state *m = s->be_state;
	const struct mem_key *k;

	(void)timeout_ms;
	if (m->next >= m->n)
		return MK_EOF;
	k = &m->keys[m->next++];
	if (k->key == MK_RESIZE)
		screen_resize(s, k->w, k->h);
	return k->key;
}

static void mem_invalidate(struct screen *s)
{
	(void)s;
}

static void mem_end(struct screen *s)
{
	struct mem_state *m = s->be_state;

	free(m->keys);
	free(m);
	s->be_state = NULL;
}

/* The replay has no terminal to give back: a program run meanwhile (O) gets stdio as is. */
static void mem_suspend(struct screen *s)
{
	(void)s;
}

static void mem_resume(struct screen *s)
{
	(void)s;
}

static const struct screen_backend mem_backend = {
	mem_present,
	mem_read_key,
	mem_invalidate,
	mem_end,
	mem_suspend,
	mem_resume,
};

void screen_mem_init(struct screen *s, int w, int h, bool utf8, const struct mem_key *keys,
		     size_t n)
{
	struct mem_state *m = xcalloc(1, sizeof(*m));

	m->keys = xmalloc((n ? n : 1) * sizeof(*keys));
	if (n)
		memcpy(m->keys, keys, n * sizeof(*keys));
	m->n = n;
	screen_init(s, w, h, utf8, &mem_backend, m);
}
