/*
 * trace: the reader of the raw trace that memtui's recorder writes
 * (trace_format.h; `memtui record`).  It is a reader like the others,
 * probed by the magic, so a trace left behind by a killed recording loads
 * with `memtui report` or `memtui convert` too.  The rules it applies (the
 * order of events, realloc pairs, munmap splits, unknown frees, a trace
 * without an end) are stated at the top of trace.c and in README.md.
 */
#ifndef MT_TRACE_H
#define MT_TRACE_H

#include "reader.h"

extern const struct reader trace_reader;

#endif
