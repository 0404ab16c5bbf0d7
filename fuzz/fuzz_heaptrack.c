/*
 * fuzz_heaptrack: libFuzzer target for the heaptrack reader.
 *
 * Loads the input through the registry (so the codec detection and the probe
 * run too) and frees the result.  Seeds: the heaptrack captures, best
 * decompressed (heaptrack.*.txt), since mutations of compressed bytes mostly
 * die in the decoder.
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
