/*
 * record: runs a command under memtui's preload library and turns its raw
 * traces into .mtui captures.
 *
 * The flow:
 *  1. the library: $MEMTUI_PRELOAD, else libmemtui_preload.so beside the
 *     memtui executable (/proc/self/exe: a build tree), else in
 *     MEMTUI_PRELOAD_REL from it (an install: ../lib/memtui on most systems);
 *  2. a private folder, mkdtemp under $TMPDIR (or /tmp);
 *  3. fork + execvp of the command with LD_PRELOAD (the library first, then
 *     any LD_PRELOAD already set) and the TRACE_ENV_* variables; the child
 *     sets MEMTUI_RECORD_PID to its own pid before the exec.  memtui is the
 *     subreaper of what the command starts, so orphaned children are reaped
 *     here;
 *  4. while waiting: SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are forwarded to
 *     the command; SIGINT and SIGQUIT are ignored (the terminal sends them to
 *     the command too, and the captures must still be written);
 *  5. the wait ends when the command has ended and no process is still
 *     writing a trace in the folder: a trace is being written while its
 *     process is alive with the library mapped; one whose process is gone is
 *     done, with or without its TR_END;
 *  6. every trace is read (formats/trace.c, native frames named by the
 *     symbolizer: DWARF inline frames, then symbols, then module + offset)
 *     and written with save_mtui(); the folder is removed.
 *
 * Output names: the command's process is memtui.CMD.PID.mtui in the current
 * folder (CMD = the basename of the command), or FILE with -o FILE; a forked
 * child (--follow-fork) is memtui.CMD.CHILDPID.mtui, or FILE.CHILDPID; the
 * image a process exec'd is named by the new image's executable:
 * memtui.EXE.PID.mtui, or FILE.EXE.PID with -o FILE; when that name is
 * already taken in the recording (the same image exec'd again, or exec'd by
 * a process of that name) the N of its N-th exec is added:
 * memtui.EXE.PID.N.mtui, FILE.EXE.PID.N.
 */
#include "record.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "registry.h"
#include "save.h"
#include "trace_format.h"
#include "xalloc.h"

#define PRELOAD_NAME "libmemtui_preload.so"
/* How often the wait looks at the folder once the command has ended. */
#define POLL_NS (20 * 1000 * 1000)
/* Traces one recording may leave (forks and execs); more are left unconverted. */
#define MAX_TRACES 4096

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
static const int ignored[] = { SIGINT, SIGQUIT };

/* Installs (on) or removes the parent's handlers while the command runs. */
static void parent_signals(bool on, struct sigaction *saved)
{
	struct sigaction sa;
	size_t k = 0;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++, k++) {
		sa.sa_handler = forward;
		if (on)
			sigaction(forwarded[i], &sa, &saved[k]);
		else
			sigaction(forwarded[i], &saved[k], NULL);
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++, k++) {
		sa.sa_handler = SIG_IGN;
		if (on)
			sigaction(ignored[i], &sa, &saved[k]);
		else
			sigaction(ignored[i], &saved[k], NULL);
	}
}

#define N_SIGNALS (sizeof(forwarded) / sizeof(forwarded[0]) + sizeof(ignored) / sizeof(ignored[0]))

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* The preload library's path into buf, or false with err set. */
static bool find_preload(char *buf, size_t size, struct mt_error *err)
{
	const char *env = getenv("MEMTUI_PRELOAD");
	char exe[PATH_MAX - 64], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		if (readable(buf))
			return true;
		mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "MEMTUI_PRELOAD=%s: %s", env,
			     strerror(errno));
		return false;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "/proc/self/exe: %s", strerror(errno));
		return false;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(buf, size, "%s/" PRELOAD_NAME, exe);
	if (readable(buf))
		return true;
	snprintf(buf, size, "%s/" MEMTUI_PRELOAD_REL "/" PRELOAD_NAME, exe);
	if (readable(buf))
		return true;
	mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "no " PRELOAD_NAME " in %s or %s/"
		     MEMTUI_PRELOAD_REL " (set MEMTUI_PRELOAD to its path)", exe, exe);
	return false;
}

/*
 * The recorder unwinds with libunwind, which it opens at run time
 * (src/record/rec_stack.c); without it, it falls back to libgcc's unwinder,
 * correct but 10-20 times slower per stack.  Says so, once.
 */
static void check_unwinder(void)
{
	void *h = dlopen("libunwind.so.8", RTLD_LAZY | RTLD_LOCAL);

	if (h)
		dlclose(h);
	else
		fprintf(stderr, "memtui record: libunwind.so.8 not found (Debian: libunwind8); "
			"unwinding with libgcc, which is much slower\n");
}

/* In the child: the environment of trace_format.h, then the command. */
static void exec_child(const struct options *opt, const char *lib, const char *dir,
		       const struct sigaction *saved)
{
	const char *old = getenv("LD_PRELOAD");
	char *preload, num[32];
	size_t k = 0;

	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++, k++)
		sigaction(forwarded[i], &saved[k], NULL);
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++, k++)
		sigaction(ignored[i], &saved[k], NULL);
	if (old && *old) {
		preload = xmalloc(strlen(lib) + strlen(old) + 2);
		sprintf(preload, "%s:%s", lib, old);
	} else {
		preload = xstrdup(lib);
	}
	setenv("LD_PRELOAD", preload, 1);
	setenv(TRACE_ENV_DIR, dir, 1);
	snprintf(num, sizeof(num), "%ld", (long)getpid());
	setenv(TRACE_ENV_ROOT, num, 1);
	if (opt->follow_fork)
		setenv(TRACE_ENV_FOLLOW_FORK, "1", 1);
	else
		unsetenv(TRACE_ENV_FOLLOW_FORK);
	if (opt->stage_signal) {
		snprintf(num, sizeof(num), "%d", opt->stage_signal);
		setenv(TRACE_ENV_STAGE_SIGNAL, num, 1);
	} else {
		unsetenv(TRACE_ENV_STAGE_SIGNAL);
	}
	execvp(opt->run_argv[0], opt->run_argv);
	fprintf(stderr, "memtui: %s: %s\n", opt->run_argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* Whether process pid is alive with the preload library mapped (writing its trace). */
static bool writing(long pid)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, PRELOAD_NAME) != NULL;
	fclose(f);
	return found;
}

/* A trace's name: PID.trace or PID.N.trace; false for anything else. */
static bool trace_name(const char *name, long *pid, long *exec_index)
{
	char *end;

	errno = 0;
	*exec_index = 0;
	*pid = strtol(name, &end, 10);
	if (errno || end == name || *pid <= 0)
		return false;
	if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
		*exec_index = strtol(end + 1, &end, 10);
		if (errno || *exec_index <= 0)
			return false;
	}
	return !strcmp(end, ".trace");
}

/* Whether some process other than done is still writing a trace in dir. */
static bool traces_busy(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool busy = false;

	if (!d)
		return false;
	while (!busy && (e = readdir(d))) {
		long pid, n;

		if (trace_name(e->d_name, &pid, &n))
			busy = writing(pid);
	}
	closedir(d);
	return busy;
}

/*
 * Waits for the command (its status into *status) and then for every
 * process still writing a trace, reaping the orphans memtui inherits as
 * their subreaper.
 */
static void wait_all(pid_t child, const char *dir, int *status)
{
	struct timespec nap = { 0, POLL_NS };
	bool child_done = false;

	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, child_done ? WNOHANG : 0);

		if (p == child) {
			*status = st;
			child_done = true;
			child_pid = 0;
			continue;
		}
		if (p > 0)
			continue;
		if (p < 0 && errno == EINTR)
			continue;
		if (!child_done)	/* ECHILD: cannot happen while the child is ours */
			break;
		if (!traces_busy(dir))
			break;
		nanosleep(&nap, NULL);
	}
}

/* The executable path a trace's header names, into buf ("" when unreadable). */
static void trace_exe(const char *path, char *buf, size_t size)
{
	/* magic, version, pid, ppid, exec_index, start_ns, start_unix_ns, page_size, flags */
	enum { EXE_AT = 8 + 4 * 4 + 8 + 8 + 4 + 4 };
	uint8_t head[EXE_AT + 2];
	FILE *f = fopen(path, "rb");
	size_t n = 0, len;

	buf[0] = '\0';
	if (!f)
		return;
	if (fread(head, 1, sizeof(head), f) == sizeof(head)) {
		len = (size_t)head[EXE_AT] | (size_t)head[EXE_AT + 1] << 8;
		if (len >= size)
			len = size - 1;
		n = fread(buf, 1, len, f);
		buf[n] = '\0';
	}
	fclose(f);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A name made like printf (memtui's names are short: PATH_MAX bounds them). */
static char *name_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *name_of(const char *fmt, ...)
{
	char buf[PATH_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xstrdup(buf);
}

/*
 * The capture's name for trace (pid, exec_index) of the command with root
 * pid root; taken[0..n_taken) are the names given before it in this run.
 * The main capture (is_main: the root's last image, the program the command
 * ended up running) gets -o FILE or memtui.CMD.PID.mtui; the root's earlier
 * images (wrappers that exec'd it, e.g. a shell script or pyenv's shims) and
 * exec'd images of forked children are named by their own executable; a
 * forked child's first image gets FILE.PID or memtui.CMD.PID.mtui.
 */
static char *output_name(const struct options *opt, const char *trace, long pid, long exec_index,
			 long root, bool is_main, char *const *taken, size_t n_taken)
{
	const char *cmd = base_name(opt->run_argv[0]), *o = opt->output;
	char exe[PATH_MAX], *out;

	if (is_main)
		return o ? xstrdup(o) : name_of("memtui.%s.%ld.mtui", cmd, pid);
	if (!exec_index && pid != root)
		return o ? name_of("%s.%ld", o, pid) : name_of("memtui.%s.%ld.mtui", cmd, pid);
	trace_exe(trace, exe, sizeof(exe));
	if (!exe[0])
		snprintf(exe, sizeof(exe), "exec");
	out = o ? name_of("%s.%s.%ld", o, base_name(exe), pid)
		: name_of("memtui.%s.%ld.mtui", base_name(exe), pid);
	for (size_t i = 0; i < n_taken; i++) {
		if (!strcmp(taken[i], out)) {
			free(out);
			return o ? name_of("%s.%s.%ld.%ld", o, base_name(exe), pid, exec_index)
				 : name_of("memtui.%s.%ld.%ld.mtui", base_name(exe), pid,
					   exec_index);
		}
	}
	return out;
}

struct trace_file {
	long pid, exec_index;
	char *name;
};

static int trace_cmp(const void *a, const void *b)
{
	const struct trace_file *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->exec_index > y->exec_index) - (x->exec_index < y->exec_index);
}

/* Reads trace (at path) and writes it as out; 0 or a negative mt_err. */
static int convert_trace(const struct resolver_options *ro, bool symbols, const char *path,
			 const char *out, struct mt_error *err)
{
	struct load_options lo = { 0 };
	struct native_resolver res;
	struct capture *cap = NULL;
	bool resolving = resolver_init(&res, symbols ? ro : NULL, path);
	int rc;

	if (resolving)
		lo.resolver = &res;
	rc = formats_load(path, &lo, &cap, err);
	if (resolving)
		resolver_release(&res);
	if (rc < 0)
		return rc;
	if (capture_meta(cap)->truncated)
		fprintf(stderr, "memtui: %s: the process did not end normally (%s): the capture "
			"holds what it recorded and is flagged truncated\n", out,
			capture_meta(cap)->truncated_why ? capture_meta(cap)->truncated_why : "");
	rc = save_mtui(cap, out, NULL, NULL, err);
	capture_free(cap);
	return rc;
}

/*
 * Converts every trace in dir, the root's first, removing each one written;
 * dir goes when all went well.  The first error is returned (err), later
 * ones are printed.
 */
static int convert_all(const struct options *opt, const struct resolver_options *ro,
		       const char *dir, long root, struct record_result *res, struct mt_error *err)
{
	struct trace_file *list = xmalloc(MAX_TRACES * sizeof(*list));
	char **taken = xmalloc(MAX_TRACES * sizeof(*taken));
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	struct mt_error other = { 0 };
	int rc = 0, one;

	while (d && (e = readdir(d)) && n < MAX_TRACES) {
		if (trace_name(e->d_name, &list[n].pid, &list[n].exec_index))
			list[n++].name = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(list, n, sizeof(*list), trace_cmp);
	/* the root's last image first, so that it gets the main name */
	for (size_t i = 0, last = n; i < n; i++) {
		if (list[i].pid == root)
			last = i;
		if (last < n && (i + 1 == n || list[i + 1].pid != root) && last) {
			struct trace_file t = list[last];

			memmove(list + 1, list, last * sizeof(*list));
			list[0] = t;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char *path, *out;
		bool is_main = i == 0 && list[i].pid == root;

		path = name_of("%s/%s", dir, list[i].name);
		out = output_name(opt, path, list[i].pid, list[i].exec_index, root, is_main, taken,
				  i);
		taken[i] = out;
		one = convert_trace(ro, opt->symbols, path, out, rc ? &other : err);
		if (one < 0 && !rc) {
			rc = one;
			res->error_path = xstrdup(err->path ? err->path : out);
			err->path = res->error_path;
		} else if (one < 0) {
			fprintf(stderr, "memtui: %s: %s\n", out, other.msg);
		} else {
			fprintf(stderr, "memtui: recorded %s\n", out);
			res->n_captures++;
			unlink(path);
			if (is_main)
				res->main_capture = xstrdup(out);
		}
		free(path);
		free(list[i].name);
	}
	for (size_t i = 0; i < n; i++)
		free(taken[i]);
	free(taken);
	free(list);
	if (rc == 0)
		rmdir(dir);
	else
		fprintf(stderr, "memtui: the traces not converted are left in %s\n", dir);
	return rc;
}

int record_run(const struct options *opt, const struct resolver_options *ro,
	       struct record_result *out, struct mt_error *err)
{
	struct sigaction saved[N_SIGNALS];
	char lib[PATH_MAX + 64], dir[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	pid_t pid;
	int rc;

	memset(out, 0, sizeof(*out));
	err->path = NULL;
	if (!find_preload(lib, sizeof(lib), err))
		return -MT_ERR_IO;
	check_unwinder();
	snprintf(dir, sizeof(dir), "%s/memtui-record.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "cannot make a folder %s: %s",
				    dir, strerror(errno));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fflush(NULL);
	parent_signals(true, saved);
	pid = fork();
	if (pid == 0)
		exec_child(opt, lib, dir, saved);
	if (pid < 0) {
		parent_signals(false, saved);
		rmdir(dir);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET, "fork: %s", strerror(errno));
	}
	child_pid = pid;
	out->ran = true;
	wait_all(pid, dir, &out->wait_status);
	parent_signals(false, saved);
	rc = convert_all(opt, ro, dir, (long)pid, out, err);
	if (out->n_captures) {
		fprintf(stderr, "memtui: open with: memtui %s\n",
			out->main_capture ? out->main_capture : "FILE");
	}
	return rc;
}
