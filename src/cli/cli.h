/*
 * cli: the command line.  Parses argv into struct options, loads the
 * captures, runs the report (or, in later versions, the explorer), and maps
 * errors to exit statuses: 0 success, 1 a CI gate failed, 2 bad input or usage.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <stdint.h>

#include "report.h"

#define CLI_MAX_PATHS 16

enum cli_command { CMD_EXPLORE, CMD_REPORT, CMD_HELP, CMD_VERSION };

struct options {
	enum cli_command command;
	struct report_options report;
	const char *files[2];
	int n_files;
	bool progress;		/* show a progress line on stderr while loading */
	bool symbols;		/* name native frames from the images' ELF/DWARF */
	const char *prefix_from[CLI_MAX_PATHS], *prefix_to[CLI_MAX_PATHS];	/* --prefix-map */
	size_t n_prefix;
	const char *debug_dirs[CLI_MAX_PATHS];	/* --debug-dir */
	size_t n_debug_dirs;
	char *owned[CLI_MAX_PATHS];	/* copies of OLD in --prefix-map OLD=NEW */
	size_t n_owned;
	const char *replay;	/* explorer: keys to replay headless (--replay), or NULL */
	const char *size;	/* explorer: replay screen "WxH" (--size), or NULL */
	const char *stages;	/* --stages SPLIT, or NULL */
	bool stages_merge;	/* --merge-calls: one row per function under --stages under:F */
	bool diff;		/* --diff A B, or `memtui diff A B` */
	bool gate;		/* --fail-if-growth given */
	int64_t gate_bytes;	/* threshold in bytes (gate_percent false) */
	double gate_percent;	/* threshold in percent of A (when gate_is_percent) */
	bool gate_is_percent;
	const char *gate_path;	/* --gate-path F1;F2: gate on that path instead of the peak */
};

/* Fills opt from argv; on a usage error prints one line to stderr and returns -1. */
int cli_parse(struct options *opt, int argc, char **argv);
/* Runs the parsed command; returns the process exit status. */
int cli_run(const struct options *opt);
/* Frees what cli_parse allocated. */
void cli_release(struct options *opt);

#endif
