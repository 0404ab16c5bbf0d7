/*
 * fake_recorder: a stand-in for memtui's recorder, for tests/python/.
 *
 * Exports the one symbol memtui's Python module looks for,
 * memtui_record_mark(name, origin), and appends each call to the file that
 * MEMTUI_FAKE_RECORDER_LOG names, one line "ORIGIN NAME".  Built as a shared
 * library and LD_PRELOADed into python3; not linked with anything of memtui.
 */
#include <stdio.h>
#include <stdlib.h>

int memtui_record_mark(const char *name, int origin);

int memtui_record_mark(const char *name, int origin)
{
	const char *path = getenv("MEMTUI_FAKE_RECORDER_LOG");
	FILE *f;

	if (!path || !name)
		return -1;
	f = fopen(path, "a");
	if (!f)
		return -1;
	fprintf(f, "%d %s\n", origin, name);
	fclose(f);
	return 0;
}
