/*
 * cli: argument parsing and the top-level flow of `memtui` and
 * `memtui report`.  Every error reaching the user is one line:
 * "memtui: FILE: what is wrong (at byte N)".
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"
#include "report_diff.h"
#include "report_stages.h"
#include "stages.h"
#include "symbolizer.h"
#include "ui.h"
#include "xalloc.h"

#define MEMTUI_VERSION "0.1.0"

static const char usage[] =
	"usage: memtui [OPTIONS] FILE\n"
	"       memtui [OPTIONS] A B                 explore the diff of two captures (B - A)\n"
	"       memtui report [OPTIONS] FILE\n"
	"       memtui report --diff [OPTIONS] A B   (or: memtui diff [OPTIONS] A B)\n"
	"\n"
	"Explores a memory capture written by memray (header version 12, 13) or\n"
	"heaptrack (file format 0-3; .zst, .gz or plain).\n"
	"\n"
	"report options:\n"
	"  --json                 JSON output (same as --format json)\n"
	"  --format FMT           text (default), json, csv, collapsed\n"
	"  --view VIEW            peak (default), leaks, allocated, allocations, temporary\n"
	"  --tree DIR             top-down (default) or bottom-up\n"
	"  --depth N              tree levels to print (default 8; 0 = none)\n"
	"  --top N                top locations to list (default 10)\n"
	"  --no-progress          never show the loading progress line\n"
	"  --stages SPLIT         stage-delta table: marks, slices:N, under:FUNCTION\n"
	"  --merge-calls          with under:FUNCTION, one row per function (with a count)\n"
	"  --diff                 compare two captures A and B by call path (B - A)\n"
	"  --fail-if-growth T     with --diff: exit 1 when the peak (or --gate-path) grew\n"
	"                         by more than T bytes, or T% of A\n"
	"  --gate-path F1;F2      with --fail-if-growth: gate the call paths through\n"
	"                         these consecutive functions (weights of --view)\n"
	"\n"
	"native frames (memray --native captures):\n"
	"  --prefix-map OLD=NEW   look for images recorded under OLD in NEW (repeatable)\n"
	"  --debug-dir DIR        look for separate debug files in DIR (repeatable;\n"
	"                         /usr/lib/debug is always searched)\n"
	"  --no-symbols           do not read images: native frames stay unnamed\n"
	"  -h, --help             this text\n"
	"\n"
	"explorer options:\n"
	"  --replay KEYS          play KEYS headless and print the last screen\n"
	"                         (e.g. 'jjl/main<Enter>q'; see README.md)\n"
	"  --size WxH             screen size for --replay (default 80x24)\n"
	"  --version              the version\n";

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > 1000000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* "1048576" (bytes) or "10%" (of A) */
static int parse_threshold(struct options *opt, const char *s)
{
	char *end;

	errno = 0;
	opt->gate = true;
	if (*s == '-' || !*s)
		return -1;
	if (s[strlen(s) - 1] == '%') {
		opt->gate_is_percent = true;
		opt->gate_percent = strtod(s, &end);
		return errno || end != s + strlen(s) - 1 || opt->gate_percent < 0 ? -1 : 0;
	}
	unsigned long long v = strtoull(s, &end, 10);

	if (errno || *end || v > INT64_MAX)
		return -1;
	opt->gate_bytes = (int64_t)v;
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("memtui: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see memtui --help)\n", stderr);
	return -1;
}

/* Options that take a value: returns the value, advancing *i, or NULL. */
static const char *take_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (strcmp(argv[*i], name))
		return NULL;
	if (*i + 1 >= argc)
		return "";
	return argv[++*i];
}

static int parse_option(struct options *opt, int argc, char **argv, int *i)
{
	struct report_options *ro = &opt->report;
	const char *a = argv[*i], *v;
	int k;

	if (!strcmp(a, "--json")) {
		ro->format = REPORT_JSON;
	} else if ((v = take_value(argc, argv, i, "--format"))) {
		if (!strcmp(v, "text"))
			ro->format = REPORT_TEXT;
		else if (!strcmp(v, "json"))
			ro->format = REPORT_JSON;
		else if (!strcmp(v, "csv"))
			ro->format = REPORT_CSV;
		else if (!strcmp(v, "collapsed"))
			ro->format = REPORT_COLLAPSED;
		else
			return usage_error("unknown format '%s' (text, json, csv, collapsed)", v);
	} else if ((v = take_value(argc, argv, i, "--view"))) {
		if ((k = metric_parse(v)) < 0)
			return usage_error("unknown view '%s' (peak, leaks, allocated, allocations, "
					   "temporary)", v);
		ro->metric = (enum metric)k;
	} else if ((v = take_value(argc, argv, i, "--tree"))) {
		if (!strcmp(v, "top-down"))
			ro->direction = TREE_TOP_DOWN;
		else if (!strcmp(v, "bottom-up"))
			ro->direction = TREE_BOTTOM_UP;
		else
			return usage_error("unknown tree direction '%s' (top-down, bottom-up)", v);
	} else if ((v = take_value(argc, argv, i, "--depth"))) {
		if (parse_uint(v, &ro->depth) < 0)
			return usage_error("--depth needs a number, not '%s'", v);
	} else if ((v = take_value(argc, argv, i, "--top"))) {
		if (parse_uint(v, &ro->top) < 0)
			return usage_error("--top needs a number, not '%s'", v);
	} else if ((v = take_value(argc, argv, i, "--stages"))) {
		struct stages_spec spec;

		if (stages_spec_parse(&spec, v) < 0)
			return usage_error("unknown split '%s' (marks, slices:N, under:FUNCTION)", v);
		opt->stages = v;
	} else if (!strcmp(a, "--merge-calls")) {
		opt->stages_merge = true;
	} else if (!strcmp(a, "--diff")) {
		opt->diff = true;
	} else if ((v = take_value(argc, argv, i, "--fail-if-growth"))) {
		if (parse_threshold(opt, v) < 0)
			return usage_error("--fail-if-growth needs BYTES or PERCENT%%, not '%s'", v);
	} else if ((v = take_value(argc, argv, i, "--gate-path"))) {
		if (!*v)
			return usage_error("--gate-path needs FUNCTION;FUNCTION%s", "");
		opt->gate_path = v;
	} else if (!strcmp(a, "--no-progress")) {
		opt->progress = false;
	} else if (!strcmp(a, "--no-symbols")) {
		opt->symbols = false;
	} else if ((v = take_value(argc, argv, i, "--prefix-map"))) {
		const char *eq = strchr(v, '=');

		if (!eq || eq == v)
			return usage_error("--prefix-map needs OLD=NEW, not '%s'", v);
		if (opt->n_prefix == CLI_MAX_PATHS)
			return usage_error("too many --prefix-map options ('%s')", v);
		opt->owned[opt->n_owned] = xstrndup(v, (size_t)(eq - v));
		opt->prefix_from[opt->n_prefix] = opt->owned[opt->n_owned++];
		opt->prefix_to[opt->n_prefix++] = eq + 1;
	} else if ((v = take_value(argc, argv, i, "--debug-dir"))) {
		if (!*v)
			return usage_error("--debug-dir needs a directory%s", "");
		if (opt->n_debug_dirs == CLI_MAX_PATHS)
			return usage_error("too many --debug-dir options ('%s')", v);
		opt->debug_dirs[opt->n_debug_dirs++] = v;
	} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		opt->command = CMD_HELP;
	} else if (!strcmp(a, "--version")) {
		opt->command = CMD_VERSION;
	} else {
		return usage_error("unknown option '%s'", a);
	}
	return 0;
}

/* The explorer's own options; true when argv[*i] was one. */
static bool parse_explore_option(struct options *opt, int argc, char **argv, int *i)
{
	const char *v;

	if ((v = take_value(argc, argv, i, "--replay")))
		opt->replay = v;
	else if ((v = take_value(argc, argv, i, "--size")))
		opt->size = v;
	else
		return false;
	return true;
}

int cli_parse(struct options *opt, int argc, char **argv)
{
	int i = 1;
	bool only_files = false;

	memset(opt, 0, sizeof(*opt));
	report_options_init(&opt->report);
	opt->command = CMD_EXPLORE;
	opt->progress = isatty(STDERR_FILENO);
	opt->symbols = true;
	if (argc > 1 && !strcmp(argv[1], "report")) {
		opt->command = CMD_REPORT;
		i = 2;
	} else if (argc > 1 && !strcmp(argv[1], "diff")) {
		opt->command = CMD_REPORT;
		opt->diff = true;
		i = 2;
	}
	for (; i < argc; i++) {
		if (!only_files && !strcmp(argv[i], "--")) {
			only_files = true;
		} else if (!only_files && argv[i][0] == '-' && argv[i][1]) {
			if (parse_explore_option(opt, argc, argv, &i))
				continue;
			if (parse_option(opt, argc, argv, &i) < 0)
				return -1;
		} else if (opt->n_files < 2) {
			opt->files[opt->n_files++] = argv[i];
		} else {
			return usage_error("too many files ('%s')", argv[i]);
		}
	}
	if (opt->command == CMD_HELP || opt->command == CMD_VERSION)
		return 0;
	if (!opt->n_files)
		return usage_error("%s", "no capture file given");
	if (opt->diff && (opt->command != CMD_REPORT || opt->n_files != 2))
		return usage_error("%s", "--diff needs two captures: memtui report --diff A B");
	if (!opt->diff && opt->n_files > 1 && opt->command == CMD_REPORT)
		return usage_error("two captures ('%s') are compared with --diff", opt->files[1]);
	if (opt->gate && !opt->diff)
		return usage_error("%s", "--fail-if-growth needs --diff A B");
	if (opt->stages && (opt->diff || opt->command != CMD_REPORT))
		return usage_error("%s", "--stages is a form of `memtui report FILE`");
	return 0;
}

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	const char *path = ctx;

	if (!total)
		return;
	fprintf(stderr, "\rmemtui: loading %s: %3d%%", path, (int)(done * 100 / total));
	fflush(stderr);
}

/* The symbolizer behind the readers' native_resolver interface. */
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

static struct symbolizer *make_symbolizer(const struct options *opt, const char *path,
					  char *dir, size_t dir_size)
{
	struct symbolizer_options so = { 0 };
	const char *slash = strrchr(path, '/');

	if (!opt->symbols)
		return NULL;
	if (slash)
		snprintf(dir, dir_size, "%.*s", (int)(slash - path) + (slash == path), path);
	else
		snprintf(dir, dir_size, ".");
	so.prefix_from = opt->prefix_from;
	so.prefix_to = opt->prefix_to;
	so.n_prefix = opt->n_prefix;
	so.debug_dirs = opt->debug_dirs;
	so.n_debug_dirs = opt->n_debug_dirs;
	so.beside_dir = dir;
	return symbolizer_new(&so);
}

/*
 * formats_load with the symbolizer behind the readers' native_resolver, and
 * the caller's progress and cancel (either may be NULL).
 */
static int load_capture(const struct options *opt, const char *path, input_progress_fn progress,
			void *progress_ctx, const atomic_bool *cancel, struct capture **out,
			struct mt_error *err)
{
	struct load_options lo = { progress, progress_ctx, NULL, cancel };
	struct native_resolver res = { NULL, resolver_module, resolver_lookup };
	char dir[4096];
	int rc;

	res.ctx = make_symbolizer(opt, path, dir, sizeof(dir));
	if (res.ctx)
		lo.resolver = &res;
	rc = formats_load(path, &lo, out, err);
	symbolizer_free(res.ctx);
	return rc;
}

static int load(const struct options *opt, const char *path, struct capture **cap)
{
	struct mt_error err = { 0 };
	char msg[768];
	int rc;

	rc = load_capture(opt, path, opt->progress ? show_progress : NULL, (void *)path, NULL, cap,
			  &err);
	if (opt->progress)
		fputs("\r\033[K", stderr);
	if (rc < 0) {
		mt_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "memtui: %s\n", msg);
		return -1;
	}
	if (capture_meta(*cap)->truncated) {
		const struct capture_meta *m = capture_meta(*cap);

		fprintf(stderr, "memtui: %s: warning: capture is truncated at byte %" PRIu64
				"%s%s%s; showing the data before it\n", path, m->truncated_at,
			m->truncated_why ? " (" : "", m->truncated_why ? m->truncated_why : "",
			m->truncated_why ? ")" : "");
	}
	return 0;
}

/* The explorer's loader: load_capture with its progress and cancel (ui/ knows no formats). */
static int explore_load(void *ctx, const char *path, const atomic_bool *cancel,
			ui_progress_fn progress, void *progress_ctx, struct capture **out,
			char *msg, size_t size)
{
	struct mt_error err = { 0 };
	int rc;

	rc = load_capture(ctx, path, progress, progress_ctx, cancel, out, &err);
	if (rc < 0)
		mt_error_format(&err, msg, size);
	return rc;
}

static int explore(const struct options *opt)
{
	struct ui_options uo = { opt->files[0], opt->n_files > 1 ? opt->files[1] : NULL,
				 opt->replay, opt->size };

	return ui_run(&uo, explore_load, (void *)opt);
}

void cli_release(struct options *opt)
{
	for (size_t i = 0; i < opt->n_owned; i++)
		free(opt->owned[i]);
	opt->n_owned = 0;
}

static int flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "memtui: cannot write the report: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

/* 0, or 2 when the split cannot apply to the capture (said on stderr). */
static int run_stages(const struct options *opt, const struct capture *cap)
{
	struct stages_spec spec;
	struct stages st;
	const char *why;

	stages_spec_parse(&spec, opt->stages);
	if (opt->stages_merge)
		spec.flags |= STAGES_MERGE;
	why = stages_unavailable(cap, &spec);
	if (why) {
		fprintf(stderr, "memtui: %s: %s\n", opt->files[0], why);
		return 2;
	}
	stages_compute(&st, cap, &spec);
	report_stages_write(stdout, cap, opt->files[0], opt->stages, &st, opt->report.format);
	stages_release(&st);
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

/* The --fail-if-growth verdict: 1 when the gated figure grew beyond the threshold. */
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
	fprintf(stderr, "memtui: %s grew from %" PRId64 " to %" PRId64 " (+%" PRId64
			"), beyond the --fail-if-growth threshold\n", what, a, b, b - a);
	return 1;
}

static int run_diff(const struct options *opt)
{
	struct capture *cap[2] = { NULL, NULL };
	struct report r[2];
	struct diff d;
	struct report_options ro = opt->report;
	struct report_diff_info info = { { opt->files[0], opt->files[1] }, ro.metric, false, ro.top };
	int rc = 2;

	ro.depth = 0;
	if (load(opt, opt->files[0], &cap[0]) < 0 || load(opt, opt->files[1], &cap[1]) < 0)
		goto out;
	report_compute_weights(&r[0], cap[0], opt->files[0], &ro);
	report_compute_weights(&r[1], cap[1], opt->files[1], &ro);
	info.weights_are_count = r[0].weights_are_count;
	diff_compute(&d, cap[0], &r[0].weights, cap[1], &r[1].weights);
	report_diff_write(stdout, &d, &info, ro.format);
	rc = flush_stdout();
	if (!rc && opt->gate)
		rc = gate(opt, &d);
	diff_release(&d);
	report_release(&r[1]);
	report_release(&r[0]);
out:
	capture_free(cap[1]);
	capture_free(cap[0]);
	return rc;
}

int cli_run(const struct options *opt)
{
	struct capture *cap = NULL;
	struct report r;

	if (opt->command == CMD_HELP) {
		fputs(usage, stdout);
		return 0;
	}
	if (opt->command == CMD_VERSION) {
		printf("memtui %s\n", MEMTUI_VERSION);
		return 0;
	}
	if (opt->command == CMD_EXPLORE)
		return explore(opt);
	if (opt->diff)
		return run_diff(opt);
	if (load(opt, opt->files[0], &cap) < 0)
		return 2;
	if (opt->stages) {
		if (run_stages(opt, cap)) {
			capture_free(cap);
			return 2;
		}
	} else {
		report_compute(&r, cap, opt->files[0], &opt->report);
		report_write(stdout, &r);
		report_release(&r);
	}
	capture_free(cap);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "memtui: cannot write the report: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
