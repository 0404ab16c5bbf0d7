/*
 * cli: the top-level flow of `memtui` and `memtui report`.
 *
 * Every layer below returns errors as values (struct mt_error); this file
 * alone prints them, as one line "memtui: FILE: what is wrong (at byte N)",
 * and picks the exit status (exit_status()).
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "addr2line.h"
#include "cache.h"
#include "options.h"
#include "record.h"
#include "registry.h"
#include "report_diff.h"
#include "report_functions.h"
#include "report_sizes.h"
#include "report_stages.h"
#include "report_timeline.h"
#include "resolver.h"
#include "save.h"
#include "threads.h"
#include "ui.h"
#include "visible.h"

#define EXIT_GATE 1		/* --fail-if-growth: the capture grew beyond the threshold */
#define EXIT_ERROR 2		/* bad input, bad usage, an unwritable report */
#define EXIT_CANCELLED 130	/* the user cancelled a load (as a shell reports Ctrl-C) */

static int exit_status(int rc)
{
	if (rc == 0)
		return 0;
	return rc == -MT_ERR_CANCELLED ? EXIT_CANCELLED : EXIT_ERROR;
}

/*
 * Prints "memtui: " and the formatted line to stderr, in its visible form
 * (visible.h): file names, the user's arguments and text quoted from a
 * capture reach the terminal with no control character.  end follows as is
 * ("\n", or "" for the progress line that "\r" rewrites).
 */
static void say(const char *end, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *end, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	fputs("memtui: ", stderr);
	vis_fputs(stderr, line ? line : fmt);
	fputs(end, stderr);
	free(line);
}

/* Prints err as memtui's one error line; returns the exit status for rc. */
static int fail(const struct mt_error *err, int rc)
{
	char msg[1024];

	mt_error_format(err, msg, sizeof(msg));
	say("\n", "%s", msg);
	return exit_status(rc);
}

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	const char *path = ctx;

	if (!total)
		return;
	fputc('\r', stderr);
	say("", "loading %s: %3d%%", path, (int)(done * 100 / total));
	fflush(stderr);
}

/* The capture cache (cache.h), or NULL when off: one per process. */
static struct cache *cache;

/*
 * The options that change what a load makes (naming native frames, the
 * temporary threshold), as a cache key: entries made with others differ.
 */
static void native_key(const struct options *opt, char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, "symbols=%d temporary=%u", opt->symbols,
				       opt->temporary_threshold);

	for (size_t i = 0; i < opt->n_prefix && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, " map=%s=%s", opt->prefix_from[i],
					 opt->prefix_to[i]);
	for (size_t i = 0; i < opt->n_debug_dirs && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, " debug=%s", opt->debug_dirs[i]);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A plain report of one capture with no cache to keep it: the peak's and the
 * end's figures are all it reads, so its load keeps no event log (as
 * heaptrack_print streams).  With the cache on, the log is kept for the
 * cache's entry, which reopens the capture at once the next time.
 */
static bool report_streams(const struct options *opt)
{
	return opt->command == CMD_REPORT && !cache && !opt->diff && !opt->stages &&
	       !opt->timeline && opt->group < 0 && !opt->callers && !opt->callees && !opt->sizes;
}

/*
 * formats_load with the symbolizer behind the readers' native_resolver, and
 * the caller's progress and cancel (either may be NULL), through the capture
 * cache: its entry of path when it has one; else the parse, kept in the
 * cache (in the background) when it was slow.
 */
static int load_capture(const struct options *opt, const char *path, mt_progress_fn progress,
			void *progress_ctx, const atomic_bool *cancel, bool lazy,
			struct capture **out, struct mt_error *err)
{
	struct load_options lo = { progress, progress_ctx, NULL, cancel, lazy, false,
				   opt->temporary_threshold, false };
	struct resolver_options ro = { opt->prefix_from, opt->prefix_to, opt->n_prefix,
				       opt->debug_dirs, opt->n_debug_dirs };
	struct native_resolver res;
	bool resolving;
	struct timespec t0;
	int rc;

	if (cache && (*out = cache_lookup(cache, path, lazy)))
		return 0;
	lo.streamed = report_streams(opt);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	resolving = resolver_init(&res, opt->symbols ? &ro : NULL, path);
	if (resolving)
		lo.resolver = &res;
	rc = formats_load(path, &lo, out, err);
	if (resolving)
		resolver_release(&res);
	if (!rc && cache)
		cache_store(cache, path, *out, ms_since(&t0), true);
	return rc;
}

/* Set by SIGINT while a report's load runs: the load stops and fails as cancelled. */
static atomic_bool interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	atomic_store(&interrupted, true);
}

/*
 * formats_load with Ctrl-C cancelling it: "cancelled", exit status 130, like
 * the explorer's load.  The handler is one-shot (a second Ctrl-C kills at
 * once) and is removed after the load, so Ctrl-C ends the rest as usual.
 */
static int load_interruptible(const struct options *opt, const char *path, struct capture **cap,
			      struct mt_error *err)
{
	struct sigaction sa, old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	atomic_store(&interrupted, false);
	sigaction(SIGINT, NULL, &old);
	if (old.sa_handler != SIG_IGN)	/* run in the background: Ctrl-C is not for us */
		sigaction(SIGINT, &sa, NULL);
	rc = load_capture(opt, path, opt->progress ? show_progress : NULL, (void *)path,
			  &interrupted, false, cap, err);
	sigaction(SIGINT, &old, NULL);
	return rc;
}

/* Loads for the report, with a progress line and the truncation warning on stderr. */
static int load(const struct options *opt, const char *path, struct capture **cap,
		struct mt_error *err)
{
	const struct capture_meta *m;
	int rc;

	rc = load_interruptible(opt, path, cap, err);
	if (opt->progress)
		fputs("\r\033[K", stderr);
	if (rc < 0)
		return rc;
	m = capture_meta(*cap);
	if (m->truncated)
		say("\n", "%s: warning: capture is truncated at byte %" PRIu64
			  "%s%s%s; showing the data before it", path, m->truncated_at,
			m->truncated_why ? " (" : "", m->truncated_why ? m->truncated_why : "",
			m->truncated_why ? ")" : "");
	if (m->inconsistent)
		say("\n", "%s: warning: capture is inconsistent (%s); showing its figures as "
			  "recorded", path, m->inconsistent_why);
	/* A .mtui keeps the threshold it was converted with; the option cannot change it. */
	if (opt->temporary_threshold_given && m->temporary_threshold >= 0 &&
	    m->temporary_threshold != (int64_t)opt->temporary_threshold && !m->from_cache)
		say("\n", "%s: warning: --temporary-threshold %u does not apply: the file "
			  "keeps the temporary allocations of threshold %" PRId64 " it was "
			  "converted with",
		    path, opt->temporary_threshold, m->temporary_threshold);
	return 0;
}

/*
 * The explorer's loader: load_capture with its progress and cancel (ui/
 * knows no formats).  A .mtui opens in place, its chunks read as views need
 * them; reports read every chunk (their figures are checked whole).
 */
static int explore_load(void *ctx, const char *path, const atomic_bool *cancel,
			mt_progress_fn progress, void *progress_ctx, struct capture **out,
			struct mt_error *err)
{
	return load_capture(ctx, path, progress, progress_ctx, cancel, true, out, err);
}

/* The first screen is up: the cache entries of what it shows may be written now. */
static void shown(void *ctx)
{
	(void)ctx;
	cache_begin(cache);
}

static int explore(const struct options *opt)
{
	struct ui_options uo = { opt->files[0], opt->n_files > 1 ? opt->files[1] : NULL,
				 opt->replay, opt->size, &opt->report.fold, shown, NULL };
	struct mt_error err = { 0 };
	int rc = ui_run(&uo, explore_load, (void *)opt, &err);

	return rc < 0 ? fail(&err, rc) : 0;
}

static int flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "memtui: cannot write the report: %s\n", strerror(errno));
		return EXIT_ERROR;
	}
	return 0;
}

/* When the split cannot apply to the capture, or matches nothing: says why (exit status 2). */
static int run_stages(const struct options *opt, const struct capture *cap)
{
	const char *why = report_stages_run(stdout, cap, opt->files[0], opt->stages,
					    opt->stages_merge, opt->report.format);

	if (why) {
		say("\n", "%s: --stages %s: %s", opt->files[0], opt->stages, why);
		return EXIT_ERROR;
	}
	return 0;
}

/* Whether growth from a to b is beyond the --fail-if-growth threshold. */
static bool grew_beyond(const struct options *opt, int64_t a, int64_t b)
{
	if (opt->gate_is_percent)
		return (double)(b - a) * 100.0 > opt->gate_percent * (double)(a > 0 ? a : 0) &&
		       b > a;
	return b - a > opt->gate_bytes;
}

/* Whether frame f's label (capture_frame_label) is the n bytes at name. */
static bool frame_is(const struct capture *cap, uint32_t f, const char *name, size_t n)
{
	char label[1024];

	capture_frame_label(cap, f, label, sizeof(label));
	return strlen(label) == n && !strncmp(label, name, n);
}

/*
 * Whether some call path of cap runs through the consecutive functions of
 * gate ("F1;F2", as diff_path_matches reads it): a stack whose frames end in
 * them, each stack tried from its innermost frame outwards.
 */
static bool gate_path_exists(const struct capture *cap, const char *gate)
{
	const char *last = strrchr(gate, ';') ? strrchr(gate, ';') + 1 : gate;
	uint32_t n = capture_stack_count(cap);

	for (uint32_t s = 1; s < n; s++) {
		const char *end = gate + strlen(gate), *part = last;
		uint32_t u = s;

		/* Up to the thread frame, which is no call (capture.h, "Threads"). */
		while (capture_stack_call_depth(cap, u) &&
		       frame_is(cap, capture_stack(cap, u)->frame, part, (size_t)(end - part))) {
			if (part == gate)
				return true;
			end = part - 1;
			for (part = end; part > gate && part[-1] != ';'; part--)
				;
			u = capture_stack(cap, u)->parent;
		}
	}
	return false;
}

/* The --fail-if-growth verdict: EXIT_GATE when the gated figure grew beyond the threshold. */
static int gate(const struct options *opt, const struct diff *d)
{
	int64_t a = 0, b = 0;
	const char *what = "peak";

	if (!opt->gate_path) {
		a = capture_totals(d->cap[0])->peak_bytes;
		b = capture_totals(d->cap[1])->peak_bytes;
	} else {
		what = opt->gate_path;
		for (size_t i = 0; i < d->n; i++) {
			if (!diff_path_matches(d, &d->changes[i], opt->gate_path))
				continue;
			a += d->changes[i].a_bytes;
			b += d->changes[i].b_bytes;
		}
	}
	if (!grew_beyond(opt, a, b))
		return 0;
	say("\n", "%s grew from %" PRId64 " to %" PRId64 " (+%" PRId64
		  "), beyond the --fail-if-growth threshold", what, a, b, b - a);
	return EXIT_GATE;
}

static int run_diff(const struct options *opt)
{
	struct capture *cap[2] = { NULL, NULL };
	struct report_diff_run run;
	struct mt_error err = { 0 };
	int rc;

	if ((rc = load(opt, opt->files[0], &cap[0], &err)) < 0 ||
	    (rc = load(opt, opt->files[1], &cap[1], &err)) < 0) {
		rc = fail(&err, rc);
		goto out;
	}
	report_diff_run_compute(&run, cap[0], opt->files[0], cap[1], opt->files[1], &opt->report);
	if (opt->gate && opt->gate_path && !gate_path_exists(cap[0], opt->gate_path) &&
	    !gate_path_exists(cap[1], opt->gate_path)) {
		say("\n", "--gate-path %s matches no call path in %s or %s", opt->gate_path,
		    opt->files[0], opt->files[1]);
		rc = EXIT_ERROR;
	} else {
		report_diff_write(stdout, &run.d, &run.info, opt->report.format);
		rc = flush_stdout();
	}
	if (!rc && opt->gate)
		rc = gate(opt, &run.d);
	report_diff_run_release(&run);
out:
	capture_free(cap[1]);
	capture_free(cap[0]);
	return rc;
}

/* Whether a --thread names no thread of r's capture: then says so. */
static bool thread_unknown(const struct options *opt, const struct report *r)
{
	if (!r->thread_unknown)
		return false;
	say("\n", "%s: --thread %s: %s", opt->files[0], r->thread_unknown,
	    r->threads.n ? "no thread has that id or name"
			 : "the capture has no threads to filter (its format does not say "
			   "which thread allocated)");
	return true;
}

/* Whether --focus names no node of r's tree: then says which name is missing. */
static bool focus_missing(const struct options *opt, const struct report *r)
{
	const char *p = opt->report.focus;

	if (!r->focus_missing)
		return false;
	for (size_t i = 0; i < r->focus_matched; i++)
		p = strchr(p, ';') + 1;
	say("\n", "%s: --focus %s: no '%.*s' %s%.*s%s in the %s tree of %s", opt->files[0],
	    opt->report.focus, (int)strcspn(p, ";"), p,
	    r->focus_matched ? "under '" : "at the root",
	    (int)(p - opt->report.focus - (r->focus_matched ? 1 : 0)), opt->report.focus,
	    r->focus_matched ? "'" : "",
	    opt->report.direction == TREE_TOP_DOWN ? "top-down" : "bottom-up",
	    metric_name(opt->report.metric));
	return true;
}

/* --group, --callers, --callees: the flat list or one function's tree of the metric. */
static int run_functions(const struct options *opt, const struct capture *cap)
{
	struct report r;
	char why[1024];
	int rc = 0;

	report_compute_weights(&r, cap, opt->files[0], &opt->report);
	if (thread_unknown(opt, &r)) {
		report_release(&r);
		return EXIT_ERROR;
	}
	if (opt->memray_summary) {
		snapshot_release(&r.weights);
		functions_memray_summary(&r.weights, cap, &r.peak);
	}
	if (opt->group >= 0)
		report_functions_write(stdout, &r, (enum func_group)opt->group, opt->report.top);
	else if (report_related_write(stdout, &r, opt->callers ? opt->callers : opt->callees,
				      opt->callers, why, sizeof(why)) < 0) {
		say("\n", "%s: %s %s: %s", opt->files[0], opt->callers ? "--callers" : "--callees",
		    opt->callers ? opt->callers : opt->callees, why);
		rc = 2;
	}
	report_release(&r);
	return rc;
}

/* --timeline N, of the --thread threads (their events only) when given. */
static int run_timeline(const struct options *opt, const struct capture *cap)
{
	struct report r;
	bool *only = NULL;
	char threads[200] = "";

	if (opt->report.n_threads) {
		report_compute_weights(&r, cap, opt->files[0], &opt->report);
		if (thread_unknown(opt, &r)) {
			report_release(&r);
			return EXIT_ERROR;
		}
		only = thread_filter_mask(&r.filter, cap);
		thread_filter_label(&r.filter, &r.threads, threads, sizeof(threads));
		report_release(&r);
	}
	report_timeline_write_only(stdout, cap, opt->files[0], opt->timeline, opt->report.metric,
				   opt->report.format, only, threads);
	free(only);
	return 0;
}

static int run_report(const struct options *opt)
{
	struct report_options ro = opt->report;
	struct capture *cap = NULL;
	struct mt_error err = { 0 };
	struct report r;
	int rc;

	ro.write_only = true;

	if ((rc = load(opt, opt->files[0], &cap, &err)) < 0)
		return fail(&err, rc);
	if (opt->stages) {
		rc = run_stages(opt, cap);
	} else if (opt->timeline) {
		rc = run_timeline(opt, cap);
	} else if (opt->group >= 0 || opt->callers || opt->callees) {
		rc = run_functions(opt, cap);
	} else {
		if (opt->sizes)
			report_compute_weights(&r, cap, opt->files[0], &opt->report);
		else
			report_compute(&r, cap, opt->files[0], &ro);
		if (thread_unknown(opt, &r) || focus_missing(opt, &r)) {
			rc = EXIT_ERROR;
		} else if (opt->sizes) {
			report_sizes_run(stdout, &r);
		} else {
			report_write(stdout, &r);
		}
		report_release(&r);
	}
	capture_free(cap);
	return rc ? rc : flush_stdout();
}

/* Refuses an output that is the input (a rename would replace it). */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int run_convert(const struct options *opt)
{
	struct capture *cap = NULL;
	struct mt_error err = { 0 };
	uint8_t digest[SHA256_BYTES];
	int rc;

	if (same_file(opt->files[0], opt->output)) {
		say("\n", "%s: the output is the input; memtui never writes its input",
		    opt->output);
		return EXIT_ERROR;
	}
	if ((rc = load(opt, opt->files[0], &cap, &err)) < 0)
		return fail(&err, rc);
	rc = save_mtui(cap, opt->output, save_hash_file(opt->files[0], digest) ? digest : NULL,
		       NULL, &err);
	capture_free(cap);
	return rc < 0 ? fail(&err, rc) : 0;
}

/*
 * memtui record: the program's captures, then its exit status as memtui's,
 * or its signal raised on memtui (default action) so a shell sees the same.
 */
static int run_record(const struct options *opt)
{
	struct resolver_options ro = { opt->prefix_from, opt->prefix_to, opt->n_prefix,
				       opt->debug_dirs, opt->n_debug_dirs };
	struct record_result res;
	struct mt_error err = { 0 };
	int rc = record_run(opt, &ro, &res, &err), st = res.wait_status;

	if (!res.ran)
		return fail(&err, rc);
	if (rc < 0)
		fail(&err, rc);
	if (rc == 0 && opt->open && res.main_capture) {
		struct options view = *opt;

		view.command = CMD_EXPLORE;
		view.files[0] = res.main_capture;
		view.n_files = 1;
		explore(&view);
	}
	free(res.main_capture);
	free(res.error_path);
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);

		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_ERROR;
}

/* The command the options name. */
static int run(const struct options *opt)
{
	if (opt->command == CMD_HELP) {
		options_usage(stdout);
		return 0;
	}
	if (opt->command == CMD_VERSION) {
		printf("memtui %s\n", MEMTUI_VERSION);
		return 0;
	}
	if (opt->command == CMD_EXPLORE)
		return explore(opt);
	if (opt->command == CMD_CONVERT)
		return run_convert(opt);
	if (opt->command == CMD_RECORD)
		return run_record(opt);
	if (opt->command == CMD_ADDR2LINE)
		return addr2line_run(opt);
	return opt->diff ? run_diff(opt) : run_report(opt);
}

int cli_main(int argc, char **argv)
{
	struct options opt;
	struct mt_error err = { 0 };
	char key[2048];
	int rc;

	if (options_parse(&opt, argc, argv, &err) < 0) {
		say("\n", "%s (see memtui --help)", err.msg);
		options_release(&opt);
		return EXIT_ERROR;
	}
	if (!opt.no_cache && (opt.command == CMD_EXPLORE || opt.command == CMD_REPORT)) {
		native_key(&opt, key, sizeof(key));
		cache = cache_open(key);
	}
	rc = run(&opt);
	/* A normal exit finishes its entries; a cancelled one may leave a writer to exit. */
	if (cache_close(cache, rc != EXIT_CANCELLED))
		cache = NULL;
	options_release(&opt);
	return rc;
}
