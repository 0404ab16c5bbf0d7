/*
 * elf_symbols: libelf over one file, read once.
 *
 * elf_symbols_open reads the program headers (PT_LOAD list), the section names
 * (.debug_info present?), the build-id note and .gnu_debuglink; the symbol table
 * waits for the first elf_symbols_find.  libelf checks section offsets and sizes
 * against the file, so every count below comes from a size libelf accepted.
 *
 * Symbol ranges follow libbacktrace's elf_syminfo, which memray uses: only FUNC
 * and OBJECT symbols that are defined, matched by [value, value + size).  A
 * zero-size symbol never matches there, so it is not kept here either.  Among
 * symbols at the same address the first in table order wins.
 */
#include "elf_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demangle.h"
#include "strtab.h"
#include "vec.h"
#include "xalloc.h"

/* A build-id longer than this is not a GNU build-id (they are 16 or 20 bytes). */
#define BUILD_ID_MAX 64

struct elf_sym {
	uint64_t addr;
	uint64_t size;		/* bytes, > 0 */
	uint32_t name;		/* id in names */
	uint32_t order;		/* index in the ELF table: ties keep table order */
};

/* A symbol as libbfd's _bfd_elf_find_function weighs it. */
struct bfd_sym {
	uint64_t addr;
	uint64_t size;		/* st_size, or 1 for 0 */
	size_t shndx;
	const char *name;	/* raw, in libelf's string table */
	const char *file;	/* the FILE symbol that names it, or NULL */
	uint32_t order;
	bool func, notype;
};

struct elf_symbols {
	char *path;
	int fd;
	Elf *elf;
	struct vec loads;	/* struct sym_segment, in program header order */
	bool has_dwarf;
	uint8_t build_id[BUILD_ID_MAX];
	size_t build_id_len;
	char *debuglink;	/* NULL if none */
	uint32_t debuglink_crc;
	bool syms_read;		/* syms/names filled (possibly empty) */
	struct vec syms;	/* struct elf_sym, sorted by addr then order */
	struct strtab names;	/* frozen once syms_read: pointers stay valid */
	bool bfd_read;		/* bfd_syms filled (possibly empty) */
	struct vec bfd_syms;	/* struct bfd_sym, sorted by shndx, addr, order */
	bool allocs_read;	/* allocs filled (possibly empty) */
	struct vec allocs;	/* struct alloc_sec: the SHF_ALLOC sections, by index */
	size_t alloc_hit;	/* allocs index of the last answer */
};

/* An SHF_ALLOC section's index and addresses, for lookups without libelf. */
#define ALLOCS_PAIRED 512
struct alloc_sec {
	size_t idx;
	uint64_t addr, size;
	bool alone;		/* no other SHF_ALLOC section shares an address with it */
};

static void read_loads(struct elf_symbols *es)
{
	size_t n = 0;

	if (elf_getphdrnum(es->elf, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		struct sym_segment seg;

		if (!gelf_getphdr(es->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		seg.vaddr = ph.p_vaddr;
		seg.memsz = ph.p_memsz;
		vec_push(&es->loads, &seg);
	}
}

static void read_build_id(struct elf_symbols *es, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp((const char *)data->d_buf + name_off, "GNU", 4) != 0)
			continue;
		if (nh.n_descsz == 0 || nh.n_descsz > BUILD_ID_MAX)
			return;
		memcpy(es->build_id, (const char *)data->d_buf + desc_off, nh.n_descsz);
		es->build_id_len = nh.n_descsz;
		return;
	}
}

/* .gnu_debuglink: a NUL-terminated name, zero padding to 4 bytes, a 4-byte CRC. */
static void read_debuglink(struct elf_symbols *es, Elf_Scn *scn)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	const unsigned char *p, *e;
	size_t len, crc_off;
	GElf_Ehdr eh;

	if (!data || !data->d_buf || !gelf_getehdr(es->elf, &eh))
		return;
	p = data->d_buf;
	len = strnlen((const char *)p, data->d_size);
	crc_off = (len + 4) & ~(size_t)3;
	if (len == 0 || crc_off + 4 > data->d_size)
		return;
	e = p + crc_off;
	if (eh.e_ident[EI_DATA] == ELFDATA2MSB)
		es->debuglink_crc = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
				    (uint32_t)e[2] << 8 | e[3];
	else
		es->debuglink_crc = (uint32_t)e[3] << 24 | (uint32_t)e[2] << 16 |
				    (uint32_t)e[1] << 8 | e[0];
	es->debuglink = xstrndup((const char *)p, len);
}

static void read_sections(struct elf_symbols *es)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(es->elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(es->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(es->elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_NOTE && !es->build_id_len)
			read_build_id(es, scn);
		if (!name)
			continue;
		if ((!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")) &&
		    sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
			es->has_dwarf = true;
		else if (!strcmp(name, ".gnu_debuglink") && !es->debuglink)
			read_debuglink(es, scn);
	}
}

struct elf_symbols *elf_symbols_open(const char *path)
{
	struct elf_symbols *es;
	int fd;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) == ELFCLASSNONE) {
		if (elf)
			elf_end(elf);
		close(fd);
		return NULL;
	}
	es = xcalloc(1, sizeof(*es));
	es->path = xstrdup(path);
	es->fd = fd;
	es->elf = elf;
	vec_init(&es->loads, sizeof(struct sym_segment));
	vec_init(&es->syms, sizeof(struct elf_sym));
	vec_init(&es->bfd_syms, sizeof(struct bfd_sym));
	vec_init(&es->allocs, sizeof(struct alloc_sec));
	strtab_init(&es->names);
	read_loads(es);
	read_sections(es);
	return es;
}

void elf_symbols_free(struct elf_symbols *es)
{
	if (!es)
		return;
	strtab_release(&es->names);
	vec_release(&es->syms);
	vec_release(&es->bfd_syms);
	vec_release(&es->allocs);
	vec_release(&es->loads);
	free(es->debuglink);
	elf_end(es->elf);
	close(es->fd);
	free(es->path);
	free(es);
}

const char *elf_symbols_path(const struct elf_symbols *es)
{
	return es->path;
}

bool elf_symbols_layout_equals(const struct elf_symbols *es, const struct sym_segment *segs,
			       size_t n)
{
	if (es->loads.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct sym_segment *l = vec_at(&es->loads, i);

		if (l->vaddr != segs[i].vaddr || l->memsz != segs[i].memsz)
			return false;
	}
	return true;
}

bool elf_symbols_has_dwarf(const struct elf_symbols *es)
{
	return es->has_dwarf;
}

size_t elf_symbols_build_id(const struct elf_symbols *es, const uint8_t **id)
{
	*id = es->build_id;
	return es->build_id_len;
}

const char *elf_symbols_debuglink(const struct elf_symbols *es, uint32_t *crc)
{
	*crc = es->debuglink_crc;
	return es->debuglink;
}

bool elf_symbols_section(struct elf_symbols *es, const char *name, const uint8_t **data,
			 size_t *size)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(es->elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(es->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *sname;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		sname = elf_strptr(es->elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, name))
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return false;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return false;
		*data = d->d_buf;
		*size = d->d_size;
		return true;
	}
	return false;
}

bool elf_symbols_big_endian(const struct elf_symbols *es)
{
	const char *ident = elf_getident(es->elf, NULL);

	return ident && ident[EI_DATA] == ELFDATA2MSB;
}

/* The .symtab section, else .dynsym, else NULL. */
static Elf_Scn *find_symtab(Elf *elf, GElf_Shdr *out)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr dyn_sh;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			*out = sh;
			return scn;
		}
		if (sh.sh_type == SHT_DYNSYM && !dynsym) {
			dynsym = scn;
			dyn_sh = sh;
		}
	}
	if (dynsym)
		*out = dyn_sh;
	return dynsym;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void read_symbols(struct elf_symbols *es)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(es->elf, &sh);
	Elf_Data *data;
	size_t n;

	es->syms_read = true;
	if (!scn || sh.sh_entsize == 0)
		return;
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf)
		return;
	n = data->d_size / sh.sh_entsize;
	for (size_t i = 0; i < n && i < UINT32_MAX; i++) {
		GElf_Sym sym;
		struct elf_sym e;
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_OBJECT) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_size == 0 || sym.st_value + sym.st_size < sym.st_value)
			continue;
		name = elf_strptr(es->elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		e.addr = sym.st_value;
		e.size = sym.st_size;
		e.name = demangle_intern(&es->names, name);
		e.order = (uint32_t)i;
		vec_push(&es->syms, &e);
	}
	if (es->syms.len)
		qsort(es->syms.data, es->syms.len, sizeof(struct elf_sym), sym_cmp);
	vec_shrink(&es->syms);
}

const char *elf_symbols_find(struct elf_symbols *es, uint64_t pc)
{
	const struct elf_sym *syms;
	size_t lo = 0, hi, i;

	if (!es->syms_read)
		read_symbols(es);
	syms = es->syms.data;
	hi = es->syms.len;
	/* lo = the first symbol above pc; the candidates share the address just below. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	i = lo - 1;
	while (i > 0 && syms[i - 1].addr == syms[i].addr)
		i--;
	for (; i < lo; i++)
		if (pc - syms[i].addr < syms[i].size)
			return strtab_get(&es->names, syms[i].name);
	return NULL;
}

/* Whether [x.addr, x.addr + x.size) and y's share an address (without overflow). */
static bool alloc_overlap(const struct alloc_sec *x, const struct alloc_sec *y)
{
	if (!x->size || !y->size)
		return false;
	return x->addr >= y->addr ? x->addr - y->addr < y->size : y->addr - x->addr < x->size;
}

static void read_allocs(struct elf_symbols *es)
{
	Elf_Scn *scn = NULL;
	struct alloc_sec *all;

	es->allocs_read = true;
	while ((scn = elf_nextscn(es->elf, scn)) != NULL) {
		GElf_Shdr sh;
		struct alloc_sec a;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		a.idx = elf_ndxscn(scn);
		a.addr = sh.sh_addr;
		a.size = sh.sh_size;
		/* Past ALLOCS_PAIRED sections the pairs are not checked: no shortcut. */
		a.alone = false;
		vec_push(&es->allocs, &a);
	}
	all = es->allocs.data;
	for (size_t i = 0; i < es->allocs.len && es->allocs.len <= ALLOCS_PAIRED; i++) {
		all[i].alone = true;
		for (size_t j = 0; j < es->allocs.len; j++)
			if (i != j && alloc_overlap(&all[i], &all[j]))
				all[i].alone = false;
	}
}

size_t elf_symbols_alloc_section(struct elf_symbols *es, uint64_t pc, size_t after)
{
	const struct alloc_sec *a;

	if (!es->allocs_read)
		read_allocs(es);
	a = es->allocs.data;
	/* Runs of addresses fall in one section; one alone holding pc is the only answer. */
	if (es->alloc_hit < es->allocs.len) {
		const struct alloc_sec *h = &a[es->alloc_hit];

		if (h->alone && h->idx > after && pc >= h->addr && pc - h->addr < h->size)
			return h->idx;
	}
	for (size_t i = 0; i < es->allocs.len; i++)
		if (a[i].idx > after && pc >= a[i].addr && pc - a[i].addr < a[i].size) {
			es->alloc_hit = i;
			return a[i].idx;
		}
	return 0;
}

static int bfd_sym_cmp(const void *a, const void *b)
{
	const struct bfd_sym *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* _bfd_elf_maybe_function_sym, and the FILE symbol libbfd pairs with each symbol. */
static void read_bfd_symbols(struct elf_symbols *es)
{
	GElf_Shdr sh;
	Elf_Scn *scn = find_symtab(es->elf, &sh);
	Elf_Data *data;
	const char *file = NULL;
	bool seen = false, file_after = false;
	size_t n;

	es->bfd_read = true;
	if (!scn || sh.sh_entsize == 0 || !(data = elf_getdata(scn, NULL)) || !data->d_buf)
		return;
	n = data->d_size / sh.sh_entsize;
	for (size_t i = 1; i < n && i < UINT32_MAX; i++) {
		GElf_Sym sym;
		struct bfd_sym b;
		int type, bind;
		const char *name;

		if (!gelf_getsym(data, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		bind = GELF_ST_BIND(sym.st_info);
		name = elf_strptr(es->elf, sh.sh_link, sym.st_name);
		if (type == STT_FILE) {
			file = name;
			file_after |= seen;
			continue;
		}
		seen = true;
		if (type == STT_OBJECT || type == STT_TLS || type == STT_SECTION ||
		    type == STT_COMMON || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx >= SHN_LORESERVE)
			continue;
		if (sym.st_size == 0 && bind == STB_LOCAL && type == STT_NOTYPE &&
		    GELF_ST_VISIBILITY(sym.st_other) == STV_HIDDEN)
			continue;
		b.addr = sym.st_value;
		b.size = sym.st_size ? sym.st_size : 1;
		b.shndx = sym.st_shndx;
		b.name = name ? name : "";
		b.file = bind == STB_LOCAL || !file_after ? file : NULL;
		b.order = (uint32_t)i;
		b.func = type == STT_FUNC || type == STT_GNU_IFUNC;
		b.notype = type == STT_NOTYPE;
		vec_push(&es->bfd_syms, &b);
	}
	if (es->bfd_syms.len)
		qsort(es->bfd_syms.data, es->bfd_syms.len, sizeof(struct bfd_sym), bfd_sym_cmp);
	vec_shrink(&es->bfd_syms);
}

/* libbfd's better_fit, for two symbols at the same address. */
static bool bfd_better(const struct bfd_sym *best, const struct bfd_sym *s, uint64_t pc)
{
	if (pc - best->addr >= best->size)
		return s->size > best->size;
	if (pc - s->addr >= s->size)
		return false;
	if (best->func != s->func)
		return s->func;
	if (best->notype != s->notype)
		return best->notype;
	return s->size < best->size;
}

const char *elf_symbols_bfd_function(struct elf_symbols *es, uint64_t pc, size_t shndx,
				     const char **file, uint64_t *value)
{
	const struct bfd_sym *syms, *best;
	size_t lo = 0, hi, i;

	if (!es->bfd_read)
		read_bfd_symbols(es);
	syms = es->bfd_syms.data;
	hi = es->bfd_syms.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].shndx < shndx || (syms[mid].shndx == shndx && syms[mid].addr <= pc))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || syms[lo - 1].shndx != shndx)
		return NULL;
	i = lo - 1;
	while (i > 0 && syms[i - 1].shndx == shndx && syms[i - 1].addr == syms[i].addr)
		i--;
	best = &syms[i];
	for (i++; i < lo; i++)
		if (bfd_better(best, &syms[i], pc))
			best = &syms[i];
	*file = best->file;
	*value = best->addr;
	return best->name;
}

/* The CRC-32 of zlib and of .gnu_debuglink: reflected polynomial 0xedb88320. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

bool elf_symbols_file_crc(const char *path, uint32_t *crc)
{
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint32_t c = 0;
	ssize_t got;

	if (fd < 0)
		return false;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		c = crc32_update(c, buf, (size_t)got);
	close(fd);
	if (got < 0)
		return false;
	*crc = c;
	return true;
}
