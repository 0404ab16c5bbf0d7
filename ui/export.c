/*
 * export: the file side of w (names, formats, creating the file) and the
 * report options of the tree, which every view's export starts from.
 *
 * The view writes into memory first (open_memstream), so a view that
 * refuses, or fails half-way, leaves no file behind; the file is then made
 * with O_EXCL, so an existing file (a capture among them) is never
 * overwritten, whatever happened between the prompt and Enter.
 */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "xalloc.h"

#define EXPORT_MAX_SUFFIX 999	/* -2 .. -999 tried for a free default name */

void export_tree_options(const struct app *app, struct export_options *eo)
{
	const struct explore *ex = app->ex;
	const struct thread_table *tt = &ex->base.threads;
	size_t n = 0;

	memset(eo, 0, sizeof(*eo));
	report_options_init(&eo->report);
	eo->report.metric = app->metric;
	eo->report.direction = app->dir;
	eo->report.order = app->order;
	if (ex->folding) {
		eo->report.fold = *explore_fold_rules(ex);
	} else {	/* z off: nothing folds, neither presets nor --fold rules */
		eo->report.fold.presets = false;
		eo->report.fold.n_patterns = 0;
	}
	if (ex->threads.n) {
		eo->thread_specs = xcalloc(tt->n ? tt->n : 1, sizeof(*eo->thread_specs));
		for (size_t i = 0; i < tt->n; i++) {
			char tid[24];

			if (!thread_filter_has(&ex->threads, tt->rows[i].stack))
				continue;
			snprintf(tid, sizeof(tid), "%" PRIu64, tt->rows[i].tid);
			eo->thread_specs[n++] = xstrdup(tid);
		}
		eo->report.threads = (const char *const *)eo->thread_specs;
		eo->report.n_threads = n;
	}
}

void export_options_release(struct export_options *eo)
{
	for (size_t i = 0; i < eo->report.n_threads; i++)
		free(eo->thread_specs[i]);
	free(eo->thread_specs);
	eo->thread_specs = NULL;
	eo->report.threads = NULL;
	eo->report.n_threads = 0;
}

int export_tree(const struct app *app, FILE *out, enum report_format format, char *why,
		size_t why_size)
{
	struct export_options eo;
	struct report r;

	(void)why;
	(void)why_size;
	export_tree_options(app, &eo);
	eo.report.format = format;
	eo.report.write_only = true;
	/* The focus (F, the flame graph's zoom): the report's tree from the same node. */
	eo.report.focus_len = app_focus(app, &eo.report.focus_keys);
	report_compute(&r, app->ex->cap, app->ex->path, &eo.report);
	report_write(out, &r);
	report_release(&r);
	export_options_release(&eo);
	return 0;
}

static const struct {
	const char *ext;
	enum report_format format;
} extensions[] = {
	{ ".txt", REPORT_TEXT },	     { ".json", REPORT_JSON },
	{ ".csv", REPORT_CSV },		     { ".folded", REPORT_COLLAPSED },
	{ ".collapsed", REPORT_COLLAPSED },
};

int export_format_of(const char *name, enum report_format *format)
{
	const char *dot = strrchr(name, '.');

	if (!dot || strchr(dot, '/'))
		return -1;
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		if (!strcmp(dot, extensions[i].ext)) {
			*format = extensions[i].format;
			return 0;
		}
	}
	return -1;
}

const char *export_format_name(enum report_format format)
{
	static const char *const names[] = {
		[REPORT_TEXT] = "text",
		[REPORT_JSON] = "json",
		[REPORT_CSV] = "csv",
		[REPORT_COLLAPSED] = "collapsed",
	};

	return names[format];
}

/* Whether s ends with suffix; if so, cuts it off. */
static bool cut_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n <= k || strcmp(s + n - k, suffix))
		return false;
	s[n - k] = 0;
	return true;
}

/* Cuts a trailing ".DIGITS" (a process id: heaptrack.prog.1234, forking.bin.21707). */
static void cut_pid(char *s)
{
	char *dot = strrchr(s, '.');

	if (!dot || dot == s || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1))
		return;
	*dot = 0;
}

/* The capture's base name as a file name stem: "heaptrack.stages.zst" -> "stages". */
static void capture_stem(const char *path, char *buf, size_t size)
{
	static const char *const packed[] = { ".zst", ".gz", ".lz4", ".xz", ".bz2" };
	static const char *const kinds[] = { ".bin", ".mtui", ".dat", ".txt" };
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(buf, size, "%s", !strncmp(base, "heaptrack.", 10) && base[10] ? base + 10 : base);
	for (size_t i = 0; i < sizeof(packed) / sizeof(packed[0]); i++)
		if (cut_suffix(buf, packed[i]))
			break;
	cut_pid(buf);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (cut_suffix(buf, kinds[i]))
			break;
	/* A stem that would start a hidden file or an option reads as a plain word. */
	if (!buf[0] || buf[0] == '.' || buf[0] == '-')
		snprintf(buf, size, "memtui");
}

void export_default_name(const struct app *app, const struct view *v, char *buf, size_t size)
{
	char stem[128], view[64];
	struct stat st;

	capture_stem(app->ex->path, stem, sizeof(stem));
	snprintf(view, sizeof(view), "%s", v->ops->name);
	for (char *p = view; *p; p++)
		if (*p == ' ')
			*p = '-';
	snprintf(buf, size, "%s-%s.txt", stem, view);
	for (int k = 2; k <= EXPORT_MAX_SUFFIX && lstat(buf, &st) == 0; k++)
		snprintf(buf, size, "%s-%s-%d.txt", stem, view, k);
}

/* n with thousands separators: "1,234". */
static char *grouped(uint64_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, n), used = 0;

	for (size_t i = 0; i < len && used + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[used++] = ',';
		buf[used++] = digits[i];
	}
	buf[used] = 0;
	return buf;
}

/* Whether name is one of the captures being explored (the same file, by inode). */
static bool is_capture(const struct app *app, const char *name)
{
	const char *paths[2] = { app->ex->path, app->ex_b ? app->ex_b->path : NULL };
	struct stat sn, sc;

	if (stat(name, &sn) < 0)
		return false;
	for (int i = 0; i < 2; i++)
		if (paths[i] && stat(paths[i], &sc) == 0 && sc.st_dev == sn.st_dev &&
		    sc.st_ino == sn.st_ino)
			return true;
	return false;
}

/* Creates name (which must not exist) holding the n bytes of data; 0 or -errno. */
static int create_file(const char *name, const char *data, size_t n)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666), rc = 0;
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < n) {
		ssize_t w = write(fd, data + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)w;
	}
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (rc)
		unlink(name);
	return rc;
}

int export_write(struct app *app, const struct view *v, const char *name)
{
	enum report_format format;
	char why[256] = "", lines[32];
	char *data = NULL;
	size_t n = 0, n_lines = 0;
	FILE *mem;
	int rc = -1;

	if (!*name) {
		app_message(app, "no file name: nothing written");
		return -1;
	}
	if (export_format_of(name, &format) < 0) {
		app_message(app, "%s: name a format by its extension: .txt, .json, .csv, .folded "
			    "or .collapsed", name);
		return -1;
	}
	if (!v->ops->export) {
		app_message(app, "the %s view has no report form: nothing to write", v->ops->name);
		return -1;
	}
	if (is_capture(app, name)) {
		app_message(app, "%s is the capture: memtui never writes its input", name);
		return -1;
	}
	mem = open_memstream(&data, &n);
	if (!mem) {
		app_message(app, "%s: %s", name, strerror(errno));
		return -1;
	}
	if (v->ops->export(v, app, mem, format, why, sizeof(why)) < 0) {
		fclose(mem);
		app_message(app, "%s", why);
		goto out;
	}
	if (fclose(mem) != 0) {
		app_message(app, "%s: %s", name, strerror(errno));
		goto out;
	}
	rc = create_file(name, data, n);
	if (rc == -EEXIST) {
		app_message(app, "%s exists: nothing written (w never overwrites a file)", name);
	} else if (rc < 0) {
		app_message(app, "%s: %s", name, strerror(-rc));
	} else {
		for (size_t i = 0; i < n; i++)
			n_lines += data[i] == '\n';
		app_message(app, "wrote %s (%s line%s, %s)", name,
			    grouped(n_lines, lines, sizeof(lines)), n_lines == 1 ? "" : "s",
			    export_format_name(format));
	}
out:
	free(data);
	return rc < 0 ? -1 : 0;
}
