/*
 * progress: how long work tells its caller how far it got.
 *
 * Readers call it as they consume their input (bytes of the file read so
 * far, and the file's size; total 0 when unknown), now and then rather than
 * per record.  The callee decides what to show: a line on stderr (the CLI),
 * a bar on the loading screen (ui/loading.c, which may run the load in
 * another thread: the callee must not touch what the caller's thread owns).
 */
#ifndef MT_PROGRESS_H
#define MT_PROGRESS_H

#include <stdint.h>

typedef void (*mt_progress_fn)(void *ctx, uint64_t done_bytes, uint64_t total_bytes);

#endif
