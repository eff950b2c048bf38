/*
 * The census of a list before packing it: the packed size, the number of
 * descriptors and the depth of nesting, in one walk.  Sizes saturate
 * instead of wrapping, so a huge list reads as too big, never as small.
 */
#include <errno.h>
#include <string.h>

#include "nv_impl.h"
#include "wire.h"

static size_t add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t mul(size_t a, size_t b)
{
	return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t list_size(const nvlist_t *nvl, size_t depth, struct nv_census *c);

static size_t strings_size(char *const *strs, size_t n)
{
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size = add(size, add(strlen(strs[i]), 1));
	return size;
}

static size_t lists_size(nvlist_t *const *lists, size_t n, size_t depth, struct nv_census *c)
{
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size = add(size, list_size(lists[i], depth, c));
	return size;
}

/* The data bytes of an entry, as docs/NV_FORMAT.md lays them out. */
static size_t data_size(const nvpair_t *nvp, size_t depth, struct nv_census *c)
{
	const union nv_value *v = &nvp->nvp_v;

	switch (nvp->nvp_type) {
	case NV_TYPE_NULL:
		return 0;
	case NV_TYPE_BOOL:
		return 1;
	case NV_TYPE_NUMBER:
		return 8;
	case NV_TYPE_STRING:
		return add(strlen(v->str), 1);
	case NV_TYPE_NVLIST:
		return list_size(v->nvl, depth + 1, c);
	case NV_TYPE_DESCRIPTOR:
		c->ndesc = add(c->ndesc, 1);
		return 4;
	case NV_TYPE_BINARY:
		return v->bin.size;
	case NV_TYPE_BOOL_ARRAY:
		return v->arr.nitems;
	case NV_TYPE_NUMBER_ARRAY:
		return mul(v->arr.nitems, 8);
	case NV_TYPE_STRING_ARRAY:
		return strings_size(v->arr.items, v->arr.nitems);
	case NV_TYPE_NVLIST_ARRAY:
		return lists_size(v->arr.items, v->arr.nitems, depth + 1, c);
	default: /* NV_TYPE_DESCRIPTOR_ARRAY */
		c->ndesc = add(c->ndesc, v->arr.nitems);
		return mul(v->arr.nitems, 4);
	}
}

static size_t entries_size(const nvlist_t *nvl, size_t depth, struct nv_census *c)
{
	size_t size = 0;

	for (const nvpair_t *nvp = nvl->nvl_head; nvp != NULL; nvp = nvp->nvp_next) {
		size = add(size, NV_ENTRY_HDR_SIZE + nvp->nvp_namelen + 1);
		size = add(size, data_size(nvp, depth, c));
	}
	return size;
}

/* A nested list: its list header and its entries. */
static size_t list_size(const nvlist_t *nvl, size_t depth, struct nv_census *c)
{
	if (depth > c->depth)
		c->depth = depth;
	return add(NV_LIST_HDR_SIZE, entries_size(nvl, depth, c));
}

void nv_census(const nvlist_t *nvl, struct nv_census *c)
{
	memset(c, 0, sizeof(*c));
	c->size = add(NV_HDR_SIZE, entries_size(nvl, 0, c));
}

/* Whether the format can carry the list: -EMSGSIZE when it cannot. */
int nv_census_check(const struct nv_census *c)
{
	if (c->size > NV_SIZE_MAX || c->depth > NV_DEPTH_MAX || c->ndesc > NV_DESC_MAX)
		return -EMSGSIZE;
	return 0;
}

size_t nvlist_size(const nvlist_t *nvl)
{
	struct nv_census c;

	NVLIST_ASSERT(nvl);
	nv_census(nvl, &c);
	return c.size;
}
