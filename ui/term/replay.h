/*
 * replay: the key sequences of the headless mode (`memtui --replay KEYS`).
 *
 * Syntax: every character is the key that types it; a name in angle
 * brackets is a special key, as the help screen names it: <Enter> <Esc>
 * <Tab> <S-Tab> <BS> <Backspace> <Up> <Down> <Left> <Right> <PgUp> <PgDn>
 * <Home> <End> <F1> <Space> <Ctrl-L> (or <C-l>), <lt> for '<' itself; and
 * <resize WxH> resizes the screen as a terminal would.  A newline is Enter.
 * Example: "jjl/main<Enter>n<resize 80x24>q".
 */
#ifndef MT_REPLAY_H
#define MT_REPLAY_H

#include <stddef.h>

#include "error.h"
#include "screen_mem.h"

/*
 * Parses keys into *out (owned by the caller: free) of *n entries.
 * Returns 0, or -MT_ERR_USAGE with the reason in err.
 */
int replay_parse(const char *keys, struct mem_key **out, size_t *n, struct mt_error *err);
/* Parses "WxH" (each 1..1000); -1 if malformed. */
int replay_parse_size(const char *s, int *w, int *h);

#endif
