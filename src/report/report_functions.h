/*
 * report_functions: `memtui report --group G` (the flat list of functions,
 * locations, files or modules with self and inclusive figures, view 5 of the
 * explorer) and `--callers F` / `--callees F` (the callers or callees tree of
 * one function, the explorer's x), as text, JSON or CSV, over the report's
 * metric weights (functions.h).  JSON keys are a contract: add, never rename.
 */
#ifndef MT_REPORT_FUNCTIONS_H
#define MT_REPORT_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "functions.h"
#include "report.h"

/*
 * The flat list of r's weights grouped by g, top rows (0: all), by
 * inclusive figures, or by self or name when r->opt.order says so (--sort
 * self, --sort name: the orders of view 5's s).
 */
void report_functions_write(FILE *out, const struct report *r, enum func_group g,
			    unsigned top);
/*
 * The callers (or callees) tree of the function named name (functions_find:
 * exact, else the only one holding it).  Returns 0, or -1 when no function
 * or several match, with a sentence saying so (the candidates listed) in why.
 */
int report_related_write(FILE *out, const struct report *r, const char *name, bool callers,
			 char *why, size_t why_size);

#endif
