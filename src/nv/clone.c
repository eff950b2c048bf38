/*
 * nvlist_clone(): a deep copy that stands on its own (no parent, not in
 * an array), with the same public flags.  Descriptors are dup'ed.
 */
#include <errno.h>

#include "nv_impl.h"

static int clone_pair(nvlist_t *dst, const nvpair_t *nvp)
{
	nvpair_t *copy = nv_pair_new(nvp->nvp_name, nvp->nvp_type);
	int err;

	if (copy == NULL)
		return -errno;
	if ((err = nv_copy_value(nvp->nvp_type, &nvp->nvp_v, &copy->nvp_v)) != 0) {
		nv_pair_free_shell(copy);
		return err;
	}
	if ((err = nv_insert(dst, copy)) != 0)
		nv_pair_free(copy);
	return err;
}

nvlist_t *nvlist_clone(const nvlist_t *nvl)
{
	nvlist_t *copy;
	int err = 0;

	NVLIST_ASSERT(nvl);
	if (nvl->nvl_error != 0) {
		errno = nvl->nvl_error;
		return NULL;
	}
	if ((copy = nvlist_create(nvl->nvl_flags & NV_FLAG_PUBLIC_MASK)) == NULL)
		return NULL;
	for (const nvpair_t *nvp = nvl->nvl_head; nvp != NULL && err == 0; nvp = nvp->nvp_next)
		err = clone_pair(copy, nvp);
	if (err != 0) {
		nvlist_destroy(copy);
		errno = -err;
		return NULL;
	}
	return copy;
}
