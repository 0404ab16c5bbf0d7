/*
 * screen: the one drawing surface of every view, and the seam between the
 * views and a terminal.
 *
 * A screen is a grid of w x h cells, each a Unicode code point and a style
 * role (what the text is, not how it looks).  Views fill the whole grid on
 * every frame; a backend then presents it: screen_curses.c on a terminal
 * (the only file that knows curses: it maps roles to 256, 8 or no colours),
 * screen_mem.c in memory for the headless replay, which prints the grid as
 * text.  Both present the same grid, so what a test reads is what a user sees.
 *
 * Coordinates: x is the column (0 left), y the row (0 top).  Drawing outside
 * the grid is clipped, never an error.  A character two columns wide takes
 * its cell and the next, which holds SCREEN_WIDE_TAIL.  When the locale is not
 * UTF-8 (LANG=C), every non-ASCII code point is drawn as '?', and views pick
 * ASCII glyphs (glyphs.h) from screen->utf8.
 *
 * Keys come from the backend as memtui's own key codes (keys.h).
 */
#ifndef MT_SCREEN_H
#define MT_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum role {
	ROLE_NORMAL,
	ROLE_HEADER,		/* the capture header at the top */
	ROLE_TITLE,		/* column titles, view titles */
	ROLE_STATUS,		/* the status line at the bottom */
	ROLE_SELECTED,		/* the cursor's row or frame */
	ROLE_MATCH,		/* text matching the search */
	ROLE_BAR,		/* proportional bars, graphs */
	ROLE_WARNING,		/* truncation and other warnings */
	ROLE_GROWTH,		/* diffs: grew */
	ROLE_SHRINK,		/* diffs: shrank */
	ROLE_DIM,		/* secondary text: file:line, module */
	ROLE_FRAME_A,		/* flame graph frames, two alternating shades */
	ROLE_FRAME_B,
	ROLE__COUNT
};

#define SCREEN_WIDE_TAIL 0u	/* code point of the right half of a wide character */

struct cell {
	uint32_t cp;		/* code point; SCREEN_WIDE_TAIL after a wide character */
	uint8_t role;		/* enum role */
};

struct screen;

/* What a backend supplies.  present, read_key, suspend and resume are the only terminal I/O. */
struct screen_backend {
	/* Shows the grid (curses: refresh; memory: nothing). */
	void (*present)(struct screen *s);
	/*
	 * The next key (keys.h), waiting up to timeout_ms (-1: forever); MK_NONE on
	 * timeout, MK_RESIZE after the backend resized the grid, MK_EOF when no
	 * key will ever come (replay done).
	 */
	int (*read_key)(struct screen *s, int timeout_ms);
	/* The next present repaints every cell (Ctrl-L). */
	void (*invalidate)(struct screen *s);
	/* Ends the backend (curses: restores the terminal); s->be_state is freed. */
	void (*end)(struct screen *s);
	/*
	 * Gives the terminal back for a while (curses: the shell's modes, the
	 * normal screen) so that another program can use it (O runs an editor),
	 * and takes it again; after resume the next present repaints every cell.
	 * Memory: nothing to do.
	 */
	void (*suspend)(struct screen *s);
	void (*resume)(struct screen *s);
};

struct screen {
	int w, h;			/* columns, rows */
	struct cell *cells;		/* h rows of w cells */
	bool utf8;			/* non-ASCII code points can be shown */
	int colors;			/* 0, 8 or 256: what the backend renders roles with */
	const struct screen_backend *be;
	void *be_state;			/* the backend's own (owned by it) */
};

/* A grid of w x h blank cells (both at least 1) for backend be. */

void screen_init(struct screen *s, int w, int h, bool utf8, const struct screen_backend *be,
		 void *be_state);
/* Ends the backend and frees the grid. */
void screen_release(struct screen *s);
/* New size; the grid is cleared. */
void screen_resize(struct screen *s, int w, int h);

/* Fills the whole grid with blanks of ROLE_NORMAL. */
void screen_clear(struct screen *s);
/* Sets one cell (clipped); cp should have width 1. */
void screen_put(struct screen *s, int x, int y, uint32_t cp, enum role role);
/* Fills n cells of row y from x with cp. */
void screen_fill(struct screen *s, int x, int y, int n, uint32_t cp, enum role role);
/* A bar of w cells from x, filled in eighths of a cell to |part| / |whole| of its width. */
void screen_bar(struct screen *s, int x, int y, int w, int64_t part, int64_t whole,
		enum role role);
/*
 * Draws UTF-8 text from (x, y) in at most max columns (max < 0: to the right
 * edge).  Control characters and invalid bytes show as "\xNN" per byte
 * (visible.h), a code point the screen cannot show as '?'.  Returns the
 * columns used.
 */
int screen_text(struct screen *s, int x, int y, int max, const char *utf8, enum role role);
/* Same for the first n bytes of utf8. */
int screen_textn(struct screen *s, int x, int y, int max, const char *utf8, size_t n,
		 enum role role);
/* Columns utf8 takes on this screen. */
int screen_text_width(const struct screen *s, const char *utf8);

/*
 * Fitting text into fewer columns without cutting a figure.  A word is a run
 * of non-blank characters; a number is a word that starts with a digit
 * (after an optional sign or parenthesis): "4.86", "1/353", "0x7f12"; a bare
 * number is one of digits, '.' and ',' only, and the word after a bare number
 * is its unit ("4.86 MiB", "5021 allocations").  A cut never falls inside a
 * number or a unit, nor right after a bare number: "leaked 4." or "111 K"
 * cannot come out of these functions.
 *
 * screen_fit writes text into buf (size bytes) as it fits in max columns:
 * whole, or cut at the last allowed place and ended with an ellipsis (the
 * screen's glyph).  Returns the columns of buf; 0 (buf empty) when not even
 * a cut fits.
 */
int screen_fit(const struct screen *s, const char *text, int max, char *buf, size_t size);
/*
 * For text made of fields separated by two or more blanks (a status line):
 * the fields from the left that fit whole in max columns, then, when at
 * least SCREEN_FIT_MIN_CUT columns remain, the next one cut by screen_fit.
 * Returns the columns of buf.
 */
#define SCREEN_FIT_MIN_CUT 8
int screen_fit_fields(const struct screen *s, const char *text, int max, char *buf, size_t size);
/*
 * Bytes of text that make its next row when it is wrapped at max columns:
 * up to the last blank that keeps the row within max, or, for a word wider
 * than max, as much of it as fits.  The caller skips the blanks after it.
 * 0 only for empty text.
 */
size_t screen_wrap_len(const struct screen *s, const char *text, int max);
/* The screen's ellipsis glyph as UTF-8 text (a static string). */
const char *screen_ellipsis(const struct screen *s);
/* Cell at (x, y) (both in range). */
static inline struct cell *screen_cell(struct screen *s, int x, int y)
{
	return &s->cells[(size_t)y * (size_t)s->w + (size_t)x];
}

/* Writes the grid as text, one line per row, trailing blanks cut. */
void screen_write_text(const struct screen *s, FILE *out);

/* Whether the locale's character set is UTF-8 (call after setlocale). */
bool screen_locale_utf8(void);

#endif
