/*
 * demangle: a thin wrapper over libstdc++'s __cxa_demangle (extern "C" in the ABI).
 */
#include "demangle.h"

#include <stdlib.h>
#include <string.h>

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

uint32_t demangle_intern(struct strtab *t, const char *name)
{
	char *plain;
	uint32_t id;
	int status = 0;

	if (name[0] != '_' || name[1] != 'Z')
		return strtab_intern(t, name, strlen(name));
	plain = __cxa_demangle(name, NULL, NULL, &status);
	if (!plain || status != 0) {
		free(plain);
		return strtab_intern(t, name, strlen(name));
	}
	id = strtab_intern(t, plain, strlen(plain));
	free(plain);
	return id;
}
