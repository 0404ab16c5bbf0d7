/*
 * visible: the "\xNN" form of control characters and invalid UTF-8
 * (visible.h says which bytes).
 */
#include "visible.h"

#include <stdint.h>
#include <string.h>

size_t vis_utf8(const char *text, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len;
	uint32_t c;

	if (!n)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/*
 * The invisible characters that reorder the text around them (bidirectional
 * marks, embeddings, overrides and isolates): "Trojan Source" names that
 * read as another name.
 */
static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t vis_next(const char *s, size_t n, bool *escaped)
{
	uint32_t cp = 0;
	size_t len = vis_utf8(s, n, &cp);

	if (!len) {
		*escaped = true;
		return 1;
	}
	*escaped = cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || is_bidi_control(cp);
	return len;
}

bool vis_needed(const char *s)
{
	size_t n = strlen(s);
	bool esc;

	while (n) {
		size_t len = vis_next(s, n, &esc);

		if (esc)
			return true;
		s += len;
		n -= len;
	}
	return false;
}

void vis_fputs(FILE *out, const char *s)
{
	vis_fputs_tr(out, s, "", "");
}

void vis_fputs_tr(FILE *out, const char *s, const char *from, const char *to)
{
	size_t n = strlen(s);
	bool esc;

	while (n) {
		size_t len = vis_next(s, n, &esc);
		const char *tr = esc ? NULL : strchr(from, *s);

		if (tr && *s)
			fputc(to[tr - from], out);
		else if (!esc)
			fwrite(s, 1, len, out);
		for (size_t i = 0; esc && i < len; i++)
			fprintf(out, "\\x%02x", (unsigned char)s[i]);
		s += len;
		n -= len;
	}
}

const char *vis_str(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s), used = 0;
	bool esc;

	if (!vis_needed(s))
		return s;
	while (n) {
		size_t len = vis_next(s, n, &esc);
		size_t need = esc ? len * VIS_BYTE_COLS : len;

		/* Room for this unit, then for "..." if another follows, and the NUL. */
		if (used + need + (n > len ? 3 : 0) + 1 > size) {
			memcpy(buf + used, "...", 4);
			return buf;
		}
		if (!esc)
			memcpy(buf + used, s, len);
		for (size_t i = 0; esc && i < len; i++)
			snprintf(buf + used + i * VIS_BYTE_COLS, 5, "\\x%02x", (unsigned char)s[i]);
		used += need;
		s += len;
		n -= len;
	}
	buf[used] = 0;
	return buf;
}
