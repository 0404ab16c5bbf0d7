/*
 * input_pipe: a compressed stream decoded ahead on a thread of its own.
 *
 * Decompressing is a tenth to a fifth of reading a compressed capture; on
 * its own thread it overlaps the parse.  The thread decodes into a ring of
 * PIPE_BLOCKS blocks of PIPE_BLOCK bytes (memory stays bounded, whatever the
 * file) and waits while the ring is full; the reader reads the head block
 * in place (input_pipe_peek), or copies out of the ring where it needs bytes
 * of two blocks at once.  Each block carries the decoder's status after it
 * (errors, checksum warnings, the raw offset reached), which the reader
 * takes once it has used the block up: an error becomes visible after the
 * bytes decoded before it, exactly as without a thread.
 */
#ifndef MT_INPUT_PIPE_H
#define MT_INPUT_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PIPE_BLOCK (1u << 20)
#define PIPE_BLOCKS 4

/* The decoder's state as the reader sees it (input.c keeps one). */
struct stream_status {
	uint64_t raw_done;	/* raw bytes decoded, for progress */
	bool failed;		/* err ended the stream */
	bool warned;		/* warn: a checksum did not match (the data was kept) */
	bool cancelled;		/* the decoder stopped at a cancel */
	struct mt_error err;
	struct mt_error warn;
};

/*
 * Decodes up to room bytes into dst (fewer only at the end of the stream)
 * and fills *st; runs on the pipe's thread, which owns the decoder.
 */
typedef size_t (*pipe_decode_fn)(void *ctx, uint8_t *dst, size_t room,
				 struct stream_status *st);

struct input_pipe;

/* Starts the thread; NULL when none can be made (the caller decodes itself). */
struct input_pipe *input_pipe_start(pipe_decode_fn decode, void *ctx);
/*
 * Copies up to room decoded bytes into dst, waiting for the thread while
 * none is ready; 0 at the end of the stream.  *st becomes the status after a
 * block once the block is used up.
 */
size_t input_pipe_read(struct input_pipe *p, uint8_t *dst, size_t room,
		       struct stream_status *st);
/*
 * The decoded bytes of the head block not yet read, in place (waiting for
 * the thread while none is ready): *data and their count, 0 at the end of the
 * stream.  They stay valid, and the block is kept from the thread, until
 * input_pipe_skip or input_pipe_read goes past them.
 */
size_t input_pipe_peek(struct input_pipe *p, const uint8_t **data, struct stream_status *st);
/* Goes n bytes on in the head block (n at most what input_pipe_peek gave). */
void input_pipe_skip(struct input_pipe *p, size_t n, struct stream_status *st);
/* Stops the thread (it finishes the block it is decoding) and frees the pipe. */
void input_pipe_stop(struct input_pipe *p);

#endif
