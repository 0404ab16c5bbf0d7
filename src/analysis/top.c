/*
 * top: group by sorting (location key, stack) pairs, then merge runs.  The
 * location key is four string ids and a line, so equal names compare equal
 * without string comparisons; the final order sorts by bytes, then by the
 * names themselves so that output is deterministic across runs.
 */
#include "top.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct keyed {
	uint32_t function, file, module, line;
	uint32_t stack;
	uint32_t frame;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

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
static int locate(const struct capture *cap, uint32_t stack, struct keyed *k)
{
	enum top_rule rule = capture_meta(cap)->top_rule;

	k->stack = stack;
	while (stack) {
		const struct stack_node *sn = capture_stack(cap, stack);
		const struct frame *f = capture_frame(cap, sn->frame);

		if (rule == TOP_INNERMOST_HYBRID && f->kind != FRAME_THREAD && !f->function) {
			/* memray groups every frame it cannot symbolize as "<unknown>". */
			k->function = k->file = k->module = k->line = 0;
			k->frame = 0;
			return 1;
		}
		if (rule == TOP_INNERMOST_FRAME || f->kind == FRAME_PYTHON ||
		    (rule == TOP_INNERMOST_HYBRID && f->kind != FRAME_THREAD)) {
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
	struct keyed *keys = xmalloc((weights->n ? weights->n : 1) * sizeof(*keys));
	size_t nk = 0, i = 0;
	bool by_calls = capture_meta(cap)->top_rule == TOP_INNERMOST_FRAME && calls;

	for (uint32_t s = 0; s < weights->n; s++)
		if (weights->bytes[s] || (by_calls && calls->count[s]))
			locate(cap, s, &keys[nk++]);
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
		e->module = unknown ? "" : capture_string(cap, keys[i].module);
		e->line = unknown ? 0 : keys[i].line;
		e->frame = keys[i].frame;
		e->bytes = 0;
		e->allocations = 0;
		for (; j < nk && !cmp_keyed(&keys[i], &keys[j]); j++) {
			uint32_t s = keys[j].stack;

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
	if (*e->function || !e->frame)
		return e->function;
	return capture_frame_label(cap, e->frame, buf, size);
}
