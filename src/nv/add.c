/*
 * Adding single values: each is checked, copied, then moved in.  On an
 * nvlist already in error nothing is copied (no descriptor is dup'ed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "nv_impl.h"

static void add_copy(nvlist_t *nvl, const char *name, int type, const union nv_value *src)
{
	union nv_value copy;
	int err;

	if (!nv_can_add(nvl))
		return;
	if ((err = nv_copy_value(type, src, &copy)) != 0)
		nv_fail(nvl, -err);
	else
		nv_move_value(nvl, name, type, &copy);
}

void nvlist_add_null(nvlist_t *nvl, const char *name)
{
	union nv_value v = {.num = 0};

	add_copy(nvl, name, NV_TYPE_NULL, &v);
}

void nvlist_add_bool(nvlist_t *nvl, const char *name, bool value)
{
	union nv_value v = {.b = value};

	add_copy(nvl, name, NV_TYPE_BOOL, &v);
}

void nvlist_add_number(nvlist_t *nvl, const char *name, uint64_t value)
{
	union nv_value v = {.num = value};

	add_copy(nvl, name, NV_TYPE_NUMBER, &v);
}

void nvlist_add_string(nvlist_t *nvl, const char *name, const char *value)
{
	union nv_value v = {.str = (char *)value};

	if (value == NULL)
		nv_fail(nvl, EINVAL);
	else
		add_copy(nvl, name, NV_TYPE_STRING, &v);
}

void nvlist_add_vstringf(nvlist_t *nvl, const char *name, const char *valuefmt, va_list valueap)
{
	char *value;

	if (!nv_can_add(nvl))
		return;
	if (valuefmt == NULL)
		nv_fail(nvl, EINVAL);
	else if (vasprintf(&value, valuefmt, valueap) < 0)
		nv_fail(nvl, ENOMEM);
	else
		nvlist_move_string(nvl, name, value);
}

void nvlist_add_stringf(nvlist_t *nvl, const char *name, const char *valuefmt, ...)
{
	va_list ap;

	va_start(ap, valuefmt);
	nvlist_add_vstringf(nvl, name, valuefmt, ap);
	va_end(ap);
}

void nvlist_add_nvlist(nvlist_t *nvl, const char *name, const nvlist_t *value)
{
	union nv_value v = {.nvl = (nvlist_t *)value};

	/* A value in error makes the clone, and so the add, fail with its error. */
	if (value == NULL)
		nv_fail(nvl, EINVAL);
	else
		add_copy(nvl, name, NV_TYPE_NVLIST, &v);
}

void nvlist_add_descriptor(nvlist_t *nvl, const char *name, int value)
{
	union nv_value v = {.fd = value};

	/* The dup fails with EBADF for anything that is not a descriptor. */
	add_copy(nvl, name, NV_TYPE_DESCRIPTOR, &v);
}

void nvlist_add_binary(nvlist_t *nvl, const char *name, const void *value, size_t size)
{
	union nv_value v = {.bin = {(void *)value, size}};

	if (value == NULL || size == 0)
		nv_fail(nvl, EINVAL);
	else
		add_copy(nvl, name, NV_TYPE_BINARY, &v);
}
