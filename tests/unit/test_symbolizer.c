/*
 * Unit tests of the native symbolizer against what memray showed for the same
 * addresses (shared/captures/memray/native_fixture.bin.oracle.json):
 *  - the fixture library (DWARF 5, one inlined call) at its recorded path, found
 *    beside the capture or through a prefix map;
 *  - the host's python3.11 (.dynsym only) and libc (DWARF in
 *    /usr/lib/debug/.build-id), skipped when their layout differs from the
 *    capture's: the addresses would mean nothing;
 *  - refusals: other layout, missing file; and truncated or damaged copies of the
 *    fixture, which must never crash (-1 or any frames are fine);
 *  - the inputs that crashed fuzz/fuzz_symbolizer.c (tests/symbolizer/crashes).
 * The pcs are the capture's ips minus the load address minus 1.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "symbolizer.h"

#define FIXTURE_DIR MEMTUI_SOURCE_DIR "/sample-captures/memray"
#define FIXTURE_PATH "/opt/memtui-fixtures/memray/libmemtui_fixture.so"
#define FIXTURE_SRC "/opt/memtui-fixtures/memray/workloads/memtui_fixture.c"

static const struct sym_segment fixture_segs[] = {
	{ 0x0, 0x6f0 }, { 0x1000, 0x341 }, { 0x2000, 0x1e8 }, { 0x3df8, 0x250 },
};

static const struct sym_segment python_segs[] = {
	{ 0x400000, 0x1e3e8 }, { 0x41f000, 0x2b2289 }, { 0x6d2000, 0x272968 },
	{ 0x945dc8, 0x1832f0 },
};

static const struct sym_segment libc_segs[] = {
	{ 0x0, 152456 }, { 155648, 1396988 }, { 1556480, 338993 }, { 1898704, 75392 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int skipped;

static int frame_is(const struct sym_frame *f, const char *fn, const char *file, uint32_t line)
{
	int ok = f->function && !strcmp(f->function, fn) && f->line == line &&
		 (file ? f->file && !strcmp(f->file, file) : !f->file);

	if (!ok)
		fprintf(stderr, "  got %s %s:%u, want %s %s:%u\n",
			f->function ? f->function : "(null)", f->file ? f->file : "(null)", f->line,
			fn, file ? file : "(null)", line);
	return ok;
}

static struct symbolizer *beside_fixture(void)
{
	struct symbolizer_options opt = { 0 };

	opt.beside_dir = FIXTURE_DIR;
	return symbolizer_new(&opt);
}

TEST(fixture_frames)
{
	struct symbolizer *s = beside_fixture();
	int m = symbolizer_module(s, FIXTURE_PATH, fixture_segs, N(fixture_segs));
	struct sym_frame f[8];

	CHECK(m >= 0);
	CHECK(strstr(symbolizer_module_file(s, m), "sample-captures/memray/libmemtui_fixture.so"));
	/* fill_row is inlined into fixture_make_matrix: two frames, innermost first. */
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11e9, f, 8), 2);
	CHECK(frame_is(&f[0], "fill_row", FIXTURE_SRC, 15));
	CHECK(frame_is(&f[1], "fixture_make_matrix", FIXTURE_SRC, 25));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11c7, f, 8), 1);
	CHECK(frame_is(&f[0], "fixture_make_matrix", FIXTURE_SRC, 22));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x1177, f, 8), 1);
	CHECK(frame_is(&f[0], "leaf_alloc", FIXTURE_SRC, 40));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11a0, f, 8), 1);
	CHECK(frame_is(&f[0], "mid_alloc", FIXTURE_SRC, 47));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x126e, f, 8), 1);
	CHECK(frame_is(&f[0], "fixture_nested_alloc", FIXTURE_SRC, 54));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x12c1, f, 8), 1);
	CHECK(frame_is(&f[0], "fixture_mmap_split", FIXTURE_SRC, 71));
	/* A chain is cut after max innermost frames. */
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11e9, f, 1), 1);
	CHECK(frame_is(&f[0], "fill_row", FIXTURE_SRC, 15));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11e9, f, 0), 0);
	/* crt code has neither DWARF nor a sized symbol; nothing maps past .text. */
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x10b0, f, 8), 0);
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x5000, f, 8), 0);
	CHECK_EQ_I64(symbolizer_lookup(s, m, UINT64_MAX, f, 8), 0);
	CHECK(strstr(symbolizer_module_debug_file(s, m), "libmemtui_fixture.so"));
	symbolizer_free(s);
}

TEST(module_cache)
{
	struct symbolizer *s = beside_fixture();
	int m1 = symbolizer_module(s, FIXTURE_PATH, fixture_segs, N(fixture_segs));
	int m2 = symbolizer_module(s, FIXTURE_PATH, fixture_segs, N(fixture_segs));
	int any = symbolizer_module(s, FIXTURE_PATH, NULL, 0);
	struct sym_frame a, b;

	CHECK(m1 >= 0 && m1 == m2);
	CHECK(any >= 0 && any != m1);
	CHECK_EQ_I64(symbolizer_lookup(s, m1, 0x1177, &a, 1), 1);
	CHECK_EQ_I64(symbolizer_lookup(s, any, 0x12c1, &b, 1), 1);
	CHECK(frame_is(&a, "leaf_alloc", FIXTURE_SRC, 40));
	CHECK(frame_is(&b, "fixture_mmap_split", FIXTURE_SRC, 71));
	CHECK_EQ_I64(symbolizer_lookup(s, -1, 0x1177, &a, 1), 0);
	CHECK_EQ_I64(symbolizer_lookup(s, 99, 0x1177, &a, 1), 0);
	CHECK(symbolizer_module_file(s, 99) == NULL);
	symbolizer_free(s);
}

TEST(refusals)
{
	struct symbolizer *s = beside_fixture();
	struct sym_segment other[N(fixture_segs)];
	struct sym_frame f;

	memcpy(other, fixture_segs, sizeof(other));
	other[1].memsz++;
	CHECK_EQ_I64(symbolizer_module(s, FIXTURE_PATH, other, N(other)), -1);
	CHECK_EQ_I64(symbolizer_module(s, FIXTURE_PATH, fixture_segs, 3), -1);
	/* Cached failure: the same answer again, and lookups on it find nothing. */
	CHECK_EQ_I64(symbolizer_module(s, FIXTURE_PATH, other, N(other)), -1);
	CHECK_EQ_I64(symbolizer_module(s, "/nonexistent/libx.so", fixture_segs, 4), -1);
	CHECK_EQ_I64(symbolizer_module(s, FIXTURE_DIR "/native_fixture.bin", NULL, 0), -1);
	CHECK_EQ_I64(symbolizer_lookup(s, -1, 0x1177, &f, 1), 0);
	symbolizer_free(s);

	s = symbolizer_new(NULL);
	CHECK_EQ_I64(symbolizer_module(s, FIXTURE_PATH, fixture_segs, N(fixture_segs)), -1);
	symbolizer_free(s);
}

TEST(prefix_map)
{
	const char *from[] = { "/nowhere", "/opt/memtui-fixtures/memray" };
	const char *to[] = { "/tmp", FIXTURE_DIR };
	struct symbolizer_options opt = { 0 };
	struct symbolizer *s;
	struct sym_frame f[2];
	int m;

	opt.prefix_from = from;
	opt.prefix_to = to;
	opt.n_prefix = 2;
	s = symbolizer_new(&opt);
	m = symbolizer_module(s, FIXTURE_PATH, fixture_segs, N(fixture_segs));
	CHECK(m >= 0);
	CHECK(m >= 0 && !strcmp(symbolizer_module_file(s, m), FIXTURE_DIR "/libmemtui_fixture.so"));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x11e9, f, 2), 2);
	symbolizer_free(s);
}

struct want {
	uint64_t pc;
	const char *function;	/* NULL: memray shows <unknown> */
};

/* python3.11 is stripped: names come from .dynsym, and static functions are unknown. */
TEST(python_dynsym)
{
	static const struct want wants[] = {
		{ 0x517fc2, "_PyObject_MakeTpCall" },	{ 0x536038, "_PyEval_EvalFrameDefault" },
		{ 0x5236ba, "PyEval_EvalCode" },	{ 0x58e0fd, NULL },
		{ 0x53ad86, NULL },			{ 0x53acbb, "PyObject_Vectorcall" },
		{ 0x5374ff, "_PyEval_EvalFrameDefault" }, { 0x52b9df, "_PyEval_EvalFrameDefault" },
		{ 0x55c9d0, "_PyFunction_Vectorcall" }, { 0x65072c, NULL },
		{ 0x6501b6, "Py_RunMain" },		{ 0x627d36, "Py_BytesMain" },
		{ 0x627bd0, "_start" },
	};
	struct symbolizer *s = symbolizer_new(NULL);
	int m = symbolizer_module(s, "/usr/bin/python3.11", python_segs, N(python_segs));
	struct sym_frame f[4];

	if (m < 0) {
		printf("skip python_dynsym: /usr/bin/python3.11 missing or another build\n");
		skipped++;
		symbolizer_free(s);
		return;
	}
	CHECK(symbolizer_module_debug_file(s, m) == NULL);
	for (size_t i = 0; i < N(wants); i++) {
		size_t n = symbolizer_lookup(s, m, wants[i].pc, f, 4);

		CHECK_EQ_I64(n, wants[i].function ? 1 : 0);
		if (n == 1 && wants[i].function)
			CHECK(frame_is(&f[0], wants[i].function, NULL, 0));
	}
	symbolizer_free(s);
}

/* libc is stripped too, but libc6-dbg puts its DWARF under /usr/lib/debug/.build-id. */
TEST(libc_build_id)
{
	struct symbolizer *s = symbolizer_new(NULL);
	int m = symbolizer_module(s, "/lib/x86_64-linux-gnu/libc.so.6", libc_segs, N(libc_segs));
	struct sym_frame f[4];
	const char *dbg;

	if (m < 0) {
		printf("skip libc_build_id: libc.so.6 missing or another build\n");
		skipped++;
		symbolizer_free(s);
		return;
	}
	dbg = symbolizer_module_debug_file(s, m);
	if (!dbg) {
		printf("skip libc_build_id: no libc debug file (libc6-dbg)\n");
		skipped++;
		symbolizer_free(s);
		return;
	}
	CHECK(strstr(dbg, "/.build-id/") != NULL);
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x27249, f, 4), 1);
	CHECK(frame_is(&f[0], "__libc_start_call_main", "../sysdeps/nptl/libc_start_call_main.h",
		       58));
	CHECK_EQ_I64(symbolizer_lookup(s, m, 0x27304, f, 4), 1);
	CHECK(frame_is(&f[0], "__libc_start_main_impl", "../csu/libc-start.c", 360));
	symbolizer_free(s);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(fp);
	return buf;
}

static void write_all(const char *path, const unsigned char *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (!fp)
		return;
	if (fwrite(buf, 1, len, fp) != len)
		perror(path);
	fclose(fp);
}

/* Symbolizes every pc of the fixture's .text with a copy of the file; must not crash. */
static size_t lookup_all(const char *path, int with_layout)
{
	struct symbolizer *s = symbolizer_new(NULL);
	int m = symbolizer_module(s, path, with_layout ? fixture_segs : NULL,
				  with_layout ? N(fixture_segs) : 0);
	struct sym_frame f[16];
	size_t frames = 0;

	for (uint64_t pc = 0x1000; m >= 0 && pc < 0x1400; pc++) {
		size_t n = symbolizer_lookup(s, m, pc, f, 16);

		for (size_t i = 0; i < n; i++)
			CHECK(f[i].function != NULL);
		frames += n;
	}
	symbolizer_free(s);
	return frames;
}

TEST(damaged_copies)
{
	char dir[] = "/tmp/memtui-symXXXXXX", path[64];
	unsigned char *orig, *copy;
	size_t len = 0, full;

	orig = read_all(FIXTURE_DIR "/libmemtui_fixture.so", &len);
	CHECK(orig != NULL && len > 0x3000);
	if (!orig || !mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/lib.so", dir);
	write_all(path, orig, len);
	full = lookup_all(path, 1);
	printf("intact copy: %zu frames over .text\n", full);
	CHECK(full >= 0x1cd); /* 0x1169..0x1336 has DWARF, some pcs two frames */
	/* Cut copies: every 97 bytes, then every byte of the last header area. */
	for (size_t cut = 0; cut < len; cut += cut < 0x100 ? 1 : 97) {
		write_all(path, orig, cut);
		lookup_all(path, cut % 2);
	}
	/* Damaged copies: bytes of the DWARF sections and headers overwritten. */
	copy = malloc(len);
	for (size_t off = 0; copy && off < len; off += 13) {
		memcpy(copy, orig, len);
		for (size_t k = 0; k < 4 && off + k < len; k++)
			copy[off + k] ^= (unsigned char)(0x5a + 37 * k + off);
		write_all(path, copy, len);
		lookup_all(path, 0);
	}
	free(copy);
	free(orig);
	unlink(path);
	rmdir(dir);
}

/* Files that once crashed the fuzzer (in libdwarf or here) now resolve or not, quietly. */
TEST(fuzz_crashes)
{
	const char *dir = MEMTUI_SOURCE_DIR "/tests/symbolizer/crashes";
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int n = 0;

	CHECK(d != NULL);
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		lookup_all(path, 0);
		n++;
	}
	if (d)
		closedir(d);
	CHECK(n > 0);
	printf("%d fuzzer crash inputs replayed\n", n);
}

int main(void)
{
	RUN(fixture_frames);
	RUN(module_cache);
	RUN(refusals);
	RUN(prefix_map);
	RUN(python_dynsym);
	RUN(libc_build_id);
	RUN(damaged_copies);
	RUN(fuzz_crashes);
	if (skipped)
		printf("%d checks skipped (host files differ from the capture's)\n", skipped);
	return CHECK_DONE();
}
