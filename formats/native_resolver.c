/*
 * native_resolver: what every reader does with a resolver after its last
 * record: the coverage table goes into the capture as the resolver counted
 * it, and the images without a usable file are named in one warning.
 */
#include "native_resolver.h"

#include <stdio.h>
#include <string.h>

#include "capture_builder.h"

/* Whether an earlier entry of the table has path without a usable file. */
static bool named_before(const struct native_resolver *res, size_t i, const char *path)
{
	struct symbol_coverage c;

	for (size_t j = 0; j < i && res->coverage(res->ctx, j, &c); j++)
		if ((c.reason == COVERAGE_NO_FILE || c.reason == COVERAGE_OTHER_BUILD) &&
		    !strcmp(c.path, path))
			return true;
	return false;
}

void native_resolver_store(const struct native_resolver *res, struct capture_builder *b)
{
	struct symbol_coverage c;
	char list[512];
	size_t len = 0, shown = 0;

	if (!res || !res->coverage)
		return;
	list[0] = '\0';
	for (size_t i = 0; res->coverage(res->ctx, i, &c); i++) {
		capture_builder_symbol_coverage(b, &c);
		if (c.reason != COVERAGE_NO_FILE && c.reason != COVERAGE_OTHER_BUILD)
			continue;
		if (named_before(res, i, c.path) || len >= sizeof(list) - 1)
			continue;
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", shown++ ? ", " : "",
					c.path);
	}
	if (!shown)
		return;
	capture_builder_warning(b, "native frames left unnamed: no file with the recorded "
			       "layout for %s (see --prefix-map)", list);
}
