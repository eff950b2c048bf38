/*
 * Moving bytes and descriptors over a UNIX stream socket.  The Casper
 * channels are non-blocking, so EAGAIN waits in poll(2), as FreeBSD's
 * libnv waits in select(2); EINTR retries.  A peer that closes before a
 * message is complete gives ENOTCONN.
 *
 * Descriptors follow the message bytes in batches of at most NV_FD_BATCH,
 * each batch on one zero byte of its own: Linux never merges data across
 * a byte that carries SCM_RIGHTS, so reading exactly one byte per batch
 * keeps the stream in step.  Everything received goes close-on-exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "nv_impl.h"
#include "wire.h"

/* Room for a full batch, and for credentials should SO_PASSCRED be on. */
#define CONTROL_SIZE (CMSG_SPACE(NV_FD_BATCH * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred)))

union control {
	struct cmsghdr align;
	char buf[CONTROL_SIZE];
};

/* What one recvmsg() brought besides bytes. */
struct received {
	int *fds; /* room for cap descriptors */
	size_t cap;
	size_t n;    /* kept in fds */
	size_t seen; /* delivered, including those closed for want of room */
	bool truncated;
};

/* After a failed call: 0 to try again, or -errno to give up. */
static int retry(int sock, short events)
{
	struct pollfd pfd = {.fd = sock, .events = events};
	int err = errno;

	if (err == EINTR)
		return 0;
	if (err != EAGAIN && err != EWOULDBLOCK)
		return -err;
	while (poll(&pfd, 1, -1) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int nv_send_all(int sock, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;
	int err;

	while (len > 0) {
		/* MSG_NOSIGNAL: a vanished peer is an EPIPE, not a SIGPIPE. */
		if ((n = send(sock, p, len, MSG_NOSIGNAL)) < 0) {
			if ((err = retry(sock, POLLOUT)) != 0)
				return err;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int send_batch(int sock, const int *fds, size_t n)
{
	union control ctl;
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf};
	struct cmsghdr *cmsg;
	int err;

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cmsg), fds, n * sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if ((err = retry(sock, POLLOUT)) != 0)
			return err;
	}
	return 0;
}

int nv_send_fds(int sock, const int *fds, size_t n)
{
	size_t k;
	int err;

	for (size_t done = 0; done < n; done += k) {
		k = n - done < NV_FD_BATCH ? n - done : NV_FD_BATCH;
		if ((err = send_batch(sock, fds + done, k)) != 0)
			return err;
	}
	return 0;
}

/* Keeps what fits in r->fds and closes the rest. */
static void collect(struct msghdr *msg, struct received *r)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++, r->seen++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (r->n < r->cap)
				r->fds[r->n++] = fd;
			else
				nv_close_fds(&fd, 1);
		}
	}
}

/* One recvmsg() of up to len bytes: the count (0 at end of stream) or -errno. */
static ssize_t recv_some(int sock, void *buf, size_t len, struct received *r)
{
	union control ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr msg;
	ssize_t n;
	int err = 0;

	do {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && (err = retry(sock, POLLIN)) == 0);
	if (n < 0)
		return err;
	r->truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
	collect(&msg, r);
	return n;
}

/* Exactly len bytes, which must carry no descriptors. */
int nv_recv_all(int sock, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		struct received r = {.fds = NULL};

		if ((n = recv_some(sock, p, len, &r)) < 0)
			return (int)n;
		if (n == 0)
			return -ENOTCONN;
		/* Descriptors riding on message bytes: not our protocol.
		 * collect() has closed them already. */
		if (r.seen > 0 || r.truncated)
			return -EINVAL;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One batch: one zero byte carrying exactly want descriptors. */
static int recv_batch(int sock, int *fds, size_t want)
{
	struct received r = {.fds = fds, .cap = want};
	char byte = 1;
	ssize_t n = recv_some(sock, &byte, 1, &r);
	int err = 0;

	if (n < 0)
		err = (int)n;
	else if (n == 0)
		err = -ENOTCONN;
	/* Truncated short of the batch: the kernel could not install them
	 * all, which on Linux means the descriptor table is full. */
	else if (r.truncated && r.seen < want)
		err = -EMFILE;
	else if (r.truncated || r.seen != want || byte != 0)
		err = -EINVAL;
	if (err != 0)
		nv_close_fds(fds, r.n);
	return err;
}

/* Exactly n descriptors; on failure none stays open. */
int nv_recv_fds(int sock, int *fds, size_t n)
{
	size_t k;
	int err;

	for (size_t done = 0; done < n; done += k) {
		k = n - done < NV_FD_BATCH ? n - done : NV_FD_BATCH;
		if ((err = recv_batch(sock, fds + done, k)) != 0) {
			nv_close_fds(fds, done);
			return err;
		}
	}
	return 0;
}
