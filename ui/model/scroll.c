/*
 * scroll: one list's first row, clamped to [0, n - page].
 */
#include "scroll.h"

bool scroll_key(size_t *top, size_t n, size_t page, enum action a)
{
	size_t last = n > page ? n - page : 0;

	switch (a) {
	case A_DOWN:
		*top = *top < last ? *top + 1 : last;
		return true;
	case A_UP:
		*top = *top ? *top - 1 : 0;
		return true;
	case A_PGDN:
		*top = *top + page < last ? *top + page : last;
		return true;
	case A_PGUP:
		*top = *top > page ? *top - page : 0;
		return true;
	case A_FIRST:
		*top = 0;
		return true;
	case A_LAST:
		*top = last;
		return true;
	default:
		return false;
	}
}
