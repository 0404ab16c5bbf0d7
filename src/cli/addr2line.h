/*
 * addr2line: `memtui addr2line`, binutils addr2line over memtui's symbolizer.
 *
 * Prints what binutils addr2line 2.40 prints for the same flags, byte for byte
 * (the symbolizer's binutils view, symbolizer_lookup_binutils, gives the frames;
 * this file lays them out): "0x" and 16 hex digits for -a, "??" for an unknown
 * function or file, "?" for an unknown line, " (discriminator N)" after the
 * line (binutils repeats the first frame's on the inlined-by lines), -p's " at "
 * and " (inlined by) ".  Addresses are file addresses, from argv or one per
 * line on stdin; output is flushed before each read of stdin, so a program
 * may drive it through pipes.
 */
#ifndef MT_ADDR2LINE_H
#define MT_ADDR2LINE_H

#include "options.h"

/* Runs the command; returns the exit status (1 when the file cannot be read, as binutils). */
int addr2line_run(const struct options *opt);

#endif
