/*
 * resolver: native_resolver's calls as symbolizer calls, and the symbol
 * coverage count.  The symbolizer takes its options by pointer and copies
 * them, so the capture's directory lives only as long as resolver_init.
 *
 * Each image asked for is one entry (its recorded path, PT_LOAD list and
 * build-id are the key), found or not, and its handle is the entry's index:
 * lookups in an image without a file name nothing but are still counted.
 * Each entry keeps the addresses looked up in it (pc -> enum native_source),
 * so an address counts once however often a reader asks for it.
 */
#include "resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "symbolizer.h"
#include "vec.h"
#include "xalloc.h"

struct res_module {
	char *path;			/* as recorded */
	struct sym_segment *segs;	/* n_segs recorded PT_LOADs */
	size_t n_segs;
	uint8_t *id;			/* recorded build-id, id_len bytes */
	size_t id_len;
	int handle;			/* the symbolizer's, -1: no file */
	enum sym_status status;		/* why handle is -1 */
	struct hashmap seen;		/* pc -> enum native_source */
	uint64_t counts[3];		/* distinct pcs by enum native_source */
};

struct resolver {
	struct symbolizer *sym;
	struct vec modules;		/* struct res_module; the index is the handle */
};

static bool same_module(const struct res_module *m, const char *path,
			const struct sym_segment *segs, size_t n, const uint8_t *id, size_t id_len)
{
	return m->n_segs == n && m->id_len == id_len && !strcmp(m->path, path) &&
	       (!n || !memcmp(m->segs, segs, n * sizeof(*segs))) &&
	       (!id_len || !memcmp(m->id, id, id_len));
}

static int resolver_module(void *ctx, const char *path, const struct native_segment *segs,
			   size_t n, const uint8_t *id, size_t id_len)
{
	struct resolver *r = ctx;
	struct res_module m = { 0 };

	if (!path || (n && !segs) || (id_len && !id) || r->modules.len >= INT32_MAX)
		return -1;
	m.segs = xmalloc((n ? n : 1) * sizeof(*m.segs));
	for (size_t i = 0; i < n; i++) {
		m.segs[i].vaddr = segs[i].vaddr;
		m.segs[i].memsz = segs[i].memsz;
	}
	/* Images are few (readers ask once per image and generation): a scan will do. */
	for (size_t i = 0; i < r->modules.len; i++) {
		if (same_module(vec_at(&r->modules, i), path, m.segs, n, id, id_len)) {
			free(m.segs);
			return (int)i;
		}
	}
	m.path = xstrdup(path);
	m.n_segs = n;
	if (id_len) {
		m.id = xmalloc(id_len);
		memcpy(m.id, id, id_len);
		m.id_len = id_len;
	}
	m.handle = symbolizer_module_id(r->sym, path, m.segs, n, id, id_len, &m.status);
	hashmap_init(&m.seen);
	vec_push(&r->modules, &m);
	return (int)(r->modules.len - 1);
}

static size_t resolver_lookup(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			      size_t max, enum native_source *source)
{
	struct resolver *r = ctx;
	struct sym_frame frames[32];
	struct res_module *m;
	enum sym_source from = SYM_SOURCE_NONE;
	size_t n = 0;

	*source = NATIVE_UNNAMED;
	if (module < 0 || (size_t)module >= r->modules.len)
		return 0;
	m = vec_at(&r->modules, (size_t)module);
	if (m->handle >= 0)
		n = symbolizer_lookup_source(r->sym, m->handle, pc, frames, max < 32 ? max : 32,
					     &from);
	for (size_t i = 0; i < n; i++) {
		out[i].function = frames[i].function;
		out[i].file = frames[i].file;
		out[i].line = frames[i].line;
	}
	*source = from == SYM_SOURCE_DWARF ? NATIVE_DWARF :
		  from == SYM_SOURCE_SYMTAB ? NATIVE_SYMTAB : NATIVE_UNNAMED;
	if (hashmap_get(&m->seen, pc) == HASHMAP_NONE) {
		hashmap_put(&m->seen, pc, *source);
		m->counts[*source]++;
	}
	return n;
}

static bool resolver_coverage(void *ctx, size_t i, struct symbol_coverage *out)
{
	struct resolver *r = ctx;
	struct res_module *m;

	if (i >= r->modules.len)
		return false;
	m = vec_at(&r->modules, i);
	memset(out, 0, sizeof(*out));
	out->path = m->path;
	out->dwarf = m->counts[NATIVE_DWARF];
	out->symtab = m->counts[NATIVE_SYMTAB];
	out->unnamed = m->counts[NATIVE_UNNAMED];
	if (m->handle >= 0) {
		/* The strings are the symbolizer's; the struct's fields are not const. */
		out->file_used = (char *)symbolizer_module_file(r->sym, m->handle);
		out->debug_file = (char *)symbolizer_module_debug_file(r->sym, m->handle);
	}
	if (!out->unnamed)
		out->reason = COVERAGE_NAMED;
	else if (m->handle < 0)
		out->reason = m->status == SYM_OTHER_BUILD ? COVERAGE_OTHER_BUILD
							    : COVERAGE_NO_FILE;
	else
		out->reason = out->debug_file ? COVERAGE_NO_SYMBOL : COVERAGE_NO_DEBUG_INFO;
	return true;
}

bool resolver_init(struct native_resolver *res, const struct resolver_options *opt,
		   const char *capture_path)
{
	struct symbolizer_options so = { 0 };
	const char *slash = strrchr(capture_path, '/');
	struct resolver *r;
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
	r = xcalloc(1, sizeof(*r));
	r->sym = symbolizer_new(&so);
	vec_init(&r->modules, sizeof(struct res_module));
	res->ctx = r;
	res->module = resolver_module;
	res->lookup = resolver_lookup;
	res->coverage = resolver_coverage;
	return true;
}

void resolver_release(struct native_resolver *res)
{
	struct resolver *r = res->ctx;

	if (!r)
		return;
	for (size_t i = 0; i < r->modules.len; i++) {
		struct res_module *m = vec_at(&r->modules, i);

		hashmap_release(&m->seen);
		free(m->segs);
		free(m->id);
		free(m->path);
	}
	vec_release(&r->modules);
	symbolizer_free(r->sym);
	free(r);
	res->ctx = NULL;
}
