/*
 * One entry: its name, its type and its value, and the links a nested
 * list or array of lists keeps back to the entry that holds it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nv_impl.h"

bool nv_type_is_array(int type)
{
	return type >= NV_TYPE_BOOL_ARRAY && type <= NV_TYPE_DESCRIPTOR_ARRAY;
}

/* A detached entry with an empty value; NULL with errno on a bad name. */
nvpair_t *nv_pair_new(const char *name, int type)
{
	nvpair_t *nvp;
	size_t len;

	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	len = strnlen(name, NV_NAME_MAX);
	if (len >= NV_NAME_MAX) { /* NV_NAME_MAX counts the NUL */
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((nvp = calloc(1, sizeof(*nvp) + len + 1)) == NULL)
		return NULL;
	nvp->nvp_magic = NVPAIR_MAGIC;
	nvp->nvp_type = type;
	nvp->nvp_namelen = len;
	memcpy(nvp->nvp_name, name, len + 1);
	if (type == NV_TYPE_DESCRIPTOR)
		nvp->nvp_v.fd = -1; /* 0 is a descriptor: never close it by accident */
	return nvp;
}

/* Frees the entry without its value, which the caller has taken. */
void nv_pair_free_shell(nvpair_t *nvp)
{
	nvp->nvp_magic = 0;
	free(nvp);
}

void nv_pair_free(nvpair_t *nvp)
{
	nv_release_value(nvp->nvp_type, &nvp->nvp_v);
	nv_pair_free_shell(nvp);
}

static void link_array(nvpair_t *nvp)
{
	nvlist_t **lists = nvp->nvp_v.arr.items;
	size_t n = nvp->nvp_v.arr.nitems;

	for (size_t i = 0; i < n; i++) {
		lists[i]->nvl_parent = nvp;
		lists[i]->nvl_flags |= NV_FLAG_IN_ARRAY;
		lists[i]->nvl_array_next = i + 1 < n ? lists[i + 1] : NULL;
	}
}

/* Called once the entry is in a list (and again after an append). */
void nv_value_attach(nvpair_t *nvp)
{
	if (nvp->nvp_type == NV_TYPE_NVLIST)
		nvp->nvp_v.nvl->nvl_parent = nvp;
	else if (nvp->nvp_type == NV_TYPE_NVLIST_ARRAY)
		link_array(nvp);
}

/* Called as the entry leaves its list: taken lists stand on their own. */
void nv_value_detach(nvpair_t *nvp)
{
	nvlist_t **lists = nvp->nvp_v.arr.items;

	if (nvp->nvp_type == NV_TYPE_NVLIST) {
		nvp->nvp_v.nvl->nvl_parent = NULL;
		return;
	}
	if (nvp->nvp_type != NV_TYPE_NVLIST_ARRAY)
		return;
	for (size_t i = 0; i < nvp->nvp_v.arr.nitems; i++) {
		lists[i]->nvl_parent = NULL;
		lists[i]->nvl_flags &= ~NV_FLAG_IN_ARRAY;
		lists[i]->nvl_array_next = NULL;
	}
}
