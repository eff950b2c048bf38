/*
 * The unpacker: the bytes come from a peer that may be hostile (a
 * sandboxed client talking to a Casper service), so nothing in them is
 * trusted.  Every length is checked against what is left of its enclosing
 * span before it is used; every count is checked against the bytes that
 * would have to hold it before anything is allocated for it; anything
 * unknown, reserved but not zero, or left over is refused with EINVAL.
 * Nesting is bounded (NV_DEPTH_MAX), so the recursion below is too.
 *
 * Descriptors: the message's fds[] are handed over whole.  Entries must
 * use them in order, each once, and all of them; those placed in the list
 * belong to it, and on failure the rest are closed here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nv_impl.h"
#include "wire.h"

/* A span of input not yet consumed. */
struct in {
	const uint8_t *p;
	size_t left;
};

struct unpacker {
	const int *fds;
	size_t nfds;
	size_t next_fd; /* fds[0 .. next_fd) now belong to the list */
	size_t charged; /* bytes the unpacked form takes so far (charge()) */
};

/*
 * What the unpacked form may take: 8 times the largest message.  The wire
 * is compact (an empty nested list is 8 bytes, its nvlist_t ten times
 * that), so a message of 16 MiB could otherwise ask for some 250 MiB.  A
 * message of many small entries, the heaviest honest kind, takes about 6
 * times its size.
 */
#define NV_UNPACKED_MAX (8 * NV_SIZE_MAX)
#define MALLOC_OVERHEAD 16

/* Count an allocation of n bytes against the bound: 0, or -EINVAL past it. */
static int charge(struct unpacker *u, size_t n)
{
	u->charged += n + MALLOC_OVERHEAD;
	return u->charged > NV_UNPACKED_MAX ? -EINVAL : 0;
}

struct entry {
	int type;
	size_t nitems;
	const char *name;
	struct in data;
};

static int unpack_entries(struct unpacker *u, nvlist_t *nvl, struct in *in, size_t depth);

/* Consumes n bytes, or returns NULL if fewer are left. */
static const uint8_t *take(struct in *in, size_t n)
{
	const uint8_t *p = in->p;

	if (n > in->left)
		return NULL;
	in->p += n;
	in->left -= n;
	return p;
}

int nv_header_decode(const uint8_t *buf, struct nv_header *h)
{
	if (nv_get32(buf) != NV_WIRE_MAGIC || buf[4] != NV_WIRE_VERSION)
		return -EINVAL;
	if ((buf[5] & ~NV_FLAG_PUBLIC_MASK) != 0 || nv_get16(buf + 6) != 0)
		return -EINVAL;
	h->flags = buf[5];
	h->ndesc = nv_get32(buf + 8);
	h->size = nv_get32(buf + 12);
	if (h->size > NV_SIZE_MAX - NV_HDR_SIZE || h->ndesc > NV_DESC_MAX)
		return -EINVAL;
	/* Each descriptor takes four bytes of the body: a count the body
	 * cannot hold would only make a receiver wait for descriptors. */
	if (h->ndesc > h->size / 4)
		return -EINVAL;
	return 0;
}

/* A nested list: list header, then exactly its entries. */
static int unpack_list(struct unpacker *u, struct in *in, size_t depth, nvlist_t **out)
{
	const uint8_t *h = take(in, NV_LIST_HDR_SIZE);
	struct in body;

	if (h == NULL || (h[0] & ~NV_FLAG_PUBLIC_MASK) != 0 || (h[1] | h[2] | h[3]) != 0)
		return -EINVAL;
	body.left = nv_get32(h + 4);
	if ((body.p = take(in, body.left)) == NULL || charge(u, sizeof(nvlist_t)) != 0)
		return -EINVAL;
	if ((*out = nvlist_create(h[0])) == NULL)
		return -ENOMEM;
	return unpack_entries(u, *out, &body, depth);
}

static int dec_bools(struct in *in, size_t n, bool *items)
{
	const uint8_t *p;

	for (size_t i = 0; i < n; i++) {
		if ((p = take(in, 1)) == NULL || *p > 1) /* one encoding per value */
			return -EINVAL;
		items[i] = *p;
	}
	return 0;
}

static int dec_numbers(struct in *in, size_t n, uint64_t *items)
{
	const uint8_t *p;

	for (size_t i = 0; i < n; i++) {
		if ((p = take(in, 8)) == NULL)
			return -EINVAL;
		items[i] = nv_get64(p);
	}
	return 0;
}

/* Each string runs to the first NUL, which must be in the span. */
static int dec_strings(struct unpacker *u, struct in *in, size_t n, char **items)
{
	const uint8_t *nul;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		if ((nul = memchr(in->p, '\0', in->left)) == NULL)
			return -EINVAL;
		len = (size_t)(nul - in->p) + 1;
		if (charge(u, len) != 0)
			return -EINVAL;
		if ((items[i] = malloc(len)) == NULL)
			return -ENOMEM;
		memcpy(items[i], take(in, len), len);
	}
	return 0;
}

static int dec_lists(struct unpacker *u, struct in *in, size_t n, size_t depth, nvlist_t **items)
{
	int err = 0;

	if (depth >= NV_DEPTH_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n && err == 0; i++)
		err = unpack_list(u, in, depth + 1, &items[i]);
	return err;
}

/* All indices are checked before any descriptor changes hands. */
static int dec_fds(struct unpacker *u, struct in *in, size_t n, int *items)
{
	const uint8_t *p;

	for (size_t i = 0; i < n; i++) {
		p = take(in, 4);
		if (p == NULL || u->next_fd + i >= u->nfds || nv_get32(p) != u->next_fd + i)
			return -EINVAL;
	}
	memcpy(items, u->fds + u->next_fd, n * sizeof(int));
	u->next_fd += n;
	return 0;
}

/* n items of the element type of type, which must fill the span exactly. */
static int dec_items(struct unpacker *u, int type, struct in *in, size_t n, size_t depth,
                     void *items)
{
	int err;

	switch (type) {
	case NV_TYPE_BOOL:
	case NV_TYPE_BOOL_ARRAY:
		err = dec_bools(in, n, items);
		break;
	case NV_TYPE_NUMBER:
	case NV_TYPE_NUMBER_ARRAY:
		err = dec_numbers(in, n, items);
		break;
	case NV_TYPE_STRING:
	case NV_TYPE_STRING_ARRAY:
		err = dec_strings(u, in, n, items);
		break;
	case NV_TYPE_NVLIST:
	case NV_TYPE_NVLIST_ARRAY:
		err = dec_lists(u, in, n, depth, items);
		break;
	default: /* descriptors */
		err = dec_fds(u, in, n, items);
		break;
	}
	return err == 0 && in->left != 0 ? -EINVAL : err;
}

static int dec_binary(struct unpacker *u, struct in *in, union nv_value *v)
{
	if (in->left == 0 || charge(u, in->left) != 0) /* FreeBSD refuses empty binaries */
		return -EINVAL;
	if ((v->bin.data = malloc(in->left)) == NULL)
		return -ENOMEM;
	v->bin.size = in->left;
	memcpy(v->bin.data, take(in, in->left), v->bin.size);
	return 0;
}

static int dec_array(struct unpacker *u, nvpair_t *nvp, struct entry *e, size_t depth)
{
	size_t n = e->nitems, size = nv_elem_size(e->type);
	void *items;

	/* Every element takes at least one byte: refuse a count the data
	 * cannot hold before allocating for it. */
	if (n > e->data.left || charge(u, n * size) != 0)
		return -EINVAL;
	if ((items = calloc(n, size)) == NULL)
		return -ENOMEM;
	if (e->type == NV_TYPE_DESCRIPTOR_ARRAY) /* 0 is a descriptor: start with none */
		memset(items, 0xff, n * size);
	/* The entry owns the items from here, so its release cleans up a
	 * partial decode. */
	nvp->nvp_v.arr.items = items;
	nvp->nvp_v.arr.nitems = n;
	return dec_items(u, e->type, &e->data, n, depth, items);
}

static int decode(struct unpacker *u, nvpair_t *nvp, struct entry *e, size_t depth)
{
	switch (e->type) {
	case NV_TYPE_NULL:
		return e->data.left == 0 ? 0 : -EINVAL;
	case NV_TYPE_BINARY:
		return dec_binary(u, &e->data, &nvp->nvp_v);
	case NV_TYPE_BOOL:
	case NV_TYPE_NUMBER:
	case NV_TYPE_STRING:
	case NV_TYPE_NVLIST:
	case NV_TYPE_DESCRIPTOR:
		return dec_items(u, e->type, &e->data, 1, depth, &nvp->nvp_v);
	default:
		return dec_array(u, nvp, e, depth);
	}
}

/* An entry header and its name; the data is left for decode(). */
static int read_entry(struct in *in, struct entry *e)
{
	const uint8_t *h = take(in, NV_ENTRY_HDR_SIZE), *data;
	size_t namelen, datalen;

	if (h == NULL || h[1] != 0)
		return -EINVAL;
	e->type = h[0];
	namelen = nv_get16(h + 2);
	e->nitems = nv_get32(h + 4);
	datalen = nv_get32(h + 8);
	if (e->type < NV_TYPE_NULL || e->type > NV_TYPE_LAST)
		return -EINVAL;
	/* Arrays have at least one item; nothing else has a count. */
	if (nv_type_is_array(e->type) != (e->nitems != 0))
		return -EINVAL;
	if (namelen == 0 || namelen > NV_NAME_MAX)
		return -EINVAL;
	if ((e->name = (const char *)take(in, namelen)) == NULL ||
	    (data = take(in, datalen)) == NULL)
		return -EINVAL;
	/* The name ends at its last byte, and nowhere before. */
	if (memchr(e->name, '\0', namelen) != e->name + namelen - 1)
		return -EINVAL;
	e->data = (struct in){data, datalen};
	return 0;
}

static int unpack_entry(struct unpacker *u, nvlist_t *nvl, struct in *in, size_t depth)
{
	struct entry e;
	nvpair_t *nvp;
	int err;

	if ((err = read_entry(in, &e)) != 0)
		return err;
	if (charge(u, sizeof(nvpair_t) + strlen(e.name) + 1) != 0)
		return -EINVAL;
	if ((nvp = nv_pair_new(e.name, e.type)) == NULL)
		return -errno;
	err = decode(u, nvp, &e, depth);
	/* A name the list's flags forbid twice makes the message malformed. */
	if (err == 0 && (err = nv_insert(nvl, nvp)) == -EEXIST)
		err = -EINVAL;
	if (err != 0)
		nv_pair_free(nvp);
	return err;
}

static int unpack_entries(struct unpacker *u, nvlist_t *nvl, struct in *in, size_t depth)
{
	int err = 0;

	while (in->left > 0 && err == 0)
		err = unpack_entry(u, nvl, in, depth);
	return err;
}

static int unpack_message(struct unpacker *u, const uint8_t *buf, size_t size, int flags,
                          nvlist_t **out)
{
	struct nv_header h;
	struct in body;
	int err;

	if ((flags & ~NV_FLAG_PUBLIC_MASK) != 0 || buf == NULL || size < NV_HDR_SIZE)
		return -EINVAL;
	if ((err = nv_header_decode(buf, &h)) != 0)
		return err;
	if (h.size != size - NV_HDR_SIZE || h.ndesc != u->nfds)
		return -EINVAL;
	/* As in FreeBSD, a list must come with the flags its receiver expects. */
	if (h.flags != flags)
		return -EILSEQ;
	if ((*out = nvlist_create(h.flags)) == NULL)
		return -ENOMEM;
	body = (struct in){buf + NV_HDR_SIZE, h.size};
	if ((err = unpack_entries(u, *out, &body, 0)) == 0 && u->next_fd != u->nfds)
		err = -EINVAL; /* a descriptor sent but not used */
	return err;
}

/* Unpacks a whole message and takes every one of fds[], whatever happens. */
nvlist_t *nv_unpack(const uint8_t *buf, size_t size, const int *fds, size_t nfds, int flags)
{
	struct unpacker u = {.fds = fds, .nfds = nfds};
	nvlist_t *nvl = NULL;
	int err = unpack_message(&u, buf, size, flags, &nvl);

	if (err == 0)
		return nvl;
	if (nvl != NULL)
		nv_list_free(nvl); /* closes the descriptors placed in it */
	if (u.next_fd < nfds)
		nv_close_fds(fds + u.next_fd, nfds - u.next_fd);
	errno = -err;
	return NULL;
}

nvlist_t *nvlist_unpack(const void *buf, size_t size, int flags)
{
	return nv_unpack(buf, size, NULL, 0, flags);
}
