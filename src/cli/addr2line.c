/*
 * addr2line: one address at a time, as binutils' translate_addresses does.
 *
 * Answers are formatted by hand into one 64 KiB buffer (no printf per line),
 * written with one fwrite when it fills and before each read(2) of stdin, so
 * output is flushed exactly when we are about to block for input.  -C
 * demangles each function name once.
 */
#include "addr2line.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "hashmap.h"
#include "symbolizer.h"
#include "vec.h"

#define FRAMES_MAX 256
#define LINE_MAX_BYTES 4096	/* longer input lines are read in pieces, as binutils' fgets */
#define OUT_BYTES (1 << 16)	/* flushed when an answer might not fit, and before each read */

struct a2l {
	const struct addr2line_options *o;
	struct symbolizer *s;
	int module;
	struct sym_frame frames[FRAMES_MAX];
	struct hashmap demangled;	/* raw name pointer -> names index + 1 (0: not mangled) */
	struct vec names;		/* char *, demangled once per function name */
	size_t len;			/* bytes in out */
	bool write_failed;
	char out[OUT_BYTES];
};

static void out_flush(struct a2l *a)
{
	if (a->len && fwrite(a->out, 1, a->len, stdout) != a->len)
		a->write_failed = true;
	a->len = 0;
	if (fflush(stdout) != 0)
		a->write_failed = true;
}

/* out_bytes when the buffer is full: a string longer than it goes straight to stdout. */
static void out_bytes_slow(struct a2l *a, const char *p, size_t n)
{
	out_flush(a);
	if (n > OUT_BYTES) {
		if (fwrite(p, 1, n, stdout) != n)
			a->write_failed = true;
		return;
	}
	memcpy(a->out, p, n);
	a->len = n;
}

/* Appends n bytes. */
static inline void out_bytes(struct a2l *a, const char *p, size_t n)
{
	if (a->len + n > OUT_BYTES) {
		out_bytes_slow(a, p, n);
		return;
	}
	memcpy(a->out + a->len, p, n);
	a->len += n;
}

static void out_str(struct a2l *a, const char *s)
{
	out_bytes(a, s, strlen(s));
}

static void out_u32(struct a2l *a, uint32_t v)
{
	char tmp[10], *p = tmp + sizeof(tmp);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out_bytes(a, p, (size_t)(tmp + sizeof(tmp) - p));
}

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

/* name demangled for -C, once per name: the symbolizer's strings live as long as it. */
static const char *demangled(struct a2l *a, const char *name)
{
	uint64_t key = (uint64_t)(uintptr_t)name;
	uint32_t idx = hashmap_get(&a->demangled, key);
	char *plain;

	if (idx == HASHMAP_NONE) {
		plain = demangle_bfd(name);
		idx = 0;
		if (plain) {
			vec_push(&a->names, &plain);
			idx = (uint32_t)a->names.len;
		}
		hashmap_put(&a->demangled, key, idx);
	}
	return idx ? *(char **)vec_at(&a->names, idx - 1) : name;
}

static void put_function(struct a2l *a, const char *name)
{
	if (!name || !*name)
		name = "??";
	else if (a->o->demangle)
		name = demangled(a, name);
	out_str(a, name);
	out_str(a, a->o->pretty ? " at " : "\n");
}

static void put_location(struct a2l *a, const char *file, uint32_t line, uint32_t discr)
{
	const char *slash;

	if (a->o->basenames && file && (slash = strrchr(file, '/')) != NULL)
		file = slash + 1;
	out_str(a, file ? file : "??");
	if (line == 0) {
		out_bytes(a, ":?\n", 3);
		return;
	}
	out_bytes(a, ":", 1);
	out_u32(a, line);
	if (discr) {
		out_str(a, " (discriminator ");
		out_u32(a, discr);
		out_bytes(a, ")", 1);
	}
	out_bytes(a, "\n", 1);
}

static void put_address(struct a2l *a, uint64_t pc)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[18] = "0x";

	for (int i = 0; i < 16; i++)
		tmp[2 + i] = hex[(pc >> (60 - 4 * i)) & 15];
	out_bytes(a, tmp, sizeof(tmp));
	out_str(a, a->o->pretty ? ": " : "\n");
}

static void translate(struct a2l *a, uint64_t pc)
{
	size_t n = symbolizer_lookup_binutils(a->s, a->module, pc, a->frames, FRAMES_MAX);

	if (a->o->addresses)
		put_address(a, pc);
	if (n == 0) {
		if (a->o->functions)
			out_str(a, a->o->pretty ? "?? " : "??\n");
		out_str(a, "??:0\n");
		return;
	}
	if (!a->o->inlines)
		n = 1;
	for (size_t k = 0; k < n; k++) {
		if (k && a->o->pretty)
			out_str(a, " (inlined by) ");
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

		out_flush(a);
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
	static struct a2l a;
	int rc = 0;

	if (access(opt->a2l.exe, F_OK) != 0) {
		fprintf(stderr, "memtui addr2line: '%s': No such file\n", opt->a2l.exe);
		return 1;
	}
	a.o = &opt->a2l;
	symbolizer_untrack_dwarf();
	hashmap_init(&a.demangled);
	vec_init(&a.names, sizeof(char *));
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
	if (opt->a2l.n_addrs)
		for (int i = 0; i < opt->a2l.n_addrs; i++)
			translate(&a, scan_vma(opt->a2l.addrs[i]));
	else
		translate_stdin(&a);
	out_flush(&a);
	if (a.write_failed)
		rc = 1;
out:
	for (size_t i = 0; i < a.names.len; i++)
		free(*(char **)vec_at(&a.names, i));
	vec_release(&a.names);
	hashmap_release(&a.demangled);
	symbolizer_free(a.s);
	return rc;
}
