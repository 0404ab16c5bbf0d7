/*
 * trace_format: the raw trace that memtui's recorder writes while a program
 * runs (src/record, libmemtui_preload.so) and that formats/trace.c reads.
 *
 * `memtui record` makes a private folder, runs the program with the preload
 * library and MEMTUI_RECORD_DIR set to it, and when the program has ended reads
 * every trace in the folder into a capture (naming native frames with the
 * symbolizer) and writes it out as a .mtui.  The trace is a private, transient
 * format: it is never a user's file, and its version must equal the reader's.
 * It is still read as hostile input (a trace is cut short whenever the program
 * is killed), and a trace left behind by a killed `memtui record` can be read
 * by `memtui report` or converted.
 *
 * One file per process image: DIR/PID.trace for the process the command
 * started, DIR/PID.N.trace for the image of its N-th exec (N >= 1; the exec'd
 * program is recorded into a capture of its own), and the same for every
 * forked child with --follow-fork.
 *
 * Layout: the header, then records to the end of the file.  All integers are
 * little-endian and unaligned (written with memcpy).  A record is one type byte
 * then the fields its type lists below, in order, with no padding; "str16" is
 * a u16 length then that many bytes (no NUL), "bytes8" a u8 length then bytes.
 *
 * Order.  Every event (allocation, free, mark) takes a sequence number from
 * one process-wide counter, at the moment it happens: a free's before the
 * memory is released, an allocation's after it is obtained, so a reused
 * address is always freed before it is allocated again.  Events are buffered
 * per thread and written in blocks (TR_BLOCK), so the file holds them out of
 * order; the reader sorts by sequence number.  TR_FLUSH with watermark w bounds the disorder:
 * every event with seq < w is in the file before the TR_FLUSH record.
 * Sequence numbers are unique, start at 0, and may have gaps (a munmap or
 * mremap that failed took one and wrote nothing).  Only events take sequence
 * numbers: the seq of TR_STACK, TR_MODULE, TR_MODULE_GONE, TR_TIME, TR_RSS
 * and TR_END is the counter's value then (the seq the next event will get),
 * so it may equal an event's seq.
 *
 * Unknown addresses.  A free, munmap or realloc of an address the trace never
 * allocated is normal (memory from before recording started, inherited over
 * fork, or allocated by the recorder's bootstrap): the reader ignores it.
 * A failed allocation (NULL, MAP_FAILED) is not recorded; malloc(0) and the
 * like that return a pointer are, with size 0.
 *
 * Stacks.  A stack is the list of return addresses above the allocator call,
 * innermost first (the caller of malloc first), as the unwinder found them
 * (at most TRACE_MAX_FRAMES; deeper stacks are cut at the outer end; n may be
 * 0).  Stacks are interned: TR_STACK gives an id its addresses once, before
 * any event that uses the id (in file order: before the TR_BLOCK holding the
 * event).  An id means the same addresses for the whole trace.  Ids are small
 * but need not be dense or in order.
 *
 * Top level and blocks.  TR_BLOCK's records are a thread's events (TR_ALLOC to
 * TR_MARK); every other record type is at the top level, never in a block.
 * TR_MARK may also be at the top level (a signal handler's mark, below).
 *
 * Modules.  TR_MODULE says an image was mapped at load bias `bias` (the
 * dl_iterate_phdr dlpi_addr) from seq on; TR_MODULE_GONE that it was unmapped
 * at seq (dlclose).  A return address of a stack belongs to the module whose
 * PT_LOAD segment covers it among those mapped at the stack's TR_STACK seq.
 *
 * Time.  A TR_TIME of (seq, ns) says every event with a smaller seq happened before
 * CLOCK_MONOTONIC time ns; the writer emits one about every 10 ms, with an RSS
 * sample.  Every time in the file (TR_TIME, TR_RSS, TR_MARK, TR_END and the
 * header's start_ns) is absolute nanoseconds of CLOCK_MONOTONIC, not relative
 * to start_ns, so the traces of one run (forks, execs) share one clock.
 *
 * Fork and exec.  A forked child's trace (TRACE_FORK_CHILD) starts afresh: its
 * own header, modules, stack ids and sequence numbers from 0.  An exec'd
 * image's trace likewise.  posix_spawn is a new process: with --follow-fork
 * the spawned program records itself into DIR/PID.trace (TRACE_FORK_CHILD set,
 * ppid the spawner) through the inherited environment; without it, it is not
 * recorded.
 *
 * The end.  TR_END is the last record of a trace whose process ended by
 * returning from main, exit(), _exit() or exec: the trace is complete.  Without
 * it the process died (a signal, SIGKILL included) or the trace was cut: the
 * reader loads what is there and flags the capture truncated.  An exec is
 * announced before it is tried: a TR_END of how TE_EXEC followed by more records
 * is an exec that failed, and the reader goes on past it.
 *
 * Marks.  A mark made by a program thread (memtui_stage(), the Python
 * module) is in that thread's block.  A mark made by a signal handler
 * (--stage-signal) is written by the writer thread outside any block: it
 * obeys TR_FLUSH like any event.
 */
#ifndef MT_TRACE_FORMAT_H
#define MT_TRACE_FORMAT_H

#define TRACE_MAGIC "MTUITRC\0"	/* 8 bytes */
#define TRACE_VERSION 1u

/*
 * Header:
 *   magic[8]        TRACE_MAGIC
 *   u32 version     TRACE_VERSION
 *   u32 pid, ppid
 *   u32 exec_index  0, or N for the image of the process's N-th exec
 *   u64 start_ns    CLOCK_MONOTONIC when recording started (absolute, like every time)
 *   u64 start_unix_ns  CLOCK_REALTIME then
 *   u32 page_size
 *   u32 flags       enum trace_flags
 *   str16 exe       /proc/self/exe as read then
 *   u32 argc, then argc str16   the command line (/proc/self/cmdline)
 */
enum trace_flags {
	TRACE_FOLLOW_FORK = 1 << 0,	/* forked children are recorded too */
	TRACE_FORK_CHILD = 1 << 1,	/* this process is a forked child (its parent is ppid) */
};

/* Record types. */
enum trace_record {
	/* u64 seq, u64 ptr, u64 size, u32 stack, u8 kind (enum trace_alloc_kind) */
	TR_ALLOC = 0x01,
	/* u64 seq, u64 ptr, u8 kind (enum trace_free_kind): ptr is never 0 */
	TR_FREE = 0x02,
	/*
	 * realloc (and reallocarray) of a non-NULL pointer is two records of one
	 * thread: TR_REALLOC_BEGIN before the call (the old block is freed at its
	 * seq, if the call succeeds) and TR_REALLOC_END after it; the reader holds
	 * the BEGIN until it sees the END.  A realloc(NULL, n) is a TR_ALLOC.
	 *   BEGIN: u64 seq, u64 old_ptr
	 *   END:   u64 seq, u64 new_ptr, u64 size, u32 stack, u8 kind
	 *          new_ptr 0: the call failed (size > 0: the old block stays) or
	 *          freed the old block (size 0: realloc(p, 0) in glibc)
	 */
	TR_REALLOC_BEGIN = 0x03,
	TR_REALLOC_END = 0x04,
	/*
	 * u64 seq, u64 addr, u64 len: munmap of a range (it may split a mapping
	 * or cover several); an mremap is a TR_MUNMAP of the old range (seq
	 * before the call) then a TR_ALLOC TA_MREMAP of the new one (seq after)
	 */
	TR_MUNMAP = 0x05,
	/*
	 * u64 seq, u64 ns, u8 origin (enum trace_mark_origin), str16 name:
	 * a stage mark; the stage starts with the event after it.
	 */
	TR_MARK = 0x06,

	/* u32 tid, u32 len: the next len bytes are records of thread tid
	 * (TR_ALLOC to TR_MARK only, each whole) */
	TR_BLOCK = 0x10,
	/* u32 tid, str16 name: the thread's name (a later record replaces it) */
	TR_THREAD_NAME = 0x11,
	/* u32 id, u64 seq, u16 n, then n u64 return addresses, innermost first */
	TR_STACK = 0x12,
	/*
	 * u64 seq, u64 bias, str16 path ("" for the main program: the header's
	 * exe), bytes8 build_id (GNU build-id note; 0 bytes when none), u16 n,
	 * then n × (u64 p_vaddr, u64 p_memsz) of its PT_LOAD segments
	 */
	TR_MODULE = 0x13,
	/* u64 seq, u64 bias: the module at bias was unmapped */
	TR_MODULE_GONE = 0x14,
	/* u64 seq, u64 ns: every event with a smaller seq happened before ns */
	TR_TIME = 0x15,
	/* u64 seq, u64 ns, u64 rss_bytes: resident set size at ns */
	TR_RSS = 0x16,
	/* u64 w: every event with seq < w is in the file before this record */
	TR_FLUSH = 0x17,
	/* u64 seq (one past the last event), u64 ns, u8 how (enum trace_end) */
	TR_END = 0x7f,
};

/* How an allocation was made (memray's allocator names; mmap marked as such). */
enum trace_alloc_kind {
	TA_MALLOC = 1,
	TA_CALLOC = 2,
	TA_REALLOC = 3,
	TA_REALLOCARRAY = 4,
	TA_POSIX_MEMALIGN = 5,
	TA_ALIGNED_ALLOC = 6,
	TA_MEMALIGN = 7,
	TA_VALLOC = 8,
	TA_PVALLOC = 9,
	TA_MMAP = 10,		/* an anonymous or file mapping; size = length */
	TA_MREMAP = 11,		/* the new range of an mremap; the old one gets a TR_MUNMAP */
};

enum trace_free_kind {
	TF_FREE = 1,
	TF_FREE_SIZED = 2,
	TF_FREE_ALIGNED_SIZED = 3,
};

enum trace_mark_origin {
	TM_C_API = 1,		/* memtui_stage() from memtui.h */
	TM_PYTHON_API = 2,	/* the Python module's memtui.stage, from Python */
	TM_SIGNAL = 3,		/* --stage-signal: "signal 1", "signal 2", ... */
};

enum trace_end {
	TE_EXIT = 1,		/* return from main or exit(): atexit time */
	TE_EXIT_NOW = 2,	/* _exit() or _Exit() */
	TE_EXEC = 3,		/* exec: the next image has its own trace */
};

/* Bounds the reader enforces (the writer never exceeds them). */
#define TRACE_MAX_FRAMES 256u		/* addresses in one stack */
#define TRACE_MAX_BLOCK (1u << 24)	/* bytes in one TR_BLOCK */
#define TRACE_MAX_SEGMENTS 64u		/* PT_LOAD segments of one module */

/* The environment `memtui record` passes to the preload library. */
#define TRACE_ENV_DIR "MEMTUI_RECORD_DIR"	/* the folder traces go to */
#define TRACE_ENV_ROOT "MEMTUI_RECORD_PID"	/* pid of the command's process */
#define TRACE_ENV_FOLLOW_FORK "MEMTUI_RECORD_FOLLOW_FORK"	/* "1": record forked children */
#define TRACE_ENV_STAGE_SIGNAL "MEMTUI_RECORD_STAGE_SIGNAL"	/* signal number, or unset */

#endif
