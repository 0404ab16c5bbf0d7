/*
 * error: the error-code table and message formatting.
 */
#include "error.h"

#include <inttypes.h>
#include <stdio.h>

#define MT_ERR_TEXT_ITEM(name, text) text,
static const char *const err_names[] = { MT_ERRORS(MT_ERR_TEXT_ITEM) };
#undef MT_ERR_TEXT_ITEM

/* The text of a code ("corrupt data"); never NULL. */
static const char *err_name(enum mt_err_code code)
{
	if ((unsigned)code >= MT_ERR__COUNT)
		return "unknown error";
	return err_names[code];
}

int mt_error_vset(struct mt_error *err, enum mt_err_code code, uint64_t offset,
		  const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		err->offset = offset;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	}
	return -(int)code;
}

int mt_error_set(struct mt_error *err, enum mt_err_code code, uint64_t offset,
		 const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = mt_error_vset(err, code, offset, fmt, ap);
	va_end(ap);
	return rc;
}

void mt_error_format(const struct mt_error *err, char *buf, size_t size)
{
	const char *msg = err->msg[0] ? err->msg : err_name(err->code);

	if (err->offset != MT_NO_OFFSET)
		snprintf(buf, size, "%s%s%s (at byte %" PRIu64 ")", err->path ? err->path : "",
			 err->path ? ": " : "", msg, err->offset);
	else
		snprintf(buf, size, "%s%s%s", err->path ? err->path : "", err->path ? ": " : "",
			 msg);
}
