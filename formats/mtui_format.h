/*
 * mtui_format: the constants of memtui's own capture format (docs/FORMAT.md),
 * shared by its reader (mtui.c) and writer (mtui_writer.c).  The page is the
 * definition; section numbers below are its.
 */
#ifndef MT_MTUI_FORMAT_H
#define MT_MTUI_FORMAT_H

#include <stdint.h>

#define MTUI_MAGIC "\x89MTUI\r\n\x1a"
#define MTUI_MAJOR 1
#define MTUI_MINOR 0
#define MTUI_HEADER_LEN 32		/* what 1.0 writes (section 3) */
#define MTUI_HEADER_MAX 4096

#define MTUI_SECTION_HEAD 8		/* type, flags, payload_len (section 4) */
#define MTUI_SECTION_OVERHEAD 12	/* head and crc */
#define MTUI_MAX_PAYLOAD (1u << 23)
#define MTUI_MAX_STRING (1u << 22)
#define MTUI_BATCH_ENTRIES 65536	/* a table batch: at most this many entries */
#define MTUI_BATCH_BYTES (1u << 20)	/* and this many bytes of entries (section 14) */

#define MTUI_EVENTS_HEAD 20		/* first_event, n_events, raw_len, compression */
#define MTUI_CHECKPOINT_HEAD 12		/* event, part flags */
#define MTUI_SUMMARY_LEN 168
#define MTUI_INDEX_ENTRY 24
#define MTUI_END_PAYLOAD 24
#define MTUI_END_LEN (MTUI_SECTION_OVERHEAD + MTUI_END_PAYLOAD)

enum mtui_section {
	MTUI_META = 0x0001,
	MTUI_STRINGS = 0x0002,
	MTUI_FRAMES = 0x0003,
	MTUI_STACKS = 0x0004,
	MTUI_EVENTS = 0x0005,
	MTUI_CHECKPOINT = 0x0006,
	MTUI_TIME_MARKS = 0x0007,
	MTUI_RSS = 0x0008,
	MTUI_STAGE_MARKS = 0x0009,
	MTUI_SUMMARY = 0x000A,
	MTUI_INDEX = 0x000B,
	MTUI_STACK_CALLS = 0x000C,
	MTUI_SYMBOLS = 0x000D,		/* optional: the symbol coverage table */
	MTUI_LEAKS = 0x000E,		/* optional: the leak table */
	MTUI_ALLOCATORS = 0x000F,	/* optional: the allocator table */
	MTUI_END = 0x7FFF,
};

/* META tags (section 6). */
enum mtui_tag {
	TAG_SOURCE_FORMAT = 1,
	TAG_SOURCE_FORMAT_VERSION = 2,
	TAG_TOOL_VERSION = 3,
	TAG_SOURCE_NAME = 4,
	TAG_SOURCE_SIZE = 5,
	TAG_SOURCE_HASH = 6,
	TAG_COMMAND = 7,
	TAG_PID = 8,
	TAG_START_TIME = 9,
	TAG_DURATION = 10,
	TAG_CAPTURE_FLAGS = 11,
	TAG_PEAK_RULE = 12,
	TAG_TOP_RULE = 13,
	TAG_EVENTS_PER_CHUNK = 14,
	TAG_CHECKPOINT_EVENTS = 15,
	TAG_THREAD = 16,
	TAG_SUPPRESSION = 17,
	TAG_WARNING = 18,
	TAG_WARNINGS_DROPPED = 19,
	TAG_SOURCE_TRUNCATED = 20,
	TAG_INCONSISTENT = 21,
	TAG_TEMPORARY_THRESHOLD = 22,	/* 1.1: memray's temporary threshold applied */
};

/* META 11 bits. */
#define MTUI_FLAG_NATIVE_TRACES 1u
#define MTUI_FLAG_NATIVE_OFFSETS 2u
#define MTUI_FLAG_HAS_TOTALS 4u
#define MTUI_FLAG_HAS_EVENT_STREAM 8u
#define MTUI_FLAGS_DEFAULT (MTUI_FLAG_HAS_TOTALS | MTUI_FLAG_HAS_EVENT_STREAM)

#define MTUI_HASH_SHA256 1

#endif
