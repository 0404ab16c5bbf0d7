/*
 * fold: rules parsed, the presets, and the mask over a capture's frames.
 *
 * A capture has far fewer distinct strings than frames (one function, many
 * frames at its lines and addresses), so each rule is tried once per string
 * and field: memo[field][string id] keeps whether a rule for every frame,
 * or one for native frames only (the presets' function rules), matched.
 * A frame folds when one of its fields' memos says so for its kind.
 * Thread frames (synthetic, per-thread roots) never fold.
 *
 * Stack representatives: the stacks of a capture form a trie, parents
 * before children; the folded path of a stack is its parent's folded path,
 * extended by its frame when that is kept.  One hashmap from (the parent's
 * representative, frame) to the first stack seen with that folded path makes
 * equal folded paths share one id.
 */
#include "fold.h"

#include <fnmatch.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "xalloc.h"

enum fold_field { FIELD_FUNCTION, FIELD_FILE, FIELD_MODULE, FIELD_UNNAMED, N_FIELDS };

static const char *const field_names[N_FIELDS] = {
	[FIELD_FUNCTION] = "function:",
	[FIELD_FILE] = "file:",
	[FIELD_MODULE] = "module:",
	[FIELD_UNNAMED] = "unnamed:",
};

/* The memo's bits for one (field, string). */
enum memo_bits {
	MEMO_DONE = 1 << 0,	/* the rules were tried */
	MEMO_ANY = 1 << 1,	/* a rule for every frame matched */
	MEMO_NATIVE = 1 << 2,	/* a rule for native frames only matched */
};

static const char *const runpy_rules[] = {
	"file:<frozen runpy>", "file:*/runpy.py",
	"file:<frozen importlib*", "file:*/importlib/_bootstrap.py",
	"file:*/importlib/_bootstrap_external.py",
	"file:*/memray/commands/*", "file:*/memray/__main__.py",
	"module:_memray.*",
	NULL,
};

/* What CPython runs between two Python frames: evaluation, calls, entry. */
static const char *const cpython_rules[] = {
	"_PyEval_*", "PyEval_*", "_PyObject_MakeTpCall", "PyObject_Vectorcall*",
	"_PyObject_Vectorcall*", "_PyFunction_Vectorcall", "_PyObject_FastCall*",
	"_PyObject_Call*", "PyObject_Call*", "_PyVectorcall_Call", "method_vectorcall*",
	"cfunction_call*", "cfunction_vectorcall*", "slot_tp_*", "vectorcall_*",
	"builtin_exec*", "run_eval_code_obj", "run_mod", "pyrun_*", "PyRun_*", "_PyRun_*",
	"Py_RunMain", "Py_BytesMain", "pymain_*",
	"unnamed:python3*", "unnamed:libpython3*",
	NULL,
};

static const char *const libc_rules[] = {
	"__libc_start_main*", "__libc_start_call_main", "_start",
	NULL,
};

static const struct {
	const char *name;
	const char *const *rules;
} presets[] = {
	{ "runpy", runpy_rules },
	{ "cpython", cpython_rules },
	{ "libc", libc_rules },
};
#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

size_t fold_preset_count(void)
{
	return N_PRESETS;
}

const char *fold_preset_name(size_t i)
{
	return presets[i].name;
}

const char *const *fold_preset_rules(size_t i)
{
	return presets[i].rules;
}

/* The field a rule names, and its glob (after the field's name). */
static enum fold_field parse_rule(const char *rule, const char **glob)
{
	for (int f = 0; f < N_FIELDS; f++) {
		size_t n = strlen(field_names[f]);

		if (!strncmp(rule, field_names[f], n)) {
			*glob = rule + n;
			return (enum fold_field)f;
		}
	}
	*glob = rule;
	return FIELD_FUNCTION;
}

void fold_rules_init(struct fold_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->presets = true;
}

int fold_rules_add(struct fold_rules *r, const char *pattern)
{
	const char *glob;

	parse_rule(pattern, &glob);
	if (!*glob || r->n_patterns == FOLD_MAX_PATTERNS)
		return -1;
	r->patterns[r->n_patterns++] = pattern;
	return 0;
}

size_t fold_rules_count(const struct fold_rules *r)
{
	return (r->presets ? N_PRESETS : 0) + r->n_patterns;
}

char *fold_rules_describe(const struct fold_rules *r, char *buf, size_t size)
{
	size_t np = r->presets ? N_PRESETS : 0, nu = r->n_patterns;

	if (np && nu)
		snprintf(buf, size, "%zu preset%s, %zu rule%s", np, np == 1 ? "" : "s", nu,
			 nu == 1 ? "" : "s");
	else if (np)
		snprintf(buf, size, "%zu preset%s", np, np == 1 ? "" : "s");
	else if (nu)
		snprintf(buf, size, "%zu rule%s", nu, nu == 1 ? "" : "s");
	else
		snprintf(buf, size, "none");
	return buf;
}

/* One rule ready to try: its field, glob and whether it folds native frames only. */
struct rule {
	enum fold_field field;
	const char *glob;
	bool native_only;
};

static bool glob_matches(const char *glob, const char *s, bool or_last_part)
{
	const char *slash;

	if (!fnmatch(glob, s, 0))
		return true;
	slash = or_last_part ? strrchr(s, '/') : NULL;
	return slash && !fnmatch(glob, slash + 1, 0);
}

/* The memo bits of string id for field under rules. */
static uint8_t memo_of(uint8_t *memo, const struct capture *cap, uint32_t id,
		       enum fold_field field, const struct rule *rules, size_t n)
{
	const char *s = capture_string(cap, id);
	uint8_t bits = MEMO_DONE;

	if (memo[id] & MEMO_DONE)
		return memo[id];
	for (size_t i = 0; i < n; i++) {
		if (rules[i].field != field ||
		    !glob_matches(rules[i].glob, s, field != FIELD_FUNCTION))
			continue;
		bits |= rules[i].native_only ? MEMO_NATIVE : MEMO_ANY;
	}
	memo[id] = bits;
	return bits;
}

static size_t collect_rules(const struct fold_rules *r, struct rule **out)
{
	size_t n = 0, cap = 0;
	struct rule *rules = NULL;

	for (size_t p = 0; r->presets && p < N_PRESETS; p++) {
		for (const char *const *s = presets[p].rules; *s; s++) {
			XGROW(rules, cap, n + 1);
			rules[n].field = parse_rule(*s, &rules[n].glob);
			rules[n].native_only = rules[n].field == FIELD_FUNCTION;
			n++;
		}
	}
	for (size_t i = 0; i < r->n_patterns; i++) {
		XGROW(rules, cap, n + 1);
		rules[n].field = parse_rule(r->patterns[i], &rules[n].glob);
		rules[n].native_only = false;
		n++;
	}
	*out = rules;
	return n;
}

void fold_mask_build(struct fold_mask *m, const struct capture *cap, const struct fold_rules *r)
{
	size_t n_strings = capture_string_count(cap);
	uint8_t *memo[N_FIELDS];
	struct rule *rules = NULL;
	size_t n_rules = collect_rules(r, &rules);
	/*
	 * Globs match bytes, under the C locale of this thread alone: the report's
	 * rule.  Under the explorer's UTF-8 locale, fnmatch would first make every
	 * name wide characters (40 ms of a compiler's first screen).
	 */
	locale_t bytes = newlocale(LC_CTYPE_MASK, "C", (locale_t)0);
	locale_t was = bytes ? uselocale(bytes) : (locale_t)0;

	memset(m, 0, sizeof(*m));
	m->n_frames = capture_frame_count(cap);
	m->folded = xcalloc(m->n_frames ? m->n_frames : 1, 1);
	for (int f = 0; f < N_FIELDS; f++)
		memo[f] = xcalloc(n_strings ? n_strings : 1, 1);
	for (uint32_t id = 1; n_rules && id < m->n_frames; id++) {
		const struct frame *fr = capture_frame(cap, id);
		bool native = fr->kind == FRAME_NATIVE || fr->kind == FRAME_INLINED;
		uint8_t hit = MEMO_ANY | (native ? MEMO_NATIVE : 0), bits = 0;

		if (fr->kind == FRAME_THREAD)
			continue;
		if (fr->function)
			bits |= memo_of(memo[FIELD_FUNCTION], cap, fr->function, FIELD_FUNCTION,
					rules, n_rules);
		if (fr->file)
			bits |= memo_of(memo[FIELD_FILE], cap, fr->file, FIELD_FILE, rules,
					n_rules);
		if (fr->module)
			bits |= memo_of(memo[FIELD_MODULE], cap, fr->module, FIELD_MODULE, rules,
					n_rules);
		if (fr->module && !fr->function && native)
			bits |= memo_of(memo[FIELD_UNNAMED], cap, fr->module, FIELD_UNNAMED,
					rules, n_rules);
		if (bits & hit) {
			m->folded[id] = 1;
			m->n_folded++;
		}
	}
	for (int f = 0; f < N_FIELDS; f++)
		free(memo[f]);
	free(rules);
	if (bytes) {
		uselocale(was);
		freelocale(bytes);
	}
}

void fold_mask_release(struct fold_mask *m)
{
	free(m->folded);
	memset(m, 0, sizeof(*m));
}

uint32_t *fold_stack_reps(const struct fold_mask *m, const struct capture *cap)
{
	uint32_t n = capture_stack_count(cap);
	uint32_t *rep = xmalloc((n ? n : 1) * sizeof(*rep));
	struct hashmap kept;	/* (rep of the caller path, frame) -> rep */

	hashmap_init(&kept);
	rep[0] = 0;
	/* A stack's parent has a smaller id: its rep is known first. */
	for (uint32_t s = 1; s < n; s++) {
		const struct stack_node *sn = capture_stack(cap, s);
		uint64_t key = (uint64_t)rep[sn->parent] << 32 | sn->frame;
		uint32_t r;

		/* A thread frame is no call: paths merge over threads (capture.h). */
		if (fold_mask_has(m, sn->frame) || sn->thread == s) {
			rep[s] = rep[sn->parent];
			continue;
		}
		r = hashmap_get(&kept, key);
		if (r == HASHMAP_NONE) {
			r = s;
			hashmap_put(&kept, key, s);
		}
		rep[s] = r;
	}
	hashmap_release(&kept);
	return rep;
}
