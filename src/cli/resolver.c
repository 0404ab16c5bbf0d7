/*
 * resolver: native_resolver's two calls as symbolizer calls.  The symbolizer
 * takes its options by pointer and copies them, so the capture's directory
 * lives only as long as resolver_init.
 */
#include "resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolizer.h"
#include "xalloc.h"

static int resolver_module(void *ctx, const char *path, const struct native_segment *segs,
			   size_t n)
{
	struct sym_segment *ss = xmalloc((n ? n : 1) * sizeof(*ss));
	int h;

	for (size_t i = 0; i < n; i++) {
		ss[i].vaddr = segs[i].vaddr;
		ss[i].memsz = segs[i].memsz;
	}
	h = symbolizer_module(ctx, path, ss, n);
	free(ss);
	return h;
}

static size_t resolver_lookup(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			      size_t max)
{
	struct sym_frame frames[32];
	size_t n = symbolizer_lookup(ctx, module, pc, frames, max < 32 ? max : 32);

	for (size_t i = 0; i < n; i++) {
		out[i].function = frames[i].function;
		out[i].file = frames[i].file;
		out[i].line = frames[i].line;
	}
	return n;
}

bool resolver_init(struct native_resolver *res, const struct resolver_options *opt,
		   const char *capture_path)
{
	struct symbolizer_options so = { 0 };
	const char *slash = strrchr(capture_path, '/');
	char dir[4096];

	if (!opt)
		return false;
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(slash - capture_path) + (slash == capture_path), capture_path);
	else
		snprintf(dir, sizeof(dir), ".");
	so.prefix_from = opt->prefix_from;
	so.prefix_to = opt->prefix_to;
	so.n_prefix = opt->n_prefix;
	so.debug_dirs = opt->debug_dirs;
	so.n_debug_dirs = opt->n_debug_dirs;
	so.beside_dir = dir;
	res->ctx = symbolizer_new(&so);
	res->module = resolver_module;
	res->lookup = resolver_lookup;
	return true;
}

void resolver_release(struct native_resolver *res)
{
	symbolizer_free(res->ctx);
	res->ctx = NULL;
}
