/*
 * capture: the capture's tables and their read-only accessors (layout in
 * capture_impl.h; the event log is eventlog.c's).
 */
#include "capture.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_impl.h"
#include "xalloc.h"

void capture_meta_set_str(char **slot, const char *s)
{
	free(*slot);
	*slot = s ? xstrdup(s) : NULL;
}

void capture_init(struct capture *cap)
{
	struct stack_node root = { 0, 0, 0, 0 };
	struct frame none = { 0 };

	memset(cap, 0, sizeof(*cap));
	atomic_init(&cap->owners, 1);
	cap->meta.pid = -1;
	cap->meta.start_time_ms = -1;
	cap->meta.duration_ms = -1;
	cap->meta.source.size = -1;
	cap->meta.temporary_threshold = -1;
	cap->meta.has_totals = true;
	cap->meta.has_event_stream = true;
	strtab_init(&cap->strings);
	vec_init(&cap->frames, sizeof(struct frame));
	vec_init(&cap->stacks, sizeof(struct stack_node));
	stack_index_init(&cap->stack_index);
	eventlog_init(&cap->log);
	vec_init(&cap->time_marks, sizeof(struct time_mark));
	vec_init(&cap->rss, sizeof(struct rss_sample));
	vec_init(&cap->stage_marks, sizeof(struct stage_mark));
	vec_init(&cap->coverage, sizeof(struct symbol_coverage));
	vec_push(&cap->stacks, &root);
	vec_push(&cap->frames, &none);	/* frame 0: the root's placeholder */
	cap->totals.peak_ev_idx = UINT64_MAX;
}

struct capture *capture_ref(struct capture *cap)
{
	atomic_fetch_add(&cap->owners, 1);
	return cap;
}

void capture_cached(struct capture *cap)
{
	struct capture_meta *m = &cap->meta;

	m->format = m->source.format;
	capture_meta_set_str(&m->format_version, m->source.format_version);
	if (m->source.size >= 0)
		m->file_bytes = (uint64_t)m->source.size;
	m->from_cache = true;
}

void capture_free(struct capture *cap)
{
	if (!cap || atomic_fetch_sub(&cap->owners, 1) > 1)
		return;
	/* Chunks may lie in the backing: the log goes first. */
	free(cap->meta.format_version);
	free(cap->meta.source.format_version);
	free(cap->meta.source.name);
	free(cap->meta.tool_version);
	free(cap->meta.command);
	free(cap->meta.truncated_why);
	free(cap->meta.inconsistent_why);
	for (size_t i = 0; i < cap->meta.n_threads; i++)
		free(cap->meta.threads[i].name);
	free(cap->meta.threads);
	for (size_t i = 0; i < cap->meta.n_suppressions; i++)
		free(cap->meta.suppressions[i]);
	free(cap->meta.suppressions);
	for (size_t i = 0; i < cap->meta.n_warnings; i++)
		free(cap->meta.warnings[i]);
	strtab_release(&cap->strings);
	vec_release(&cap->frames);
	vec_release(&cap->stacks);
	stack_index_release(&cap->stack_index);
	eventlog_release(&cap->log);
	vec_release(&cap->time_marks);
	vec_release(&cap->rss);
	for (size_t i = 0; i < cap->stage_marks.len; i++) {
		struct stage_mark *m = vec_at(&cap->stage_marks, i);

		free(m->name);
		free(m->where);
	}
	vec_release(&cap->stage_marks);
	for (size_t i = 0; i < cap->coverage.len; i++) {
		struct symbol_coverage *c = vec_at(&cap->coverage, i);

		free(c->path);
		free(c->file_used);
		free(c->debug_file);
	}
	vec_release(&cap->coverage);
	free(cap->calls_count);
	free(cap->calls_bytes);
	free(cap->calls_temporary);
	free(cap->calls_temporary_bytes);
	free(cap->leaks);
	free(cap->allocators);
	free(cap->backing.checked);
	if (cap->backing.release)
		cap->backing.release(cap->backing.ctx);
	free(cap);
}

const char *allocator_name(unsigned a)
{
	static const char *const names[ALLOCATOR_MAX + 1] = {
		"unknown", "malloc", "calloc", "realloc", "reallocarray", "posix_memalign",
		"aligned_alloc", "memalign", "valloc", "pvalloc", "mmap", "mremap",
		"pymalloc_malloc", "pymalloc_calloc", "pymalloc_realloc",
	};

	return a <= ALLOCATOR_MAX ? names[a] : names[0];
}

const struct allocator_calls *capture_allocator_calls(const struct capture *cap, size_t *n)
{
	*n = cap->n_allocators;
	return cap->allocators;
}

const struct leak *capture_leaks(const struct capture *cap, size_t *n)
{
	*n = cap->n_leaks;
	return cap->leaks;
}

const struct capture_meta *capture_meta(const struct capture *cap)
{
	return &cap->meta;
}

const char *capture_string(const struct capture *cap, uint32_t id)
{
	return strtab_get(&cap->strings, id);
}

uint32_t capture_string_count(const struct capture *cap)
{
	return strtab_count(&cap->strings);
}

const struct frame *capture_frame(const struct capture *cap, uint32_t id)
{
	if (id >= cap->frames.len)
		BUG("capture_frame: bad id");
	return vec_at(&cap->frames, id);
}

uint32_t capture_frame_count(const struct capture *cap)
{
	return (uint32_t)cap->frames.len;
}

const struct stack_node *capture_stack(const struct capture *cap, uint32_t id)
{
	if (id >= cap->stacks.len)
		BUG("capture_stack: bad id");
	return vec_at(&cap->stacks, id);
}

uint32_t capture_stack_count(const struct capture *cap)
{
	return (uint32_t)cap->stacks.len;
}

uint32_t capture_stack_thread(const struct capture *cap, uint32_t stack)
{
	return capture_stack(cap, stack)->thread;
}

uint32_t capture_stack_call_depth(const struct capture *cap, uint32_t stack)
{
	const struct stack_node *sn = capture_stack(cap, stack);

	return sn->depth - (sn->thread != 0);
}

uint32_t capture_thread_stacks(const struct capture *cap)
{
	return cap->thread_stacks;
}

const char *capture_thread_name(const struct capture *cap, uint64_t tid)
{
	for (size_t i = 0; i < cap->meta.n_threads; i++)
		if (cap->meta.threads[i].tid == tid)
			return cap->meta.threads[i].name;
	return NULL;
}

uint32_t capture_stack_find(const struct capture *cap, uint32_t parent, uint32_t frame)
{
	return stack_index_find(&cap->stack_index, parent, frame);
}

bool capture_stack_calls(const struct capture *cap, struct stack_calls *out)
{
	out->count = cap->calls_count;
	out->bytes = cap->calls_bytes;
	out->temporary = cap->calls_temporary;
	out->temporary_bytes = cap->calls_temporary_bytes;
	return cap->calls_count != NULL;
}

const struct capture_totals *capture_totals(const struct capture *cap)
{
	return &cap->totals;
}

int64_t capture_time_at(const struct capture *cap, uint64_t ev_idx)
{
	const struct time_mark *m = cap->time_marks.data;
	size_t lo = 0, hi = cap->time_marks.len;

	/* Find the last mark with m.ev_idx <= ev_idx. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m[mid].ev_idx <= ev_idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? m[lo - 1].time_ms : 0;
}

const struct time_mark *capture_time_marks(const struct capture *cap, size_t *n)
{
	*n = cap->time_marks.len;
	return cap->time_marks.data;
}

const struct rss_sample *capture_rss(const struct capture *cap, size_t *n)
{
	*n = cap->rss.len;
	return cap->rss.data;
}

const struct stage_mark *capture_stage_marks(const struct capture *cap, size_t *n)
{
	*n = cap->stage_marks.len;
	return cap->stage_marks.data;
}

const struct symbol_coverage *capture_symbol_coverage(const struct capture *cap, size_t *n)
{
	*n = cap->coverage.len;
	return cap->coverage.data;
}

struct symbol_coverage capture_symbol_total(const struct capture *cap)
{
	struct symbol_coverage t = { 0 };

	for (size_t i = 0; i < cap->coverage.len; i++) {
		const struct symbol_coverage *c = vec_at(&cap->coverage, i);

		t.dwarf += c->dwarf;
		t.symtab += c->symtab;
		t.unnamed += c->unnamed;
		if (!t.reason)
			t.reason = c->reason;
	}
	return t;
}

int capture_symbol_named_pct(const struct capture *cap)
{
	struct symbol_coverage t = capture_symbol_total(cap);
	uint64_t all = t.dwarf + t.symtab + t.unnamed;

	if (!all)
		return -1;
	return (int)((double)(t.dwarf + t.symtab) * 100.0 / (double)all);
}

const char *coverage_reason_name(unsigned reason)
{
	static const char *const names[] = {
		[COVERAGE_NAMED] = "",
		[COVERAGE_NO_FILE] = "no file",
		[COVERAGE_OTHER_BUILD] = "a different build",
		[COVERAGE_NO_DEBUG_INFO] = "no debug info",
		[COVERAGE_NO_SYMBOL] = "no symbol covers the address",
	};

	return reason <= COVERAGE_REASON_MAX ? names[reason] : "";
}

const char *capture_frame_label(const struct capture *cap, uint32_t frame, char *buf,
				size_t size)
{
	const struct frame *f = capture_frame(cap, frame);
	const char *fn = capture_string(cap, f->function);
	const char *mod, *slash;

	if (f->kind == FRAME_THREAD && !*fn) {
		const char *name = capture_thread_name(cap, f->address);

		if (name && *name)
			snprintf(buf, size, "thread %s", name);
		else
			snprintf(buf, size, "thread %" PRIu64, f->address);
		return buf;
	}
	if (*fn) {
		snprintf(buf, size, "%s", fn);
		return fn;
	}
	mod = capture_string(cap, f->module);
	slash = strrchr(mod, '/');
	if (slash)
		mod = slash + 1;
	if (*mod)
		snprintf(buf, size, "0x%" PRIx64 " in %s", f->address, mod);
	else if (f->address)
		snprintf(buf, size, "0x%" PRIx64, f->address);
	else
		snprintf(buf, size, "unnamed code");
	return buf;
}
