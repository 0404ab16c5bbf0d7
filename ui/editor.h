/*
 * editor: O, the source of the selected frame in the user's editor.
 *
 * The editor is $VISUAL, else $EDITOR, else vi, run as
 * `/bin/sh -c 'exec EDITOR "$@"' sh +LINE FILE`: the editor's words are the
 * shell's to split (EDITOR="code -w" works), the file name is an argument
 * the shell never parses.  The terminal is handed over for the run
 * (screen_backend suspend and resume) and the frame redrawn whole after it;
 * the headless replay runs the editor too, on the replay's own stdio.
 * Captures come from other machines: a frame whose file is not here, or
 * that has none, runs nothing and says so.
 */
#ifndef MT_EDITOR_H
#define MT_EDITOR_H

#include <stdint.h>

#include "screen.h"

struct app;

/*
 * Opens frame (a frame id of app->ex's capture) at its file and line; the
 * outcome in the app's message.  Returns 0 when the editor ran and exited
 * with status 0, else -1.
 */
int editor_open_frame(struct app *app, struct screen *s, uint32_t frame);

#endif
