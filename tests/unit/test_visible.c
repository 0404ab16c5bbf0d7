/*
 * test_visible: the "\xNN" form of src/base/visible.h, and the CSV and JSON
 * writers of src/base/fmt.h that use it, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "fmt.h"
#include "visible.h"

/* What f writes for s, as a string (caller frees). */
static char *written(void (*f)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	f(mem, s);
	fclose(mem);
	return buf;
}

static void json(FILE *out, const char *s)
{
	fmt_json_string(out, s);
}

static bool writes(void (*f)(FILE *, const char *), const char *s, const char *want)
{
	char *got = written(f, s);
	bool same = !strcmp(got, want);

	if (!same)
		fprintf(stderr, "got [%s], want [%s]\n", got, want);
	free(got);
	return same;
}

TEST(controls)
{
	CHECK(writes(vis_fputs, "a\x1b]0;PWNED\x07\x1b[2Jb", "a\\x1b]0;PWNED\\x07\\x1b[2Jb"));
	CHECK(writes(vis_fputs, "tab\there\nnl\r", "tab\\x09here\\x0anl\\x0d"));
	CHECK(writes(vis_fputs, "del\x7f", "del\\x7f"));
	/* C1 U+009B (CSI) and U+0085 as their UTF-8 bytes; U+00A0 and U+00E9 stay. */
	CHECK(writes(vis_fputs, "c1\xc2\x9b\xc2\x85 \xc2\xa0\xc3\xa9",
		     "c1\\xc2\\x9b\\xc2\\x85 \xc2\xa0\xc3\xa9"));
	CHECK(writes(vis_fputs, "back\\slash ok", "back\\slash ok"));
	/* Bidirectional overrides (U+202E, U+2066, U+061C); U+2010 (a hyphen) stays. */
	CHECK(writes(vis_fputs, "f\xe2\x80\xae" "ab\xe2\x81\xa6\xd8\x9c\xe2\x80\x90",
		     "f\\xe2\\x80\\xaeab\\xe2\\x81\\xa6\\xd8\\x9c\xe2\x80\x90"));
}

TEST(invalid_utf8)
{
	/* A stray continuation, a lone lead byte, an overlong ESC, a surrogate, a cut end. */
	CHECK(writes(vis_fputs, "\x80", "\\x80"));
	CHECK(writes(vis_fputs, "\xff" "a", "\\xffa"));
	CHECK(writes(vis_fputs, "\xc0\x9b", "\\xc0\\x9b"));
	CHECK(writes(vis_fputs, "\xed\xa0\x80", "\\xed\\xa0\\x80"));
	CHECK(writes(vis_fputs, "ok\xe2\x82", "ok\\xe2\\x82"));
	CHECK(writes(vis_fputs, "\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80"));
}

TEST(str)
{
	char buf[16];
	const char *clean = "plain name";

	CHECK(vis_str(clean, buf, sizeof(buf)) == clean);
	CHECK(!vis_needed(clean));
	CHECK(vis_needed("a\x1b"));
	CHECK(!strcmp(vis_str("a\x1b" "b", buf, sizeof(buf)), "a\\x1bb"));
	/* 16 bytes: "0123456789" then an escape that does not fit with "...". */
	CHECK(!strcmp(vis_str("0123456789\x1b" "abc", buf, sizeof(buf)), "0123456789..."));
	CHECK(!strcmp(vis_str("\x1b\x1b\x1b\x1b\x1b", buf, 8), "\\x1b..."));
}

TEST(csv)
{
	CHECK(writes(fmt_csv_field, "plain", "plain"));
	CHECK(writes(fmt_csv_field, "a\x1b[31m", "a\\x1b[31m"));
	CHECK(writes(fmt_csv_field, "a,\"b\"\x07", "\"a,\"\"b\"\"\\x07\""));
	/* A newline is data in a name: visible, so the row stays one line. */
	CHECK(writes(fmt_csv_field, "two\nlines", "two\\x0alines"));
}

TEST(json)
{
	CHECK(writes(json, "a\x1b\x07\x7f", "\"a\\u001b\\u0007\\u007f\""));
	CHECK(writes(json, "c1\xc2\x9b\xc2\x80\xc2\xa0", "\"c1\\u009b\\u0080\xc2\xa0\""));
	CHECK(writes(json, "bad\xff", "\"bad\\ufffd\""));
}

int main(void)
{
	RUN(controls);
	RUN(invalid_utf8);
	RUN(str);
	RUN(csv);
	RUN(json);
	return CHECK_DONE();
}
