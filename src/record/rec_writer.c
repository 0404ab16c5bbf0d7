/*
 * rec_writer: the per-thread blocks, the writer thread and the trace file.
 *
 * Model.  Each program thread owns a struct rec_thread and appends its events
 * to its current chunk (64 KiB of mapped memory) under the thread's own spin
 * lock; nobody else takes that lock but the flush, for the moment it needs to
 * swap the chunk out.  A full chunk goes to the queue and the thread carries
 * on with a fresh one: no program thread touches the file, except when it
 * ends the trace (exit, _exit, exec).  Top-level records (stacks, thread
 * names, modules) go to one shared buffer, `meta`, under its lock.  Marks made
 * by signal handlers go to lock-free slots.
 *
 * The flush rule (trace_format.h: every event with seq < w is in the file
 * before TR_FLUSH w) holds because an event's seq is taken under its
 * thread's lock and written into the chunk before the lock is released.  A
 * flush reads w first, then takes every thread's chunk (lock by lock), then
 * the queue, then the signal slots (waiting for one being filled), then meta:
 * any event with seq < w was in a chunk or slot when the flush came for it,
 * and any stack it names was in meta before it.  A chunk handed to the queue
 * after the flush took its thread's chunk holds only later seqs.
 *
 * The file is opened by path for every flush (O_APPEND) and closed after, so
 * a program that closes every descriptor does not break the recording.
 * Flushes are serialized by flush_lock; the writer thread flushes every
 * FLUSH_NS, and a program thread ending the trace flushes itself.
 *
 * Locks, outermost first: flush_lock, list_lock, a thread's lock, queue_lock;
 * table_lock (rec_stack.c) and the loader's lock (dl_iterate_phdr) before
 * meta_lock.  fork's prepare handler takes them all in that order.
 */
#include "rec.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the trace is little-endian and written with memcpy"
#endif

#define CHUNK_BYTES (64u << 10)	/* one thread's block; far below TRACE_MAX_BLOCK */
#define FLUSH_NS 10000000u	/* the writer's period: at most ~20 ms lost to SIGKILL */
#define SIG_SLOTS 64		/* marks from signal handlers between two flushes */
#define SIG_NAME_MAX 64
#define MAX_MODULES 4096
#define PATH_BYTES 4096

__thread int rec_guard __attribute__((tls_model("initial-exec")));
atomic_int rec_on;
_Atomic uint64_t rec_seq;

struct rec_chunk {
	struct rec_chunk *next;
	uint32_t tid;
	uint32_t len;		/* bytes of whole records in data */
	char data[];
};
#define CHUNK_DATA (CHUNK_BYTES - offsetof(struct rec_chunk, data))

struct rec_thread {
	rec_lock_t lock;
	uint32_t tid;
	struct rec_chunk *chunk;	/* NULL until the next event */
	struct rec_thread *next;	/* in `threads`, or in `spare_threads` */
};

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };
struct sig_slot {
	atomic_int state;
	uint8_t origin;
	uint16_t len;
	uint64_t seq, ns;
	char name[SIG_NAME_MAX];
};

static __thread struct rec_thread *self __attribute__((tls_model("initial-exec")));
static pthread_key_t exit_key;

static rec_lock_t flush_lock, list_lock, queue_lock, meta_lock, modules_lock;
static struct rec_thread *threads, *spare_threads;	/* under list_lock */
static struct rec_chunk *queue, *spare_chunks;		/* under queue_lock */
static struct rec_buf meta;				/* under meta_lock */
static struct rec_buf out, meta_out;			/* the flush's, under flush_lock */
static struct sig_slot sig_slots[SIG_SLOTS];
static int ended;		/* TR_END written: no more flushes (under flush_lock) */
static int need_writer;		/* a forked child starts its writer at its first event */
static char path[PATH_BYTES];	/* the trace file */
static uint32_t page_bytes;
static uint64_t known[MAX_MODULES];	/* load biases of the modules announced */
static size_t known_n;

void rec_lock(rec_lock_t *l)
{
	for (int spins = 0; atomic_exchange_explicit(l, 1, memory_order_acquire); spins++)
		while (atomic_load_explicit(l, memory_order_relaxed))
			if (++spins > 64)
				sched_yield();
}

void rec_unlock(rec_lock_t *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

void *rec_map(size_t bytes)
{
	void *p = (void *)syscall(SYS_mmap, NULL, bytes, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void rec_unmap(void *p, size_t bytes)
{
	syscall(SYS_munmap, p, bytes);
}

uint64_t rec_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

char *rec_buf_room(struct rec_buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;

		while (cap < b->len + n)
			cap *= 2;
		char *d = rec_map(cap);

		if (!d)
			return NULL;
		if (b->data) {
			memcpy(d, b->data, b->len);
			rec_unmap(b->data, b->cap);
		}
		b->data = d;
		b->cap = cap;
	}
	return b->data + b->len;
}

void rec_put_u8(char **p, uint8_t v)
{
	*(*p)++ = (char)v;
}

void rec_put_u16(char **p, uint16_t v)
{
	memcpy(*p, &v, 2);
	*p += 2;
}

void rec_put_u32(char **p, uint32_t v)
{
	memcpy(*p, &v, 4);
	*p += 4;
}

void rec_put_u64(char **p, uint64_t v)
{
	memcpy(*p, &v, 8);
	*p += 8;
}

static void put_str16(char **p, const char *s, size_t len)
{
	rec_put_u16(p, (uint16_t)len);
	memcpy(*p, s, len);
	*p += len;
}

char *rec_meta_begin(size_t bytes)
{
	char *p;

	rec_lock(&meta_lock);
	p = rec_buf_room(&meta, bytes);
	if (!p)
		rec_unlock(&meta_lock);
	return p;
}

void rec_meta_end(char *end)
{
	meta.len = (size_t)(end - meta.data);
	rec_unlock(&meta_lock);
}

static void thread_name(uint32_t tid)
{
	char name[17] = "";
	size_t len;
	char *p;

	prctl(PR_GET_NAME, name, 0, 0, 0);
	len = strnlen(name, 16);
	p = rec_meta_begin(1 + 4 + 2 + len);
	if (!p)
		return;
	rec_put_u8(&p, TR_THREAD_NAME);
	rec_put_u32(&p, tid);
	put_str16(&p, name, len);
	rec_meta_end(p);
}

static struct rec_chunk *chunk_new(uint32_t tid)
{
	struct rec_chunk *c;

	rec_lock(&queue_lock);
	c = spare_chunks;
	if (c)
		spare_chunks = c->next;
	rec_unlock(&queue_lock);
	if (!c)
		c = rec_map(CHUNK_BYTES);
	if (c) {
		c->next = NULL;
		c->tid = tid;
		c->len = 0;
	}
	return c;
}

static void chunk_hand_over(struct rec_chunk *c)
{
	rec_lock(&queue_lock);
	c->next = queue;
	queue = c;
	rec_unlock(&queue_lock);
}

/* The thread's end (a pthread key destructor): its chunk goes to the writer. */
static void thread_gone(void *arg)
{
	struct rec_thread *t = arg, **pp;
	int guard = rec_guard;

	rec_guard = 1;
	if (atomic_load(&rec_on))
		thread_name(t->tid);
	rec_lock(&list_lock);
	rec_lock(&t->lock);
	if (t->chunk && t->chunk->len)
		chunk_hand_over(t->chunk);
	else if (t->chunk) {
		rec_lock(&queue_lock);
		t->chunk->next = spare_chunks;
		spare_chunks = t->chunk;
		rec_unlock(&queue_lock);
	}
	t->chunk = NULL;
	rec_unlock(&t->lock);
	for (pp = &threads; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->next = spare_threads;
	spare_threads = t;
	rec_unlock(&list_lock);
	if (self == t)
		self = NULL;
	rec_guard = guard;
}

static struct rec_thread *thread_new(void)
{
	struct rec_thread *t;

	rec_lock(&list_lock);
	t = spare_threads;
	if (t)
		spare_threads = t->next;
	rec_unlock(&list_lock);
	if (!t) {
		t = rec_map(sizeof(*t));	/* a page: threads are not that many */
		if (!t)
			return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->tid = (uint32_t)syscall(SYS_gettid);
	thread_name(t->tid);
	rec_lock(&list_lock);
	t->next = threads;
	threads = t;
	rec_unlock(&list_lock);
	pthread_setspecific(exit_key, t);
	return t;
}

static void *writer_main(void *arg);

static void writer_spawn(void)
{
	pthread_t th;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &attr, writer_main, NULL) != 0)
		atomic_store(&rec_on, 0);
	pthread_attr_destroy(&attr);
}

char *rec_event_begin(struct rec_thread **tp, size_t bytes)
{
	struct rec_thread *t = self;

	if (!atomic_load_explicit(&rec_on, memory_order_relaxed))
		return NULL;
	if (need_writer) {
		need_writer = 0;
		writer_spawn();
	}
	if (!t) {
		t = self = thread_new();
		if (!t)
			return NULL;
	}
	rec_lock(&t->lock);
	if (t->chunk && t->chunk->len + bytes > CHUNK_DATA) {
		chunk_hand_over(t->chunk);
		t->chunk = NULL;
	}
	if (!t->chunk)
		t->chunk = chunk_new(t->tid);
	if (!t->chunk) {
		rec_unlock(&t->lock);
		return NULL;
	}
	*tp = t;
	return t->chunk->data + t->chunk->len;
}

void rec_event_end(struct rec_thread *t, char *end)
{
	t->chunk->len = (uint32_t)(end - t->chunk->data);
	rec_unlock(&t->lock);
}

int rec_mark_async(const char *name, size_t len, int origin)
{
	if (!atomic_load(&rec_on))
		return -1;
	for (int i = 0; i < SIG_SLOTS; i++) {
		struct sig_slot *s = &sig_slots[i];
		int expect = SLOT_FREE;

		if (!atomic_compare_exchange_strong(&s->state, &expect, SLOT_BUSY))
			continue;
		if (len > SIG_NAME_MAX)
			len = SIG_NAME_MAX;
		memcpy(s->name, name, len);
		s->len = (uint16_t)len;
		s->origin = (uint8_t)origin;
		s->seq = atomic_fetch_add(&rec_seq, 1);
		s->ns = rec_now_ns();
		atomic_store_explicit(&s->state, SLOT_READY, memory_order_release);
		return 0;
	}
	return -1;
}

/* The GNU build-id note of a loaded module, or 0 bytes. */
static size_t build_id(const struct dl_phdr_info *info, const char **id)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;

		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof(*nh);
			const char *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4) && nh->n_descsz <= 255) {
				*id = desc;
				return nh->n_descsz;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 0;
}

/* Under modules_lock: one TR_MODULE per module not yet announced; marks the others seen. */
static int module_seen(struct dl_phdr_info *info, size_t size, void *arg)
{
	uint8_t *seen = arg;
	const char *id = NULL, *name = info->dlpi_name ? info->dlpi_name : "";
	size_t id_len = build_id(info, &id), name_len = strnlen(name, 4096), nseg = 0;
	char *p;

	for (size_t i = 0; i < known_n; i++)
		if (known[i] == info->dlpi_addr) {
			seen[i] = 1;
			return 0;
		}
	if (known_n == MAX_MODULES)
		return 0;
	seen[known_n] = 1;
	known[known_n++] = info->dlpi_addr;
	for (int i = 0; i < info->dlpi_phnum; i++)
		nseg += info->dlpi_phdr[i].p_type == PT_LOAD;
	if (nseg > TRACE_MAX_SEGMENTS)
		nseg = TRACE_MAX_SEGMENTS;
	p = rec_meta_begin(1 + 8 + 8 + 2 + name_len + 1 + id_len + 2 + nseg * 16);
	if (!p)
		return 0;
	rec_put_u8(&p, TR_MODULE);
	rec_put_u64(&p, atomic_load(&rec_seq));
	rec_put_u64(&p, info->dlpi_addr);
	put_str16(&p, name, name_len);
	rec_put_u8(&p, (uint8_t)id_len);
	memcpy(p, id, id_len);
	p += id_len;
	rec_put_u16(&p, (uint16_t)nseg);
	for (int i = 0, k = 0; i < info->dlpi_phnum && k < (int)nseg; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		rec_put_u64(&p, ph->p_vaddr);
		rec_put_u64(&p, ph->p_memsz);
		k++;
	}
	rec_meta_end(p);
	return 0;
}

void rec_modules_rescan(void)
{
	static uint8_t seen[MAX_MODULES];	/* under modules_lock */
	size_t n = 0;

	rec_lock(&modules_lock);
	memset(seen, 0, sizeof(seen));
	dl_iterate_phdr(module_seen, seen);
	for (size_t i = 0; i < known_n; i++) {
		if (seen[i]) {
			known[n++] = known[i];
			continue;
		}
		char *p = rec_meta_begin(1 + 8 + 8);

		if (!p)
			continue;
		rec_put_u8(&p, TR_MODULE_GONE);
		rec_put_u64(&p, atomic_load(&rec_seq));
		rec_put_u64(&p, known[i]);
		rec_meta_end(p);
	}
	known_n = n;
	rec_unlock(&modules_lock);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Appends out's bytes to the trace; on failure recording stops for good. */
static void out_write(void)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd < 0 || write_all(fd, out.data, out.len) < 0)
		atomic_store(&rec_on, 0);
	if (fd >= 0)
		close(fd);
	out.len = 0;
}

static uint64_t rss_bytes(void)
{
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	uint64_t pages = 0;
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (p = buf; *p && *p != ' '; p++)
		;
	for (p++; *p >= '0' && *p <= '9'; p++)
		pages = pages * 10 + (uint64_t)(*p - '0');
	return pages * page_bytes;
}

/* Everything the threads, the queue, the slots and meta hold, into out (see the top). */
static void gather(void)
{
	struct rec_chunk *got = NULL, *c, *next;
	char *p;

	rec_lock(&list_lock);
	for (struct rec_thread *t = threads; t; t = t->next) {
		rec_lock(&t->lock);
		if (t->chunk && t->chunk->len) {
			t->chunk->next = got;
			got = t->chunk;
			t->chunk = NULL;
		}
		rec_unlock(&t->lock);
	}
	rec_unlock(&list_lock);
	rec_lock(&queue_lock);
	for (c = queue; c; c = next) {
		next = c->next;
		c->next = got;
		got = c;
	}
	queue = NULL;
	rec_unlock(&queue_lock);
	for (int i = 0; i < SIG_SLOTS; i++) {
		struct sig_slot *s = &sig_slots[i];
		int st;

		while ((st = atomic_load_explicit(&s->state, memory_order_acquire)) == SLOT_BUSY)
			sched_yield();
		if (st != SLOT_READY)
			continue;
		p = rec_buf_room(&meta_out, 1 + 8 + 8 + 1 + 2 + s->len);
		if (p) {
			rec_put_u8(&p, TR_MARK);
			rec_put_u64(&p, s->seq);
			rec_put_u64(&p, s->ns);
			rec_put_u8(&p, s->origin);
			put_str16(&p, s->name, s->len);
			meta_out.len = (size_t)(p - meta_out.data);
		}
		atomic_store(&s->state, SLOT_FREE);
	}
	/*
	 * meta's records go first (stacks before the blocks naming them).
	 * Copied, not swapped with out: out keeps the capacity of the largest
	 * flush, where a swap made it grow again, page by page, every time.
	 */
	rec_lock(&meta_lock);
	p = rec_buf_room(&out, meta.len);
	if (p) {
		memcpy(p, meta.data, meta.len);
		out.len += meta.len;
	}
	meta.len = 0;
	rec_unlock(&meta_lock);
	for (c = got; c; c = next) {
		next = c->next;
		p = rec_buf_room(&out, 9 + c->len);
		if (p) {
			rec_put_u8(&p, TR_BLOCK);
			rec_put_u32(&p, c->tid);
			rec_put_u32(&p, c->len);
			memcpy(p, c->data, c->len);
			out.len += 9 + c->len;
		}
		rec_lock(&queue_lock);
		c->next = spare_chunks;
		spare_chunks = c;
		rec_unlock(&queue_lock);
	}
	p = rec_buf_room(&out, meta_out.len);
	if (p) {
		memcpy(p, meta_out.data, meta_out.len);
		out.len += meta_out.len;
	}
	meta_out.len = 0;
}

void rec_flush_now(int how)
{
	uint64_t w, s, ns;
	char *p;

	rec_lock(&flush_lock);
	if (ended || !atomic_load(&rec_on))
		goto out;
	w = atomic_load(&rec_seq);
	gather();
	s = atomic_load(&rec_seq);
	ns = rec_now_ns();
	p = rec_buf_room(&out, 17 + 25 + 9 + 18);
	if (!p)
		goto out;
	rec_put_u8(&p, TR_TIME);
	rec_put_u64(&p, s);
	rec_put_u64(&p, ns);
	rec_put_u8(&p, TR_RSS);
	rec_put_u64(&p, s);
	rec_put_u64(&p, ns);
	rec_put_u64(&p, rss_bytes());
	rec_put_u8(&p, TR_FLUSH);
	rec_put_u64(&p, w);
	if (how) {
		rec_put_u8(&p, TR_END);
		rec_put_u64(&p, atomic_load(&rec_seq));
		rec_put_u64(&p, rec_now_ns());
		rec_put_u8(&p, (uint8_t)how);
		ended = 1;
	}
	out.len = (size_t)(p - out.data);
	out_write();
out:
	rec_unlock(&flush_lock);
}

void rec_writer_resume(void)
{
	rec_lock(&flush_lock);
	ended = 0;
	rec_unlock(&flush_lock);
}

static void *writer_main(void *arg)
{
	struct timespec period = { 0, FLUSH_NS };

	rec_guard = 1;
	prctl(PR_SET_NAME, "memtui-record", 0, 0, 0);
	while (atomic_load(&rec_on)) {
		nanosleep(&period, NULL);
		rec_flush_now(0);
	}
	return NULL;
}

static char *put_decimal(char *p, uint32_t v)
{
	char digits[10];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = digits[--n];
	return p;
}

/* Creates DIR/PID.trace, or DIR/PID.N.trace with the first free N (an exec'd image). */
static int create_file(const char *dir, uint32_t *exec_index)
{
	size_t dlen = strnlen(dir, PATH_BYTES);
	char *p;
	int fd;

	if (dlen + 40 > PATH_BYTES)
		return -1;
	for (uint32_t n = 0; n < 100000; n++) {
		memcpy(path, dir, dlen);
		p = path + dlen;
		*p++ = '/';
		p = put_decimal(p, (uint32_t)getpid());
		if (n) {
			*p++ = '.';
			p = put_decimal(p, n);
		}
		memcpy(p, ".trace", 7);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			*exec_index = n;
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int trace_argc;
static char **trace_argv;

/* The header (trace_format.h) into out. */
static int put_header(uint32_t exec_index, uint32_t flags)
{
	char exe[PATH_BYTES];
	ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof(exe));
	size_t bytes = 8 + 4 * 4 + 8 * 2 + 4 * 2 + 2 + PATH_BYTES + 4;
	struct timespec real;
	char *p;

	if (exe_len < 0)
		exe_len = 0;
	for (int i = 0; i < trace_argc; i++)
		bytes += 2 + strnlen(trace_argv[i], UINT16_MAX);
	p = rec_buf_room(&out, bytes);
	if (!p)
		return -1;
	clock_gettime(CLOCK_REALTIME, &real);
	memcpy(p, TRACE_MAGIC, 8);
	p += 8;
	rec_put_u32(&p, TRACE_VERSION);
	rec_put_u32(&p, (uint32_t)getpid());
	rec_put_u32(&p, (uint32_t)getppid());
	rec_put_u32(&p, exec_index);
	rec_put_u64(&p, rec_now_ns());
	rec_put_u64(&p, (uint64_t)real.tv_sec * 1000000000u + (uint64_t)real.tv_nsec);
	rec_put_u32(&p, page_bytes);
	rec_put_u32(&p, flags);
	put_str16(&p, exe, (size_t)exe_len);
	rec_put_u32(&p, (uint32_t)trace_argc);
	for (int i = 0; i < trace_argc; i++)
		put_str16(&p, trace_argv[i], strnlen(trace_argv[i], UINT16_MAX));
	out.len = (size_t)(p - out.data);
	return 0;
}

static char trace_dir[PATH_BYTES];
static uint32_t trace_flags;

/* A new trace file with its header and modules; rec_on is 1 after. */
static int begin_trace(uint32_t flags)
{
	uint32_t exec_index = 0;
	int fd = create_file(trace_dir, &exec_index);

	if (fd < 0)
		return -1;
	if (put_header(exec_index, flags) < 0 || write_all(fd, out.data, out.len) < 0) {
		close(fd);
		out.len = 0;
		return -1;
	}
	close(fd);
	out.len = 0;
	atomic_store(&rec_on, 1);
	rec_modules_rescan();
	return 0;
}

int rec_writer_start(const char *dir, int fork_child, int follow_fork, int argc, char **argv)
{
	size_t dlen = strnlen(dir, PATH_BYTES);

	if (dlen == PATH_BYTES)
		return -1;
	memcpy(trace_dir, dir, dlen + 1);
	page_bytes = (uint32_t)sysconf(_SC_PAGESIZE);
	trace_argc = argc;
	trace_argv = argv;
	trace_flags = (follow_fork ? TRACE_FOLLOW_FORK : 0) | (fork_child ? TRACE_FORK_CHILD : 0);
	if (pthread_key_create(&exit_key, thread_gone) != 0 || begin_trace(trace_flags) < 0)
		return -1;
	writer_spawn();
	return 0;
}

void rec_writer_fork_prepare(void)
{
	rec_lock(&flush_lock);
	rec_lock(&list_lock);
	for (struct rec_thread *t = threads; t; t = t->next)
		rec_lock(&t->lock);
	rec_lock(&queue_lock);
	rec_lock(&modules_lock);
	rec_stack_fork_prepare();
	rec_lock(&meta_lock);
}

void rec_writer_fork_parent(void)
{
	rec_unlock(&meta_lock);
	rec_stack_fork_parent();
	rec_unlock(&modules_lock);
	rec_unlock(&queue_lock);
	for (struct rec_thread *t = threads; t; t = t->next)
		rec_unlock(&t->lock);
	rec_unlock(&list_lock);
	rec_unlock(&flush_lock);
}

static void chunk_spare(struct rec_chunk *c)
{
	if (c) {
		c->next = spare_chunks;
		spare_chunks = c;
	}
}

void rec_writer_fork_child(int follow)
{
	struct rec_thread *t, *next;
	struct rec_chunk *c, *cnext;

	/* one thread now: the locks are ours, whoever held them in the parent */
	atomic_store(&flush_lock, 0);
	atomic_store(&list_lock, 0);
	atomic_store(&queue_lock, 0);
	atomic_store(&modules_lock, 0);
	atomic_store(&meta_lock, 0);
	rec_stack_reset();
	for (t = threads; t; t = next) {
		next = t->next;
		atomic_store(&t->lock, 0);
		if (t == self)
			continue;
		chunk_spare(t->chunk);
		t->chunk = NULL;
		t->next = spare_threads;
		spare_threads = t;
	}
	threads = self;
	if (self) {
		self->next = NULL;
		self->tid = (uint32_t)syscall(SYS_gettid);
		if (self->chunk) {
			self->chunk->len = 0;
			self->chunk->tid = self->tid;
		}
	}
	for (c = queue; c; c = cnext) {
		cnext = c->next;
		chunk_spare(c);
	}
	queue = NULL;
	meta.len = out.len = meta_out.len = 0;
	for (int i = 0; i < SIG_SLOTS; i++)
		atomic_store(&sig_slots[i].state, SLOT_FREE);
	if (!follow)
		return;
	atomic_store(&rec_seq, 0);
	known_n = 0;
	ended = 0;
	if (begin_trace(trace_flags | TRACE_FORK_CHILD) < 0) {
		atomic_store(&rec_on, 0);
		return;
	}
	if (self)
		thread_name(self->tid);
	need_writer = 1;
}
