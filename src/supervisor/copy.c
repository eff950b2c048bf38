/*
 * Copies and the slow range (slow.h).
 *
 * A copy of a descriptor whose state the supervisor holds goes to the slow
 * range with that state; a copy of an unrestricted one continues in the
 * kernel, which puts it on the lowest free number as usual.  Nothing is
 * placed on a number outside the range: a rule of its number could judge
 * the new file by another's rights (brief 4), so dup2 and dup3 of a
 * restricted descriptor onto such a number fail with ENOTCAPABLE.
 *
 * accept and accept4 on a restricted listener are copies too: FreeBSD
 * gives the new connection the listener's rights.  The supervisor accepts
 * on its own copy of the socket and places the connection in the slow
 * range; a blocking caller's wait is the worker's (block.h).
 *
 * Every other call on a slow number is judged by the filter the library
 * would have installed for it, on registers only, and then continues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "../rights/compile.h"
#include "block.h"
#include "route.h"
#include "serve.h"
#include "slow.h"

static int arg_int(const struct seccomp_data *d, int i)
{
	return (int)(uint32_t)d->args[i];
}

struct copy {
	int from, to; /* to: the number asked for, or -1 */
	int min;      /* F_DUPFD's lower bound */
	bool cloexec;
};

/* What d asks for: 0, or -EINVAL for a call the kernel would refuse anyway. */
static int parse(const struct seccomp_data *d, struct copy *c)
{
	*c = (struct copy){arg_int(d, 0), -1, 0, false};
	if (d->nr == NR_dup2 || d->nr == NR_dup3) {
		c->to = arg_int(d, 1);
		if (d->nr == NR_dup3) {
			if ((arg_int(d, 2) & ~O_CLOEXEC) != 0 || c->to == c->from)
				return -EINVAL;
			c->cloexec = (arg_int(d, 2) & O_CLOEXEC) != 0;
		}
		return c->to < 0 ? -EBADF : 0;
	}
	if (d->nr == NR_fcntl) {
		c->min = arg_int(d, 2);
		c->cloexec = arg_int(d, 1) == F_DUPFD_CLOEXEC;
		return c->min < 0 ? -EINVAL : 0;
	}
	return 0;
}

/* Accept a connection on sock (ours) for the caller: the new descriptor, or -errno. */
static int accept_for(struct target *t, int sock)
{
	int conn, fl = fcntl(sock, F_GETFL), r = 0;
	struct block b;

	if (fl < 0)
		return -errno;
	block_start(&b, sock, SO_RCVTIMEO);
	for (;;) {
		conn = accept4(sock, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (conn >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || (fl & O_NONBLOCK))
			break;
		if ((r = block_wait(t, &b, sock, POLLIN)) < 0)
			break;
	}
	block_end(&b);
	if (conn >= 0)
		return conn;
	return r < 0 ? r : -errno;
}

/* The peer's address for accept's out-arguments (addr, addrlen): 0 or -errno. */
static int write_peer(struct target *t, const struct seccomp_data *d, int conn)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), want;

	if (d->args[1] == 0)
		return 0;
	if (target_read(t, d->args[2], &want, sizeof(want)) != 0)
		return -EFAULT;
	if ((int)want < 0)
		return -EINVAL;
	if (getpeername(conn, (struct sockaddr *)&ss, &len) != 0)
		len = 0;
	if (target_write(t, d->args[1], &ss, want < len ? want : len) != 0 ||
	    target_write(t, d->args[2], &len, sizeof(len)) != 0)
		return -EFAULT;
	return 0;
}

static void serve_accept(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int flags = d->nr == NR_accept4 ? arg_int(d, 3) : 0, sock, conn = -1, res;
	struct record rec;

	if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
		r->error = EINVAL;
		return;
	}
	if ((sock = target_getfd(t, arg_int(d, 0))) < 0) {
		r->error = sock == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	if ((res = slow_state(t, arg_int(d, 0), sock, &rec)) == 0 && !rec.restricted) {
		r->cont = true; /* an unrestricted listener's connection has all rights */
	} else if (res == 0 && !state_has(&rec.st, CAP_ACCEPT)) {
		res = -ENOTCAPABLE;
	} else if (res == 0 && (res = conn = accept_for(t, sock)) >= 0) {
		if ((res = write_peer(t, d, conn)) == 0 && !(flags & SOCK_NONBLOCK))
			res = fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) & ~O_NONBLOCK) ? -errno : 0;
		if (res == 0)
			res = slow_place(t, conn, &rec.st, -1, 0, (flags & SOCK_CLOEXEC) != 0);
		r->done = res == 0;
	}
	if (conn >= 0)
		close(conn);
	close(sock);
	if (res < 0)
		r->error = -res;
}

void serve_copy(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	struct copy c;
	struct record rec;
	int file, res;

	if (d->nr == NR_accept || d->nr == NR_accept4) {
		serve_accept(t, d, r);
		return;
	}
	if ((res = parse(d, &c)) != 0) {
		r->error = -res;
		return;
	}
	if ((file = target_getfd(t, c.from)) < 0) {
		r->error = file == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	if ((res = slow_state(t, c.from, file, &rec)) == 0) {
		if (c.to >= 0 && c.to == c.from) {
			r->val = c.to; /* dup2 onto itself: nothing to do */
		} else if (!rec.restricted &&
		           (!slow_enabled() ||
		            !slow_number((uint64_t)(c.to >= 0 ? c.to : c.min)))) {
			/* The kernel's own copy; nothing restricted can reach c.from meanwhile. */
			r->cont = true;
		} else {
			res = slow_place(t, file, &rec.st, c.to, c.min, c.cloexec);
			r->done = res == 0;
		}
	}
	close(file);
	if (res < 0)
		r->error = -res;
}

/* A refusal on fd, or EBADF when it holds no file, as the kernel would say. */
static int refusal(struct target *t, int fd, int error)
{
	int copy = target_getfd(t, fd);

	if (copy == -EBADF)
		return EBADF;
	if (copy >= 0)
		close(copy);
	return error;
}

void serve_slow(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	unsigned args = route_fd_args_of(d);

	/* A slow-looking value in an argument that holds no descriptor here continues. */
	for (int i = 0; i < 6; i++) {
		struct record rec;
		uint32_t action;
		int fd = arg_int(d, i);

		if (!(args & (1u << i)) || !slow_number((uint64_t)fd))
			continue;
		if (slow_state(t, fd, -1, &rec) != 0) {
			r->error = refusal(t, fd, ENOTCAPABLE);
			return;
		}
		action = rights_judge(fd, &rec.st, d, args);
		if (action == SECCOMP_RET_ALLOW)
			continue;
		if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
			r->error = refusal(t, fd, (int)(action & SECCOMP_RET_DATA));
		else
			r->error = ENOTCAPABLE;
		return;
	}
	r->cont = true;
}
