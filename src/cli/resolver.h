/*
 * resolver: the symbolizer (src/symbols) behind the readers' native_resolver
 * interface (formats/native_resolver.h).  Neither side knows the other; the
 * CLI, which knows both, joins them here.
 */
#ifndef MT_RESOLVER_H
#define MT_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "native_resolver.h"

struct resolver_options {
	const char *const *prefix_from;	/* --prefix-map OLD=NEW, n_prefix of each */
	const char *const *prefix_to;
	size_t n_prefix;
	const char *const *debug_dirs;	/* --debug-dir */
	size_t n_debug_dirs;
};

/*
 * Fills *res with a resolver for the native frames of the capture at
 * capture_path (its directory is also searched for the images).  Returns
 * false, with *res untouched, when symbols are off (opt NULL).  Release with
 * resolver_release.
 */
bool resolver_init(struct native_resolver *res, const struct resolver_options *opt,
		   const char *capture_path);
void resolver_release(struct native_resolver *res);

#endif
