/*
 * fuzz_mtui: libFuzzer target for the reader of memtui's own format (.mtui).
 *
 * Loads the input through the registry (so the codec detection and the probe
 * run too) and frees the result.  Seeds: the .mtui samples (under 64 KiB;
 * their sections carry crc32s, so most mutations end the load at the section
 * they hit: the fuzzer still reaches every parser through the sections before
 * it and through mutations that keep a section's crc, which it learns from
 * the comparison).
 */
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture *cap = NULL;
	struct mt_error err;

	if (formats_load_mem(data, size, "fuzz", NULL, &cap, &err) == 0)
		capture_free(cap);
	return 0;
}
