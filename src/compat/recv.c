/*
 * recvmsg(2) and recvmmsg(2) that receive restricted descriptors.
 *
 * A descriptor with restricted rights travels as a ticket (a marked,
 * inert socket; supervisor/ticket.h).  After receiving, each descriptor
 * that looks like one is traded with the supervisor for the descriptor it
 * stands for, on a slow number with its rights (CTL_REDEEM), as FreeBSD
 * delivers it.  A look-alike the supervisor does not know stays as it is.
 * With MSG_PEEK nothing is traded: the message is still to be received.
 *
 * The calls go to the kernel directly (not through the C library), so
 * they are not cancellation points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "../supervisor/ctl.h"

static void redeem(struct msghdr *msg, int flags)
{
	if (flags & MSG_PEEK)
		return;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd, saved = errno, mark = 0;
			socklen_t len = sizeof(mark);
			long placed;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (getsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &mark, &len) != 0 ||
			    mark != TICKET_MARK) {
				errno = saved;
				continue;
			}
			placed = syscall(SYS_prctl, CTL_PRCTL, CTL_REDEEM, (long)fd,
			                 (long)((flags & MSG_CMSG_CLOEXEC) != 0), 0L);
			if (placed >= 0) {
				close(fd);
				fd = (int)placed;
				memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(fd));
			}
			errno = saved;
		}
	}
}

ssize_t recvmsg(int sock, struct msghdr *msg, int flags)
{
	ssize_t n = syscall(SYS_recvmsg, sock, msg, flags);

	if (n >= 0)
		redeem(msg, flags);
	return n;
}

int recvmmsg(int sock, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *timeout)
{
	int n = (int)syscall(SYS_recvmmsg, sock, vec, vlen, flags, timeout);

	for (int i = 0; i < n; i++)
		redeem(&vec[i].msg_hdr, flags);
	return n;
}
