/*
 * screen_curses: the terminal backend, and the only code that knows curses.
 *
 * Roles become colours here, from one table with the 256-colour, 8-colour
 * and monochrome variants side by side.  No colour when NO_COLOR is set (to
 * anything non-empty) or the terminal has none (TERM=xterm-mono); then roles
 * are told apart by reverse video, bold and underline only.
 */
#ifndef MT_SCREEN_CURSES_H
#define MT_SCREEN_CURSES_H

#include "error.h"
#include "screen.h"

/*
 * Whether the terminal TERM names can draw the explorer (it knows the type
 * and can address the cursor; TERM=dumb cannot), asked before anything is
 * written to it.  Returns 0, or -MT_ERR_USAGE with a one-line reason in err.
 */
int screen_curses_usable(struct mt_error *err);
/*
 * Takes over the terminal on stdin/stdout (the locale must be set).
 * Returns 0, or -MT_ERR_IO with the reason in err.  screen_release() gives
 * the terminal back.
 */
int screen_curses_init(struct screen *s, struct mt_error *err);

#endif
