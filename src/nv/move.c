/*
 * Moving values into a list.  Every add ends here too, with a copy: the
 * list owns what it is handed from the first line on, so every failure
 * path frees (or closes) the value instead of leaking it.
 */
#include <errno.h>
#include <fcntl.h>

#include "nv_impl.h"

/* Releases a value the list will not take, and records why. */
void nv_reject(nvlist_t *nvl, int type, union nv_value *v, int error)
{
	nv_release_value(type, v);
	nv_fail(nvl, error);
}

void nv_move_value(nvlist_t *nvl, const char *name, int type, union nv_value *v)
{
	nvpair_t *nvp;
	int err;

	if (!nv_can_add(nvl)) {
		nv_reject(nvl, type, v, errno);
		return;
	}
	if ((nvp = nv_pair_new(name, type)) == NULL) {
		nv_reject(nvl, type, v, errno);
		return;
	}
	nvp->nvp_v = *v;
	if ((err = nv_insert(nvl, nvp)) != 0) {
		nv_pair_free(nvp);
		nv_fail(nvl, -err);
	}
}

void nvlist_move_string(nvlist_t *nvl, const char *name, char *value)
{
	union nv_value v = {.str = value};

	if (value == NULL)
		nv_fail(nvl, EINVAL);
	else
		nv_move_value(nvl, name, NV_TYPE_STRING, &v);
}

void nvlist_move_binary(nvlist_t *nvl, const char *name, void *value, size_t size)
{
	union nv_value v = {.bin = {value, size}};

	if (value == NULL || size == 0)
		nv_reject(nvl, NV_TYPE_BINARY, &v, EINVAL);
	else
		nv_move_value(nvl, name, NV_TYPE_BINARY, &v);
}

void nvlist_move_descriptor(nvlist_t *nvl, const char *name, int value)
{
	union nv_value v = {.fd = value};

	/* Not a descriptor: nothing to close. */
	if (value < 0 || fcntl(value, F_GETFD) < 0)
		nv_fail(nvl, EBADF);
	else
		nv_move_value(nvl, name, NV_TYPE_DESCRIPTOR, &v);
}

/* Whether value is a list of its own that may go into nvl: not held by
 * another list (it would be freed twice) and not nvl's own root (the
 * list would contain itself). */
static bool movable(const nvlist_t *nvl, const nvlist_t *value)
{
	NVLIST_ASSERT(value);
	if (value->nvl_parent != NULL || (value->nvl_flags & NV_FLAG_IN_ARRAY) != 0)
		return false;
	return nvl == NULL || nv_root(nvl) != value;
}

void nvlist_move_nvlist(nvlist_t *nvl, const char *name, nvlist_t *value)
{
	union nv_value v = {.nvl = value};

	if (nvl != NULL)
		NVLIST_ASSERT(nvl);
	/* A list that is not the caller's to give stays where it is. */
	if (value == NULL || !movable(nvl, value))
		nv_fail(nvl, EINVAL);
	else if (value->nvl_error != 0)
		nv_reject(nvl, NV_TYPE_NVLIST, &v, value->nvl_error);
	else
		nv_move_value(nvl, name, NV_TYPE_NVLIST, &v);
}

/* The same for an array of lists, which must also be distinct. */
bool nv_lists_movable(const nvlist_t *nvl, nvlist_t *const *lists, size_t n)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < n && ok; i++) {
		if (lists[i] == NULL)
			continue;
		ok = movable(nvl, lists[i]) && (lists[i]->nvl_flags & NV_FLAG_MARK) == 0;
		lists[i]->nvl_flags |= NV_FLAG_MARK;
	}
	/* Unmark what was marked: up to and including the element that failed. */
	while (i-- > 0) {
		if (lists[i] != NULL)
			lists[i]->nvl_flags &= ~NV_FLAG_MARK;
	}
	return ok;
}
