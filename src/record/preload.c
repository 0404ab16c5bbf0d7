/*
 * preload: the hooks of libmemtui_preload.so and the recorded process's life.
 *
 * LD_PRELOAD puts these definitions of malloc, free, mmap, exec*, _exit,
 * fork's handlers, dlopen, signal and sigaction before libc's; each finds
 * the next definition with dlsym(RTLD_NEXT) and calls it.  Recording is on
 * when MEMTUI_RECORD_DIR is set (and, for a process other than the command's,
 * with MEMTUI_RECORD_FOLLOW_FORK=1); otherwise every hook passes straight
 * through.
 *
 * Reentrancy.  rec_guard (initial-exec TLS: reading it never allocates) is
 * set for the length of a recorded call, so whatever the recorder, the
 * unwinder or libc do on its behalf passes through unrecorded.  Before dlsym
 * has answered, malloc and calloc are served from a static bootstrap buffer
 * (dlsym itself may call calloc); frees and reallocs of that memory are
 * recognised by address.
 *
 * Order (trace_format.h): a free takes its seq before the real free, an
 * allocation after the real call; a realloc is a BEGIN/END pair around it;
 * munmap and mremap hold the thread's lock across the system call so a
 * failed one leaves only a gap in the seqs.
 *
 * The process's life.  fork: the prepare handler takes every recorder lock,
 * the parent releases them, and the child either starts DIR/CHILDPID.trace
 * (follow-fork) or stops recording for good.  exec: the trace is flushed and
 * ended (TE_EXEC) before the call; if it fails, recording goes on.  The new
 * image writes DIR/PID.N.trace.  A process that is not the command's (its pid
 * is not MEMTUI_RECORD_PID) records only with follow-fork, so an untracked
 * child's exec stays untracked.  exit: the library's destructor, which runs
 * after the program's atexit handlers and static destructors, writes
 * TR_END with TE_EXIT; _exit and _Exit write TE_EXIT_NOW.  posix_spawn is not
 * hooked: the spawned program records itself through the environment when
 * following forks (trace_format.h, "Fork and exec").
 */
#include "rec.h"
#include "memtui.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define BOOT_BYTES (64u << 10)	/* dlsym's own allocations, before malloc is known */
#define MARK_NAME_MAX 1024u	/* a longer stage name is cut */

void free_sized(void *p, size_t size);
void free_aligned_sized(void *p, size_t alignment, size_t size);

static struct {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	void *(*mremap)(void *, size_t, size_t, int, ...);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
	void (*exit_now)(int);
	void (*exit_now2)(int);
	void *(*dlopen)(const char *, int);
	int (*dlclose)(void *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);
} real;

static int resolving;
static _Alignas(16) char boot[BOOT_BYTES];
static size_t boot_used;
static pid_t rec_pid;		/* the process being recorded */
static int follow_fork;
static int stage_signal;	/* 0, or the --stage-signal number */
static struct sigaction chained;	/* the program's handler for stage_signal */
static atomic_uint stage_count;

static int in_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + BOOT_BYTES;
}

/* 16-byte aligned, its size in the 16 bytes before it; NULL when the buffer is used up. */
static void *boot_alloc(size_t n)
{
	size_t need = 16 + ((n + 15) & ~(size_t)15);
	char *p;

	if (n > BOOT_BYTES || boot_used + need > BOOT_BYTES)
		return NULL;
	p = boot + boot_used + 16;
	memcpy(p - 16, &n, sizeof(n));
	boot_used += need;
	return p;
}

#define FIND(name) (real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name))

/* Finds the next definitions; -1 while it is under way (the caller uses the bootstrap). */
static int resolve(void)
{
	if (resolving)
		return -1;
	resolving = 1;
	FIND(malloc);
	FIND(calloc);
	FIND(realloc);
	FIND(reallocarray);
	FIND(free);
	FIND(posix_memalign);
	FIND(aligned_alloc);
	FIND(memalign);
	FIND(valloc);
	FIND(pvalloc);
	FIND(mmap);
	FIND(munmap);
	FIND(mremap);
	FIND(execve);
	FIND(execv);
	FIND(execvp);
	FIND(execvpe);
	FIND(fexecve);
	real.exit_now = (void (*)(int))dlsym(RTLD_NEXT, "_exit");
	real.exit_now2 = (void (*)(int))dlsym(RTLD_NEXT, "_Exit");
	FIND(dlopen);
	FIND(dlclose);
	FIND(sigaction);
	FIND(signal);
	resolving = 0;
	return real.malloc && real.free ? 0 : -1;
}

static int recording(void)
{
	return !rec_guard && atomic_load_explicit(&rec_on, memory_order_relaxed);
}

static uint64_t take_seq(void)
{
	return atomic_fetch_add_explicit(&rec_seq, 1, memory_order_relaxed);
}

/* Under the guard, after the allocation. */
static void note_alloc(void *p, size_t size, uint8_t kind)
{
	uint32_t stack = rec_stack_here();
	struct rec_thread *t;
	char *q = rec_event_begin(&t, 30);

	if (!q)
		return;
	rec_put_u8(&q, TR_ALLOC);
	rec_put_u64(&q, take_seq());
	rec_put_u64(&q, (uint64_t)(uintptr_t)p);
	rec_put_u64(&q, size);
	rec_put_u32(&q, stack);
	rec_put_u8(&q, kind);
	rec_event_end(t, q);
}

/* Under the guard, before the free. */
static void note_free(void *p, uint8_t kind)
{
	struct rec_thread *t;
	char *q = rec_event_begin(&t, 18);

	if (!q)
		return;
	rec_put_u8(&q, TR_FREE);
	rec_put_u64(&q, take_seq());
	rec_put_u64(&q, (uint64_t)(uintptr_t)p);
	rec_put_u8(&q, kind);
	rec_event_end(t, q);
}

/* The allocation hooks: pass through, or call and record. */
#define ALLOC_HOOK(call, size, kind)					\
	do {								\
		void *p_;						\
		if (!recording())					\
			return call;					\
		rec_guard = 1;						\
		p_ = call;						\
		if (p_)							\
			note_alloc(p_, size, kind);			\
		rec_guard = 0;						\
		return p_;						\
	} while (0)

EXPORT void *malloc(size_t n)
{
	if (!real.malloc && resolve() < 0)
		return boot_alloc(n);
	ALLOC_HOOK(real.malloc(n), n, TA_MALLOC);
}

EXPORT void *calloc(size_t n, size_t m)
{
	size_t bytes;

	if (!real.calloc && resolve() < 0)
		return __builtin_mul_overflow(n, m, &bytes) ? NULL : boot_alloc(bytes);
	if (__builtin_mul_overflow(n, m, &bytes))
		bytes = SIZE_MAX;
	ALLOC_HOOK(real.calloc(n, m), bytes, TA_CALLOC);
}

static void free_hook(void *p, uint8_t kind)
{
	if (!p || in_boot(p))
		return;
	if (!real.free && resolve() < 0)
		return;
	if (!recording()) {
		real.free(p);
		return;
	}
	rec_guard = 1;
	note_free(p, kind);
	real.free(p);
	rec_guard = 0;
}

EXPORT void free(void *p)
{
	free_hook(p, TF_FREE);
}

EXPORT void free_sized(void *p, size_t size)
{
	free_hook(p, TF_FREE_SIZED);
}

EXPORT void free_aligned_sized(void *p, size_t alignment, size_t size)
{
	free_hook(p, TF_FREE_ALIGNED_SIZED);
}

/* realloc and reallocarray of a non-NULL, non-bootstrap block, recorded as a BEGIN/END pair. */
static void *realloc_pair(void *p, size_t n, size_t m, uint8_t kind)
{
	uint32_t stack;
	struct rec_thread *t;
	size_t bytes;
	void *np;
	char *q;

	rec_guard = 1;
	if (__builtin_mul_overflow(n, m, &bytes))
		bytes = SIZE_MAX;
	stack = rec_stack_here();
	q = rec_event_begin(&t, 17);
	if (q) {
		rec_put_u8(&q, TR_REALLOC_BEGIN);
		rec_put_u64(&q, take_seq());
		rec_put_u64(&q, (uint64_t)(uintptr_t)p);
		rec_event_end(t, q);
	}
	np = kind == TA_REALLOC ? real.realloc(p, n) : real.reallocarray(p, n, m);
	q = rec_event_begin(&t, 30);
	if (q) {
		rec_put_u8(&q, TR_REALLOC_END);
		rec_put_u64(&q, take_seq());
		rec_put_u64(&q, (uint64_t)(uintptr_t)np);
		rec_put_u64(&q, bytes);
		rec_put_u32(&q, stack);
		rec_put_u8(&q, kind);
		rec_event_end(t, q);
	}
	rec_guard = 0;
	return np;
}

/* A bootstrap block moves to real memory (its size is in front of it). */
static void *boot_move(void *p, size_t bytes)
{
	size_t old;
	void *np = malloc(bytes);

	memcpy(&old, (char *)p - 16, sizeof(old));
	if (np)
		memcpy(np, p, old < bytes ? old : bytes);
	return np;
}

EXPORT void *realloc(void *p, size_t n)
{
	if (!real.realloc && resolve() < 0)
		return NULL;
	if (p && in_boot(p))
		return boot_move(p, n);
	if (!p)
		ALLOC_HOOK(real.realloc(NULL, n), n, TA_REALLOC);
	if (!recording())
		return real.realloc(p, n);
	return realloc_pair(p, n, 1, TA_REALLOC);
}

EXPORT void *reallocarray(void *p, size_t n, size_t m)
{
	size_t bytes;

	if (!real.reallocarray && resolve() < 0)
		return NULL;
	if (p && in_boot(p))
		return __builtin_mul_overflow(n, m, &bytes) ? NULL : boot_move(p, bytes);
	if (__builtin_mul_overflow(n, m, &bytes))
		bytes = SIZE_MAX;
	if (!p)
		ALLOC_HOOK(real.reallocarray(NULL, n, m), bytes, TA_REALLOCARRAY);
	if (!recording())
		return real.reallocarray(p, n, m);
	return realloc_pair(p, n, m, TA_REALLOCARRAY);
}

EXPORT int posix_memalign(void **out, size_t alignment, size_t n)
{
	int r;

	if (!real.posix_memalign && resolve() < 0)
		return ENOMEM;
	if (!recording())
		return real.posix_memalign(out, alignment, n);
	rec_guard = 1;
	r = real.posix_memalign(out, alignment, n);
	if (r == 0)
		note_alloc(*out, n, TA_POSIX_MEMALIGN);
	rec_guard = 0;
	return r;
}

EXPORT void *aligned_alloc(size_t alignment, size_t n)
{
	if (!real.aligned_alloc && resolve() < 0)
		return NULL;
	ALLOC_HOOK(real.aligned_alloc(alignment, n), n, TA_ALIGNED_ALLOC);
}

EXPORT void *memalign(size_t alignment, size_t n)
{
	if (!real.memalign && resolve() < 0)
		return NULL;
	ALLOC_HOOK(real.memalign(alignment, n), n, TA_MEMALIGN);
}

EXPORT void *valloc(size_t n)
{
	if (!real.valloc && resolve() < 0)
		return NULL;
	ALLOC_HOOK(real.valloc(n), n, TA_VALLOC);
}

EXPORT void *pvalloc(size_t n)
{
	if (!real.pvalloc && resolve() < 0)
		return NULL;
	ALLOC_HOOK(real.pvalloc(n), n, TA_PVALLOC);
}

static void *mmap_hook(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (!real.mmap && resolve() < 0)
		return MAP_FAILED;
	if (!recording())
		return real.mmap(addr, len, prot, flags, fd, off);
	rec_guard = 1;
	p = real.mmap(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED)
		note_alloc(p, len, TA_MMAP);
	rec_guard = 0;
	return p;
}

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap_hook(addr, len, prot, flags, fd, off);
}

EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap_hook(addr, len, prot, flags, fd, off);
}

EXPORT int munmap(void *addr, size_t len)
{
	struct rec_thread *t;
	char *q, *start;
	uint64_t seq;
	int r;

	if (!real.munmap && resolve() < 0)
		return -1;
	if (!recording())
		return real.munmap(addr, len);
	rec_guard = 1;
	q = start = rec_event_begin(&t, 25);
	if (!q) {
		r = real.munmap(addr, len);
		goto out;
	}
	seq = take_seq();
	r = real.munmap(addr, len);
	if (r == 0) {
		rec_put_u8(&q, TR_MUNMAP);
		rec_put_u64(&q, seq);
		rec_put_u64(&q, (uint64_t)(uintptr_t)addr);
		rec_put_u64(&q, len);
	}
	rec_event_end(t, q);
out:
	rec_guard = 0;
	return r;
}

EXPORT void *mremap(void *old, size_t old_len, size_t len, int flags, ...)
{
	void *want = NULL, *p;
	struct rec_thread *t;
	uint32_t stack;
	uint64_t seq;
	va_list ap;
	char *q;

	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		want = va_arg(ap, void *);
		va_end(ap);
	}
	if (!real.mremap && resolve() < 0)
		return MAP_FAILED;
	if (!recording())
		return real.mremap(old, old_len, len, flags, want);
	rec_guard = 1;
	stack = rec_stack_here();
	q = rec_event_begin(&t, 25 + 30);
	if (!q) {
		p = real.mremap(old, old_len, len, flags, want);
		goto out;
	}
	seq = take_seq();
	p = real.mremap(old, old_len, len, flags, want);
	if (p != MAP_FAILED) {
		rec_put_u8(&q, TR_MUNMAP);
		rec_put_u64(&q, seq);
		rec_put_u64(&q, (uint64_t)(uintptr_t)old);
		rec_put_u64(&q, old_len);
		rec_put_u8(&q, TR_ALLOC);
		rec_put_u64(&q, take_seq());
		rec_put_u64(&q, (uint64_t)(uintptr_t)p);
		rec_put_u64(&q, len);
		rec_put_u32(&q, stack);
		rec_put_u8(&q, TA_MREMAP);
	}
	rec_event_end(t, q);
out:
	rec_guard = 0;
	return p;
}

/* Ends the trace (how: enum trace_end) from the calling thread, if this process records. */
static int end_trace(int how)
{
	int guard = rec_guard;

	if (!atomic_load(&rec_on) || getpid() != rec_pid)
		return 0;
	rec_guard = 1;
	rec_flush_now(how);
	rec_guard = guard;
	return 1;
}

static int exec_failed(int r, int ended)
{
	int saved = errno;

	if (ended)
		rec_writer_resume();
	errno = saved;
	return r;
}

EXPORT int execve(const char *file, char *const argv[], char *const envp[])
{
	int ended;

	if (!real.execve && resolve() < 0)
		return -1;
	ended = end_trace(TE_EXEC);
	return exec_failed(real.execve(file, argv, envp), ended);
}

EXPORT int execv(const char *file, char *const argv[])
{
	int ended;

	if (!real.execv && resolve() < 0)
		return -1;
	ended = end_trace(TE_EXEC);
	return exec_failed(real.execv(file, argv), ended);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	int ended;

	if (!real.execvp && resolve() < 0)
		return -1;
	ended = end_trace(TE_EXEC);
	return exec_failed(real.execvp(file, argv), ended);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	int ended;

	if (!real.execvpe && resolve() < 0)
		return -1;
	ended = end_trace(TE_EXEC);
	return exec_failed(real.execvpe(file, argv, envp), ended);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	int ended;

	if (!real.fexecve && resolve() < 0)
		return -1;
	ended = end_trace(TE_EXEC);
	return exec_failed(real.fexecve(fd, argv, envp), ended);
}

/* The execl family: the arguments into an array on the stack, then the execv form. */
#define LIST_ARGS(first, with_env)						\
	size_t n_ = 1;								\
	va_list ap_;								\
	va_start(ap_, first);							\
	while (va_arg(ap_, char *))						\
		n_++;								\
	va_end(ap_);								\
	char *args_[n_ + 1];							\
	char *const *env_ = NULL;						\
	args_[0] = (char *)(first);						\
	va_start(ap_, first);							\
	for (size_t i_ = 1; i_ <= n_; i_++)					\
		args_[i_] = va_arg(ap_, char *);				\
	if (with_env)								\
		env_ = va_arg(ap_, char *const *);				\
	va_end(ap_);								\
	(void)env_

EXPORT int execl(const char *file, const char *arg, ...)
{
	LIST_ARGS(arg, 0);
	return execv(file, args_);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	LIST_ARGS(arg, 0);
	return execvp(file, args_);
}

EXPORT int execle(const char *file, const char *arg, ...)
{
	LIST_ARGS(arg, 1);
	return execve(file, args_, env_);
}

EXPORT void _exit(int status)
{
	if (real.exit_now || resolve() == 0) {
		end_trace(TE_EXIT_NOW);
		atomic_store(&rec_on, 0);
		real.exit_now(status);
	}
	__builtin_trap();
}

EXPORT void _Exit(int status)
{
	if (real.exit_now2 || resolve() == 0) {
		end_trace(TE_EXIT_NOW);
		atomic_store(&rec_on, 0);
		real.exit_now2(status);
	}
	__builtin_trap();
}

EXPORT void *dlopen(const char *file, int mode)
{
	void *h;
	int guard = rec_guard;

	if (!real.dlopen && resolve() < 0)
		return NULL;
	h = real.dlopen(file, mode);
	if (h && atomic_load(&rec_on)) {
		rec_guard = 1;
		rec_modules_rescan();
		rec_guard = guard;
	}
	return h;
}

EXPORT int dlclose(void *h)
{
	int r, guard = rec_guard;

	if (!real.dlclose && resolve() < 0)
		return -1;
	r = real.dlclose(h);
	if (atomic_load(&rec_on)) {
		rec_guard = 1;
		rec_modules_rescan();
		rec_guard = guard;
	}
	return r;
}

/* --stage-signal: a mark, then the program's own handler for the signal, if any. */
static void stage_handler(int sig, siginfo_t *info, void *uc)
{
	char name[32] = "signal ";
	unsigned k = atomic_fetch_add(&stage_count, 1) + 1;
	char digits[10], *p = name + 7;
	int saved = errno, n = 0;
	struct sigaction next = chained;

	do
		digits[n++] = (char)('0' + k % 10);
	while ((k /= 10) != 0);
	while (n)
		*p++ = digits[--n];
	rec_mark_async(name, (size_t)(p - name), TM_SIGNAL);
	errno = saved;
	if (next.sa_flags & SA_SIGINFO) {
		if (next.sa_sigaction)
			next.sa_sigaction(sig, info, uc);
	} else if (next.sa_handler != SIG_DFL && next.sa_handler != SIG_IGN) {
		next.sa_handler(sig);
	}
}

EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!real.sigaction && resolve() < 0)
		return -1;
	if (!stage_signal || sig != stage_signal)
		return real.sigaction(sig, act, old);
	if (old)
		*old = chained;
	if (act)
		chained = *act;
	return 0;
}

EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	sighandler_t prev;

	if (!real.signal && resolve() < 0)
		return SIG_ERR;
	if (!stage_signal || sig != stage_signal)
		return real.signal(sig, handler);
	prev = (chained.sa_flags & SA_SIGINFO) ? SIG_DFL : chained.sa_handler;
	memset(&chained, 0, sizeof(chained));
	chained.sa_handler = handler;
	return prev;
}

EXPORT int memtui_record_mark(const char *name, int origin)
{
	size_t len = strnlen(name, MARK_NAME_MAX);
	struct rec_thread *t;
	char *q;

	if (!atomic_load(&rec_on))
		return -1;
	if (rec_guard)	/* inside a hook (a signal handler): the lock-free way */
		return rec_mark_async(name, len, origin);
	rec_guard = 1;
	q = rec_event_begin(&t, 1 + 8 + 8 + 1 + 2 + len);
	if (q) {
		rec_put_u8(&q, TR_MARK);
		rec_put_u64(&q, take_seq());
		rec_put_u64(&q, rec_now_ns());
		rec_put_u8(&q, (uint8_t)origin);
		rec_put_u16(&q, (uint16_t)len);
		memcpy(q, name, len);
		rec_event_end(t, q + len);
	}
	rec_guard = 0;
	return q ? 0 : -1;
}

static int fork_locked, fork_guard;

static void fork_prepare(void)
{
	fork_guard = rec_guard;
	rec_guard = 1;
	fork_locked = atomic_load(&rec_on);
	if (fork_locked)
		rec_writer_fork_prepare();
}

static void fork_parent(void)
{
	if (fork_locked)
		rec_writer_fork_parent();
	rec_guard = fork_guard;
}

static void fork_child(void)
{
	if (fork_locked) {
		rec_pid = getpid();
		if (!follow_fork)
			atomic_store(&rec_on, 0);
		rec_writer_fork_child(follow_fork);
	}
	rec_guard = fork_guard;
}

static int env_number(const char *name)
{
	const char *s = getenv(name);
	int v = 0;

	if (!s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

static void stage_signal_init(void)
{
	struct sigaction sa;
	int sig = env_number(TRACE_ENV_STAGE_SIGNAL);

	if (sig <= 0 || sig >= NSIG)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = stage_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (real.sigaction(sig, &sa, &chained) == 0)
		stage_signal = sig;
}

/* glibc passes a shared object's constructors the program's argc, argv and envp. */
__attribute__((constructor)) static void preload_init(int argc, char **argv, char **envp)
{
	const char *dir = getenv(TRACE_ENV_DIR);
	int root, fork_child_trace = 0;
	char pid_text[16], *p = pid_text + sizeof(pid_text);
	pid_t pid = getpid();

	rec_guard = 1;
	if (resolve() < 0 || !dir || !*dir)
		goto out;
	follow_fork = env_number(TRACE_ENV_FOLLOW_FORK) == 1;
	root = env_number(TRACE_ENV_ROOT);
	if (root < 0) {
		unsigned v = (unsigned)pid;

		*--p = 0;
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		setenv(TRACE_ENV_ROOT, p, 1);
	} else if (root != pid) {
		if (!follow_fork)
			goto out;
		fork_child_trace = 1;
	}
	rec_stack_init();
	rec_pid = pid;
	if (rec_writer_start(dir, fork_child_trace, follow_fork, argc, argv) < 0)
		goto out;
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	stage_signal_init();
out:
	rec_guard = 0;
}

__attribute__((destructor)) static void preload_fini(void)
{
	if (end_trace(TE_EXIT))
		atomic_store(&rec_on, 0);
}
