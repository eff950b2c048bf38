/*
 * Deep copies and releases of values, by type.  An array is a run of
 * elements that are copied and released one by one: strings are
 * duplicated, lists cloned, descriptors dup'ed (close-on-exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nv_impl.h"

struct elem_ops {
	size_t size;
	int (*copy)(const void *src, void *dst); /* NULL: plain bytes */
	void (*release)(void *elem);             /* NULL: nothing to free */
};

static int copy_string(const void *src, void *dst)
{
	char *s = strdup(*(char *const *)src);

	if (s == NULL)
		return -ENOMEM;
	*(char **)dst = s;
	return 0;
}

static int copy_list(const void *src, void *dst)
{
	nvlist_t *nvl = nvlist_clone(*(nvlist_t *const *)src);

	if (nvl == NULL)
		return errno != 0 ? -errno : -ENOMEM;
	*(nvlist_t **)dst = nvl;
	return 0;
}

static int copy_fd(const void *src, void *dst)
{
	/* Close-on-exec: the list's copy must not leak into a program it execs. */
	int fd = fcntl(*(const int *)src, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	*(int *)dst = fd;
	return 0;
}

static void release_string(void *elem)
{
	free(*(char **)elem);
}

static void release_list(void *elem)
{
	nvlist_t *nvl = *(nvlist_t **)elem;

	if (nvl != NULL)
		nv_list_free(nvl);
}

static void release_fd(void *elem)
{
	nv_close_fds(elem, 1);
}

static const struct elem_ops byte_ops = {1, NULL, NULL};
static const struct elem_ops bool_ops = {sizeof(bool), NULL, NULL};
static const struct elem_ops number_ops = {sizeof(uint64_t), NULL, NULL};
static const struct elem_ops string_ops = {sizeof(char *), copy_string, release_string};
static const struct elem_ops list_ops = {sizeof(nvlist_t *), copy_list, release_list};
static const struct elem_ops fd_ops = {sizeof(int), copy_fd, release_fd};

static const struct elem_ops *array_ops(int type)
{
	switch (type) {
	case NV_TYPE_BOOL_ARRAY:
		return &bool_ops;
	case NV_TYPE_NUMBER_ARRAY:
		return &number_ops;
	case NV_TYPE_STRING_ARRAY:
		return &string_ops;
	case NV_TYPE_NVLIST_ARRAY:
		return &list_ops;
	default:
		return &fd_ops;
	}
}

size_t nv_elem_size(int type)
{
	return array_ops(type)->size;
}

static void release_items(const struct elem_ops *ops, void *items, size_t n)
{
	if (items != NULL && ops->release != NULL) {
		for (size_t i = 0; i < n; i++)
			ops->release((char *)items + i * ops->size);
	}
	free(items);
}

static int copy_items(const struct elem_ops *ops, const void *src, size_t n, void **out)
{
	char *dst;
	size_t i;
	int err = 0;

	if (n == 0 || n > SIZE_MAX / ops->size || (dst = malloc(n * ops->size)) == NULL)
		return -ENOMEM;
	if (ops->copy == NULL)
		memcpy(dst, src, n * ops->size);
	for (i = 0; ops->copy != NULL && i < n && err == 0; i++)
		err = ops->copy((const char *)src + i * ops->size, dst + i * ops->size);
	if (err != 0) {
		release_items(ops, dst, i - 1); /* element i-1 failed: not copied */
		return err;
	}
	*out = dst;
	return 0;
}

int nv_copy_value(int type, const union nv_value *src, union nv_value *dst)
{
	switch (type) {
	case NV_TYPE_NULL:
	case NV_TYPE_BOOL:
	case NV_TYPE_NUMBER:
		*dst = *src;
		return 0;
	case NV_TYPE_STRING:
		return copy_string(&src->str, &dst->str);
	case NV_TYPE_NVLIST:
		return copy_list(&src->nvl, &dst->nvl);
	case NV_TYPE_DESCRIPTOR:
		return copy_fd(&src->fd, &dst->fd);
	case NV_TYPE_BINARY:
		dst->bin.size = src->bin.size;
		return copy_items(&byte_ops, src->bin.data, src->bin.size, &dst->bin.data);
	default:
		dst->arr.nitems = src->arr.nitems;
		return copy_items(array_ops(type), src->arr.items, src->arr.nitems,
		                  &dst->arr.items);
	}
}

void nv_release_value(int type, union nv_value *v)
{
	switch (type) {
	case NV_TYPE_NULL:
	case NV_TYPE_BOOL:
	case NV_TYPE_NUMBER:
		break;
	case NV_TYPE_STRING:
		release_string(&v->str);
		break;
	case NV_TYPE_NVLIST:
		release_list(&v->nvl);
		break;
	case NV_TYPE_DESCRIPTOR:
		release_fd(&v->fd);
		break;
	case NV_TYPE_BINARY:
		free(v->bin.data);
		break;
	default:
		release_items(array_ops(type), v->arr.items, v->arr.nitems);
		break;
	}
}

/* Closes the valid descriptors among fds, leaving errno as it was. */
void nv_close_fds(const int *fds, size_t n)
{
	int saved = errno;

	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	errno = saved;
}
