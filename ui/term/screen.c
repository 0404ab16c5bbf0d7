/*
 * screen: the cell grid and text drawing into it.
 *
 * Text is decoded from UTF-8 here, once, for every backend: each code point
 * takes wcwidth() columns (1 or 2; 0-width and non-printable ones become
 * '?', so a name can never shift the columns after it).  Control characters
 * and invalid UTF-8 are drawn as the reports write them, "\x1b" per byte
 * (visible.h), four columns each, so the terminal never receives them and
 * the user sees what the capture holds.  Without a UTF-8 locale only ASCII
 * is drawn as itself.
 */
#include "screen.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "glyphs.h"
#include "visible.h"
#include "xalloc.h"

void screen_init(struct screen *s, int w, int h, bool utf8, const struct screen_backend *be,
		 void *be_state)
{
	memset(s, 0, sizeof(*s));
	s->utf8 = utf8;
	s->be = be;
	s->be_state = be_state;
	screen_resize(s, w, h);
}

void screen_release(struct screen *s)
{
	if (s->be && s->be->end)
		s->be->end(s);
	free(s->cells);
	memset(s, 0, sizeof(*s));
}

void screen_resize(struct screen *s, int w, int h)
{
	s->w = w < 1 ? 1 : w;
	s->h = h < 1 ? 1 : h;
	free(s->cells);
	s->cells = xcalloc((size_t)s->w * (size_t)s->h, sizeof(*s->cells));
	screen_clear(s);
}

void screen_clear(struct screen *s)
{
	size_t n = (size_t)s->w * (size_t)s->h;

	for (size_t i = 0; i < n; i++) {
		s->cells[i].cp = ' ';
		s->cells[i].role = ROLE_NORMAL;
	}
}

void screen_put(struct screen *s, int x, int y, uint32_t cp, enum role role)
{
	struct cell *c;

	if (x < 0 || y < 0 || x >= s->w || y >= s->h)
		return;
	c = screen_cell(s, x, y);
	c->cp = cp;
	c->role = (uint8_t)role;
}

void screen_fill(struct screen *s, int x, int y, int n, uint32_t cp, enum role role)
{
	for (int i = 0; i < n; i++)
		screen_put(s, x + i, y, cp, role);
}

void screen_bar(struct screen *s, int x, int y, int w, int64_t part, int64_t whole,
		enum role role)
{
	const struct glyphs *g = glyphs_get(s->utf8);
	int64_t eighths;

	if (!whole || w <= 0)
		return;
	eighths = (int64_t)((double)llabs(part) / (double)llabs(whole) * w * 8 + 0.5);
	if (eighths > (int64_t)w * 8)
		eighths = (int64_t)w * 8;
	for (int i = 0; i < w; i++) {
		int64_t fill = eighths - (int64_t)i * 8;

		screen_put(s, x + i, y, g->bar[fill >= 8 ? 8 : fill <= 0 ? 0 : fill], role);
	}
}

#define UNIT_ESCAPED UINT32_MAX	/* a unit shown as "\xNN" per byte (visible.h) */

/* Columns cp takes (1 or 2), replacing what cannot be shown by '?'. */
static int cp_width(const struct screen *s, uint32_t *cp)
{
	int w;

	if (*cp < 0x80)
		return 1;
	if (!s->utf8) {
		*cp = '?';
		return 1;
	}
	w = wcwidth((wchar_t)*cp);
	if (w < 1 || w > 2) {
		*cp = '?';
		return 1;
	}
	return w;
}

/*
 * One unit of text to show (n > 0 bytes left): its bytes, its code point into
 * *cp and its columns into *w.  Control characters and invalid UTF-8 are
 * UNIT_ESCAPED, as the reports show them (visible.h); a printable code point
 * the screen cannot show is '?'.
 */
static size_t text_unit(const struct screen *s, const unsigned char *p, size_t n, uint32_t *cp,
			int *w)
{
	bool escaped;
	size_t len = vis_next((const char *)p, n, &escaped);

	if (escaped) {
		*cp = UNIT_ESCAPED;
		*w = (int)len * VIS_BYTE_COLS;
		return len;
	}
	*cp = '?';
	vis_utf8((const char *)p, len, cp);
	*w = cp_width(s, cp);
	return len;
}

/* Draws the escaped unit p (len bytes) from (x, y) as "\xNN" per byte. */
static void put_escaped(struct screen *s, int x, int y, const unsigned char *p, size_t len,
			enum role role)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++, x += VIS_BYTE_COLS) {
		screen_put(s, x, y, '\\', role);
		screen_put(s, x + 1, y, 'x', role);
		screen_put(s, x + 2, y, (uint32_t)hex[p[i] >> 4], role);
		screen_put(s, x + 3, y, (uint32_t)hex[p[i] & 0xf], role);
	}
}

int screen_textn(struct screen *s, int x, int y, int max, const char *utf8, size_t n,
		 enum role role)
{
	const unsigned char *p = (const unsigned char *)utf8;
	int used = 0;

	if (max < 0)
		max = s->w - x;
	while (n && *p) {
		uint32_t cp;
		int w;
		size_t len = text_unit(s, p, n, &cp, &w);

		if (used + w > max)
			break;
		if (cp == UNIT_ESCAPED)
			put_escaped(s, x + used, y, p, len, role);
		else
			screen_put(s, x + used, y, cp, role);
		if (w == 2 && cp != UNIT_ESCAPED)
			screen_put(s, x + used + 1, y, SCREEN_WIDE_TAIL, role);
		used += w;
		p += len;
		n -= len;
	}
	return used;
}

int screen_text(struct screen *s, int x, int y, int max, const char *utf8, enum role role)
{
	return screen_textn(s, x, y, max, utf8, strlen(utf8), role);
}

/* Columns of the first n bytes of utf8. */
static int width_n(const struct screen *s, const char *utf8, size_t n)
{
	const unsigned char *p = (const unsigned char *)utf8;
	int w = 0;

	while (n) {
		uint32_t cp;
		int cw;
		size_t len = text_unit(s, p, n, &cp, &cw);

		w += cw;
		p += len;
		n -= len;
	}
	return w;
}

int screen_text_width(const struct screen *s, const char *utf8)
{
	return width_n(s, utf8, strlen(utf8));
}

/* A word's class, from its bytes: digits after an optional sign or parenthesis. */
static bool word_is_number(const unsigned char *w, size_t n)
{
	size_t i = 0;

	while (i < n && (w[i] == '(' || w[i] == '+' || w[i] == '-'))
		i++;
	return i < n && w[i] >= '0' && w[i] <= '9';
}

static bool word_is_bare_number(const unsigned char *w, size_t n)
{
	size_t i = 0;

	if (!word_is_number(w, n))
		return false;
	while (i < n && (w[i] == '(' || w[i] == '+' || w[i] == '-'))
		i++;
	for (; i < n; i++)
		if (!(w[i] >= '0' && w[i] <= '9') && w[i] != '.' && w[i] != ',')
			return false;
	return true;
}

/* Writes cp as UTF-8 at buf[n] when it fits with a terminating NUL; the new length. */
static size_t put_utf8_buf(char *buf, size_t size, size_t n, uint32_t cp)
{
	unsigned char enc[4];
	size_t len;

	if (cp < 0x80) {
		enc[0] = (unsigned char)cp;
		len = 1;
	} else if (cp < 0x800) {
		enc[0] = (unsigned char)(0xc0 | cp >> 6);
		enc[1] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 2;
	} else {
		enc[0] = (unsigned char)(0xe0 | cp >> 12);
		enc[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		enc[2] = (unsigned char)(0x80 | (cp & 0x3f));
		len = 3;
	}
	if (n + len >= size)
		return n;
	memcpy(buf + n, enc, len);
	buf[n + len] = 0;
	return n + len;
}

/* Copies the first n bytes of text into buf (cut to size); the bytes copied. */
static size_t copy_prefix(char *buf, size_t size, const char *text, size_t n)
{
	if (!size)
		return 0;
	if (n >= size)
		n = size - 1;
	memcpy(buf, text, n);
	buf[n] = 0;
	return n;
}

/* screen_fit of the first n bytes of text. */
static int fit_n(const struct screen *s, const char *text, size_t n, int max, char *buf,
		 size_t size)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, we = 0, best = 0;
	bool in_word = false, number = false, bare = false, unit = false, prev_bare = false;
	int col = 0, best_col = 0, blanks = 0;

	if (size)
		buf[0] = 0;
	if (max <= 0)
		return 0;
	if (width_n(s, text, n) <= max) {
		copy_prefix(buf, size, text, n);
		return screen_text_width(s, buf);
	}
	while (i < n) {
		uint32_t cp;
		size_t len;
		int w;

		if (p[i] == ' ') {
			if (in_word)
				prev_bare = bare;
			in_word = false;
			blanks++;
			col++;
			i++;
			continue;
		}
		if (!in_word) {
			for (we = i; we < n && p[we] != ' '; we++)
				;
			number = word_is_number(p + i, we - i);
			bare = word_is_bare_number(p + i, we - i);
			unit = prev_bare && blanks == 1;
			in_word = true;
			blanks = 0;
		}
		len = text_unit(s, p + i, n - i, &cp, &w);
		if (col + w + 1 > max)
			break;
		col += w;
		i += len;
		/* A cut after this character: a figure stays whole, with its unit. */
		if (i == we ? !bare : !(number || unit)) {
			best = i;
			best_col = col;
		}
	}
	if (!best)
		return 0;
	copy_prefix(buf, size, text, best);
	snprintf(buf + strlen(buf), size - strlen(buf), "%s", screen_ellipsis(s));
	return best_col + 1;
}

int screen_fit(const struct screen *s, const char *text, int max, char *buf, size_t size)
{
	return fit_n(s, text, strlen(text), max, buf, size);
}

/* The end of the field that starts at text[i]: the first run of two blanks, or the end. */
static size_t field_end(const char *text, size_t i)
{
	while (text[i] && !(text[i] == ' ' && text[i + 1] == ' '))
		i++;
	return i;
}

int screen_fit_fields(const struct screen *s, const char *text, int max, char *buf,
		      size_t size)
{
	size_t kept = 0, start, end, n;
	int room;

	if (size)
		buf[0] = 0;
	if (screen_text_width(s, text) <= max)
		return fit_n(s, text, strlen(text), max, buf, size);
	for (;;) {
		for (start = kept; text[start] == ' '; start++)
			;
		end = field_end(text, start);
		if (start == end || width_n(s, text, end) > max)
			break;
		kept = end;
	}
	n = copy_prefix(buf, size, text, kept);
	room = max - width_n(s, text, kept ? start : 0);
	if (start < end && (!kept || room >= SCREEN_FIT_MIN_CUT)) {
		if (kept)
			n = copy_prefix(buf, size, text, start);
		if (fit_n(s, text + start, end - start, room, buf + n, size - n) == 0)
			buf[kept] = 0;
	}
	return screen_text_width(s, buf);
}

size_t screen_wrap_len(const struct screen *s, const char *text, int max)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), i = 0, last_blank = 0;
	int col = 0;

	while (i < n) {
		uint32_t cp;
		int w;
		size_t len = text_unit(s, p + i, n - i, &cp, &w);

		if (col + w > max)
			return last_blank ? last_blank : i ? i : len;
		if (p[i] == ' ' && i)
			last_blank = i;
		col += w;
		i += len;
	}
	return n;
}

const char *screen_ellipsis(const struct screen *s)
{
	static char text[2][8];
	char *t = text[s->utf8];

	if (!t[0])
		put_utf8_buf(t, sizeof(text[0]), 0, glyphs_get(s->utf8)->ellipsis);
	return t;
}

static void put_utf8(uint32_t cp, FILE *out)
{
	if (cp < 0x80) {
		fputc((int)cp, out);
	} else if (cp < 0x800) {
		fputc((int)(0xc0 | cp >> 6), out);
		fputc((int)(0x80 | (cp & 0x3f)), out);
	} else if (cp < 0x10000) {
		fputc((int)(0xe0 | cp >> 12), out);
		fputc((int)(0x80 | (cp >> 6 & 0x3f)), out);
		fputc((int)(0x80 | (cp & 0x3f)), out);
	} else {
		fputc((int)(0xf0 | cp >> 18), out);
		fputc((int)(0x80 | (cp >> 12 & 0x3f)), out);
		fputc((int)(0x80 | (cp >> 6 & 0x3f)), out);
		fputc((int)(0x80 | (cp & 0x3f)), out);
	}
}

void screen_write_text(const struct screen *s, FILE *out)
{
	for (int y = 0; y < s->h; y++) {
		const struct cell *row = &s->cells[(size_t)y * (size_t)s->w];
		int end = s->w;

		while (end > 0 && row[end - 1].cp == ' ')
			end--;
		for (int x = 0; x < end; x++)
			if (row[x].cp != SCREEN_WIDE_TAIL)
				put_utf8(row[x].cp, out);
		fputc('\n', out);
	}
}

bool screen_locale_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}
