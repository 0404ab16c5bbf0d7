/*
 * symbolizer: the module cache and the search for files.
 *
 * A module is one (recorded path, PT_LOAD list) pair.  Modules live in an array
 * and are found again through a hashmap from a hash of that key (collisions are
 * checked by comparing keys, then scanned linearly).  A failed search is cached
 * too, so a capture with ten thousand frames of a missing library searches once.
 *
 * Search order (docs/ARCHITECTURE.md, "Symbolizer"):
 *  - the image: prefix-mapped path, recorded path, beside_dir/basename; the first
 *    whose PT_LOAD list (and build-id, when one was recorded) equals the recorded
 *    one; else, by the recorded build-id, DEBUGDIR/.build-id/xx/rest or xx/rest.debug;
 *  - its DWARF, on the first lookup: the image itself if it has .debug_info; else
 *    DEBUGDIR/.build-id/xx/rest.debug for each debug dir (build-id must match);
 *    else the .gnu_debuglink name in DEBUGDIR/dirname, dirname/.debug, dirname
 *    (build-id must match when both have one, else the CRC);
 *  - symbols: the image's .symtab (else .dynsym), then the debug file's.
 * A file whose DWARF fails dwarf_guard's checks keeps only its symbol tables.
 */
#include "symbolizer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf_bfd.h"
#include "dwarf_guard.h"
#include "dwarf_lines.h"
#include "elf_symbols.h"
#include "hashmap.h"
#include "vec.h"
#include "xalloc.h"

#define SYSTEM_DEBUG_DIR "/usr/lib/debug"

struct sym_module {
	char *path;			/* as recorded (the key, with segs) */
	struct sym_segment *segs;	/* recorded PT_LOADs, n_segs of them */
	size_t n_segs;
	uint8_t *id;			/* recorded build-id (part of the key), id_len bytes */
	size_t id_len;
	enum sym_status status;		/* why image is NULL */
	struct elf_symbols *image;	/* NULL: no usable file (handle -1) */
	bool debug_searched;		/* debug_elf and dwarf_path are final */
	bool lines_tried;		/* dwarf is final */
	struct dwarf_lines *dwarf;	/* NULL when no DWARF was found */
	struct elf_symbols *debug_elf;	/* the separate debug file, or NULL */
	char *dwarf_path;		/* the file with usable DWARF, or NULL */
	bool bfd_tried;			/* bfd is final */
	struct dwarf_bfd *bfd;		/* dwarf_path read libbfd's way (addr2line), or NULL */
};

struct symbolizer {
	char **prefix_from, **prefix_to;
	size_t n_prefix;
	char **debug_dirs;		/* the user's, then SYSTEM_DEBUG_DIR */
	size_t n_debug_dirs;
	char *beside_dir;		/* NULL if none */
	struct vec modules;		/* struct sym_module */
	struct hashmap by_key;		/* key hash -> first module index with it */
};

static char **copy_strings(const char *const *v, size_t n, size_t extra)
{
	char **out = xcalloc(n + extra, sizeof(char *));

	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i] ? v[i] : "");
	return out;
}

struct symbolizer *symbolizer_new(const struct symbolizer_options *opt)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	size_t n_dirs = opt ? opt->n_debug_dirs : 0;

	if (opt && opt->n_prefix) {
		s->prefix_from = copy_strings(opt->prefix_from, opt->n_prefix, 0);
		s->prefix_to = copy_strings(opt->prefix_to, opt->n_prefix, 0);
		s->n_prefix = opt->n_prefix;
	}
	s->debug_dirs = copy_strings(n_dirs ? opt->debug_dirs : NULL, n_dirs, 1);
	s->debug_dirs[n_dirs] = xstrdup(SYSTEM_DEBUG_DIR);
	s->n_debug_dirs = n_dirs + 1;
	if (opt && opt->beside_dir)
		s->beside_dir = xstrdup(opt->beside_dir);
	vec_init(&s->modules, sizeof(struct sym_module));
	hashmap_init(&s->by_key);
	return s;
}

void symbolizer_untrack_dwarf(void)
{
	dwarf_bfd_untrack();
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->modules.len; i++) {
		struct sym_module *m = vec_at(&s->modules, i);

		dwarf_lines_free(m->dwarf);
		dwarf_bfd_free(m->bfd);
		elf_symbols_free(m->debug_elf);
		elf_symbols_free(m->image);
		free(m->dwarf_path);
		free(m->segs);
		free(m->id);
		free(m->path);
	}
	vec_release(&s->modules);
	hashmap_release(&s->by_key);
	free_strings(s->prefix_from, s->n_prefix);
	free_strings(s->prefix_to, s->n_prefix);
	free_strings(s->debug_dirs, s->n_debug_dirs);
	free(s->beside_dir);
	free(s);
}

/* ---- paths ---- */

static char *join3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *p = xmalloc(la + lb + lc + 1);

	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	memcpy(p + la + lb, c, lc + 1);
	return p;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* dirname(path) without its trailing slash ("" for "/x" and for "x"). */
static char *dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
}

/* The path with the first matching --prefix-map applied, or NULL if none applies. */
static char *prefix_mapped(const struct symbolizer *s, const char *path)
{
	for (size_t i = 0; i < s->n_prefix; i++) {
		size_t len = strlen(s->prefix_from[i]);

		if (len && !strncmp(path, s->prefix_from[i], len))
			return join3(s->prefix_to[i], "", path + len);
	}
	return NULL;
}

/* ---- finding the image ---- */

/* "xx/rest" + suffix for a build-id of n >= 2 bytes, in buf (2 * n + 16 bytes). */
static void build_id_name(const uint8_t *id, size_t n, const char *suffix, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;

	for (size_t i = 0; i < n; i++) {
		*p++ = hex[id[i] >> 4];
		*p++ = hex[id[i] & 15];
		if (i == 0)
			*p++ = '/';
	}
	strcpy(p, suffix);
}

static bool has_build_id(const struct elf_symbols *es, const uint8_t *id, size_t n)
{
	const uint8_t *own;

	return elf_symbols_build_id(es, &own) == n && !memcmp(own, id, n);
}

/* The file at path when it is the recorded image; *seen is set when a file is there. */
static struct elf_symbols *try_image(const char *path, const struct sym_module *m, bool *seen)
{
	struct elf_symbols *es = elf_symbols_open(path);

	if (!es)
		return NULL;
	*seen = true;
	if ((m->n_segs && !elf_symbols_layout_equals(es, m->segs, m->n_segs)) ||
	    (m->id_len && !has_build_id(es, m->id, m->id_len))) {
		elf_symbols_free(es);
		es = NULL;
	}
	return es;
}

/* DEBUGDIR/.build-id/xx/rest, then xx/rest.debug, in each debug dir. */
static struct elf_symbols *image_by_build_id(const struct symbolizer *s,
					     const struct sym_module *m, bool *seen)
{
	static const char *const suffix[2] = { "", ".debug" };
	char name[2 * 64 + 16];
	struct elf_symbols *es = NULL;

	if (m->id_len < 2 || m->id_len > 64)
		return NULL;
	for (size_t i = 0; i < s->n_debug_dirs && !es; i++) {
		for (size_t k = 0; k < 2 && !es; k++) {
			char *path;

			build_id_name(m->id, m->id_len, suffix[k], name);
			path = join3(s->debug_dirs[i], "/.build-id/", name);
			es = try_image(path, m, seen);
			free(path);
		}
	}
	return es;
}

static struct elf_symbols *find_image(const struct symbolizer *s, struct sym_module *m)
{
	char *cand[3] = { prefix_mapped(s, m->path), xstrdup(m->path), NULL };
	struct elf_symbols *es = NULL;
	bool seen_file = false;

	if (s->beside_dir)
		cand[2] = join3(s->beside_dir, "/", base_name(m->path));
	for (size_t i = 0; i < 3 && !es; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= cand[i] && cand[j] && !strcmp(cand[i], cand[j]);
		if (cand[i] && !seen)
			es = try_image(cand[i], m, &seen_file);
	}
	for (size_t i = 0; i < 3; i++)
		free(cand[i]);
	if (!es)
		es = image_by_build_id(s, m, &seen_file);
	m->status = es ? SYM_FOUND : seen_file ? SYM_OTHER_BUILD : SYM_NO_FILE;
	return es;
}

static uint64_t module_key(const char *path, const struct sym_segment *segs, size_t n,
			   const uint8_t *id, size_t id_len)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (size_t i = 0; i < id_len; i++)
		h = (h ^ id[i]) * 1099511628211ULL;
	for (size_t i = 0; i < n; i++)
		h = hash_u64(h ^ hash_u64(segs[i].vaddr) ^ (hash_u64(segs[i].memsz) << 1));
	return h;
}

static bool module_is(const struct sym_module *m, const char *path,
		      const struct sym_segment *segs, size_t n, const uint8_t *id, size_t id_len)
{
	if (m->n_segs != n || strcmp(m->path, path) || m->id_len != id_len ||
	    (id_len && memcmp(m->id, id, id_len)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (m->segs[i].vaddr != segs[i].vaddr || m->segs[i].memsz != segs[i].memsz)
			return false;
	return true;
}

static int handle_of(const struct symbolizer *s, size_t idx, enum sym_status *status)
{
	const struct sym_module *m = vec_at(&s->modules, idx);

	if (status)
		*status = m->status;
	return m->image ? (int)idx : -1;
}

int symbolizer_module_id(struct symbolizer *s, const char *path, const struct sym_segment *segs,
			 size_t n, const uint8_t *id, size_t id_len, enum sym_status *status)
{
	uint64_t key;
	uint32_t idx;
	struct sym_module m = { 0 };

	if (status)
		*status = SYM_NO_FILE;
	if (!path || (n && !segs) || (id_len && !id))
		return -1;
	key = module_key(path, segs, n, id, id_len);
	idx = hashmap_get(&s->by_key, key);
	if (idx != HASHMAP_NONE) {
		if (module_is(vec_at(&s->modules, idx), path, segs, n, id, id_len))
			return handle_of(s, idx, status);
		for (size_t i = 0; i < s->modules.len; i++)
			if (module_is(vec_at(&s->modules, i), path, segs, n, id, id_len))
				return handle_of(s, i, status);
	}
	if (s->modules.len >= INT32_MAX)
		return -1;
	m.path = xstrdup(path);
	m.n_segs = n;
	if (n) {
		m.segs = xcalloc(n, sizeof(*segs));
		memcpy(m.segs, segs, n * sizeof(*segs));
	}
	if (id_len) {
		m.id = xmalloc(id_len);
		memcpy(m.id, id, id_len);
		m.id_len = id_len;
	}
	m.image = find_image(s, &m);
	idx = (uint32_t)s->modules.len;
	vec_push(&s->modules, &m);
	if (hashmap_get(&s->by_key, key) == HASHMAP_NONE)
		hashmap_put(&s->by_key, key, idx);
	return handle_of(s, idx, status);
}

int symbolizer_module(struct symbolizer *s, const char *path, const struct sym_segment *segs,
		      size_t n)
{
	return symbolizer_module_id(s, path, segs, n, NULL, 0, NULL);
}

static struct sym_module *module_at(const struct symbolizer *s, int module)
{
	struct sym_module *m;

	if (module < 0 || (size_t)module >= s->modules.len)
		return NULL;
	m = vec_at(&s->modules, (size_t)module);
	return m->image ? m : NULL;
}

const char *symbolizer_module_file(const struct symbolizer *s, int module)
{
	const struct sym_module *m = module_at(s, module);

	return m ? elf_symbols_path(m->image) : NULL;
}

/* ---- finding the debug file ---- */

static bool same_build_id(const struct elf_symbols *a, const struct elf_symbols *b)
{
	const uint8_t *ia, *ib;
	size_t na = elf_symbols_build_id(a, &ia), nb = elf_symbols_build_id(b, &ib);

	return na && na == nb && !memcmp(ia, ib, na);
}

/* DEBUGDIR/.build-id/xx/rest.debug */
static struct elf_symbols *by_build_id(const struct symbolizer *s, const struct elf_symbols *img)
{
	const uint8_t *id;
	size_t n = elf_symbols_build_id(img, &id);
	char name[2 * 64 + 16];

	if (n < 2 || n > 64)
		return NULL;
	build_id_name(id, n, ".debug", name);
	for (size_t i = 0; i < s->n_debug_dirs; i++) {
		char *path = join3(s->debug_dirs[i], "/.build-id/", name);
		struct elf_symbols *es = elf_symbols_open(path);

		free(path);
		if (es && same_build_id(es, img) && elf_symbols_has_dwarf(es))
			return es;
		elf_symbols_free(es);
	}
	return NULL;
}

static bool debuglink_matches(const struct elf_symbols *dbg, const struct elf_symbols *img,
			      uint32_t crc)
{
	const uint8_t *a, *b;
	uint32_t file_crc;

	if (elf_symbols_build_id(dbg, &a) && elf_symbols_build_id(img, &b))
		return same_build_id(dbg, img);
	return elf_symbols_file_crc(elf_symbols_path(dbg), &file_crc) && file_crc == crc;
}

static struct elf_symbols *try_debuglink(const char *path, const struct elf_symbols *img,
					 uint32_t crc)
{
	struct elf_symbols *es = elf_symbols_open(path);

	if (es && strcmp(path, elf_symbols_path(img)) && elf_symbols_has_dwarf(es) &&
	    debuglink_matches(es, img, crc))
		return es;
	elf_symbols_free(es);
	return NULL;
}

/* DEBUGDIR/dirname/name for each debug dir, then dirname/.debug/name, dirname/name. */
static struct elf_symbols *by_debuglink(const struct symbolizer *s, const struct elf_symbols *img)
{
	uint32_t crc;
	const char *link = elf_symbols_debuglink(img, &crc);
	char *dir, *path;
	struct elf_symbols *es = NULL;

	if (!link || strchr(link, '/'))
		return NULL;
	dir = dir_name(elf_symbols_path(img));
	for (size_t i = 0; i < s->n_debug_dirs && !es; i++) {
		char *d = join3(s->debug_dirs[i], dir, "/");

		path = join3(d, "", link);
		es = try_debuglink(path, img, crc);
		free(path);
		free(d);
	}
	/* A file named without a directory is in ".", as libbfd takes it. */
	if (!*dir && !strchr(elf_symbols_path(img), '/')) {
		free(dir);
		dir = xstrdup(".");
	}
	if (!es) {
		path = join3(dir, "/.debug/", link);
		es = try_debuglink(path, img, crc);
		free(path);
	}
	if (!es) {
		path = join3(dir, "/", link);
		es = try_debuglink(path, img, crc);
		free(path);
	}
	free(dir);
	return es;
}

static void find_debug(struct symbolizer *s, struct sym_module *m)
{
	struct elf_symbols *from;

	m->debug_searched = true;
	if (elf_symbols_has_dwarf(m->image)) {
		from = m->image;
	} else {
		m->debug_elf = by_build_id(s, m->image);
		if (!m->debug_elf)
			m->debug_elf = by_debuglink(s, m->image);
		if (!m->debug_elf)
			return;
		from = m->debug_elf;
	}
	if (dwarf_guard_file_ok(from))
		m->dwarf_path = xstrdup(elf_symbols_path(from));
}

/* memray's view is opened apart: addr2line uses binutils' alone, and each indexes every unit. */
static void find_lines(struct symbolizer *s, struct sym_module *m)
{
	if (!m->debug_searched)
		find_debug(s, m);
	m->lines_tried = true;
	if (m->dwarf_path)
		m->dwarf = dwarf_lines_open(m->dwarf_path);
	if (!m->dwarf) {
		free(m->dwarf_path);
		m->dwarf_path = NULL;
	}
}

const char *symbolizer_module_debug_file(struct symbolizer *s, int module)
{
	struct sym_module *m = module_at(s, module);

	if (!m)
		return NULL;
	if (!m->lines_tried)
		find_lines(s, m);
	return m->dwarf_path;
}

size_t symbolizer_lookup_source(struct symbolizer *s, int module, uint64_t pc,
				struct sym_frame *out, size_t max, enum sym_source *source)
{
	struct sym_module *m = module_at(s, module);
	const char *name;
	size_t n;

	*source = SYM_SOURCE_NONE;
	if (!m || max == 0)
		return 0;
	if (!m->lines_tried)
		find_lines(s, m);
	if (m->dwarf) {
		n = dwarf_lines_lookup(m->dwarf, pc, out, max);
		if (n) {
			*source = SYM_SOURCE_DWARF;
			return n;
		}
	}
	name = elf_symbols_find(m->image, pc);
	if (!name && m->debug_elf)
		name = elf_symbols_find(m->debug_elf, pc);
	if (!name)
		return 0;
	out[0].function = name;
	out[0].file = NULL;
	out[0].line = 0;
	out[0].discriminator = 0;
	*source = SYM_SOURCE_SYMTAB;
	return 1;
}

size_t symbolizer_lookup(struct symbolizer *s, int module, uint64_t pc, struct sym_frame *out,
			 size_t max)
{
	enum sym_source source;

	return symbolizer_lookup_source(s, module, pc, out, max, &source);
}

/* ---- binutils' view (memtui addr2line) ---- */

static void set_frame(struct sym_frame *f, const char *fn, const char *file, uint32_t line,
		      uint32_t discriminator)
{
	f->function = fn;
	f->file = file;
	f->line = line;
	f->discriminator = discriminator;
}

/*
 * _bfd_dwarf2_find_nearest_line's tail, for pc in section sec: a function with
 * a linkage name is named by it; otherwise the symbol table names it (the debug
 * file's symbols when the DWARF came from one, as libbfd reads them there).
 */
static size_t binutils_in_section(struct sym_module *m, uint64_t pc, size_t sec,
				  struct sym_frame *out, size_t max)
{
	struct dwarf_bfd_hit h = { 0 };
	struct elf_symbols *syms = m->debug_elf ? m->debug_elf : m->image;
	const char *name = NULL, *file, *sym = NULL, *sym_file = NULL;
	struct dwarf_bfd_func *f;
	uint64_t low = 0, value = 0;
	bool linkage = false;
	size_t n = 1;

	if (m->bfd)
		h = dwarf_bfd_lookup(m->bfd, pc);
	file = h.file;
	if (h.func)
		name = dwarf_bfd_func_name(h.func, &linkage, &low);
	if (!h.func || !linkage) {
		sym = elf_symbols_bfd_function(syms, pc, sec, &sym_file, &value);
		if (sym && !file)
			file = sym_file;
		if (h.func)
			dwarf_bfd_func_settle(h.func, sym && value == low ? sym : NULL);
		if (sym)
			name = sym;
		h.found |= sym != NULL;
	}
	if (!h.found) {
		/* No DWARF answer: _bfd_elf_find_nearest_line asks the image's symbols. */
		sym = elf_symbols_bfd_function(m->image, pc, sec, &sym_file, &value);
		if (!sym)
			return 0;
		set_frame(&out[0], sym, sym_file, 0, 0);
		return 1;
	}
	set_frame(&out[0], name, file, h.line, h.discriminator);
	for (f = h.func; f && n < max;) {
		uint32_t line = 0;
		struct dwarf_bfd_func *caller = dwarf_bfd_caller(f, &file, &line);

		if (!caller)
			break;
		set_frame(&out[n++], dwarf_bfd_func_name(caller, &linkage, &low), file, line, 0);
		f = caller;
	}
	return n;
}

size_t symbolizer_lookup_binutils(struct symbolizer *s, int module, uint64_t pc,
				  struct sym_frame *out, size_t max)
{
	struct sym_module *m = module_at(s, module);
	size_t sec = 0, n;

	if (!m || max == 0)
		return 0;
	if (!m->debug_searched)
		find_debug(s, m);
	if (!m->bfd_tried) {
		m->bfd_tried = true;
		if (m->dwarf_path)
			m->bfd = dwarf_bfd_open(m->dwarf_path,
						m->debug_elf ? m->debug_elf : m->image);
	}
	while ((sec = elf_symbols_alloc_section(m->image, pc, sec)) != 0) {
		n = binutils_in_section(m, pc, sec, out, max);
		if (n)
			return n;
	}
	return 0;
}
