/*
 * top: sum the stacks by the frame that locates them, then group those frames
 * by sorting (location key, frame) pairs, and merge runs.  The
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
	uint32_t id;	/* the frame summed, or a pseudo frame (locating_frame) */
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

/*
 * The frame that locates stack (its innermost one, or the innermost Python
 * one, by the rule): every stack with that frame has its location.  Two
 * pseudo frames past the capture's: memray's "<unknown>" (no_name) and no
 * location at all (none).
 */
static uint32_t locating_frame(const struct capture *cap, enum top_rule rule, uint32_t stack,
			       uint32_t no_name, uint32_t none)
{
	uint32_t thread = capture_stack_thread(cap, stack);

	while (stack != thread) {	/* its call frames: a thread frame is none */
		const struct stack_node *sn = capture_stack(cap, stack);
		const struct frame *f = capture_frame(cap, sn->frame);

		if (rule == TOP_INNERMOST_HYBRID && !f->function)
			return no_name;	/* memray groups every frame it cannot symbolize */
		if (rule == TOP_INNERMOST_FRAME || f->kind == FRAME_PYTHON ||
		    rule == TOP_INNERMOST_HYBRID)
			return sn->frame;
		stack = sn->parent;
	}
	return none;
}

/* The location of frame (or pseudo frame) id, as locating_frame gives it. */
static void locate(const struct capture *cap, enum top_rule rule, uint32_t id, uint32_t no_name,
		   uint32_t none, struct keyed *k)
{
	k->id = id;
	k->frame = id;
	if (id == no_name || id == none) {
		k->function = k->file = k->module = k->line = id == none ? UINT32_MAX : 0;
		k->frame = 0;
	} else {
		const struct frame *f = capture_frame(cap, id);

		k->function = f->function;
		k->file = f->file;
		k->module = rule == TOP_INNERMOST_FRAME ? f->module : 0;
		k->line = f->line;
	}
}

void top_locations(struct top_list *out, const struct capture *cap, const struct snapshot *weights,
		   const struct snapshot *calls)
{
	top_locations_by(out, cap, capture_meta(cap)->top_rule, weights, calls);
}

struct frame_sum {
	int64_t bytes;
	int64_t allocations;
	bool seen;
};

/*
 * Sums the stacks by the frame that locates them first, then sorts only
 * those frames by location: clang's million stacks sorted by location took
 * 48 MB (the keys and qsort's copy) for twenty thousand frames.
 */
void top_locations_by(struct top_list *out, const struct capture *cap, enum top_rule rule,
		      const struct snapshot *weights, const struct snapshot *calls)
{
	uint32_t no_name = capture_frame_count(cap), none = no_name + 1;
	struct frame_sum *sums = xcalloc((size_t)none + 1, sizeof(*sums));
	struct keyed *keys;
	size_t nk = 0, i = 0;
	bool by_calls = rule == TOP_INNERMOST_FRAME && calls;

	for (uint32_t s = 0; s < weights->n; s++) {
		struct frame_sum *sum;

		if (!weights->bytes[s] && !(by_calls && calls->count[s]))
			continue;
		sum = &sums[locating_frame(cap, rule, s, no_name, none)];
		sum->bytes += weights->bytes[s];
		sum->allocations += by_calls ? calls->count[s] : weights->count[s];
		sum->seen = true;
	}
	keys = xmalloc(((size_t)none + 1) * sizeof(*keys));
	for (uint32_t id = 0; id <= none; id++)
		if (sums[id].seen)
			locate(cap, rule, id, no_name, none, &keys[nk++]);
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
			const struct frame_sum *sum = &sums[keys[j].id];

			if (j == i || keys[j].frame != keys[j - 1].frame)
				e->n_frames++;
			e->bytes += sum->bytes;
			e->allocations += sum->allocations;
		}
		i = j;
		if (!e->bytes)
			out->n--;	/* calls without bytes: not a location at this point */
	}
	qsort(out->entries, out->n, sizeof(*out->entries), cmp_entry);
	free(keys);
	free(sums);
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
