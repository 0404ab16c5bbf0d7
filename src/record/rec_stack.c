/*
 * rec_stack: call stacks, taken and interned.
 *
 * The unwinder is libgcc's, through glibc's backtrace() (docs/BENCH.md, "The
 * recorder's unwinder": as fast as libunwind here, correct without frame
 * pointers, and no new dependency).  Its first call dlopens libgcc_s, which
 * allocates: rec_stack_init() makes that call at start, under the guard.
 * Since glibc 2.35 libgcc finds unwind tables through _dl_find_object, with
 * no lock and no malloc.
 *
 * The frames of the recorder itself (the hook, this file) are the leading
 * return addresses inside this library's own mapping: they are dropped, so a
 * stack starts at the hook's caller whatever the compiler inlined.
 *
 * The table maps a stack's addresses to its id: open addressing on a 64-bit
 * hash, the addresses in an arena, both in mapped memory that doubles when
 * full.  One lock covers it; a new stack's TR_STACK goes to the top-level
 * buffer under that lock, before the caller can use the id in an event.
 */
#include "rec.h"

#include <execinfo.h>
#include <link.h>
#include <string.h>

#define UNWIND_SLACK 16	/* the recorder's own frames, dropped */

struct slot {
	uint64_t hash;
	uint64_t off;		/* index of the first address in the arena */
	uint32_t id1;		/* id + 1; 0: an empty slot */
	uint32_t n;
};

static rec_lock_t table_lock;
static struct slot *slots;
static size_t slot_cap, slot_used;	/* slot_cap: a power of two, or 0 */
static uint64_t *arena;
static size_t arena_len, arena_cap;	/* in addresses */
static uintptr_t self_lo, self_hi;	/* this library's mapping */

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t here = (uintptr_t)arg, lo = UINTPTR_MAX, hi = 0;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;

		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (here < lo || here >= hi)
		return 0;
	self_lo = lo;
	self_hi = hi;
	return 1;
}

void rec_stack_init(void)
{
	void *warm[4];

	dl_iterate_phdr(find_self, (void *)(uintptr_t)rec_stack_init);
	backtrace(warm, 4);
}

static uint64_t hash_frames(const uint64_t *f, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;

	for (uint32_t i = 0; i < n; i++) {
		h ^= f[i];
		h *= 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	return h;
}

/* Doubles the slot array (or makes the first); 0, or -1 when out of memory. */
static int grow_slots(void)
{
	size_t cap = slot_cap ? slot_cap * 2 : 4096;
	struct slot *s = rec_map(cap * sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < slot_cap; i++) {
		if (!slots[i].id1)
			continue;
		size_t j = slots[i].hash & (cap - 1);

		while (s[j].id1)
			j = (j + 1) & (cap - 1);
		s[j] = slots[i];
	}
	if (slots)
		rec_unmap(slots, slot_cap * sizeof(*slots));
	slots = s;
	slot_cap = cap;
	return 0;
}

static int arena_room(size_t n)
{
	if (arena_len + n <= arena_cap)
		return 0;
	size_t cap = arena_cap ? arena_cap * 2 : 65536;

	while (cap < arena_len + n)
		cap *= 2;
	uint64_t *a = rec_map(cap * sizeof(*a));

	if (!a)
		return -1;
	if (arena) {
		memcpy(a, arena, arena_len * sizeof(*a));
		rec_unmap(arena, arena_cap * sizeof(*a));
	}
	arena = a;
	arena_cap = cap;
	return 0;
}

/* The id of frames[0..n), defined now (TR_STACK) when new.  Under table_lock. */
static uint32_t intern(const uint64_t *f, uint32_t n)
{
	uint64_t h = hash_frames(f, n);

	if ((slot_used + 1) * 2 > slot_cap && grow_slots() < 0)
		return 0;
	size_t j = h & (slot_cap - 1);

	for (; slots[j].id1; j = (j + 1) & (slot_cap - 1))
		if (slots[j].hash == h && slots[j].n == n &&
		    !memcmp(arena + slots[j].off, f, n * sizeof(*f)))
			return slots[j].id1 - 1;
	if (arena_room(n) < 0)
		return 0;
	uint32_t id = (uint32_t)slot_used;
	char *p = rec_meta_begin(1 + 4 + 8 + 2 + (size_t)n * 8);

	if (!p)
		return 0;
	rec_put_u8(&p, TR_STACK);
	rec_put_u32(&p, id);
	rec_put_u64(&p, atomic_load(&rec_seq));
	rec_put_u16(&p, (uint16_t)n);
	for (uint32_t i = 0; i < n; i++)
		rec_put_u64(&p, f[i]);
	rec_meta_end(p);
	memcpy(arena + arena_len, f, n * sizeof(*f));
	slots[j] = (struct slot){ h, arena_len, id + 1, n };
	arena_len += n;
	slot_used++;
	return id;
}

uint32_t rec_stack_here(void)
{
	void *raw[TRACE_MAX_FRAMES + UNWIND_SLACK];
	uint64_t f[TRACE_MAX_FRAMES];
	int got = backtrace(raw, TRACE_MAX_FRAMES + UNWIND_SLACK), i = 0;
	uint32_t n = 0, id;

	while (i < got && (uintptr_t)raw[i] >= self_lo && (uintptr_t)raw[i] < self_hi)
		i++;
	for (; i < got && n < TRACE_MAX_FRAMES; i++)
		f[n++] = (uint64_t)(uintptr_t)raw[i];
	rec_lock(&table_lock);
	id = intern(f, n);
	rec_unlock(&table_lock);
	return id;
}

/* A forked child's trace starts with no stacks; the memory is kept. */
void rec_stack_reset(void)
{
	if (slots)
		memset(slots, 0, slot_cap * sizeof(*slots));
	slot_used = 0;
	arena_len = 0;
	atomic_store(&table_lock, 0);
}

void rec_stack_fork_prepare(void)
{
	rec_lock(&table_lock);
}

void rec_stack_fork_parent(void)
{
	rec_unlock(&table_lock);
}
