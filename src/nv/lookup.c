/*
 * Finding, linking and unlinking entries, and the exists family.
 */
#include <errno.h>

#include "nv_impl.h"

/* Links a detached entry at the end of the list; -EEXIST for a name
 * already there unless the list allows duplicates. */
int nv_insert(nvlist_t *nvl, nvpair_t *nvp)
{
	int err;

	if ((nvl->nvl_flags & NV_FLAG_NO_UNIQUE) == 0 &&
	    nv_index_find(nvl, NV_TYPE_NONE, nvp->nvp_name) != NULL)
		return -EEXIST;
	if ((err = nv_index_add(nvl, nvp)) != 0)
		return err;
	nvp->nvp_prev = nvl->nvl_tail;
	nvp->nvp_next = NULL;
	if (nvl->nvl_tail != NULL)
		nvl->nvl_tail->nvp_next = nvp;
	else
		nvl->nvl_head = nvp;
	nvl->nvl_tail = nvp;
	nvl->nvl_count++;
	nvp->nvp_list = nvl;
	nv_value_attach(nvp);
	return 0;
}

void nv_unlink(nvpair_t *nvp)
{
	nvlist_t *nvl = nvp->nvp_list;

	nv_index_del(nvl, nvp);
	if (nvp->nvp_prev != NULL)
		nvp->nvp_prev->nvp_next = nvp->nvp_next;
	else
		nvl->nvl_head = nvp->nvp_next;
	if (nvp->nvp_next != NULL)
		nvp->nvp_next->nvp_prev = nvp->nvp_prev;
	else
		nvl->nvl_tail = nvp->nvp_prev;
	nvl->nvl_count--;
	nvp->nvp_list = NULL;
	nvp->nvp_next = nvp->nvp_prev = NULL;
	nv_value_detach(nvp);
}

nvpair_t *nv_find(const nvlist_t *nvl, int type, const char *name, const char *func)
{
	nv_check_list(nvl, func);
	if (name == NULL)
		nv_abort("%s: NULL name", func);
	return nv_index_find(nvl, type, name);
}

/* nv_find() for callers that may not miss: a get, take or free. */
nvpair_t *nv_lookup(const nvlist_t *nvl, int type, const char *name, const char *func)
{
	nvpair_t *nvp = nv_find(nvl, type, name, func);

	if (nvp == NULL)
		nv_missing(func, name, type);
	return nvp;
}

/* Removes the entry and hands its value over. */
union nv_value nv_take_pair(nvpair_t *nvp)
{
	union nv_value v = nvp->nvp_v;

	nv_unlink(nvp);
	nv_pair_free_shell(nvp);
	return v;
}

bool nvlist_exists(const nvlist_t *nvl, const char *name)
{
	return nv_find(nvl, NV_TYPE_NONE, name, __func__) != NULL;
}

bool nvlist_exists_type(const nvlist_t *nvl, const char *name, int type)
{
	return nv_find(nvl, type, name, __func__) != NULL;
}

#define NV_EXISTS(kind, TYPE)                                                                      \
	bool nvlist_exists_##kind(const nvlist_t *nvl, const char *name)                           \
	{                                                                                          \
		return nv_find(nvl, NV_TYPE_##TYPE, name, __func__) != NULL;                       \
	}

NV_EXISTS(null, NULL)
NV_EXISTS(bool, BOOL)
NV_EXISTS(number, NUMBER)
NV_EXISTS(string, STRING)
NV_EXISTS(nvlist, NVLIST)
NV_EXISTS(descriptor, DESCRIPTOR)
NV_EXISTS(binary, BINARY)
NV_EXISTS(bool_array, BOOL_ARRAY)
NV_EXISTS(number_array, NUMBER_ARRAY)
NV_EXISTS(string_array, STRING_ARRAY)
NV_EXISTS(nvlist_array, NVLIST_ARRAY)
NV_EXISTS(descriptor_array, DESCRIPTOR_ARRAY)
