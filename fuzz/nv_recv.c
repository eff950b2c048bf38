/*
 * libFuzzer harness: nvlist_recv() on whatever a hostile peer can put in
 * a SOCK_STREAM socket: bytes, and descriptors riding on them.
 *
 * Input: one byte of flags for nvlist_recv(), then chunks of
 *   kind (1 byte), length (1 byte), payload (length bytes).
 * An even kind writes the payload; an odd kind sends it with sendmsg()
 * and kind >> 1 descriptors (copies of one /dev/null) as SCM_RIGHTS.
 * The sender then closes its end, so a receive can never wait forever.
 *
 * Oracle, besides the sanitizers: afterwards, no descriptor the receiver
 * got may still be open unless it is in the returned list; destroying
 * the list closes them all.  Received descriptors take the lowest free
 * numbers, so a leak shows as the lowest free number being taken.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sys/nv.h>

#include "walk.h"

#define MAX_FDS_PER_CHUNK 127

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int devnull = -1;

/* 0, or -1 when the socket is full: the rest of the input is dropped. */
static int send_chunk(int sock, const uint8_t *p, size_t len, size_t nfds)
{
	char ctl[CMSG_SPACE(MAX_FDS_PER_CHUNK * sizeof(int))];
	struct iovec iov = {.iov_base = (void *)p, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;

	if (nfds > 0) {
		memset(ctl, 0, sizeof(ctl));
		msg.msg_control = ctl;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		for (size_t i = 0; i < nfds; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &devnull, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void feed(int sock, const uint8_t *data, size_t size)
{
	while (size >= 2) {
		size_t kind = data[0], len = data[1];

		data += 2;
		size -= 2;
		len = len < size ? len : size;
		if (send_chunk(sock, data, len, kind & 1 ? kind >> 1 : 0) < 0)
			return;
		data += len;
		size -= len;
	}
}

static int lowest_free_fd(void)
{
	int fd = dup(devnull);

	if (fd < 0)
		abort();
	close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile size_t digest;
	nvlist_t *nvl, *copy;
	int sv[2], free_fd;

	if (size < 1)
		return 0;
	if (devnull < 0 && (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		abort();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	feed(sv[0], data + 1, size - 1);
	close(sv[0]);
	free_fd = lowest_free_fd(); /* after the close, which frees a number */
	nvl = nvlist_recv(sv[1], data[0] & NV_FLAG_PUBLIC_MASK);
	if (nvl == NULL && errno != EINVAL && errno != EILSEQ && errno != ENOTCONN &&
	    errno != EMFILE && errno != ENOMEM)
		abort();
	if (nvl != NULL) {
		digest = fuzz_walk(nvl) + nvlist_size(nvl);
		(void)digest;
		if ((copy = nvlist_clone(nvl)) == NULL)
			abort();
		nvlist_destroy(copy);
		nvlist_destroy(nvl);
	}
	if (fcntl(free_fd, F_GETFD) >= 0) /* a received descriptor left open */
		abort();
	close(sv[1]);
	return 0;
}
