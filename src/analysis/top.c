/*
 * top: group by sorting (location key, stack) pairs, then merge runs.  The
 * location key is four string ids and a line, so equal names compare equal
 * without string comparisons; the final order sorts by bytes, then by the
 * names themselves so that output is deterministic across runs.
 */
#include "top.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct keyed {
	uint32_t function, file, module, line;
	uint32_t stack;
	uint32_t frame;
};

/* The location of x and y: 0 when they are one. */
static int cmp_location(const struct keyed *x, const struct keyed *y)
{
	if (x->function != y->function)
		return x->function < y->function ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/* By location, then by frame, so a location's distinct frames are runs. */
static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = cmp_location(x, y);

	if (c)
		return c;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct top_entry *x = a, *y = b;
	int64_t ax = llabs(x->bytes), ay = llabs(y->bytes);
	int c;

	if (ax != ay)
		return ax > ay ? -1 : 1;
	if ((c = strcmp(x->function, y->function)))
		return c;
	if ((c = strcmp(x->file, y->file)))
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Fills k with the location of stack; false for the unknown location. */
static int locate(const struct capture *cap, enum top_rule rule, uint32_t stack, struct keyed *k)
{
	uint32_t thread = capture_stack_thread(cap, stack);

	k->stack = stack;
	while (stack != thread) {	/* its call frames: a thread frame is none */
		const struct stack_node *sn = capture_stack(cap, stack);
		const struct frame *f = capture_frame(cap, sn->frame);

		if (rule == TOP_INNERMOST_HYBRID && !f->function) {
			/* memray groups every frame it cannot symbolize as "<unknown>". */
			k->function = k->file = k->module = k->line = 0;
			k->frame = 0;
			return 1;
		}
		if (rule == TOP_INNERMOST_FRAME || f->kind == FRAME_PYTHON ||
		    rule == TOP_INNERMOST_HYBRID) {
			k->function = f->function;
			k->file = f->file;
			k->module = rule == TOP_INNERMOST_FRAME ? f->module : 0;
			k->line = f->line;
			k->frame = sn->frame;
			return 1;
		}
		stack = sn->parent;
	}
	k->function = k->file = k->module = k->line = UINT32_MAX;
	k->frame = 0;
	return 0;
}

void top_locations(struct top_list *out, const struct capture *cap, const struct snapshot *weights,
		   const struct snapshot *calls)
{
	top_locations_by(out, cap, capture_meta(cap)->top_rule, weights, calls);
}

void top_locations_by(struct top_list *out, const struct capture *cap, enum top_rule rule,
		      const struct snapshot *weights, const struct snapshot *calls)
{
	struct keyed *keys = xmalloc((weights->n ? weights->n : 1) * sizeof(*keys));
	size_t nk = 0, i = 0;
	bool by_calls = rule == TOP_INNERMOST_FRAME && calls;

	for (uint32_t s = 0; s < weights->n; s++)
		if (weights->bytes[s] || (by_calls && calls->count[s]))
			locate(cap, rule, s, &keys[nk++]);
	qsort(keys, nk, sizeof(*keys), cmp_keyed);
	out->entries = xmalloc((nk ? nk : 1) * sizeof(*out->entries));
	out->n = 0;
	while (i < nk) {
		struct top_entry *e = &out->entries[out->n++];
		size_t j = i;
		bool unknown = keys[i].function == UINT32_MAX;

		e->function = unknown ? TOP_NO_PYTHON : capture_string(cap, keys[i].function);
		e->file = unknown ? "" : capture_string(cap, keys[i].file);
		if (!unknown && !keys[i].function && !keys[i].frame)
			e->function = TOP_UNNAMED_NATIVE;	/* TOP_INNERMOST_HYBRID */
		else if (rule == TOP_INNERMOST_HYBRID && !unknown && !*e->file &&
			 capture_frame(cap, keys[i].frame)->kind != FRAME_PYTHON)
			e->file = "<unknown>";	/* named from an ELF symbol table */
		e->module = unknown ? "" : capture_string(cap, keys[i].module);
		e->line = unknown ? 0 : keys[i].line;
		e->frame = keys[i].frame;
		e->n_frames = 0;
		e->bytes = 0;
		e->allocations = 0;
		for (; j < nk && !cmp_location(&keys[i], &keys[j]); j++) {
			uint32_t s = keys[j].stack;

			if (j == i || keys[j].frame != keys[j - 1].frame)
				e->n_frames++;
			e->bytes += weights->bytes[s];
			e->allocations += by_calls ? calls->count[s] : weights->count[s];
		}
		i = j;
		if (!e->bytes)
			out->n--;	/* calls without bytes: not a location at this point */
	}
	qsort(out->entries, out->n, sizeof(*out->entries), cmp_entry);
	free(keys);
}

void top_list_release(struct top_list *l)
{
	free(l->entries);
	l->entries = NULL;
	l->n = 0;
}

const char *top_entry_function(const struct capture *cap, const struct top_entry *e, char *buf,
			       size_t size)
{
	const char *mod, *slash;

	if (*e->function || !e->frame)
		return e->function;
	if (e->n_frames < 2)
		return capture_frame_label(cap, e->frame, buf, size);
	/* One address would name one frame of many: heaptrack_print's label misleads. */
	mod = e->module;
	slash = strrchr(mod, '/');
	if (slash)
		mod = slash + 1;
	snprintf(buf, size, "unnamed code in %s (%" PRIu32 " addresses)", *mod ? mod : "?",
		 e->n_frames);
	return buf;
}
