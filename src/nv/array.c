/*
 * Arrays: adding a copy, moving the caller's array in, and appending one
 * element at a time.  An array holds at least one element, as in FreeBSD.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "nv_impl.h"

static int check_list(const nvlist_t *nvl)
{
	if (nvl == NULL)
		return EINVAL;
	NVLIST_ASSERT(nvl);
	return nvl->nvl_error; /* a failed list cannot be copied or held */
}

/* What element i must be: 0 or a positive errno. */
static int check_element(int type, const void *items, size_t i)
{
	switch (type) {
	case NV_TYPE_STRING_ARRAY:
		return ((const char *const *)items)[i] == NULL ? EINVAL : 0;
	case NV_TYPE_NVLIST_ARRAY:
		return check_list(((const nvlist_t *const *)items)[i]);
	case NV_TYPE_DESCRIPTOR_ARRAY:
		return fcntl(((const int *)items)[i], F_GETFD) < 0 ? EBADF : 0;
	default:
		return 0;
	}
}

static int check_elements(int type, const void *items, size_t n)
{
	int err = 0;

	for (size_t i = 0; i < n && err == 0; i++)
		err = check_element(type, items, i);
	return err;
}

static void add_array(nvlist_t *nvl, const char *name, int type, const void *items, size_t n)
{
	union nv_value src = {.arr = {(void *)items, n}}, copy;
	int err;

	if (!nv_can_add(nvl))
		return;
	err = items == NULL || n == 0 ? EINVAL : check_elements(type, items, n);
	if (err == 0)
		err = -nv_copy_value(type, &src, &copy);
	if (err != 0)
		nv_fail(nvl, err);
	else
		nv_move_value(nvl, name, type, &copy);
}

static void move_array(nvlist_t *nvl, const char *name, int type, void *items, size_t n)
{
	union nv_value v = {.arr = {items, n}};
	int err = items == NULL || n == 0 ? EINVAL : check_elements(type, items, n);

	if (err != 0)
		nv_reject(nvl, type, &v, err);
	else
		nv_move_value(nvl, name, type, &v);
}

/* Adds one element (owned by the entry once this succeeds). */
static int grow(nvpair_t *nvp, const void *elem)
{
	size_t size = nv_elem_size(nvp->nvp_type), n = nvp->nvp_v.arr.nitems;
	char *items;

	if (n >= SIZE_MAX / size - 1)
		return ENOMEM;
	if ((items = realloc(nvp->nvp_v.arr.items, (n + 1) * size)) == NULL)
		return ENOMEM;
	memcpy(items + n * size, elem, size);
	nvp->nvp_v.arr.items = items;
	nvp->nvp_v.arr.nitems = n + 1;
	return 0;
}

static void append(nvlist_t *nvl, const char *name, int type, const void *elem)
{
	union nv_value src = {.arr = {(void *)elem, 1}}, copy;
	nvpair_t *nvp;
	int err;

	if (!nv_can_add(nvl))
		return;
	if (name == NULL || (nvp = nv_find(nvl, type, name, __func__)) == NULL) {
		add_array(nvl, name, type, elem, 1);
		return;
	}
	if ((err = check_elements(type, elem, 1)) != 0 ||
	    (err = -nv_copy_value(type, &src, &copy)) != 0) {
		nv_fail(nvl, err);
		return;
	}
	if ((err = grow(nvp, copy.arr.items)) != 0) {
		nv_reject(nvl, type, &copy, err);
		return;
	}
	free(copy.arr.items); /* its one element now lives in the entry */
	nv_value_attach(nvp); /* chain a new list element to the others */
}

void nvlist_add_bool_array(nvlist_t *nvl, const char *name, const bool *value, size_t nitems)
{
	add_array(nvl, name, NV_TYPE_BOOL_ARRAY, value, nitems);
}

void nvlist_add_number_array(nvlist_t *nvl, const char *name, const uint64_t *value, size_t nitems)
{
	add_array(nvl, name, NV_TYPE_NUMBER_ARRAY, value, nitems);
}

void nvlist_add_string_array(nvlist_t *nvl, const char *name, const char *const *value,
                             size_t nitems)
{
	add_array(nvl, name, NV_TYPE_STRING_ARRAY, value, nitems);
}

void nvlist_add_nvlist_array(nvlist_t *nvl, const char *name, const nvlist_t *const *value,
                             size_t nitems)
{
	add_array(nvl, name, NV_TYPE_NVLIST_ARRAY, value, nitems);
}

void nvlist_add_descriptor_array(nvlist_t *nvl, const char *name, const int *value, size_t nitems)
{
	add_array(nvl, name, NV_TYPE_DESCRIPTOR_ARRAY, value, nitems);
}

void nvlist_move_bool_array(nvlist_t *nvl, const char *name, bool *value, size_t nitems)
{
	move_array(nvl, name, NV_TYPE_BOOL_ARRAY, value, nitems);
}

void nvlist_move_number_array(nvlist_t *nvl, const char *name, uint64_t *value, size_t nitems)
{
	move_array(nvl, name, NV_TYPE_NUMBER_ARRAY, value, nitems);
}

void nvlist_move_string_array(nvlist_t *nvl, const char *name, char **value, size_t nitems)
{
	move_array(nvl, name, NV_TYPE_STRING_ARRAY, value, nitems);
}

void nvlist_move_nvlist_array(nvlist_t *nvl, const char *name, nvlist_t **value, size_t nitems)
{
	if (nvl != NULL)
		NVLIST_ASSERT(nvl);
	/* Lists that are not the caller's to give (held elsewhere, the
	 * target's own root, or given twice) are left alone. */
	if (value != NULL && !nv_lists_movable(nvl, value, nitems))
		nv_fail(nvl, EINVAL);
	else
		move_array(nvl, name, NV_TYPE_NVLIST_ARRAY, value, nitems);
}

void nvlist_move_descriptor_array(nvlist_t *nvl, const char *name, int *value, size_t nitems)
{
	move_array(nvl, name, NV_TYPE_DESCRIPTOR_ARRAY, value, nitems);
}

void nvlist_append_bool_array(nvlist_t *nvl, const char *name, const bool value)
{
	append(nvl, name, NV_TYPE_BOOL_ARRAY, &value);
}

void nvlist_append_number_array(nvlist_t *nvl, const char *name, const uint64_t value)
{
	append(nvl, name, NV_TYPE_NUMBER_ARRAY, &value);
}

void nvlist_append_string_array(nvlist_t *nvl, const char *name, const char *const value)
{
	append(nvl, name, NV_TYPE_STRING_ARRAY, &value);
}

void nvlist_append_nvlist_array(nvlist_t *nvl, const char *name, const nvlist_t *const value)
{
	append(nvl, name, NV_TYPE_NVLIST_ARRAY, &value);
}

void nvlist_append_descriptor_array(nvlist_t *nvl, const char *name, int value)
{
	append(nvl, name, NV_TYPE_DESCRIPTOR_ARRAY, &value);
}
