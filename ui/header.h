/*
 * header: the capture's identity and headline figures above the views that
 * want them: file, tool and version, command, pid, duration; peak with its
 * time, total allocated, leaked; a truncation warning.  The figures are the
 * ones `memtui report` prints (same sources, same formatting).
 */
#ifndef MT_HEADER_H
#define MT_HEADER_H

#include "screen.h"

struct app;

/* Rows the header takes on screen s (fewer on short screens). */
int header_rows(const struct app *app, const struct screen *s);
/* Draws the header from row y. */
void header_draw(const struct app *app, struct screen *s, int y);

#endif
