/*
 * options: memtui's command line as a struct, from one table of options.
 *
 * The table (options.c) holds each option's spellings, value name, group,
 * help and the function that applies it, so parsing and the usage text
 * (memtui --help) cannot disagree.  Options may come anywhere among the
 * files; "--" ends them; a value is "--name VALUE" or "--name=VALUE".
 */
#ifndef MT_OPTIONS_H
#define MT_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "report.h"

#define OPTIONS_MAX_PATHS 16

enum cli_command { CMD_EXPLORE, CMD_REPORT, CMD_HELP, CMD_VERSION };

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
	const char *stages;	/* --stages SPLIT, or NULL */
	bool stages_merge;	/* --merge-calls: one row per function under --stages under:F */
	bool diff;		/* --diff A B, or `memtui diff A B` */
	bool gate;		/* --fail-if-growth given */
	int64_t gate_bytes;	/* threshold in bytes (gate_is_percent false) */
	double gate_percent;	/* threshold in percent of A (gate_is_percent) */
	bool gate_is_percent;
	const char *gate_path;	/* --gate-path F1;F2: gate on that path instead of the peak */
};

/*
 * Fills opt from argv.  Returns 0, or -MT_ERR_USAGE with err saying what is
 * wrong (without the program's name).  options_release frees either way.
 */
int options_parse(struct options *opt, int argc, char **argv, struct mt_error *err);
void options_release(struct options *opt);
/* Writes the usage text (memtui --help). */
void options_usage(FILE *out);

#endif
