/*
 * main: the memtui executable.
 */
#include <stdlib.h>

#include "cli.h"

int main(int argc, char **argv)
{
	struct options opt;
	int rc = 2;

	if (cli_parse(&opt, argc, argv) == 0)
		rc = cli_run(&opt);
	cli_release(&opt);
	return rc;
}
