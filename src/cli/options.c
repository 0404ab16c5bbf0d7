/*
 * options: the option table and its groups, parsing argv with them, and
 * writing the usage text from them (docs.c writes the manual and the shell
 * completions from the same table).
 *
 * Each option belongs to one group, and the group says which commands its
 * options apply to: the usage lists them under that heading, and parsing
 * refuses an option given to another command rather than ignore it.  An
 * option's help may hold "{metrics}", replaced by the metric names
 * (metric.h), and '\n', which starts a continuation line under the help
 * column.  Errors are one phrase for "memtui: PHRASE (see memtui --help)".
 */
#include "options.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "functions.h"
#include "memray_temporary.h"
#include "stages.h"
#include "xalloc.h"

#define HELP_COLUMN 25	/* where an option's help starts in the usage text */
#define SYNOPSIS_WIDTH 31	/* the args column of the usage's command lines */

static const char *const format_names[] = {
	[REPORT_TEXT] = "text",
	[REPORT_JSON] = "json",
	[REPORT_CSV] = "csv",
	[REPORT_COLLAPSED] = "collapsed",
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
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(v, format_names[i])) {
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

static int set_temporary_threshold(struct options *opt, const char *v, struct mt_error *err)
{
	if (parse_uint(v, &opt->temporary_threshold) < 0 ||
	    opt->temporary_threshold > MR_TEMPORARY_MAX)
		return usage_error(err, "--temporary-threshold needs a number from 0 to %u, "
					"not '%s'", MR_TEMPORARY_MAX, v);
	opt->temporary_threshold_given = true;
	return 0;
}

static int set_timeline(struct options *opt, const char *v, struct mt_error *err)
{
	if (parse_uint(v, &opt->timeline) < 0 || !opt->timeline || opt->timeline > 10000)
		return usage_error(err, "--timeline needs a number of slices from 1 to 10000, "
					"not '%s'", v);
	return 0;
}

static int set_thread(struct options *opt, const char *v, struct mt_error *err)
{
	if (opt->report.n_threads == OPTIONS_MAX_PATHS)
		return usage_error(err, "--thread: at most %d threads", OPTIONS_MAX_PATHS);
	opt->threads[opt->report.n_threads++] = v;
	opt->report.threads = opt->threads;
	return 0;
}

static int set_sort(struct options *opt, const char *v, struct mt_error *err)
{
	static const enum tree_order orders[] = { TREE_ORDER_SIZE, TREE_ORDER_SELF,
						  TREE_ORDER_COUNT, TREE_ORDER_NAME };

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		if (!strcmp(v, tree_order_name(orders[i]))) {
			opt->report.order = orders[i];
			return 0;
		}
	}
	return usage_error(err, "unknown sort order '%s' (size, self, count, name)", v);
}

static int set_fold(struct options *opt, const char *v, struct mt_error *err)
{
	if (fold_rules_add(&opt->report.fold, v) < 0)
		return usage_error(err, *v ? "too many --fold rules ('%s')"
					   : "--fold needs a pattern ([function:|file:|module:|"
					     "unnamed:]GLOB)%s", v);
	return 0;
}

static int set_focus(struct options *opt, const char *v, struct mt_error *err)
{
	if (!*v)
		return usage_error(err, "--focus needs a path of function names, "
				   "'main;load;parse'");
	opt->report.focus = v;
	return 0;
}

static int set_no_fold(struct options *opt, const char *v, struct mt_error *err)
{
	opt->report.fold.presets = false;
	return 0;
}

static int set_no_progress(struct options *opt, const char *v, struct mt_error *err)
{
	opt->progress = false;
	return 0;
}

static int set_sizes(struct options *opt, const char *v, struct mt_error *err)
{
	opt->sizes = true;
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

static int set_group(struct options *opt, const char *v, struct mt_error *err)
{
	opt->group = functions_group_parse(v);
	if (opt->group < 0)
		return usage_error(err, "unknown group '%s' (function, location, file, module)", v);
	return 0;
}

static int set_callers(struct options *opt, const char *v, struct mt_error *err)
{
	opt->callers = v;
	return 0;
}

static int set_callees(struct options *opt, const char *v, struct mt_error *err)
{
	opt->callees = v;
	return 0;
}

static int set_memray_summary(struct options *opt, const char *v, struct mt_error *err)
{
	opt->memray_summary = true;
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

static int set_output(struct options *opt, const char *v, struct mt_error *err)
{
	if (!*v)
		return usage_error(err, "--output needs a file name");
	opt->output = v;
	return 0;
}

static int set_follow_fork(struct options *opt, const char *v, struct mt_error *err)
{
	(void)v;
	(void)err;
	opt->follow_fork = true;
	return 0;
}

/* USR1, SIGUSR1, 10: the signals a program can be sent for a mark (not KILL or STOP). */
static int set_stage_signal(struct options *opt, const char *v, struct mt_error *err)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = { { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "HUP", SIGHUP },
		      { "ALRM", SIGALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH } };
	const char *name = strncmp(v, "SIG", 3) ? v : v + 3;
	char *end;
	long n;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i].name)) {
			opt->stage_signal = names[i].sig;
			return 0;
		}
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 1 || n > SIGRTMAX || n == SIGKILL || n == SIGSTOP)
		return usage_error(err, "--stage-signal: '%s' is not a signal a program can catch "
				   "(USR1, USR2, HUP, ALRM, PROF, WINCH or a number)", v);
	opt->stage_signal = (int)n;
	return 0;
}

static int set_open(struct options *opt, const char *v, struct mt_error *err)
{
	(void)v;
	(void)err;
	opt->open = true;
	return 0;
}

static int set_no_cache(struct options *opt, const char *v, struct mt_error *err)
{
	(void)v;
	(void)err;
	opt->no_cache = true;
	return 0;
}

static int set_exe(struct options *opt, const char *v, struct mt_error *err)
{
	if (!*v)
		return usage_error(err, "--exe needs a file name");
	opt->a2l.exe = v;
	return 0;
}

static int set_a2l_flag(struct options *opt, const char *v, struct mt_error *err);

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

/*
 * The groups, in usage order.  A group is the set of commands its options
 * apply to: the native options name frames for the explorer and the report
 * alike; the report's options split into those of both report forms, of one
 * capture and of a diff.
 */
enum {
	GROUP_EXPLORER,
	GROUP_NATIVE,
	GROUP_MEMRAY,
	GROUP_FOLD,
	GROUP_REPORT,
	GROUP_REPORT_ONE,
	GROUP_DIFF,
	GROUP_CONVERT,
	GROUP_RECORD,
	GROUP_ADDR2LINE,
	GROUP_GENERAL
};

static const struct option_group groups[] = {
	[GROUP_EXPLORER] = { "explorer options", "memtui FILE, memtui A B", FOR_EXPLORE },
	[GROUP_NATIVE] = { "native frames",
			   "memtui FILE, A B, report, diff, convert, record; "
			   "addr2line: --debug-dir",
			   FOR_EXPLORE | FOR_REPORT | FOR_DIFF | FOR_CONVERT | FOR_RECORD |
				   FOR_ADDR2LINE },
	[GROUP_MEMRAY] = { "memray captures", "memtui FILE, A B, report, diff, convert",
			   FOR_EXPLORE | FOR_REPORT | FOR_DIFF | FOR_CONVERT },
	[GROUP_FOLD] = { "folding options (README.md: Folding frames)",
			 "memtui FILE, A B, report, diff", FOR_EXPLORE | FOR_REPORT | FOR_DIFF },
	[GROUP_REPORT] = { "report options", "memtui report, memtui diff",
			   FOR_REPORT | FOR_DIFF },
	[GROUP_REPORT_ONE] = { "report options of one capture", "memtui report FILE only",
			       FOR_REPORT },
	[GROUP_DIFF] = { "diff options", "memtui diff A B = memtui report --diff A B",
			 FOR_DIFF },
	[GROUP_CONVERT] = { "convert and record options", "memtui convert, memtui record",
			    FOR_CONVERT | FOR_RECORD },
	[GROUP_RECORD] = { "record options", "memtui record", FOR_RECORD },
	[GROUP_ADDR2LINE] = { "addr2line options (as binutils addr2line; -afiC combine)",
			      "memtui addr2line", FOR_ADDR2LINE },
	[GROUP_GENERAL] = { "general options", NULL,
			    FOR_EXPLORE | FOR_REPORT | FOR_DIFF | FOR_CONVERT | FOR_RECORD |
				    FOR_ADDR2LINE },
};

static const struct option_spec table[] = {
	{ "--replay", NULL, "KEYS", &groups[GROUP_EXPLORER], set_replay,
	  "play KEYS headless and print the last screen\n"
	  "(e.g. 'jjl/main<Enter>q'; see README.md)", NULL },
	{ "--size", NULL, "WxH", &groups[GROUP_EXPLORER], set_size,
	  "screen size for --replay (default 80x24)", NULL },
	{ "--prefix-map", NULL, "OLD=NEW", &groups[GROUP_NATIVE], set_prefix_map,
	  "look for images recorded under OLD in NEW (repeatable)", NULL },
	{ "--debug-dir", NULL, "DIR", &groups[GROUP_NATIVE], set_debug_dir,
	  "look for separate debug files in DIR (repeatable;\n/usr/lib/debug is always searched)",
	  "{dir}" },
	{ "--no-symbols", NULL, NULL, &groups[GROUP_NATIVE], set_no_symbols,
	  "do not read images: native frames stay unnamed", NULL },
	{ "--temporary-threshold", NULL, "N", &groups[GROUP_MEMRAY], set_temporary_threshold,
	  "temporary allocations: freed within N allocations\nof their thread (memray's "
	  "--temporary-allocation-\nthreshold; default 1, at most 1000)", NULL },
	{ "--fold", NULL, "PATTERN", &groups[GROUP_FOLD], set_fold,
	  "fold frames matching [function:|file:|module:|unnamed:]GLOB\n"
	  "into their callers (repeatable; e.g. 'std::*', 'module:libc.so*')", NULL },
	{ "--no-fold", NULL, NULL, &groups[GROUP_FOLD], set_no_fold,
	  "no preset folding (runpy, cpython, libc; z toggles it)", NULL },
	{ "--json", NULL, NULL, &groups[GROUP_REPORT], set_json,
	  "JSON output (same as --format json)", NULL },
	{ "--format", NULL, "FMT", &groups[GROUP_REPORT], set_format,
	  "text (default), json, csv, collapsed", "{formats}" },
	{ "--metric", "--view", "METRIC", &groups[GROUP_REPORT], set_metric,
	  "{metrics}\n(what the tree weighs; default peak; --view: the same)", "{metrics}" },
	{ "--top", NULL, "N", &groups[GROUP_REPORT], set_top, "top locations to list (default 10)",
	  NULL },
	{ "--no-progress", NULL, NULL, &groups[GROUP_REPORT], set_no_progress,
	  "never show the loading progress line", NULL },
	{ "--tree", NULL, "DIR", &groups[GROUP_REPORT_ONE], set_tree,
	  "top-down (default) or bottom-up", "top-down bottom-up" },
	{ "--depth", NULL, "N", &groups[GROUP_REPORT_ONE], set_depth,
	  "tree levels to print (default 8; 0 = none)", NULL },
	{ "--thread", NULL, "TID|NAME", &groups[GROUP_REPORT_ONE], set_thread,
	  "the figures of this thread only (repeatable)", NULL },
	{ "--focus", NULL, "PATH", &groups[GROUP_REPORT_ONE], set_focus,
	  "the tree from one node, and the stacks through it:\nfunction names from the root, "
	  "'main;load;parse'", NULL },
	{ "--sort", NULL, "ORDER", &groups[GROUP_REPORT_ONE], set_sort,
	  "the tree's order: size (default), self, count, name\n"
	  "(--group: self or name; else by inclusive)", "size self count name" },
	{ "--stages", NULL, "SPLIT", &groups[GROUP_REPORT_ONE], set_stages,
	  "stage-delta table: marks, slices:N, under:FUNCTION", "marks slices: under:" },
	{ "--sizes", NULL, NULL, &groups[GROUP_REPORT_ONE], set_sizes,
	  "allocation size histograms: the run, the peak, leaks", NULL },
	{ "--timeline", NULL, "N", &groups[GROUP_REPORT_ONE], set_timeline,
	  "the timeline in N slices, as the explorer charts\n--metric: the live heap, or "
	  "per second bytes\nallocated, allocations, temporary allocations", NULL },
	{ "--merge-calls", NULL, NULL, &groups[GROUP_REPORT_ONE], set_merge_calls,
	  "with under:FUNCTION, one row per function, counted", NULL },
	{ "--group", NULL, "G", &groups[GROUP_REPORT_ONE], set_group,
	  "the flat list with self and inclusive figures (--top N rows):\n"
	  "function, location, file or module", "function location file module" },
	{ "--callers", NULL, "FUNCTION", &groups[GROUP_REPORT_ONE], set_callers,
	  "the callers tree of FUNCTION, merged over its call paths", NULL },
	{ "--callees", NULL, "FUNCTION", &groups[GROUP_REPORT_ONE], set_callees,
	  "the callees tree of FUNCTION, merged over its call paths", NULL },
	{ "--memray-summary", NULL, NULL, &groups[GROUP_REPORT_ONE], set_memray_summary,
	  "with --group: weigh what `memray summary` reads\n"
	  "(the peak's earliest stacks up to 95% of the heap)", NULL },
	{ "--diff", NULL, NULL, &groups[GROUP_DIFF], set_diff,
	  "compare two captures A and B by call path (B - A)", NULL },
	{ "--fail-if-growth", NULL, "T", &groups[GROUP_DIFF], set_threshold,
	  "exit 1 when the peak (or --gate-path) grew\nby more than T bytes, or T% of A", NULL },
	{ "--gate-path", NULL, "F1;F2", &groups[GROUP_DIFF], set_gate_path,
	  "with --fail-if-growth: gate the call paths through\nthese consecutive functions "
	  "(weights of --metric)", NULL },
	{ "--output", "-o", "FILE", &groups[GROUP_CONVERT], set_output,
	  "the .mtui file to write (convert: required;\n"
	  "record: default memtui.CMD.PID.mtui)", "{file}" },
	{ "--follow-fork", NULL, NULL, &groups[GROUP_RECORD], set_follow_fork,
	  "record forked children too, each into a capture\nof its own (FILE.PID)", NULL },
	{ "--stage-signal", NULL, "SIG", &groups[GROUP_RECORD], set_stage_signal,
	  "a stage mark each time the program gets SIG\n(USR1, USR2, a name or a number)",
	  "USR1 USR2" },
	{ "--open", NULL, NULL, &groups[GROUP_RECORD], set_open,
	  "open the explorer on the capture afterwards", NULL },
	{ "--exe", "-e", "FILE", &groups[GROUP_ADDR2LINE], set_exe,
	  "the executable or library (default a.out)", "{file}" },
	{ "--addresses", "-a", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "print each address before its frames", NULL },
	{ "--functions", "-f", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "print function names", NULL },
	{ "--inlines", "-i", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "print the functions an address is inlined into", NULL },
	{ "--demangle", "-C", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "demangle C++ names", NULL },
	{ "--pretty-print", "-p", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "one line per address", NULL },
	{ "--basenames", "-s", NULL, &groups[GROUP_ADDR2LINE], set_a2l_flag,
	  "file names without their directories", NULL },
	{ "--no-cache", NULL, NULL, &groups[GROUP_GENERAL], set_no_cache,
	  "neither read nor write memtui's capture cache\n($XDG_CACHE_HOME/memtui; see README.md)",
	  NULL },
	{ "--help", "-h", NULL, &groups[GROUP_GENERAL], set_help,
	  "print the usage text and exit", NULL },
	{ "--version", NULL, NULL, &groups[GROUP_GENERAL], set_version,
	  "print memtui's version and exit", NULL },
};

/* -a -f -i -C -p -s, and their long spellings: which one is the table entry's name. */
static int set_a2l_flag(struct options *opt, const char *v, struct mt_error *err)
{
	(void)v;
	(void)err;
	return 0;
}

static const struct option_synopsis synopsis[] = {
	{ "[OPTIONS] FILE", "explore a capture" },
	{ "[OPTIONS] A B", "explore the diff of two captures (B - A)" },
	{ "report [OPTIONS] FILE", "print the report of a capture" },
	{ "diff [OPTIONS] A B", "print the diff (or: memtui report --diff)" },
	{ "convert [OPTIONS] IN -o OUT", "write IN as a .mtui (memtui's own format)" },
	{ "record [OPTIONS] -- CMD [ARGS]", "run CMD and record its memory into a .mtui" },
	{ "addr2line [-afiCps] -e FILE [ADDR...]", "addresses to file:line (stdin if no ADDR)" },
};

static const char description[] =
	"Explores a memory capture written by memray (header version 12, 13),\n"
	"heaptrack (file format 0-3; .zst, .gz or plain) or memtui convert (.mtui),\n"
	"or records a native program's (memtui record).";

const struct option_spec *options_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct option_group *options_groups(size_t *n)
{
	*n = sizeof(groups) / sizeof(groups[0]);
	return groups;
}

const struct option_synopsis *options_synopsis(size_t *n)
{
	*n = sizeof(synopsis) / sizeof(synopsis[0]);
	return synopsis;
}

const char *options_description(void)
{
	return description;
}

char *options_help(const struct option_spec *o, char sep, char *buf, size_t size)
{
	size_t used = 0;
	char metrics[128];

	buf[0] = 0;
	for (const char *p = o->help; *p && used + 1 < size; p++) {
		if (!strncmp(p, "{metrics}", 9)) {
			used += (size_t)snprintf(buf + used, size - used, "%s",
						 metric_list(metrics, sizeof(metrics)));
			p += 8;
		} else {
			buf[used++] = *p == '\n' ? sep : *p;
			buf[used] = 0;
		}
	}
	return buf;
}

char *options_complete_words(const struct option_spec *o, char *buf, size_t size)
{
	size_t used = 0, n_formats = sizeof(format_names) / sizeof(format_names[0]);

	buf[0] = 0;
	/* Directories and files are the shell's to list. */
	if (!o->complete || !strcmp(o->complete, "{dir}") || !strcmp(o->complete, "{file}"))
		return buf;
	if (!strcmp(o->complete, "{metrics}")) {
		for (int m = 0; m < N_METRICS && used < size; m++)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", m ? " " : "",
						 metric_name((enum metric)m));
	} else if (!strcmp(o->complete, "{formats}")) {
		for (size_t i = 0; i < n_formats && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "",
						 format_names[i]);
	} else {
		snprintf(buf, size, "%s", o->complete);
	}
	return buf;
}

/* One option's lines: "  -h, --help             this text". */
static void usage_option(FILE *out, const struct option_spec *o)
{
	char left[64], help[512];
	bool short_alias = o->alias && o->alias[1] != '-';

	snprintf(left, sizeof(left), "%s%s%s%s%s", short_alias ? o->alias : "",
		 short_alias ? ", " : "", o->name, o->value ? " " : "", o->value ? o->value : "");
	fprintf(out, "  %-*s ", HELP_COLUMN - 3, left);
	for (const char *p = options_help(o, '\n', help, sizeof(help)); *p; p++) {
		if (*p == '\n')
			fprintf(out, "\n%*s", HELP_COLUMN, "");
		else
			fputc(*p, out);
	}
	fputc('\n', out);
}

void options_usage(FILE *out)
{
	for (size_t i = 0; i < sizeof(synopsis) / sizeof(synopsis[0]); i++)
		fprintf(out, "%s memtui %-*s %s\n", i ? "      " : "usage:", SYNOPSIS_WIDTH,
			synopsis[i].args, synopsis[i].what);
	fprintf(out, "\n%s\n", description);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (groups[g].commands)
			fprintf(out, "\n%s (%s):\n", groups[g].what, groups[g].commands);
		else
			fprintf(out, "\n%s:\n", groups[g].what);
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].group == &groups[g])
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

/*
 * binutils' short flags combine as getopt's do: "-afiC" is "-a -f -i -C", and
 * "-eFILE" or "-afe FILE" end with -e and its value.  Returns a new argv (the
 * strings are argv's or the copies in the same block).
 */
static char **split_short_flags(int argc, char **argv, int *n_out)
{
	static char spelled[][3] = { "-a", "-f", "-i", "-C", "-p", "-s", "-e" };
	static const char letters[] = "afiCpse";
	size_t room = 1;
	char **out;
	int n = 0;

	for (int i = 0; i < argc; i++)
		room += strlen(argv[i]) + 1;
	out = xcalloc(room, sizeof(char *));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i < 2 || a[0] != '-' || a[1] == '-' || !a[1] || !a[2]) {
			out[n++] = argv[i];
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			const char *at = strchr(letters, *p);

			if (!at) {
				out[n++] = argv[i];	/* refused as an unknown option */
				break;
			}
			out[n++] = spelled[at - letters];
			if (*p == 'e') {
				if (p[1])
					out[n++] = (char *)p + 1;
				break;
			}
		}
	}
	*n_out = n;
	return out;
}

/* Applies the option at argv[*i] (and its value); marks it in given[] (by table index). */
static int parse_option(struct options *opt, int argc, char **argv, int *i, bool *given,
			struct mt_error *err)
{
	const char *value = NULL;
	const struct option_spec *o = lookup(argv[*i], &value);

	if (!o)
		return usage_error(err, "unknown option '%s'", argv[*i]);
	given[o - table] = true;
	if (o->apply == set_a2l_flag) {
		bool *flag[] = { &opt->a2l.addresses, &opt->a2l.functions, &opt->a2l.inlines,
				 &opt->a2l.demangle, &opt->a2l.pretty, &opt->a2l.basenames };
		const char *names = "afiCps";

		*flag[strchr(names, o->alias[1]) - names] = true;
	}
	if (o->value && !value)
		value = *i + 1 < argc ? argv[++*i] : "";
	return o->apply(opt, value, err);
}

/*
 * What no single option can check: the files, the options that go together,
 * and that each option given (given[], by table index) applies to the command.
 */
static int check(const struct options *opt, const bool *given, struct mt_error *err)
{
	unsigned command = opt->command == CMD_EXPLORE	   ? FOR_EXPLORE
			   : opt->command == CMD_CONVERT   ? FOR_CONVERT
			   : opt->command == CMD_ADDR2LINE ? FOR_ADDR2LINE
			   : opt->command == CMD_RECORD	   ? FOR_RECORD
			   : opt->diff			   ? FOR_DIFF
							   : FOR_REPORT;

	if (opt->command == CMD_HELP || opt->command == CMD_VERSION)
		return 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (given[i] && !(table[i].group->applies & command))
			return usage_error(err, "%s is an option of %s", table[i].name,
					   table[i].group->commands);
	if (opt->command == CMD_ADDR2LINE)
		return opt->symbols && !opt->n_prefix
			       ? 0
			       : usage_error(err, "addr2line takes --debug-dir, not --prefix-map "
						  "or --no-symbols");
	if (opt->command == CMD_RECORD)
		return opt->run_argc ? 0
				     : usage_error(err, "record needs a command: memtui record -- "
							"CMD ARGS");
	if (!opt->n_files)
		return usage_error(err, "no capture file given");
	if (opt->command == CMD_CONVERT && (opt->n_files != 1 || !opt->output))
		return usage_error(err, "convert takes one capture and -o OUT");
	if (opt->diff && (opt->command != CMD_REPORT || opt->n_files != 2))
		return usage_error(err, "--diff needs two captures: memtui report --diff A B");
	if (!opt->diff && opt->n_files > 1 && opt->command == CMD_REPORT)
		return usage_error(err, "two captures ('%s') are compared with --diff",
				   opt->files[1]);
	if (opt->gate && !opt->diff)
		return usage_error(err, "--fail-if-growth needs --diff A B");
	if (opt->stages && (opt->diff || opt->command != CMD_REPORT))
		return usage_error(err, "--stages is a form of `memtui report FILE`");
	if (opt->sizes && (opt->diff || opt->command != CMD_REPORT))
		return usage_error(err, "--sizes is a form of `memtui report FILE`");
	if (opt->timeline && (opt->diff || opt->command != CMD_REPORT))
		return usage_error(err, "--timeline is a form of `memtui report FILE`");
	if (opt->report.n_threads && opt->stages)
		return usage_error(err, "--thread filters the tree, the top list, --sizes and "
				   "--timeline; the stage table is of all threads");
	if ((opt->group >= 0) + !!opt->callers + !!opt->callees + !!opt->stages + !!opt->sizes +
	    !!opt->timeline > 1)
		return usage_error(err, "--group, --callers, --callees, --stages, --sizes and "
					"--timeline are reports of their own: give one");
	if (opt->report.focus && (opt->diff || opt->command != CMD_REPORT || opt->group >= 0 ||
				  opt->callers || opt->callees || opt->stages || opt->sizes ||
				  opt->timeline))
		return usage_error(err, "--focus roots the tree, the CSV and the collapsed stacks "
				   "of `memtui report FILE`");
	if (opt->group >= 0 && opt->report.format == REPORT_COLLAPSED)
		return usage_error(err, "--group writes text, json or csv");
	if ((opt->callers || opt->callees) && opt->report.format != REPORT_TEXT &&
	    opt->report.format != REPORT_JSON)
		return usage_error(err, "--callers and --callees write text or json");
	if (opt->memray_summary && (opt->group < 0 || opt->report.metric != METRIC_PEAK))
		return usage_error(err, "--memray-summary is a form of --group with the peak "
					"metric");
	return 0;
}

int options_parse(struct options *opt, int argc, char **argv, struct mt_error *err)
{
	int i = 1, rc;
	bool only_files = false, given[sizeof(table) / sizeof(table[0])] = { false };

	memset(opt, 0, sizeof(*opt));
	report_options_init(&opt->report);
	opt->command = CMD_EXPLORE;
	opt->progress = isatty(STDERR_FILENO);
	opt->symbols = true;
	opt->temporary_threshold = 1;	/* memray's default */
	opt->group = -1;
	if (argc > 1 && (!strcmp(argv[1], "report") || !strcmp(argv[1], "diff"))) {
		opt->command = CMD_REPORT;
		opt->diff = !strcmp(argv[1], "diff");
		i = 2;
	} else if (argc > 1 && !strcmp(argv[1], "convert")) {
		opt->command = CMD_CONVERT;
		i = 2;
	} else if (argc > 1 && !strcmp(argv[1], "record")) {
		opt->command = CMD_RECORD;
		i = 2;
	} else if (argc > 1 && !strcmp(argv[1], "addr2line")) {
		opt->command = CMD_ADDR2LINE;
		opt->a2l.exe = "a.out";
		argv = opt->a2l.argv = split_short_flags(argc, argv, &argc);
		i = 2;
	}
	for (; i < argc; i++) {
		/* record: the command starts at "--" or at the first word that is no option. */
		if (opt->command == CMD_RECORD && (!strcmp(argv[i], "--") || argv[i][0] != '-')) {
			i += !strcmp(argv[i], "--");
			opt->run_argv = argv + i;
			opt->run_argc = argc - i;
			break;
		}
		if (!only_files && !strcmp(argv[i], "--")) {
			only_files = true;
		} else if (!only_files && argv[i][0] == '-' && argv[i][1]) {
			rc = parse_option(opt, argc, argv, &i, given, err);
			if (rc < 0)
				return rc;
		} else if (opt->command == CMD_ADDR2LINE) {
			if (!opt->a2l.n_addrs)
				opt->a2l.addrs = &argv[i];
			/* Addresses come last; options among them are binutils' too. */
			argv[opt->a2l.n_addrs++ + (opt->a2l.addrs - argv)] = argv[i];
		} else if (opt->n_files < 2) {
			opt->files[opt->n_files++] = argv[i];
		} else {
			return usage_error(err, "too many files ('%s')", argv[i]);
		}
	}
	return check(opt, given, err);
}

void options_release(struct options *opt)
{
	free(opt->a2l.argv);
	opt->a2l.argv = NULL;
	for (size_t i = 0; i < opt->n_owned; i++)
		free(opt->owned[i]);
	opt->n_owned = 0;
}
