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
#include "symbolizer.h"
#include "ui.h"
#include "xalloc.h"

#define MEMTUI_VERSION "0.1.0"

static const char usage[] =
	"usage: memtui [OPTIONS] FILE\n"
	"       memtui report [OPTIONS] FILE\n"
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
		if ((k = report_view_parse(v)) < 0)
			return usage_error("unknown view '%s' (peak, leaks, allocated, allocations, "
					   "temporary)", v);
		ro->view = (enum report_view)k;
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
	if (opt->n_files > 1)
		return usage_error("comparing two captures ('%s') is not supported yet",
				   opt->files[1]);
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
	struct ui_options uo = { opt->files[0], opt->replay, opt->size };

	return ui_run(&uo, explore_load, (void *)opt);
}

void cli_release(struct options *opt)
{
	for (size_t i = 0; i < opt->n_owned; i++)
		free(opt->owned[i]);
	opt->n_owned = 0;
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
	if (load(opt, opt->files[0], &cap) < 0)
		return 2;
	report_compute(&r, cap, opt->files[0], &opt->report);
	report_write(stdout, &r);
	report_release(&r);
	capture_free(cap);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "memtui: cannot write the report: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}
