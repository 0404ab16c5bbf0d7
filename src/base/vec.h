/*
 * vec: a growable array of fixed-size elements, owned by its holder.
 *
 * Elements are stored contiguously; vec_push may move them, so pointers from
 * vec_at are valid only until the next push.  Hold indices, not pointers.
 */
#ifndef MT_VEC_H
#define MT_VEC_H

#include <stddef.h>
#include <string.h>

struct vec {
	void *data;
	size_t len;		/* elements in use */
	size_t cap;		/* elements allocated */
	size_t elem_size;	/* bytes per element */
};

void vec_init(struct vec *v, size_t elem_size);
void vec_release(struct vec *v);
/* vec_grow when the elements do not fit: the allocation grows first. */
void *vec_grow_slow(struct vec *v, size_t n);

/*
 * Appends n zeroed elements and returns a pointer to the first.  Inline,
 * as vec_push, for the case with room: readers push for every record.
 */
static inline void *vec_grow(struct vec *v, size_t n)
{
	void *p;

	if (n > v->cap - v->len)
		return vec_grow_slow(v, n);
	p = (char *)v->data + v->len * v->elem_size;
	memset(p, 0, n * v->elem_size);
	v->len += n;
	return p;
}

/*
 * Appends n elements with every byte set to byte and returns a pointer to
 * the first: 0xff makes uint32_t ids UINT32_MAX, the "none" of
 * HASHMAP_NONE and of the readers' own tables.
 */
static inline void *vec_grow_set(struct vec *v, size_t n, int byte)
{
	void *p = vec_grow(v, n);

	memset(p, byte, n * v->elem_size);
	return p;
}

/*
 * Appends one element left as it is (the caller sets all of it) and returns
 * a pointer to it: for hot paths that would otherwise build the element on
 * the stack and copy it in (a copy right after the narrow stores that built
 * it stalls), or zero it first (a call to memset).
 */
static inline void *vec_append(struct vec *v)
{
	if (v->len == v->cap)
		return vec_grow_slow(v, 1);
	return (char *)v->data + v->len++ * v->elem_size;
}

/* Appends a copy of *elem and returns a pointer to the stored copy. */
static inline void *vec_push(struct vec *v, const void *elem)
{
	void *p;

	if (v->len == v->cap)
		p = vec_grow_slow(v, 1);
	else
		p = (char *)v->data + v->len++ * v->elem_size;
	memcpy(p, elem, v->elem_size);
	return p;
}
/* Shrinks the allocation to len (after a build phase). */
void vec_shrink(struct vec *v);

static inline void *vec_at(const struct vec *v, size_t i)
{
	return (char *)v->data + i * v->elem_size;
}

#endif
