/*
 * sendmsg and sendmmsg, performed by the supervisor.
 *
 * What they send to, and the descriptors they carry, are in memory, where
 * no filter sees them.  The supervisor reads each message once, judges its
 * copy and sends that copy on its own copy of the socket; the call never
 * continues in the kernel, so nothing rewritten after the reading counts.
 *
 *	capability mode, a destination (msg_name)   -> ECAPMODE (spec 1.5)
 *	a restricted descriptor in SCM_RIGHTS        -> a ticket in its place,
 *	  which the receiving library trades for it, restricted (ticket.h);
 *	  ENOTCAPABLE where the slow range is not routed (lean)
 *	SCM_CREDENTIALS                              -> EPERM: the kernel checks
 *	  them against the sender, which is the supervisor
 *	a unix socket's path (outside capability mode) -> looked up from the
 *	  caller's root and current directory, with its credentials
 *	anything else                                -> sent as is
 *
 * The descriptors of an SCM_RIGHTS message are the supervisor's copies of
 * the caller's, so the receiver gets the same files.  A blocking call
 * waits in the worker (block.h).  A stream's data goes in pieces; once a
 * piece is out and the next would wait, the call returns the count sent
 * so far (the kernel would wait for the rest): a caller whose wait ends by
 * a signal would send it all again.  EPIPE raises SIGPIPE in the calling
 * thread, as the kernel does (raise_sigpipe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "block.h"
#include "serve.h"
#include "slow.h"
#include "ticket.h"

#define MAX_CONTROL 65536      /* above the kernel's default optmem_max */
#define MAX_FDS     253        /* SCM_MAX_FD */
#define MAX_RECORD  (8u << 20) /* a datagram, whole; the kernel's bound is smaller */
#define PIECE       (1u << 20) /* a stream's data, per send */

/* One message as the supervisor sends it. */
struct message {
	struct msghdr h; /* the caller's, then ours */
	struct iovec *iov;
	struct sockaddr_storage name;
	char *control;
	int fds[MAX_FDS], nfds;         /* our copies of the caller's descriptors */
	int tickets[MAX_FDS], ntickets; /* sent in place of restricted ones (ticket.h) */
	size_t len;                     /* the data's */
};

/* sent: whether the control data went out; tickets not sent are forgotten. */
static void message_free(struct message *m, bool sent)
{
	for (int i = 0; i < m->ntickets; i++) {
		if (!sent)
			ticket_cancel(m->tickets[i]);
		close(m->tickets[i]);
	}
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	free(m->iov);
	free(m->control);
}

/*
 * A path of a unix socket, outside capability mode: the supervisor's root
 * and current directory are not the caller's, so name the caller's.  Its
 * credentials must be the supervisor's for the lookup to be the caller's.
 */
static int unix_path(struct target *t, struct message *m)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&m->name;
	size_t off = offsetof(struct sockaddr_un, sun_path), n;
	char path[sizeof(un->sun_path) + 1] = {0}, full[sizeof(un->sun_path)];
	int len, err;

	if (m->h.msg_namelen <= off || un->sun_family != AF_UNIX || un->sun_path[0] == '\0')
		return 0; /* unnamed or abstract: the socket's network namespace, as in the kernel
		           */
	if ((err = target_check_creds(t)) != 0)
		return err;
	n = m->h.msg_namelen - off;
	memcpy(path, un->sun_path, n < sizeof(un->sun_path) ? n : sizeof(un->sun_path));
	len = snprintf(full, sizeof(full), "/proc/%d/%s/%s", (int)t->tid,
	               path[0] == '/' ? "root" : "cwd", path);
	if (len < 0 || (size_t)len >= sizeof(full))
		return -ENAMETOOLONG;
	memcpy(un->sun_path, full, (size_t)len + 1);
	m->h.msg_namelen = (socklen_t)(off + (size_t)len + 1);
	return 0;
}

static int read_name(struct target *t, struct message *m)
{
	if (m->h.msg_name == NULL) {
		m->h.msg_namelen = 0;
		return 0;
	}
	if (t->capmode)
		return -ECAPMODE;
	/* As the kernel: a longer name is cut to the largest address. */
	if (m->h.msg_namelen > sizeof(m->name))
		m->h.msg_namelen = sizeof(m->name);
	if (target_read(t, (uintptr_t)m->h.msg_name, &m->name, m->h.msg_namelen) != 0)
		return -EFAULT;
	m->h.msg_name = &m->name;
	return unix_path(t, m);
}

/*
 * SCM_RIGHTS: our copies for the caller's numbers; a ticket for each
 * restricted one, where the slow range can take it on the other side (a
 * full supervisor), ENOTCAPABLE otherwise.
 */
static int take_fds(struct target *t, struct message *m, struct cmsghdr *c)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	int *fds = (int *)CMSG_DATA(c);

	if (n == 0 || n > (size_t)(MAX_FDS - m->nfds))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct record rec;
		int num, copy;

		memcpy(&num, &fds[i], sizeof(num));
		if ((copy = target_getfd(t, num)) < 0)
			return copy == -EBADF ? -EBADF : -ENOTCAPABLE;
		m->fds[m->nfds++] = copy;
		if (slow_state(t, num, copy, &rec) != 0)
			return -ENOTCAPABLE;
		if (rec.restricted) {
			int ticket = slow_enabled() ? ticket_make(copy, &rec.st) : -ENOTCAPABLE;

			if (ticket < 0)
				return ticket;
			m->tickets[m->ntickets++] = ticket;
			copy = ticket;
		}
		memcpy(&fds[i], &copy, sizeof(copy));
	}
	return 0;
}

static int read_control(struct target *t, struct message *m)
{
	size_t len = m->h.msg_controllen;

	if (len == 0 || m->h.msg_control == NULL) {
		m->h.msg_control = NULL;
		m->h.msg_controllen = 0;
		return 0;
	}
	if (len > MAX_CONTROL)
		return -ENOBUFS;
	if ((m->control = malloc(len)) == NULL)
		return -ENOMEM;
	if (target_read(t, (uintptr_t)m->h.msg_control, m->control, len) != 0)
		return -EFAULT;
	m->h.msg_control = m->control;
	/*
	 * Walk the headers exactly as the kernel will walk this very buffer
	 * (for_each_cmsghdr, CMSG_OK): a header it reads and this loop skipped
	 * would carry numbers of the supervisor's own table.
	 */
	for (size_t off = 0; off + sizeof(struct cmsghdr) <= len;
	     off += CMSG_ALIGN(((struct cmsghdr *)(void *)(m->control + off))->cmsg_len)) {
		struct cmsghdr *c = (struct cmsghdr *)(void *)(m->control + off);
		int err = 0;

		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > len - off)
			return -EINVAL;
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS)
			err = take_fds(t, m, c);
		else if (c->cmsg_type == SCM_CREDENTIALS)
			err = -EPERM;
		if (err != 0)
			return err;
	}
	return 0;
}

/* The caller's iovec array and the data's length. */
static int read_iov(struct target *t, struct message *m)
{
	size_t n = m->h.msg_iovlen;

	if (n > IOV_MAX)
		return -EMSGSIZE;
	if (n == 0)
		return 0;
	if ((m->iov = calloc(n, sizeof(*m->iov))) == NULL)
		return -ENOMEM;
	if (target_read(t, (uintptr_t)m->h.msg_iov, m->iov, n * sizeof(*m->iov)) != 0)
		return -EFAULT;
	for (size_t i = 0; i < n; i++) {
		if (m->iov[i].iov_len > SSIZE_MAX - m->len)
			return -EINVAL;
		m->len += m->iov[i].iov_len;
	}
	return 0;
}

/* Copy bytes [off, off + len) of the caller's data into buf: 0 or -EFAULT. */
static int read_data(struct target *t, const struct message *m, size_t off, char *buf, size_t len)
{
	struct iovec local = {buf, len}, remote[IOV_MAX];
	size_t n = 0, at = 0;

	for (size_t i = 0; i < m->h.msg_iovlen && len > 0; i++) {
		size_t l = m->iov[i].iov_len;

		if (at + l > off) {
			size_t skip = off > at ? off - at : 0,
			       take = l - skip < len ? l - skip : len;

			remote[n++] = (struct iovec){(char *)m->iov[i].iov_base + skip, take};
			off += take;
			len -= take;
		}
		at += l;
	}
	if (local.iov_len == 0)
		return 0;
	return process_vm_readv(t->tid, &local, 1, remote, n, 0) == (ssize_t)local.iov_len
	           ? 0
	           : -EFAULT;
}

static int read_message(struct target *t, uint64_t addr, struct message *m)
{
	int err;

	*m = (struct message){0};
	if (target_read(t, addr, &m->h, sizeof(m->h)) != 0)
		return -EFAULT;
	if ((err = read_name(t, m)) != 0 || (err = read_iov(t, m)) != 0 ||
	    (err = read_control(t, m)) != 0)
		return err;
	return 0;
}

/*
 * Send m on sock with the caller's flags: the count sent, or -errno.  The
 * control data goes with the first piece.
 */
static ssize_t send_message(struct target *t, int sock, struct message *m, int flags)
{
	int type = 0, fl = fcntl(sock, F_GETFL);
	socklen_t tl = sizeof(type);
	bool stream, block = fl >= 0 && !(fl & O_NONBLOCK) && !(flags & MSG_DONTWAIT);
	size_t size, sent = 0, have = 0, at = 0; /* buf holds data [sent - at, have) */
	ssize_t r = 0;
	struct block b;
	char *buf;

	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
		return -errno;
	stream = type == SOCK_STREAM;
	if (!stream && m->len > MAX_RECORD)
		return -EMSGSIZE;
	size = stream && m->len > PIECE ? PIECE : m->len;
	if ((buf = malloc(size ? size : 1)) == NULL)
		return -ENOMEM;
	block_start(&b, sock, block ? SO_SNDTIMEO : 0);
	for (;;) {
		struct iovec v;

		if (at == have && sent < m->len) {
			size_t l = m->len - sent < size ? m->len - sent : size;

			if ((r = read_data(t, m, sent, buf, l)) != 0)
				break;
			at = 0;
			have = l;
		}
		v = (struct iovec){buf + at, have - at};
		m->h.msg_iov = &v;
		m->h.msg_iovlen = 1;
		r = sendmsg(sock, &m->h, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r >= 0) {
			sent += (size_t)r;
			at += (size_t)r;
			/* The name and control data went with the first piece. */
			m->h.msg_control = NULL;
			m->h.msg_controllen = 0;
			if (!stream || sent == m->len)
				break;
			continue;
		}
		r = -errno;
		if ((r != -EAGAIN && r != -EWOULDBLOCK) || !block || sent > 0)
			break;
		if ((r = block_wait(t, &b, sock, POLLOUT)) < 0)
			break;
	}
	block_end(&b);
	free(buf);
	return sent > 0 ? (ssize_t)sent : r;
}

static bool is_stream(int sock)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type == SOCK_STREAM;
}

/* Send the caller's message at addr on sock: the count sent, or -errno. */
static ssize_t send_one(struct target *t, int sock, uint64_t addr, int flags)
{
	struct message m;
	ssize_t r;

	r = read_message(t, addr, &m);
	if (r == 0)
		r = send_message(t, sock, &m, flags);
	/* A stream drops the descriptors of a message without data. */
	message_free(&m, r > 0 || (r == 0 && !is_stream(sock)));
	return r;
}

/* sendmmsg: the messages sent, each one's count written back; -errno if none was. */
static ssize_t send_many(struct target *t, int sock, const struct seccomp_data *d)
{
	unsigned vlen = (unsigned)d->args[2], i;
	int flags = (int)d->args[3];
	ssize_t r = 0;

	if (vlen > IOV_MAX)
		vlen = IOV_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t at = d->args[1] + i * sizeof(struct mmsghdr);
		unsigned len;

		/* Waiting after a message is out would send it again if the wait ended by a signal.
		 */
		if ((r = send_one(t, sock, at, i > 0 ? flags | MSG_DONTWAIT : flags)) < 0)
			break;
		len = (unsigned)r;
		if (target_write(t, at + offsetof(struct mmsghdr, msg_len), &len, sizeof(len)) !=
		    0) {
			r = -EFAULT;
			break;
		}
	}
	return i > 0 ? (ssize_t)i : r;
}

/* Whether the caller's thread has a handler for sig (SigCgt in its status). */
static bool caught(const struct target *t, int sig)
{
	unsigned long long mask;

	return status_number(t->tid, "SigCgt:", 16, &mask) != 0 || ((mask >> (sig - 1)) & 1);
}

/*
 * SIGPIPE, as the kernel raises it with EPIPE.  A signal that would end
 * the process (or is ignored, or blocked) is sent while the caller still
 * waits: it dies before its call returns, as it would.  One it handles
 * would interrupt that wait and restart the call, so it is sent after the
 * answer: the handler runs just after the call returns (DEVIATIONS.md).
 */
static void raise_sigpipe(struct target *t, struct reply *r)
{
	struct seccomp_notif_resp resp = {.id = t->id, .error = -EPIPE};

	if (!caught(t, SIGPIPE)) {
		target_signal(t, SIGPIPE);
		return;
	}
	(void)ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	target_signal(t, SIGPIPE);
	r->done = true;
}

void serve_send(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int sock, flags = (int)d->args[d->nr == NR_sendmsg ? 2 : 3];
	ssize_t res;

	/* A slow-range socket is judged on its state first, as any call on it. */
	serve_slow(t, d, r);
	if (!r->cont)
		return;
	r->cont = false;
	if ((sock = target_getfd(t, (int)(uint32_t)d->args[0])) < 0) {
		r->error = sock == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	res = d->nr == NR_sendmsg ? send_one(t, sock, d->args[1], flags) : send_many(t, sock, d);
	close(sock);
	if (res >= 0) {
		r->val = res;
		return;
	}
	r->error = (int)-res;
	if (res == -EPIPE && !(flags & MSG_NOSIGNAL))
		raise_sigpipe(t, r);
}

/*
 * CTL_REDEEM(fd, cloexec): the caller received a ticket on fd; place the
 * restricted descriptor it stands for on a slow number, with its state.
 */
void serve_redeem(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int copy = target_getfd(t, (int)(uint32_t)d->args[2]), file, res;
	struct fd_state st;

	if (copy < 0) {
		r->error = EBADF;
		return;
	}
	file = ticket_take(copy, &st);
	if (file < 0) {
		close(copy);
		r->error = -file;
		return;
	}
	res = slow_place(t, file, &st, -1, 0, d->args[3] != 0);
	/* Not placed (no number free, the caller interrupted): the ticket stays good. */
	ticket_settle(copy, res == 0);
	close(copy);
	close(file);
	if (res == 0)
		r->done = true;
	else
		r->error = -res;
}
