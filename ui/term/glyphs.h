/*
 * glyphs: the characters views draw with, in a UTF-8 set and an ASCII set
 * (LANG=C, or any terminal without UTF-8).  A view asks once per frame for
 * the set that fits its screen and never writes a non-ASCII literal itself.
 */
#ifndef MT_GLYPHS_H
#define MT_GLYPHS_H

#include <stdbool.h>
#include <stdint.h>

struct glyphs {
	uint32_t bar[9];	/* bar cells filled 0/8 .. 8/8 */
	uint32_t open;		/* an expanded node */
	uint32_t closed;	/* a collapsed node with children */
	uint32_t leaf;		/* a node without children */
	uint32_t ellipsis;	/* text cut here */
	uint32_t cursor;	/* a time cursor */
	uint32_t peak;		/* the peak's mark */
	uint32_t vline, hline;
	uint32_t shade;		/* a block too narrow for a label */
	uint32_t dot;		/* a point of a line graph (RSS) */
	uint32_t step;		/* between the levels of a breadcrumb */
	bool braille;		/* graphs may use U+2800 braille dots */
	uint32_t column[9];	/* graph cells filled 0/8 .. 8/8 from the bottom */
};

/* The UTF-8 set, or the ASCII one. */
const struct glyphs *glyphs_get(bool utf8);

#endif
