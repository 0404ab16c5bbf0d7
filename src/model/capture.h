/*
 * capture: the read-only model every view, report and analysis works on.
 *
 * Tables (see docs/ARCHITECTURE.md): interned strings, frames, a stack trie (a
 * call path is one 32-bit id), an event log of signed per-stack deltas
 * (eventlog.h), time marks, RSS samples and stage marks.  The live heap at
 * event i is the prefix sum of the deltas of events [0, i], per stack.  Nothing
 * here knows which tool wrote the file, except the few rules in meta that say
 * how that tool defines its headline numbers, so that memtui's numbers equal
 * the tool's own.
 */
#ifndef MT_CAPTURE_H
#define MT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum frame_kind {
	FRAME_PYTHON = 0,
	FRAME_NATIVE = 1,	/* a machine-code frame, possibly unsymbolized */
	FRAME_INLINED = 2,	/* a native frame inlined into the frame below it */
	FRAME_THREAD = 3,	/* a synthetic frame naming a thread */
};

struct frame {
	uint32_t function;	/* string id; 0 = unknown */
	uint32_t file;		/* string id; 0 = unknown */
	uint32_t module;	/* string id of the shared object/executable; 0 = none */
	uint32_t line;		/* 1-based source line; 0 = unknown */
	uint64_t address;	/* native: offset in module (or absolute ip); python: the
				 * first line of its code object (0 unknown) */
	uint8_t kind;		/* enum frame_kind */
};

struct stack_node {
	uint32_t parent;	/* stack id of the caller path; the root's parent is 0 */
	uint32_t frame;		/* frame id of the innermost frame; unused for the root */
	uint32_t depth;		/* frames on the path; the root has 0 */
	uint32_t thread;	/* the stack of its thread frame, or 0 (capture_stack_thread) */
};

/* How the tool that wrote the file picks the peak among equal maxima. */
enum peak_rule {
	PEAK_FIRST_MAX = 0,	/* heaptrack: the first event that reaches the maximum */
	PEAK_LAST_MAX = 1,	/* memray: the last event at which the heap equals it */
};

/* How the tool groups its "top locations" at the peak. */
enum top_rule {
	TOP_INNERMOST_FRAME = 0,	/* heaptrack: (module, function, file, line) of the leaf;
					 * allocations = calls over the whole run */
	TOP_INNERMOST_PYTHON = 1,	/* memray: innermost Python frame (function, file, line);
					 * allocations = live at the peak */
	TOP_INNERMOST_HYBRID = 2,	/* memray with native traces: innermost frame of the
					 * hybrid stack, unnamed native frames as one
					 * "<unknown>"; allocations = live at the peak */
};

struct thread_name {
	uint64_t tid;
	char *name;
};

#define CAPTURE_MAX_WARNINGS 16

/*
 * Where the capture's data came from.  For a memray or heaptrack file, the
 * file itself; for a .mtui, the file it was converted from (or "memtui" for a
 * recording).  The tool-specific rules of the reports (memray's temporary
 * allocations, its top-locations table) follow source.format, never format.
 */
struct capture_source {
	const char *format;	/* static: "memray", "heaptrack", "memtui" */
	char *format_version;	/* as that file says it: "13", "3"; NULL unknown */
	char *name;		/* its base name; NULL unknown */
	int64_t size;		/* its size in bytes; -1 unknown */
	bool has_sha256;
	uint8_t sha256[32];	/* of the whole file, when has_sha256 */
};

struct capture_meta {
	const char *format;	/* static: the file's format, "memray", "heaptrack", "memtui" */
	char *format_version;	/* as the file says it: "13", "3", "1.0" */
	struct capture_source source;
	char *tool_version;	/* "1.20.0", "1.4.0"; NULL if unknown */
	char *command;		/* command line of the profiled program; NULL if unknown */
	int64_t pid;		/* -1 if unknown */
	bool native_traces;	/* the capture has native frames */
	bool native_offsets;	/* native frame addresses are offsets in their module
				 * (memray); otherwise absolute addresses (heaptrack) */
	bool has_totals;	/* false when the file only has aggregated figures */
	bool has_event_stream;	/* false when events are synthesized from aggregates */
	enum peak_rule peak_rule;
	enum top_rule top_rule;
	/*
	 * memray's temporary-allocation threshold that the EV_TEMPORARY marks
	 * follow (an allocation freed within this many allocations of its thread,
	 * docs/NUMBERS.md); -1 when the tool's own rule marks them (heaptrack) or
	 * nothing does (an aggregated memray file).  The memray reader is handed
	 * the threshold to apply here (registry.c).
	 */
	int64_t temporary_threshold;
	int64_t start_time_ms;	/* wall clock of the start, ms since the Unix epoch; -1 unknown */
	int64_t duration_ms;	/* -1 unknown */
	bool truncated;
	uint64_t truncated_at;	/* byte offset in the file where decoding stopped */
	char *truncated_why;
	/*
	 * The file holds figures that cannot all be right (more frees than
	 * allocations, a count the file states that its records contradict):
	 * the capture loads with its figures as recorded, flagged.
	 */
	bool inconsistent;
	char *inconsistent_why;	/* the first reason found */
	uint64_t file_bytes;	/* size of the input as read (decompressed bytes excluded) */
	bool from_cache;	/* read from memtui's cache entry of the file (capture_cached) */
	struct thread_name *threads;
	size_t n_threads;
	char **suppressions;	/* leak suppression patterns (heaptrack's rules); see leaks */
	size_t n_suppressions;
	char *warnings[CAPTURE_MAX_WARNINGS];
	size_t n_warnings;
	size_t n_warnings_dropped;
};

/* Replaces *slot with a copy of s (NULL allowed). */
void capture_meta_set_str(char **slot, const char *s);

struct capture;

/*
 * Frees cap, or drops one owner of it: a capture shared with another thread
 * (capture_ref) is freed by its last owner.
 */
void capture_free(struct capture *cap);
/* Another owner of cap (thread-safe; the capture is read-only). */
struct capture *capture_ref(struct capture *cap);
/*
 * cap (a .mtui) was read from memtui's capture cache in place of its source:
 * it reports as the source does (meta.format, format_version and file_bytes
 * become the source's) and says so (meta.from_cache).
 */
void capture_cached(struct capture *cap);

const struct capture_meta *capture_meta(const struct capture *cap);
const char *capture_string(const struct capture *cap, uint32_t id);
uint32_t capture_string_count(const struct capture *cap);
const struct frame *capture_frame(const struct capture *cap, uint32_t id);
uint32_t capture_frame_count(const struct capture *cap);
const struct stack_node *capture_stack(const struct capture *cap, uint32_t id);
uint32_t capture_stack_count(const struct capture *cap);
/*
 * Threads.  A reader that knows the thread of each allocation roots every
 * stack of a thread at a synthetic frame of kind FRAME_THREAD (address: the
 * tid), so that one call path on two threads is two stacks: a thread's
 * figures are the sum over its stacks, a thread filter is a mask over
 * stacks, and the threads' figures add up to the whole by construction.
 * Only a thread frame directly under the root (depth 1) names a thread;
 * everything that walks a path stops at it, since it is not a call frame.
 *
 * capture_stack_thread: the stack of stack's thread frame (depth 1), or 0
 * when it has none (stack 0, or a capture without threads).
 * capture_stack_call_depth: the call frames on the path (depth without the
 * thread frame); walking that many parents up from stack visits exactly them.
 * capture_thread_stacks: how many stacks are a thread's root; 0 when the
 * reader kept no threads (heaptrack), and then there is nothing to filter.
 * capture_thread_name: the name meta.threads gives tid, or NULL.
 */
uint32_t capture_stack_thread(const struct capture *cap, uint32_t stack);
uint32_t capture_stack_call_depth(const struct capture *cap, uint32_t stack);
uint32_t capture_thread_stacks(const struct capture *cap);
const char *capture_thread_name(const struct capture *cap, uint64_t tid);

/* Stack id of a (parent, frame) edge, or UINT32_MAX if absent. */
uint32_t capture_stack_find(const struct capture *cap, uint32_t parent, uint32_t frame);

/* Summary figures kept while the log was built (all by the meta rules). */
struct capture_totals {
	uint64_t events;		/* entries in the event log */
	uint64_t alloc_count;		/* EV_ALLOC events */
	uint64_t alloc_bytes;		/* their bytes */
	uint64_t temporary_count;	/* EV_TEMPORARY events */
	int64_t peak_bytes;		/* high-water mark of the live heap */
	uint64_t peak_ev_idx;		/* event after which the heap is at the peak;
					 * UINT64_MAX when the peak is the empty start */
	int64_t end_bytes;		/* live heap after the last event (leaks) */
	int64_t end_count;		/* live allocations after the last event */
};
const struct capture_totals *capture_totals(const struct capture *cap);

/*
 * Per stack over the whole run: allocation calls (EV_ALLOC events), their
 * bytes, and frees of temporary allocations (EV_TEMPORARY events).  Kept when
 * the capture came from a .mtui (stored there, or counted while its chunks
 * were checked), which saves a pass over the log; false otherwise.
 */
struct stack_calls {
	const int64_t *count;
	const int64_t *bytes;
	const int64_t *temporary;
	const int64_t *temporary_bytes;	/* the bytes those frees freed; NULL when
					 * unknown (a .mtui opened in place) or
					 * not weighed (heaptrack's, streamed) */
};
bool capture_stack_calls(const struct capture *cap, struct stack_calls *out);

/*
 * The leak table: every allocation still live after the last event, by the
 * event that made it, so that what is left at the end can be told apart per
 * allocation where the log only keeps live figures per stack.  Sorted by
 * ev_idx (strictly increasing); per stack its entries sum to that stack's
 * live figures after the last event, so the whole table sums to
 * totals.end_bytes and end_count.  Suppressions (meta.suppressions) are not
 * applied: every live allocation is here.
 */
struct leak {
	uint64_t ev_idx;	/* the allocating event (EV_ALLOC, of stack) */
	uint32_t stack;
	int64_t bytes;		/* still live (>= 0; an mmap partly unmapped keeps part) */
	int64_t count;		/* live pieces (>= 1; more for a mapping split by munmaps) */
};
/*
 * The capture's leak table and its length in *n, or NULL (*n = 0) when the
 * capture has none: its reader could not follow allocations one by one (an
 * aggregated memray file, a .mtui written without the table).  A capture
 * without leaks has an empty table: non-NULL, *n = 0.  Valid while cap is.
 */
const struct leak *capture_leaks(const struct capture *cap, size_t *n);

/*
 * Which function made an allocation, where the capture says (memray's
 * records, memtui's recorder; heaptrack does not record it).  The names
 * follow memray's allocator names.
 */
enum allocator {
	ALLOCATOR_UNKNOWN = 0,
	ALLOCATOR_MALLOC,
	ALLOCATOR_CALLOC,
	ALLOCATOR_REALLOC,
	ALLOCATOR_REALLOCARRAY,
	ALLOCATOR_POSIX_MEMALIGN,
	ALLOCATOR_ALIGNED_ALLOC,
	ALLOCATOR_MEMALIGN,
	ALLOCATOR_VALLOC,
	ALLOCATOR_PVALLOC,
	ALLOCATOR_MMAP,
	ALLOCATOR_MREMAP,		/* the new range of an mremap */
	ALLOCATOR_PYMALLOC_MALLOC,	/* Python's object allocator (--trace-python-allocators) */
	ALLOCATOR_PYMALLOC_CALLOC,
	ALLOCATOR_PYMALLOC_REALLOC,
};
#define ALLOCATOR_MAX ALLOCATOR_PYMALLOC_REALLOC
/* "malloc", "pymalloc_malloc", ...; "unknown" for ALLOCATOR_UNKNOWN or out of range. */
const char *allocator_name(unsigned a);

/*
 * The allocator table: allocation calls over the whole run per (stack,
 * allocator), sorted by stack then allocator, each pair once, counts >= 1.
 * It covers every EV_ALLOC event (ALLOCATOR_UNKNOWN where the reader did not
 * say), so it sums to totals.alloc_count and alloc_bytes.  NULL (*n = 0)
 * when the capture does not say which allocator made what.
 */
struct allocator_calls {
	uint32_t stack;
	uint8_t allocator;	/* enum allocator */
	int64_t count;
	int64_t bytes;
};
const struct allocator_calls *capture_allocator_calls(const struct capture *cap, size_t *n);

/* Time (ms since start) at which event ev_idx happened: the last time mark at or before it. */
int64_t capture_time_at(const struct capture *cap, uint64_t ev_idx);

struct time_mark {
	uint64_t ev_idx;	/* the first event at or after this time */
	int64_t time_ms;
};
struct rss_sample {
	int64_t time_ms;
	uint64_t rss_bytes;
};
/* Where a stage mark was made. */
enum mark_origin {
	MARK_UNKNOWN = 0,
	MARK_C_API = 1,		/* memtui's stage marker API for C and C++ */
	MARK_PYTHON_API = 2,	/* memtui's stage marker module for Python */
	MARK_SOURCE_FILE = 3,	/* a marker the profiler's own file recorded (memray's:
				 * docs/FORMAT.md, the memray marker contract) */
	MARK_SIGNAL = 4,	/* memtui record --stage-signal: the program got the signal */
};
struct stage_mark {
	uint64_t ev_idx;	/* the mark is before this event */
	int64_t time_ms;	/* ms since the start; -1 unknown */
	uint8_t origin;		/* enum mark_origin */
	char *name;
	char *where;		/* "app.py:42"; "" unknown */
};
const struct time_mark *capture_time_marks(const struct capture *cap, size_t *n);
const struct rss_sample *capture_rss(const struct capture *cap, size_t *n);
const struct stage_mark *capture_stage_marks(const struct capture *cap, size_t *n);

/* Why some native frames of a module stayed unnamed (symbol coverage). */
enum coverage_reason {
	COVERAGE_NAMED = 0,		/* every frame was named */
	COVERAGE_NO_FILE = 1,		/* no file at the recorded path, beside it or by build-id */
	COVERAGE_OTHER_BUILD = 2,	/* a file, of a different build (layout or build-id) */
	COVERAGE_NO_DEBUG_INFO = 3,	/* the file, without DWARF, and no symbol for them */
	COVERAGE_NO_SYMBOL = 4,		/* the file has DWARF: no symbol covers the addresses */
};
#define COVERAGE_REASON_MAX COVERAGE_NO_SYMBOL

/*
 * How the native frames of one module (an image as the profiler recorded it)
 * were named, counted in distinct addresses: from DWARF, from the symbol
 * table only, not at all.  One entry per image the symbolizer was asked about.
 */
struct symbol_coverage {
	char *path;		/* the image as recorded */
	char *file_used;	/* the file read for it; NULL none */
	char *debug_file;	/* the file its DWARF came from; NULL none */
	uint64_t dwarf;		/* addresses named from DWARF */
	uint64_t symtab;	/* named from the symbol table only */
	uint64_t unnamed;	/* not named */
	uint8_t reason;		/* enum coverage_reason */
};
const struct symbol_coverage *capture_symbol_coverage(const struct capture *cap, size_t *n);
/*
 * The sums of the table (strings NULL, reason the first unnamed entry's):
 * dwarf + symtab + unnamed is 0 when no native frame was looked up.
 */
struct symbol_coverage capture_symbol_total(const struct capture *cap);
/* The percentage of looked-up addresses named, rounded down (99 while one is not); -1 none. */
int capture_symbol_named_pct(const struct capture *cap);
/* "no file", "a different build", "no debug info", "no symbol covers the address"; "" named. */
const char *coverage_reason_name(unsigned reason);

/*
 * The display name of frame: its function, or for an unnamed native frame
 * "0xADDRESS in MODULE" (the module's base name; the address as the capture
 * has it: an offset in the module for memray, the process's address for
 * heaptrack), "0xADDRESS" without a module, "unnamed code" without either.
 * A thread frame is "thread NAME", or "thread TID" without a name.
 * This is the one spelling of an unnamed frame on screen and in every report.
 * Returns the whole name: the capture's own string for a named frame (valid
 * while the capture is), else buf; buf always gets a copy, cut to size bytes
 * (C++ names reach thousands of bytes: use the returned pointer).
 */
const char *capture_frame_label(const struct capture *cap, uint32_t frame, char *buf,
				size_t size);

#endif
