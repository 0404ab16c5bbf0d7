/*
 * main: the memtui executable.
 */
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct options opt;

	if (cli_parse(&opt, argc, argv) < 0)
		return 2;
	return cli_run(&opt);
}
