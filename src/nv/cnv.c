/*
 * cnvlist_*(): the entry a cookie from nvlist_next() names, without a
 * name look-up.  A cookie of another type, or not a live entry, aborts.
 */
#include <sys/cnv.h>

#include "nv_impl.h"

/* The entry behind a cookie, checked to be alive and of the type. */
static nvpair_t *entry(const void *cookie, int type, const char *func)
{
	const nvpair_t *nvp = cookie;

	nv_check_pair(nvp, func);
	if (type != NV_TYPE_NONE && nvp->nvp_type != type)
		nv_abort("%s: element \"%.64s\" is %s, not %s", func, nvp->nvp_name,
		         nv_type_name(nvp->nvp_type), nv_type_name(type));
	return (nvpair_t *)nvp;
}

/* The same, for taking or freeing: the entry must still be in a list. */
static nvpair_t *held_entry(const void *cookie, int type, const char *func)
{
	nvpair_t *nvp = entry(cookie, type, func);

	if (nvp->nvp_list == NULL)
		nv_abort("%s: element \"%.64s\" is in no list", func, nvp->nvp_name);
	NVLIST_ASSERT(nvp->nvp_list);
	return nvp;
}

#define GET(type, cookie)  (entry((cookie), NV_TYPE_##type, __func__)->nvp_v)
#define TAKE(type, cookie) nv_take_pair(held_entry((cookie), NV_TYPE_##type, __func__))

const char *cnvlist_name(const void *cookie)
{
	return entry(cookie, NV_TYPE_NONE, __func__)->nvp_name;
}

int cnvlist_type(const void *cookie)
{
	return entry(cookie, NV_TYPE_NONE, __func__)->nvp_type;
}

static const void *items(const void *cookie, int type, size_t *nitemsp, const char *func)
{
	const nvpair_t *nvp = entry(cookie, type, func);

	if (nitemsp != NULL)
		*nitemsp = nvp->nvp_v.arr.nitems;
	return nvp->nvp_v.arr.items;
}

bool cnvlist_get_bool(const void *cookie)
{
	return GET(BOOL, cookie).b;
}

uint64_t cnvlist_get_number(const void *cookie)
{
	return GET(NUMBER, cookie).num;
}

const char *cnvlist_get_string(const void *cookie)
{
	return GET(STRING, cookie).str;
}

const nvlist_t *cnvlist_get_nvlist(const void *cookie)
{
	return GET(NVLIST, cookie).nvl;
}

int cnvlist_get_descriptor(const void *cookie)
{
	return GET(DESCRIPTOR, cookie).fd;
}

const void *cnvlist_get_binary(const void *cookie, size_t *sizep)
{
	const nvpair_t *nvp = entry(cookie, NV_TYPE_BINARY, __func__);

	if (sizep != NULL)
		*sizep = nvp->nvp_v.bin.size;
	return nvp->nvp_v.bin.data;
}

const bool *cnvlist_get_bool_array(const void *cookie, size_t *nitemsp)
{
	return items(cookie, NV_TYPE_BOOL_ARRAY, nitemsp, __func__);
}

const uint64_t *cnvlist_get_number_array(const void *cookie, size_t *nitemsp)
{
	return items(cookie, NV_TYPE_NUMBER_ARRAY, nitemsp, __func__);
}

const char *const *cnvlist_get_string_array(const void *cookie, size_t *nitemsp)
{
	return items(cookie, NV_TYPE_STRING_ARRAY, nitemsp, __func__);
}

const nvlist_t *const *cnvlist_get_nvlist_array(const void *cookie, size_t *nitemsp)
{
	return items(cookie, NV_TYPE_NVLIST_ARRAY, nitemsp, __func__);
}

const int *cnvlist_get_descriptor_array(const void *cookie, size_t *nitemsp)
{
	return items(cookie, NV_TYPE_DESCRIPTOR_ARRAY, nitemsp, __func__);
}

static void *take_items(void *cookie, int type, size_t *nitemsp, const char *func)
{
	union nv_value v = nv_take_pair(held_entry(cookie, type, func));

	if (nitemsp != NULL)
		*nitemsp = v.arr.nitems;
	return v.arr.items;
}

bool cnvlist_take_bool(void *cookie)
{
	return TAKE(BOOL, cookie).b;
}

uint64_t cnvlist_take_number(void *cookie)
{
	return TAKE(NUMBER, cookie).num;
}

char *cnvlist_take_string(void *cookie)
{
	return TAKE(STRING, cookie).str;
}

nvlist_t *cnvlist_take_nvlist(void *cookie)
{
	return TAKE(NVLIST, cookie).nvl;
}

int cnvlist_take_descriptor(void *cookie)
{
	return TAKE(DESCRIPTOR, cookie).fd;
}

void *cnvlist_take_binary(void *cookie, size_t *sizep)
{
	union nv_value v = TAKE(BINARY, cookie);

	if (sizep != NULL)
		*sizep = v.bin.size;
	return v.bin.data;
}

bool *cnvlist_take_bool_array(void *cookie, size_t *nitemsp)
{
	return take_items(cookie, NV_TYPE_BOOL_ARRAY, nitemsp, __func__);
}

uint64_t *cnvlist_take_number_array(void *cookie, size_t *nitemsp)
{
	return take_items(cookie, NV_TYPE_NUMBER_ARRAY, nitemsp, __func__);
}

char **cnvlist_take_string_array(void *cookie, size_t *nitemsp)
{
	return take_items(cookie, NV_TYPE_STRING_ARRAY, nitemsp, __func__);
}

nvlist_t **cnvlist_take_nvlist_array(void *cookie, size_t *nitemsp)
{
	return take_items(cookie, NV_TYPE_NVLIST_ARRAY, nitemsp, __func__);
}

int *cnvlist_take_descriptor_array(void *cookie, size_t *nitemsp)
{
	return take_items(cookie, NV_TYPE_DESCRIPTOR_ARRAY, nitemsp, __func__);
}

static void free_entry(void *cookie, int type, const char *func)
{
	nvpair_t *nvp = held_entry(cookie, type, func);

	nv_unlink(nvp);
	nv_pair_free(nvp);
}

#define CNV_FREE(kind, TYPE)                                                                       \
	void cnvlist_free_##kind(void *cookie)                                                     \
	{                                                                                          \
		free_entry(cookie, NV_TYPE_##TYPE, __func__);                                      \
	}

CNV_FREE(null, NULL)
CNV_FREE(bool, BOOL)
CNV_FREE(number, NUMBER)
CNV_FREE(string, STRING)
CNV_FREE(nvlist, NVLIST)
CNV_FREE(descriptor, DESCRIPTOR)
CNV_FREE(binary, BINARY)
CNV_FREE(bool_array, BOOL_ARRAY)
CNV_FREE(number_array, NUMBER_ARRAY)
CNV_FREE(string_array, STRING_ARRAY)
CNV_FREE(nvlist_array, NVLIST_ARRAY)
CNV_FREE(descriptor_array, DESCRIPTOR_ARRAY)
