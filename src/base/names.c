/*
 * names: one pass over the name with a stack of the brackets it is inside.
 *
 * Each open bracket is one byte on the stack: '<' template arguments, 'a' an
 * angle bracket that is not (Python's "<listcomp>", Rust's "<T as Trait>"),
 * 'p' a parameter list, '(' other parentheses ("(anonymous namespace)", an
 * expression in a template argument), 'A' an ABI tag, '[' and '{'.  A
 * collapsed group (template arguments; parameter lists in BRIEF; ABI tags)
 * hides its content: hide is the stack depth of that group, and nothing is
 * written while the depth is at least hide.  Bytes are written to the buffer
 * in order, so a position in the output is known while reading.
 *
 * What decides a bracket's kind, as demanglers (GNU's and LLVM's) write names:
 *  - '<' opens template arguments after an identifier or an operator name,
 *    except directly inside parentheses that are not a parameter list
 *    (an expression in a template argument, where '<' and '>' compare);
 *  - '(' opens a parameter list after an identifier, a '>' or ']' (a template
 *    or ABI-tagged name) or an operator name; otherwise it is a scope such as
 *    "(anonymous namespace)";
 *  - after the keyword "operator", the operator's own symbol ("<<", "()",
 *    "->*", ...) is copied as text, and one space may separate it from its
 *    template arguments ("operator< <int>").
 * The return type is what precedes the last space outside brackets before the
 * first parameter list (and before any "operator" keyword, whose conversion
 * types have spaces): "std::pair<> std::map<>::insert<>(...)" loses
 * "std::pair<> ".  It is removed at the end, when a parameter list was found.
 */
#include "names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NAMES_MAX_NESTING 64	/* deeper brackets are copied as plain text */

/* Phrases the demangler puts before a name; kept, and never a return type. */
static const char *const prefixes[] = {
	"non-virtual thunk to ", "virtual thunk to ", "covariant return thunk to ",
	"transaction clone for ", "guard variable for ",
};

/* Operator symbols holding brackets, longest first; other symbols are runs of OPERATOR_CHARS. */
static const char *const operators[] = {
	"<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "->", "()", "[]", "<", ">",
};

#define OPERATOR_CHARS "+-*/%^&|~!=,"

struct writer {
	char *buf;
	size_t size, len;	/* bytes written; len < size */
	bool hidden;		/* inside a collapsed group: write nothing */
};

static void put(struct writer *w, char c)
{
	if (!w->hidden && w->len + 1 < w->size)
		w->buf[w->len++] = c;
}

static void puts_n(struct writer *w, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(w, s[i]);
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c == '\'' || (unsigned char)c >= 0x80;
}

/* Whether the word "operator" starts at p (p inside name). */
static bool at_operator(const char *name, const char *p)
{
	return (p == name || !is_ident(p[-1])) && !strncmp(p, "operator", 8) && !is_ident(p[8]);
}

/* Bytes of the operator symbol at p ("<<", "()", "+=", ...), or 0 ("operator new"). */
static size_t operator_symbol(const char *p)
{
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
		if (!strncmp(p, operators[i], strlen(operators[i])))
			return strlen(operators[i]);
	return strspn(p, OPERATOR_CHARS);
}

static size_t prefix_len(const char *p)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(p, prefixes[i], strlen(prefixes[i])))
			return strlen(prefixes[i]);
	return 0;
}

struct walk {
	const char *name;
	enum names_form form;
	struct writer w;
	char stack[NAMES_MAX_NESTING];
	int depth;
	int hide;		/* depth of the collapsed group being read, or 0 */
	bool seen_params;	/* the first parameter list outside brackets was read */
	bool in_operator;	/* after "operator" outside brackets, before its parameters */
	bool after_op;		/* right after an operator's symbol (or one space after it) */
	size_t ret_end;		/* output bytes up to here are the return type */
};

static char top(const struct walk *k)
{
	return k->depth ? k->stack[k->depth - 1] : 0;
}

/* Opens a bracket of kind; collapse: its content is hidden (outermost collapse wins). */
static void push(struct walk *k, char kind, bool collapse)
{
	if (k->depth == NAMES_MAX_NESTING)
		return;
	k->stack[k->depth++] = kind;
	if (collapse && !k->hide) {
		k->hide = k->depth;
		k->w.hidden = true;
	}
}

/* Closes the innermost bracket; true when that ends the collapsed group. */
static bool pop(struct walk *k)
{
	bool ends = k->hide == k->depth;

	k->depth--;
	if (ends) {
		k->hide = 0;
		k->w.hidden = false;
	}
	return ends;
}

static void angle(struct walk *k, const char *p)
{
	char prev = p > k->name ? p[-1] : 0;
	char t = top(k);

	put(&k->w, '<');
	if (t != '(' && (is_ident(prev) || k->after_op))
		push(k, '<', true);
	else
		push(k, 'a', false);
}

static void paren(struct walk *k, const char *p)
{
	char prev = p > k->name ? p[-1] : 0;
	bool params = is_ident(prev) || prev == '>' || prev == ']' || k->after_op ||
		      (k->in_operator && !k->depth);

	put(&k->w, '(');
	if (!params) {
		push(k, '(', false);
		return;
	}
	if (!k->depth && !k->seen_params) {
		k->seen_params = true;
		k->in_operator = false;
	}
	if (k->form == NAMES_BRIEF && p[1] != ')' && !k->w.hidden) {
		puts_n(&k->w, "...", 3);
		push(k, 'p', true);
	} else {
		push(k, 'p', false);
	}
}

static void step(struct walk *k, const char *p)
{
	char c = *p, t = top(k);

	switch (c) {
	case '<':
		angle(k, p);
		break;
	case '>':
		if (t == '<' || t == 'a')
			pop(k);
		put(&k->w, '>');
		break;
	case '(':
		paren(k, p);
		break;
	case ')':
		if (t == 'p' || t == '(')
			pop(k);
		put(&k->w, ')');
		break;
	case '[':
		if (k->form != NAMES_FULL && p > k->name && is_ident(p[-1]) &&
		    !strncmp(p + 1, "abi:", 4) && !k->w.hidden) {
			push(k, 'A', true);
		} else {
			put(&k->w, '[');
			push(k, '[', false);
		}
		break;
	case ']':
		if (t == 'A') {
			pop(k);
			break;
		}
		if (t == '[')
			pop(k);
		put(&k->w, ']');
		break;
	case '{':
		put(&k->w, '{');
		push(k, '{', false);
		break;
	case '}':
		if (t == '{')
			pop(k);
		put(&k->w, '}');
		break;
	case ' ':
		if (!k->depth && !k->seen_params && !k->in_operator)
			k->ret_end = k->w.len + 1;
		put(&k->w, ' ');
		break;
	default:
		put(&k->w, c);
	}
}

char *names_shorten(const char *name, enum names_form form, char *buf, size_t size)
{
	struct walk k = { .name = name, .form = form, .w = { buf, size, 0, false } };
	const char *p = name;
	size_t n, prefix;

	if (!size)
		return buf;
	if (form == NAMES_FULL) {
		snprintf(buf, size, "%s", name);
		return buf;
	}
	while ((n = prefix_len(p))) {
		puts_n(&k.w, p, n);
		p += n;
	}
	prefix = k.ret_end = k.w.len;
	while (*p) {
		if (at_operator(name, p)) {
			puts_n(&k.w, p, 8);
			p += 8;
			if (!k.depth)
				k.in_operator = true;
			n = operator_symbol(p);
			puts_n(&k.w, p, n);
			p += n;
			k.after_op = true;
			continue;
		}
		step(&k, p);
		/* "operator< <int>": one space may stand between the symbol and its arguments. */
		k.after_op = k.after_op && *p == ' ' && p[1] == '<' && p[-1] != ' ';
		p++;
	}
	buf[k.w.len] = 0;
	if (k.seen_params && k.ret_end > prefix && k.ret_end <= k.w.len)
		memmove(buf + prefix, buf + k.ret_end, k.w.len - k.ret_end + 1);
	return buf;
}

const char *names_next_scope(const char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if ((*s == ')' || *s == ']' || *s == '}') && depth)
			depth--;
		else if (!depth && s[0] == ':' && s[1] == ':')
			return s + 2;
	}
	return NULL;
}
