/*
 * Reading values in place.  A missing entry, or one of another type,
 * aborts (nv_lookup): callers check nvlist_exists_*() first, or use
 * dnvlist_get_*().  Pointers returned stay owned by the list.
 */
#include "nv_impl.h"

#define GET(type, nvl, name) (nv_lookup((nvl), NV_TYPE_##type, (name), __func__)->nvp_v)

/* The items of an array entry, with their count when asked for. */
static const void *items(const nvlist_t *nvl, int type, const char *name, size_t *nitemsp,
                         const char *func)
{
	const nvpair_t *nvp = nv_lookup(nvl, type, name, func);

	if (nitemsp != NULL)
		*nitemsp = nvp->nvp_v.arr.nitems;
	return nvp->nvp_v.arr.items;
}

bool nvlist_get_bool(const nvlist_t *nvl, const char *name)
{
	return GET(BOOL, nvl, name).b;
}

uint64_t nvlist_get_number(const nvlist_t *nvl, const char *name)
{
	return GET(NUMBER, nvl, name).num;
}

const char *nvlist_get_string(const nvlist_t *nvl, const char *name)
{
	return GET(STRING, nvl, name).str;
}

const nvlist_t *nvlist_get_nvlist(const nvlist_t *nvl, const char *name)
{
	return GET(NVLIST, nvl, name).nvl;
}

int nvlist_get_descriptor(const nvlist_t *nvl, const char *name)
{
	return GET(DESCRIPTOR, nvl, name).fd;
}

const void *nvlist_get_binary(const nvlist_t *nvl, const char *name, size_t *sizep)
{
	const nvpair_t *nvp = nv_lookup(nvl, NV_TYPE_BINARY, name, __func__);

	if (sizep != NULL)
		*sizep = nvp->nvp_v.bin.size;
	return nvp->nvp_v.bin.data;
}

const bool *nvlist_get_bool_array(const nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return items(nvl, NV_TYPE_BOOL_ARRAY, name, nitemsp, __func__);
}

const uint64_t *nvlist_get_number_array(const nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return items(nvl, NV_TYPE_NUMBER_ARRAY, name, nitemsp, __func__);
}

const char *const *nvlist_get_string_array(const nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return items(nvl, NV_TYPE_STRING_ARRAY, name, nitemsp, __func__);
}

const nvlist_t *const *nvlist_get_nvlist_array(const nvlist_t *nvl, const char *name,
                                               size_t *nitemsp)
{
	return items(nvl, NV_TYPE_NVLIST_ARRAY, name, nitemsp, __func__);
}

const int *nvlist_get_descriptor_array(const nvlist_t *nvl, const char *name, size_t *nitemsp)
{
	return items(nvl, NV_TYPE_DESCRIPTOR_ARRAY, name, nitemsp, __func__);
}
