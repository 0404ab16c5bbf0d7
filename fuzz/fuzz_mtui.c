/*
 * fuzz_mtui: libFuzzer target for the readers of memtui's own format (.mtui).
 *
 * Each input is read both ways: front to back through the registry (codec
 * detection and probe included), and in place (formats/mtui_map.c) from a
 * memfd, whose capture is then read to its end by a cursor and by
 * capture_live_at(), so that the lazy checks of event chunks run too.
 * Seeds: the .mtui samples (under 64 KiB).  Their sections carry crc32s, so
 * most mutations end the load at the section they hit; the fuzzer still
 * reaches every parser through the sections before it, and through the
 * mutations that keep a crc, which it learns from the comparison.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "eventlog.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every event of cap, and the live heap at the end. */
static void read_all(const struct capture *cap)
{
	uint32_t n = capture_stack_count(cap);
	int64_t *bytes = calloc(n, sizeof(*bytes)), *count = calloc(n, sizeof(*count));
	struct event_cursor c;
	struct event ev;

	event_cursor_init(&c, cap, 0);
	while (event_cursor_next(&c, &ev))
		;
	event_cursor_release(&c);
	if (bytes && count && capture_totals(cap)->events)
		capture_live_at(cap, capture_totals(cap)->events - 1, bytes, count);
	free(bytes);
	free(count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_options lazy = { .lazy = true };
	struct capture *cap = NULL;
	struct mt_error err;
	char path[64];
	int fd;

	if (formats_load_mem(data, size, "fuzz", NULL, &cap, &err) == 0)
		capture_free(cap);
	fd = memfd_create("fuzz.mtui", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (formats_load(path, &lazy, &cap, &err) == 0) {
			read_all(cap);
			capture_free(cap);
		}
	}
	close(fd);
	return 0;
}
