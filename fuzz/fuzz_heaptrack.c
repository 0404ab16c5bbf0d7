/*
 * fuzz_heaptrack: libFuzzer target for the heaptrack reader.
 *
 * Loads the input through the registry (so the codec detection and the probe
 * run too) twice: keeping its event log (the explorer's load) and streamed
 * (a plain report's, whose events are summed per allocation info), and
 * traps when both load and the two captures differ in anything the
 * streamed one keeps.  Seeds: the heaptrack captures, best decompressed
 * (heaptrack.*.txt), since mutations of compressed bytes mostly die in the
 * decoder.
 */
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "registry.h"
#include "same_capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct load_options streamed = { .streamed = true };
	struct capture *kept = NULL, *cap = NULL;
	struct mt_error err;

	if (formats_load_mem(data, size, "fuzz", NULL, &kept, &err) != 0)
		kept = NULL;
	if (formats_load_mem(data, size, "fuzz", &streamed, &cap, &err) != 0)
		cap = NULL;
	if (kept && cap && streamed_differs(kept, cap))
		__builtin_trap();
	capture_free(kept);
	capture_free(cap);
	return 0;
}
