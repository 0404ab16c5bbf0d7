/*
 * cli: the command line.  Parses argv into struct options, loads the
 * captures, runs the report (or, in later versions, the explorer), and maps
 * errors to exit statuses: 0 success, 1 a CI gate failed, 2 bad input or usage.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

#include "report.h"

enum cli_command { CMD_EXPLORE, CMD_REPORT, CMD_HELP, CMD_VERSION };

struct options {
	enum cli_command command;
	struct report_options report;
	const char *files[2];
	int n_files;
	bool progress;		/* show a progress line on stderr while loading */
	const char *replay;	/* explorer: keys to replay headless (--replay), or NULL */
	const char *size;	/* explorer: replay screen "WxH" (--size), or NULL */
};

/* Fills opt from argv; on a usage error prints one line to stderr and returns -1. */
int cli_parse(struct options *opt, int argc, char **argv);
/* Runs the parsed command; returns the process exit status. */
int cli_run(const struct options *opt);

#endif
