/*
 * memray_pushes: what a FRAME_PUSH came to, remembered by what it pushed
 * on, for the memray reader's next push of the same frame there.
 *
 * A Python program calls the same functions from the same places millions
 * of times: memray writes a FRAME_PUSH per call (code object id, instruction
 * offset).  The model stack it makes is a function of the stack under it and
 * those two fields while no code object id is redefined, so a push seen
 * before costs one lookup here in place of two (the frame, the stack).
 *
 * A cache, not a map: direct-mapped, a new entry takes its slot's place.
 * Pushes whose id or offset do not fit 32 bits (memray's do: ids count from
 * 1, offsets are bytecode offsets) are not remembered.
 *
 * The caller picks the slot with where, a hash of the push's whole path
 * (memray.c: of every push from the thread's root), never of the stack it
 * pushes on: that stack is what the push before found, so a slot picked by
 * it waits for that push's miss, and a run of pushes (memray writes them
 * together, before an allocation) misses one after the other.  With where,
 * their misses overlap.  A hit still checks the whole key.
 */
#ifndef MT_MEMRAY_PUSHES_H
#define MT_MEMRAY_PUSHES_H

#include <stdint.h>

struct mr_push {
	uint32_t parent;	/* the model stack pushed on */
	uint32_t code_id;
	int32_t offset;
	uint32_t stack;		/* the model stack made; 0 (the root: never pushed): empty */
};

struct mr_pushes {
	struct mr_push *slots;	/* 2^bits of them, allocated at the first remember */
	unsigned bits;
	uint32_t remembered;	/* pushes remembered since the slots were made */
};

void mr_pushes_init(struct mr_pushes *p);
void mr_pushes_release(struct mr_pushes *p);
/* Forgets every push: a code object id now means another code object. */
void mr_pushes_forget(struct mr_pushes *p);
/* The model stack the push of (code_id, offset) on parent made, or 0: not remembered. */
uint32_t mr_pushes_find(const struct mr_pushes *p, uint64_t where, uint32_t parent,
			uint64_t code_id, int64_t offset);
/* Remembers that (code_id, offset) on parent made stack. */
void mr_pushes_remember(struct mr_pushes *p, uint64_t where, uint32_t parent, uint64_t code_id,
			int64_t offset, uint32_t stack);

#endif
