/*
 * glyphs: the two sets, side by side.  The ASCII bar uses '#' for full cells
 * and one partial step ('=' from half a cell), so proportions still read.
 */
#include "glyphs.h"

static const struct glyphs utf8_set = {
	.bar = { ' ', 0x258f, 0x258e, 0x258d, 0x258c, 0x258b, 0x258a, 0x2589, 0x2588 },
	.open = 0x25be,		/* ▾ */
	.closed = 0x25b8,	/* ▸ */
	.leaf = ' ',
	.ellipsis = 0x2026,	/* … */
	.cursor = 0x2502,	/* │ */
	.peak = 0x25b2,		/* ▲ */
	.vline = 0x2502,
	.hline = 0x2500,
	.shade = 0x2592,	/* ▒ */
	.dot = 0x2022,		/* • */
	.step = 0x203a,		/* › */
	.braille = true,
	.column = { ' ', 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587, 0x2588 },
};

static const struct glyphs ascii_set = {
	.bar = { ' ', ' ', ' ', ' ', '=', '=', '=', '=', '#' },
	.open = 'v',
	.closed = '>',
	.leaf = ' ',
	.ellipsis = '~',
	.cursor = '|',
	.peak = '^',
	.vline = '|',
	.hline = '-',
	.shade = ':',
	.dot = '*',
	.step = '>',
	.braille = false,
	.column = { ' ', ' ', '.', '.', 'o', 'o', 'O', 'O', '#' },
};

const struct glyphs *glyphs_get(bool utf8)
{
	return utf8 ? &utf8_set : &ascii_set;
}
