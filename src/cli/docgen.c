/*
 * docgen: memtui-docgen, run by the build to write memtui's manual page and
 * shell completions from the program's own tables (docs.h).
 *
 *   memtui-docgen man|bash|zsh OUTPUT
 *
 * Writes OUTPUT whole or not at all (through OUTPUT.tmp), so an interrupted
 * build never installs half a manual.
 */
#include "docs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char tmp[4096];
	FILE *out;
	const char *what = argc == 3 ? argv[1] : "";

	if (strcmp(what, "man") && strcmp(what, "bash") && strcmp(what, "zsh")) {
		fprintf(stderr, "usage: memtui-docgen man|bash|zsh OUTPUT\n");
		return 2;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	out = fopen(tmp, "w");
	if (!out)
		goto fail;
	if (!strcmp(what, "man"))
		docs_write_man(out, MEMTUI_VERSION);
	else if (!strcmp(what, "bash"))
		docs_write_bash(out);
	else
		docs_write_zsh(out);
	if (fclose(out) != 0 || rename(tmp, argv[2]) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "memtui-docgen: %s: %s\n", argv[2], strerror(errno));
	remove(tmp);
	return 1;
}
