/*
 * Taking values out (the caller then owns them: frees strings, binaries
 * and arrays, destroys lists, closes descriptors) and freeing entries.
 * A missing entry, or one of another type, aborts as a get does.
 */
#include "nv_impl.h"

#define TAKE(type, nvl, name) nv_take_pair(nv_lookup((nvl), NV_TYPE_##type, (name), __func__))

static void *take_items(nvlist_t *nvl, int type, const char *name, size_t *nitemsp,
                        const char *func)
{
	union nv_value v = nv_take_pair(nv_lookup(nvl, type, name, func));

	if (nitemsp != NULL)
		*nitemsp = v.arr.nitems;
	return v.arr.items;
}

bool nvlist_take_bool(nvlist_t *nvl, const char *name)
{
	return TAKE(BOOL, nvl, name).b;
}

uint64_t nvlist_take_number(nvlist_t *nvl, const char *name)
{
	return TAKE(NUMBER, nvl, name).num;
}

char *nvlist_take_string(nvlist_t *nvl, const char *name)
{
	return TAKE(STRING, nvl, name).str;
}

nvlist_t *nvlist_take_nvlist(nvlist_t *nvl, const char *name)
{
	return TAKE(NVLIST, nvl, name).nvl;
}

int nvlist_take_descriptor(nvlist_t *nvl, const char *name)
{
	return TAKE(DESCRIPTOR, nvl, name).fd;
}

void *nvlist_take_binary(nvlist_t *nvl, const char *name, size_t *sizep)
{
	union nv_value v = TAKE(BINARY, nvl, name);

	if (sizep != NULL)
		*sizep = v.bin.size;
	return v.bin.data;
}

bool *nvlist_take_bool_array(nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return take_items(nvl, NV_TYPE_BOOL_ARRAY, name, nitemsp, __func__);
}

uint64_t *nvlist_take_number_array(nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return take_items(nvl, NV_TYPE_NUMBER_ARRAY, name, nitemsp, __func__);
}

char **nvlist_take_string_array(nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return take_items(nvl, NV_TYPE_STRING_ARRAY, name, nitemsp, __func__);
}

nvlist_t **nvlist_take_nvlist_array(nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return take_items(nvl, NV_TYPE_NVLIST_ARRAY, name, nitemsp, __func__);
}

int *nvlist_take_descriptor_array(nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return take_items(nvl, NV_TYPE_DESCRIPTOR_ARRAY, name, nitemsp, __func__);
}

static void free_entry(nvlist_t *nvl, const char *name, int type, const char *func)
{
	nvpair_t *nvp = nv_lookup(nvl, type, name, func);

	nv_unlink(nvp);
	nv_pair_free(nvp);
}

void nvlist_free(nvlist_t *nvl, const char *name)
{
	free_entry(nvl, name, NV_TYPE_NONE, __func__);
}

void nvlist_free_type(nvlist_t *nvl, const char *name, int type)
{
	free_entry(nvl, name, type, __func__);
}

#define NV_FREE(kind, TYPE)                                                                        \
	void nvlist_free_##kind(nvlist_t *nvl, const char *name)                                   \
	{                                                                                          \
		free_entry(nvl, name, NV_TYPE_##TYPE, __func__);                                   \
	}

NV_FREE(null, NULL)
NV_FREE(bool, BOOL)
NV_FREE(number, NUMBER)
NV_FREE(string, STRING)
NV_FREE(nvlist, NVLIST)
NV_FREE(descriptor, DESCRIPTOR)
NV_FREE(binary, BINARY)
NV_FREE(bool_array, BOOL_ARRAY)
NV_FREE(number_array, NUMBER_ARRAY)
NV_FREE(string_array, STRING_ARRAY)
NV_FREE(nvlist_array, NVLIST_ARRAY)
NV_FREE(descriptor_array, DESCRIPTOR_ARRAY)
