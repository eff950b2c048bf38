/*
 * nvlist_send(), nvlist_recv(), nvlist_xfer(): a packed message, then its
 * descriptors (io.c).  The receiver reads the fixed header first and
 * checks it before reading anything else; the body buffer grows only as
 * bytes actually arrive, so a peer declaring a large message gains nothing
 * by not sending it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nv_impl.h"
#include "wire.h"

static int send_list(int sock, const nvlist_t *nvl)
{
	struct nv_census c;
	uint8_t *buf;
	int *fds, err;

	nv_census(nvl, &c);
	if ((err = nv_census_check(&c)) != 0)
		return err;
	/* One spare slot: malloc(0) may return NULL. */
	if ((fds = malloc((c.ndesc + 1) * sizeof(int))) == NULL)
		return -ENOMEM;
	if ((buf = nv_encode(nvl, &c, fds)) == NULL) {
		free(fds);
		return -ENOMEM;
	}
	err = nv_send_all(sock, buf, c.size);
	if (err == 0)
		err = nv_send_fds(sock, fds, c.ndesc);
	free(buf);
	free(fds);
	return err;
}

int nvlist_send(int sock, const nvlist_t *nvl)
{
	int err = nvlist_error(nvl);

	if (err == 0)
		err = -send_list(sock, nvl);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

/* The body, read into a buffer that already holds the header. */
static int recv_body(int sock, uint8_t **bufp, size_t total)
{
	size_t have = NV_HDR_SIZE, cap = NV_HDR_SIZE;
	uint8_t *buf = *bufp, *grown;
	int err;

	while (have < total) {
		cap = cap < NV_RECV_CHUNK ? NV_RECV_CHUNK : cap * 2;
		cap = cap < total ? cap : total;
		if ((grown = realloc(buf, cap)) == NULL)
			return -ENOMEM;
		*bufp = buf = grown;
		if ((err = nv_recv_all(sock, buf + have, cap - have)) != 0)
			return err;
		have = cap;
	}
	return 0;
}

/* The header and body of one message, in *bufp (which the caller frees). */
static int recv_message(int sock, uint8_t **bufp, struct nv_header *h)
{
	int err;

	if ((*bufp = malloc(NV_HDR_SIZE)) == NULL)
		return -ENOMEM;
	if ((err = nv_recv_all(sock, *bufp, NV_HDR_SIZE)) != 0)
		return err;
	if ((err = nv_header_decode(*bufp, h)) != 0)
		return err;
	return recv_body(sock, bufp, NV_HDR_SIZE + h->size);
}

nvlist_t *nvlist_recv(int sock, int flags)
{
	struct nv_header h;
	uint8_t *buf = NULL;
	int *fds = NULL, err;
	nvlist_t *nvl = NULL;

	/* Refused before reading: a bad call must not eat the peer's message. */
	if ((flags & ~NV_FLAG_PUBLIC_MASK) != 0)
		err = -EINVAL;
	else
		err = recv_message(sock, &buf, &h);
	if (err == 0 && (fds = malloc((h.ndesc + 1) * sizeof(int))) == NULL)
		err = -ENOMEM;
	if (err == 0)
		err = nv_recv_fds(sock, fds, h.ndesc);
	/* nv_unpack() owns the descriptors from here, success or not. */
	if (err == 0 && (nvl = nv_unpack(buf, NV_HDR_SIZE + h.size, fds, h.ndesc, flags)) == NULL)
		err = -errno;
	free(buf);
	free(fds);
	if (err != 0)
		errno = -err;
	return nvl;
}

nvlist_t *nvlist_xfer(int sock, nvlist_t *nvl, int flags)
{
	/* The request is destroyed either way, as in FreeBSD. */
	if (nvlist_send(sock, nvl) < 0) {
		nvlist_destroy(nvl);
		return NULL;
	}
	nvlist_destroy(nvl);
	return nvlist_recv(sock, flags);
}
