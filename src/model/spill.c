/*
 * spill: an unlinked temporary file, appended to and then mapped.
 *
 * O_TMPFILE makes a file that never has a name; where the file system
 * cannot (some overlay and network ones), mkstemp and an immediate unlink
 * do the same with a short window in which the name exists.
 */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void)
{
	static size_t page;

	if (!page) {
		long n = sysconf(_SC_PAGESIZE);

		page = n > 0 ? (size_t)n : 4096;
	}
	return page;
}

void spill_init(struct spill *s)
{
	s->fd = -1;
	s->failed = false;
	s->len = 0;
	s->map = NULL;
	s->map_len = 0;
}

void spill_release(struct spill *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->fd >= 0)
		close(s->fd);
	spill_init(s);
}

static int make_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	if (snprintf(path, sizeof(path), "%s/memtui-events-XXXXXX", dir) >= (int)sizeof(path))
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static bool write_all(int fd, const uint8_t *p, size_t n, uint64_t at)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)at);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	return true;
}

bool spill_append(struct spill *s, const void *data, size_t n, uint64_t *off)
{
	size_t page = page_size();
	uint64_t end;

	if (s->failed || s->map)
		return false;
	if (s->fd < 0 && (s->fd = make_file()) < 0) {
		s->failed = true;
		return false;
	}
	end = (s->len + n + page - 1) / page * page;
	/* The padding to the page stays a hole (spill_map sets the file's length). */
	if (!write_all(s->fd, data, n, s->len)) {
		s->failed = true;
		return false;
	}
	*off = s->len;
	s->len = end;
	return true;
}

const uint8_t *spill_map(struct spill *s)
{
	void *m;

	if (s->map || !s->len || s->fd < 0)
		return s->map;
	if (ftruncate(s->fd, (off_t)s->len) != 0)
		return NULL;
	m = mmap(NULL, (size_t)s->len, PROT_READ, MAP_SHARED, s->fd, 0);
	if (m == MAP_FAILED)
		return NULL;
	s->map = m;
	s->map_len = (size_t)s->len;
	close(s->fd);	/* the map keeps the file */
	s->fd = -1;
	return s->map;
}

bool spill_read(const struct spill *s, uint64_t off, void *dst, size_t n)
{
	uint8_t *p = dst;

	while (n) {
		ssize_t r = pread(s->fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return true;
}

void spill_done(const struct spill *s, const uint8_t *p, size_t n)
{
	size_t page = page_size();
	uintptr_t start = (uintptr_t)p / page * page;
	uintptr_t end = ((uintptr_t)p + n + page - 1) / page * page;

	if (!s->map || p < s->map || p + n > s->map + s->map_len)
		return;
	/* Shared file pages come back from the page cache on the next touch. */
	madvise((void *)start, end - start, MADV_DONTNEED);
}
