/*
 * export: w, writing what a view shows to a file, as `memtui report` writes
 * the same view with the same settings.
 *
 * The explorer asks for a file name on the status line (`write view to:`,
 * prefilled with export_default_name) and hands it to export_write, which
 * picks the format by the name's extension (.txt text, .json JSON, .csv CSV,
 * .folded or .collapsed collapsed stacks: `memtui report --format`'s four),
 * has the view write itself (view_ops.export: each view fills a struct
 * report_options from its state and calls the report writer the CLI calls),
 * and creates the file only then, never over an existing file nor over a
 * capture being explored.  So the file is byte for byte the output of the
 * equivalent `memtui report` command (README.md, "Exporting a view").
 */
#ifndef MT_EXPORT_H
#define MT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "view.h"

/* The report options of a view, with the thread names they borrow. */
struct export_options {
	struct report_options report;	/* as `memtui report` would get them */
	char **thread_specs;		/* owned: report.threads (tids in decimal) */
};

/*
 * The options of the report tree (`memtui report --metric M --tree D --sort O
 * [--no-fold] [--fold P]... [--thread TID]...`) from the app's shared
 * settings: metric, direction, sort order, folding (off: no rule at all),
 * thread filter; depth and top stay the report's defaults.  The tree and
 * flame graph views export this, and the views of other report forms start
 * from it (metric, threads).  Release with export_options_release.
 */
void export_tree_options(const struct app *app, struct export_options *eo);
void export_options_release(struct export_options *eo);

/*
 * The tree and flame graph views' export: the report of export_tree_options
 * and the app's focus (`--focus`: the tree from the node F or the flame
 * graph's zoom shows) in format (report_write).  Returns 0.
 */
int export_tree(const struct app *app, FILE *out, enum report_format format, char *why,
		size_t why_size);

/* The format a file name's extension names; -1 when none does. */
int export_format_of(const char *name, enum report_format *format);
/* "text", "json", "csv", "collapsed". */
const char *export_format_name(enum report_format format);

/*
 * The file name w proposes for view v: CAPTURE-VIEW.txt in the current
 * directory (the capture's base name without its directory, compression
 * and extension, heaptrack's "heaptrack." and process id: "stages-tree.txt"),
 * with -2, -3, ... before the extension when that file exists.
 */
void export_default_name(const struct app *app, const struct view *v, char *buf, size_t size);

/*
 * Writes v's export to the new file name; the outcome goes to the app's
 * message ("wrote stages-tree.txt (1,234 lines, text)", or why nothing was
 * written: no such format, the view has no report form, the file exists or
 * is the capture, an I/O error).  Returns 0 or -1.
 */
int export_write(struct app *app, const struct view *v, const char *name);

#endif
