/*
 * addr2line: one address at a time, as binutils' translate_addresses does.
 *
 * Output goes through one large stdio buffer; reading stdin with read(2) into
 * our own buffer lets us flush exactly when we are about to block for input.
 */
#include "addr2line.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "symbolizer.h"

#define FRAMES_MAX 256
#define LINE_MAX_BYTES 4096	/* longer input lines are read in pieces, as binutils' fgets */

struct a2l {
	const struct addr2line_options *o;
	struct symbolizer *s;
	int module;
	struct sym_frame frames[FRAMES_MAX];
};

/* As libbfd's bfd_scan_vma in base 16: leading blanks, an optional 0x, hex digits. */
static uint64_t scan_vma(const char *s)
{
	uint64_t v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		int d = *s >= '0' && *s <= '9'	 ? *s - '0'
			: *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
			: *s >= 'A' && *s <= 'F' ? *s - 'A' + 10
						 : -1;

		if (d < 0)
			return v;
		v = v << 4 | (uint64_t)d;
	}
}

static void put_function(const struct a2l *a, const char *name)
{
	char *plain = NULL;

	if (!name || !*name)
		name = "??";
	else if (a->o->demangle && (plain = demangle_bfd(name)) != NULL)
		name = plain;
	fputs(name, stdout);
	fputs(a->o->pretty ? " at " : "\n", stdout);
	free(plain);
}

static void put_location(const struct a2l *a, const char *file, uint32_t line, uint32_t discr)
{
	const char *slash;

	if (a->o->basenames && file && (slash = strrchr(file, '/')) != NULL)
		file = slash + 1;
	fputs(file ? file : "??", stdout);
	if (line == 0)
		fputs(":?\n", stdout);
	else if (discr)
		printf(":%" PRIu32 " (discriminator %" PRIu32 ")\n", line, discr);
	else
		printf(":%" PRIu32 "\n", line);
}

static void translate(struct a2l *a, uint64_t pc)
{
	size_t n = symbolizer_lookup_binutils(a->s, a->module, pc, a->frames, FRAMES_MAX);

	if (a->o->addresses)
		printf("0x%016" PRIx64 "%s", pc, a->o->pretty ? ": " : "\n");
	if (n == 0) {
		if (a->o->functions)
			fputs(a->o->pretty ? "?? " : "??\n", stdout);
		fputs("??:0\n", stdout);
		return;
	}
	if (!a->o->inlines)
		n = 1;
	for (size_t k = 0; k < n; k++) {
		if (k && a->o->pretty)
			fputs(" (inlined by) ", stdout);
		if (a->o->functions)
			put_function(a, a->frames[k].function);
		/* binutils keeps the first frame's discriminator for the whole chain. */
		put_location(a, a->frames[k].file, a->frames[k].line, a->frames[0].discriminator);
	}
}

/* Addresses one per line on stdin; each is answered before the next read blocks. */
static void translate_stdin(struct a2l *a)
{
	static char buf[1 << 16];
	size_t len = 0;
	ssize_t got;

	for (;;) {
		char *start = buf, *nl;

		fflush(stdout);
		got = read(STDIN_FILENO, buf + len, sizeof(buf) - 1 - len);
		if (got <= 0)
			break;
		len += (size_t)got;
		buf[len] = 0;
		while ((nl = memchr(start, '\n', len - (size_t)(start - buf))) != NULL) {
			*nl = 0;
			translate(a, scan_vma(start));
			start = nl + 1;
		}
		len -= (size_t)(start - buf);
		memmove(buf, start, len);
		if (len >= LINE_MAX_BYTES) {
			buf[len] = 0;
			translate(a, scan_vma(buf));
			len = 0;
		}
	}
	if (len) {
		buf[len] = 0;
		translate(a, scan_vma(buf));
	}
}

int addr2line_run(const struct options *opt)
{
	struct symbolizer_options so = { 0 };
	struct a2l a = { .o = &opt->a2l };
	static char out_buf[1 << 16];
	int rc = 0;

	if (access(opt->a2l.exe, F_OK) != 0) {
		fprintf(stderr, "memtui addr2line: '%s': No such file\n", opt->a2l.exe);
		return 1;
	}
	so.debug_dirs = opt->debug_dirs;
	so.n_debug_dirs = opt->n_debug_dirs;
	a.s = symbolizer_new(&so);
	a.module = symbolizer_module(a.s, opt->a2l.exe, NULL, 0);
	if (a.module < 0) {
		fprintf(stderr, "memtui addr2line: %s: file format not recognized\n",
			opt->a2l.exe);
		rc = 1;
		goto out;
	}
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	if (opt->a2l.n_addrs)
		for (int i = 0; i < opt->a2l.n_addrs; i++)
			translate(&a, scan_vma(opt->a2l.addrs[i]));
	else
		translate_stdin(&a);
	if (fflush(stdout) != 0)
		rc = 1;
out:
	symbolizer_free(a.s);
	return rc;
}
