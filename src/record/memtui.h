/*
 * memtui.h: stage marks for a program recorded by `memtui record`.
 *
 *   #include <memtui.h>
 *   ...
 *   memtui_stage("load");      // what follows is the "load" stage
 *
 * A stage starts at its mark and runs to the next one; memtui's stage table
 * and reports split the recording there.  When the program is not being
 * recorded (run without `memtui record`), memtui_stage() does nothing and
 * costs one test of a cached pointer; the program needs no library of
 * memtui's to build or run.  Callable from any thread; the name is copied.
 *
 * The recorder (libmemtui_preload.so) exports memtui_record_mark(); this
 * header looks it up once with dlsym(RTLD_DEFAULT), which is in libc from
 * glibc 2.34 (older glibc: link with -ldl).  C and C++.
 */
#ifndef MEMTUI_H
#define MEMTUI_H

#include <dlfcn.h>

#ifdef RTLD_DEFAULT
#define MEMTUI_RTLD_DEFAULT_ RTLD_DEFAULT
#else
#define MEMTUI_RTLD_DEFAULT_ ((void *)0)	/* glibc's value, hidden without _GNU_SOURCE */
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The recorder's entry point: 0 when the mark was recorded, -1 when not recording. */
int memtui_record_mark(const char *name, int origin);

typedef int (*memtui_mark_fn)(const char *name, int origin);

/*
 * Marks the start of stage `name`.  Returns 0 when recorded, -1 when the
 * program is not being recorded.
 */
static inline int memtui_stage(const char *name)
{
	static memtui_mark_fn mark;	/* written once, the same value by any thread */
	static int looked;
	memtui_mark_fn fn;

	if (!__atomic_load_n(&looked, __ATOMIC_ACQUIRE)) {
		void *sym = dlsym(MEMTUI_RTLD_DEFAULT_, "memtui_record_mark");

		__builtin_memcpy(&fn, &sym, sizeof(fn));	/* no object-to-function cast */
		__atomic_store_n(&mark, fn, __ATOMIC_RELAXED);
		__atomic_store_n(&looked, 1, __ATOMIC_RELEASE);
	}
	fn = __atomic_load_n(&mark, __ATOMIC_RELAXED);
	return fn ? fn(name, 1 /* TM_C_API */) : -1;
}

#ifdef __cplusplus
}
#endif

#endif
