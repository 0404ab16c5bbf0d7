/*
 * demangle: C++ symbol names as memray prints them.
 *
 * memray passes every name that starts with "_Z" through abi::__cxa_demangle and
 * keeps the mangled name when that fails; we do the same (libstdc++'s demangler,
 * called from C), so C++ frames read "ns::f(int)" in both tools.
 */
#ifndef MT_DEMANGLE_H
#define MT_DEMANGLE_H

#include <stdint.h>

#include "strtab.h"

/* Interns name into t, demangled when it is a mangled C++ name; returns its id. */
uint32_t demangle_intern(struct strtab *t, const char *name);

/*
 * name demangled as binutils' bfd_demangle does for addr2line -C (leading '.'
 * and '$' and a version suffix from '@' kept around the demangled part), as a
 * malloc'd string the caller frees; NULL when name is not a mangled C++ name.
 */
char *demangle_bfd(const char *name);

#endif
