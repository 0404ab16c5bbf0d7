/*
 * docs: memtui's manual page and shell completions, written from the tables
 * the program runs on: the option table (options.h), the key table
 * (keys_table()), the numbered views (views.h) and the metrics (metric.h).
 * The build runs memtui-docgen (docgen.c) to write them, so what
 * `cmake --install` puts beside the binary says what that binary does;
 * `memtui --help` and the help screen (?) are written from the same tables.
 */
#ifndef MT_DOCS_H
#define MT_DOCS_H

#include <stdio.h>

/* memtui(1) in man(7) roff; version is the program's ("0.1.0"). */
void docs_write_man(FILE *out, const char *version);
/* The bash completion script (for share/bash-completion/completions/memtui). */
void docs_write_bash(FILE *out);
/* The zsh completion function (for share/zsh/site-functions/_memtui). */
void docs_write_zsh(FILE *out);

#endif
