/*
 * mappings: live mapping intervals and munmap (mappings.h).
 */
#include "mappings.h"

#include "bytes.h"
#include "capture_builder.h"

void mappings_init(struct mappings *ms)
{
	vec_init(&ms->list, sizeof(struct mapping));
	ms->scans = 0;
}

void mappings_release(struct mappings *ms)
{
	vec_release(&ms->list);
}

bool mappings_add(struct mappings *ms, uint64_t addr, uint64_t size, uint64_t ev_idx,
		  uint32_t stack)
{
	struct mapping map = { addr, 0, ev_idx, stack };

	if (ckd_add_u64(addr, size, &map.end))
		return false;
	if (size)
		vec_push(&ms->list, &map);
	return true;
}

bool mappings_unmap(struct mappings *ms, uint64_t addr, uint64_t len, struct capture_builder *b,
		    bool zero_event, unsigned flags, uint64_t *unmapped)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
	uint32_t run_stack = 0;
	int64_t run_bytes = 0, run_count = 0;
	bool run = false;
	size_t i = 0;

	*unmapped = 0;
	if (ms->list.len > MAPPINGS_SCAN_BUDGET - ms->scans)
		return false;
	ms->scans += ms->list.len;
	/* Pieces left by a split or trim no longer overlap the range: rescanning is harmless. */
	while (i < ms->list.len) {
		struct mapping *map = vec_at(&ms->list, i);
		uint64_t lo = map->begin > addr ? map->begin : addr;
		uint64_t hi = map->end < end ? map->end : end;
		uint32_t stack = map->stack;
		int64_t count;

		if (hi <= lo) {
			i++;
			continue;
		}
		if (map->begin < lo && hi < map->end) {
			struct mapping tail = { hi, map->end, map->ev_idx, map->stack };

			map->end = lo;
			vec_push(&ms->list, &tail);
			count = 1;
			i++;
		} else if (map->begin < lo) {
			map->end = lo;
			count = 0;
			i++;
		} else if (hi < map->end) {
			map->begin = hi;
			count = 0;
			i++;
		} else {
			/* Swap-remove: the element moved into slot i is examined next. */
			*map = *(struct mapping *)vec_at(&ms->list, ms->list.len - 1);
			ms->list.len--;
			count = -1;
		}
		if (run && run_stack != stack) {
			capture_builder_event(b, run_stack, run_bytes, (int32_t)run_count, flags);
			run_bytes = run_count = 0;
		}
		run = true;
		run_stack = stack;
		run_bytes -= (int64_t)(hi - lo);
		run_count += count;
		*unmapped += hi - lo;
	}
	if (run || zero_event)
		capture_builder_event(b, run_stack, run_bytes, (int32_t)run_count, flags);
	return true;
}

void mappings_leaks(const struct mappings *ms, struct capture_builder *b)
{
	for (size_t i = 0; i < ms->list.len; i++) {
		const struct mapping *map = vec_at(&ms->list, i);

		capture_builder_leak(b, map->ev_idx, map->stack, (int64_t)(map->end - map->begin),
				     1);
	}
}
