/*
 * dwarf_bfd: libdwarf, read into the tables libbfd's DWARF reader (binutils 2.40) builds.
 *
 * Model.  Units are indexed by their DW_AT_low_pc/high_pc/ranges at open; a unit
 * is read on the first lookup that lands in it (units without ranges are tried
 * after, in file order).  Reading a unit builds:
 *  - line sequences (rows from .debug_line read by hand, else from libdwarf's
 *    srclines): rows in program order, where a row at the address of the
 *    previous one (and the same end_sequence flag) replaces it, and an
 *    end_sequence row closes the sequence; sequences are sorted by low address
 *    (then high descending, then newest first), nested ones are dropped and
 *    overlapping ones trimmed (libbfd's sort_line_sequences);
 *  - functions: every DW_TAG_subprogram, entry_point and inlined_subroutine,
 *    with its ranges merged where they touch (arange_add), its name, and for an
 *    inlined one the nearest enclosing function DIE as its caller.
 * A lookup then takes the row whose [address, next address) holds pc (never the
 * end_sequence row) and the function whose single range holding pc is the
 * shortest (ties: the later DIE), as lookup_address_in_function_table does.
 *
 * Names (scan_unit_for_symbols, find_abstract_instance), attribute by attribute
 * in DIE order: DW_AT_linkage_name always replaces the name and makes it a
 * linkage name; DW_AT_name only fills an empty name, and is a linkage name in a
 * language that does not mangle (C, Fortran, assembler...); DW_AT_abstract_origin
 * and DW_AT_specification read the target DIE the same way, following its own
 * DW_AT_specification (not its abstract origin).
 *
 * File names (concat_filename): an absolute name as is; else joined to its
 * directory entry when that is absolute, else to DW_AT_comp_dir and the
 * (relative) directory.  DWARF 5 numbers files and directories from 0 and starts
 * the file register at 0; DWARF 2-4 from 1, where file 0 is "<unknown>".
 *
 * Strings are interned per unit in a strtab; funcs hold pointers into it, made
 * once the unit is read (the strtab no longer grows then).
 */
#include "dwarf_bfd.h"

#include <dwarf.h>
#include <fcntl.h>
#include <libdwarf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_die.h"
#include "elf_symbols.h"
#include "strtab.h"
#include "vec.h"
#include "xalloc.h"

#define NONE UINT32_MAX
/* DIE nesting followed; compilers stay far below (GCC's deepest is about 30). */
#define DIE_DEPTH_MAX 128
/* libbfd's own bound on DW_AT_specification chains. */
#define REF_DEPTH_MAX 100
#define UNITS_MAX (1u << 20)
/*
 * scan_dies asks libdwarf for each function DIE by offset, and libdwarf
 * 20210528's dwarf_offdie_b finds the unit by a walk of its list of units:
 * past this many units (libc has 4,126) walk_children is faster.
 */
#define SCAN_UNITS_MAX 256

struct bfd_row {
	uint64_t addr;
	uint32_t file;		/* strs id, or NONE */
	uint32_t line, discriminator;
	bool end;		/* end_sequence */
};

struct bfd_seq {
	uint64_t low;		/* possibly trimmed up to the previous sequence's end */
	uint32_t first, n;	/* rows[first .. first + n), the last is the end row */
	uint32_t order;		/* creation order, for the sort */
};

struct bfd_range {
	uint64_t low, high;
};

struct dwarf_bfd_func {
	const char *name;	/* NULL until the unit is read, or when nameless */
	uint32_t name_id;	/* strs id, or NONE */
	bool is_linkage;
	bool inlined;
	uint32_t caller;	/* index in the unit's funcs, or NONE */
	const char *call_file;
	uint32_t call_file_id, call_line;
	uint32_t ranges, n_ranges;	/* the unit's ranges[ranges .. + n_ranges) */
	struct dwarf_bfd_unit *unit;
};

struct bfd_look {
	uint64_t low, high;	/* high: the running maximum after sorting */
	uint32_t func;
};

struct dwarf_bfd_unit {
	Dwarf_Off hdr_off;	/* the unit header's offset in .debug_info */
	Dwarf_Off die_off;
	uint64_t size;
	uint16_t version;	/* the unit's: range lists */
	uint16_t line_version;	/* the line table's: file and directory numbers */
	uint64_t base;
	bool c_names;		/* DW_AT_name is a linkage name (mangle_style 0) */
	bool read;
	struct vec rows;	/* struct bfd_row */
	struct vec seqs;	/* struct bfd_seq, sorted */
	struct vec funcs;	/* struct dwarf_bfd_func */
	struct vec ranges;	/* struct bfd_range */
	struct vec look;	/* struct bfd_look */
	struct vec files;	/* uint32_t strs id by DWARF file number (NONE: none) */
	struct strtab strs;
	/* The last answers, each the same for every pc in its [lo, hi) (empty: none). */
	uint64_t row_lo, row_hi;
	const struct bfd_row *row_hit;
	uint64_t func_lo, func_hi;
	struct dwarf_bfd_func *func_hit;
};

struct unit_range {
	uint64_t low, high;
	uint32_t unit;
	uint64_t mark;		/* the greatest high of this range and those before it */
};

/* Sorts an index by low and sets its marks: a scan back from pc stops at mark <= pc. */
static int unit_range_cmp(const void *a, const void *b);

static void sort_index(struct vec *index)
{
	struct unit_range *r = index->data;
	uint64_t mark = 0;

	if (index->len)
		qsort(r, index->len, sizeof(*r), unit_range_cmp);
	for (size_t i = 0; i < index->len; i++) {
		mark = r[i].high > mark ? r[i].high : mark;
		r[i].mark = mark;
	}
}

/* A section's bytes, borrowed from the elf_symbols the file was opened with. */
struct dwarf_bfd_sec {
	const uint8_t *data;	/* NULL: absent, or not read by hand */
	size_t size;
};

struct dwarf_bfd {
	int fd;
	Dwarf_Debug dbg;
	struct elf_symbols *es;	/* the same file, for its sections; NULL: libdwarf only */
	struct dwarf_bfd_sec line, line_str;	/* for read_lines_fast */
	bool str_tried;		/* str is final (read on the first DW_FORM_strp) */
	struct dwarf_bfd_sec str;
	struct dwarf_bfd_sec info, abbrev;	/* for scan_dies (NULL: past SCAN_UNITS_MAX) */
	struct vec units;	/* struct dwarf_bfd_unit */
	struct vec unit_ranges;	/* struct unit_range, sorted by low */
	struct vec rangeless;	/* uint32_t unit indices without ranges */
	bool all_read;		/* every unit is read and inner_ranges is built */
	struct vec inner_ranges;	/* struct unit_range: line sequences and functions */
};

/* ---- the unit index ---- */

static int unit_range_cmp(const void *a, const void *b)
{
	const struct unit_range *x = a, *y = b;

	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	return x->unit < y->unit ? -1 : x->unit > y->unit;
}

/* libbfd's mangle_style gives 0 for these languages, whose DW_AT_name is the symbol. */
static bool lang_c_names(Dwarf_Unsigned lang)
{
	switch (lang) {
	case DW_LANG_C89: case DW_LANG_C: case DW_LANG_C99: case DW_LANG_C11:
	case DW_LANG_Cobol74: case DW_LANG_Cobol85: case DW_LANG_Fortran77:
	case DW_LANG_Fortran90: case DW_LANG_Fortran95: case DW_LANG_Fortran03:
	case DW_LANG_Fortran08: case DW_LANG_Pascal83: case DW_LANG_Modula2:
	case DW_LANG_PLI: case DW_LANG_UPC: case DW_LANG_Mips_Assembler:
		return true;
	default:
		return false;
	}
}

static void index_unit(struct dwarf_bfd *db, Dwarf_Die cu, uint16_t version, uint64_t size,
		       Dwarf_Off hdr_off)
{
	Dwarf_Error err = NULL;
	struct dwarf_bfd_unit u = { 0 };
	struct vec pairs;
	Dwarf_Addr low = 0;
	Dwarf_Unsigned lang = 0;
	uint32_t idx = (uint32_t)db->units.len;

	if (dwarf_dieoffset(cu, &u.die_off, &err) != DW_DLV_OK) {
		dwarf_die_drop(db->dbg, &err);
		return;
	}
	if (dwarf_lowpc(cu, &low, &err) == DW_DLV_OK)
		u.base = low;
	dwarf_die_drop(db->dbg, &err);
	if (dwarf_die_udata(db->dbg, cu, DW_AT_language, &lang))
		u.c_names = lang_c_names(lang);
	u.version = version;
	u.size = size;
	u.hdr_off = hdr_off;
	vec_init(&u.rows, sizeof(struct bfd_row));
	vec_init(&u.seqs, sizeof(struct bfd_seq));
	vec_init(&u.funcs, sizeof(struct dwarf_bfd_func));
	vec_init(&u.ranges, sizeof(struct bfd_range));
	vec_init(&u.look, sizeof(struct bfd_look));
	vec_init(&u.files, sizeof(uint32_t));
	strtab_init(&u.strs);
	vec_push(&db->units, &u);
	vec_init(&pairs, sizeof(struct dwarf_pc_range));
	dwarf_die_ranges(db->dbg, cu, version, u.base, &pairs);
	for (size_t i = 0; i < pairs.len; i++) {
		const struct dwarf_pc_range *p = vec_at(&pairs, i);
		struct unit_range r = { p->low, p->high, idx, 0 };

		vec_push(&db->unit_ranges, &r);
	}
	if (!pairs.len)
		vec_push(&db->rangeless, &idx);
	vec_release(&pairs);
}

static void index_units(struct dwarf_bfd *db)
{
	Dwarf_Off hdr_off = 0;

	for (uint32_t n = 0; n < UNITS_MAX; n++) {
		Dwarf_Unsigned hdr_len = 0, type_off = 0, next_off = 0;
		Dwarf_Half version = 0, addr_size = 0, len_size = 0, ext_size = 0, unit_type = 0;
		Dwarf_Off abbrev_off = 0;
		Dwarf_Sig8 sig;
		Dwarf_Die cu = NULL;
		Dwarf_Error err = NULL;

		if (dwarf_next_cu_header_d(db->dbg, 1, &hdr_len, &version, &abbrev_off, &addr_size,
					   &len_size, &ext_size, &sig, &type_off, &next_off,
					   &unit_type, &err) != DW_DLV_OK) {
			dwarf_die_drop(db->dbg, &err);
			break;
		}
		if (dwarf_siblingof_b(db->dbg, NULL, 1, &cu, &err) == DW_DLV_OK) {
			index_unit(db, cu, version, hdr_len, hdr_off);
			dwarf_dealloc_die(cu);
		}
		dwarf_die_drop(db->dbg, &err);
		hdr_off = next_off;
	}
	sort_index(&db->unit_ranges);
}

void dwarf_bfd_untrack(void)
{
	dwarf_set_de_alloc_flag(0);
}

struct dwarf_bfd *dwarf_bfd_open(const char *path, struct elf_symbols *es)
{
	struct dwarf_bfd *db;
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
	db = xcalloc(1, sizeof(*db));
	db->fd = fd;
	db->dbg = dbg;
	if (es && !elf_symbols_big_endian(es))
		db->es = es;
	if (db->es && elf_symbols_section(es, ".debug_line", &db->line.data, &db->line.size))
		elf_symbols_section(es, ".debug_line_str", &db->line_str.data, &db->line_str.size);
	vec_init(&db->units, sizeof(struct dwarf_bfd_unit));
	vec_init(&db->unit_ranges, sizeof(struct unit_range));
	vec_init(&db->rangeless, sizeof(uint32_t));
	vec_init(&db->inner_ranges, sizeof(struct unit_range));
	index_units(db);
	/* A compressed section is inflated by libelf here and again by libdwarf. */
	if (db->es && db->units.len <= SCAN_UNITS_MAX &&
	    elf_symbols_section(es, ".debug_info", &db->info.data, &db->info.size))
		elf_symbols_section(es, ".debug_abbrev", &db->abbrev.data, &db->abbrev.size);
	return db;
}

void dwarf_bfd_free(struct dwarf_bfd *db)
{
	Dwarf_Error err = NULL;

	if (!db)
		return;
	for (size_t i = 0; i < db->units.len; i++) {
		struct dwarf_bfd_unit *u = vec_at(&db->units, i);

		vec_release(&u->rows);
		vec_release(&u->seqs);
		vec_release(&u->funcs);
		vec_release(&u->ranges);
		vec_release(&u->look);
		vec_release(&u->files);
		strtab_release(&u->strs);
	}
	vec_release(&db->units);
	vec_release(&db->unit_ranges);
	vec_release(&db->rangeless);
	vec_release(&db->inner_ranges);
	dwarf_finish(db->dbg, &err);
	dwarf_die_drop(NULL, &err);
	close(db->fd);
	free(db);
}

/* ---- one unit: file names ---- */

static uint32_t intern(struct strtab *t, const char *s)
{
	return strtab_intern(t, s, strlen(s));
}

static uint32_t intern_join(struct strtab *t, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = c ? strlen(c) : 0;
	char *buf = xmalloc(la + lb + lc + 3);
	uint32_t id;

	memcpy(buf, a, la);
	buf[la] = '/';
	memcpy(buf + la + 1, b, lb + 1);
	if (c) {
		buf[la + 1 + lb] = '/';
		memcpy(buf + la + 2 + lb, c, lc + 1);
	}
	id = strtab_intern(t, buf, strlen(buf));
	free(buf);
	return id;
}

/* libbfd's concat_filename for one file entry: name in directory sub (NULL: none). */
static uint32_t bfd_path(struct strtab *t, const char *name, const char *sub, const char *comp_dir)
{
	const char *top = NULL;

	if (name[0] == '/')
		return intern(t, name);
	if (!sub || sub[0] != '/')
		top = comp_dir;
	if (!top) {
		top = sub;
		sub = NULL;
	}
	if (!top)
		return intern(t, name);
	return sub ? intern_join(t, top, sub, name) : intern_join(t, top, name, NULL);
}

/* libdwarf's directory number dir (indexed as include_dir_data is), or NULL. */
static const char *ctx_dir(Dwarf_Debug dbg, Dwarf_Line_Context ctx, uint16_t version,
			   Dwarf_Unsigned dir)
{
	Dwarf_Signed n_dirs = 0;
	Dwarf_Error err = NULL;
	const char *sub = NULL;

	if ((version >= 5 || dir > 0) &&
	    dwarf_srclines_include_dir_count(ctx, &n_dirs, &err) == DW_DLV_OK &&
	    dir <= (Dwarf_Unsigned)n_dirs &&
	    dwarf_srclines_include_dir_data(ctx, (Dwarf_Signed)dir, &sub, &err) != DW_DLV_OK)
		sub = NULL;
	dwarf_die_drop(dbg, &err);
	return sub;
}

static void read_files(Dwarf_Debug dbg, struct dwarf_bfd_unit *u, Dwarf_Die cu,
		       Dwarf_Line_Context ctx)
{
	Dwarf_Signed base = 0, count = 0, end = 0;
	Dwarf_Error err = NULL;
	const char *comp_dir = dwarf_die_string(dbg, cu, DW_AT_comp_dir);
	uint32_t unknown = intern(&u->strs, "<unknown>");

	if (dwarf_srclines_files_indexes(ctx, &base, &count, &end, &err) != DW_DLV_OK ||
	    base < 0 || end < base || end - base > count || end > (1 << 24)) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	for (Dwarf_Signed i = 0; i < end; i++) {
		const char *name = NULL;
		Dwarf_Unsigned dir = 0, mtime, length;
		Dwarf_Form_Data16 *md5 = NULL;
		uint32_t id = unknown;

		if (i >= base && dwarf_srclines_files_data_b(ctx, i, &name, &dir, &mtime, &length,
							     &md5, &err) == DW_DLV_OK && name)
			id = bfd_path(&u->strs, name, ctx_dir(dbg, ctx, u->line_version, dir),
				      comp_dir);
		dwarf_die_drop(dbg, &err);
		vec_push(&u->files, &id);
	}
}

/* The path of DWARF file number f, as concat_filename returns it. */
static uint32_t file_id(struct dwarf_bfd_unit *u, Dwarf_Unsigned f)
{
	if (f < u->files.len)
		return *(const uint32_t *)vec_at(&u->files, f);
	return intern(&u->strs, "<unknown>");
}

/* ---- one unit: line sequences ---- */

/* add_line_info: rows in order, a repeated address replaces, end rows close. */
static void add_row(struct dwarf_bfd_unit *u, struct bfd_seq **cur, const struct bfd_row *r)
{
	struct bfd_row *rows = u->rows.data;
	struct bfd_seq *s = *cur;
	size_t at;

	if (s) {
		struct bfd_row *last = &rows[s->first + s->n - 1];

		if (last->addr == r->addr && last->end == r->end) {
			*last = *r;
			return;
		}
		if (!last->end) {
			if (r->end || r->addr > last->addr) {
				vec_push(&u->rows, r);
				s->n++;
				return;
			}
			/* Out of order: before the first row at or above it. */
			vec_push(&u->rows, r);
			rows = u->rows.data;
			at = s->first + s->n;
			while (at > s->first && rows[at - 1].addr >= r->addr)
				at--;
			memmove(&rows[at + 1], &rows[at], (s->first + s->n - at) * sizeof(*rows));
			rows[at] = *r;
			s->n++;
			if (r->addr < s->low)
				s->low = r->addr;
			return;
		}
	}
	s = vec_grow(&u->seqs, 1);
	s->low = r->addr;
	s->first = (uint32_t)u->rows.len;
	s->n = 1;
	s->order = (uint32_t)(u->seqs.len - 1);
	vec_push(&u->rows, r);
	*cur = s;
}

/* One row of the line program (file: its DWARF number), as add_row takes it. */
static void emit_row(struct dwarf_bfd_unit *u, struct bfd_seq **cur, uint64_t addr,
		     uint64_t fileno, uint64_t line, uint64_t discr, bool end)
{
	struct bfd_row r;

	r.addr = addr;
	r.line = (uint32_t)line;
	r.discriminator = (uint32_t)discr;
	r.end = end;
	/* DWARF 2-4 file 0 is "<unknown>" (concat_filename), as is a bad number. */
	r.file = u->line_version < 5 && fileno == 0 ? intern(&u->strs, "<unknown>")
						    : file_id(u, fileno);
	if (!*strtab_get(&u->strs, r.file))
		r.file = NONE;
	add_row(u, cur, &r);
	*cur = vec_at(&u->seqs, u->seqs.len - 1);
}

static uint64_t seq_high(const struct dwarf_bfd_unit *u, const struct bfd_seq *s)
{
	return ((const struct bfd_row *)u->rows.data)[s->first + s->n - 1].addr;
}

static const struct dwarf_bfd_unit *sorting_unit;

static int seq_cmp(const void *a, const void *b)
{
	const struct bfd_seq *x = a, *y = b;
	uint64_t hx = seq_high(sorting_unit, x), hy = seq_high(sorting_unit, y);

	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	if (hx != hy)
		return hx > hy ? -1 : 1;
	/* libbfd numbers its sequences newest first. */
	return x->order > y->order ? -1 : x->order < y->order;
}

/* sort_line_sequences: sorted, nested sequences dropped, overlapping ones trimmed. */
static void sort_seqs(struct dwarf_bfd_unit *u)
{
	struct bfd_seq *s = u->seqs.data;
	size_t n = u->seqs.len, out = 1;
	uint64_t last_high;

	if (n == 0)
		return;
	/* A sequence left open at the end of the program has no end row: libbfd's
	 * last_line is then an ordinary row, and lookups stop before it. */
	sorting_unit = u;
	qsort(s, n, sizeof(*s), seq_cmp);
	sorting_unit = NULL;
	last_high = seq_high(u, &s[0]);
	for (size_t i = 1; i < n; i++) {
		if (s[i].low < last_high) {
			if (seq_high(u, &s[i]) <= last_high)
				continue;
			s[i].low = last_high;
		}
		last_high = seq_high(u, &s[i]);
		s[out++] = s[i];
	}
	u->seqs.len = out;
}

static void read_lines(Dwarf_Debug dbg, struct dwarf_bfd_unit *u, Dwarf_Die cu)
{
	Dwarf_Unsigned version = 0;
	Dwarf_Small tables = 0;
	Dwarf_Line_Context ctx = NULL;
	Dwarf_Line *lines = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Error err = NULL;
	struct bfd_seq *cur = NULL;

	if (dwarf_srclines_b(cu, &version, &tables, &ctx, &err) != DW_DLV_OK) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	if (tables != 1)
		goto out;
	u->line_version = (uint16_t)version;
	read_files(dbg, u, cu, ctx);
	if (dwarf_srclines_from_linecontext(ctx, &lines, &n, &err) != DW_DLV_OK)
		goto out;
	for (Dwarf_Signed i = 0; i < n; i++) {
		Dwarf_Bool end = 0, pe = 0, eb = 0;
		Dwarf_Addr addr = 0;
		Dwarf_Unsigned lineno = 0, fileno = 0, isa = 0, discr = 0;

		if (dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK ||
		    dwarf_lineaddr(lines[i], &addr, &err) != DW_DLV_OK ||
		    dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
		    dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK) {
			dwarf_die_drop(dbg, &err);
			continue;
		}
		if (dwarf_prologue_end_etc(lines[i], &pe, &eb, &isa, &discr, &err) != DW_DLV_OK)
			discr = 0;
		dwarf_die_drop(dbg, &err);
		emit_row(u, &cur, addr, fileno, lineno, discr, end);
	}
	sort_seqs(u);
out:
	dwarf_die_drop(dbg, &err);
	dwarf_srclines_dealloc_b(ctx);
}

/* ---- one unit: .debug_line read by hand ---- */

/*
 * libdwarf's srclines allocates an object per row and records each in its
 * allocation tree; reading the program here is several times faster.  It
 * gives the rows and file table libdwarf 20210528 gives (the file register
 * starts at 0 in DWARF 5, 1 before; the discriminator is reset after each
 * row; a program without rows has no files), and gives up (false: libdwarf
 * reads the unit instead) on what it does not know: big-endian files, VLIW
 * op_index, DW_LNE_define_file, string forms other than string, strp and
 * line_strp, or bytes that do not parse.  Checked row by row against libdwarf
 * on every unit of the test programs and of /usr/lib/debug (libc6-dbg).
 */
struct lp_rd {
	const uint8_t *p, *end;
	bool bad;		/* a read ran past end: every later read gives 0 */
};

static uint64_t lp_fixed(struct lp_rd *r, unsigned n)
{
	uint64_t v = 0;

	if ((size_t)(r->end - r->p) < n) {
		r->bad = true;
		r->p = r->end;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += n;
	return v;
}

static uint64_t lp_uleb(struct lp_rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static int64_t lp_sleb(struct lp_rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	do {
		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

static const char *lp_cstr(struct lp_rd *r)
{
	const uint8_t *nul = memchr(r->p, 0, (size_t)(r->end - r->p));
	const char *s = (const char *)r->p;

	if (!nul) {
		r->bad = true;
		r->p = r->end;
		return NULL;
	}
	r->p = nul + 1;
	return s;
}

/* A NUL-terminated string at off in a string section, or NULL. */
static const char *lp_strsec(const struct dwarf_bfd_sec *sec, uint64_t off)
{
	if (!sec->data || off >= sec->size || !memchr(sec->data + off, 0, sec->size - off))
		return NULL;
	return (const char *)sec->data + off;
}

struct lp_header {
	uint16_t version;
	unsigned offset_size;	/* 4 or 8 */
	uint8_t min_inst, line_base_u8, line_range, opcode_base;
	const uint8_t *std_lengths;	/* opcode_base - 1 of them */
	struct vec dirs;	/* const char *, as in the header */
	struct vec files;	/* struct lp_file, as in the header */
};

struct lp_file {
	const char *name;
	uint64_t dir;
};

/* One DWARF 5 entry-format field of form at r; *str or *num set by its kind. */
static bool lp_form(struct dwarf_bfd *db, struct lp_rd *r, const struct lp_header *h,
		    uint64_t form, const char **str, uint64_t *num)
{
	switch (form) {
	case DW_FORM_string: *str = lp_cstr(r); return *str != NULL;
	case DW_FORM_line_strp:
		*str = lp_strsec(&db->line_str, lp_fixed(r, h->offset_size));
		return *str != NULL;
	case DW_FORM_strp:
		if (!db->str_tried) {
			db->str_tried = true;
			elf_symbols_section(db->es, ".debug_str", &db->str.data, &db->str.size);
		}
		*str = lp_strsec(&db->str, lp_fixed(r, h->offset_size));
		return *str != NULL;
	case DW_FORM_udata: *num = lp_uleb(r); return true;
	case DW_FORM_data1: *num = lp_fixed(r, 1); return true;
	case DW_FORM_data2: *num = lp_fixed(r, 2); return true;
	case DW_FORM_data4: *num = lp_fixed(r, 4); return true;
	case DW_FORM_data8: *num = lp_fixed(r, 8); return true;
	case DW_FORM_data16: lp_fixed(r, 8); lp_fixed(r, 8); return true;
	case DW_FORM_block: {
		uint64_t n = lp_uleb(r);

		if (n > (uint64_t)(r->end - r->p))
			return false;
		r->p += n;
		return true;
	}
	default:
		return false;
	}
}

/* A DWARF 5 directory or file list: entry formats, then the entries. */
static bool lp_entries(struct dwarf_bfd *db, struct lp_rd *r, struct lp_header *h, bool files)
{
	uint64_t fmt[2 * 16], n_fmt = lp_fixed(r, 1), n;

	if (n_fmt > 16)
		return false;
	for (uint64_t i = 0; i < 2 * n_fmt; i++)
		fmt[i] = lp_uleb(r);
	n = lp_uleb(r);
	if (r->bad || n > (uint64_t)(r->end - r->p))
		return false;
	for (uint64_t e = 0; e < n; e++) {
		struct lp_file f = { NULL, 0 };

		for (uint64_t i = 0; i < n_fmt; i++) {
			const char *s = NULL;
			uint64_t v = 0;

			if (!lp_form(db, r, h, fmt[2 * i + 1], &s, &v) || r->bad)
				return false;
			if (fmt[2 * i] == DW_LNCT_path)
				f.name = s;
			else if (fmt[2 * i] == DW_LNCT_directory_index)
				f.dir = v;
		}
		if (!f.name)
			return false;
		if (files)
			vec_push(&h->files, &f);
		else
			vec_push(&h->dirs, &f.name);
	}
	return true;
}

/* The header of the program at r (one unit_length's worth); r is left at the opcodes. */
static bool lp_read_header(struct dwarf_bfd *db, struct lp_rd *r, struct lp_header *h)
{
	const uint8_t *hdr_end;
	uint64_t hdr_len;

	h->version = (uint16_t)lp_fixed(r, 2);
	if (h->version < 2 || h->version > 5)
		return false;
	if (h->version >= 5 && (lp_fixed(r, 1) != 8 || lp_fixed(r, 1) != 0))
		return false;	/* address_size 8, no segment selector */
	hdr_len = lp_fixed(r, h->offset_size);
	if (r->bad || hdr_len > (uint64_t)(r->end - r->p))
		return false;
	hdr_end = r->p + hdr_len;
	h->min_inst = (uint8_t)lp_fixed(r, 1);
	if (h->version >= 4 && lp_fixed(r, 1) != 1)
		return false;	/* maximum_operations_per_instruction: VLIW */
	lp_fixed(r, 1);		/* default_is_stmt */
	h->line_base_u8 = (uint8_t)lp_fixed(r, 1);
	h->line_range = (uint8_t)lp_fixed(r, 1);
	h->opcode_base = (uint8_t)lp_fixed(r, 1);
	if (r->bad || h->line_range == 0 || h->opcode_base == 0 || r->p > hdr_end ||
	    (size_t)(hdr_end - r->p) < h->opcode_base - 1u)
		return false;
	h->std_lengths = r->p;
	r->p += h->opcode_base - 1;
	if (h->version >= 5) {
		if (!lp_entries(db, r, h, false) || !lp_entries(db, r, h, true))
			return false;
	} else {
		const char *s;

		while ((s = lp_cstr(r)) != NULL && *s)
			vec_push(&h->dirs, &s);
		while ((s = lp_cstr(r)) != NULL && *s) {
			struct lp_file f = { s, lp_uleb(r) };

			lp_uleb(r);	/* mtime */
			lp_uleb(r);	/* length */
			vec_push(&h->files, &f);
		}
	}
	if (r->bad || r->p > hdr_end)
		return false;
	r->p = hdr_end;
	return true;
}

/* The directory of DWARF number dir, as libdwarf's include_dir_data gives it; NULL if none. */
static const char *lp_dir(const struct lp_header *h, uint64_t dir)
{
	const char *const *d = h->dirs.data;

	if (h->version >= 5)
		return dir < h->dirs.len ? d[dir] : NULL;
	return dir >= 1 && dir <= h->dirs.len ? d[dir - 1] : NULL;
}

/* The unit's file table from the header, as read_files builds it from libdwarf's. */
static void lp_files(struct dwarf_bfd_unit *u, const struct lp_header *h, const char *comp_dir)
{
	const struct lp_file *f = h->files.data;
	uint32_t unknown = intern(&u->strs, "<unknown>");

	if (h->version < 5)
		vec_push(&u->files, &unknown);
	for (size_t i = 0; i < h->files.len; i++) {
		uint32_t id = bfd_path(&u->strs, f[i].name, lp_dir(h, f[i].dir), comp_dir);

		vec_push(&u->files, &id);
	}
}

/* The line program's opcodes, each row given to emit_row as libdwarf would give it. */
static bool lp_run(struct lp_rd *r, const struct lp_header *h, struct dwarf_bfd_unit *u)
{
	int line_base = (int8_t)h->line_base_u8;
	struct bfd_seq *cur = NULL;
	uint64_t file0 = h->version >= 5 ? 0 : 1, addr = 0, file = file0, discr = 0;
	int64_t line = 1;

	while (r->p < r->end && !r->bad) {
		uint8_t op = *r->p++;

		if (op >= h->opcode_base) {
			unsigned adj = op - h->opcode_base;

			addr += (uint64_t)(adj / h->line_range) * h->min_inst;
			line += line_base + (int)(adj % h->line_range);
			emit_row(u, &cur, addr, file, (uint64_t)line, discr, false);
			discr = 0;
			continue;
		}
		switch (op) {
		case 0: {
			uint64_t len = lp_uleb(r);
			const uint8_t *next;
			uint8_t sub;

			if (r->bad || len == 0 || len > (uint64_t)(r->end - r->p))
				return false;
			next = r->p + len;
			sub = *r->p++;
			if (sub == DW_LNE_end_sequence) {
				emit_row(u, &cur, addr, file, (uint64_t)line, discr, true);
				addr = 0;
				file = file0;
				line = 1;
				discr = 0;
			} else if (sub == DW_LNE_set_address) {
				if (len - 1 != 8 && len - 1 != 4)
					return false;
				addr = lp_fixed(r, (unsigned)(len - 1));
			} else if (sub == DW_LNE_set_discriminator) {
				discr = lp_uleb(r);
			} else if (sub == DW_LNE_define_file) {
				return false;
			}
			r->p = next;
			break;
		}
		case DW_LNS_copy:
			emit_row(u, &cur, addr, file, (uint64_t)line, discr, false);
			discr = 0;
			break;
		case DW_LNS_advance_pc: addr += lp_uleb(r) * h->min_inst; break;
		case DW_LNS_advance_line: line += lp_sleb(r); break;
		case DW_LNS_set_file: file = lp_uleb(r); break;
		case DW_LNS_const_add_pc:
			addr += (uint64_t)((255 - h->opcode_base) / h->line_range) * h->min_inst;
			break;
		case DW_LNS_fixed_advance_pc: addr += lp_fixed(r, 2); break;
		default:
			/* Other standard opcodes (column, flags, isa...): skip their operands. */
			for (unsigned i = 0; i < h->std_lengths[op - 1]; i++)
				lp_uleb(r);
			break;
		}
	}
	return !r->bad;
}

/* The unit's lines from .debug_line at off; false when libdwarf must read them instead. */
static bool read_lines_fast(struct dwarf_bfd *db, struct dwarf_bfd_unit *u, Dwarf_Die cu)
{
	const struct dwarf_bfd_sec *sec = &db->line;
	struct lp_header h = { 0 };
	struct lp_rd r;
	Dwarf_Off off = 0;
	Dwarf_Unsigned off_u = 0;
	uint64_t len;
	bool ok = false;

	if (!sec->data)
		return false;
	if (dwarf_die_ref(db->dbg, cu, DW_AT_stmt_list, &off))
		off_u = off;
	else if (!dwarf_die_udata(db->dbg, cu, DW_AT_stmt_list, &off_u))
		return false;
	if (off_u >= sec->size)
		return false;
	r.p = sec->data + off_u;
	r.end = sec->data + sec->size;
	r.bad = false;
	h.offset_size = 4;
	len = lp_fixed(&r, 4);
	if (len == 0xffffffff) {
		h.offset_size = 8;
		len = lp_fixed(&r, 8);
	}
	if (r.bad || len > (uint64_t)(r.end - r.p))
		return false;
	r.end = r.p + len;
	vec_init(&h.dirs, sizeof(const char *));
	vec_init(&h.files, sizeof(struct lp_file));
	if (!lp_read_header(db, &r, &h))
		goto out;
	u->line_version = h.version;
	lp_files(u, &h, dwarf_die_string(db->dbg, cu, DW_AT_comp_dir));
	ok = lp_run(&r, &h, u);
	if (ok && !u->rows.len) {
		/* libdwarf reports no table then (its table count 0): no files either. */
		u->files.len = 0;
		u->line_version = 0;
	}
	if (ok)
		sort_seqs(u);
out:
	if (!ok) {
		u->rows.len = u->seqs.len = u->files.len = 0;
		u->line_version = 0;
	}
	vec_release(&h.dirs);
	vec_release(&h.files);
	return ok;
}

/* lookup_address_in_line_info_table */
static const struct bfd_row *row_find(struct dwarf_bfd_unit *u, uint64_t pc)
{
	const struct bfd_seq *seqs = u->seqs.data, *s = NULL;
	const struct bfd_row *rows;
	size_t lo = 0, hi = u->seqs.len, mid = 0;
	const struct bfd_row *info = NULL;

	if (pc >= u->row_lo && pc < u->row_hi)
		return u->row_hit;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		s = &seqs[mid];
		if (pc < s->low)
			hi = mid;
		else if (pc >= seq_high(u, s))
			lo = mid + 1;
		else
			break;
	}
	if (!s || pc < s->low || pc >= seq_high(u, s))
		return NULL;
	rows = (const struct bfd_row *)u->rows.data + s->first;
	lo = 0;
	hi = s->n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		info = &rows[mid];
		if (pc < info->addr)
			hi = mid;
		else if (mid + 1 < s->n && pc >= rows[mid + 1].addr)
			lo = mid + 1;
		else
			break;
	}
	if (info && pc >= info->addr && mid + 1 < s->n && pc < rows[mid + 1].addr &&
	    !info->end && mid + 1 != s->n) {
		/* Sequences are disjoint: every pc of the row's span in s finds it. */
		u->row_lo = info->addr > s->low ? info->addr : s->low;
		u->row_hi = rows[mid + 1].addr;
		u->row_hit = info;
		return info;
	}
	return NULL;
}

/* ---- one unit: functions ---- */

struct walk {
	Dwarf_Debug dbg;
	struct dwarf_bfd_unit *u;
	uint64_t budget;
	struct vec pairs;	/* scratch: struct dwarf_pc_range */
	struct vec merged;	/* scratch: struct bfd_range, in libbfd's list order */
};

/* arange_add: extend a range this one touches, else insert after the first. */
static void arange_add(struct vec *list, uint64_t low, uint64_t high)
{
	struct bfd_range r = { low, high }, *l;

	if (low == high)
		return;
	l = list->data;
	for (size_t i = 0; i < list->len; i++) {
		if (low == l[i].high) {
			l[i].high = high;
			return;
		}
		if (high == l[i].low) {
			l[i].low = low;
			return;
		}
	}
	if (list->len == 0) {
		vec_push(list, &r);
		return;
	}
	vec_push(list, &r);
	l = list->data;
	memmove(&l[2], &l[1], (list->len - 2) * sizeof(*l));
	l[1] = r;
}

static bool attr_string(Dwarf_Debug dbg, Dwarf_Attribute a, const char **out)
{
	char *s = NULL;
	Dwarf_Error err = NULL;
	bool ok = dwarf_formstring(a, &s, &err) == DW_DLV_OK && s;

	dwarf_die_drop(dbg, &err);
	if (ok)
		*out = s;
	return ok;
}

static bool attr_ref(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Off *off)
{
	Dwarf_Error err = NULL;
	bool ok = dwarf_global_formref(a, off, &err) == DW_DLV_OK;

	dwarf_die_drop(dbg, &err);
	return ok;
}

static bool attr_udata(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Unsigned *v)
{
	Dwarf_Error err = NULL;
	Dwarf_Signed sv = 0;
	bool ok = dwarf_formudata(a, v, &err) == DW_DLV_OK;

	dwarf_die_drop(dbg, &err);
	if (!ok && dwarf_formsdata(a, &sv, &err) == DW_DLV_OK && sv >= 0) {
		*v = (Dwarf_Unsigned)sv;
		ok = true;
	}
	dwarf_die_drop(dbg, &err);
	return ok;
}

/* What one pass over a DIE's attributes found (a function's, or an origin's). */
struct die_names {
	const char *name;
	bool is_linkage;
};

static void names_from_ref(Dwarf_Debug dbg, Dwarf_Off off, bool c_names, int depth,
			   struct die_names *dn);

/* Applies a name attribute; returns true when at was one. */
static bool name_attr(Dwarf_Debug dbg, Dwarf_Attribute a, Dwarf_Half at, bool c_names,
		      struct die_names *dn)
{
	const char *s;

	if (at == DW_AT_name) {
		if (!dn->name && attr_string(dbg, a, &s)) {
			dn->name = s;
			if (c_names)
				dn->is_linkage = true;
		}
		return true;
	}
	if (at == DW_AT_linkage_name || at == DW_AT_MIPS_linkage_name) {
		if (attr_string(dbg, a, &s)) {
			dn->name = s;
			dn->is_linkage = true;
		}
		return true;
	}
	return false;
}

static void names_of_die(Dwarf_Debug dbg, Dwarf_Die die, bool c_names, int depth,
			 struct die_names *dn)
{
	Dwarf_Attribute *attrs = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Error err = NULL;

	if (dwarf_attrlist(die, &attrs, &n, &err) != DW_DLV_OK) {
		dwarf_die_drop(dbg, &err);
		return;
	}
	for (Dwarf_Signed i = 0; i < n; i++) {
		Dwarf_Half at = 0;
		Dwarf_Off off;

		if (dwarf_whatattr(attrs[i], &at, &err) == DW_DLV_OK &&
		    !name_attr(dbg, attrs[i], at, c_names, dn) && at == DW_AT_specification &&
		    attr_ref(dbg, attrs[i], &off))
			names_from_ref(dbg, off, c_names, depth + 1, dn);
		dwarf_die_drop(dbg, &err);
		dwarf_dealloc_attribute(attrs[i]);
	}
	dwarf_dealloc(dbg, attrs, DW_DLA_LIST);
}

static void names_from_ref(Dwarf_Debug dbg, Dwarf_Off off, bool c_names, int depth,
			   struct die_names *dn)
{
	Dwarf_Die target = NULL;
	Dwarf_Error err = NULL;

	if (depth >= REF_DEPTH_MAX)
		return;
	if (dwarf_offdie_b(dbg, off, 1, &target, &err) == DW_DLV_OK) {
		names_of_die(dbg, target, c_names, depth, dn);
		dwarf_dealloc_die(target);
	}
	dwarf_die_drop(dbg, &err);
}

/* The function DIE's own attributes, in order (scan_unit_for_symbols' second pass). */
static void func_attrs(struct walk *w, Dwarf_Die die, struct dwarf_bfd_func *f)
{
	Dwarf_Attribute *attrs = NULL;
	Dwarf_Signed n = 0;
	Dwarf_Error err = NULL;
	struct die_names dn = { 0 };
	Dwarf_Unsigned v;
	Dwarf_Addr low = 0, high = 0;
	bool high_rel = false;

	if (dwarf_attrlist(die, &attrs, &n, &err) != DW_DLV_OK) {
		dwarf_die_drop(w->dbg, &err);
		return;
	}
	for (Dwarf_Signed i = 0; i < n; i++) {
		Dwarf_Half at = 0, form = 0;
		Dwarf_Off off;

		if (dwarf_whatattr(attrs[i], &at, &err) != DW_DLV_OK ||
		    dwarf_whatform(attrs[i], &form, &err) != DW_DLV_OK) {
			dwarf_die_drop(w->dbg, &err);
		} else if (name_attr(w->dbg, attrs[i], at, w->u->c_names, &dn)) {
		} else if (at == DW_AT_abstract_origin || at == DW_AT_specification) {
			if (attr_ref(w->dbg, attrs[i], &off))
				names_from_ref(w->dbg, off, w->u->c_names, 0, &dn);
		} else if (at == DW_AT_call_file && attr_udata(w->dbg, attrs[i], &v)) {
			f->call_file_id = w->u->line_version < 5 && v == 0
						  ? intern(&w->u->strs, "<unknown>")
						  : file_id(w->u, v);
		} else if (at == DW_AT_call_line && attr_udata(w->dbg, attrs[i], &v)) {
			f->call_line = (uint32_t)v;
		} else if (at == DW_AT_low_pc) {
			if (dwarf_formaddr(attrs[i], &low, &err) != DW_DLV_OK)
				low = 0;
		} else if (at == DW_AT_high_pc) {
			high_rel = form != DW_FORM_addr;
			if (high_rel ? !attr_udata(w->dbg, attrs[i], &v)
				     : dwarf_formaddr(attrs[i], &v, &err) != DW_DLV_OK)
				v = 0;
			high = v;
		} else if (at == DW_AT_ranges) {
			w->pairs.len = 0;
			dwarf_die_ranges(w->dbg, die, w->u->version, w->u->base, &w->pairs);
			for (size_t k = 0; k < w->pairs.len; k++) {
				const struct dwarf_pc_range *p = vec_at(&w->pairs, k);

				arange_add(&w->merged, p->low, p->high);
			}
		}
		dwarf_die_drop(w->dbg, &err);
		dwarf_dealloc_attribute(attrs[i]);
	}
	dwarf_dealloc(w->dbg, attrs, DW_DLA_LIST);
	if (high_rel)
		high += low;
	if (high != 0)
		arange_add(&w->merged, low, high);
	f->name_id = dn.name ? intern(&w->u->strs, dn.name) : NONE;
	f->is_linkage = dn.is_linkage;
}

static uint32_t add_func(struct walk *w, Dwarf_Die die, bool inlined, uint32_t caller)
{
	struct dwarf_bfd_func f = { 0 };
	uint32_t idx = (uint32_t)w->u->funcs.len;

	f.inlined = inlined;
	f.caller = inlined ? caller : NONE;
	f.call_file_id = NONE;
	w->merged.len = 0;
	func_attrs(w, die, &f);
	f.ranges = (uint32_t)w->u->ranges.len;
	f.n_ranges = (uint32_t)w->merged.len;
	for (size_t i = 0; i < w->merged.len; i++)
		vec_push(&w->u->ranges, vec_at(&w->merged, i));
	vec_push(&w->u->funcs, &f);
	return idx;
}

static void walk_children(struct walk *w, Dwarf_Die die, uint32_t func, int depth);

/*
 * DIEs whose children are never functions (call-site parameters, enumerators,
 * subranges, a prototype's parameters...): their subtrees are not walked,
 * which skips about a fifth of a -O2 unit's DIEs.  Types that may hold member
 * functions (struct, class, union) and scopes are walked.
 */
static bool leaf_tag(Dwarf_Half tag)
{
	switch (tag) {
	case DW_TAG_call_site: case DW_TAG_GNU_call_site: case DW_TAG_formal_parameter:
	case DW_TAG_variable: case DW_TAG_enumeration_type: case DW_TAG_subroutine_type:
	case DW_TAG_array_type: case DW_TAG_member: case DW_TAG_base_type:
	case DW_TAG_pointer_type: case DW_TAG_typedef: case DW_TAG_const_type:
	case DW_TAG_volatile_type: case DW_TAG_restrict_type: case DW_TAG_atomic_type:
	case DW_TAG_template_type_parameter: case DW_TAG_template_value_parameter:
	case DW_TAG_GNU_template_parameter_pack: case DW_TAG_GNU_formal_parameter_pack:
	case DW_TAG_unspecified_parameters:
		return true;
	default:
		return false;
	}
}

static void walk_die(struct walk *w, Dwarf_Die die, uint32_t func, int depth)
{
	Dwarf_Half tag = 0;
	Dwarf_Error err = NULL;

	if (dwarf_tag(die, &tag, &err) != DW_DLV_OK) {
		dwarf_die_drop(w->dbg, &err);
		return;
	}
	if (tag == DW_TAG_subprogram || tag == DW_TAG_entry_point ||
	    tag == DW_TAG_inlined_subroutine)
		func = add_func(w, die, tag == DW_TAG_inlined_subroutine, func);
	if (!leaf_tag(tag))
		walk_children(w, die, func, depth + 1);
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

static int look_cmp(const void *a, const void *b)
{
	const struct bfd_look *x = a, *y = b;

	if (x->low != y->low)
		return x->low < y->low ? -1 : 1;
	if (x->high != y->high)
		return x->high < y->high ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

/* build_lookup_funcinfo_table: per function min low / max high, sorted, watermarked. */
static void build_look(struct dwarf_bfd_unit *u)
{
	struct dwarf_bfd_func *funcs = u->funcs.data;
	const struct bfd_range *r = u->ranges.data;
	struct bfd_look *l;
	uint64_t mark;

	for (uint32_t i = 0; i < u->funcs.len; i++) {
		struct bfd_look e = { UINT64_MAX, 0, i };

		funcs[i].unit = u;
		funcs[i].name = funcs[i].name_id != NONE ? strtab_get(&u->strs, funcs[i].name_id)
							 : NULL;
		funcs[i].call_file = funcs[i].call_file_id != NONE
					     ? strtab_get(&u->strs, funcs[i].call_file_id)
					     : NULL;
		if (!funcs[i].n_ranges)
			continue;
		for (uint32_t k = 0; k < funcs[i].n_ranges; k++) {
			const struct bfd_range *x = &r[funcs[i].ranges + k];

			e.low = x->low < e.low ? x->low : e.low;
			e.high = x->high > e.high ? x->high : e.high;
		}
		vec_push(&u->look, &e);
	}
	if (!u->look.len)
		return;
	l = u->look.data;
	qsort(l, u->look.len, sizeof(*l), look_cmp);
	mark = l[0].high;
	for (size_t i = 1; i < u->look.len; i++) {
		if (l[i].high > mark)
			mark = l[i].high;
		else
			l[i].high = mark;
	}
}

/* ---- one unit: the DIE tree read by hand ---- */

/*
 * libdwarf allocates a Dwarf_Die for every DIE the walk passes (most are
 * parameters, variables, types and call sites); here the unit's bytes are
 * stepped through with its abbreviations, and libdwarf is asked only for the
 * function DIEs found (add_func reads their attributes).  The DIEs visited,
 * their order and their nesting are walk_children's: pre-order, leaf_tag
 * subtrees and DIEs deeper than DIE_DEPTH_MAX left out.  Gives up (false:
 * walk_children walks the unit instead) on a form it cannot size, a unit
 * header it does not know or bytes that do not parse.
 */
struct abbrev {
	uint16_t tag;
	bool children;
	uint32_t specs;		/* first of its (attribute, form) pairs in abbrevs.specs */
};

struct abbrevs {
	struct vec by_code;	/* struct abbrev by code (tag 0: no such code) */
	struct vec specs;	/* uint64_t form, 0 after each abbreviation's last */
};

#define ABBREV_CODES_MAX (1u << 20)

static bool read_abbrevs(const struct dwarf_bfd_sec *sec, uint64_t off, struct abbrevs *ab)
{
	struct lp_rd r;

	if (!sec->data || off >= sec->size)
		return false;
	r.p = sec->data + off;
	r.end = sec->data + sec->size;
	r.bad = false;
	for (;;) {
		uint64_t code = lp_uleb(&r), at, form;
		struct abbrev *a;

		if (code == 0 || r.bad)
			return !r.bad;
		if (code >= ABBREV_CODES_MAX)
			return false;
		if (code >= ab->by_code.len)
			vec_grow(&ab->by_code, code + 1 - ab->by_code.len);
		a = vec_at(&ab->by_code, code);
		if (a->tag)
			return false;
		a->tag = (uint16_t)lp_uleb(&r);
		a->children = lp_fixed(&r, 1) != 0;
		a->specs = (uint32_t)ab->specs.len;
		if (!a->tag)
			return false;
		do {
			at = lp_uleb(&r);
			form = lp_uleb(&r);
			if (form == DW_FORM_implicit_const)
				lp_sleb(&r);
			if (r.bad)
				return false;
			if (at || form)
				vec_push(&ab->specs, &form);
		} while (at || form);
		form = 0;
		vec_push(&ab->specs, &form);
	}
}

/* Steps r over one attribute value of form; false for a form it does not know. */
static bool skip_form(struct lp_rd *r, uint64_t form, unsigned offset_size, unsigned addr_size,
		      int depth)
{
	static const uint8_t fixed[] = {
		[DW_FORM_data1] = 1, [DW_FORM_ref1] = 1, [DW_FORM_flag] = 1, [DW_FORM_strx1] = 1,
		[DW_FORM_addrx1] = 1, [DW_FORM_data2] = 2, [DW_FORM_ref2] = 2,
		[DW_FORM_strx2] = 2, [DW_FORM_addrx2] = 2, [DW_FORM_strx3] = 3,
		[DW_FORM_addrx3] = 3, [DW_FORM_data4] = 4, [DW_FORM_ref4] = 4,
		[DW_FORM_ref_sup4] = 4, [DW_FORM_strx4] = 4, [DW_FORM_addrx4] = 4,
		[DW_FORM_data8] = 8, [DW_FORM_ref8] = 8, [DW_FORM_ref_sig8] = 8,
		[DW_FORM_ref_sup8] = 8, [DW_FORM_data16] = 16,
	};
	uint64_t n;

	if (form < sizeof(fixed) && fixed[form]) {
		lp_fixed(r, fixed[form]);
		return true;
	}
	switch (form) {
	case DW_FORM_addr: n = addr_size; break;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_ref_addr:
		n = offset_size;
		break;
	case DW_FORM_flag_present: case DW_FORM_implicit_const: return true;
	case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx:
	case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
		lp_uleb(r);
		return true;
	case DW_FORM_string: return lp_cstr(r) != NULL;
	case DW_FORM_block1: n = lp_fixed(r, 1); break;
	case DW_FORM_block2: n = lp_fixed(r, 2); break;
	case DW_FORM_block4: n = lp_fixed(r, 4); break;
	case DW_FORM_block: case DW_FORM_exprloc: n = lp_uleb(r); break;
	case DW_FORM_indirect:
		n = lp_uleb(r);
		return depth < 4 && n != DW_FORM_implicit_const &&
		       skip_form(r, n, offset_size, addr_size, depth + 1);
	default:
		return false;
	}
	if (n > (uint64_t)(r->end - r->p)) {
		r->bad = true;
		return false;
	}
	r->p += n;
	return true;
}

/* A function DIE found by scan_dies: its offset, and its place in the unit's funcs. */
struct die_func {
	Dwarf_Off off;
	bool inlined;
	uint32_t caller;	/* index in the unit's funcs to be, or NONE */
};

/*
 * The function DIEs of the unit whose header is at hdr_off, in walk_children's
 * order, appended to out (struct die_func); false when the unit must be walked
 * through libdwarf instead.
 */
static bool scan_dies(struct dwarf_bfd *db, const struct dwarf_bfd_unit *u, struct vec *out)
{
	const struct dwarf_bfd_sec *info = &db->info;
	struct abbrevs ab;
	struct lp_rd r;
	uint64_t len, abbrev_off, budget = u->size;
	unsigned offset_size = 4, addr_size;
	uint16_t version;
	uint32_t funcs[DIE_DEPTH_MAX + 2];
	int depth = 0, skip_below = INT32_MAX;
	bool ok = false;

	if (!info->data || !db->abbrev.data || u->hdr_off >= info->size)
		return false;
	r.p = info->data + u->hdr_off;
	r.end = info->data + info->size;
	r.bad = false;
	len = lp_fixed(&r, 4);
	if (len == 0xffffffff) {
		offset_size = 8;
		len = lp_fixed(&r, 8);
	}
	if (r.bad || len > (uint64_t)(r.end - r.p))
		return false;
	r.end = r.p + len;
	version = (uint16_t)lp_fixed(&r, 2);
	if (version >= 5) {
		uint8_t type = (uint8_t)lp_fixed(&r, 1);

		if (type != DW_UT_compile && type != DW_UT_partial)
			return false;
		addr_size = (unsigned)lp_fixed(&r, 1);
		abbrev_off = lp_fixed(&r, offset_size);
	} else {
		abbrev_off = lp_fixed(&r, offset_size);
		addr_size = (unsigned)lp_fixed(&r, 1);
	}
	/* DWARF 2's DW_FORM_ref_addr is address-sized: left to libdwarf. */
	if (r.bad || version < 3 || version > 5 || version != u->version ||
	    (uint64_t)(r.p - info->data) != u->die_off)
		return false;
	vec_init(&ab.by_code, sizeof(struct abbrev));
	vec_init(&ab.specs, sizeof(uint64_t));
	if (!read_abbrevs(&db->abbrev, abbrev_off, &ab))
		goto out;
	funcs[0] = NONE;
	while (r.p < r.end) {
		Dwarf_Off off = (Dwarf_Off)(r.p - info->data);
		uint64_t code = lp_uleb(&r);
		const struct abbrev *a;
		const uint64_t *form;
		bool visit;

		if (r.bad)
			goto out;
		if (code == 0) {
			if (--depth < 0)
				goto out;
			if (depth <= skip_below)
				skip_below = INT32_MAX;
			if (depth == 0)
				break;
			continue;
		}
		if (code >= ab.by_code.len || !(a = vec_at(&ab.by_code, code))->tag)
			goto out;
		for (form = (const uint64_t *)ab.specs.data + a->specs; *form; form++)
			if (!skip_form(&r, *form, offset_size, addr_size, 0) || r.bad)
				goto out;
		/* The unit DIE is depth 0; its children are walk_children's depth 0. */
		visit = off != u->die_off && depth <= skip_below && depth - 1 <= DIE_DEPTH_MAX;
		if (visit && budget-- == 0)
			goto out;
		if (visit && (a->tag == DW_TAG_subprogram || a->tag == DW_TAG_entry_point ||
			      a->tag == DW_TAG_inlined_subroutine)) {
			struct die_func f = { off, a->tag == DW_TAG_inlined_subroutine, NONE };

			f.caller = f.inlined ? funcs[depth] : NONE;
			vec_push(out, &f);
		}
		if (a->children) {
			if (depth <= DIE_DEPTH_MAX)
				funcs[depth + 1] = depth == 0 ? NONE : funcs[depth];
			if (visit && depth <= DIE_DEPTH_MAX && out->len &&
			    ((const struct die_func *)vec_at(out, out->len - 1))->off == off)
				funcs[depth + 1] = (uint32_t)(out->len - 1);
			if (off != u->die_off && (!visit || leaf_tag(a->tag)))
				skip_below = skip_below < depth ? skip_below : depth;
			depth++;
		}
		if (off == u->die_off && !a->children)
			break;
	}
	ok = depth == 0 && !r.bad;
out:
	vec_release(&ab.by_code);
	vec_release(&ab.specs);
	return ok;
}

/* A function whose DIE libdwarf would not give: kept, nameless and rangeless, for the indices. */
static void add_blank_func(struct dwarf_bfd_unit *u, bool inlined, uint32_t caller)
{
	struct dwarf_bfd_func f = { 0 };

	f.inlined = inlined;
	f.caller = inlined ? caller : NONE;
	f.name_id = f.call_file_id = NONE;
	f.ranges = (uint32_t)u->ranges.len;
	vec_push(&u->funcs, &f);
}

/* The functions of the unit: scan_dies, else walk_children. */
static void read_funcs(struct dwarf_bfd *db, struct walk *w, Dwarf_Die cu)
{
	struct vec found;

	vec_init(&found, sizeof(struct die_func));
	if (!scan_dies(db, w->u, &found)) {
		walk_children(w, cu, NONE, 0);
		goto out;
	}
	for (size_t i = 0; i < found.len; i++) {
		const struct die_func *f = vec_at(&found, i);
		Dwarf_Die die = NULL;
		Dwarf_Error err = NULL;

		if (dwarf_offdie_b(db->dbg, f->off, 1, &die, &err) == DW_DLV_OK) {
			add_func(w, die, f->inlined, f->caller);
			dwarf_dealloc_die(die);
		} else {
			add_blank_func(w->u, f->inlined, f->caller);
		}
		dwarf_die_drop(db->dbg, &err);
	}
out:
	vec_release(&found);
}

static void read_unit(struct dwarf_bfd *db, struct dwarf_bfd_unit *u)
{
	Dwarf_Die cu = NULL;
	Dwarf_Error err = NULL;
	struct walk w = { 0 };

	u->read = true;
	if (dwarf_offdie_b(db->dbg, u->die_off, 1, &cu, &err) != DW_DLV_OK) {
		dwarf_die_drop(db->dbg, &err);
		return;
	}
	if (!read_lines_fast(db, u, cu))
		read_lines(db->dbg, u, cu);
	w.dbg = db->dbg;
	w.u = u;
	w.budget = u->size;
	vec_init(&w.pairs, sizeof(struct dwarf_pc_range));
	vec_init(&w.merged, sizeof(struct bfd_range));
	read_funcs(db, &w, cu);
	vec_release(&w.pairs);
	vec_release(&w.merged);
	dwarf_dealloc_die(cu);
	build_look(u);
	vec_shrink(&u->rows);
	vec_shrink(&u->funcs);
}

/* Narrows [*lo, *hi) around pc to exclude boundary b (a boundary at *lo stays in). */
static void narrow(uint64_t *lo, uint64_t *hi, uint64_t pc, uint64_t b)
{
	if (b <= pc) {
		if (b > *lo)
			*lo = b;
	} else if (b < *hi) {
		*hi = b;
	}
}

/*
 * lookup_address_in_function_table: the shortest range holding pc; ties: later DIE.
 * The answer holds on [lo, hi), bounded by the ranges looked at, the mark of the
 * entry before (entries before it end at or before it) and the low of the entry
 * after (those after start at or after it): addr2line's next address is most
 * often in it.
 */
static struct dwarf_bfd_func *func_find(struct dwarf_bfd_unit *u, uint64_t pc)
{
	const struct bfd_look *l = u->look.data;
	const struct bfd_range *r = u->ranges.data;
	struct dwarf_bfd_func *funcs = u->funcs.data;
	size_t n = u->look.len, lo = 0, hi = n, first = n;
	uint32_t best = NONE;
	uint64_t best_len = UINT64_MAX, span_lo = 0, span_hi = UINT64_MAX;

	if (pc >= u->func_lo && pc < u->func_hi)
		return u->func_hit;
	if (n == 0 || l[n - 1].high < pc)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (pc < l[mid].low)
			hi = mid;
		else if (pc >= l[mid].high)
			lo = mid + 1;
		else
			hi = first = mid;
	}
	if (first == n)
		return NULL;
	if (first > 0)
		span_lo = l[first - 1].high;
	for (; first < n && pc >= l[first].low; first++) {
		const struct dwarf_bfd_func *f = &funcs[l[first].func];

		for (uint32_t k = 0; k < f->n_ranges; k++) {
			const struct bfd_range *x = &r[f->ranges + k];
			uint64_t len = x->high - x->low;

			narrow(&span_lo, &span_hi, pc, x->low);
			narrow(&span_lo, &span_hi, pc, x->high);
			if (pc < x->low || pc >= x->high)
				continue;
			if (len < best_len || (len == best_len && l[first].func > best)) {
				best = l[first].func;
				best_len = len;
			}
		}
	}
	if (first < n)
		narrow(&span_lo, &span_hi, pc, l[first].low);
	u->func_lo = span_lo;
	u->func_hi = span_hi;
	u->func_hit = best == NONE ? NULL : &funcs[best];
	return u->func_hit;
}

static bool unit_lookup(struct dwarf_bfd *db, uint32_t idx, uint64_t pc, struct dwarf_bfd_hit *h)
{
	struct dwarf_bfd_unit *u = vec_at(&db->units, idx);
	const struct bfd_row *row;

	if (!u->read)
		read_unit(db, u);
	h->func = func_find(u, pc);
	row = row_find(u, pc);
	if (row) {
		h->file = row->file != NONE ? strtab_get(&u->strs, row->file) : NULL;
		h->line = row->line;
		h->discriminator = row->discriminator;
	}
	h->found = row || h->func;
	return h->found;
}

/*
 * libbfd reads every unit until one answers, and then knows each unit by its
 * line sequences and functions too (its trie), not only by DW_AT_ranges: code
 * GCC moves out of a function (.cold parts, clones) may be in no unit's ranges.
 */
static void index_inner_ranges(struct dwarf_bfd *db)
{
	db->all_read = true;
	for (uint32_t i = 0; i < db->units.len; i++) {
		struct dwarf_bfd_unit *u = vec_at(&db->units, i);
		const struct bfd_look *l;

		if (!u->read)
			read_unit(db, u);
		for (size_t k = 0; k < u->seqs.len; k++) {
			const struct bfd_seq *q = vec_at(&u->seqs, k);
			struct unit_range r = { q->low, seq_high(u, q), i, 0 };

			vec_push(&db->inner_ranges, &r);
		}
		l = u->look.data;
		for (size_t k = 0; k < u->look.len; k++) {
			const struct dwarf_bfd_func *f = vec_at(&u->funcs, l[k].func);

			for (uint32_t j = 0; j < f->n_ranges; j++) {
				const struct bfd_range *x = vec_at(&u->ranges, f->ranges + j);
				struct unit_range r = { x->low, x->high, i, 0 };

				vec_push(&db->inner_ranges, &r);
			}
		}
	}
	sort_index(&db->inner_ranges);
}

/* The units of index (sorted unit_range) holding pc, tried in file order. */
static bool lookup_in(struct dwarf_bfd *db, const struct vec *index, uint64_t pc,
		      struct dwarf_bfd_hit *h)
{
	const struct unit_range *r = index->data;
	size_t lo = 0, hi = index->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].low <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Usually one or two ranges hold pc; the marks end the scan back. */
	for (uint32_t want = 0;;) {
		uint32_t next = UINT32_MAX;

		for (size_t i = lo; i-- > 0 && pc < r[i].mark;)
			if (pc < r[i].high && r[i].unit >= want && r[i].unit < next)
				next = r[i].unit;
		if (next == UINT32_MAX)
			return false;
		if (unit_lookup(db, next, pc, h))
			return true;
		memset(h, 0, sizeof(*h));
		want = next + 1;
	}
}

struct dwarf_bfd_hit dwarf_bfd_lookup(struct dwarf_bfd *db, uint64_t pc)
{
	struct dwarf_bfd_hit h = { 0 };

	if (lookup_in(db, &db->unit_ranges, pc, &h))
		return h;
	for (size_t i = 0; i < db->rangeless.len; i++) {
		if (unit_lookup(db, *(uint32_t *)vec_at(&db->rangeless, i), pc, &h))
			return h;
		memset(&h, 0, sizeof(h));
	}
	if (!db->all_read)
		index_inner_ranges(db);
	lookup_in(db, &db->inner_ranges, pc, &h);
	return h;
}

const char *dwarf_bfd_func_name(const struct dwarf_bfd_func *f, bool *is_linkage, uint64_t *low)
{
	*is_linkage = f->is_linkage;
	*low = f->n_ranges ? ((const struct bfd_range *)f->unit->ranges.data)[f->ranges].low : 0;
	return f->name;
}

void dwarf_bfd_func_settle(struct dwarf_bfd_func *f, const char *name)
{
	if (name)
		f->name = name;
	f->is_linkage = true;
}

struct dwarf_bfd_func *dwarf_bfd_caller(const struct dwarf_bfd_func *f, const char **file,
					uint32_t *line)
{
	if (!f->inlined || f->caller == NONE)
		return NULL;
	*file = f->call_file;
	*line = f->call_line;
	return vec_at(&f->unit->funcs, f->caller);
}
