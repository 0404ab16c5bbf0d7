/*
 * cache: memtui's capture cache.  A memray or heaptrack capture that took a
 * while to parse is kept as a .mtui in $XDG_CACHE_HOME/memtui (default
 * ~/.cache/memtui, mode 0700), so that the next `memtui FILE` or
 * `memtui report FILE` of the same file opens that instead.
 *
 * An entry's name is a hash of its key: the file's device, inode, size and
 * mtime, a SHA-256 of its first and last MiB, memtui's version and the
 * options that name native frames.  A file that changes gets another key;
 * its old entry is left to age out.  An entry is checked before use (a
 * regular file of this user, not writable by others, that loads whole as
 * the source's .mtui); one that is not is removed, warned about and
 * rebuilt.  Entries are written atomically (a temporary name, then rename),
 * so two processes never see half an entry; the directory is kept under
 * MEMTUI_CACHE_MAX bytes (default 2 GiB; K, M, G suffixes), oldest used
 * first out.  A directory that cannot be made, used or written means no
 * cache and one warning, never a failure.
 *
 * MEMTUI_CACHE_MIN_MS (default 1000) is how long a parse must take for its
 * capture to be kept.
 */
#ifndef MT_CACHE_H
#define MT_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "capture.h"

struct cache;

/*
 * The cache, or NULL when it is off.  native_key names the options that name
 * native frames (they are part of every key).
 */
struct cache *cache_open(const char *native_key);
/*
 * The entry of path, opened in place, or NULL.  Unless lazy, every event
 * chunk is read and checked at once (a report's figures are checked whole);
 * lazily, a chunk found damaged later removes the entry at cache_close.  A
 * bad entry is removed (with a warning) and NULL returned.
 */
struct capture *cache_lookup(struct cache *c, const char *path, bool lazy);
/*
 * cap was parsed from path in parse_ms: keeps it when that was long enough:
 * now, or with background in a thread that cache_begin starts (once the
 * first screen is up) and cache_close waits for.
 */
void cache_store(struct cache *c, const char *path, struct capture *cap, long parse_ms,
		 bool background);
/* Starts writing the entries cache_store left for the background (c may be NULL). */
void cache_begin(struct cache *c);
/*
 * Waits for the entries being written (finish), or stops them, leaving no
 * entry (a run the user cancelled: it must end at once); prints the
 * warnings (once each) and frees c.  Returns false, with c left as it is,
 * when a stopped writer is still busy (computing what it writes): the
 * process ends it by exiting, and a temporary file it may leave is removed
 * by a later run.
 */
bool cache_close(struct cache *c, bool finish);

#endif
