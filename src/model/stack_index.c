/*
 * stack_index: invariant: a stack with at most STACK_LIST_MAX children has
 * them all on its list (first_child, then next_sibling), none in wide; a
 * stack with more has them all in wide, and its list is no longer read.
 */
#include "stack_index.h"

#include "xalloc.h"

struct stack_link {
	uint32_t first_child;	/* STACK_NONE: none (or the children are in wide) */
	uint32_t next_sibling;	/* STACK_NONE: the last of its parent's list */
	uint32_t frame;
	uint32_t n_children;
};

static const struct stack_link no_link = { STACK_NONE, STACK_NONE, 0, 0 };

void stack_index_init(struct stack_index *x)
{
	vec_init(&x->links, sizeof(struct stack_link));
	hashmap_init(&x->wide);
}

void stack_index_release(struct stack_index *x)
{
	vec_release(&x->links);
	hashmap_release(&x->wide);
}

static uint64_t wide_key(uint32_t parent, uint32_t frame)
{
	return (uint64_t)parent << 32 | frame;
}

uint32_t stack_index_find(const struct stack_index *x, uint32_t parent, uint32_t frame)
{
	const struct stack_link *l = x->links.data;
	uint32_t c;

	if (parent >= x->links.len)
		return STACK_NONE;
	if (l[parent].n_children > STACK_LIST_MAX)
		return hashmap_get(&x->wide, wide_key(parent, frame));
	for (c = l[parent].first_child; c != STACK_NONE; c = l[c].next_sibling)
		if (l[c].frame == frame)
			return c;
	return STACK_NONE;
}

/* Links for every stack up to id, the new ones childless. */
static struct stack_link *links_to(struct stack_index *x, uint32_t id)
{
	while (x->links.len <= id)
		vec_push(&x->links, &no_link);
	return x->links.data;
}

void stack_index_add(struct stack_index *x, uint32_t parent, uint32_t frame, uint32_t id)
{
	struct stack_link *l = links_to(x, parent > id ? parent : id), *p = &l[parent];

	l[id].frame = frame;
	if (++p->n_children > STACK_LIST_MAX) {
		/* Past the list's bound: the children so far move to wide, once. */
		if (p->n_children == STACK_LIST_MAX + 1)
			for (uint32_t c = p->first_child; c != STACK_NONE; c = l[c].next_sibling)
				hashmap_put(&x->wide, wide_key(parent, l[c].frame), c);
		hashmap_put(&x->wide, wide_key(parent, frame), id);
		return;
	}
	l[id].next_sibling = p->first_child;
	p->first_child = id;
}

void stack_index_shrink(struct stack_index *x)
{
	vec_shrink(&x->links);
}
