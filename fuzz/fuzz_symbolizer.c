/*
 * fuzz_symbolizer: libFuzzer target for the native symbolizer.
 *
 * The input is an ELF file: it is written to a memfd and opened through
 * /proc/self/fd (no layout check), then every pc of the first 16 KiB of file
 * addresses, and 256 more spread over the address space, is looked up, so the
 * ELF symbol table, the unit index and every unit's lines and functions are
 * read.  The same addresses go through binutils' view too (`memtui
 * addr2line`: dwarf_bfd.c, which reads .debug_line and the DIE tree by hand),
 * in a second symbolizer so that each view reads the file from scratch.
 * Seeds: small ELF files with DWARF 4 and 5 (the fixture library and
 * tests/programs/inlines.c as built by the tests).
 *
 * libelf and libdwarf are system libraries, not instrumented: a bad read inside
 * them shows only when it faults.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "symbolizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lookup_all(struct symbolizer *s, int m, bool binutils)
{
	struct sym_frame f[32];

	for (uint64_t pc = 0; pc < 0x4000; pc++) {
		size_t n = binutils ? symbolizer_lookup_binutils(s, m, pc, f, 32)
				    : symbolizer_lookup(s, m, pc, f, 32);

		for (size_t i = 0; i < n && !binutils; i++)
			if (!f[i].function)
				__builtin_trap();
	}
	for (uint64_t k = 0; k < 256; k++) {
		if (binutils)
			symbolizer_lookup_binutils(s, m, k * 0x0101010101010101ULL, f, 32);
		else
			symbolizer_lookup(s, m, k * 0x0101010101010101ULL, f, 32);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct symbolizer *s;
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC), m;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		for (int view = 0; view < 2; view++) {
			s = symbolizer_new(NULL);
			m = symbolizer_module(s, path, NULL, 0);
			if (m >= 0)
				lookup_all(s, m, view == 1);
			symbolizer_free(s);
		}
	}
	close(fd);
	return 0;
}
