/*
 * header: the capture's identity and headline figures above the views that
 * want them: file, tool and version, command, pid, duration; peak with its
 * time, the largest RSS sample, total allocated, temporary allocations,
 * leaked, suppressed; the truncation warning and the capture's own warnings
 * (their count and the first).  The figures are the ones `memtui report`
 * prints (same sources, same formatting), fitted to the screen without ever
 * cutting a figure (header.c says how).
 */
#ifndef MT_HEADER_H
#define MT_HEADER_H

#include "screen.h"

struct app;

/* Rows the header takes on screen s (fewer on short screens); header_draw draws as many. */
int header_rows(const struct app *app, const struct screen *s);
/* Draws the header from row y. */
void header_draw(const struct app *app, struct screen *s, int y);

#endif
