/*
 * main: the memtui executable.
 */
#include "cli.h"
#include "xalloc.h"

int main(int argc, char **argv)
{
	xalloc_init();
	return cli_main(argc, argv);
}
