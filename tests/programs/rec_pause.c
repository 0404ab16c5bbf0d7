/*
 * rec_pause: malloc(111), a pause of argv[1] ms (default 500), malloc(222);
 * both kept.  For --stage-signal: a signal sent during the pause puts the
 * second allocation in a stage of its own.
 */
#include <stdlib.h>
#include <time.h>

static void *volatile kept[2];

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 500;
	struct timespec nap = { ms / 1000, (ms % 1000) * 1000000 };

	kept[0] = malloc(111);
	while (nanosleep(&nap, &nap))
		;
	kept[1] = malloc(222);
	return 0;
}
