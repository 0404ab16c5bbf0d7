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
	"  -h, --help             this text\n"
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
	} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		opt->command = CMD_HELP;
	} else if (!strcmp(a, "--version")) {
		opt->command = CMD_VERSION;
	} else {
		return usage_error("unknown option '%s'", a);
	}
	return 0;
}

int cli_parse(struct options *opt, int argc, char **argv)
{
	int i = 1;
	bool only_files = false;

	memset(opt, 0, sizeof(*opt));
	report_options_init(&opt->report);
	opt->command = CMD_EXPLORE;
	opt->progress = isatty(STDERR_FILENO);
	if (argc > 1 && !strcmp(argv[1], "report")) {
		opt->command = CMD_REPORT;
		i = 2;
	}
	for (; i < argc; i++) {
		if (!only_files && !strcmp(argv[i], "--")) {
			only_files = true;
		} else if (!only_files && argv[i][0] == '-' && argv[i][1]) {
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

static int load(const struct options *opt, const char *path, struct capture **cap)
{
	struct load_options lo = { 0 };
	struct mt_error err = { 0 };
	char msg[768];
	int rc;

	if (opt->progress) {
		lo.progress = show_progress;
		lo.progress_ctx = (void *)path;
	}
	rc = formats_load(path, &lo, cap, &err);
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
	if (load(opt, opt->files[0], &cap) < 0)
		return 2;
	/* NEEDSWORK: CMD_EXPLORE opens the ncurses explorer once it exists (issue 3). */
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
