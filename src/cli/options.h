/*
 * options: memtui's command line as a struct, from one table of options.
 *
 * The table (options.c) holds each option's spellings, value name, group,
 * help, what its value completes to and the function that applies it, so
 * parsing, the usage text (memtui --help), the manual page and the shell
 * completions (docs.h) cannot disagree.  An option's group says which commands
 * it applies to; given to another command it is a usage error.  Options may
 * come anywhere among the files; "--" ends them; a value is "--name VALUE" or
 * "--name=VALUE".
 */
#ifndef MT_OPTIONS_H
#define MT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "report.h"

#define OPTIONS_MAX_PATHS 16

enum cli_command {
	CMD_EXPLORE,
	CMD_REPORT,
	CMD_CONVERT,
	CMD_ADDR2LINE,
	CMD_RECORD,
	CMD_HELP,
	CMD_VERSION
};

/* memtui addr2line: binutils addr2line's flags. */
struct addr2line_options {
	const char *exe;	/* -e FILE (default a.out) */
	bool addresses;		/* -a */
	bool functions;		/* -f */
	bool inlines;		/* -i */
	bool demangle;		/* -C */
	bool pretty;		/* -p */
	bool basenames;		/* -s */
	char **addrs;		/* the ADDR arguments (into argv); none: read stdin */
	int n_addrs;
	char **argv;		/* argv with -afi split into -a -f -i (owned) */
};

struct options {
	enum cli_command command;
	struct report_options report;
	const char *files[2];
	int n_files;
	bool progress;		/* show a progress line on stderr while loading */
	bool symbols;		/* name native frames from the images' ELF/DWARF */
	const char *prefix_from[OPTIONS_MAX_PATHS],
		*prefix_to[OPTIONS_MAX_PATHS]; /* --prefix-map */
	size_t n_prefix;
	const char *debug_dirs[OPTIONS_MAX_PATHS];	/* --debug-dir */
	size_t n_debug_dirs;
	char *owned[OPTIONS_MAX_PATHS];	/* copies of OLD in --prefix-map OLD=NEW */
	size_t n_owned;
	const char *replay;	/* explorer: keys to replay headless (--replay), or NULL */
	const char *size;	/* explorer: replay screen "WxH" (--size), or NULL */
	const char *threads[OPTIONS_MAX_PATHS];	/* --thread TID|NAME (report.threads) */
	const char *stages;	/* --stages SPLIT, or NULL */
	bool sizes;		/* --sizes: the allocation size histograms */
	bool stages_merge;	/* --merge-calls: one row per function under --stages under:F */
	int group;		/* --group G: the flat list by enum func_group, or -1 */
	const char *callers;	/* --callers FUNCTION, or NULL */
	const char *callees;	/* --callees FUNCTION, or NULL */
	bool memray_summary;	/* --memray-summary: what memray summary reads of the peak */
	bool diff;		/* --diff A B, or `memtui diff A B` */
	bool gate;		/* --fail-if-growth given */
	int64_t gate_bytes;	/* threshold in bytes (gate_is_percent false) */
	double gate_percent;	/* threshold in percent of A (gate_is_percent) */
	bool gate_is_percent;
	const char *gate_path;	/* --gate-path F1;F2: gate on that path instead of the peak */
	const char *output;	/* convert, record: -o FILE */
	bool follow_fork;	/* record: --follow-fork */
	int stage_signal;	/* record: --stage-signal SIG (a signal number), or 0 */
	bool open;		/* record: --open, the explorer on the capture afterwards */
	char **run_argv;	/* record: the command and its arguments (NULL-terminated) */
	int run_argc;
	bool no_cache;		/* --no-cache: neither read nor write the capture cache */
	unsigned temporary_threshold;	/* --temporary-threshold N (memray captures; default 1) */
	bool temporary_threshold_given;
	unsigned timeline;	/* --timeline N: the report is the timeline's N slices; 0 none */
	struct addr2line_options a2l;	/* memtui addr2line */
};

/* The commands an option applies to (struct option_group's commands). */
enum option_commands {
	FOR_EXPLORE = 1 << 0,	/* memtui FILE, memtui A B */
	FOR_REPORT = 1 << 1,	/* memtui report FILE */
	FOR_DIFF = 1 << 2,	/* memtui diff A B, memtui report --diff A B */
	FOR_CONVERT = 1 << 3,	/* memtui convert IN -o OUT */
	FOR_ADDR2LINE = 1 << 4,	/* memtui addr2line -e FILE ADDR... */
	FOR_RECORD = 1 << 5,	/* memtui record -- CMD ARGS */
};

struct option_group {
	const char *what;	/* "explorer options" */
	const char *commands;	/* "memtui FILE, memtui A B"; NULL for every command */
	unsigned applies;	/* enum option_commands */
};

struct option_spec {
	const char *name;	/* "--format" */
	const char *alias;	/* another spelling ("-h", "--view"), or NULL */
	const char *value;	/* the value's name in the usage ("FMT"); NULL for a flag */
	const struct option_group *group;
	/* Applies the option (value NULL for a flag); 0 or -MT_ERR_USAGE with err set. */
	int (*apply)(struct options *opt, const char *value, struct mt_error *err);
	const char *help;	/* may hold {metrics} and '\n' (options_help) */
	/*
	 * What the value completes to in a shell: words separated by spaces,
	 * "{metrics}" or "{formats}" (the names the option accepts), "{dir}" (a
	 * directory), "{file}" (a file); NULL when nothing can be proposed.
	 */
	const char *complete;
};

/* One form of the command line, for the usage text and the manual's synopsis. */
struct option_synopsis {
	const char *args;	/* "report [OPTIONS] FILE" (after "memtui ") */
	const char *what;	/* "the report of a capture" */
};

/* The option table in usage order (grouped); *n gets its length. */
const struct option_spec *options_table(size_t *n);
/* The groups in usage order; *n gets their number. */
const struct option_group *options_groups(size_t *n);
/* The command lines; *n gets their number. */
const struct option_synopsis *options_synopsis(size_t *n);
/* What memtui reads, one paragraph without line breaks (usage and manual). */
const char *options_description(void);
/*
 * o's help with the lists it names filled in, into buf; each '\n' of the
 * table's text becomes sep (a line break in the usage, a space in the manual).
 * Returns buf.
 */
char *options_help(const struct option_spec *o, char sep, char *buf, size_t size);
/* The values {metrics} or {formats} in o->complete stand for, space separated, into buf. */
char *options_complete_words(const struct option_spec *o, char *buf, size_t size);
/*
 * Fills opt from argv.  Returns 0, or -MT_ERR_USAGE with err saying what is
 * wrong (without the program's name).  options_release frees either way.
 */
int options_parse(struct options *opt, int argc, char **argv, struct mt_error *err);
void options_release(struct options *opt);
/* Writes the usage text (memtui --help). */
void options_usage(FILE *out);

#endif
