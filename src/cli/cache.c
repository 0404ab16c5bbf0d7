/*
 * cache: keys, entries, the writer threads and the size bound (cache.h).
 */
#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "eventlog.h"
#include "registry.h"
#include "save.h"
#include "visible.h"
#include "xalloc.h"

#define KEY_BYTES (1u << 20)		/* hashed from the start and the end of a file */
#define DEFAULT_MAX ((uint64_t)2 << 30)
#define DEFAULT_MIN_MS 1000
#define MAX_WARNINGS 8
#define STALE_TEMP_S 3600		/* a writer's temporary file this old was abandoned */
#define ABANDON_MS 100			/* a cancelled run waits this long for its writers */

struct writer {
	pthread_t thread;
	struct cache *c;
	struct capture *cap;		/* one owner of the capture to write; NULL once written */
	char *entry;
	bool started;			/* its thread runs (cache_begin) */
};

struct used {				/* an entry this process read */
	char *entry;
	struct capture *cap;		/* one owner: damage found later removes the entry */
};

struct cache {
	char *dir;			/* NULL: no cache (the warnings still print) */
	bool dir_made;			/* dir exists and is ours alone */
	atomic_bool abandon;		/* the writers stop (cache_close of a cancelled run) */
	char *native_key;
	uint64_t max_bytes;
	long min_ms;
	pthread_mutex_t lock;		/* warnings, and the size bound's pass */
	char *warnings[MAX_WARNINGS];
	size_t n_warnings;
	struct writer **writers;
	size_t n_writers;
	struct used *used;
	size_t n_used;
	char *last_path, *last_entry;	/* the entry cache_lookup found no file for */
};

static void warn(struct cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct cache *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warnings[i], buf))
			goto out;
	if (c->n_warnings < MAX_WARNINGS)
		c->warnings[c->n_warnings++] = xstrdup(buf);
out:
	pthread_mutex_unlock(&c->lock);
}

/* A byte count with an optional K, M or G (binary) suffix; def when unset or unreadable. */
static uint64_t env_bytes(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return def;
	switch (*end) {
	case 'K': case 'k': return v << 10;
	case 'M': case 'm': return v << 20;
	case 'G': case 'g': return v << 30;
	case 0: return v;
	default: return def;
	}
}

static void bound(struct cache *c);

/*
 * Whether c->dir is a directory of ours that only we can write; made (0700,
 * with its parent) when make is set and it is missing.  Otherwise one
 * warning, and no cache from then on.  A directory that cannot be seen when
 * it need not be made is no cache, quietly: nothing was kept there.
 */
static bool own_dir(struct cache *c, bool make)
{
	struct stat st;
	char parent[4160];

	if (!c->dir)
		return false;
	if (c->dir_made)
		return true;
	if (lstat(c->dir, &st)) {
		if (!make)
			return false;	/* nothing kept there yet: nothing to say */
		if (errno != ENOENT) {
			warn(c, "cannot use the cache directory %s: %s; going on without a cache",
			     c->dir, strerror(errno));
			goto off;
		}
		snprintf(parent, sizeof(parent), "%s", c->dir);
		*strrchr(parent, '/') = 0;
		mkdir(parent, 0700);
		if (mkdir(c->dir, 0700) && errno != EEXIST) {
			warn(c, "cannot make the cache directory %s: %s; going on without a cache",
			     c->dir, strerror(errno));
			goto off;
		}
		if (lstat(c->dir, &st))
			goto off;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		warn(c, "%s is not a directory of yours that only you can write: no cache used",
		     c->dir);
		goto off;
	}
	c->dir_made = true;
	bound(c);	/* the bound may have shrunk since the last run */
	return true;
off:
	free(c->dir);
	c->dir = NULL;
	return false;
}

struct cache *cache_open(const char *native_key)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[4096], dir[4160];

	pthread_mutex_init(&c->lock, NULL);
	atomic_init(&c->abandon, false);
	c->native_key = xstrdup(native_key);
	c->max_bytes = env_bytes("MEMTUI_CACHE_MAX", DEFAULT_MAX);
	c->min_ms = (long)env_bytes("MEMTUI_CACHE_MIN_MS", DEFAULT_MIN_MS);
	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof(base), "%s", xdg);
	else if (home && home[0] == '/')
		snprintf(base, sizeof(base), "%s/.cache", home);
	else
		return c;	/* nowhere to keep it: no cache, quietly */
	snprintf(dir, sizeof(dir), "%s/memtui", base);
	c->dir = xstrdup(dir);
	return c;
}

/* Hashes n bytes of fd at off into s; false on a read error. */
static bool hash_range(struct sha256 *s, int fd, off_t off, size_t n, uint8_t *buf)
{
	while (n) {
		ssize_t got = pread(fd, buf, n < KEY_BYTES ? n : KEY_BYTES, off);

		if (got <= 0)
			return false;
		sha256_update(s, buf, (size_t)got);
		off += got;
		n -= (size_t)got;
	}
	return true;
}

/*
 * The entry file of path, into out; false when path has none (not a regular
 * file, unreadable, or a .mtui itself).  *size gets the file's size.
 */
/*
 * Part of every key: raised whenever an entry's content changes for the same
 * memtui version (2: the SYMBOLS and LEAKS sections; 3: ALLOCATORS, thread
 * frames, memray's temporary allocations and their threshold), so that
 * entries written by an older build are rebuilt, never read without what
 * they lack.
 */
#define CACHE_GENERATION 3

static bool entry_of(const struct cache *c, const char *path, char *out, size_t size,
		     off_t *file_size)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	uint8_t *buf, digest[SHA256_BYTES];
	char head[512], hex[SHA256_HEX_SIZE];
	struct sha256 s;
	struct stat st;
	size_t first;
	bool ok;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	buf = xmalloc(KEY_BYTES);
	snprintf(head, sizeof(head), "memtui cache %d\n%s\n%s\n%ju %ju %jd %jd.%09ld\n",
		 CACHE_GENERATION, MEMTUI_VERSION, c->native_key, (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino, (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec);
	sha256_init(&s);
	sha256_update(&s, head, strlen(head));
	first = st.st_size < (off_t)KEY_BYTES ? (size_t)st.st_size : KEY_BYTES;
	ok = pread(fd, buf, 8, 0) != 8 || memcmp(buf, "\x89MTUI\r\n\x1a", 8);	/* no .mtui */
	ok = ok && hash_range(&s, fd, 0, first, buf);
	if (ok && st.st_size > (off_t)KEY_BYTES)
		ok = hash_range(&s, fd, st.st_size - KEY_BYTES, KEY_BYTES, buf);
	close(fd);
	free(buf);
	if (!ok)
		return false;
	sha256_final(&s, digest);
	sha256_hex(digest, hex);
	hex[32] = 0;
	snprintf(out, size, "%s/%s.mtui", c->dir, hex);
	*file_size = st.st_size;
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Why the loaded entry is not the cached form of path (of size bytes), or
 * NULL.  With whole, every event chunk is read once (crc and events) first,
 * as a report would; the explorer checks each when it first reads it.
 */
static const char *not_its_entry(const struct capture *cap, const char *path, off_t size,
				 bool whole)
{
	const struct capture_meta *m = capture_meta(cap);
	struct event_cursor cur;
	struct event ev;

	if (strcmp(m->format, "memtui"))
		return "not a .mtui";
	if (!m->source.name || strcmp(m->source.name, base_name(path)) ||
	    m->source.size != (int64_t)size)
		return "the entry of another file";
	if (!whole)
		return NULL;
	event_cursor_init(&cur, cap, 0);
	while (event_cursor_next(&cur, &ev))
		;
	event_cursor_release(&cur);
	return capture_damage(cap);
}

struct capture *cache_lookup(struct cache *c, const char *path, bool lazy)
{
	struct load_options lo = { .lazy = true, .lazy_only = true };
	char entry[4200];
	struct capture *cap = NULL;
	struct mt_error err = { 0 };
	const char *why = NULL;
	struct stat st;
	off_t size;

	free(c->last_path);
	free(c->last_entry);
	c->last_path = c->last_entry = NULL;
	if (!c->dir || !entry_of(c, path, entry, sizeof(entry), &size))
		return NULL;
	c->last_path = xstrdup(path);
	c->last_entry = xstrdup(entry);
	if (!own_dir(c, false) || lstat(entry, &st))
		return NULL;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		why = "not a file of yours that only you can write";
	else if (formats_load(entry, &lo, &cap, &err) < 0)
		why = err.msg;
	else
		why = not_its_entry(cap, path, size, !lazy);
	if (why) {
		warn(c, "the cache entry of %s (%s) was unusable: %s; removed and rebuilt", path,
		     entry, why);
		capture_free(cap);
		unlink(entry);
		return NULL;
	}
	utimensat(AT_FDCWD, entry, NULL, 0);	/* used now: last out of the size bound */
	capture_cached(cap);
	c->used = xrealloc_array(c->used, c->n_used + 1, sizeof(*c->used));
	c->used[c->n_used++] = (struct used){ xstrdup(entry), capture_ref(cap) };
	return cap;
}

struct entry_info {
	char name[300];
	struct timespec mtime;	/* written or last used */
	off_t size;
};

static int older_first(const void *a, const void *b)
{
	const struct entry_info *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Keeps the directory under max_bytes: oldest used entries out, and abandoned temporary files. */
static void bound(struct cache *c)
{
	DIR *d = opendir(c->dir);
	struct entry_info *e = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *de;
	char path[4500];
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		size_t len = strlen(de->d_name);

		if (len >= sizeof(e->name) || fstatat(dirfd(d), de->d_name, &st,
						      AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp.")) {
			if (now - st.st_mtime > STALE_TEMP_S)
				unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		if (len < 5 || strcmp(de->d_name + len - 5, ".mtui"))
			continue;
		XGROW(e, cap, n + 1);
		snprintf(e[n].name, sizeof(e[n].name), "%s", de->d_name);
		e[n].mtime = st.st_mtim;
		e[n].size = st.st_size;
		total += (uint64_t)st.st_size;
		n++;
	}
	closedir(d);
	if (n)
		qsort(e, n, sizeof(*e), older_first);
	for (size_t i = 0; i < n && total > c->max_bytes; i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, e[i].name);
		if (!unlink(path))
			total -= (uint64_t)e[i].size;
	}
	free(e);
}

static void *write_entry(void *arg)
{
	struct writer *w = arg;
	struct mt_error err = { 0 };

	if (save_mtui(w->cap, w->entry, NULL, &w->c->abandon, &err) < 0) {
		if (!atomic_load(&w->c->abandon))
			warn(w->c, "cannot write the capture cache in %s: %s; going on without it",
			     w->c->dir, err.msg);
	} else {
		chmod(w->entry, 0600);
		pthread_mutex_lock(&w->c->lock);
		bound(w->c);
		pthread_mutex_unlock(&w->c->lock);
	}
	capture_free(w->cap);
	w->cap = NULL;
	return NULL;
}

void cache_store(struct cache *c, const char *path, struct capture *cap, long parse_ms,
		 bool background)
{
	struct writer *w;

	if (parse_ms < c->min_ms || !c->last_path || strcmp(c->last_path, path) ||
	    capture_meta(cap)->from_cache || !own_dir(c, true))
		return;
	w = xmalloc(sizeof(*w));
	*w = (struct writer){ 0, c, capture_ref(cap), xstrdup(c->last_entry), false };
	c->writers = xrealloc_array(c->writers, c->n_writers + 1, sizeof(*c->writers));
	c->writers[c->n_writers++] = w;
	if (!background)
		write_entry(w);
}

void cache_begin(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_writers; i++) {
		struct writer *w = c->writers[i];

		if (w->cap && !w->started && pthread_create(&w->thread, NULL, write_entry, w) == 0)
			w->started = true;
	}
}

/*
 * The writers' end: every entry written (those never begun, now), or
 * (abandon) none begun and those running stopped within ABANDON_MS.
 */
static bool writers_done(struct cache *c, bool abandon)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += ABANDON_MS * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	if (abandon)
		atomic_store(&c->abandon, true);
	for (size_t i = 0; i < c->n_writers; i++) {
		struct writer *w = c->writers[i];

		if (!w->started && w->cap) {
			if (abandon)
				capture_free(w->cap);
			else
				write_entry(w);
			w->cap = NULL;
		}
		if (!w->started)
			continue;
		if (!abandon)
			pthread_join(c->writers[i]->thread, NULL);
		else if (pthread_timedjoin_np(c->writers[i]->thread, NULL, &deadline))
			return false;
		c->writers[i]->started = false;
	}
	return true;
}

bool cache_close(struct cache *c, bool finish)
{
	if (!c)
		return true;
	if (!writers_done(c, !finish))
		return false;	/* still computing: the process ends it, leaving no entry */
	for (size_t i = 0; i < c->n_writers; i++) {
		free(c->writers[i]->entry);
		free(c->writers[i]);
	}
	free(c->writers);
	for (size_t i = 0; i < c->n_used; i++) {
		const char *damage = capture_damage(c->used[i].cap);

		if (damage) {
			warn(c, "the cache entry %s was damaged (%s): removed", c->used[i].entry,
			     damage);
			unlink(c->used[i].entry);
		}
		capture_free(c->used[i].cap);
		free(c->used[i].entry);
	}
	free(c->used);
	for (size_t i = 0; i < c->n_warnings; i++) {
		fputs("memtui: warning: ", stderr);
		vis_fputs(stderr, c->warnings[i]);
		fputc('\n', stderr);
		free(c->warnings[i]);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->last_path);
	free(c->last_entry);
	free(c->native_key);
	free(c->dir);
	free(c);
	return true;
}
