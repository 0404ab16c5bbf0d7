/*
 * cli: the command line, the top of the program.  Parses argv into struct
 * options (from one table of options, which also writes the usage text),
 * loads the captures through formats/ with the symbolizer behind the
 * readers, runs the report or the explorer, and is the one place that turns
 * errors into messages and exit statuses: 0 success, 1 a CI gate failed,
 * 2 bad input or usage, 130 a load the user cancelled.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

/* The whole program: parses argv, runs the command, prints errors; returns the exit status. */
int cli_main(int argc, char **argv);

#endif
