/*
 * The list itself: life cycle, the sticky error, and the links that tie
 * a nested list to the entry (and array) holding it.
 */
#include <errno.h>
#include <stdlib.h>

#include "nv_impl.h"

nvlist_t *nvlist_create(int flags)
{
	nvlist_t *nvl;

	if ((flags & ~NV_FLAG_PUBLIC_MASK) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((nvl = calloc(1, sizeof(*nvl))) == NULL)
		return NULL;
	nvl->nvl_magic = NVLIST_MAGIC;
	nvl->nvl_flags = flags;
	nvl->nvl_seed = nv_index_seed(nvl);
	return nvl;
}

/* Frees a list whatever holds it: for the owner of the entry holding it. */
void nv_list_free(nvlist_t *nvl)
{
	nvpair_t *nvp, *next;

	for (nvp = nvl->nvl_head; nvp != NULL; nvp = next) {
		next = nvp->nvp_next;
		nv_pair_free(nvp);
	}
	nv_index_free(nvl);
	nvl->nvl_magic = 0;
	free(nvl);
}

void nvlist_destroy(nvlist_t *nvl)
{
	int saved = errno;

	if (nvl == NULL)
		return;
	NVLIST_ASSERT(nvl);
	/* A nested list is freed with its parent; freeing it here as well
	 * would leave the parent pointing at freed memory. */
	if (nvl->nvl_parent != NULL)
		nv_abort("nvlist_destroy: the list belongs to another list");
	nv_list_free(nvl);
	errno = saved;
}

int nvlist_error(const nvlist_t *nvl)
{
	/* A failed nvlist_create() is treated as a list that ran out of memory. */
	if (nvl == NULL)
		return ENOMEM;
	NVLIST_ASSERT(nvl);
	return nvl->nvl_error;
}

void nvlist_set_error(nvlist_t *nvl, int error)
{
	if (error == 0)
		nv_abort("nvlist_set_error: an error of 0");
	if (nvl == NULL)
		return;
	NVLIST_ASSERT(nvl);
	if (nvl->nvl_error == 0) /* the first error is the one reported */
		nvl->nvl_error = error;
}

bool nvlist_empty(const nvlist_t *nvl)
{
	NVLIST_ASSERT(nvl);
	return nvl->nvl_head == NULL;
}

int nvlist_flags(const nvlist_t *nvl)
{
	NVLIST_ASSERT(nvl);
	return nvl->nvl_flags & NV_FLAG_PUBLIC_MASK;
}

/* False, with errno set to the sticky error, when adding must do nothing. */
bool nv_can_add(const nvlist_t *nvl)
{
	int error = nvlist_error(nvl);

	if (error != 0)
		errno = error;
	return error == 0;
}

/* Records the first failure; errno reports the one that sticks. */
void nv_fail(nvlist_t *nvl, int error)
{
	if (nvl != NULL && nvl->nvl_error == 0)
		nvl->nvl_error = error;
	errno = nvlist_error(nvl);
}

const nvlist_t *nv_root(const nvlist_t *nvl)
{
	while (nvl->nvl_parent != NULL)
		nvl = nvl->nvl_parent->nvp_list;
	return nvl;
}

const char *nvlist_next(const nvlist_t *nvl, int *typep, void **cookiep)
{
	nvpair_t *nvp;

	NVLIST_ASSERT(nvl);
	if (cookiep == NULL || *cookiep == NULL) {
		nvp = nvl->nvl_head;
	} else {
		nvp = *cookiep;
		NVPAIR_ASSERT(nvp);
		if (nvp->nvp_list != nvl)
			nv_abort("nvlist_next: the cookie belongs to another list");
		nvp = nvp->nvp_next;
	}
	if (nvp == NULL)
		return NULL;
	if (typep != NULL)
		*typep = nvp->nvp_type;
	if (cookiep != NULL)
		*cookiep = nvp;
	return nvp->nvp_name;
}

const nvlist_t *nvlist_get_parent(const nvlist_t *nvl, void **cookiep)
{
	nvpair_t *nvp;

	NVLIST_ASSERT(nvl);
	nvp = nvl->nvl_parent;
	/* The cookie is the holding entry, so iterating the parent resumes after it. */
	if (cookiep != NULL)
		*cookiep = nvp;
	return nvp == NULL ? NULL : nvp->nvp_list;
}

bool nvlist_in_array(const nvlist_t *nvl)
{
	NVLIST_ASSERT(nvl);
	return (nvl->nvl_flags & NV_FLAG_IN_ARRAY) != 0;
}

const nvlist_t *nvlist_get_array_next(const nvlist_t *nvl)
{
	NVLIST_ASSERT(nvl);
	return nvl->nvl_array_next;
}

const nvlist_t *nvlist_get_pararr(const nvlist_t *nvl, void **cookiep)
{
	const nvlist_t *next = nvlist_get_array_next(nvl);

	if (next == NULL)
		return nvlist_get_parent(nvl, cookiep);
	if (cookiep != NULL)
		*cookiep = NULL; /* start the next element from its first entry */
	return next;
}
