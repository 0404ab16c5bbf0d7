/*
 * report_collapsed: Brendan Gregg's folded stacks ("a;b;c 1234"), one line
 * per call path with a nonzero weight in the chosen metric, frames from the
 * root to the allocating frame.  flamegraph.pl, inferno and speedscope read
 * it.  Frame names have ';' replaced by ':' (it separates frames), and their
 * control characters (newlines too) in the visible form (visible.h, "\x0a").
 * Python frames carry their file and line ("fn (file.py:12)") so distinct
 * lines stay distinct; native frames are named by function or module+offset.
 * The CSV writer names its paths the same way (report_write_path).  Folded
 * frames (fold.h) are left out of the paths, and paths that become equal are
 * one line (report_path_weights), so the weights still add up to the total.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "visible.h"
#include "xalloc.h"

static void put_frame(FILE *out, const struct capture *cap, uint32_t frame)
{
	const struct frame *f = capture_frame(cap, frame);
	char label[256];

	vis_fputs_tr(out, capture_frame_label(cap, frame, label, sizeof(label)), ";", ":");
	if (f->kind == FRAME_PYTHON && f->file) {
		const char *file = capture_string(cap, f->file);
		const char *slash = strrchr(file, '/');

		fputs(" (", out);
		vis_fputs_tr(out, slash ? slash + 1 : file, ";", ":");
		fprintf(out, ":%u)", f->line);
	}
}

void report_write_path(FILE *out, const struct capture *cap, uint32_t stack, char sep,
		       const struct fold_mask *fold)
{
	uint32_t depth = capture_stack_call_depth(cap, stack);
	uint32_t *path = xmalloc((depth ? depth : 1) * sizeof(*path));
	uint32_t written = 0;

	for (uint32_t i = depth, s = stack; i-- > 0; s = capture_stack(cap, s)->parent)
		path[i] = capture_stack(cap, s)->frame;
	for (uint32_t i = 0; i < depth; i++) {
		if (fold_mask_has(fold, path[i]))
			continue;
		if (written++)
			fputc(sep, out);
		put_frame(out, cap, path[i]);
	}
	if (!written)
		fputs("<root>", out);
	free(path);
}

void report_write_collapsed(FILE *out, const struct report *r)
{
	int64_t *bytes, *count;

	report_path_weights(r, &bytes, &count);
	for (uint32_t s = 0; s < r->weights.n; s++) {
		if (bytes[s] <= 0)
			continue;
		report_write_path(out, r->cap, s, ';', &r->fold);
		fprintf(out, " %" PRId64 "\n", bytes[s]);
	}
	free(bytes);
	free(count);
}
