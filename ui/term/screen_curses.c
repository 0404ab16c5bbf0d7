/*
 * screen_curses: presents the grid with ncursesw and reads keys.
 *
 * Every present rewrites the whole grid into stdscr; curses then sends only
 * what changed.  Keys are read in raw mode, so Ctrl-C arrives as a key (the
 * app quits cleanly, or cancels a load) instead of a signal.
 */
#include "screen_curses.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "keys.h"
#include "xalloc.h"

/*
 * Colours per role: 256-colour (fg, bg, attributes), 8-colour, and none. -1 =
 * default.  Without colour, the selection is the one role in reverse video,
 * bold and underlined at once: the flame graph's alternate frames are in
 * reverse video too, and the cursor must stand out from them.
 */
static const struct {
	short fg256, bg256;
	unsigned attr256;
	short fg8, bg8;
	unsigned attr8;
	unsigned attr_mono;
} theme[ROLE__COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0, -1, -1, 0, 0 },
	[ROLE_HEADER] = { 231, 24, 0, COLOR_WHITE, COLOR_BLUE, 0, A_BOLD },
	[ROLE_TITLE] = { 252, 236, A_BOLD, COLOR_WHITE, COLOR_BLACK, A_BOLD, A_UNDERLINE },
	[ROLE_STATUS] = { 16, 250, 0, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_SELECTED] = { 231, 31, A_BOLD, COLOR_BLACK, COLOR_WHITE, 0,
			    A_REVERSE | A_BOLD | A_UNDERLINE },
	[ROLE_MATCH] = { 16, 220, A_BOLD, COLOR_BLACK, COLOR_YELLOW, 0, A_UNDERLINE | A_BOLD },
	[ROLE_BAR] = { 35, -1, 0, COLOR_GREEN, -1, 0, 0 },
	[ROLE_WARNING] = { 196, -1, A_BOLD, COLOR_RED, -1, A_BOLD, A_BOLD },
	[ROLE_GROWTH] = { 203, -1, 0, COLOR_RED, -1, 0, A_BOLD },
	[ROLE_SHRINK] = { 77, -1, 0, COLOR_GREEN, -1, 0, 0 },
	[ROLE_DIM] = { 245, -1, 0, COLOR_CYAN, -1, 0, A_DIM },
	[ROLE_FRAME_A] = { 16, 216, 0, COLOR_BLACK, COLOR_YELLOW, 0, 0 },
	[ROLE_FRAME_B] = { 16, 180, 0, COLOR_BLACK, COLOR_RED, 0, A_REVERSE },
};

struct curses_state {
	SCREEN *term;
	attr_t attr[ROLE__COUNT];
	short pair[ROLE__COUNT];
};

static void setup_colors(struct screen *s, struct curses_state *cs)
{
	const char *no_color = getenv("NO_COLOR");

	s->colors = 0;
	if ((!no_color || !*no_color) && has_colors() && start_color() == OK) {
		use_default_colors();
		s->colors = COLORS >= 256 ? 256 : 8;
	}
	for (int r = 0; r < ROLE__COUNT; r++) {
		cs->pair[r] = 0;
		if (s->colors == 0) {
			cs->attr[r] = theme[r].attr_mono;
			continue;
		}
		cs->pair[r] = (short)(r + 1);
		if (s->colors == 256) {
			init_pair(cs->pair[r], theme[r].fg256, theme[r].bg256);
			cs->attr[r] = theme[r].attr256;
		} else {
			init_pair(cs->pair[r], theme[r].fg8, theme[r].bg8);
			cs->attr[r] = theme[r].attr8;
		}
	}
}

static void curses_present(struct screen *s)
{
	struct curses_state *cs = s->be_state;

	for (int y = 0; y < s->h; y++) {
		move(y, 0);
		for (int x = 0; x < s->w; x++) {
			const struct cell *c = screen_cell(s, x, y);
			wchar_t wc[2] = { (wchar_t)c->cp, 0 };
			cchar_t cc;

			if (c->cp == SCREEN_WIDE_TAIL)
				continue;
			setcchar(&cc, wc, cs->attr[c->role], cs->pair[c->role], NULL);
			mvadd_wch(y, x, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static int map_key(int code)
{
	switch (code) {
	case KEY_UP:
		return MK_UP;
	case KEY_DOWN:
		return MK_DOWN;
	case KEY_LEFT:
		return MK_LEFT;
	case KEY_RIGHT:
		return MK_RIGHT;
	case KEY_PPAGE:
		return MK_PGUP;
	case KEY_NPAGE:
		return MK_PGDN;
	case KEY_HOME:
		return MK_HOME;
	case KEY_END:
		return MK_END;
	case KEY_F(1):
		return MK_F1;
	case KEY_BTAB:
		return MK_BTAB;
	case KEY_DC:
		return MK_DELETE;
	case KEY_BACKSPACE:
		return MK_BACKSPACE;
	case KEY_ENTER:
		return MK_ENTER;
	default:
		return MK_NONE;
	}
}

static int curses_read_key(struct screen *s, int timeout_ms)
{
	wint_t wch;
	int rc;

	timeout(timeout_ms);
	rc = get_wch(&wch);
	if (rc == ERR)
		return MK_NONE;
	if (rc == KEY_CODE_YES) {
		if (wch == KEY_RESIZE) {
			int h, w;

			getmaxyx(stdscr, h, w);
			screen_resize(s, w, h);
			return MK_RESIZE;
		}
		return map_key((int)wch);
	}
	if (wch == '\r' || wch == '\n')
		return MK_ENTER;
	if (wch == 127 || wch == 8)
		return MK_BACKSPACE;
	return (int)wch;
}

static void curses_invalidate(struct screen *s)
{
	(void)s;
	clearok(curscr, TRUE);
}

static void curses_end(struct screen *s)
{
	struct curses_state *cs = s->be_state;

	endwin();
	delscreen(cs->term);
	free(cs);
	s->be_state = NULL;
}

static void curses_suspend(struct screen *s)
{
	(void)s;
	def_prog_mode();
	endwin();
}

static void curses_resume(struct screen *s)
{
	(void)s;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

static const struct screen_backend curses_backend = {
	curses_present,
	curses_read_key,
	curses_invalidate,
	curses_end,
	curses_suspend,
	curses_resume,
};

int screen_curses_usable(struct mt_error *err)
{
	const char *term = getenv("TERM");
	int found = 0;
	bool addressing;
	char *cup;

	if (setupterm(NULL, STDOUT_FILENO, &found) != OK)
		return mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET,
				    "TERM=%s: unknown terminal type; 'memtui report' prints text "
				    "instead", term ? term : "");
	cup = tigetstr("cup");
	addressing = cup && cup != (char *)-1;
	del_curterm(cur_term);
	if (!addressing)
		return mt_error_set(err, MT_ERR_USAGE, MT_NO_OFFSET,
				    "TERM=%s cannot move the cursor; 'memtui report' prints text "
				    "instead", term ? term : "");
	return 0;
}

int screen_curses_init(struct screen *s, struct mt_error *err)
{
	struct curses_state *cs = xcalloc(1, sizeof(*cs));
	int h, w;

	cs->term = newterm(NULL, stdout, stdin);
	if (!cs->term) {
		const char *term = getenv("TERM");

		free(cs);
		return mt_error_set(err, MT_ERR_IO, MT_NO_OFFSET,
				    "cannot use the terminal (TERM=%s)", term ? term : "");
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	getmaxyx(stdscr, h, w);
	screen_init(s, w, h, screen_locale_utf8(), &curses_backend, cs);
	setup_colors(s, cs);
	return 0;
}
