/*
 * save: what convert and the cache share.
 */
#include "save.h"

#include <stdio.h>
#include <stdlib.h>

#include "mtui_writer.h"
#include "snapshot.h"
#include "xalloc.h"

int save_mtui(const struct capture *cap, const char *path, const uint8_t *source_sha256,
	      const atomic_bool *cancel, struct mt_error *err)
{
	struct snapshot leaks, suppressed, calls, temporary;
	uint64_t n = capture_totals(cap)->events;
	struct mtui_extra x;
	int rc;

	snapshot_leaks(&leaks, cap, &suppressed);
	snapshot_allocated(&calls, cap, 0, n);
	snapshot_temporary(&temporary, cap, 0, n);
	x = (struct mtui_extra){ leaks.total_bytes, leaks.total_count, suppressed.total_bytes,
				 suppressed.total_count, source_sha256, calls.count, calls.bytes,
				 temporary.count, cancel };
	rc = mtui_write_file(cap, &x, path, err);
	snapshot_release(&leaks);
	snapshot_release(&suppressed);
	snapshot_release(&calls);
	snapshot_release(&temporary);
	return rc;
}

bool save_hash_file(const char *path, uint8_t digest[SHA256_BYTES])
{
	enum { BLOCK = 1 << 20 };
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	struct sha256 s;
	size_t n;
	bool ok;

	if (!f)
		return false;
	buf = xmalloc(BLOCK);
	sha256_init(&s);
	while ((n = fread(buf, 1, BLOCK, f)) > 0)
		sha256_update(&s, buf, n);
	ok = !ferror(f);
	fclose(f);
	free(buf);
	sha256_final(&s, digest);
	return ok;
}
