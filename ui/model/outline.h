/*
 * outline: what a tree browser shows of a struct tree — which nodes are
 * expanded, the visible rows in display order, the cursor, and the nodes
 * that match a search — with no knowledge of any screen.
 *
 * Identity is the tree's 64-bit node key (a hash of the call path), never a
 * node id: the set of expanded nodes is a set of keys, and the cursor is
 * remembered as the keys of its path from the root.  So attaching another
 * tree (another metric, sort order, or the live heap at another time) keeps
 * the expanded nodes and puts the cursor on the same call path, or on its
 * deepest ancestor that the new tree has; the path asked for is kept until
 * the cursor moves, so going back to a tree that has it finds it again.
 *
 * Rows are node ids of the attached tree, root first; a node's children
 * follow it, in the tree's sibling order, when it is expanded.  Expanding or
 * collapsing one node splices its rows in place (cost: the rows it adds or
 * removes, plus a memmove), so a key press stays cheap on a tree of millions
 * of nodes; attach, expand-all and search rebuild every row.
 */
#ifndef MT_OUTLINE_H
#define MT_OUTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"
#include "tree.h"

#define OUTLINE_MAX_PATTERN 128
#define OUTLINE_MAX_NAME 4096	/* a whole demangled name (clang's longest are 2.5 KB) */

struct outline {
	const struct tree *t;	/* borrowed; NULL until attached */
	struct hashmap open;	/* keys of expanded nodes (value 1) */
	uint32_t *rows;		/* visible node ids, display order */
	size_t n_rows, rows_cap;
	size_t cursor;		/* index in rows (0 when there are none) */
	uint64_t *path;		/* keys from the root to the cursor's node */
	size_t path_len, path_cap;
	uint8_t *match;		/* per node of t: 1 when its label matches pattern */
	size_t n_matches;	/* nodes of t that match */
	char pattern[OUTLINE_MAX_PATTERN];	/* "" = no search */
	size_t search_steps;	/* ancestors the last search climbed: at most t's nodes */
	uint32_t root;		/* the node at row 0: the tree's root, or a focus below it */
};

void outline_init(struct outline *o);
void outline_release(struct outline *o);

/*
 * Shows tree t (borrowed: it must outlive its use by o, until the next
 * attach or release).  Rows are rebuilt from the expanded keys, the cursor
 * goes to the remembered path (or its deepest node in t, whose ancestors are
 * expanded so that it is visible), and matches are recomputed.
 */
void outline_attach(struct outline *o, const struct tree *t);
/*
 * Shows the tree from node (a focus; 0: the whole tree) until the next
 * attach: row 0 is node, which stays open, and the cursor stays where it was
 * if that is below node, else goes to node.
 */
void outline_set_root(struct outline *o, uint32_t node);
/* Forgets the attached tree (before it is freed); expansion and path are kept. */
void outline_detach(struct outline *o);

/* The node under the cursor (TREE_NONE when detached). */
uint32_t outline_node(const struct outline *o);
/* Moves the cursor by delta rows, clamped to the rows. */
void outline_move(struct outline *o, long delta);
void outline_set_cursor(struct outline *o, size_t row);

bool outline_is_open(const struct outline *o, uint32_t node);
/* Expands or collapses one visible node (a leaf is never open). */
void outline_expand(struct outline *o, uint32_t node);
void outline_collapse(struct outline *o, uint32_t node);
/* Expands node and every node below it (o->root: everything shown). */
void outline_expand_all(struct outline *o, uint32_t node);
/* Collapses node and every node below it (o->root stays open). */
void outline_collapse_all(struct outline *o, uint32_t node);
/*
 * Expands the nodes that hold at least permille/1000 of the root's weight
 * (|total_bytes|): the hot path an overview opens on.
 */
void outline_expand_heavy(struct outline *o, unsigned permille);
/* Makes node visible (expanding its ancestors) and puts the cursor on it. */
void outline_select(struct outline *o, uint32_t node);

/*
 * The path of the cursor, keys from the root (valid until the next call on o),
 * and setting it (for the next attach: the selection of another view).
 */
const uint64_t *outline_path(const struct outline *o, size_t *len);
void outline_set_path(struct outline *o, const uint64_t *keys, size_t len);

/*
 * Searches every node's function name (outline_search_text: without return
 * type, template arguments or parameter types) and file base name for
 * pattern (a substring; case-insensitive unless pattern has an upper-case
 * letter), expands the ancestors of every match and moves the cursor to the
 * first match at or after it.  "" clears the search.  Returns the number of
 * matching nodes.
 */
size_t outline_search(struct outline *o, const char *pattern);
/* Moves the cursor to the next (dir > 0) or previous visible match, wrapping; false if none. */
bool outline_next_match(struct outline *o, int dir);
/* Where pattern occurs in s by the search's rule (smart case), or NULL. */
const char *outline_find(const char *s, const char *pattern);
/* Whether frame's name has short forms on screen (names.h): a named native frame. */
bool outline_shortens(const struct capture *cap, uint32_t frame);
/*
 * The function name the search matches for frame: the brief form (names.h)
 * of a named native frame, "clang::Sema::ActOnTag(...)", written into buf, so
 * that a pattern finds functions by their names and never by their parameter
 * types; the label (capture_frame_label) of any other.  Returns the name (buf,
 * or the capture's string).
 */
const char *outline_search_text(const struct capture *cap, uint32_t frame, char *buf,
				size_t size);
static inline bool outline_matches(const struct outline *o, uint32_t node)
{
	return o->match && o->match[node];
}

#endif
