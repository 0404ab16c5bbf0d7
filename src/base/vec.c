/*
 * vec: growth doubles the capacity, so pushes are amortised O(1).
 */
#include "vec.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void vec_init(struct vec *v, size_t elem_size)
{
	v->data = NULL;
	v->len = 0;
	v->cap = 0;
	v->elem_size = elem_size;
}

void vec_release(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

void *vec_grow_slow(struct vec *v, size_t n)
{
	void *p;

	v->data = xgrow(v->data, &v->cap, v->len + n, v->elem_size);
	p = vec_at(v, v->len);
	memset(p, 0, n * v->elem_size);
	v->len += n;
	return p;
}

void vec_shrink(struct vec *v)
{
	if (v->len == v->cap || !v->len)
		return;
	v->data = xrealloc_array(v->data, v->len, v->elem_size);
	v->cap = v->len;
}
