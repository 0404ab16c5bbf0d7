/*
 * capdump: loads a capture and prints the model's raw figures, one
 * "key value" per line, for reader development and format tests.
 *
 *	capdump FILE [--events N] [--stacks]
 *	capdump FILE --canonical
 *
 * --canonical prints the whole model in the dump format of
 * tests/tools/mtui_check.py (the independent .mtui reader), so that a
 * capture and its .mtui can be compared line by line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "eventlog.h"
#include "registry.h"
#include "snapshot.h"

/* A string as mtui_check.py escapes it. */
static void esc(const char *s)
{
	if (!*s) {
		fputs("\"\"", stdout);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p > 0x20 && *p < 0x7f)
			putchar(*p);
		else
			printf("\\x%02x", *p);
	}
}

static void meta_str(const char *key, const char *v)
{
	if (!v)
		return;
	printf("meta %s ", key);
	esc(v);
	putchar('\n');
}

static void canonical_meta(const struct capture_meta *m)
{
	meta_str("source_format", m->source.format);
	meta_str("source_format_version", m->source.format_version);
	meta_str("tool_version", m->tool_version);
	meta_str("source_name", m->source.name);
	if (m->source.size >= 0)
		printf("meta source_size %" PRId64 "\n", m->source.size);
	if (m->source.has_sha256) {
		printf("meta source_hash sha256 ");
		for (int i = 0; i < 32; i++)
			printf("%02x", m->source.sha256[i]);
		putchar('\n');
	}
	meta_str("command", m->command);
	printf("meta pid %" PRId64 "\nmeta start_time_ms %" PRId64 "\nmeta duration_ms %" PRId64
	       "\n", m->pid, m->start_time_ms, m->duration_ms);
	printf("meta capture_flags native_traces=%d native_offsets=%d has_totals=%d "
	       "has_event_stream=%d\n", m->native_traces, m->native_offsets, m->has_totals,
	       m->has_event_stream);
	printf("meta peak_rule %d\nmeta top_rule %d\nmeta events_per_chunk %u\n"
	       "meta checkpoint_events %u\n", m->peak_rule, m->top_rule, EVENTS_PER_CHUNK,
	       CHECKPOINT_EVENTS);
	for (size_t i = 0; i < m->n_threads; i++) {
		printf("meta thread %" PRIu64 " ", m->threads[i].tid);
		esc(m->threads[i].name);
		putchar('\n');
	}
	for (size_t i = 0; i < m->n_suppressions; i++)
		meta_str("suppression", m->suppressions[i]);
	for (size_t i = 0; i < m->n_warnings; i++)
		meta_str("warning", m->warnings[i]);
	if (m->n_warnings_dropped)
		printf("meta warnings_dropped %zu\n", m->n_warnings_dropped);
	if (m->truncated) {
		printf("meta source_truncated %" PRIu64 " ", m->truncated_at);
		esc(m->truncated_why ? m->truncated_why : "");
		putchar('\n');
	}
	if (m->inconsistent)
		meta_str("inconsistent", m->inconsistent_why ? m->inconsistent_why : "");
}

static void canonical_events(const struct capture *cap)
{
	struct event_cursor c;
	struct event ev;

	event_cursor_init(&c, cap, 0);
	while (event_cursor_next(&c, &ev)) {
		uint64_t i = c.ev_idx - 1;

		if (i % CHECKPOINT_EVENTS == 0) {
			size_t n;
			const struct checkpoint_entry *e =
				capture_checkpoint(cap, i / CHECKPOINT_EVENTS, &n);

			printf("checkpoint %" PRIu64 " %zu\n", i, n);
			for (size_t k = 0; k < n; k++)
				printf("cp %u %" PRId64 " %" PRId64 "\n", e[k].stack, e[k].bytes,
				       e[k].count);
		}
		printf("event %" PRIu64 " %u %u %" PRId64 " %" PRId64 "\n", i, ev.stack, ev.flags,
		       ev.bytes, ev.count);
	}
	event_cursor_release(&c);
}

/* Allocation calls, their bytes and temporary frees of every stack (STACK_CALLS). */
static void canonical_calls(const struct capture *cap)
{
	struct snapshot calls, temporary;
	uint64_t n = capture_totals(cap)->events;

	snapshot_allocated(&calls, cap, 0, n);
	snapshot_temporary(&temporary, cap, 0, n);
	for (uint32_t i = 0; i < calls.n; i++)
		printf("calls %u %" PRId64 " %" PRId64 " %" PRId64 "\n", i, calls.count[i],
		       calls.bytes[i], temporary.count[i]);
	snapshot_release(&calls);
	snapshot_release(&temporary);
}

/* The allocator table (ALLOCATORS), when the capture has one. */
static void canonical_allocators(const struct capture *cap)
{
	size_t n;
	const struct allocator_calls *a = capture_allocator_calls(cap, &n);

	if (!a)
		return;
	printf("allocators %zu\n", n);
	for (size_t i = 0; i < n; i++)
		printf("allocator %u %u %" PRId64 " %" PRId64 "\n", a[i].stack, a[i].allocator,
		       a[i].count, a[i].bytes);
}

/* The leak table (LEAKS), when the capture has one. */
static void canonical_leaks(const struct capture *cap)
{
	size_t n;
	const struct leak *l = capture_leaks(cap, &n);

	if (!l)
		return;
	printf("leaks %zu\n", n);
	for (size_t i = 0; i < n; i++)
		printf("leak %" PRIu64 " %u %" PRId64 " %" PRId64 "\n", l[i].ev_idx, l[i].stack,
		       l[i].bytes, l[i].count);
}

static void canonical(const struct capture *cap)
{
	const struct capture_totals *t = capture_totals(cap);
	size_t n;
	const struct time_mark *tm = capture_time_marks(cap, &n);
	struct snapshot leaks, suppressed;
	uint64_t rss_max = 0;

	canonical_meta(capture_meta(cap));
	for (uint32_t i = 1; i < capture_string_count(cap); i++) {
		printf("string %u ", i);
		esc(capture_string(cap, i));
		putchar('\n');
	}
	for (uint32_t i = 1; i < capture_frame_count(cap); i++) {
		const struct frame *f = capture_frame(cap, i);

		printf("frame %u %u %u %u %u %u %" PRIu64 "\n", i, f->kind, f->function, f->file,
		       f->module, f->line, f->address);
	}
	for (uint32_t i = 1; i < capture_stack_count(cap); i++) {
		const struct stack_node *s = capture_stack(cap, i);

		printf("stack %u %u %u %u\n", i, s->parent, s->frame, s->depth);
	}
	canonical_events(cap);
	for (size_t i = 0; i < n; i++)
		printf("time_mark %" PRIu64 " %" PRId64 "\n", tm[i].ev_idx, tm[i].time_ms);
	const struct rss_sample *rs = capture_rss(cap, &n);
	for (size_t i = 0; i < n; i++) {
		printf("rss %" PRId64 " %" PRIu64 "\n", rs[i].time_ms, rs[i].rss_bytes);
		if (rs[i].rss_bytes > rss_max)
			rss_max = rs[i].rss_bytes;
	}
	const struct stage_mark *sm = capture_stage_marks(cap, &n);
	for (size_t i = 0; i < n; i++) {
		printf("stage_mark %" PRIu64 " %" PRId64 " %u ", sm[i].ev_idx, sm[i].time_ms,
		       sm[i].origin);
		esc(sm[i].name);
		putchar(' ');
		esc(sm[i].where ? sm[i].where : "");
		putchar('\n');
	}
	const struct symbol_coverage *sc = capture_symbol_coverage(cap, &n);
	for (size_t i = 0; i < n; i++) {
		fputs("symbols ", stdout);
		esc(sc[i].path);
		putchar(' ');
		esc(sc[i].file_used ? sc[i].file_used : "");
		putchar(' ');
		esc(sc[i].debug_file ? sc[i].debug_file : "");
		printf(" %" PRIu64 " %" PRIu64 " %" PRIu64 " %u\n", sc[i].dwarf, sc[i].symtab,
		       sc[i].unnamed, sc[i].reason);
	}
	canonical_calls(cap);
	canonical_leaks(cap);
	canonical_allocators(cap);
	snapshot_leaks(&leaks, cap, &suppressed);
	printf("summary events %" PRIu64 " alloc_count %" PRIu64 " alloc_bytes %" PRIu64
	       " temporary_count %" PRIu64 " peak_bytes %" PRId64 " peak_ev_idx %" PRIu64
	       " end_bytes %" PRId64 " end_count %" PRId64 " leaked_bytes %" PRId64
	       " leaked_count %" PRId64 " suppressed_bytes %" PRId64 " suppressed_count %" PRId64
	       " rss_max_bytes %" PRIu64 "\n", t->events, t->alloc_count, t->alloc_bytes,
	       t->temporary_count, t->peak_bytes, t->peak_ev_idx, t->end_bytes, t->end_count,
	       leaks.total_bytes, leaks.total_count, suppressed.total_bytes,
	       suppressed.total_count, rss_max);
	snapshot_release(&leaks);
	snapshot_release(&suppressed);
}

static void print_stack(const struct capture *cap, uint32_t id)
{
	while (id) {
		const struct stack_node *s = capture_stack(cap, id);
		const struct frame *f = capture_frame(cap, s->frame);

		printf("    %s %s:%u [%s+0x%" PRIx64 "] kind=%u\n",
		       capture_string(cap, f->function), capture_string(cap, f->file), f->line,
		       capture_string(cap, f->module), f->address, f->kind);
		id = s->parent;
	}
}

int main(int argc, char **argv)
{
	struct capture *cap;
	struct mt_error err = { 0 };
	char msg[512];
	uint64_t n_events = 0;
	int stacks = 0, canon = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: capdump FILE [--events N] [--stacks]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc)
			n_events = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--stacks"))
			stacks = 1;
		else if (!strcmp(argv[i], "--canonical"))
			canon = 1;
	}
	if (formats_load(argv[1], NULL, &cap, &err) < 0) {
		mt_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "capdump: %s\n", msg);
		return 2;
	}
	if (canon) {
		canonical(cap);
		capture_free(cap);
		return 0;
	}
	const struct capture_meta *m = capture_meta(cap);
	const struct capture_totals *t = capture_totals(cap);
	size_t n_rss, n_marks;

	capture_rss(cap, &n_rss);
	capture_time_marks(cap, &n_marks);
	printf("format %s\nformat_version %s\ntool_version %s\ncommand %s\npid %" PRId64 "\n",
	       m->format, m->format_version ? m->format_version : "",
	       m->tool_version ? m->tool_version : "", m->command ? m->command : "", m->pid);
	printf("native_traces %d\nhas_totals %d\ntruncated %d\ntruncated_at %" PRIu64 "\n",
	       m->native_traces, m->has_totals, m->truncated, m->truncated_at);
	printf("truncated_why %s\n", m->truncated_why ? m->truncated_why : "");
	printf("events %" PRIu64 "\nalloc_count %" PRIu64 "\nalloc_bytes %" PRIu64 "\n", t->events,
	       t->alloc_count, t->alloc_bytes);
	printf("temporary_count %" PRIu64 "\npeak_bytes %" PRId64 "\npeak_ev_idx %" PRIu64 "\n",
	       t->temporary_count, t->peak_bytes, t->peak_ev_idx);
	printf("peak_time_ms %" PRId64 "\n", capture_time_at(cap, t->peak_ev_idx));
	printf("end_bytes %" PRId64 "\nend_count %" PRId64 "\n", t->end_bytes, t->end_count);
	printf("strings %u\nframes %u\nstacks %u\nrss_samples %zu\ntime_marks %zu\nthreads %zu\n",
	       capture_string_count(cap), capture_frame_count(cap), capture_stack_count(cap),
	       n_rss, n_marks, m->n_threads);
	for (size_t i = 0; i < m->n_threads; i++)
		printf("thread %" PRIu64 " %s\n", m->threads[i].tid, m->threads[i].name);
	for (size_t i = 0; i < m->n_warnings; i++)
		printf("warning %s\n", m->warnings[i]);
	if (n_events) {
		struct event_cursor c;
		struct event ev;

		event_cursor_init(&c, cap, 0);
		while (c.ev_idx < n_events && event_cursor_next(&c, &ev)) {
			printf("event %" PRIu64 " stack=%u bytes=%" PRId64 " count=%" PRId64
			       " flags=%u\n", c.ev_idx - 1, ev.stack, ev.bytes, ev.count, ev.flags);
			if (stacks)
				print_stack(cap, ev.stack);
		}
		event_cursor_release(&c);
	}
	capture_free(cap);
	return 0;
}
