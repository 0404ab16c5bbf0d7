/*
 * fmt: number and string formatting shared by the report writers and the
 * views, so that a figure reads the same in both: human byte units,
 * percentages, JSON string escaping, CSV fields.
 * Every function fills a caller's buffer; nothing is static.
 */
#ifndef MT_FMT_H
#define MT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "0 B", "1023 B", "1.0 KiB", "13.59 MiB" (binary units, 3 significant digits or more). */
char *fmt_bytes(int64_t bytes, char *buf, size_t size);
/* A figure of a metric: a count as an integer ("1503"), else bytes as fmt_bytes writes them. */
char *fmt_figure(int64_t v, bool is_count, char *buf, size_t size);
/*
 * A rate per second: bytes as fmt_bytes writes them ("1.20 MiB/s", rounded
 * to a whole byte), calls to a whole number ("4521/s") or one decimal below
 * 100 ("3.5/s"); "-" when per_s < 0 (unknown).
 */
char *fmt_rate(double per_s, bool bytes, char *buf, size_t size);
/* "12.3%" of part in whole ("-" when whole is 0). */
char *fmt_percent(int64_t part, int64_t whole, char *buf, size_t size);
/*
 * Writes s as a JSON string literal (with quotes) to out.  Invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON; every control character
 * (C0, DEL and C1: visible.h) is a \uXXXX escape, so none reaches a terminal.
 */
void fmt_json_string(FILE *out, const char *s);
/*
 * Writes s for a CSV field: control characters and invalid UTF-8 in their
 * visible form (visible.h, "\x1b"), quoted when it holds ',' or '"'.
 */
void fmt_csv_field(FILE *out, const char *s);

#endif
