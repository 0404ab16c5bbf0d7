/*
 * dwarf_lines: libdwarf, read lazily into sorted arrays.
 *
 * Model.  dwarf_lines_open walks the unit headers once and records each
 * compilation unit's address ranges (unit_ranges, sorted).  A unit is read on the
 * first lookup that lands in it: its line table becomes a sorted array of rows
 * (address, file, line), and its subprograms and inlined subroutines become
 * functions with address ranges.  Ranges are grouped by parent: the unit's top
 * group holds every subprogram (at any DIE depth), and each function's group
 * holds the inlined subroutines directly inside it (through lexical blocks).
 * A lookup is then: unit by range, row by address, top function by range, and
 * one range search per inline level.
 *
 * Fidelity (libbacktrace's dwarf.c, which memray uses; see docs/ARCHITECTURE.md):
 *  - end_sequence rows are not rows: the last row of a sequence extends to the
 *    next row; among rows at one address the last wins; a pc before the first row
 *    of its unit has no line, and then no DWARF answer at all;
 *  - among ranges, the candidates are those with the greatest low <= pc; of these
 *    (sorted by high descending) the last that still holds pc wins;
 *  - a function without a name or without ranges is transparent;
 *  - names: DW_AT_linkage_name, else the name of the DIE named by
 *    DW_AT_abstract_origin / DW_AT_specification (which itself prefers its
 *    linkage name, then its own DW_AT_specification, then DW_AT_name), else
 *    DW_AT_name; mangled names are demangled;
 *  - file names: an absolute name as is, else joined to its directory entry as
 *    written (a relative directory is not joined to DW_AT_comp_dir, except that
 *    DWARF 2-4 directory 0 is the comp_dir).
 *
 * Every libdwarf call passes an error pointer (a NULL one makes libdwarf abort)
 * and every error is freed.  DIE nesting, reference chains and the number of
 * DIEs visited per unit are bounded, so a corrupt file cannot loop or recurse
 * without end.  Strings are interned per unit into a strtab that is frozen once
 * the unit is read, so the pointers handed out stay valid.
 */
#include "dwarf_lines.h"

#include <dwarf.h>
#include <fcntl.h>
#include <libdwarf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "dwarf_die.h"
#include "strtab.h"
#include "vec.h"
#include "xalloc.h"

#define NONE UINT32_MAX
/* DIE nesting followed; compilers stay far below (GCC's deepest is about 30). */
#define DIE_DEPTH_MAX 128
/* DW_AT_specification / DW_AT_abstract_origin hops followed to find a name. */
#define REF_DEPTH_MAX 8
/* Units indexed per file (libc's debug file has about 1,600). */
#define UNITS_MAX (1u << 20)

struct dw_range {
	uint64_t low, high;	/* [low, high), file addresses */
	uint32_t func;		/* index in unit funcs (or in units, for unit_ranges) */
	uint32_t parent;	/* enclosing function for an inlined range, or NONE */
};

struct dw_func {
	uint32_t name;		/* id in the unit's strs */
	uint32_t call_file;	/* id in strs, or NONE (inlined subroutines only) */
	uint32_t call_line;
	uint32_t kids, n_kids;	/* its inlined ranges: ranges[kids .. kids + n_kids) */
};

struct dw_line {
	uint64_t addr;
	uint32_t file;		/* id in strs, or NONE */
	uint32_t line;
	uint32_t order;		/* row number in the table: ties sort in table order */
};

struct dw_unit {
	Dwarf_Off die_off;	/* .debug_info offset of the unit DIE */
	uint64_t size;		/* unit length in bytes: bounds the DIEs visited */
	uint16_t version;
	uint64_t base;		/* the unit DIE's DW_AT_low_pc (range base), or 0 */
	bool read;		/* lines, funcs and ranges are final (maybe empty) */
	struct vec lines;	/* struct dw_line, sorted by addr, one row per addr */
	struct vec funcs;	/* struct dw_func */
	struct vec ranges;	/* struct dw_range, grouped by parent (NONE last) */
	uint32_t top, n_top;	/* the subprogram group: ranges[top .. top + n_top) */
	struct strtab strs;
};

struct dwarf_lines {
	int fd;
	Dwarf_Debug dbg;
	struct vec units;	/* struct dw_unit; never grows after open */
	struct vec unit_ranges;	/* struct dw_range, func = unit index, sorted */
};

static const char *func_name(Dwarf_Debug dbg, Dwarf_Die die, bool follow_origin, int depth);

static const char *ref_name(Dwarf_Debug dbg, Dwarf_Die die, Dwarf_Half at, int depth)
{
	Dwarf_Die target = NULL;
	Dwarf_Error err = NULL;
	const char *name = NULL;
	Dwarf_Off off;

	if (depth >= REF_DEPTH_MAX || !dwarf_die_ref(dbg, die, at, &off))
		return NULL;
	if (dwarf_offdie_b(dbg, off, 1, &target, &err) == DW_DLV_OK) {
		name = func_name(dbg, target, false, depth + 1);
		dwarf_dealloc_die(target);
	}
	dwarf_die_drop(dbg, &err);
	return name;
}

/*
 * libbacktrace's name preference: linkage name; else the referenced DIE's name
 * (abstract origin only from the function's own DIE); else DW_AT_name.
 */
static const char *func_name(Dwarf_Debug dbg, Dwarf_Die die, bool follow_origin, int depth)
{
	const char *s = dwarf_die_string(dbg, die, DW_AT_linkage_name);

	if (!s)
		s = dwarf_die_string(dbg, die, DW_AT_MIPS_linkage_name);
	if (!s && follow_origin)
		s = ref_name(dbg, die, DW_AT_abstract_origin, depth);
	if (!s)
		s = ref_name(dbg, die, DW_AT_specification, depth);
	if (!s)
		s = dwarf_die_string(dbg, die, DW_AT_name);
	return s;
}

static int range_cmp_low(const struct dw_range *x, const struct dw_range *y)
{
	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	if (x->high != y->high)
		return x->high > y->high ? -1 : 1;
	return 0;
}

static int unit_range_cmp(const void *a, const void *b)
{
	const struct dw_range *x = a, *y = b;
	int c = range_cmp_low(x, y);

	return c ? c : (x->func < y->func ? -1 : x->func > y->func);
}

/*
 * The range for pc among r[0..n) sorted by (low, high descending): the candidates
 * share the greatest low <= pc, and the last of them holding pc wins.
 */
static const struct dw_range *range_find(const struct dw_range *r, size_t n, uint64_t pc)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].low <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	i = lo - 1;
	for (;;) {
		if (pc < r[i].high)
			return &r[i];
		if (i == 0 || r[i - 1].low != r[i].low)
			return NULL;
		i--;
	}
}

/* ---- the unit index ---- */

static void index_unit(struct dwarf_lines *dl, Dwarf_Die cu, uint16_t version, uint64_t size)
{
	Dwarf_Error err = NULL;
	struct dw_unit u = { 0 };
	struct vec pairs;
	Dwarf_Addr low = 0;
	uint32_t idx = (uint32_t)dl->units.len;

	if (dwarf_dieoffset(cu, &u.die_off, &err) != DW_DLV_OK) {
		dwarf_die_drop(dl->dbg, &err);
		return;
	}
	if (dwarf_lowpc(cu, &low, &err) == DW_DLV_OK)
		u.base = low;
	dwarf_die_drop(dl->dbg, &err);
	vec_init(&pairs, sizeof(struct dwarf_pc_range));
	dwarf_die_ranges(dl->dbg, cu, version, u.base, &pairs);
	if (pairs.len) {
		u.version = version;
		u.size = size;
		vec_init(&u.lines, sizeof(struct dw_line));
		vec_init(&u.funcs, sizeof(struct dw_func));
		vec_init(&u.ranges, sizeof(struct dw_range));
		strtab_init(&u.strs);
		vec_push(&dl->units, &u);
		for (size_t i = 0; i < pairs.len; i++) {
			const struct dwarf_pc_range *p = vec_at(&pairs, i);
			struct dw_range r = { p->low, p->high, idx, NONE };

			vec_push(&dl->unit_ranges, &r);
		}
	}
	vec_release(&pairs);
}

static void index_units(struct dwarf_lines *dl)
{
	for (uint32_t n = 0; n < UNITS_MAX; n++) {
		Dwarf_Unsigned hdr_len = 0, type_off = 0, next_off = 0;
		Dwarf_Half version = 0, addr_size = 0, len_size = 0, ext_size = 0, unit_type = 0;
		Dwarf_Off abbrev_off = 0;
		Dwarf_Sig8 sig;
		Dwarf_Die cu = NULL;
		Dwarf_Error err = NULL;
		int res;

		res = dwarf_next_cu_header_d(dl->dbg, 1, &hdr_len, &version, &abbrev_off,
					     &addr_size, &len_size, &ext_size, &sig, &type_off,
					     &next_off, &unit_type, &err);
		if (res != DW_DLV_OK) {
			dwarf_die_drop(dl->dbg, &err);
			break;
		}
		if (dwarf_siblingof_b(dl->dbg, NULL, 1, &cu, &err) == DW_DLV_OK) {
			index_unit(dl, cu, version, hdr_len);
			dwarf_dealloc_die(cu);
		}
		dwarf_die_drop(dl->dbg, &err);
	}
	if (dl->unit_ranges.len)
		qsort(dl->unit_ranges.data, dl->unit_ranges.len, sizeof(struct dw_range),
		      unit_range_cmp);
}

struct dwarf_lines *dwarf_lines_open(const char *path)
{
	struct dwarf_lines *dl;
	Dwarf_Debug dbg = NULL;
	Dwarf_Error err = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &err) !=
	    DW_DLV_OK) {
		dwarf_die_drop(NULL, &err);
		close(fd);
		return NULL;
	}
	dl = xcalloc(1, sizeof(*dl));
	dl->fd = fd;
	dl->dbg = dbg;
	vec_init(&dl->units, sizeof(struct dw_unit));
	vec_init(&dl->unit_ranges, sizeof(struct dw_range));
	index_units(dl);
	if (!dl->units.len) {
		dwarf_lines_free(dl);
		return NULL;
	}
	return dl;
}

void dwarf_lines_free(struct dwarf_lines *dl)
{
	Dwarf_Error err = NULL;

	if (!dl)
		return;
	for (size_t i = 0; i < dl->units.len; i++) {
		struct dw_unit *u = vec_at(&dl->units, i);

		vec_release(&u->lines);
		vec_release(&u->funcs);
		vec_release(&u->ranges);
		strtab_release(&u->strs);
	}
	vec_release(&dl->units);
	vec_release(&dl->unit_ranges);
	dwarf_finish(dl->dbg, &err);
	dwarf_die_drop(NULL, &err);
	close(dl->fd);
	free(dl);
}

/* ---- one unit: file table and line rows ---- */

static uint32_t intern_path(struct strtab *t, const char *dir, const char *name)
{
	size_t dl, nl;
	char *buf;
	uint32_t id;

	if (name[0] == '/' || !dir || !*dir)
		return strtab_intern(t, name, strlen(name));
	dl = strlen(dir);
	nl = strlen(name);
	buf = xmalloc(dl + nl + 2);
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, name, nl + 1);
	id = strtab_intern(t, buf, dl + 1 + nl);
	free(buf);
	return id;
}

/*
 * The directory of a file entry.  libdwarf 20210528 indexes include_dir_data by
 * the raw DWARF 5 directory number (0 = the unit's directory); before DWARF 5,
 * directory 0 is the unit's comp_dir and the table starts at 1.
 */
static const char *file_dir(Dwarf_Debug dbg, Dwarf_Line_Context ctx, uint16_t version,
			    Dwarf_Unsigned dir, const char *comp_dir)
{
	Dwarf_Signed n_dirs = 0;
	Dwarf_Error err = NULL;
	const char *name = NULL;

	if (version < 5 && dir == 0)
		return comp_dir;
	if (dwarf_srclines_include_dir_count(ctx, &n_dirs, &err) != DW_DLV_OK ||
	    dir > (Dwarf_Unsigned)n_dirs ||
	    dwarf_srclines_include_dir_data(ctx, (Dwarf_Signed)dir, &name, &err) != DW_DLV_OK)
		name = NULL;
	dwarf_die_drop(dbg, &err);
	return name;
}

/* files[i] = the strs id of line-table file number i, or NONE. */
static void read_files(Dwarf_Debug dbg, struct dw_unit *u, Dwarf_Die cu, Dwarf_Line_Context ctx,
		       struct vec *files)
{
	Dwarf_Signed base = 0, count = 0, end = 0;
	Dwarf_Error err = NULL;
	const char *comp_dir = dwarf_die_string(dbg, cu, DW_AT_comp_dir);
	const char *cu_name = dwarf_die_string(dbg, cu, DW_AT_name);
	uint32_t none = NONE;

	if (dwarf_srclines_files_indexes(ctx, &base, &count, &end, &err) != DW_DLV_OK ||
	    base < 0 || end < base || end - base > count) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	for (Dwarf_Signed i = 0; i < end; i++) {
		const char *name = NULL;
		Dwarf_Unsigned dir = 0, mtime, length;
		Dwarf_Form_Data16 *md5 = NULL;
		uint32_t id = NONE;

		if (i < base) {
			if (u->version < 5 && i == 0 && cu_name)
				id = strtab_intern(&u->strs, cu_name, strlen(cu_name));
			vec_push(files, &id);
			continue;
		}
		if (dwarf_srclines_files_data_b(ctx, i, &name, &dir, &mtime, &length, &md5,
						&err) == DW_DLV_OK && name)
			id = intern_path(&u->strs, file_dir(dbg, ctx, u->version, dir, comp_dir),
					 name);
		dwarf_die_drop(dbg, &err);
		vec_push(files, id != NONE ? &id : &none);
	}
}

static int line_cmp(const void *a, const void *b)
{
	const struct dw_line *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Rows sorted by address; of several rows at one address the last one is kept.
 * zero_is_one: file 0 stands for file 1 (see gcc_default_file below).
 */
static void read_rows(Dwarf_Debug dbg, struct dw_unit *u, Dwarf_Line_Context ctx,
		      bool zero_is_one, const struct vec *files)
{
	Dwarf_Line *rows = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Error err = NULL;
	struct dw_line *l;
	size_t out = 0;

	if (dwarf_srclines_from_linecontext(ctx, &rows, &n, &err) != DW_DLV_OK || n <= 0) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	for (Dwarf_Signed i = 0; i < n && i < UINT32_MAX; i++) {
		Dwarf_Bool end_seq = 0;
		Dwarf_Addr addr = 0;
		Dwarf_Unsigned lineno = 0, fileno = 0;
		struct dw_line row;

		if (dwarf_lineendsequence(rows[i], &end_seq, &err) != DW_DLV_OK || end_seq ||
		    dwarf_lineaddr(rows[i], &addr, &err) != DW_DLV_OK ||
		    dwarf_lineno(rows[i], &lineno, &err) != DW_DLV_OK ||
		    dwarf_line_srcfileno(rows[i], &fileno, &err) != DW_DLV_OK) {
			dwarf_die_drop(dbg, &err);
			continue;
		}
		row.addr = addr;
		row.line = lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)lineno;
		if (fileno == 0 && zero_is_one)
			fileno = 1;
		row.file = fileno < files->len ? *(uint32_t *)vec_at(files, fileno) : NONE;
		row.order = (uint32_t)i;
		vec_push(&u->lines, &row);
	}
	if (!u->lines.len)
		return;
	l = u->lines.data;
	qsort(l, u->lines.len, sizeof(*l), line_cmp);
	for (size_t i = 0; i < u->lines.len; i++) {
		if (out && l[out - 1].addr == l[i].addr)
			out--;
		l[out++] = l[i];
	}
	u->lines.len = out;
}

/* The row covering pc: the last row at or below it, or NULL. */
static const struct dw_line *line_find(const struct dw_unit *u, uint64_t pc)
{
	const struct dw_line *l = u->lines.data;
	size_t lo = 0, hi = u->lines.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &l[lo - 1] : NULL;
}

/*
 * libdwarf 20210528 starts a DWARF 5 sequence with file register 0, where DWARF 5
 * (and libbacktrace, and later libdwarf) say 1, and it reports an explicit
 * DW_LNS_set_file 0 as 0 too.  GCC and GNU as rely on the default and never set
 * file 0; clang always sets the file and uses 0 for the unit's file.  So a 0 from
 * a GNU producer is the default, 1; from any other producer it is file 0.
 */
static bool gcc_default_file(Dwarf_Debug dbg, Dwarf_Die cu, Dwarf_Unsigned version)
{
	const char *producer = dwarf_die_string(dbg, cu, DW_AT_producer);

	return version >= 5 && producer && !strncmp(producer, "GNU ", 4);
}

static void read_lines(Dwarf_Debug dbg, struct dw_unit *u, Dwarf_Die cu, struct vec *files)
{
	Dwarf_Unsigned version = 0;
	Dwarf_Small tables = 0;
	Dwarf_Line_Context ctx = NULL;
	Dwarf_Error err = NULL;

	if (dwarf_srclines_b(cu, &version, &tables, &ctx, &err) != DW_DLV_OK) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	if (tables == 1) {
		read_files(dbg, u, cu, ctx, files);
		read_rows(dbg, u, ctx, gcc_default_file(dbg, cu, version), files);
	}
	dwarf_srclines_dealloc_b(ctx);
}

/* ---- one unit: functions ---- */

struct walk {
	Dwarf_Debug dbg;
	struct dw_unit *u;
	const struct vec *files;	/* uint32_t strs ids by file number */
	uint64_t budget;		/* DIEs we may still visit in this unit */
	struct vec pairs;		/* scratch: struct dwarf_pc_range */
};

/* Adds die as a function if it has a name and ranges; returns its index or NONE. */
static uint32_t add_func(struct walk *w, Dwarf_Die die, bool inlined, uint32_t parent)
{
	const char *name = func_name(w->dbg, die, true, 0);
	struct dw_func f = { 0 };
	Dwarf_Unsigned v;
	uint32_t idx = (uint32_t)w->u->funcs.len;

	if (!name)
		return NONE;
	w->pairs.len = 0;
	dwarf_die_ranges(w->dbg, die, w->u->version, w->u->base, &w->pairs);
	if (!w->pairs.len)
		return NONE;
	f.name = demangle_intern(&w->u->strs, name);
	f.call_file = NONE;
	if (dwarf_die_udata(w->dbg, die, DW_AT_call_file, &v) && v < w->files->len)
		f.call_file = *(uint32_t *)vec_at(w->files, v);
	if (dwarf_die_udata(w->dbg, die, DW_AT_call_line, &v))
		f.call_line = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	vec_push(&w->u->funcs, &f);
	for (size_t i = 0; i < w->pairs.len; i++) {
		const struct dwarf_pc_range *p = vec_at(&w->pairs, i);
		struct dw_range r = { p->low, p->high, idx, inlined ? parent : NONE };

		vec_push(&w->u->ranges, &r);
	}
	return idx;
}

static void walk_children(struct walk *w, Dwarf_Die die, uint32_t func, int depth);

static void walk_die(struct walk *w, Dwarf_Die die, uint32_t func, int depth)
{
	Dwarf_Half tag = 0;
	Dwarf_Error err = NULL;
	uint32_t f = NONE;

	if (dwarf_tag(die, &tag, &err) != DW_DLV_OK) {
		dwarf_die_drop(w->dbg, &err);
		return;
	}
	if (tag == DW_TAG_subprogram || tag == DW_TAG_entry_point ||
	    tag == DW_TAG_inlined_subroutine)
		f = add_func(w, die, tag == DW_TAG_inlined_subroutine, func);
	walk_children(w, die, f != NONE ? f : func, depth + 1);
}

static void walk_children(struct walk *w, Dwarf_Die die, uint32_t func, int depth)
{
	Dwarf_Die child = NULL, next = NULL;
	Dwarf_Error err = NULL;
	int res;

	if (depth > DIE_DEPTH_MAX)
		return;
	res = dwarf_child(die, &child, &err);
	dwarf_die_drop(w->dbg, &err);
	while (res == DW_DLV_OK && w->budget > 0) {
		w->budget--;
		walk_die(w, child, func, depth);
		res = dwarf_siblingof_b(w->dbg, child, 1, &next, &err);
		dwarf_die_drop(w->dbg, &err);
		dwarf_dealloc_die(child);
		child = next;
	}
	if (res == DW_DLV_OK)
		dwarf_dealloc_die(child);
}

/* Context for range_cmp: qsort has none, and names break ties as in libbacktrace. */
static const struct dw_unit *sorting_unit;

static int range_cmp(const void *a, const void *b)
{
	const struct dw_range *x = a, *y = b;
	const struct dw_func *fx, *fy;
	int c;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	c = range_cmp_low(x, y);
	if (c)
		return c;
	fx = vec_at(&sorting_unit->funcs, x->func);
	fy = vec_at(&sorting_unit->funcs, y->func);
	c = strcmp(strtab_get(&sorting_unit->strs, fx->name),
		   strtab_get(&sorting_unit->strs, fy->name));
	return c ? c : (x->func < y->func ? -1 : x->func > y->func);
}

/* Sorts ranges into parent groups and points each function at its group. */
static void group_ranges(struct dw_unit *u)
{
	struct dw_range *r = u->ranges.data;
	size_t n = u->ranges.len;

	sorting_unit = u;
	if (n)
		qsort(r, n, sizeof(*r), range_cmp);
	sorting_unit = NULL;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && r[j].parent == r[i].parent)
			j++;
		if (r[i].parent == NONE) {
			u->top = (uint32_t)i;
			u->n_top = (uint32_t)(j - i);
		} else {
			struct dw_func *f = vec_at(&u->funcs, r[i].parent);

			f->kids = (uint32_t)i;
			f->n_kids = (uint32_t)(j - i);
		}
		i = j;
	}
}

static void read_unit(struct dwarf_lines *dl, struct dw_unit *u)
{
	Dwarf_Die cu = NULL;
	Dwarf_Error err = NULL;
	struct vec files;
	struct walk w = { 0 };

	u->read = true;
	vec_init(&files, sizeof(uint32_t));
	if (dwarf_offdie_b(dl->dbg, u->die_off, 1, &cu, &err) != DW_DLV_OK) {
		dwarf_die_drop(dl->dbg, &err);
		goto out;
	}
	read_lines(dl->dbg, u, cu, &files);
	if (u->lines.len) {
		w.dbg = dl->dbg;
		w.u = u;
		w.files = &files;
		w.budget = u->size;
		vec_init(&w.pairs, sizeof(struct dwarf_pc_range));
		walk_children(&w, cu, NONE, 0);
		vec_release(&w.pairs);
		group_ranges(u);
	}
	dwarf_dealloc_die(cu);
out:
	vec_release(&files);
	vec_shrink(&u->lines);
	vec_shrink(&u->funcs);
	vec_shrink(&u->ranges);
}

/* ---- lookup ---- */

static const struct dw_range *group_find(const struct dw_unit *u, uint32_t first, uint32_t n,
					 uint64_t pc)
{
	if (n == 0)
		return NULL;
	return range_find((const struct dw_range *)u->ranges.data + first, n, pc);
}

size_t dwarf_lines_lookup(struct dwarf_lines *dl, uint64_t pc, struct sym_frame *out, size_t max)
{
	const struct dw_range *ur, *r;
	const struct dw_line *row;
	const struct dw_func *funcs;
	struct dw_unit *u;
	uint32_t chain[DIE_DEPTH_MAX + 2];
	size_t depth = 0, n = 0;
	uint32_t file, line;

	ur = range_find(dl->unit_ranges.data, dl->unit_ranges.len, pc);
	if (!ur || max == 0)
		return 0;
	u = vec_at(&dl->units, ur->func);
	if (!u->read)
		read_unit(dl, u);
	row = line_find(u, pc);
	r = group_find(u, u->top, u->n_top, pc);
	if (!row || !r)
		return 0;
	funcs = u->funcs.data;
	chain[0] = r->func;
	while (depth <= DIE_DEPTH_MAX) {
		const struct dw_func *f = &funcs[chain[depth]];

		r = group_find(u, f->kids, f->n_kids, pc);
		if (!r)
			break;
		chain[++depth] = r->func;
	}
	file = row->file;
	line = row->line;
	for (size_t d = depth + 1; d-- > 0 && n < max;) {
		const struct dw_func *f = &funcs[chain[d]];

		out[n].function = strtab_get(&u->strs, f->name);
		out[n].file = file != NONE ? strtab_get(&u->strs, file) : NULL;
		out[n].line = line;
		out[n].discriminator = 0;
		n++;
		file = f->call_file;
		line = f->call_line;
	}
	return n;
}
