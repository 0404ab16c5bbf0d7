/*
 * report_stages: `memtui report --stages SPLIT`, the stage-delta table as
 * text, JSON or CSV (collapsed stacks have no stage form: JSON is written).
 * The JSON keys are a contract (README.md): add keys, never rename.
 */
#ifndef MT_REPORT_STAGES_H
#define MT_REPORT_STAGES_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"
#include "report.h"
#include "stages.h"

void report_stages_write(FILE *out, const struct capture *cap, const char *path,
			 const char *split, const struct stages *s, enum report_format format);
/*
 * `memtui report --stages SPLIT [--merge-calls]` whole: parses split
 * ("marks", "slices:N", "under:FUNCTION"), computes the stages and writes
 * them.  Returns NULL, or why the split cannot apply to cap (a static
 * sentence; nothing written).  The CLI and the explorer's export
 * (ui/export.h) both call it.
 */
const char *report_stages_run(FILE *out, const struct capture *cap, const char *path,
			      const char *split, bool merge, enum report_format format);

#endif
