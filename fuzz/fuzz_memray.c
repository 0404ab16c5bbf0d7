/*
 * fuzz_memray: libFuzzer target for the memray reader.
 *
 * Loads the input through formats_load_mem() (so compressed inputs go
 * through the same decoders as files) and frees whatever capture results.
 * Any crash, sanitizer report, leak or hang is a bug: every input byte is
 * hostile, and a damaged capture must load as truncated or fail with an error.
 */
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture *cap = NULL;
	struct mt_error err = { 0 };

	if (formats_load_mem(data, size, "fuzz.bin", &cap, &err) == 0) {
		/* Touch the figures so a lazily built model is exercised too. */
		(void)capture_totals(cap);
		capture_free(cap);
	}
	return 0;
}
