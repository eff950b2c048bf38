/*
 * Packing: the census sizes the buffer exactly, then one pass writes it.
 * Lengths of nested data are patched in once the data is written.  The
 * output is canonical: unpacking and packing again gives the same bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nv_impl.h"
#include "wire.h"

struct out {
	uint8_t *buf;
	size_t off;
	int *fds; /* descriptors in the order their indices are written */
	size_t nfds;
};

static uint8_t *reserve(struct out *o, size_t n)
{
	uint8_t *p = o->buf + o->off;

	o->off += n;
	return p;
}

static void put_bytes(struct out *o, const void *src, size_t n)
{
	memcpy(reserve(o, n), src, n);
}

static void put_u32(struct out *o, uint32_t v)
{
	nv_put32(reserve(o, 4), v);
}

static void put_fd(struct out *o, int fd)
{
	put_u32(o, (uint32_t)o->nfds);
	o->fds[o->nfds++] = fd;
}

static void put_entries(struct out *o, const nvlist_t *nvl);

static void put_list(struct out *o, const nvlist_t *nvl)
{
	uint8_t *h = reserve(o, NV_LIST_HDR_SIZE);
	size_t start = o->off;

	memset(h, 0, NV_LIST_HDR_SIZE);
	h[0] = (uint8_t)(nvl->nvl_flags & NV_FLAG_PUBLIC_MASK);
	put_entries(o, nvl);
	nv_put32(h + 4, (uint32_t)(o->off - start));
}

static void put_array(struct out *o, int type, const union nv_value *v)
{
	for (size_t i = 0; i < v->arr.nitems; i++) {
		if (type == NV_TYPE_BOOL_ARRAY)
			*reserve(o, 1) = ((const bool *)v->arr.items)[i];
		else if (type == NV_TYPE_NUMBER_ARRAY)
			nv_put64(reserve(o, 8), ((const uint64_t *)v->arr.items)[i]);
		else if (type == NV_TYPE_STRING_ARRAY)
			put_bytes(o, ((char **)v->arr.items)[i],
			          strlen(((char **)v->arr.items)[i]) + 1);
		else if (type == NV_TYPE_NVLIST_ARRAY)
			put_list(o, ((nvlist_t **)v->arr.items)[i]);
		else
			put_fd(o, ((const int *)v->arr.items)[i]);
	}
}

static void put_value(struct out *o, const nvpair_t *nvp)
{
	const union nv_value *v = &nvp->nvp_v;

	switch (nvp->nvp_type) {
	case NV_TYPE_NULL:
		break;
	case NV_TYPE_BOOL:
		*reserve(o, 1) = v->b;
		break;
	case NV_TYPE_NUMBER:
		nv_put64(reserve(o, 8), v->num);
		break;
	case NV_TYPE_STRING:
		put_bytes(o, v->str, strlen(v->str) + 1);
		break;
	case NV_TYPE_NVLIST:
		put_list(o, v->nvl);
		break;
	case NV_TYPE_DESCRIPTOR:
		put_fd(o, v->fd);
		break;
	case NV_TYPE_BINARY:
		put_bytes(o, v->bin.data, v->bin.size);
		break;
	default:
		put_array(o, nvp->nvp_type, v);
		break;
	}
}

static void put_entry(struct out *o, const nvpair_t *nvp)
{
	uint8_t *h = reserve(o, NV_ENTRY_HDR_SIZE);
	size_t start;

	h[0] = (uint8_t)nvp->nvp_type;
	h[1] = 0;
	nv_put16(h + 2, (uint16_t)(nvp->nvp_namelen + 1));
	nv_put32(h + 4, nv_type_is_array(nvp->nvp_type) ? (uint32_t)nvp->nvp_v.arr.nitems : 0);
	put_bytes(o, nvp->nvp_name, nvp->nvp_namelen + 1);
	start = o->off;
	put_value(o, nvp);
	nv_put32(h + 8, (uint32_t)(o->off - start));
}

static void put_entries(struct out *o, const nvlist_t *nvl)
{
	for (const nvpair_t *nvp = nvl->nvl_head; nvp != NULL; nvp = nvp->nvp_next)
		put_entry(o, nvp);
}

/* Packs a list the census found to fit the format.  With descriptors,
 * fds (room for c->ndesc) receives them in index order. */
uint8_t *nv_encode(const nvlist_t *nvl, const struct nv_census *c, int *fds)
{
	struct out o = {.fds = fds};

	if ((o.buf = malloc(c->size)) == NULL)
		return NULL;
	nv_put32(reserve(&o, 4), NV_WIRE_MAGIC);
	*reserve(&o, 1) = NV_WIRE_VERSION;
	*reserve(&o, 1) = (uint8_t)(nvl->nvl_flags & NV_FLAG_PUBLIC_MASK);
	nv_put16(reserve(&o, 2), 0);
	put_u32(&o, (uint32_t)c->ndesc);
	put_u32(&o, (uint32_t)(c->size - NV_HDR_SIZE));
	put_entries(&o, nvl);
	if (o.off != c->size || o.nfds != c->ndesc)
		nv_abort("nvlist_pack: wrote %zu bytes, %zu descriptors; expected %zu, %zu", o.off,
		         o.nfds, c->size, c->ndesc);
	return o.buf;
}

void *nvlist_pack(const nvlist_t *nvl, size_t *sizep)
{
	struct nv_census c;
	void *buf;
	int err;

	NVLIST_ASSERT(nvl);
	if (nvl->nvl_error != 0) {
		errno = nvl->nvl_error;
		return NULL;
	}
	nv_census(nvl, &c);
	/* Descriptors mean nothing outside nvlist_send(). */
	if (c.ndesc > 0) {
		errno = EOPNOTSUPP;
		return NULL;
	}
	if ((err = nv_census_check(&c)) != 0) {
		errno = -err;
		return NULL;
	}
	if ((buf = nv_encode(nvl, &c, NULL)) != NULL && sizep != NULL)
		*sizep = c.size;
	return buf;
}
