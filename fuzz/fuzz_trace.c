/*
 * fuzz_trace: libFuzzer target for the reader of the recorder's raw trace
 * (formats/trace.c).
 *
 * Loads the input through the registry (so the probe runs too) and frees
 * the result.  Seeds: small traces with every record type, written at build
 * time by tests/tools/trace_write.py (a whole one and one cut short).
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
