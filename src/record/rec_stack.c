/*
 * rec_stack: call stacks, taken and interned.
 *
 * The unwinder is libunwind's unw_backtrace() with a per-thread cache, as
 * heaptrack sets it (docs/BENCH.md, "The recorder's unwinder": 15-30 times
 * faster per stack than libgcc's, which reads the unwind tables again for every
 * frame).  libunwind is opened with dlopen(RTLD_LOCAL), not linked: linked,
 * its exported backtrace() and _Unwind_* would take the place of glibc's and
 * libgcc's in the program.  Without libunwind.so.8, glibc's backtrace()
 * (libgcc) is used (`memtui record` warns).  The first calls of
 * either allocate: rec_stack_init() makes them at start, under the guard.
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

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <stdbool.h>
#include <execinfo.h>
#include <libunwind.h>
#include <link.h>
#include <string.h>

#define UNWIND_SLACK 16	/* the recorder's own frames, dropped */

struct slot {
	uint64_t hash;
	const uint64_t *frames;	/* in the arena, which never moves */
	uint32_t id1;		/* id + 1; 0: an empty slot */
	uint32_t n;
};

/*
 * Each thread remembers the stacks it used last, so that a stack seen
 * before is found without the table's lock: 256 entries, direct-mapped by
 * hash, pointing at the arena's copy (compared in full, never trusted by
 * hash alone).
 */
#define CACHE_SIZE 256
struct cached {
	uint64_t hash;
	const uint64_t *frames;
	uint32_t id, n;
};
static __thread struct cached cache[CACHE_SIZE] __attribute__((tls_model("initial-exec")));

static rec_lock_t table_lock;
static struct slot *slots;
static size_t slot_cap, slot_used;	/* slot_cap: a power of two, or 0 */
#define ARENA_CHUNK 65536	/* addresses per arena chunk (>= TRACE_MAX_FRAMES) */
static uint64_t *arena;		/* the current chunk; full chunks are kept */
static size_t arena_len;	/* addresses used in it */
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

/* libunwind's entry points (its header's macros name the x86-64 symbols). */
#define SYMBOL_NAME(x) #x
#define SYMBOL(x) SYMBOL_NAME(x)
static int (*unwind)(void **frames, int max);

/* Opens libunwind and sets its per-thread cache; false when it is missing. */
static bool open_libunwind(void)
{
	void *h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return false;
	int (*policy)(unw_addr_space_t, unw_caching_policy_t) =
		(int (*)(unw_addr_space_t, unw_caching_policy_t))dlsym(h,
			SYMBOL(unw_set_caching_policy));
	int (*size)(unw_addr_space_t, size_t, int) =
		(int (*)(unw_addr_space_t, size_t, int))dlsym(h, SYMBOL(unw_set_cache_size));
	unw_addr_space_t *space = (unw_addr_space_t *)dlsym(h, SYMBOL(unw_local_addr_space));
	int (*bt)(void **, int) = (int (*)(void **, int))dlsym(h, "unw_backtrace");

	if (!policy || !size || !space || !bt)
		return false;
	policy(*space, UNW_CACHE_PER_THREAD);
	size(*space, 1024, 0);
	unwind = bt;
	return true;
}

void rec_stack_init(void)
{
	void *warm[4];

	dl_iterate_phdr(find_self, (void *)(uintptr_t)rec_stack_init);
	if (!open_libunwind())
		unwind = backtrace;
	unwind(warm, 4);
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

/* Room for n addresses at arena + arena_len: a new chunk when needed; -1 when refused. */
static int arena_room(size_t n)
{
	if (arena && arena_len + n <= ARENA_CHUNK)
		return 0;
	uint64_t *a = rec_map(ARENA_CHUNK * sizeof(*a));

	if (!a)
		return -1;
	arena = a;
	arena_len = 0;
	return 0;
}

/* The id of frames[0..n) of hash h, defined now (TR_STACK) when new.  Under table_lock. */
static uint32_t intern(const uint64_t *f, uint32_t n, uint64_t h)
{
	if ((slot_used + 1) * 2 > slot_cap && grow_slots() < 0)
		return 0;
	size_t j = h & (slot_cap - 1);

	for (; slots[j].id1; j = (j + 1) & (slot_cap - 1))
		if (slots[j].hash == h && slots[j].n == n &&
		    !memcmp(slots[j].frames, f, n * sizeof(*f)))
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
	slots[j] = (struct slot){ h, arena + arena_len, id + 1, n };
	arena_len += n;
	slot_used++;
	return id;
}

uint32_t rec_stack_here(void)
{
	void *raw[TRACE_MAX_FRAMES + UNWIND_SLACK];
	uint64_t f[TRACE_MAX_FRAMES];
	int got = unwind(raw, TRACE_MAX_FRAMES + UNWIND_SLACK), i = 0;
	uint32_t n = 0, id;

	while (i < got && (uintptr_t)raw[i] >= self_lo && (uintptr_t)raw[i] < self_hi)
		i++;
	for (; i < got && n < TRACE_MAX_FRAMES; i++)
		f[n++] = (uint64_t)(uintptr_t)raw[i];
	uint64_t h = hash_frames(f, n);
	struct cached *c = &cache[h & (CACHE_SIZE - 1)];

	if (c->frames && c->hash == h && c->n == n && !memcmp(c->frames, f, n * sizeof(*f)))
		return c->id;
	rec_lock(&table_lock);
	id = intern(f, n, h);
	for (size_t j = h & (slot_cap - 1); slot_cap && slots[j].id1; j = (j + 1) & (slot_cap - 1))
		if (slots[j].id1 == id + 1) {
			*c = (struct cached){ h, slots[j].frames, id, n };
			break;
		}
	rec_unlock(&table_lock);
	return id;
}

/* A forked child's trace starts with no stacks; the memory is kept. */
void rec_stack_reset(void)
{
	if (slots)
		memset(slots, 0, slot_cap * sizeof(*slots));
	slot_used = 0;
	arena = NULL;		/* the parent's chunks stay mapped, unused */
	memset(cache, 0, sizeof(cache));
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
