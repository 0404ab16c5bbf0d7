/*
 * symdump: prints the symbolizer's frames for file addresses, in addr2line's
 * "-f -i" layout (function line, then file:line, innermost first; "??" and
 * "??:0" when unknown), so tests can diff the two tools.
 *
 * Usage: symdump [-s] [-D] [-l VADDR:MEMSZ,...] [-d DEBUGDIR] FILE ADDR...
 * -D first prints "debug: FILE" (the file the DWARF came from, or "-").
 * -l checks the PT_LOAD layout (hex numbers); ADDRs are hex file addresses.
 * -s prints one line per address instead: "ADDR<TAB>fn|file|line<TAB>..."
 * (file empty when unknown, nothing after ADDR when no frame).
 * Exit status 2 when the file is refused (missing, not ELF, other layout).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolizer.h"

#define SEGS_MAX 64
#define FRAMES_MAX 64

static size_t parse_layout(char *arg, struct sym_segment *segs)
{
	size_t n = 0;

	for (char *tok = strtok(arg, ","); tok && n < SEGS_MAX; tok = strtok(NULL, ",")) {
		char *colon = strchr(tok, ':');

		if (!colon)
			continue;
		segs[n].vaddr = strtoull(tok, NULL, 16);
		segs[n].memsz = strtoull(colon + 1, NULL, 16);
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct sym_segment segs[SEGS_MAX];
	struct sym_frame frames[FRAMES_MAX];
	struct symbolizer_options opt = { 0 };
	const char *dirs[1];
	struct symbolizer *s;
	size_t n_segs = 0;
	int i = 1, module, single_line = 0, show_debug = 0;

	while (i + 1 < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-D")) {
			single_line |= argv[i][1] == 's';
			show_debug |= argv[i][1] == 'D';
			i++;
			continue;
		}
		if (!strcmp(argv[i], "-l")) {
			n_segs = parse_layout(argv[i + 1], segs);
		} else if (!strcmp(argv[i], "-d")) {
			dirs[0] = argv[i + 1];
			opt.debug_dirs = dirs;
			opt.n_debug_dirs = 1;
		}
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr,
			"usage: symdump [-s] [-D] [-l VADDR:MEMSZ,...] [-d DIR] FILE ADDR...\n");
		return 2;
	}
	s = symbolizer_new(&opt);
	module = symbolizer_module(s, argv[i], segs, n_segs);
	if (module < 0) {
		fprintf(stderr, "symdump: %s: no file with that layout\n", argv[i]);
		symbolizer_free(s);
		return 2;
	}
	if (show_debug) {
		const char *dbg = symbolizer_module_debug_file(s, module);

		printf("debug: %s\n", dbg ? dbg : "-");
	}
	for (i++; i < argc; i++) {
		uint64_t pc = strtoull(argv[i], NULL, 16);
		size_t n = symbolizer_lookup(s, module, pc, frames, FRAMES_MAX);

		if (single_line) {
			printf("%" PRIx64, pc);
			for (size_t k = 0; k < n; k++)
				printf("\t%s|%s|%" PRIu32, frames[k].function,
				       frames[k].file ? frames[k].file : "", frames[k].line);
			printf("\n");
			continue;
		}
		if (n == 0)
			printf("??\n??:0\n");
		for (size_t k = 0; k < n; k++)
			printf("%s\n%s:%" PRIu32 "\n", frames[k].function,
			       frames[k].file ? frames[k].file : "??", frames[k].line);
	}
	symbolizer_free(s);
	return 0;
}
