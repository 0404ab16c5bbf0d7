/*
 * record: `memtui record [-o FILE] [--follow-fork] [--stage-signal SIG] --
 * CMD ARGS`: runs CMD with memtui's preload library (src/record), which
 * writes raw traces (formats/trace_format.h) into a private folder, then
 * turns every trace into a self-contained .mtui with native frames named by
 * the symbolizer.  The rules (where the library is found, the output names,
 * signals and exit statuses) are in record.c and README.md.
 */
#ifndef MT_RECORD_H
#define MT_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "options.h"
#include "resolver.h"

struct record_result {
	bool ran;		/* the command was started (wait_status is its own) */
	int wait_status;	/* the command's, as waitpid gives it */
	char *main_capture;	/* the capture of the command's own process (malloc'd), or NULL */
	int n_captures;		/* .mtui files written */
	char *error_path;	/* the file an error is about (malloc'd; err->path points here) */
};

/*
 * Runs opt->run_argv and writes its captures (printing their paths and the
 * command that opens them on stderr).  Returns 0 with *out filled (free
 * main_capture), or a negative mt_err with err set when the command could
 * not be run or a capture not written (what was written stays).  Free
 * main_capture and error_path.
 */
int record_run(const struct options *opt, const struct resolver_options *ro,
	       struct record_result *out, struct mt_error *err);

#endif
