/*
 * rec_stages: three named stages with known figures (memtui.h):
 *   load      20 x malloc(500) kept
 *   compute   100 x malloc(64) freed; frees 10 of load's blocks (5000 bytes)
 *   save      1 x malloc(100000) freed
 */
#include <stdlib.h>

#include "memtui.h"

/* Through a volatile pointer, so that no malloc-free pair is elided. */
static void *volatile sink;

int main(void)
{
	void *blocks[20];

	memtui_stage("load");
	for (int i = 0; i < 20; i++)
		blocks[i] = malloc(500);
	memtui_stage("compute");
	for (int i = 0; i < 100; i++) {
		sink = malloc(64);
		free(sink);
	}
	for (int i = 0; i < 10; i++)
		free(blocks[i]);
	memtui_stage("save");
	sink = malloc(100000);
	free(sink);
	return 0;
}
