/*
 * Where libnv gives up.  A stale or foreign pointer, or a get of an entry
 * that is not there, is a broken contract: FreeBSD aborts, and so do we,
 * since carrying on would act on memory the caller does not own.  Callers
 * reading a peer's list check nvlist_exists_*() first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "nv_impl.h"

static const char *const type_names[] = {
    [NV_TYPE_NONE] = "NONE",
    [NV_TYPE_NULL] = "NULL",
    [NV_TYPE_BOOL] = "BOOL",
    [NV_TYPE_NUMBER] = "NUMBER",
    [NV_TYPE_STRING] = "STRING",
    [NV_TYPE_NVLIST] = "NVLIST",
    [NV_TYPE_DESCRIPTOR] = "DESCRIPTOR",
    [NV_TYPE_BINARY] = "BINARY",
    [NV_TYPE_BOOL_ARRAY] = "BOOL ARRAY",
    [NV_TYPE_NUMBER_ARRAY] = "NUMBER ARRAY",
    [NV_TYPE_STRING_ARRAY] = "STRING ARRAY",
    [NV_TYPE_NVLIST_ARRAY] = "NVLIST ARRAY",
    [NV_TYPE_DESCRIPTOR_ARRAY] = "DESCRIPTOR ARRAY",
};

const char *nv_type_name(int type)
{
	if (type < NV_TYPE_NONE || type > NV_TYPE_LAST)
		return "UNKNOWN";
	return type_names[type];
}

void nv_abort(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* One write, so the line is not torn by other threads' output. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "libnv: %s\n", msg);
	abort();
}

void nv_check_list(const nvlist_t *nvl, const char *func)
{
	if (nvl == NULL)
		nv_abort("%s: NULL nvlist", func);
	if (nvl->nvl_magic != NVLIST_MAGIC)
		nv_abort("%s: %p is not a live nvlist", func, (const void *)nvl);
}

void nv_check_pair(const nvpair_t *nvp, const char *func)
{
	if (nvp == NULL)
		nv_abort("%s: NULL cookie", func);
	if (nvp->nvp_magic != NVPAIR_MAGIC)
		nv_abort("%s: %p is not a live nvlist entry", func, (const void *)nvp);
}

void nv_missing(const char *func, const char *name, int type)
{
	if (type == NV_TYPE_NONE)
		nv_abort("%s: no element \"%.64s\"", func, name);
	nv_abort("%s: no element \"%.64s\" of type %s", func, name, nv_type_name(type));
}
