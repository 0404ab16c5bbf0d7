/*
 * heaptrack: the interpreted text capture of heaptrack 1.0 - 1.6 (file format
 * versions 0 to 3), see docs/formats/heaptrack.md; section numbers (§) below
 * refer to it.
 *
 * Model.  The file is a stream of '\n'-terminated lines whose first byte is
 * the record type; fields start at byte 2 and are lower-case hex.  Strings
 * (s), instruction pointers (i) and trace nodes (t) are 1-based, allocation
 * infos (a) 0-based, all numbered by the order of their lines.  The reader
 * keeps, growing only with what the file defines:
 *
 *	strings[k-1]	builder string id of file string k
 *	ips[k-1]	a run in ip_frames of the builder frame ids of IP k,
 *			innermost first (inlined frames, then the real function)
 *	traces[k-1]	(ip, parent, stack): trace node k after heaptrack's
 *			operator-new stripping, and its stack id in the trie;
 *			its depth in return addresses and its outermost node
 *			(root), for cut stacks (below)
 *	infos[k]	(size, stack) of allocation info k; its live allocations
 *			are in the leak table (heaptrack_live.h)
 *
 * A trace node's stack is its parent's stack extended by the node's IP frames
 * from the outermost to the innermost.  Every '+' becomes one EV_ALLOC event
 * and every '-' one free event, so event indices count +/- lines as
 * heaptrack_print does.  Invariants: traces[k].parent < k and traces[k].ip is
 * never an operator-new IP (so stripping looks at most one node up); every
 * stored stack id exists in the builder; every index taken from the file is
 * checked against what has been defined before it is used.
 *
 * The numbers follow heaptrack 1.4's analyzer (AccumulatedTraceData::read; §7):
 *  - the peak is the first event at which the live heap exceeds every earlier
 *    value (PEAK_FIRST_MAX; §7.1);
 *  - a free is temporary when its allocation-info index equals that of the
 *    most recent '+' with no '-' in between; "none" is index 0, so a '- 0'
 *    right after another '-' (or as the first event) counts too (§7.2);
 *  - a node whose IP's innermost function is exactly operator new(unsigned
 *    long), operator new[](unsigned long) or the unsigned int variants is
 *    replaced by a copy of its parent node (§5.3);
 *  - stacks cut short: libheaptrack unwinds at most 64 return addresses
 *    (Trace::MAX_SIZE) and drops the 2 of its own (trace.fill(2)), so a trace
 *    of 62 nodes (HT_TRACE_FRAMES) may have lost its outermost frames, and its
 *    outermost node is then some frame in the middle, which heaptrack_print
 *    shows as one more root.  A trace of 62 nodes is cut unless an allocation
 *    of a shorter trace (which is whole) already had the same outermost node:
 *    a real entry point (_start, clone3, ld.so's start) is the root of short
 *    stacks too, a frame in the middle never is.  An allocation on a cut trace
 *    gets the same frames under a synthetic root frame "[truncated stack]"
 *    (HT_CUT_NAME), so every tree, flame graph, report and stage table shows
 *    them apart; sizes and events are untouched, so every total still equals
 *    heaptrack_print's.  A debug build of libheaptrack drops 4 frames (60
 *    left): its cut stacks are not recognised;
 *  - 'S' lines: libheaptrack writes them as sized strings ("S 1a leak:x"), but
 *    1.4 (and 1.5) parse the rest of the line as plain text, see "1a leak:x",
 *    and ignore it.  We do the same, so embedded suppressions never apply to
 *    such files; a plain "S leak:x" line is honoured, as heaptrack does (§4.4);
 *  - format 0 carries "+ size trace pointer" / "- pointer": frees are
 *    matched by pointer, frees of unknown pointers are dropped silently and
 *    a free is temporary when it frees the pointer of the last '+' (§6.2, §7.2).
 *
 * Where we differ from heaptrack_print, on purpose (§11):
 *  - a command line broken by a newline inside an argument: heaptrack keeps
 *    the first line only and reports the rest as unparsable lines; we join
 *    the lines that directly follow 'X' and do not look like records (first
 *    byte a known type followed by a space) with '\n' into meta.command;
 *  - a second 'X' line makes heaptrack refuse the file; we warn and ignore it;
 *  - an 'A' line after events resets heaptrack's totals; we keep the events
 *    and warn (in real files 'A' precedes every event);
 *  - damaged input: heaptrack prints what it parsed of a cut file and exits 0.
 *    We keep the data up to the last whole line and mark the capture
 *    truncated (§10.1): the unterminated last line is used if it parses, as
 *    heaptrack does (the shared oracle of heaptrack.truncated.cut.gz counts
 *    its final "- 1"), but a last line without '\n' always means the file
 *    stops inside it.  A capture is complete only when it ends with the end
 *    lines "# strings: N" and "# ips: M" that heaptrack_interpret writes on
 *    exit (every version since 2014), so a file cut at a line boundary, even
 *    inside a cleanly closed compressed stream, is flagged truncated too;
 *    end counts that disagree with the 's' and 'i' lines read, or records
 *    after the end lines, flag it inconsistent.  For a cut .zst our
 *    streaming decoder yields the blocks before the cut, where heaptrack_print
 *    (and the zstd CLI) see nothing.  A file with only a header has no
 *    events (and is truncated without end lines); an empty file is refused
 *    by the registry.
 *  - bounds (§10.3): one string at most HT_MAX_STRING bytes, all strings and
 *    the command line at most HT_MAX_STRING_TABLE, one stack at most
 *    HT_MAX_TRACE_DEPTH nodes and HT_MAX_STACK_FRAMES frames; past them the
 *    load fails with the line's offset.
 *  - raw (un-interpreted) streams ('x'/'m' lines) are refused with a hint to
 *    run heaptrack_interpret; heaptrack 1.4 rejects their 'x', 'm' and '+' lines (§9).
 *  - invalid lines are skipped like heaptrack does; the first few are named
 *    in warnings and the rest counted.  Indices that point past what is
 *    defined are replaced by "unknown" (string 0, IP 0, the root).
 */
#include "reader.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "hashmap.h"
#include "heaptrack_live.h"
#include "vec.h"
#include "xalloc.h"

#define HT_MAX_FILE_VERSION 3
#define HT_DETAILED_WARNINGS 8		/* bad lines named one by one, the rest counted */
#define HT_MAX_INLINED 256		/* inlined frames kept per IP; real chains are < 50 */
/*
 * Stack-trie growth allowed per decoded byte (plus a base): one 't' line of a
 * few bytes may add up to HT_MAX_INLINED + 1 stacks, so a hostile file could
 * otherwise blow the trie up far beyond its own size.  Real captures stay
 * well under one stack per byte.
 */
#define HT_STACKS_PER_BYTE 16
#define HT_STACKS_BASE (1u << 20)
#define HT_MAX_ITEMS (UINT32_MAX - 2)	/* strings, IPs, traces, infos: ids are 32-bit */
/* Return addresses libheaptrack keeps at most: Trace::MAX_SIZE (64) less its own 2. */
#define HT_TRACE_FRAMES 62
#define HT_CUT_NAME "[truncated stack]"
/*
 * Bounds on what hostile input may make the reader keep (§10.3).  Real
 * captures: the longest string of a clang++ capture is 2.5 KB, its strings
 * add up to 0.5 MB; libheaptrack records at most 64 return addresses
 * (Trace::MAX_SIZE), so a real trace chain is at most 64 nodes deep.
 */
#define HT_MAX_STRING (1u << 20)		/* bytes of one string */
#define HT_MAX_STRING_TABLE (64u << 20)	/* bytes of all strings and the command line */
#define HT_MAX_TRACE_DEPTH 1024		/* 't' nodes from the root to one node */
#define HT_MAX_STACK_FRAMES 65536	/* frames of one stack, inlined ones included */

enum line_result {
	LINE_OK = 0,
	LINE_BAD = 1,		/* skipped; p->why says why */
};

struct ht_ip {
	uint32_t first;		/* index in ip_frames */
	uint32_t n;		/* frames, >= 1 */
	bool opnew;		/* the innermost function is an operator new */
};

struct ht_trace {
	uint32_t ip;		/* 1-based IP index, 0 = unknown */
	uint32_t parent;	/* 1-based trace index, 0 = root; < own index */
	uint32_t stack;		/* builder stack id */
	uint32_t root;		/* 1-based index of the outermost node of this trace */
	uint32_t cut;		/* the stack under HT_CUT_NAME; 0 = not made yet */
	uint32_t frames;	/* frames of the stack, <= HT_MAX_STACK_FRAMES */
	uint16_t depth;		/* nodes from the root, operator-new nodes included,
				 * <= HT_MAX_TRACE_DEPTH */
	bool whole_root;	/* (outermost nodes) the root of an allocation's whole trace */
};

struct ht_info {
	uint64_t size;		/* <= INT64_MAX */
	uint32_t stack;
};

struct ht {
	struct input *in;
	struct capture_builder *b;
	struct mt_error *err;

	uint64_t tool_version;
	uint64_t file_version;
	bool sized_strings;		/* format >= 3 */
	bool header_seen;		/* the 'v' line */
	bool command_seen;
	bool in_command;		/* lines right after 'X' may continue it */
	char *command;			/* NUL-terminated, may hold '\n' */
	size_t command_len;

	struct vec strings;		/* uint32_t builder string id */
	struct vec ips;			/* struct ht_ip */
	struct vec ip_frames;		/* uint32_t builder frame id */
	struct vec traces;		/* struct ht_trace */
	struct vec infos;		/* struct ht_info */
	uint64_t opnew_str[4];		/* file string index of each operator new name, 0 = none */

	uint64_t string_bytes;		/* strings and command line, <= HT_MAX_STRING_TABLE */
	enum { END_NONE, END_STRINGS, END_IPS } end;	/* end lines seen last (§10.1) */
	uint64_t end_strings, end_ips;	/* their counts */

	struct ht_live_table live;	/* the leak table */
	bool leak_table;		/* kept: the capture keeps its event log */
	struct hashmap v0_ptrs;		/* format 0: live pointer -> info index */
	struct hashmap v0_infos;	/* format 0: size << 32 | trace -> info index */

	uint64_t last_alloc;		/* temporary rule: info index (format 0: pointer) */
	uint64_t page_size;
	int64_t time_ms;		/* value of the last 'c' line */
	uint64_t volume;		/* sum of |bytes| of all events, <= INT64_MAX */
	uint64_t stack_steps;		/* capture_builder_stack calls, bounds the trie */
	uint32_t cut_root;		/* stack of the HT_CUT_NAME frame alone; 0 = none yet */
	uint64_t events;

	uint64_t line_off;		/* decoded offset of the current line */
	bool final;			/* the current line is an unterminated last line */
	const char *why;		/* reason of the last LINE_BAD */
	char why_buf[96];
	uint64_t bad_lines;
};

static const char *const opnew_names[4] = {
	"operator new(unsigned long)",
	"operator new[](unsigned long)",
	"operator new(unsigned int)",
	"operator new[](unsigned int)",
};

static const char *const builtin_suppressions[] = {
	"__nss_module_allocate", "__gconv_read_conf", "__new_exitfn", "tzset_internal",
	"dl_open_worker", "g_main_context_new", "g_thread_self",
};

/* ------------------------------------------------------------------ fields */

/* The fields of one line: [p, end), starting after the type byte and its separator. */
struct fields {
	const uint8_t *p;
	const uint8_t *end;
};

static void fields_init(struct fields *f, const uint8_t *line, size_t len)
{
	f->p = line + (len > 2 ? 2 : len);
	f->end = line + len;
}

/*
 * One hex field, as heaptrack's LineReader reads it: lower-case digits up to
 * a space (which is consumed) or the end of the line.  Fails at the end of
 * the line, on any other byte and (unlike heaptrack, which wraps) on values
 * over 64 bits.  An empty field between two spaces reads as 0, as in heaptrack
 * (§2.2).
 */
static bool f_hex(struct fields *f, uint64_t *out)
{
	const uint8_t *p = f->p;
	uint64_t v = 0;

	if (p == f->end)
		return false;
	while (p < f->end) {
		unsigned c = *p, d;

		if (c >= '0' && c <= '9') {
			d = c - '0';
		} else if (c >= 'a' && c <= 'f') {
			d = c - 'a' + 10;
		} else if (c == ' ') {
			p++;
			break;
		} else {
			return false;
		}
		if (v >> 60)
			return false;
		v = v << 4 | d;
		p++;
	}
	f->p = p;
	*out = v;
	return true;
}

/* A field that heaptrack reads as 0 when it is missing or bad. */
static uint64_t f_hex_or0(struct fields *f)
{
	uint64_t v = 0;

	return f_hex(f, &v) ? v : 0;
}

/* A sized string "<hexlen> <bytes>" (§2.3); the length is checked against the line. */
static bool f_sized(struct fields *f, const uint8_t **s, size_t *len)
{
	struct fields save = *f;
	uint64_t n;

	if (!f_hex(f, &n) || n > (uint64_t)(f->end - f->p)) {
		*f = save;
		return false;
	}
	*s = f->p;
	*len = (size_t)n;
	f->p += n;
	if (f->p != f->end)
		f->p++;
	return true;
}

static int bad(struct ht *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct ht *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why_buf, sizeof(p->why_buf), fmt, ap);
	va_end(ap);
	p->why = p->why_buf;
	return LINE_BAD;
}

/* A problem inside a line that was still used. */
static void note(struct ht *p, const char *what, uint64_t idx, size_t have)
{
	p->bad_lines++;
	if (p->bad_lines <= HT_DETAILED_WARNINGS)
		capture_builder_warning(p->b, "line at byte %" PRIu64 ": %s %" PRIu64
					" out of range (%zu defined), used as unknown",
					p->line_off, what, idx, have);
}

/* ------------------------------------------------------------------ ids */

/* Builder string id of file string idx (1-based; 0 and bad ones give 0). */
static uint32_t string_id(struct ht *p, uint64_t idx)
{
	if (idx == 0)
		return 0;
	if (idx > p->strings.len) {
		note(p, "string index", idx, p->strings.len);
		return 0;
	}
	return *(uint32_t *)vec_at(&p->strings, (size_t)idx - 1);
}

static struct ht_trace *trace_at(const struct ht *p, uint64_t idx)
{
	return vec_at(&p->traces, (size_t)idx - 1);
}

static uint32_t trace_stack(const struct ht *p, uint64_t idx)
{
	return idx ? trace_at(p, idx)->stack : 0;
}

static int check_items(struct ht *p, const struct vec *v, const char *what)
{
	if (v->len < HT_MAX_ITEMS)
		return 0;
	return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "more than %u %s",
			    HT_MAX_ITEMS, what);
}

/* ------------------------------------------------------------------ records */

static int line_version(struct ht *p, struct fields *f)
{
	uint64_t fv;
	char buf[64];

	if (p->header_seen) {
		capture_builder_warning(p->b, "second 'v' line at byte %" PRIu64 " ignored",
					p->line_off);
		return LINE_OK;
	}
	p->header_seen = true;
	p->tool_version = f_hex_or0(f);
	if (!f_hex(f, &fv))
		fv = p->tool_version == 0x010200 ? 1 : 0;
	if (fv > HT_MAX_FILE_VERSION)
		return mt_error_set(p->err, MT_ERR_VERSION, p->line_off,
				    "heaptrack file format version %" PRIu64 " (written by "
				    "heaptrack %" PRIu64 ".%" PRIu64 ".%" PRIu64 "); supported are "
				    "versions 0 to %d (heaptrack up to 1.6)", fv,
				    p->tool_version >> 16, p->tool_version >> 8 & 0xff,
				    p->tool_version & 0xff, HT_MAX_FILE_VERSION);
	p->file_version = fv;
	p->sized_strings = fv >= 3;
	snprintf(buf, sizeof(buf), "%" PRIu64, fv);
	capture_meta_set_str(&capture_builder_meta(p->b)->format_version, buf);
	if (p->tool_version) {
		snprintf(buf, sizeof(buf), "%" PRIu64 ".%" PRIu64 ".%" PRIu64,
			 p->tool_version >> 16, p->tool_version >> 8 & 0xff,
			 p->tool_version & 0xff);
		capture_meta_set_str(&capture_builder_meta(p->b)->tool_version, buf);
	}
	return LINE_OK;
}

/*
 * Counts len more bytes of strings against the bounds (§10.3): one string
 * (when one is true) at most HT_MAX_STRING bytes, all of them at most
 * HT_MAX_STRING_TABLE.
 */
static int take_string_bytes(struct ht *p, size_t len, bool one)
{
	if (one && len > HT_MAX_STRING)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "a string of %zu bytes, "
				    "more than the %u bytes memtui allows one string", len,
				    HT_MAX_STRING);
	if (len > HT_MAX_STRING_TABLE - p->string_bytes)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "strings add up to more "
				    "than the %u MiB memtui allows them",
				    HT_MAX_STRING_TABLE >> 20);
	p->string_bytes += len;
	return 0;
}

static int command_append(struct ht *p, const uint8_t *s, size_t len, bool newline)
{
	size_t add = len + (newline ? 1 : 0);
	int rc;

	/* Bounded by HT_MAX_STRING_TABLE. */
	if ((rc = take_string_bytes(p, add, false)) < 0)
		return rc;
	p->command = xrealloc_array(p->command, p->command_len + add + 1, 1);
	if (newline)
		p->command[p->command_len++] = '\n';
	memcpy(p->command + p->command_len, s, len);
	p->command_len += len;
	p->command[p->command_len] = '\0';
	return LINE_OK;
}

static int line_string(struct ht *p, const uint8_t *line, size_t len, struct fields *f)
{
	const uint8_t *s = line + (len > 2 ? 2 : len);
	size_t n = (size_t)(f->end - s);
	uint32_t id;
	int rc;

	if ((rc = check_items(p, &p->strings, "strings")) < 0)
		return rc;
	if (p->sized_strings && !f_sized(f, &s, &n)) {
		if (p->final)
			return bad(p, "bad sized string");
		/* heaptrack keeps an empty string so that later indices stay right */
		p->bad_lines++;
		if (p->bad_lines <= HT_DETAILED_WARNINGS)
			capture_builder_warning(p->b, "line at byte %" PRIu64 ": bad sized string, "
						"kept as empty", p->line_off);
		n = 0;
	}
	if ((rc = take_string_bytes(p, n, true)) < 0)
		return rc;
	id = capture_builder_string(p->b, (const char *)s, n);
	vec_push(&p->strings, &id);
	for (int k = 0; k < 4; k++) {
		if (!p->opnew_str[k] && n == strlen(opnew_names[k]) &&
		    !memcmp(s, opnew_names[k], n)) {
			p->opnew_str[k] = p->strings.len;
			break;
		}
	}
	return LINE_OK;
}

static bool is_opnew(const struct ht *p, uint64_t function)
{
	for (int k = 0; k < 4; k++)
		if (function && p->opnew_str[k] == function)
			return true;
	return false;
}

/* One frame triple "function file line"; false (and f unchanged) if incomplete. */
static bool read_triple(struct fields *f, uint64_t v[3])
{
	struct fields save = *f;

	if (f_hex(f, &v[0]) && f_hex(f, &v[1]) && f_hex(f, &v[2]))
		return true;
	*f = save;
	return false;
}

/*
 * "i ip module [function [file line [function file line]...]]".  Missing or bad
 * fields read as 0, as heaptrack's reader leaves them; an incomplete innermost
 * triple keeps the fields that were read (§4.7, §5.1).
 */
static int line_ip(struct ht *p, struct fields *f)
{
	uint64_t addr = f_hex_or0(f), module_idx = f_hex_or0(f);
	uint64_t v[3] = { 0, 0, 0 };
	struct frame fr = { 0 };
	struct ht_ip ip;
	uint32_t module;
	size_t n_inlined = 0;
	int rc;

	if ((rc = check_items(p, &p->ips, "instruction pointers")) < 0)
		return rc;
	if (p->ip_frames.len > UINT32_MAX - HT_MAX_INLINED - 2)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "too many frames");
	module = string_id(p, module_idx);
	if (f_hex(f, &v[0]) && f_hex(f, &v[1]))
		f_hex(f, &v[2]);
	ip.first = (uint32_t)p->ip_frames.len;
	ip.opnew = is_opnew(p, v[0]);
	fr.module = module;
	fr.address = addr;
	fr.function = string_id(p, v[0]);
	fr.file = string_id(p, v[1]);
	fr.line = v[2] > UINT32_MAX ? 0 : (uint32_t)v[2];
	for (;;) {
		uint64_t t[3] = { 0, 0, 0 };
		uint32_t id;

		fr.kind = FRAME_INLINED;
		if (!read_triple(f, t) || n_inlined >= HT_MAX_INLINED)
			fr.kind = FRAME_NATIVE;
		id = capture_builder_frame(p->b, &fr);
		vec_push(&p->ip_frames, &id);
		if (fr.kind == FRAME_NATIVE)
			break;
		n_inlined++;
		fr.function = string_id(p, t[0]);
		fr.file = string_id(p, t[1]);
		fr.line = t[2] > UINT32_MAX ? 0 : (uint32_t)t[2];
	}
	if (n_inlined >= HT_MAX_INLINED && f->p != f->end)
		capture_builder_warning(p->b, "line at byte %" PRIu64 ": more than %d inlined "
					"frames, the rest dropped", p->line_off, HT_MAX_INLINED);
	ip.n = (uint32_t)(p->ip_frames.len - ip.first);
	vec_push(&p->ips, &ip);
	return LINE_OK;
}

/*
 * The stack of *stack extended by the frames of IP ipi (0: heaptrack's empty
 * frame), outermost first, into *stack.
 */
static int extend_by_ip(struct ht *p, uint32_t *stack, uint32_t ipi)
{
	const struct ht_ip *ip = ipi ? vec_at(&p->ips, (size_t)ipi - 1) : NULL;

	if (!ip) {
		struct frame fr = { .kind = FRAME_NATIVE };

		*stack = capture_builder_stack(p->b, *stack, capture_builder_frame(p->b, &fr));
		p->stack_steps++;
		return LINE_OK;
	}
	p->stack_steps += ip->n;
	if (p->stack_steps > HT_STACKS_BASE + HT_STACKS_PER_BYTE * p->line_off)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off,
				    "call stacks out of all proportion to the file size");
	for (uint32_t k = ip->n; k-- > 0;) {
		uint32_t fid = *(uint32_t *)vec_at(&p->ip_frames, ip->first + k);

		*stack = capture_builder_stack(p->b, *stack, fid);
	}
	return LINE_OK;
}

/* "t ip parent": a trace node, with heaptrack's operator-new stripping (§5.2, §5.3). */
static int line_trace(struct ht *p, struct fields *f)
{
	uint64_t ipi = f_hex_or0(f), parent = f_hex_or0(f);
	struct ht_trace node;
	const struct ht_ip *ip;
	uint32_t self = (uint32_t)p->traces.len + 1, depth = 1, root = self, frames = 0;
	int rc;

	if ((rc = check_items(p, &p->traces, "trace nodes")) < 0)
		return rc;
	if (ipi > p->ips.len) {
		note(p, "IP index", ipi, p->ips.len);
		ipi = 0;
	}
	if (parent > p->traces.len) {
		note(p, "parent trace index", parent, p->traces.len);
		parent = 0;
	}
	if (parent) {
		const struct ht_trace *up = trace_at(p, parent);

		depth = up->depth + 1u;
		root = up->root;
		frames = up->frames;
	}
	ip = ipi ? vec_at(&p->ips, (size_t)ipi - 1) : NULL;
	if (!(ip && ip->opnew))
		frames += ip ? ip->n : 1;
	if (depth > HT_MAX_TRACE_DEPTH || frames > HT_MAX_STACK_FRAMES)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "a call stack deeper than "
				    "memtui allows (%u trace nodes or %u frames; heaptrack records "
				    "at most 64 return addresses)", HT_MAX_TRACE_DEPTH,
				    HT_MAX_STACK_FRAMES);
	if (ip && ip->opnew) {
		/* stored nodes never have an operator-new IP: one step is enough */
		node = parent ? *trace_at(p, parent) : (struct ht_trace){ 0 };
	} else {
		memset(&node, 0, sizeof(node));
		node.ip = (uint32_t)ipi;
		node.parent = (uint32_t)parent;
		node.stack = trace_stack(p, parent);
		if ((rc = extend_by_ip(p, &node.stack, node.ip)) != LINE_OK)
			return rc;
	}
	node.depth = (uint16_t)depth;
	node.frames = frames;
	node.root = root;
	node.whole_root = false;
	vec_push(&p->traces, &node);
	return LINE_OK;
}

/*
 * The stack of trace idx's frames under the HT_CUT_NAME frame: made once per
 * node, walking up to the nearest node that has it (a cut trace has at most
 * HT_TRACE_FRAMES nodes).
 */
static int cut_stack(struct ht *p, uint32_t idx, uint32_t *out)
{
	uint32_t chain[HT_TRACE_FRAMES];
	size_t n = 0;
	uint32_t stack, k = idx;
	int rc;

	while (k && !trace_at(p, k)->cut && n < HT_TRACE_FRAMES) {
		chain[n++] = k;
		k = trace_at(p, k)->parent;
	}
	if (k && !trace_at(p, k)->cut)
		BUG("a cut trace longer than HT_TRACE_FRAMES");
	if (!p->cut_root) {
		struct frame fr = { .kind = FRAME_NATIVE };

		fr.function = capture_builder_cstring(p->b, HT_CUT_NAME);
		p->cut_root = capture_builder_stack(p->b, 0, capture_builder_frame(p->b, &fr));
	}
	stack = k ? trace_at(p, k)->cut : p->cut_root;
	while (n--) {
		struct ht_trace *t = trace_at(p, chain[n]);

		if ((rc = extend_by_ip(p, &stack, t->ip)) != LINE_OK)
			return rc;
		t->cut = stack;
	}
	*out = stack;
	return LINE_OK;
}

/* The stack of trace idx, or the root (with a warning) when it is not defined yet. */
static uint32_t stack_of_trace(struct ht *p, uint64_t idx)
{
	if (idx > p->traces.len) {
		note(p, "trace index", idx, p->traces.len);
		return 0;
	}
	return trace_stack(p, idx);
}

static int push_info(struct ht *p, uint64_t size, uint64_t trace)
{
	struct ht_info info;
	int rc;

	if ((rc = check_items(p, &p->infos, "allocation records")) < 0)
		return rc;
	if (p->infos.len >= EVENT_KEYS_MAX)
		return mt_error_set(p->err, MT_ERR_LIMIT, p->line_off, "more than %u %s",
				    EVENT_KEYS_MAX, "allocation records");
	info.size = size;
	info.stack = stack_of_trace(p, trace);
	if (trace && trace <= p->traces.len) {
		const struct ht_trace *t = trace_at(p, trace);
		struct ht_trace *root = trace_at(p, t->root);

		if (t->depth < HT_TRACE_FRAMES)
			root->whole_root = true;
		else if (t->depth == HT_TRACE_FRAMES && !root->whole_root &&
			 (rc = cut_stack(p, (uint32_t)trace, &info.stack)) != LINE_OK)
			return rc;
	}
	vec_push(&p->infos, &info);
	/* A streamed capture's events are key events: key i is info i. */
	if (capture_builder_is_streamed(p->b) &&
	    capture_builder_key(p->b, info.stack, (int64_t)size) != p->infos.len - 1)
		BUG("heaptrack: an info's key is not its index");
	return LINE_OK;
}

static int line_info(struct ht *p, struct fields *f)
{
	uint64_t size, trace;

	if (!f_hex(f, &size) || !f_hex(f, &trace))
		return bad(p, "bad allocation record");
	if (size > INT64_MAX)
		return bad(p, "allocation size over 2^63");
	return push_info(p, size, trace);
}

static void leak(void *ctx, uint32_t info, uint64_t ev_idx)
{
	struct ht *p = ctx;
	const struct ht_info *in = vec_at(&p->infos, info);

	capture_builder_leak(p->b, ev_idx, in->stack, (int64_t)in->size, 1);
}

/* The leak table, unless a free found no live allocation. */
static void emit_leaks(struct ht *p)
{
	if (p->leak_table && ht_live_each(&p->live, leak, p))
		capture_builder_leaks_known(p->b);
}

/*
 * The next event, an allocation (alloc) or a free of info idx on the line at
 * line_off, into *ev as a key event (the info is its key), with the volume
 * (*volume: p's, or a run's copy of it in a register) and the leak table kept.
 * give_events hands it over.
 */
static int make_event(struct ht *p, uint64_t *volume, uint32_t idx, bool alloc, bool temporary,
		      uint64_t line_off, uint32_t *ev)
{
	const struct ht_info *info = (const struct ht_info *)p->infos.data + idx;

	if (ckd_add_u64(*volume, info->size, volume) || *volume > INT64_MAX)
		return mt_error_set(p->err, MT_ERR_LIMIT, line_off,
				    "allocation sizes add up to more than 2^63 bytes");
	if (p->leak_table)
		ht_live_track(&p->live, idx, alloc);
	*ev = KEY_EVENT(idx, alloc ? KEY_ALLOC : temporary ? KEY_FREE_TEMPORARY : KEY_FREE);
	return LINE_OK;
}

/* Lines the run reads ahead, so that the infos they name are fetched early. */
#define RUN_AHEAD 32

/*
 * Hands key events ev[0..n) over: as they are to a streamed capture, else
 * as the events they stand for, made here from the infos a run has just
 * fetched (the builder's own copy of the keys would be one more miss per
 * event: the explorer's load of clang was 5% slower so).
 */
static void give_events(struct ht *p, const uint32_t *ev, size_t n)
{
	const struct ht_info *infos = p->infos.data;
	struct event evs[RUN_AHEAD];

	if (capture_builder_is_streamed(p->b)) {
		capture_builder_key_run(p->b, ev, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct ht_info *info = &infos[KEY_OF(ev[i])];

		if (KEY_KIND_OF(ev[i]) == KEY_ALLOC)
			evs[i] = (struct event){ info->stack, EV_ALLOC, (int64_t)info->size, 1 };
		else
			evs[i] = (struct event){ info->stack,
						 KEY_KIND_OF(ev[i]) == KEY_FREE ? 0 : EV_TEMPORARY,
						 -(int64_t)info->size, -1 };
	}
	capture_builder_event_run(p->b, evs, n);
}

static int event(struct ht *p, uint32_t idx, bool alloc, bool temporary)
{
	uint32_t ev;
	int rc;

	if ((rc = make_event(p, &p->volume, idx, alloc, temporary, p->line_off, &ev)) < 0)
		return rc;
	give_events(p, &ev, 1);
	p->events++;
	return LINE_OK;
}

/*
 * Format 0 (§6.2): "+ size trace pointer"; infos are deduplicated by (size, trace)
 * when they fit.
 */
static int alloc_v0(struct ht *p, struct fields *f)
{
	uint64_t size, trace, ptr, key;
	uint32_t idx = HASHMAP_NONE;
	int rc;

	if (!f_hex(f, &size) || !f_hex(f, &trace) || !f_hex(f, &ptr))
		return bad(p, "bad allocation line");
	if (size > INT64_MAX)
		return bad(p, "allocation size over 2^63");
	if (trace > p->traces.len)
		trace = p->traces.len + 1;	/* all undefined traces share the root */
	key = size << 32 | trace;
	if (size <= UINT32_MAX && trace <= UINT32_MAX)
		idx = hashmap_get(&p->v0_infos, key);
	if (idx == HASHMAP_NONE) {
		if ((rc = push_info(p, size, trace)) != LINE_OK)
			return rc;
		idx = (uint32_t)(p->infos.len - 1);
		if (size <= UINT32_MAX && trace <= UINT32_MAX)
			hashmap_put(&p->v0_infos, key, idx);
	}
	hashmap_put(&p->v0_ptrs, ptr, idx);
	p->last_alloc = ptr;
	return event(p, idx, true, false);
}

static int free_v0(struct ht *p, struct fields *f)
{
	uint64_t ptr;
	uint32_t idx;
	bool temporary;

	if (!f_hex(f, &ptr))
		return bad(p, "bad free line");
	idx = hashmap_remove(&p->v0_ptrs, ptr);
	if (idx == HASHMAP_NONE)
		return LINE_OK;		/* freed before the attach or untracked: dropped */
	temporary = p->last_alloc == ptr;
	p->last_alloc = 0;
	return event(p, idx, false, temporary);
}

static int line_alloc(struct ht *p, struct fields *f)
{
	uint64_t idx;

	if (p->file_version == 0)
		return alloc_v0(p, f);
	if (!f_hex(f, &idx))
		return bad(p, "bad allocation line");
	if (f->p != f->end && p->infos.len == 0)
		return mt_error_set(p->err, MT_ERR_FORMAT, p->line_off,
				    "this is a raw heaptrack stream ('+ size trace pointer'); run "
				    "heaptrack_interpret on it first");
	if (idx >= p->infos.len)
		return bad(p, "allocation index %" PRIu64 " out of range (%zu defined)", idx,
			   p->infos.len);
	p->last_alloc = idx;
	return event(p, (uint32_t)idx, true, false);
}

static int line_free(struct ht *p, struct fields *f)
{
	uint64_t idx;
	bool temporary;

	if (p->file_version == 0)
		return free_v0(p, f);
	if (!f_hex(f, &idx))
		return bad(p, "bad free line");
	temporary = p->last_alloc == idx;
	p->last_alloc = 0;
	if (idx >= p->infos.len)
		return bad(p, "free of allocation index %" PRIu64 " out of range (%zu defined)",
			   idx, p->infos.len);
	return event(p, (uint32_t)idx, false, temporary);
}

static int line_time(struct ht *p, struct fields *f)
{
	uint64_t ms;

	if (!f_hex(f, &ms) || ms >= INT64_MAX)
		return bad(p, "bad time stamp");
	p->time_ms = (int64_t)ms;
	capture_builder_time(p->b, p->time_ms);
	return LINE_OK;
}

static int line_rss(struct ht *p, struct fields *f)
{
	uint64_t pages = f_hex_or0(f), bytes;

	if (__builtin_mul_overflow(pages, p->page_size, &bytes))
		return bad(p, "RSS of %" PRIx64 " pages overflows", pages);
	capture_builder_rss(p->b, p->time_ms, bytes);
	return LINE_OK;
}

/* heaptrack 1.4's parseSuppression over the rest of the line (§4.4). */
static int line_suppression(struct ht *p, const uint8_t *line, size_t len)
{
	const uint8_t *s = line + (len > 2 ? 2 : len), *e = line + len;
	char *pattern;

	while (s < e && (*s == ' ' || (*s >= '\t' && *s <= '\r')))
		s++;
	while (e > s && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
		e--;
	if (s == e || *s == '#')
		return LINE_OK;
	if (e - s <= 5 || memcmp(s, "leak:", 5)) {
		capture_builder_warning(p->b, "suppression line at byte %" PRIu64 " ignored, as "
					"heaptrack 1.4 does (it reads the sized string as text)",
					p->line_off);
		return LINE_OK;
	}
	pattern = xstrndup((const char *)s + 5, (size_t)(e - s) - 5);
	capture_builder_suppression(p->b, pattern);
	free(pattern);
	return LINE_OK;
}

/* ------------------------------------------------------------------ end lines */

/* A decimal count after prefix, to the end of the line; false if the line is not that. */
static bool end_count(const uint8_t *line, size_t len, const char *prefix, uint64_t *out)
{
	size_t k = strlen(prefix);
	uint64_t v = 0;

	if (len <= k || memcmp(line, prefix, k))
		return false;
	for (; k < len; k++) {
		if (line[k] < '0' || line[k] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (line[k] - '0');
	}
	*out = v;
	return true;
}

/*
 * A comment line: "# strings: N" then "# ips: N" are the end lines that
 * heaptrack_interpret writes when it finishes (§10.1).  Other comments
 * leave the state as it is.
 */
static void end_comment(struct ht *p, const uint8_t *line, size_t len)
{
	uint64_t n;

	if (end_count(line, len, "# strings: ", &n)) {
		p->end = END_STRINGS;
		p->end_strings = n;
	} else if (end_count(line, len, "# ips: ", &n)) {
		p->end = p->end == END_STRINGS ? END_IPS : END_NONE;
		p->end_ips = n;
	} else if ((len >= 9 && !memcmp(line, "# strings", 9)) ||
		   (len >= 5 && !memcmp(line, "# ips", 5))) {
		p->end = END_NONE;	/* an end line with a bad count is none */
	}
}

/* A record line: end lines before it were not the end. */
static void end_record(struct ht *p)
{
	if (p->end == END_IPS)
		capture_builder_inconsistent(p->b, "records follow the end lines ('# strings', "
					     "'# ips') at byte %" PRIu64, p->line_off);
	p->end = END_NONE;
}

/*
 * At the end of the data (end_off bytes decoded): a capture without its end
 * lines stops early; end lines whose counts disagree with the 's' and 'i'
 * lines read contradict the file (§10.1).  Nothing to check when the data
 * is already known to stop early: a cut "# ips: 28" may read "# ips: 2".
 */
static void end_check(struct ht *p, uint64_t end_off)
{
	if (capture_builder_meta(p->b)->truncated)
		return;
	if (p->end != END_IPS) {
		capture_builder_truncated(p->b, end_off, "no '# strings'/'# ips' end lines: "
					  "the file stops early");
		return;
	}
	if (p->end_strings != p->strings.len || p->end_ips != p->ips.len)
		capture_builder_inconsistent(p->b, "the end lines count %" PRIu64 " strings and "
					     "%" PRIu64 " IPs, the file defines %zu and %zu",
					     p->end_strings, p->end_ips, p->strings.len,
					     p->ips.len);
}

/* A line right after 'X' that is not a record continues the command line (§4.2). */
static bool looks_like_record(const uint8_t *line, size_t len)
{
	if (len == 0 || line[0] == '#')
		return true;
	if (len > 1 && line[1] != ' ')
		return false;
	return strchr("vXISAsita+-cRxm", line[0]) != NULL && line[0] != '\0';
}

static int handle_line(struct ht *p, const uint8_t *line, size_t len)
{
	struct fields f;

	if (p->in_command) {
		if (!looks_like_record(line, len)) {
			return command_append(p, line, len, true);
		}
		p->in_command = false;
	}
	fields_init(&f, line, len);
	if (len == 0)
		return LINE_OK;
	if (line[0] != '#')
		end_record(p);
	if (!p->header_seen && line[0] != 'v')
		return mt_error_set(p->err, MT_ERR_FORMAT, p->line_off,
				    "not a heaptrack capture: no 'v' line first");
	switch (line[0]) {
	case 'v':
		return line_version(p, &f);
	case 's':
		return line_string(p, line, len, &f);
	case 'i':
		return line_ip(p, &f);
	case 't':
		return line_trace(p, &f);
	case 'a':
		return line_info(p, &f);
	case '+':
		return line_alloc(p, &f);
	case '-':
		return line_free(p, &f);
	case 'c':
		return line_time(p, &f);
	case 'R':
		return line_rss(p, &f);
	case 'I':
		p->page_size = f_hex_or0(&f);
		return LINE_OK;
	case 'S':
		return line_suppression(p, line, len);
	case '#':
		end_comment(p, line, len);
		return LINE_OK;
	case 'X':
		if (p->command_seen) {
			capture_builder_warning(p->b, "second command line ('X') at byte %" PRIu64
						" ignored (heaptrack refuses such a file)",
						p->line_off);
			return LINE_OK;
		}
		p->command_seen = true;
		p->in_command = true;
		return command_append(p, f.p, (size_t)(f.end - f.p), false);
	case 'A':
		capture_builder_warning(p->b, "attached to a running process: allocations made "
					"before the attach are missing and their frees dropped");
		if (p->events)
			capture_builder_warning(p->b, "attach line after %" PRIu64 " events: "
						"heaptrack restarts its totals there, memtui "
						"keeps them", p->events);
		return LINE_OK;
	case 'x':
	case 'm':
		return mt_error_set(p->err, MT_ERR_FORMAT, p->line_off,
				    "this is a raw heaptrack stream ('%c' lines); run "
				    "heaptrack_interpret on it first (zstd -dc RAW | "
				    "/usr/lib/heaptrack/libexec/heaptrack_interpret | zstd -c > "
				    "CAPTURE.zst)", line[0]);
	default:
		return bad(p, "unknown line type 0x%02x", line[0]);
	}
}

/* ------------------------------------------------------------------ lines */

/*
 * The next line in the input window: 1 with *line, *len (without the '\n')
 * and *newline, 0 at the end, or a negative error for a line that does not fit in
 * the largest window.  The line is consumed by the caller.
 */
static int next_line(struct ht *p, const uint8_t **line, size_t *len, bool *newline)
{
	size_t avail = input_avail(p->in), scan = 0;

	for (;;) {
		const uint8_t *buf = input_ptr(p->in);
		const uint8_t *eol = avail > scan ? memchr(buf + scan, '\n', avail - scan) : NULL;
		size_t want;
		ssize_t n;

		if (eol) {
			*line = buf;
			*len = (size_t)(eol - buf);
			*newline = true;
			return 1;
		}
		if (avail >= INPUT_MAX_WINDOW)
			return mt_error_set(p->err, MT_ERR_CORRUPT, input_offset(p->in),
					    "line longer than %u bytes", INPUT_MAX_WINDOW);
		scan = avail;
		want = avail < (32u << 10) ? 64u << 10 : avail * 2;
		if (want > INPUT_MAX_WINDOW)
			want = INPUT_MAX_WINDOW;
		n = input_fill(p->in, want, p->err);
		if (n < 0 || (size_t)n <= avail) {
			avail = input_avail(p->in);
			if (!avail)
				return 0;
			*line = input_ptr(p->in);
			*len = avail;
			*newline = false;
			return 1;
		}
		avail = (size_t)n;
	}
}

/*
 * The field of a line "+ idx\n" or "- idx\n" at q, 8 bytes of which are
 * readable: 1 to 7 lower-case hex digits and the '\n' (heaptrack's indices,
 * below 2^28), all 8 bytes tested and converted at once as one word.
 * Returns the count of digits, with their value in *out, or 0 when the
 * field is anything else.
 */
static unsigned hex_field8(const uint8_t *q, uint64_t *out)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w = 0, nl, mask, low, digit, letter, n;
	unsigned len;

	for (int i = 0; i < 8; i++)
		w |= (uint64_t)q[i] << 8 * i;	/* byte i of the field is byte i of w */
	nl = w ^ ones * '\n';
	nl = (nl - ones) & ~nl & highs;	/* its lowest bit marks the first '\n' */
	if (!nl || (len = (unsigned)__builtin_ctzll(nl) / 8) == 0)
		return 0;
	mask = (1ull << 8 * len) - 1;
	low = w & mask;
	if (low & highs)
		return 0;
	/* Per byte, with no carry between bytes since each is below 0x80. */
	digit = (low + ones * (0x80 - '0')) & ~(low + ones * (0x7f - '9')) & highs;
	letter = (low + ones * (0x80 - 'a')) & ~(low + ones * (0x7f - 'f')) & highs;
	if ((digit | letter) != (mask & highs))
		return 0;
	n = (low & ones * 0x0f) + (letter >> 7) * 9;	/* each byte now holds its digit */
	n = __builtin_bswap64(n) >> 8 * (8 - len);	/* the last digit in the lowest byte */
	n = (n | n >> 4) & 0x00ff00ff00ff00ffull;
	n = (n | n >> 8) & 0x0000ffff0000ffffull;
	*out = (n | n >> 16) & 0xffffffffull;
	return len;
}

/* One '+' or '-' line of a run: the info it names and where the line starts. */
struct run_line {
	uint32_t idx;
	bool alloc;
	uint32_t at;		/* offset in the window */
};

/*
 * Reads up to RUN_AHEAD lines "+ idx" or "- idx" of a defined info from
 * [*next, end) into run[], stopping before the first line that is anything
 * else or that ends within 10 bytes of the window's end (hex_field8 reads 8
 * bytes).  Returns how many; *next is after the last.
 */
static size_t run_scan(const struct ht *p, const uint8_t *buf, const uint8_t *end,
		       const uint8_t **next, struct run_line *run)
{
	const uint8_t *s = *next;
	size_t n = 0;

	while (n < RUN_AHEAD && end - s >= 10 && (s[0] == '+' || s[0] == '-') && s[1] == ' ') {
		uint64_t v;
		unsigned len = hex_field8(s + 2, &v);

		if (!len || v >= p->infos.len)
			break;
		run[n].idx = (uint32_t)v;
		run[n].alloc = s[0] == '+';
		run[n].at = (uint32_t)(s - buf);
		__builtin_prefetch((const struct ht_info *)p->infos.data + v);
		n++;
		s += 2 + len + 1;
	}
	*next = s;
	return n;
}

/*
 * The bulk of a capture, its '+' and '-' lines, without the per-line
 * machinery of handle_line: a run of such lines in the window is read
 * ahead, then each becomes its event, as line_alloc and line_free make it.
 * Anything else (another record, a field that is not one plain hex index,
 * an index out of range, a line the window cuts, the state after an end
 * line or inside the command line) is left to handle_line, so every error
 * and warning still comes from one place.  Returns 0 or a negative error.
 */
static int read_run(struct ht *p)
{
	const uint8_t *buf = input_ptr(p->in), *end = buf + input_avail(p->in), *s = buf;
	uint64_t base = input_offset(p->in);
	struct run_line run[RUN_AHEAD];
	uint32_t evs[RUN_AHEAD];
	size_t n;
	int rc;

	if (p->in_command || !p->header_seen || p->file_version == 0 || p->end != END_NONE ||
	    end - buf > UINT32_MAX)
		return 0;
	while ((n = run_scan(p, buf, end, &s, run)) > 0) {
		/* The running state in locals: stores into evs[] would reload it from p. */
		uint64_t volume = p->volume, last = p->last_alloc;

		for (size_t i = 0; i < n; i++) {
			bool temporary = !run[i].alloc && last == run[i].idx;

			last = run[i].alloc ? run[i].idx : 0;
			rc = make_event(p, &volume, run[i].idx, run[i].alloc, temporary,
					base + run[i].at, &evs[i]);
			if (rc < 0) {
				p->line_off = base + run[i].at;
				give_events(p, evs, i);
				return rc;
			}
		}
		p->volume = volume;
		p->last_alloc = last;
		give_events(p, evs, n);
		p->events += n;
	}
	input_consume(p->in, (size_t)(s - buf));
	return 0;
}

static int read_lines(struct ht *p)
{
	const uint8_t *line = NULL;
	size_t len = 0;
	bool newline = false;
	int rc;

	for (;;) {
		if ((rc = read_run(p)) < 0 || (rc = next_line(p, &line, &len, &newline)) <= 0)
			break;
		p->line_off = input_offset(p->in);
		p->final = !newline;
		if (!newline && input_stream_error(p->in)) {
			/* Like heaptrack, use what the cut line holds if it parses. */
			rc = handle_line(p, line, len);
			if (rc < 0)
				return rc;
			capture_builder_truncated(p->b, rc == LINE_BAD ? p->line_off
								       : p->line_off + len,
						  "compressed stream cut inside a line");
			input_consume(p->in, len);
			break;
		}
		rc = handle_line(p, line, len);
		if (rc < 0)
			return rc;
		if (p->final) {
			/* no '\n': the writer never finished this line (§10.1) */
			if (rc == LINE_BAD)
				capture_builder_truncated(p->b, p->line_off, "last line cut short");
			else
				capture_builder_truncated(p->b, p->line_off + len, "the last line "
							  "has no '\\n': the file stops inside it");
			input_consume(p->in, len);
			break;
		}
		if (rc == LINE_BAD) {
			p->bad_lines++;
			if (p->bad_lines <= HT_DETAILED_WARNINGS)
				capture_builder_warning(p->b,
							"line at byte %" PRIu64 " skipped: %s",
							p->line_off, p->why);
		}
		input_consume(p->in, len + (newline ? 1 : 0));
	}
	if (rc < 0)
		return rc;
	if (!p->header_seen)
		return mt_error_set(p->err, MT_ERR_FORMAT, 0, "not a heaptrack capture");
	if (input_stream_error(p->in)) {
		const struct mt_error *se = input_stream_error(p->in);

		capture_builder_truncated(p->b, input_offset(p->in), se->msg);
	}
	end_check(p, input_offset(p->in));
	return 0;
}

/* ------------------------------------------------------------------ reader */

static bool probe(const uint8_t *buf, size_t n)
{
	return n >= 3 && buf[0] == 'v' && buf[1] == ' ' &&
	       ((buf[2] >= '0' && buf[2] <= '9') || (buf[2] >= 'a' && buf[2] <= 'f'));
}

static void ht_init(struct ht *p, struct input *in, struct capture_builder *b,
		    struct mt_error *err)
{
	memset(p, 0, sizeof(*p));
	p->in = in;
	p->b = b;
	p->err = err;
	vec_init(&p->strings, sizeof(uint32_t));
	vec_init(&p->ips, sizeof(struct ht_ip));
	vec_init(&p->ip_frames, sizeof(uint32_t));
	vec_init(&p->traces, sizeof(struct ht_trace));
	vec_init(&p->infos, sizeof(struct ht_info));
	ht_live_init(&p->live);
	/*
	 * A streamed capture (a plain report) reads no leak table, and this one
	 * needs no check: per stack it sums to the live figures by its making.
	 */
	p->leak_table = !capture_builder_is_streamed(b);
	hashmap_init(&p->v0_ptrs);
	hashmap_init(&p->v0_infos);
}

static void ht_release(struct ht *p)
{
	vec_release(&p->strings);
	vec_release(&p->ips);
	vec_release(&p->ip_frames);
	vec_release(&p->traces);
	vec_release(&p->infos);
	ht_live_release(&p->live);
	hashmap_release(&p->v0_ptrs);
	hashmap_release(&p->v0_infos);
	free(p->command);
	p->command = NULL;
}

static int read_capture(struct input *in, struct capture_builder *b,
			const struct native_resolver *res, struct mt_error *err)
{
	struct capture_meta *m = capture_builder_meta(b);
	struct ht p;
	int rc;

	/* The rules are needed by the first event. */
	m->format = "heaptrack";
	m->pid = -1;
	m->native_traces = true;
	m->peak_rule = PEAK_FIRST_MAX;
	m->top_rule = TOP_INNERMOST_FRAME;
	for (size_t k = 0; k < sizeof(builtin_suppressions) / sizeof(builtin_suppressions[0]); k++)
		capture_builder_suppression(b, builtin_suppressions[k]);

	ht_init(&p, in, b, err);
	rc = read_lines(&p);
	if (rc == 0) {
		if (p.command)
			capture_meta_set_str(&m->command, p.command);
		m->duration_ms = p.time_ms + 1;	/* heaptrack's total runtime */
		emit_leaks(&p);
		if (p.bad_lines > HT_DETAILED_WARNINGS)
			capture_builder_warning(b, "%" PRIu64 " invalid lines or fields in all "
						"(only the first %d are named)", p.bad_lines,
						HT_DETAILED_WARNINGS);
	}
	ht_release(&p);
	return rc;
}

const struct reader heaptrack_reader = { "heaptrack", probe, read_capture };
