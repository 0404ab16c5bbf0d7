/*
 * error: errors as values with a location.
 *
 * Readers and analyses return 0 or a negative enum mt_err and fill a
 * struct mt_error that says which file, where, and what.  Only main turns one
 * into a message and an exit status.  Messages follow git style, lower case, no
 * trailing period: "stages.bin: truncated record at byte 15043".
 */
#ifndef MT_ERROR_H
#define MT_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define MT_ERRORS(X)                                                   \
	X(MT_OK, "no error")                                           \
	X(MT_ERR_IO, "cannot read")                                    \
	X(MT_ERR_FORMAT, "unknown format")                             \
	X(MT_ERR_VERSION, "unsupported version")                      \
	X(MT_ERR_CORRUPT, "corrupt data")                              \
	X(MT_ERR_TRUNCATED, "truncated")                               \
	X(MT_ERR_LIMIT, "over a limit")                                \
	X(MT_ERR_USAGE, "bad usage")                                   \
	X(MT_ERR_CANCELLED, "cancelled")

#define MT_ERR_ENUM_ITEM(name, text) name,
enum mt_err_code { MT_ERRORS(MT_ERR_ENUM_ITEM) MT_ERR__COUNT };
#undef MT_ERR_ENUM_ITEM

#define MT_NO_OFFSET UINT64_MAX

struct mt_error {
	enum mt_err_code code;
	const char *path;	/* borrowed: the file the error is about, or NULL */
	uint64_t offset;	/* byte offset in that file, or MT_NO_OFFSET */
	char msg[256];		/* what is wrong, without path or offset */
};

/*
 * Records an error and returns -code, so that callers can write
 * "return mt_error_set(err, MT_ERR_CORRUPT, off, "bad token 0x%02x", t);".
 * err may be NULL.  Formats msg printf-style (truncated to fit).
 */
int mt_error_set(struct mt_error *err, enum mt_err_code code, uint64_t offset,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same with a va_list, for functions that pass their own arguments on. */
int mt_error_vset(struct mt_error *err, enum mt_err_code code, uint64_t offset,
		  const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/*
 * Formats the one-line message "PATH: MSG (at byte N)" into buf.  The offset
 * part is left out when unknown; the path part when NULL.
 */
void mt_error_format(const struct mt_error *err, char *buf, size_t size);

#endif
