/*
 * fmt: formatting helpers.  Byte units are binary (KiB = 1024 B), as in ncdu
 * and memray's own reports.
 */
#include "fmt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "visible.h"

char *fmt_bytes(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)(bytes < 0 ? -bytes : bytes);
	const char *sign = bytes < 0 ? "-" : "";
	unsigned u = 0;

	if (v < 1024) {
		snprintf(buf, size, "%s%" PRId64 " B", sign, bytes < 0 ? -bytes : bytes);
		return buf;
	}
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%s%.2f %s" : v < 100 ? "%s%.1f %s" : "%s%.0f %s", sign, v,
		 units[u]);
	return buf;
}

char *fmt_figure(int64_t v, bool is_count, char *buf, size_t size)
{
	if (!is_count)
		return fmt_bytes(v, buf, size);
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

char *fmt_rate(double per_s, bool bytes, char *buf, size_t size)
{
	char b[32];

	if (per_s < 0)
		snprintf(buf, size, "-");
	else if (per_s == 0)
		snprintf(buf, size, "0/s");
	else if (bytes)
		snprintf(buf, size, "%s/s", fmt_bytes((int64_t)(per_s + 0.5), b, sizeof(b)));
	else if (per_s >= 99.95)
		snprintf(buf, size, "%.0f/s", per_s);
	else
		snprintf(buf, size, "%.1f/s", per_s);
	return buf;
}

char *fmt_percent(int64_t part, int64_t whole, char *buf, size_t size)
{
	if (!whole)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

void fmt_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	const unsigned char *end = s + strlen((const char *)s);

	fputc('"', out);
	while (*s) {
		uint32_t cp;
		size_t n = 0;

		/* a run of printable ASCII that needs no escape goes out at once */
		while (s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' && s[n] != '\\')
			n++;
		if (n) {
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		n = vis_utf8((const char *)s, (size_t)(end - s), &cp);
		if (!n) {
			fputs("\\ufffd", out);
			s++;
			continue;
		}
		if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
			fprintf(out, "\\u00%02x", s[1]);	/* C1 control: visible.h */
			s += n;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		switch (*s) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				fprintf(out, "\\u%04x", *s);
			else
				fputc(*s, out);
		}
		s++;
	}
	fputc('"', out);
}

void fmt_csv_field(FILE *out, const char *s)
{
	bool quote = strpbrk(s, ",\"") != NULL;
	size_t n = strlen(s);

	if (!quote) {
		vis_fputs(out, s);
		return;
	}
	fputc('"', out);
	while (n) {
		bool esc;
		size_t len = vis_next(s, n, &esc);

		for (size_t i = 0; esc && i < len; i++)
			fprintf(out, "\\x%02x", (unsigned char)s[i]);
		if (!esc && *s == '"')
			fputc('"', out);
		if (!esc)
			fwrite(s, 1, len, out);
		s += len;
		n -= len;
	}
	fputc('"', out);
}
