/*
 * capdump: loads a capture and prints the model's raw figures, one
 * "key value" per line, for reader development and format tests.
 *
 *	capdump FILE [--events N] [--stacks]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "eventlog.h"
#include "registry.h"

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
	int stacks = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: capdump FILE [--events N] [--stacks]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc)
			n_events = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--stacks"))
			stacks = 1;
	}
	if (formats_load(argv[1], NULL, &cap, &err) < 0) {
		mt_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "capdump: %s\n", msg);
		return 2;
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
