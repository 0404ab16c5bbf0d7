/*
 * stack_index: the stack trie's children, (parent stack, frame) -> stack.
 *
 * Every stack has a link: its first child, its next sibling and its frame,
 * so a stack's children are a list.  Most stacks have one child or none, and
 * a list walk touches links made just before (a reader extends the stack it
 * has just made), where a hash table of every stack (16-byte slots at half
 * load) missed the cache on almost every new stack and held 64 MiB for the
 * 1.5 M stacks of a compiler's capture.  A stack with more than
 * STACK_LIST_MAX children (the root, main, an interpreter's dispatch) has
 * them all in a hash table instead, so that no walk is long.
 */
#ifndef MT_STACK_INDEX_H
#define MT_STACK_INDEX_H

#include <stdint.h>

#include "hashmap.h"
#include "vec.h"

#define STACK_NONE UINT32_MAX
#define STACK_LIST_MAX 8	/* children kept as a list; past it, in wide */

struct stack_index {
	struct vec links;	/* struct stack_link, by stack id */
	struct hashmap wide;	/* parent << 32 | frame -> child, for parents past STACK_LIST_MAX */
};

void stack_index_init(struct stack_index *x);
void stack_index_release(struct stack_index *x);
/* The child of parent whose frame is frame, or STACK_NONE. */
uint32_t stack_index_find(const struct stack_index *x, uint32_t parent, uint32_t frame);
/* Records stack id, new, as parent's child of frame (stack_index_find found none). */
void stack_index_add(struct stack_index *x, uint32_t parent, uint32_t frame, uint32_t id);
/* Gives back the room reserved for stacks to come. */
void stack_index_shrink(struct stack_index *x);

#endif
