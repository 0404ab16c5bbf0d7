/*
 * screen_mem: the headless backend.  Presents nothing; keys come from a
 * list given up front (the replay), then MK_EOF.  A list entry may also
 * resize the grid, as a terminal resize would.
 */
#ifndef MT_SCREEN_MEM_H
#define MT_SCREEN_MEM_H

#include <stdbool.h>
#include <stddef.h>

#include "screen.h"

struct mem_key {
	int key;		/* enum mt_key; MK_RESIZE: resize to w x h */
	int w, h;
};

/* A w x h memory screen that replays keys[0..n) (copied), then reports MK_EOF. */
void screen_mem_init(struct screen *s, int w, int h, bool utf8, const struct mem_key *keys,
		     size_t n);

#endif
