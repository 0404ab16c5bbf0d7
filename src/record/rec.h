/*
 * rec: what the parts of libmemtui_preload.so share (src/record/).  The
 * library records a program's allocations into formats/trace_format.h's trace;
 * preload.c holds the hooks and the process's life (fork, exec, exit),
 * rec_writer.c the per-thread buffers, the writer thread and the file, and
 * rec_stack.c the unwinder and the stack table.
 *
 * The recorder never calls malloc for itself: its memory comes from rec_map()
 * (the mmap system call), and whatever the unwinder or libc allocate on its
 * behalf passes through the hooks unrecorded because rec_guard is set.
 */
#ifndef MT_REC_H
#define MT_REC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_format.h"

#define REC_HIDDEN __attribute__((visibility("hidden")))

/* Set while the thread runs recorder code: hooks reached from there pass through. */
extern REC_HIDDEN __thread int rec_guard __attribute__((tls_model("initial-exec")));
/* 1 while recording (set by rec_start, cleared for good by rec_stop). */
extern REC_HIDDEN atomic_int rec_on;
/* The next event's sequence number (trace_format.h, "Order"). */
extern REC_HIDDEN _Atomic uint64_t rec_seq;

/* A spin lock: held for a few instructions by program threads, for a copy by the writer. */
typedef atomic_int rec_lock_t;
REC_HIDDEN void rec_lock(rec_lock_t *l);
REC_HIDDEN void rec_unlock(rec_lock_t *l);

/* Whole pages from the kernel; rec_unmap gives them back.  NULL when refused. */
REC_HIDDEN void *rec_map(size_t bytes);
REC_HIDDEN void rec_unmap(void *p, size_t bytes);
REC_HIDDEN uint64_t rec_now_ns(void);

/* A growable byte buffer in mapped memory (the writer's top-level records). */
struct rec_buf {
	char *data;
	size_t len, cap;
};
/* Room for n more bytes; returns where they go, or NULL when memory ran out. */
REC_HIDDEN char *rec_buf_room(struct rec_buf *b, size_t n);
REC_HIDDEN void rec_put_u8(char **p, uint8_t v);
REC_HIDDEN void rec_put_u16(char **p, uint16_t v);
REC_HIDDEN void rec_put_u32(char **p, uint32_t v);
REC_HIDDEN void rec_put_u64(char **p, uint64_t v);

/*
 * rec_writer.c.  Events go into the calling thread's block under its lock:
 * rec_event_begin() takes the lock and returns room for `bytes` of records
 * (NULL: not recorded, nothing held), rec_event_end() releases it.  The
 * caller takes the seq between the two, so the flush rule holds.
 */
struct rec_thread;
REC_HIDDEN char *rec_event_begin(struct rec_thread **t, size_t bytes);
REC_HIDDEN void rec_event_end(struct rec_thread *t, char *end);
/* Top-level records (stacks, modules, names): room in the shared buffer, under its lock. */
REC_HIDDEN char *rec_meta_begin(size_t bytes);
REC_HIDDEN void rec_meta_end(char *end);
/* A mark from a signal handler (or from inside a hook): lock-free. -1 when dropped. */
REC_HIDDEN int rec_mark_async(const char *name, size_t len, int origin);
/* Starts recording into DIR/PID[.N].trace; 0, or -1 (then nothing is recorded). */
REC_HIDDEN int rec_writer_start(const char *dir, int fork_child, int follow_fork, int argc,
				char **argv);
/* Writes what every thread holds, then TR_END with `how` when not 0; the caller's thread. */
REC_HIDDEN void rec_flush_now(int how);
/* After a failed exec: flushes again, on from the TR_END of TE_EXEC. */
REC_HIDDEN void rec_writer_resume(void);
REC_HIDDEN void rec_writer_fork_prepare(void);
REC_HIDDEN void rec_writer_fork_parent(void);
/* follow: start DIR/CHILDPID.trace; else forget everything (rec_on is 0 by then). */
REC_HIDDEN void rec_writer_fork_child(int follow);
/* Emits TR_MODULE / TR_MODULE_GONE for what dlopen or dlclose changed. */
REC_HIDDEN void rec_modules_rescan(void);

/* rec_stack.c: the current stack's id (unwinding from the caller of the hook). */
REC_HIDDEN void rec_stack_init(void);
REC_HIDDEN uint32_t rec_stack_here(void);
REC_HIDDEN void rec_stack_reset(void);
REC_HIDDEN void rec_stack_fork_prepare(void);
REC_HIDDEN void rec_stack_fork_parent(void);

#endif
