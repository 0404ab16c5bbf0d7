/*
 * screen: the cell grid and text drawing into it.
 *
 * Text is decoded from UTF-8 here, once, for every backend: each code point
 * takes wcwidth() columns (1 or 2; 0-width and non-printable ones become
 * '?', so a name can never shift the columns after it).  Without a UTF-8
 * locale only ASCII is drawn as itself.
 */
#include "screen.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

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

size_t screen_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c;

	if (!n)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* One code point of text to show: an invalid sequence is one '?' per byte. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = screen_utf8_decode(p, n, cp);

	if (len)
		return len;
	*cp = '?';
	return 1;
}

/* Columns cp takes (1 or 2), replacing what cannot be shown by '?'. */
static int cp_width(const struct screen *s, uint32_t *cp)
{
	int w;

	if (*cp < 0x20 || *cp == 0x7f) {
		*cp = '?';
		return 1;
	}
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

int screen_textn(struct screen *s, int x, int y, int max, const char *utf8, size_t n,
		 enum role role)
{
	const unsigned char *p = (const unsigned char *)utf8;
	int used = 0;

	if (max < 0)
		max = s->w - x;
	while (n && *p) {
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);
		int w = cp_width(s, &cp);

		if (used + w > max)
			break;
		screen_put(s, x + used, y, cp, role);
		if (w == 2)
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

int screen_text_width(const struct screen *s, const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t n = strlen(utf8);
	int w = 0;

	while (n) {
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);

		w += cp_width(s, &cp);
		p += len;
		n -= len;
	}
	return w;
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
