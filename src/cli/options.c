/*
 * options: the option table, parsing argv with it, and writing the usage
 * text from it.
 *
 * An option's help may hold "{metrics}", replaced by the metric names
 * (metric.h), and '\n', which starts a continuation line under the help
 * column.  Errors are one phrase for "memtui: PHRASE (see memtui --help)".
 */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"
#include "xalloc.h"

#define HELP_COLUMN 25	/* where an option's help starts in the usage text */

enum option_group { GROUP_REPORT, GROUP_NATIVE, GROUP_EXPLORER, GROUP_OTHER };

struct option_spec {
	const char *name;	/* "--format" */
	const char *alias;	/* another spelling ("-h", "--view"), or NULL */
	const char *value;	/* the value's name in the usage ("FMT"); NULL for a flag */
	enum option_group group;
	/* Applies the option (value NULL for a flag); 0 or -MT_ERR_USAGE with err set. */
	int (*apply)(struct options *opt, const char *value, struct mt_error *err);
	const char *help;
};

static int usage_error(struct mt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(struct mt_error *err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mt_error_vset(err, MT_ERR_USAGE, MT_NO_OFFSET, fmt, ap);
	va_end(ap);
	return rc;
}

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

static int set_json(struct options *opt, const char *v, struct mt_error *err)
{
	opt->report.format = REPORT_JSON;
	return 0;
}

static int set_format(struct options *opt, const char *v, struct mt_error *err)
{
	static const char *const names[] = {
		[REPORT_TEXT] = "text",
		[REPORT_JSON] = "json",
		[REPORT_CSV] = "csv",
		[REPORT_COLLAPSED] = "collapsed",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(v, names[i])) {
			opt->report.format = (enum report_format)i;
			return 0;
		}
	}
	return usage_error(err, "unknown format '%s' (text, json, csv, collapsed)", v);
}

static int set_metric(struct options *opt, const char *v, struct mt_error *err)
{
	int m = metric_parse(v);
	char list[128];

	if (m < 0)
		return usage_error(err, "unknown metric '%s' (%s)", v,
				   metric_list(list, sizeof(list)));
	opt->report.metric = (enum metric)m;
	return 0;
}

static int set_tree(struct options *opt, const char *v, struct mt_error *err)
{
	if (!strcmp(v, "top-down"))
		opt->report.direction = TREE_TOP_DOWN;
	else if (!strcmp(v, "bottom-up"))
		opt->report.direction = TREE_BOTTOM_UP;
	else
		return usage_error(err, "unknown tree direction '%s' (top-down, bottom-up)", v);
	return 0;
}

static int set_depth(struct options *opt, const char *v, struct mt_error *err)
{
	if (parse_uint(v, &opt->report.depth) < 0)
		return usage_error(err, "--depth needs a number, not '%s'", v);
	return 0;
}

static int set_top(struct options *opt, const char *v, struct mt_error *err)
{
	if (parse_uint(v, &opt->report.top) < 0)
		return usage_error(err, "--top needs a number, not '%s'", v);
	return 0;
}

static int set_no_progress(struct options *opt, const char *v, struct mt_error *err)
{
	opt->progress = false;
	return 0;
}

static int set_stages(struct options *opt, const char *v, struct mt_error *err)
{
	struct stages_spec spec;

	if (stages_spec_parse(&spec, v) < 0)
		return usage_error(err, "unknown split '%s' (marks, slices:N, under:FUNCTION)", v);
	opt->stages = v;
	return 0;
}

static int set_merge_calls(struct options *opt, const char *v, struct mt_error *err)
{
	opt->stages_merge = true;
	return 0;
}

static int set_diff(struct options *opt, const char *v, struct mt_error *err)
{
	opt->diff = true;
	return 0;
}

/* "1048576" (bytes) or "10%" (of A) */
static int set_threshold(struct options *opt, const char *v, struct mt_error *err)
{
	size_t n = strlen(v);
	unsigned long long bytes;
	char *end;

	opt->gate = true;
	errno = 0;
	if (*v == '-' || !*v)
		goto bad;
	if (v[n - 1] == '%') {
		opt->gate_is_percent = true;
		opt->gate_percent = strtod(v, &end);
		if (errno || end != v + n - 1 || opt->gate_percent < 0)
			goto bad;
		return 0;
	}
	bytes = strtoull(v, &end, 10);
	if (errno || *end || bytes > INT64_MAX)
		goto bad;
	opt->gate_bytes = (int64_t)bytes;
	return 0;
bad:
	return usage_error(err, "--fail-if-growth needs BYTES or PERCENT%%, not '%s'", v);
}

static int set_gate_path(struct options *opt, const char *v, struct mt_error *err)
{
	if (!*v)
		return usage_error(err, "--gate-path needs FUNCTION;FUNCTION");
	opt->gate_path = v;
	return 0;
}

static int set_prefix_map(struct options *opt, const char *v, struct mt_error *err)
{
	const char *eq = strchr(v, '=');

	if (!eq || eq == v)
		return usage_error(err, "--prefix-map needs OLD=NEW, not '%s'", v);
	if (opt->n_prefix == OPTIONS_MAX_PATHS)
		return usage_error(err, "too many --prefix-map options ('%s')", v);
	opt->owned[opt->n_owned] = xstrndup(v, (size_t)(eq - v));
	opt->prefix_from[opt->n_prefix] = opt->owned[opt->n_owned++];
	opt->prefix_to[opt->n_prefix++] = eq + 1;
	return 0;
}

static int set_debug_dir(struct options *opt, const char *v, struct mt_error *err)
{
	if (!*v)
		return usage_error(err, "--debug-dir needs a directory");
	if (opt->n_debug_dirs == OPTIONS_MAX_PATHS)
		return usage_error(err, "too many --debug-dir options ('%s')", v);
	opt->debug_dirs[opt->n_debug_dirs++] = v;
	return 0;
}

static int set_no_symbols(struct options *opt, const char *v, struct mt_error *err)
{
	opt->symbols = false;
	return 0;
}

static int set_replay(struct options *opt, const char *v, struct mt_error *err)
{
	opt->replay = v;
	return 0;
}

static int set_size(struct options *opt, const char *v, struct mt_error *err)
{
	opt->size = v;
	return 0;
}

static int set_help(struct options *opt, const char *v, struct mt_error *err)
{
	opt->command = CMD_HELP;
	return 0;
}

static int set_version(struct options *opt, const char *v, struct mt_error *err)
{
	opt->command = CMD_VERSION;
	return 0;
}

static const struct option_spec table[] = {
	{ "--json", NULL, NULL, GROUP_REPORT, set_json, "JSON output (same as --format json)" },
	{ "--format", NULL, "FMT", GROUP_REPORT, set_format,
	  "text (default), json, csv, collapsed" },
	{ "--metric", "--view", "METRIC", GROUP_REPORT, set_metric,
	  "{metrics}\n(what the tree weighs; default peak; --view: the same)" },
	{ "--tree", NULL, "DIR", GROUP_REPORT, set_tree, "top-down (default) or bottom-up" },
	{ "--depth", NULL, "N", GROUP_REPORT, set_depth,
	  "tree levels to print (default 8; 0 = none)" },
	{ "--top", NULL, "N", GROUP_REPORT, set_top, "top locations to list (default 10)" },
	{ "--no-progress", NULL, NULL, GROUP_REPORT, set_no_progress,
	  "never show the loading progress line" },
	{ "--stages", NULL, "SPLIT", GROUP_REPORT, set_stages,
	  "stage-delta table: marks, slices:N, under:FUNCTION" },
	{ "--merge-calls", NULL, NULL, GROUP_REPORT, set_merge_calls,
	  "with under:FUNCTION, one row per function, counted" },
	{ "--diff", NULL, NULL, GROUP_REPORT, set_diff,
	  "compare two captures A and B by call path (B - A)" },
	{ "--fail-if-growth", NULL, "T", GROUP_REPORT, set_threshold,
	  "with --diff: exit 1 when the peak (or --gate-path) grew\n"
	  "by more than T bytes, or T% of A" },
	{ "--gate-path", NULL, "F1;F2", GROUP_REPORT, set_gate_path,
	  "with --fail-if-growth: gate the call paths through\nthese consecutive functions "
	  "(weights of --metric)" },
	{ "--prefix-map", NULL, "OLD=NEW", GROUP_NATIVE, set_prefix_map,
	  "look for images recorded under OLD in NEW (repeatable)" },
	{ "--debug-dir", NULL, "DIR", GROUP_NATIVE, set_debug_dir,
	  "look for separate debug files in DIR (repeatable;\n/usr/lib/debug is always searched)" },
	{ "--no-symbols", NULL, NULL, GROUP_NATIVE, set_no_symbols,
	  "do not read images: native frames stay unnamed" },
	{ "--replay", NULL, "KEYS", GROUP_EXPLORER, set_replay,
	  "play KEYS headless and print the last screen\n"
	  "(e.g. 'jjl/main<Enter>q'; see README.md)" },
	{ "--size", NULL, "WxH", GROUP_EXPLORER, set_size,
	  "screen size for --replay (default 80x24)" },
	{ "--help", "-h", NULL, GROUP_OTHER, set_help, "this text" },
	{ "--version", NULL, NULL, GROUP_OTHER, set_version, "the version" },
};

static const char *const group_titles[] = {
	[GROUP_REPORT] = "report options:",
	[GROUP_NATIVE] = "native frames (memray --native captures):",
	[GROUP_EXPLORER] = "explorer options:",
	[GROUP_OTHER] = "",
};

static const char usage_head[] =
	"usage: memtui [OPTIONS] FILE\n"
	"       memtui [OPTIONS] A B                 the diff of two captures (B - A)\n"
	"       memtui report [OPTIONS] FILE\n"
	"       memtui report --diff [OPTIONS] A B   (or: memtui diff [OPTIONS] A B)\n"
	"\n"
	"Explores a memory capture written by memray (header version 12, 13) or\n"
	"heaptrack (file format 0-3; .zst, .gz or plain).\n";

/* One option's lines: "  -h, --help             this text". */
static void usage_option(FILE *out, const struct option_spec *o)
{
	char left[64], metrics[128];
	const char *p = o->help;
	bool short_alias = o->alias && o->alias[1] != '-';

	snprintf(left, sizeof(left), "%s%s%s%s%s", short_alias ? o->alias : "",
		 short_alias ? ", " : "", o->name, o->value ? " " : "", o->value ? o->value : "");
	fprintf(out, "  %-*s ", HELP_COLUMN - 3, left);
	for (; *p; p++) {
		if (!strncmp(p, "{metrics}", 9)) {
			fputs(metric_list(metrics, sizeof(metrics)), out);
			p += 8;
		} else if (*p == '\n') {
			fprintf(out, "\n%*s", HELP_COLUMN, "");
		} else {
			fputc(*p, out);
		}
	}
	fputc('\n', out);
}

void options_usage(FILE *out)
{
	fputs(usage_head, out);
	for (int g = GROUP_REPORT; g <= GROUP_OTHER; g++) {
		fprintf(out, "\n%s%s", group_titles[g], group_titles[g][0] ? "\n" : "");
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].group == (enum option_group)g)
				usage_option(out, &table[i]);
	}
}

/* The entry argv[*i] names ("--x", "--x=V" for an option with a value), or NULL. */
static const struct option_spec *lookup(const char *arg, const char **inline_value)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct option_spec *o = &table[i];
		bool named = (strlen(o->name) == n && !strncmp(arg, o->name, n)) ||
			     (o->alias && strlen(o->alias) == n && !strncmp(arg, o->alias, n));

		if (!named || (eq && !o->value))
			continue;
		*inline_value = eq ? eq + 1 : NULL;
		return o;
	}
	return NULL;
}

static int parse_option(struct options *opt, int argc, char **argv, int *i,
			struct mt_error *err)
{
	const char *value = NULL;
	const struct option_spec *o = lookup(argv[*i], &value);

	if (!o)
		return usage_error(err, "unknown option '%s'", argv[*i]);
	if (o->value && !value)
		value = *i + 1 < argc ? argv[++*i] : "";
	return o->apply(opt, value, err);
}

/* What no single option can check: the files and the options that go together. */
static int check(const struct options *opt, struct mt_error *err)
{
	if (opt->command == CMD_HELP || opt->command == CMD_VERSION)
		return 0;
	if (!opt->n_files)
		return usage_error(err, "no capture file given");
	if (opt->diff && (opt->command != CMD_REPORT || opt->n_files != 2))
		return usage_error(err, "--diff needs two captures: memtui report --diff A B");
	if (!opt->diff && opt->n_files > 1 && opt->command == CMD_REPORT)
		return usage_error(err, "two captures ('%s') are compared with --diff",
				   opt->files[1]);
	if (opt->gate && !opt->diff)
		return usage_error(err, "--fail-if-growth needs --diff A B");
	if (opt->stages && (opt->diff || opt->command != CMD_REPORT))
		return usage_error(err, "--stages is a form of `memtui report FILE`");
	return 0;
}

int options_parse(struct options *opt, int argc, char **argv, struct mt_error *err)
{
	int i = 1, rc;
	bool only_files = false;

	memset(opt, 0, sizeof(*opt));
	report_options_init(&opt->report);
	opt->command = CMD_EXPLORE;
	opt->progress = isatty(STDERR_FILENO);
	opt->symbols = true;
	if (argc > 1 && (!strcmp(argv[1], "report") || !strcmp(argv[1], "diff"))) {
		opt->command = CMD_REPORT;
		opt->diff = !strcmp(argv[1], "diff");
		i = 2;
	}
	for (; i < argc; i++) {
		if (!only_files && !strcmp(argv[i], "--")) {
			only_files = true;
		} else if (!only_files && argv[i][0] == '-' && argv[i][1]) {
			rc = parse_option(opt, argc, argv, &i, err);
			if (rc < 0)
				return rc;
		} else if (opt->n_files < 2) {
			opt->files[opt->n_files++] = argv[i];
		} else {
			return usage_error(err, "too many files ('%s')", argv[i]);
		}
	}
	return check(opt, err);
}

void options_release(struct options *opt)
{
	for (size_t i = 0; i < opt->n_owned; i++)
		free(opt->owned[i]);
	opt->n_owned = 0;
}
