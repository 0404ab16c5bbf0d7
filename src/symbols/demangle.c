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

char *demangle_bfd(const char *name)
{
	const char *core = name, *at;
	char *base, *plain, *out;
	size_t pre, suf, len;
	int status = 0;

	while (*core == '.' || *core == '$')
		core++;
	at = strchr(core, '@');
	len = at ? (size_t)(at - core) : strlen(core);
	if (len < 2 || core[0] != '_' || core[1] != 'Z')
		return NULL;
	base = strndup(core, len);
	if (!base)
		return NULL;
	plain = __cxa_demangle(base, NULL, NULL, &status);
	free(base);
	if (!plain || status != 0) {
		free(plain);
		return NULL;
	}
	pre = (size_t)(core - name);
	suf = at ? strlen(at) : 0;
	out = malloc(pre + strlen(plain) + suf + 1);
	if (out) {
		memcpy(out, name, pre);
		strcpy(out + pre, plain);
		if (at)
			strcat(out, at);
	}
	free(plain);
	return out;
}
