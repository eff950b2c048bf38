#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>

#include "fdpass.h"

/* The message both ends use: one byte of data, room for one descriptor. */
struct fdmsg {
	char byte;
	struct iovec iov;
	struct msghdr m;
	union { /* last: struct cmsghdr ends in a flexible array */
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
};

static void init(struct fdmsg *f, char byte)
{
	memset(f, 0, sizeof(*f));
	f->byte = byte;
	f->iov = (struct iovec){&f->byte, 1};
	f->m = (struct msghdr){.msg_iov = &f->iov,
	                       .msg_iovlen = 1,
	                       .msg_control = f->u.buf,
	                       .msg_controllen = sizeof(f->u.buf)};
}

int fdpass_send(int sock, int fd, char byte)
{
	struct fdmsg f;
	struct cmsghdr *c;

	init(&f, byte);
	c = CMSG_FIRSTHDR(&f.m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &f.m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int fdpass_recv(int sock, char *byte)
{
	struct fdmsg f;
	struct cmsghdr *c;
	int fd;

	init(&f, 0);
	if (recvmsg(sock, &f.m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&f.m);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	*byte = f.byte;
	return fd;
}
