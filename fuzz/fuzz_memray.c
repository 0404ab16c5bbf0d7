/*
 * fuzz_memray: libFuzzer target for the memray reader.
 *
 * Loads the input through formats_load_mem() (so compressed inputs go
 * through the same decoders as files) and frees whatever capture results.
 * Any crash, sanitizer report, leak or hang is a bug: every input byte is
 * hostile, and a damaged capture must load as truncated or fail with an error.
 *
 * Native traces go through a fake resolver whose answer depends on the
 * address (no frame, one frame, an inline chain, an eval-loop call, a missing
 * image), so the hybrid-stack merge sees every shape the symbolizer can give.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_module(void *ctx, const char *path, const struct native_segment *segs, size_t n,
		       const uint8_t *build_id, size_t id_len)
{
	(void)ctx;
	(void)segs;
	(void)build_id;
	(void)id_len;
	return strlen(path) % 5 == 4 ? -1 : (int)(n % 7);
}

static size_t fake_lookup(void *ctx, int module, uint64_t pc, struct native_symbol *out,
			  size_t max, enum native_source *source)
{
	static const char *const names[] = { "_PyEval_EvalFrameDefault", "f", "g",
					     "_TAIL_CALL_x", "h" };
	size_t n = (size_t)((pc >> 2) % 4);

	(void)ctx;
	if (n > max)
		n = max;
	*source = n ? NATIVE_DWARF : NATIVE_UNNAMED;
	for (size_t i = 0; i < n; i++) {
		out[i].function = names[(pc + i + (uint64_t)module) % 5];
		out[i].file = (pc + i) % 3 ? "f.c" : NULL;
		out[i].line = (uint32_t)(pc % 100);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct native_resolver res = { NULL, fake_module, fake_lookup, NULL };
	struct load_options opt = { .resolver = &res };
	struct capture *cap = NULL;
	struct mt_error err = { 0 };

	if (formats_load_mem(data, size, "fuzz.bin", &opt, &cap, &err) == 0) {
		/* Touch the figures so a lazily built model is exercised too. */
		(void)capture_totals(cap);
		capture_free(cap);
	}
	return 0;
}
