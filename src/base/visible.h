/*
 * visible: text from a capture made safe to show.  Names, file names and
 * command lines come from the file, so they may hold bytes a terminal acts
 * on (ESC starts a sequence that can retitle the window or clear the screen).
 * Every text output shows such bytes as "\xNN", one per byte, the only
 * notation memtui uses (README, "Names with control characters"):
 *
 *   - C0 controls 0x00-0x1f (tab and newline included: in a name they are
 *     data, not layout) and DEL 0x7f;
 *   - C1 controls U+0080-U+009F, shown as their two UTF-8 bytes ("\xc2\x9b");
 *   - the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 *     U+2066-U+2069), which reorder what is shown around them, as their
 *     three (two) UTF-8 bytes ("\xe2\x80\xae" for U+202E);
 *   - each byte that does not start valid UTF-8 (stray continuation bytes,
 *     overlong forms, surrogates, past U+10FFFF, a cut-off sequence).
 *
 * Everything else, printable ASCII and valid UTF-8, passes as it is (a
 * backslash too, so "\x1b" typed in a name reads the same as an escaped ESC).
 * The visible form holds printable ASCII only where it differs from s.
 */
#ifndef MT_VISIBLE_H
#define MT_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VIS_BYTE_COLS 4	/* columns of one escaped byte: "\xNN" */

/*
 * The valid UTF-8 character at s (n bytes left) into *cp: its bytes, or 0
 * when s starts none (n 0, a stray or missing continuation byte, an overlong
 * form, a surrogate, past U+10FFFF).  The one UTF-8 decoder of memtui.
 */
size_t vis_utf8(const char *s, size_t n, uint32_t *cp);
/*
 * Bytes of the unit at s (n > 0 bytes left): a valid UTF-8 character, or one
 * byte that does not start one.  *escaped says whether the unit is shown as
 * "\xNN" per byte.
 */
size_t vis_next(const char *s, size_t n, bool *escaped);
/* Whether s shows differently from its bytes (holds something to escape). */
bool vis_needed(const char *s);
/* Writes the visible form of s to out. */
void vis_fputs(FILE *out, const char *s);
/*
 * The same with each ASCII character of from written as the one at its
 * place in to (as long as from): "; " to ":_" keeps a name one field of
 * a collapsed stack.
 */
void vis_fputs_tr(FILE *out, const char *s, const char *from, const char *to);
/*
 * The visible form of s: s itself when nothing needs escaping, otherwise buf
 * (size bytes, at least 8) holding it, cut at a unit and ended with "..."
 * when it does not fit.
 */
const char *vis_str(const char *s, char *buf, size_t size);

#endif
