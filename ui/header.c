/*
 * header: three lines (identity, command, figures) and one per warning; on a
 * screen under 16 rows only the figures and the truncation warning remain.
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

int header_rows(const struct app *app, const struct screen *s)
{
	const struct capture_meta *m = capture_meta(app->ex->cap);

	return (short_screen(s) ? 1 : 3) + (m->truncated ? 1 : 0);
}

static void identity_line(const struct app *app, char *buf, size_t size)
{
	const struct capture_meta *m = capture_meta(app->ex->cap);
	size_t n;

	n = (size_t)snprintf(buf, size, "%s  %s %s (format %s)", app->ex->path, m->format,
			     m->tool_version ? m->tool_version : "", m->format_version ? m->format_version : "?");
	if (m->pid >= 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, "  pid %" PRId64, m->pid);
	if (m->duration_ms >= 0 && n < size)
		snprintf(buf + n, size - n, "  %" PRId64 " ms", m->duration_ms);
}

static void figures_line(const struct app *app, char *buf, size_t size)
{
	const struct capture *cap = app->ex->cap;
	const struct report *r = &app->ex->base;
	const struct capture_totals *t = capture_totals(cap);
	char peak[32], alloc[32], leak[32];
	size_t n;

	fmt_bytes(t->peak_bytes, peak, sizeof(peak));
	fmt_bytes(r->leaks.total_bytes, leak, sizeof(leak));
	if (t->peak_ev_idx == UINT64_MAX)
		n = (size_t)snprintf(buf, size, "peak %s", peak);
	else
		n = (size_t)snprintf(buf, size, "peak %s at %" PRId64 " ms", peak,
				     capture_time_at(cap, t->peak_ev_idx));
	if (n >= size)
		return;
	if (capture_meta(cap)->has_totals)
		n += (size_t)snprintf(buf + n, size - n, "   allocated %s in %" PRIu64 " allocations",
				      fmt_bytes((int64_t)t->alloc_bytes, alloc, sizeof(alloc)),
				      t->alloc_count);
	else
		n += (size_t)snprintf(buf + n, size - n, "   allocated: unknown (aggregated)");
	if (n >= size)
		return;
	snprintf(buf + n, size - n, "   leaked %s in %" PRId64 " allocations", leak,
		 r->leaks.total_count + r->suppressed.total_count);
}

void header_draw(const struct app *app, struct screen *s, int y)
{
	const struct capture_meta *m = capture_meta(app->ex->cap);
	char line[1024];

	if (!short_screen(s)) {
		identity_line(app, line, sizeof(line));
		screen_fill(s, 0, y, s->w, ' ', ROLE_HEADER);
		screen_text(s, 0, y++, s->w, line, ROLE_HEADER);
		snprintf(line, sizeof(line), "command  %s", m->command ? m->command : "(unknown)");
		screen_fill(s, 0, y, s->w, ' ', ROLE_HEADER);
		screen_text(s, 0, y++, s->w, line, ROLE_HEADER);
	}
	figures_line(app, line, sizeof(line));
	screen_fill(s, 0, y, s->w, ' ', ROLE_HEADER);
	screen_text(s, 0, y++, s->w, line, ROLE_HEADER);
	if (m->truncated) {
		snprintf(line, sizeof(line),
			 "WARNING: truncated at byte %" PRIu64 "%s%s: figures cover the data before it",
			 m->truncated_at, m->truncated_why ? ": " : "",
			 m->truncated_why ? m->truncated_why : "");
		screen_text(s, 0, y, s->w, line, ROLE_WARNING);
	}
}
