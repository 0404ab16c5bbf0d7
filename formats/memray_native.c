/*
 * memray_native: native trace tree, image tables and hybrid stacks
 * (docs/formats/memray.md §6).
 *
 * An address is resolved once per (generation, ip) into a run of model frames
 * (outermost first: the function, then what was inlined into it), each
 * flagged when it is a call of the eval loop.  A merged stack is built once
 * per (Python stack, native node, generation, elision) and cached.
 */
#include "memray_native.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "xalloc.h"

/* Inline depth asked of the resolver for one address. */
#define MAX_INLINE 32

struct mr_node {
	uint64_t ip;
	uint32_t parent;		/* < this node's index */
};

struct mr_segment {
	uint64_t lo, hi;		/* absolute addresses [lo, hi) */
	uint32_t image;			/* index in images */
};

struct mr_image {
	char *path;
	uint32_t module;		/* string id of path */
	uint64_t load;			/* load bias */
	size_t first_seg, nseg;		/* in image_segs */
	int handle;			/* resolver's; -1 = none */
	bool tried;
};

struct mr_py {
	uint32_t parent, frame;
	bool entry;
};

struct mr_ip {
	uint64_t gen, ip;
	uint32_t first, n;		/* run in ip_frames */
};

struct mr_ip_frame {
	uint32_t frame;
	bool eval;			/* a call of the eval loop: replaced by Python frames */
};

struct mr_stack {
	uint32_t py, native;
	uint64_t gen, skip;
	uint32_t root;		/* the model stack it is built under */
	uint32_t result;
};

void mr_native_init(struct mr_native *n, struct capture_builder *b,
		    const struct native_resolver *res)
{
	struct mr_node root = { 0, 0 };
	struct mr_py py_root = { 0, 0, true };
	size_t gen0 = 0;

	memset(n, 0, sizeof(*n));
	n->b = b;
	n->res = res;
	vec_init(&n->nodes, sizeof(struct mr_node));
	vec_init(&n->gen_first, sizeof(size_t));
	vec_init(&n->segments, sizeof(struct mr_segment));
	vec_init(&n->images, sizeof(struct mr_image));
	vec_init(&n->image_segs, sizeof(struct native_segment));
	vec_init(&n->py, sizeof(struct mr_py));
	hashmap_init(&n->py_index);
	vec_init(&n->ips, sizeof(struct mr_ip));
	idtable_init(&n->ip_index);
	vec_init(&n->ip_frames, sizeof(struct mr_ip_frame));
	vec_init(&n->stacks, sizeof(struct mr_stack));
	idtable_init(&n->stack_index);
	vec_init(&n->natives, sizeof(uint32_t));
	vec_init(&n->py_keys, sizeof(uint32_t));
	vec_init(&n->merged, sizeof(uint32_t));
	vec_push(&n->nodes, &root);
	vec_push(&n->gen_first, &gen0);
	vec_push(&n->py, &py_root);
}

void mr_native_release(struct mr_native *n)
{
	for (size_t i = 0; i < n->images.len; i++)
		free(((struct mr_image *)vec_at(&n->images, i))->path);
	vec_release(&n->nodes);
	vec_release(&n->gen_first);
	vec_release(&n->segments);
	vec_release(&n->images);
	vec_release(&n->image_segs);
	vec_release(&n->py);
	hashmap_release(&n->py_index);
	vec_release(&n->ips);
	idtable_release(&n->ip_index);
	vec_release(&n->ip_frames);
	vec_release(&n->stacks);
	idtable_release(&n->stack_index);
	vec_release(&n->natives);
	vec_release(&n->py_keys);
	vec_release(&n->merged);
}

bool mr_native_add_node(struct mr_native *n, uint64_t ip, uint64_t parent)
{
	struct mr_node node = { ip, (uint32_t)parent };

	if (parent >= n->nodes.len || n->nodes.len >= UINT32_MAX - 1)
		return false;
	vec_push(&n->nodes, &node);
	return true;
}

size_t mr_native_node_count(const struct mr_native *n)
{
	return n->nodes.len;
}

void mr_native_map_start(struct mr_native *n)
{
	size_t first = n->segments.len;

	n->gen++;
	vec_push(&n->gen_first, &first);
}

uint64_t mr_native_generation(const struct mr_native *n)
{
	return n->gen;
}

void mr_native_image(struct mr_native *n, const char *path, size_t path_len, uint64_t load,
		     const struct native_segment *segs, size_t nseg)
{
	struct mr_image img = { 0 };
	uint32_t index = (uint32_t)n->images.len;

	img.path = xmalloc(path_len + 1);
	memcpy(img.path, path, path_len);
	img.path[path_len] = '\0';
	img.module = capture_builder_string(n->b, path, path_len);
	img.load = load;
	img.first_seg = n->image_segs.len;
	img.nseg = nseg;
	img.handle = -1;
	vec_push(&n->images, &img);
	for (size_t i = 0; i < nseg; i++) {
		struct mr_segment s = { .image = index };

		vec_push(&n->image_segs, &segs[i]);
		s.lo = load + segs[i].vaddr;
		if (__builtin_add_overflow(s.lo, segs[i].memsz, &s.hi) || s.lo < load)
			s.hi = s.lo;	/* wraps around: matches nothing */
		vec_push(&n->segments, &s);
	}
}

uint32_t mr_native_py_push(struct mr_native *n, uint32_t parent, uint32_t frame, bool entry)
{
	/* Frame ids stay below 2^31: each costs more than one byte of input. */
	uint64_t key = (uint64_t)parent << 32 | (uint64_t)(frame & 0x7fffffffu) << 1 | entry;
	uint32_t id = hashmap_get(&n->py_index, key);
	struct mr_py py = { parent, frame, entry };

	if (id != HASHMAP_NONE)
		return id;
	id = (uint32_t)n->py.len;
	vec_push(&n->py, &py);
	hashmap_put(&n->py_index, key, id);
	return id;
}

/* ------------------------------------------------------------------------- */
/* Addresses. */

static bool is_eval_symbol(const char *s)
{
	return strstr(s, "_PyEval_EvalFrameDefault") || !strncmp(s, "_TAIL_CALL_", 11);
}

/* The image segment of generation gen that holds ip, or NULL. */
static const struct mr_segment *find_segment(const struct mr_native *n, uint64_t gen,
					     uint64_t ip)
{
	size_t first, last;

	if (gen >= n->gen_first.len)
		return NULL;
	first = *(size_t *)vec_at(&n->gen_first, gen);
	last = gen + 1 < n->gen_first.len ? *(size_t *)vec_at(&n->gen_first, gen + 1)
					  : n->segments.len;
	for (size_t i = first; i < last; i++) {
		const struct mr_segment *s = vec_at(&n->segments, i);

		if (s->lo <= ip && ip < s->hi)
			return s;
	}
	return NULL;
}

static int image_handle(struct mr_native *n, struct mr_image *img)
{
	if (!img->tried && n->res) {
		img->tried = true;
		img->handle = n->res->module(n->res->ctx, img->path,
					     vec_at(&n->image_segs, img->first_seg), img->nseg,
					     NULL, 0);
	}
	return img->handle;
}

void mr_native_finish(struct mr_native *n)
{
	native_resolver_store(n->res, n->b);
}

static void push_ip_frame(struct mr_native *n, const struct frame *f, bool eval)
{
	struct mr_ip_frame r = { capture_builder_frame(n->b, f), eval };

	vec_push(&n->ip_frames, &r);
}

/* Appends the frames of ip (outermost first) to ip_frames; §6.3. */
static void resolve_ip(struct mr_native *n, uint64_t gen, uint64_t ip)
{
	const struct mr_segment *seg = find_segment(n, gen, ip);
	struct native_symbol syms[MAX_INLINE];
	struct mr_image *img;
	struct frame f = { .kind = FRAME_NATIVE };
	enum native_source source;
	size_t k = 0;
	int h;

	if (!seg)
		return;		/* memray drops frames outside every image */
	img = vec_at(&n->images, seg->image);
	f.module = img->module;
	f.address = ip - img->load;
	h = image_handle(n, img);
	/* A return address: the call instruction is the byte before it. */
	if (h >= 0 && ip - img->load > 0)
		k = n->res->lookup(n->res->ctx, h, ip - img->load - 1, syms, MAX_INLINE, &source);
	if (k > MAX_INLINE)
		k = MAX_INLINE;
	if (!k) {
		push_ip_frame(n, &f, false);
		return;
	}
	while (k--) {
		const struct native_symbol *s = &syms[k];

		f.function = s->function ? capture_builder_cstring(n->b, s->function) : 0;
		f.file = s->file ? capture_builder_cstring(n->b, s->file) : 0;
		f.line = s->line;
		push_ip_frame(n, &f, s->function && is_eval_symbol(s->function));
		f.kind = FRAME_INLINED;
	}
}

static uint64_t ip_hash(const void *ctx, uint32_t id)
{
	const struct mr_ip *e = vec_at(ctx, id);

	return hash_u64(e->ip ^ hash_u64(e->gen));
}

struct ip_key {
	const struct vec *ips;
	uint64_t gen, ip;
};

static bool ip_eq(const void *ctx, uint32_t id)
{
	const struct ip_key *k = ctx;
	const struct mr_ip *e = vec_at(k->ips, id);

	return e->gen == k->gen && e->ip == k->ip;
}

/* The resolved frames of (gen, ip), computed on first use. */
static const struct mr_ip *ip_frames(struct mr_native *n, uint64_t gen, uint64_t ip)
{
	struct ip_key key = { &n->ips, gen, ip };
	struct mr_ip e = { gen, ip, (uint32_t)n->ip_frames.len, 0 };
	size_t slot;
	uint32_t id;

	idtable_reserve(&n->ip_index, n->ips.len, 0, ip_hash, &n->ips);
	id = idtable_find(&n->ip_index, hash_u64(ip ^ hash_u64(gen)), ip_eq, &key, &slot);
	if (id != IDTABLE_NONE)
		return vec_at(&n->ips, id);
	resolve_ip(n, gen, ip);
	e.n = (uint32_t)(n->ip_frames.len - e.first);
	id = (uint32_t)n->ips.len;
	vec_push(&n->ips, &e);
	idtable_insert(&n->ip_index, slot, id);
	return vec_at(&n->ips, id);
}

/* ------------------------------------------------------------------------- */
/* Hybrid stacks (§6.4). */

static void push_merged(struct mr_native *n, uint32_t frame)
{
	vec_push(&n->merged, &frame);
}

/* The Python frame d places from the outermost of the stack in n->py_keys. */
static const struct mr_py *py_frame(const struct mr_native *n, size_t d)
{
	return vec_at(&n->py, *(uint32_t *)vec_at(&n->py_keys, n->py_keys.len - 1 - d));
}

/* Fills n->merged with the hybrid stack of (py, native), outermost first. */
static void merge(struct mr_native *n, uint32_t py, uint32_t native, uint64_t gen, uint64_t skip)
{
	size_t d = 0, np;	/* d: next Python frame, counted from the outermost */

	n->merged.len = 0;
	n->py_keys.len = 0;
	for (uint32_t k = py; k; k = ((struct mr_py *)vec_at(&n->py, k))->parent)
		vec_push(&n->py_keys, &k);
	np = n->py_keys.len;
	n->natives.len = 0;
	for (uint32_t k = native; k; k = ((struct mr_node *)vec_at(&n->nodes, k))->parent)
		vec_push(&n->natives, &k);
	for (size_t j = n->natives.len; j--;) {
		const struct mr_node *node = vec_at(&n->nodes, *(uint32_t *)vec_at(&n->natives, j));
		const struct mr_ip *e = ip_frames(n, gen, node->ip);

		for (uint32_t i = 0; i < e->n; i++) {
			const struct mr_ip_frame *f = vec_at(&n->ip_frames, e->first + i);

			if (d >= np || !f->eval) {
				push_merged(n, f->frame);
				continue;
			}
			do {
				/* Main-thread elision: drop the callers of the first kept frame. */
				if (skip && d == skip)
					n->merged.len = 0;
				push_merged(n, py_frame(n, d)->frame);
				d++;
			} while (d < np && !py_frame(n, d)->entry);
		}
	}
	if (d < np) {
		/* Eval-loop calls not all recognised (no symbols): the Python stack alone. */
		n->merged.len = 0;
		for (size_t i = 0; i < np; i++)
			push_merged(n, py_frame(n, i)->frame);
	}
}

static uint64_t stack_hash_of(uint32_t root, uint32_t py, uint32_t native, uint64_t gen,
			      uint64_t skip)
{
	return hash_u64(((uint64_t)py << 32 | native) ^
			hash_u64(gen ^ hash_u64(skip ^ (uint64_t)root << 40)));
}

static uint64_t stack_hash(const void *ctx, uint32_t id)
{
	const struct mr_stack *s = vec_at(ctx, id);

	return stack_hash_of(s->root, s->py, s->native, s->gen, s->skip);
}

struct stack_key {
	const struct vec *stacks;
	struct mr_stack k;
};

static bool stack_eq(const void *ctx, uint32_t id)
{
	const struct stack_key *key = ctx;
	const struct mr_stack *s = vec_at(key->stacks, id);

	return s->py == key->k.py && s->native == key->k.native && s->gen == key->k.gen &&
	       s->skip == key->k.skip && s->root == key->k.root;
}

uint32_t mr_native_stack(struct mr_native *n, uint32_t root, uint32_t py, uint32_t native,
			 uint64_t gen, uint64_t skip)
{
	struct stack_key key = { &n->stacks, { py, native, gen, skip, root, 0 } };
	uint32_t id, stack = root;
	size_t slot;

	idtable_reserve(&n->stack_index, n->stacks.len, 0, stack_hash, &n->stacks);
	id = idtable_find(&n->stack_index, stack_hash_of(root, py, native, gen, skip), stack_eq,
			  &key, &slot);
	if (id != IDTABLE_NONE)
		return ((struct mr_stack *)vec_at(&n->stacks, id))->result;

	if (py >= n->py.len || native >= n->nodes.len)
		BUG("mr_native_stack: a Python key or native node that was never made");
	merge(n, py, native, gen, skip);
	for (size_t i = 0; i < n->merged.len; i++)
		stack = capture_builder_stack(n->b, stack, *(uint32_t *)vec_at(&n->merged, i));

	key.k.result = stack;
	idtable_insert(&n->stack_index, slot, (uint32_t)n->stacks.len);
	vec_push(&n->stacks, &key.k);
	return stack;
}
