/*
 * fixture: synthetic captures for the unit tests, one line per event.
 *
 *	struct capture *cap = FX_CAPTURE("frames: @prog.c:1",
 *					 "main;work;leaf +100",
 *					 "main;work;leaf -100");
 *
 * Lines (words are separated by spaces):
 *
 *	PATH			interns the stack and its frames, nothing else
 *	PATH +N [xC] [temp]	an allocation of N bytes on PATH (EV_ALLOC, count 1)
 *	PATH -N [xC] [temp]	a free of N bytes (count -1)
 *	time: MS		events from here on happen at MS (capture_builder_time)
 *	rss: MS BYTES		an RSS sample
 *	mark: NAME		a stage mark before the next event
 *	frames: DEFAULTS	see below
 *	meta: KEY...		format=heaptrack|memray|mtui, peak=first|last,
 *				duration=MS, aggregated; before the events
 *
 * xC makes the count C (-C for a free); temp adds EV_TEMPORARY.  In an
 * aggregated capture (meta has_event_stream false) "+N" is a plain delta of
 * the live heap, not an allocation call: no EV_ALLOC.
 *
 * PATH is frames outermost first, separated by ';'.  A frame is
 *
 *	[MODULE`]FUNCTION[@FILE][:LINE][^ADDRESS]	"main", "work@app.py:30", "memcpy@",
 *							"/bin/prog`leaf@w.c:20",
 *							"<listcomp>@a.py:31^30"
 *
 * ADDRESS (decimal) is the frame's address: a Python frame's first line of
 * its code object, a native frame's offset; 0 when left out (never defaulted).
 *
 * A frame whose file ends in ".py" is a Python frame, any other is native.
 * Of module, file and line, what a frame leaves out is taken from the last
 * "frames:" line of the same call (a frame without function, e.g. "@x.py",
 * "@prog.c:1", "/bin/prog`"), otherwise it is none.  Names cannot hold
 * spaces, ';', '`', '@' or ':'.
 *
 * Ids follow first use, as with the builder: each frame's function, file and
 * module strings are interned in that order, then the frame, then its stack.
 * A PATH line without an event fixes the order of stack ids ahead of events.
 *
 *	FX_CAPTURE(line, ...)		a finished capture
 *	FX_ADD(b, line, ...)		the lines on builder b
 *	FX_FRAME(b, frame)		interns one frame, returns its id
 *	FX_STACK(b, parent, path)	interns path below stack parent, returns its id
 *	FX_FIND(cap, path)		the one stack of cap whose frames match path,
 *					by function and by module, file, line where given
 *
 * A malformed line (or a FX_FIND without exactly one match) aborts the test
 * with the caller's file and line, the line's number and its text.
 */
#ifndef MT_TEST_FIXTURE_H
#define MT_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "capture_builder.h"

#define FX_MAX_WORDS 8
#define FX_MAX_DEPTH 64

#define FX_LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define FX_CAPTURE(...) fx_capture_at(__FILE__, __LINE__, FX_LINES(__VA_ARGS__))
#define FX_ADD(b, ...) fx_add_at(__FILE__, __LINE__, (b), FX_LINES(__VA_ARGS__))
#define FX_FRAME(b, frame) fx_frame_at(__FILE__, __LINE__, (b), (frame))
#define FX_STACK(b, parent, path) fx_stack_at(__FILE__, __LINE__, (b), (parent), (path))
#define FX_FIND(cap, path) fx_find_at(__FILE__, __LINE__, (cap), (path))

/* A piece of a fixture line (not NUL-terminated). */
struct fx_str {
	const char *p;
	size_t n;
	bool set;
};

struct fx_spec {
	struct fx_str module, function, file;
	uint32_t line;
	bool has_line;
	uint64_t address;
	bool has_address;
};

struct fx_ctx {
	const char *src;	/* the caller */
	int src_line;
	int idx;		/* 1-based number of the line in its call; 0: a lone spec */
	const char *text;	/* the line or spec being read */
	struct fx_spec def;	/* from "frames:" */
	bool had_event;		/* an event line came before in this call */
};

static inline _Noreturn __attribute__((format(printf, 2, 3)))
void fx_fail(const struct fx_ctx *c, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (c->idx)
		fprintf(stderr, "%s:%d: fixture line %d \"%s\": ", c->src, c->src_line, c->idx,
			c->text);
	else
		fprintf(stderr, "%s:%d: fixture \"%s\": ", c->src, c->src_line, c->text);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static inline bool fx_is(struct fx_str s, const char *word)
{
	return s.n == strlen(word) && !memcmp(s.p, word, s.n);
}

/* s as a decimal number <= max. */
static inline bool fx_uint(struct fx_str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s.n)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		uint64_t d = (uint64_t)(s.p[i] - '0');

		if (s.p[i] < '0' || s.p[i] > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* s as a decimal number with an optional sign. */
static inline bool fx_int(struct fx_str s, int64_t *out)
{
	bool neg = s.n && s.p[0] == '-';
	uint64_t v;

	if (s.n && (s.p[0] == '-' || s.p[0] == '+')) {
		s.p++;
		s.n--;
	}
	if (!fx_uint(s, INT64_MAX, &v))
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

/* Reads [MODULE`]FUNCTION[@FILE][:LINE][^ADDRESS]; returns what is wrong, or NULL. */
static inline const char *fx_parse_frame(struct fx_str s, struct fx_spec *f)
{
	const char *p = s.p, *end = s.p + s.n, *q;

	memset(f, 0, sizeof(*f));
	for (q = p; q < end; q++)
		if (*q == ' ' || *q == '\t' || *q == '\n' || *q == ';')
			return "a space or ';' inside a frame";
	q = memchr(p, '^', s.n);
	if (q) {
		struct fx_str digits = { q + 1, (size_t)(end - q - 1), true };

		if (!fx_uint(digits, UINT64_MAX, &f->address))
			return "the address after '^' is not a number";
		f->has_address = true;
		end = q;
	}
	q = memchr(p, '`', s.n);
	if (q) {
		f->module = (struct fx_str){ p, (size_t)(q - p), true };
		if (!f->module.n)
			return "no module before '`'";
		p = q + 1;
	}
	for (q = p; q < end && *q != '@' && *q != ':' && *q != '`'; q++)
		;
	f->function = (struct fx_str){ p, (size_t)(q - p), true };
	if (q < end && *q == '@') {
		for (p = ++q; q < end && *q != ':' && *q != '@' && *q != '`'; q++)
			;
		f->file = (struct fx_str){ p, (size_t)(q - p), true };
	}
	if (q < end && *q != ':')
		return "a second '`' or '@'";
	if (q < end) {
		uint64_t line;
		struct fx_str digits = { q + 1, (size_t)(end - q - 1), true };

		if (!fx_uint(digits, UINT32_MAX, &line))
			return "the line after ':' is not a number";
		f->line = (uint32_t)line;
		f->has_line = true;
	}
	return NULL;
}

static inline void fx_frame_spec(const struct fx_ctx *c, struct fx_str s, struct fx_spec *f)
{
	const char *why = fx_parse_frame(s, f);

	if (why)
		fx_fail(c, "frame \"%.*s\": %s", (int)s.n, s.p, why);
	if (!f->function.n)
		fx_fail(c, "frame \"%.*s\" has no function", (int)s.n, s.p);
}

static inline uint32_t fx_intern(struct capture_builder *b, const struct fx_spec *f,
				 const struct fx_spec *def)
{
	struct fx_str file = f->file.set ? f->file : def->file;
	struct fx_str module = f->module.set ? f->module : def->module;
	bool py = file.n >= 3 && !memcmp(file.p + file.n - 3, ".py", 3);
	struct frame fr = { 0 };

	fr.function = capture_builder_string(b, f->function.p, f->function.n);
	if (file.n)
		fr.file = capture_builder_string(b, file.p, file.n);
	if (module.n)
		fr.module = capture_builder_string(b, module.p, module.n);
	fr.line = f->has_line ? f->line : def->line;
	fr.address = f->address;
	fr.kind = py ? FRAME_PYTHON : FRAME_NATIVE;
	return capture_builder_frame(b, &fr);
}

/* Splits path at ';' into want[]; returns the number of frames. */
static inline uint32_t fx_split(const struct fx_ctx *c, struct fx_str path,
				struct fx_spec want[FX_MAX_DEPTH])
{
	const char *p = path.p, *end = path.p + path.n;
	uint32_t n = 0;

	for (;;) {
		const char *q = memchr(p, ';', (size_t)(end - p));
		struct fx_str el = { p, (size_t)((q ? q : end) - p), true };

		if (!el.n)
			fx_fail(c, "an empty frame in the path");
		if (n == FX_MAX_DEPTH)
			fx_fail(c, "more than %d frames", FX_MAX_DEPTH);
		fx_frame_spec(c, el, &want[n++]);
		if (!q)
			return n;
		p = q + 1;
	}
}

static inline uint32_t fx_path(const struct fx_ctx *c, struct capture_builder *b,
			       uint32_t parent, struct fx_str path)
{
	struct fx_spec want[FX_MAX_DEPTH];
	uint32_t n = fx_split(c, path, want);

	for (uint32_t i = 0; i < n; i++)
		parent = capture_builder_stack(b, parent, fx_intern(b, &want[i], &c->def));
	return parent;
}

static inline void fx_event(struct fx_ctx *c, struct capture_builder *b, uint32_t stack,
			    const struct fx_str *w, size_t n)
{
	uint64_t bytes, count = 1;
	bool alloc = w[0].p[0] == '+', counted = false;
	unsigned flags = 0;

	if ((w[0].p[0] != '+' && w[0].p[0] != '-') ||
	    !fx_uint((struct fx_str){ w[0].p + 1, w[0].n - 1, true }, INT64_MAX, &bytes))
		fx_fail(c, "\"%.*s\" is not +BYTES or -BYTES", (int)w[0].n, w[0].p);
	for (size_t i = 1; i < n; i++) {
		if (w[i].p[0] == 'x' && !counted) {
			if (!fx_uint((struct fx_str){ w[i].p + 1, w[i].n - 1, true }, INT32_MAX,
				     &count))
				fx_fail(c, "\"%.*s\" is not xCOUNT", (int)w[i].n, w[i].p);
			counted = true;
		} else if (fx_is(w[i], "temp") && !(flags & EV_TEMPORARY)) {
			flags |= EV_TEMPORARY;
		} else {
			fx_fail(c, "unexpected \"%.*s\" after the bytes", (int)w[i].n, w[i].p);
		}
	}
	if (alloc && capture_builder_meta(b)->has_event_stream)
		flags |= EV_ALLOC;
	c->had_event = true;
	capture_builder_event(b, stack, alloc ? (int64_t)bytes : -(int64_t)bytes,
			      alloc ? (int32_t)count : -(int32_t)count, flags);
}

static inline void fx_meta(const struct fx_ctx *c, struct capture_builder *b, struct fx_str w)
{
	static const char *const formats[] = { "heaptrack", "memray", "mtui" };
	struct capture_meta *m = capture_builder_meta(b);
	const char *eq = memchr(w.p, '=', w.n);
	struct fx_str key = { w.p, eq ? (size_t)(eq - w.p) : w.n, true };
	struct fx_str val = { eq ? eq + 1 : w.p + w.n, eq ? w.n - key.n - 1 : 0, eq != NULL };

	if (fx_is(w, "aggregated")) {
		m->has_event_stream = false;
		return;
	}
	if (fx_is(key, "format") && val.set) {
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			if (fx_is(val, formats[i])) {
				m->format = formats[i];
				return;
			}
		}
	} else if (fx_is(key, "peak") && (fx_is(val, "first") || fx_is(val, "last"))) {
		m->peak_rule = fx_is(val, "last") ? PEAK_LAST_MAX : PEAK_FIRST_MAX;
		return;
	} else if (fx_is(key, "duration") && fx_int(val, &m->duration_ms)) {
		return;
	}
	fx_fail(c, "unknown meta \"%.*s\"", (int)w.n, w.p);
}

static inline void fx_directive(struct fx_ctx *c, struct capture_builder *b,
				const struct fx_str *w, size_t n)
{
	int64_t ms;
	uint64_t rss;
	char name[256];

	if (fx_is(w[0], "time:")) {
		if (n != 2 || !fx_int(w[1], &ms))
			fx_fail(c, "expected \"time: MS\"");
		capture_builder_time(b, ms);
	} else if (fx_is(w[0], "rss:")) {
		if (n != 3 || !fx_int(w[1], &ms) || !fx_uint(w[2], UINT64_MAX, &rss))
			fx_fail(c, "expected \"rss: MS BYTES\"");
		capture_builder_rss(b, ms, rss);
	} else if (fx_is(w[0], "mark:")) {
		if (n != 2 || w[1].n >= sizeof(name))
			fx_fail(c, "expected \"mark: NAME\" (one word)");
		memcpy(name, w[1].p, w[1].n);
		name[w[1].n] = '\0';
		capture_builder_mark(b, name);
	} else if (fx_is(w[0], "frames:")) {
		const char *why = n == 2 ? fx_parse_frame(w[1], &c->def) : "expected one word";

		if (why)
			fx_fail(c, "frames: %s", why);
		if (c->def.function.n)
			fx_fail(c, "frames: takes module, file and line, no function");
	} else if (fx_is(w[0], "meta:")) {
		if (n < 2)
			fx_fail(c, "expected \"meta: KEY...\"");
		if (c->had_event)
			fx_fail(c, "meta: after an event");
		for (size_t i = 1; i < n; i++)
			fx_meta(c, b, w[i]);
	} else {
		fx_fail(c, "unknown directive \"%.*s\"", (int)w[0].n, w[0].p);
	}
}

static inline void fx_line(struct fx_ctx *c, struct capture_builder *b)
{
	struct fx_str w[FX_MAX_WORDS];
	const char *p = c->text;
	size_t n = 0;

	for (;;) {
		const char *q;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (q = p; *q && *q != ' ' && *q != '\t'; q++)
			;
		if (n == FX_MAX_WORDS)
			fx_fail(c, "more than %d words", FX_MAX_WORDS);
		w[n++] = (struct fx_str){ p, (size_t)(q - p), true };
		p = q;
	}
	if (!n)
		fx_fail(c, "an empty line");
	if (w[0].p[w[0].n - 1] == ':')
		fx_directive(c, b, w, n);
	else if (n == 1)
		fx_path(c, b, 0, w[0]);
	else
		fx_event(c, b, fx_path(c, b, 0, w[0]), w + 1, n - 1);
}

static inline void fx_add_at(const char *src, int src_line, struct capture_builder *b,
			     const char *const *lines)
{
	struct fx_ctx c = { .src = src, .src_line = src_line };

	for (int i = 0; lines[i]; i++) {
		c.idx = i + 1;
		c.text = lines[i];
		fx_line(&c, b);
	}
}

static inline struct capture *fx_capture_at(const char *src, int src_line,
					    const char *const *lines)
{
	struct capture_builder *b = capture_builder_new();

	fx_add_at(src, src_line, b, lines);
	return capture_builder_finish(b);
}

static inline uint32_t fx_frame_at(const char *src, int src_line, struct capture_builder *b,
				   const char *frame)
{
	struct fx_ctx c = { .src = src, .src_line = src_line, .text = frame };
	struct fx_spec f;

	fx_frame_spec(&c, (struct fx_str){ frame, strlen(frame), true }, &f);
	return fx_intern(b, &f, &c.def);
}

static inline uint32_t fx_stack_at(const char *src, int src_line, struct capture_builder *b,
				   uint32_t parent, const char *path)
{
	struct fx_ctx c = { .src = src, .src_line = src_line, .text = path };

	return fx_path(&c, b, parent, (struct fx_str){ path, strlen(path), true });
}

static inline bool fx_str_is(const struct capture *cap, uint32_t id, struct fx_str s)
{
	const char *str = capture_string(cap, id);

	return strlen(str) == s.n && !memcmp(str, s.p, s.n);
}

static inline bool fx_frame_is(const struct capture *cap, uint32_t frame, const struct fx_spec *f)
{
	const struct frame *fr = capture_frame(cap, frame);

	return fx_str_is(cap, fr->function, f->function) &&
	       (!f->file.set || fx_str_is(cap, fr->file, f->file)) &&
	       (!f->module.set || fx_str_is(cap, fr->module, f->module)) &&
	       (!f->has_line || fr->line == f->line) &&
	       (!f->has_address || fr->address == f->address);
}

static inline uint32_t fx_find_at(const char *src, int src_line, const struct capture *cap,
				  const char *path)
{
	struct fx_ctx c = { .src = src, .src_line = src_line, .text = path };
	struct fx_spec want[FX_MAX_DEPTH];
	uint32_t n = fx_split(&c, (struct fx_str){ path, strlen(path), true }, want);
	uint32_t found = 0, matches = 0;

	for (uint32_t s = 1; s < capture_stack_count(cap); s++) {
		uint32_t id = s, k = n;

		if (capture_stack(cap, s)->depth != n)
			continue;
		while (k && fx_frame_is(cap, capture_stack(cap, id)->frame, &want[k - 1])) {
			id = capture_stack(cap, id)->parent;
			k--;
		}
		if (!k) {
			found = s;
			matches++;
		}
	}
	if (!matches)
		fx_fail(&c, "no stack of the capture matches");
	if (matches > 1)
		fx_fail(&c, "%u stacks of the capture match", matches);
	return found;
}

#endif
