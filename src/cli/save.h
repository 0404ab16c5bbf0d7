/*
 * save: a loaded capture written as a .mtui, as `memtui convert` and the
 * capture cache write it: the figures the format stores beside the model
 * (leaks, per-stack calls) computed by the analyses, then mtui_writer.
 */
#ifndef MT_SAVE_H
#define MT_SAVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "error.h"
#include "sha256.h"

/*
 * Writes cap to path (atomically); source_sha256 (may be NULL) is the source
 * file's hash.  When *cancel (may be NULL) becomes true the write stops,
 * leaving no file, and fails with MT_ERR_CANCELLED.
 */
int save_mtui(const struct capture *cap, const char *path, const uint8_t *source_sha256,
	      const atomic_bool *cancel, struct mt_error *err);
/* The SHA-256 of a whole file; false if it cannot be read. */
bool save_hash_file(const char *path, uint8_t digest[SHA256_BYTES]);

#endif
