/*
 * vec: a growable array of fixed-size elements, owned by its holder.
 *
 * Elements are stored contiguously; vec_push may move them, so pointers from
 * vec_at are valid only until the next push.  Hold indices, not pointers.
 */
#ifndef MT_VEC_H
#define MT_VEC_H

#include <stddef.h>

struct vec {
	void *data;
	size_t len;		/* elements in use */
	size_t cap;		/* elements allocated */
	size_t elem_size;	/* bytes per element */
};

void vec_init(struct vec *v, size_t elem_size);
void vec_release(struct vec *v);
/* Appends a copy of *elem and returns a pointer to the stored copy. */
void *vec_push(struct vec *v, const void *elem);
/* Appends n zeroed elements and returns a pointer to the first. */
void *vec_grow(struct vec *v, size_t n);
/* Shrinks the allocation to len (after a build phase). */
void vec_shrink(struct vec *v);

static inline void *vec_at(const struct vec *v, size_t i)
{
	return (char *)v->data + i * v->elem_size;
}

#endif
