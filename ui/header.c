/*
 * header: the capture's lines above the views, planned as text for the
 * screen's width and height, then drawn; header_rows and header_draw share
 * the plan, so the body always starts right below it.
 *
 * Lines: identity (file, tool, pid, duration), command, figures, then the
 * truncation warning and the capture's own warnings.  Nothing is cut inside a
 * figure: a line that is too long first loses words that can go (the format
 * number, a figure's count), then whole fields in a fixed order of
 * importance (the STEP_* list), and only then is cut, by screen_fit, which
 * never splits a number from its unit.  The file name is cut from the left,
 * keeping its end.  Lines leave the last column blank: a figure ending there
 * could not be told from one cut by the edge.  The figures may take two
 * lines and each warning two on a screen of HEADER_ROOMY_ROWS rows or more;
 * on a screen under HEADER_SHORT_ROWS rows only the figures and the warnings
 * remain, one line each.  Two captures (`memtui A B`): per capture, its
 * identity tagged "A" or "B", its figures on one line and its warnings (the
 * figures alone on short screens).
 */
#include "header.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "eventlog.h"
#include "fmt.h"
#include "timeline.h"

#define HEADER_SHORT_ROWS 16	/* below this: figures and warnings only */
#define HEADER_ROOMY_ROWS 24	/* from this: two lines for the figures and each warning */
#define HEADER_MAX_LINES 16
#define HEADER_LINE_BYTES 1024

struct header_line {
	char text[HEADER_LINE_BYTES];
	enum role role;
};

struct header_plan {
	struct header_line lines[HEADER_MAX_LINES];
	int n;
};

/*
 * A figure: its full text, a brief one (no count, no time; "" when it has
 * none) and the steps from which the brief form shows and the field is gone
 * (0: never).  Steps are tried in order until the fields fit.
 */
struct field {
	char full[160];
	char brief[96];
	int brief_at, drop_at;
};

enum {
	STEP_DROP_SYMBOLS = 1,
	STEP_SUPPRESSED_BRIEF,
	STEP_TEMPORARY_BRIEF,
	STEP_LEAKED_BRIEF,
	STEP_ALLOCATED_BRIEF,
	STEP_DROP_RSS,
	STEP_DROP_SUPPRESSED,
	STEP_DROP_TEMPORARY,
	STEP_PEAK_BRIEF,
	STEP_DROP_ALLOCATED,
	STEP_LAST = STEP_DROP_ALLOCATED,
};

/* Columns a line may take: all but the last, so no figure ends on the screen's edge. */
static int cols(const struct screen *s)
{
	return s->w > 1 ? s->w - 1 : 1;
}

static bool short_screen(const struct screen *s)
{
	return s->h < HEADER_SHORT_ROWS;
}

static struct header_line *add_line(struct header_plan *p, enum role role)
{
	struct header_line *l;

	if (p->n == HEADER_MAX_LINES)
		return NULL;
	l = &p->lines[p->n++];
	l->text[0] = 0;
	l->role = role;
	return l;
}

/* dst = a b c when it fits in size bytes (else dst is unchanged and false). */
static bool join(char *dst, size_t size, const char *a, const char *b, const char *c)
{
	size_t na = strlen(a), nb = strlen(b), nc = strlen(c);

	if (na + nb + nc >= size)
		return false;
	memmove(dst, a, na);
	memcpy(dst + na, b, nb);
	memcpy(dst + na + nb, c, nc);
	dst[na + nb + nc] = 0;
	return true;
}

/* The fields at step: each in the form it has then, or NULL once dropped. */
static const char *field_text(const struct field *f, int step)
{
	if (f->drop_at && step >= f->drop_at)
		return NULL;
	if (f->brief[0] && f->brief_at && step >= f->brief_at)
		return f->brief;
	return f->full;
}

/*
 * Lays fields out at one step, each whole on a line, at most max_lines lines
 * of the screen's width, the first starting with tag and the others with
 * indent.  Returns the lines used, or 0 when they do not fit.
 */
static int try_fields(const struct screen *s, const struct field *f, int n, int step,
		      int max_lines, const char *tag, const char *indent, const char *sep,
		      char lines[][HEADER_LINE_BYTES])
{
	int used = 1;
	bool empty = true;

	join(lines[0], HEADER_LINE_BYTES, tag, "", "");
	for (int i = 0; i < n; i++) {
		const char *t = field_text(&f[i], step);
		char next[HEADER_LINE_BYTES];

		if (!t)
			continue;
		if (join(next, sizeof(next), lines[used - 1], empty ? "" : sep, t) &&
		    screen_text_width(s, next) <= cols(s)) {
			join(lines[used - 1], HEADER_LINE_BYTES, next, "", "");
			empty = false;
			continue;
		}
		if (empty || used == max_lines ||
		    !join(lines[used], HEADER_LINE_BYTES, indent, t, "") ||
		    screen_text_width(s, lines[used]) > cols(s))
			return 0;
		used++;
	}
	return used;
}

/* The fields on at most max_lines lines: the first step at which they fit, else cut. */
static void add_fields(struct header_plan *p, const struct screen *s, const struct field *f,
		       int n, int max_lines, const char *tag, const char *indent, const char *sep,
		       enum role role)
{
	char lines[2][HEADER_LINE_BYTES];
	int used = 0;

	if (max_lines > 2)
		max_lines = 2;
	for (int step = 0; step <= STEP_LAST && !used; step++)
		used = try_fields(s, f, n, step, max_lines, tag, indent, sep, lines);
	if (!used) {
		/* Not even the last step fits: its one line, cut between figures. */
		struct header_line *l = add_line(p, role);
		char all[HEADER_LINE_BYTES];

		join(all, sizeof(all), tag, "", "");
		for (int i = 0; i < n; i++) {
			const char *t = field_text(&f[i], STEP_LAST);

			if (t && strlen(all) > strlen(tag))
				join(all, sizeof(all), all, sep, t);
			else if (t)
				join(all, sizeof(all), all, "", t);
		}
		if (l)
			screen_fit(s, all, cols(s), l->text, sizeof(l->text));
		return;
	}
	for (int i = 0; i < used; i++) {
		struct header_line *l = add_line(p, role);

		if (l)
			join(l->text, sizeof(l->text), lines[i], "", "");
	}
}

/* Text wrapped on at most max_lines lines (continuations start with indent), the last cut. */
static void add_wrapped(struct header_plan *p, const struct screen *s, const char *text,
			int max_lines, const char *indent, enum role role)
{
	const char *rest = text;
	int iw = screen_text_width(s, indent);

	for (int i = 0; i < max_lines && *rest; i++) {
		struct header_line *l = add_line(p, role);
		const char *lead = i ? indent : "";
		int room = cols(s) - (i ? iw : 0);
		char row[HEADER_LINE_BYTES];
		size_t len;

		if (!l)
			return;
		len = screen_wrap_len(s, rest, room > 0 ? room : 1);
		if (i + 1 == max_lines && rest[len])
			screen_fit(s, rest, room, row, sizeof(row));
		else
			snprintf(row, sizeof(row), "%.*s", (int)len, rest);
		snprintf(l->text, sizeof(l->text), "%s%s", lead, row);
		rest += len;
		while (*rest == ' ')
			rest++;
	}
}

/* path in at most max columns, cut from the left so that its end (the file) stays. */
static void fit_path_left(const struct screen *s, const char *path, int max, char *buf,
			  size_t size)
{
	const char *p = path;
	const char *ell = screen_ellipsis(s);

	snprintf(buf, size, "%s", path);
	while (*p && screen_text_width(s, buf) > max) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
		snprintf(buf, size, "%s%s", ell, p);
	}
}

/*
 * tag, file, tool and version (format), pid, duration: the format goes first,
 * then the pid, then the tool; then the file is cut from the left.
 */
static void add_identity(struct header_plan *p, const struct screen *s,
			 const struct explore *ex, const char *tag)
{
	const struct capture_meta *m = capture_meta(ex->cap);
	struct header_line *l = add_line(p, ROLE_HEADER);
	char tool[128], brief[96], pid[32] = "", dur[32] = "", path[HEADER_LINE_BYTES];
	const char *tools[] = { tool, brief, brief, "" };

	if (!l)
		return;
	snprintf(brief, sizeof(brief), "%s%s%s%s", m->format, m->tool_version ? " " : "",
		 m->tool_version ? m->tool_version : "", m->from_cache ? ", cached" : "");
	snprintf(tool, sizeof(tool), "%s (format %s)", brief,
		 m->format_version ? m->format_version : "?");
	if (m->pid >= 0)
		snprintf(pid, sizeof(pid), "  pid %" PRId64, m->pid);
	if (m->duration_ms >= 0)
		snprintf(dur, sizeof(dur), "  %" PRId64 " ms", m->duration_ms);
	for (int step = 0; step < 4; step++) {
		snprintf(l->text, sizeof(l->text), "%s%s%s%s%s%s", tag, ex->path,
			 tools[step][0] ? "  " : "", tools[step], step < 2 ? pid : "", dur);
		if (screen_text_width(s, l->text) <= cols(s))
			return;
	}
	fit_path_left(s, ex->path, cols(s) - screen_text_width(s, tag) - screen_text_width(s, dur),
		      path, sizeof(path));
	snprintf(l->text, sizeof(l->text), "%s%s%s", tag, path, dur);
	if (screen_text_width(s, l->text) > cols(s)) {
		snprintf(path, sizeof(path), "%s", l->text);
		screen_fit(s, path, cols(s), l->text, sizeof(l->text));
	}
}

static void add_command(struct header_plan *p, const struct screen *s, const struct explore *ex)
{
	const struct capture_meta *m = capture_meta(ex->cap);
	struct header_line *l = add_line(p, ROLE_HEADER);
	char text[HEADER_LINE_BYTES];

	if (!l)
		return;
	snprintf(text, sizeof(text), "command  %s", m->command ? m->command : "(unknown)");
	screen_fit(s, text, cols(s), l->text, sizeof(l->text));
}

/*
 * The headline figures, as `memtui report` computes them: peak (and its
 * time), allocated, temporary allocations, leaked (bytes after the tool's
 * suppressions; allocations with the suppressed ones, as the report counts
 * them), what the suppressions removed, the largest RSS sample, and the share
 * of native frames named (first to go when the line is short).
 * Fields the capture has no figure for are left out.  Returns their number.
 */
static int figures(const struct explore *ex, struct field *f)
{
	const struct capture *cap = ex->cap;
	const struct report *r = &ex->base;
	const struct capture_totals *t = capture_totals(cap);
	const struct rss_sample *rss;
	uint64_t max_rss = 0;
	char b[32];
	size_t n_rss;
	int n = 0;

	memset(f, 0, 7 * sizeof(*f));
	fmt_bytes(t->peak_bytes, b, sizeof(b));
	snprintf(f[n].brief, sizeof(f[n].brief), "peak %s", b);
	/* The moment rule (timeline.h): an aggregated capture's peak has no time. */
	if (t->peak_ev_idx == UINT64_MAX || timeline_moment_ms(cap, t->peak_ev_idx) < 0)
		snprintf(f[n].full, sizeof(f[n].full), "peak %s", b);
	else
		snprintf(f[n].full, sizeof(f[n].full), "peak %s at %" PRId64 " ms", b,
			 timeline_moment_ms(cap, t->peak_ev_idx));
	f[n++].brief_at = STEP_PEAK_BRIEF;

	if (capture_meta(cap)->has_totals) {
		fmt_bytes((int64_t)t->alloc_bytes, b, sizeof(b));
		snprintf(f[n].full, sizeof(f[n].full), "allocated %s in %" PRIu64 " allocations", b,
			 t->alloc_count);
		snprintf(f[n].brief, sizeof(f[n].brief), "allocated %s", b);
	} else {
		snprintf(f[n].full, sizeof(f[n].full), "allocated: unknown (aggregated)");
		snprintf(f[n].brief, sizeof(f[n].brief), "allocated: unknown");
	}
	f[n].brief_at = STEP_ALLOCATED_BRIEF;
	f[n++].drop_at = STEP_DROP_ALLOCATED;

	if (metric_available(cap, METRIC_TEMPORARY)) {
		snprintf(f[n].full, sizeof(f[n].full), "%" PRIu64 " temporary allocations",
			 t->temporary_count);
		snprintf(f[n].brief, sizeof(f[n].brief), "%" PRIu64 " temporary",
			 t->temporary_count);
		f[n].brief_at = STEP_TEMPORARY_BRIEF;
		f[n++].drop_at = STEP_DROP_TEMPORARY;
	}

	fmt_bytes(r->leaks.total_bytes, b, sizeof(b));
	snprintf(f[n].full, sizeof(f[n].full), "leaked %s in %" PRId64 " allocations", b,
		 r->leaks.total_count + r->suppressed.total_count);
	snprintf(f[n].brief, sizeof(f[n].brief), "leaked %s", b);
	f[n++].brief_at = STEP_LEAKED_BRIEF;

	if (r->suppressed.total_bytes || r->suppressed.total_count) {
		fmt_bytes(r->suppressed.total_bytes, b, sizeof(b));
		snprintf(f[n].full, sizeof(f[n].full), "suppressed %s in %" PRId64 " allocations",
			 b, r->suppressed.total_count);
		snprintf(f[n].brief, sizeof(f[n].brief), "suppressed %s", b);
		f[n].brief_at = STEP_SUPPRESSED_BRIEF;
		f[n++].drop_at = STEP_DROP_SUPPRESSED;
	}

	rss = capture_rss(cap, &n_rss);
	for (size_t i = 0; i < n_rss; i++)
		if (rss[i].rss_bytes > max_rss)
			max_rss = rss[i].rss_bytes;
	if (n_rss) {
		snprintf(f[n].full, sizeof(f[n].full), "peak RSS %s",
			 fmt_bytes((int64_t)max_rss, b, sizeof(b)));
		f[n++].drop_at = STEP_DROP_RSS;
	}

	/* How many looked-up native addresses were named (the report's "symbols" lines). */
	if (capture_symbol_named_pct(cap) >= 0) {
		snprintf(f[n].full, sizeof(f[n].full), "native frames %d%% named",
			 capture_symbol_named_pct(cap));
		f[n++].drop_at = STEP_DROP_SYMBOLS;
	}
	return n;
}

static void add_figures(struct header_plan *p, const struct screen *s,
			const struct explore *ex, int max_lines, const char *tag)
{
	struct field f[7];
	int n = figures(ex, f);

	add_fields(p, s, f, n, max_lines, tag, "", "   ", ROLE_HEADER);
}

/*
 * Damage found in the events after the capture opened (a .mtui read in
 * place), the truncation warning, then the capture's warnings: a count and
 * the first.
 */
static void add_warnings(struct header_plan *p, const struct screen *s,
			 const struct explore *ex, int max_lines, const char *indent)
{
	const struct capture_meta *m = capture_meta(ex->cap);
	size_t n = m->n_warnings + m->n_warnings_dropped;
	char text[HEADER_LINE_BYTES];
	const char *damage = capture_damage(ex->cap);

	if (damage) {
		snprintf(text, sizeof(text), "%sWARNING: damaged: %s; figures read from the events "
			 "after it are missing (memtui report FILE says where)", indent, damage);
		add_wrapped(p, s, text, max_lines, indent, ROLE_WARNING);
	}
	if (m->truncated) {
		snprintf(text, sizeof(text),
			 "%sWARNING: truncated at byte %" PRIu64 "%s%s: figures cover the data "
			 "before it",
			 indent, m->truncated_at, m->truncated_why ? ": " : "",
			 m->truncated_why ? m->truncated_why : "");
		add_wrapped(p, s, text, max_lines, indent, ROLE_WARNING);
	}
	if (m->inconsistent) {
		snprintf(text, sizeof(text), "%sWARNING: inconsistent: %s; figures are as recorded",
			 indent, m->inconsistent_why);
		add_wrapped(p, s, text, max_lines, indent, ROLE_WARNING);
	}
	if (!m->n_warnings)
		return;
	if (n == 1)
		snprintf(text, sizeof(text), "%swarning: %s", indent, m->warnings[0]);
	else
		snprintf(text, sizeof(text), "%swarning 1 of %zu: %s", indent, n, m->warnings[0]);
	add_wrapped(p, s, text, max_lines, indent, ROLE_WARNING);
}

static void plan(const struct app *app, const struct screen *s, struct header_plan *p)
{
	int lines = s->h >= HEADER_ROOMY_ROWS ? 2 : 1;

	p->n = 0;
	if (app->ex_b) {
		const struct explore *side[2] = { app->ex, app->ex_b };
		const char *tag[2] = { "A  ", "B  " };

		for (int i = 0; i < 2; i++) {
			if (!short_screen(s)) {
				add_identity(p, s, side[i], tag[i]);
				add_figures(p, s, side[i], 1, "   ");
			} else {
				add_figures(p, s, side[i], 1, tag[i]);
			}
			add_warnings(p, s, side[i], 1, "   ");
		}
		return;
	}
	if (short_screen(s)) {
		add_figures(p, s, app->ex, 1, "");
		add_warnings(p, s, app->ex, 1, "");
		return;
	}
	add_identity(p, s, app->ex, "");
	add_command(p, s, app->ex);
	add_figures(p, s, app->ex, lines, "");
	add_warnings(p, s, app->ex, lines, "");
}

int header_rows(const struct app *app, const struct screen *s)
{
	struct header_plan p;

	plan(app, s, &p);
	return p.n;
}

void header_draw(const struct app *app, struct screen *s, int y)
{
	struct header_plan p;

	plan(app, s, &p);
	for (int i = 0; i < p.n; i++, y++) {
		if (p.lines[i].role == ROLE_HEADER)
			screen_fill(s, 0, y, s->w, ' ', ROLE_HEADER);
		screen_text(s, 0, y, s->w, p.lines[i].text, p.lines[i].role);
	}
}
