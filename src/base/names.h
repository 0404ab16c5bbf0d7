/*
 * names: the readable forms of a demangled C++ function name, for the screen.
 *
 * A demangled name such as
 *	void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>(
 *		__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >,
 *		int const&)
 * reads, shortened the way heaptrack's --shorten-templates does and one step further,
 *	NAMES_SHORT  std::vector<>::_M_realloc_insert<>(__gnu_cxx::__normal_iterator<>,
 *		     int const&)
 *	NAMES_BRIEF  std::vector<>::_M_realloc_insert<>(...)
 * SHORT drops the return type (printed only for template instances) and ABI
 * tags ([abi:cxx11]) and collapses every template argument list to "<>";
 * BRIEF also collapses every non-empty parameter list to "(...)", so what is
 * left is the qualified name.  What the reader needs to tell functions apart
 * stays: operator names (operator<<, the call operator, operator< <>), the
 * "(anonymous namespace)" and lambda scopes, const and [clone .cold]
 * suffixes, "non-virtual thunk to" prefixes.  A name that is not C++ (C,
 * Python's "<listcomp>", Rust's "<T as Trait>::f") comes out unchanged, or with
 * only its real template arguments collapsed: a '<' opens template
 * arguments only right after an identifier or an operator name.
 *
 * The functions are pure string work on bytes (UTF-8 passes through); they
 * never fail and always NUL-terminate a non-empty buffer, cutting at its end
 * when it is too small.
 */
#ifndef MT_NAMES_H
#define MT_NAMES_H

#include <stddef.h>

enum names_form {
	NAMES_FULL,		/* as given */
	NAMES_SHORT,		/* no return type, ABI tags or template arguments */
	NAMES_BRIEF,		/* SHORT, and parameter lists as "(...)" */
};

/* Writes name in form into buf (size bytes); returns buf. */
char *names_shorten(const char *name, enum names_form form, char *buf, size_t size);

/*
 * Where the next scope of name starts: the byte after the first "::" at or
 * after s that is outside every bracket, or NULL when there is none.  s must
 * point into a SHORT or BRIEF name outside brackets (its start, or a
 * previous result), so a caller can step along "a::b<>::c" to keep the end
 * of a name that is too long: "b<>::c", then "c".
 */
const char *names_next_scope(const char *s);

#endif
