/*
 * capsicum --net: connect(2) and bind(2) of Internet sockets, which
 * capability mode refuses (an address is a global name), performed by the
 * supervisor for a program whose user granted the network (PATH_NET).
 *
 * The address is copied once from the caller, checked (AF_INET or
 * AF_INET6, nothing else: no unix paths, no abstract names), and the
 * supervisor connects or binds its own copy of the caller's socket -- the
 * same open file description -- with the socket's own rights checked
 * (CAP_CONNECT, CAP_BIND).  A connect waits in the worker, a bounded
 * number at once; the caller interrupted, the connection goes on
 * as the kernel's would.  Outside capability mode the calls continue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "paths.h"
#include "serve.h"
#include "slow.h"

#define MAX_CONNECTING 16 /* workers waiting in a blocking connect at once */

static atomic_bool granted;
static atomic_int connecting;

void net_grant(void)
{
	granted = true;
}

void serve_net(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int fd = (int)(uint32_t)d->args[0], copy, res;
	bool connect_call = (int)d->nr == NR_connect;
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)d->args[2];
	struct record rec;

	/* Outside capability mode: the socket's rights only, as for any call. */
	if (!t->capmode) {
		if (slow_number((uint64_t)fd))
			serve_slow(t, d, r);
		else
			r->cont = true;
		return;
	}
	if (!granted) {
		r->error = ECAPMODE;
		return;
	}
	if (d->args[2] > sizeof(ss) || len < sizeof(sa_family_t)) {
		r->error = EINVAL;
		return;
	}
	memset(&ss, 0, sizeof(ss));
	if (target_read(t, d->args[1], &ss, len) != 0 || !target_valid(t)) {
		r->error = EFAULT;
		return;
	}
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) {
		r->error = ECAPMODE; /* unix paths and abstract names are global names */
		return;
	}
	/* acting as the supervisor is acting as the caller only with the same credentials */
	if ((res = target_check_creds(t)) != 0) {
		r->error = -res;
		return;
	}
	if ((copy = target_getfd(t, fd)) < 0) {
		r->error = -copy;
		return;
	}
	res = slow_state(t, fd, copy, &rec) != 0 ? -ENOTCAPABLE : 0;
	if (res == 0 && rec.restricted &&
	    !state_has(&rec.st, connect_call ? CAP_CONNECT : CAP_BIND))
		res = -ENOTCAPABLE;
	if (res == 0 && connect_call) {
		/*
		 * Every connect takes a place, blocking or not: the program shares
		 * the open file and may clear O_NONBLOCK after any look at it.  A
		 * non-blocking one gives its place back at once.
		 */
		if (atomic_fetch_add(&connecting, 1) >= MAX_CONNECTING)
			res = -EAGAIN;
		else
			res = connect(copy, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
		atomic_fetch_sub(&connecting, 1);
	} else if (res == 0) {
		res = bind(copy, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
	}
	close(copy);
	if (res < 0)
		r->error = -res;
}
