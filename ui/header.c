/*
 * header: three lines (identity, command, figures) and one per warning; on a
 * screen under 16 rows only the figures and the truncation warning remain.
 * Two captures (`memtui A B`): per capture, its identity and its figures
 * (the figures alone on short screens), each line tagged "A" or "B".
 */
#include "header.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "fmt.h"

static bool short_screen(const struct screen *s)
{
	return s->h < 16;
}

static int rows_of(const struct explore *ex, int lines)
{
	return lines + (capture_meta(ex->cap)->truncated ? 1 : 0);
}

int header_rows(const struct app *app, const struct screen *s)
{
	if (app->ex_b)
		return rows_of(app->ex, short_screen(s) ? 1 : 2) +
		       rows_of(app->ex_b, short_screen(s) ? 1 : 2);
	return rows_of(app->ex, short_screen(s) ? 1 : 3);
}

static void identity_line(const struct explore *ex, const char *tag, char *buf, size_t size)
{
	const struct capture_meta *m = capture_meta(ex->cap);
	size_t n;

	n = (size_t)snprintf(buf, size, "%s%s  %s %s (format %s)", tag, ex->path, m->format,
			     m->tool_version ? m->tool_version : "",
			     m->format_version ? m->format_version : "?");
	if (m->pid >= 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  pid %" PRId64, m->pid);
	if (m->duration_ms >= 0 && n < size)
		snprintf(buf + n, size - n, "  %" PRId64 " ms", m->duration_ms);
}

static void figures_line(const struct explore *ex, const char *tag, char *buf, size_t size)
{
	const struct capture *cap = ex->cap;
	const struct report *r = &ex->base;
	const struct capture_totals *t = capture_totals(cap);
	char peak[32], alloc[32], leak[32];
	size_t n;

	fmt_bytes(t->peak_bytes, peak, sizeof(peak));
	fmt_bytes(r->leaks.total_bytes, leak, sizeof(leak));
	if (t->peak_ev_idx == UINT64_MAX)
		n = (size_t)snprintf(buf, size, "%speak %s", tag, peak);
	else
		n = (size_t)snprintf(buf, size, "%speak %s at %" PRId64 " ms", tag, peak,
				     capture_time_at(cap, t->peak_ev_idx));
	if (n >= size)
		return;
	if (capture_meta(cap)->has_totals)
		n += (size_t)snprintf(
			buf + n, size - n, "   allocated %s in %" PRIu64 " allocations",
			fmt_bytes((int64_t)t->alloc_bytes, alloc, sizeof(alloc)), t->alloc_count);
	else
		n += (size_t)snprintf(buf + n, size - n, "   allocated: unknown (aggregated)");
	if (n >= size)
		return;
	snprintf(buf + n, size - n, "   leaked %s in %" PRId64 " allocations", leak,
		 r->leaks.total_count + r->suppressed.total_count);
}

static int line(struct screen *s, int y, const char *text)
{
	screen_fill(s, 0, y, s->w, ' ', ROLE_HEADER);
	screen_text(s, 0, y, s->w, text, ROLE_HEADER);
	return y + 1;
}

static int warning(struct screen *s, int y, const struct capture_meta *m, const char *tag)
{
	char text[1024];

	if (!m->truncated)
		return y;
	snprintf(text, sizeof(text),
		 "%sWARNING: truncated at byte %" PRIu64 "%s%s: figures cover the data before it",
		 tag, m->truncated_at, m->truncated_why ? ": " : "",
		 m->truncated_why ? m->truncated_why : "");
	screen_text(s, 0, y, s->w, text, ROLE_WARNING);
	return y + 1;
}

/* One capture of two: identity (unless short) and figures, tagged. */
static int draw_side(const struct explore *ex, const char *tag, struct screen *s, int y)
{
	char text[1024];

	if (!short_screen(s)) {
		identity_line(ex, tag, text, sizeof(text));
		y = line(s, y, text);
		figures_line(ex, "   ", text, sizeof(text));
	} else {
		figures_line(ex, tag, text, sizeof(text));
	}
	y = line(s, y, text);
	return warning(s, y, capture_meta(ex->cap), "   ");
}

void header_draw(const struct app *app, struct screen *s, int y)
{
	const struct capture_meta *m = capture_meta(app->ex->cap);
	char text[1024];

	if (app->ex_b) {
		y = draw_side(app->ex, "A  ", s, y);
		draw_side(app->ex_b, "B  ", s, y);
		return;
	}
	if (!short_screen(s)) {
		identity_line(app->ex, "", text, sizeof(text));
		y = line(s, y, text);
		snprintf(text, sizeof(text), "command  %s", m->command ? m->command : "(unknown)");
		y = line(s, y, text);
	}
	figures_line(app->ex, "", text, sizeof(text));
	y = line(s, y, text);
	warning(s, y, m, "");
}
