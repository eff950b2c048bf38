/*
 * Dispatch, control requests and signals.
 *
 * Signals: capability mode lets a process signal only itself (spec 1.5).
 * The target is a register, compared with the caller's IDs in its own pid
 * namespace, so the call may continue in the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "ctl.h"
#include "../rights/state.h"
#include "records.h"
#include "route.h"
#include "serve.h"
#include "slow.h"

static int arg_int(const struct seccomp_data *d, int i)
{
	return (int)(uint32_t)d->args[i];
}

void serve_signal(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	pid_t tgid, tid;

	if (d->nr == NR_fcntl) {
		/* F_SETOWN: a slow-range descriptor is judged first, as any call on it. */
		serve_slow(t, d, r);
		if (!r->cont || !t->capmode)
			return;
		r->cont = false;
		if (arg_int(d, 2) == 0) {
			r->cont = true; /* no owner */
			return;
		}
	} else if (!t->capmode) {
		r->cont = true;
		return;
	}
	if (target_ns_ids(t, &tgid, &tid) != 0) {
		r->error = ESRCH;
		return;
	}
	/* tkill names a thread; F_SETOWN a process; the others a thread group first */
	if (arg_int(d, d->nr == NR_fcntl ? 2 : 0) == (d->nr == NR_tkill ? tid : tgid))
		r->cont = true;
	else
		r->error = ECAPMODE;
}

/*
 * CTL_LIMIT: the caller limited fd to the state at args[3] (args[4] bytes).
 * Any descriptor may be recorded; the supervisor judges lookups beneath it
 * and makes its copies.  A slow number's state is the supervisor's own.
 */
static void limit(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	struct fd_state st;
	int fd = arg_int(d, 2), copy, err;

	if (d->args[4] != sizeof(st)) {
		r->error = EINVAL;
		return;
	}
	if (target_read(t, d->args[3], &st, sizeof(st)) != 0 || !target_valid(t)) {
		r->error = EFAULT;
		return;
	}
	if (!state_valid(&st)) {
		r->error = EINVAL;
		return;
	}
	if ((copy = target_getfd(t, fd)) < 0) {
		err = copy;
	} else {
		/*
		 * A slow number's own state is the supervisor's; the record of
		 * its description also keeps the limit for children that
		 * inherit the file (slow.c).
		 */
		err = slow_number((uint64_t)fd) ? records_limit_inherited(copy, &st)
		                                : records_limit(copy, &st);
		if (err == 0 && slow_number((uint64_t)fd))
			err = slow_limit(t, fd, &st);
	}
	if (err != 0)
		r->error = -err;
	else
		r->val = 1;
}

void serve_ctl(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	switch (d->args[1]) {
	case CTL_HELLO:
		r->val = CTL_MAGIC;
		break;
	case CTL_LIMIT:
		limit(t, d, r);
		break;
	case CTL_FORKED:
		slow_meet(t);
		r->val = 0;
		break;
	case CTL_BINDAT:
	case CTL_CONNECTAT:
		serve_sockat(t, d, r);
		break;
	case CTL_MODE:
		r->val = slow_enabled() ? SUP_FULL : SUP_LEAN;
		break;
	default:
		r->error = EINVAL;
		break;
	}
}

/*
 * Which handler answers d: what the listener routed it for.  A call that
 * is not a copy, a lookup with a path, a signal or a control request was
 * routed for a slow-range descriptor.  -1 for a call never routed.
 */
static int route_kind(const struct seccomp_data *d)
{
	const struct route *route = route_find(d->nr);

	if (route && route->kind == RK_COPY && route_is_copy(d))
		return RK_COPY;
	if (d->nr == NR_fcntl && (uint32_t)d->args[1] == F_SETOWN)
		return RK_SIGNAL;
	if (route && route->kind == RK_LOOKUP && !(route->null_ok && d->args[route->path] == 0))
		return RK_LOOKUP;
	if (route && (route->kind == RK_SIGNAL || route->kind == RK_SEND || route->kind == RK_EXEC))
		return route->kind;
	if (route && route->kind == RK_CTL && (uint32_t)d->args[0] == CTL_PRCTL)
		return RK_CTL;
	return route_fd_args(d->nr) != 0 ? RK_SLOW : -1;
}

void serve(int lfd, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	int kind = route_kind(&req->data);
	struct target t;
	struct reply r = {0};

	if (kind < 0 || req->data.arch != CAPSICUM_AUDIT_ARCH) {
		r.error = ENOSYS;
	} else if (target_load(&t, lfd, req->id, req->pid) != 0) {
		r.error = ESRCH; /* gone: nobody reads the answer */
	} else {
		switch (kind) {
		case RK_LOOKUP:
			serve_lookup(&t, &req->data, &r);
			break;
		case RK_SIGNAL:
			serve_signal(&t, &req->data, &r);
			break;
		case RK_CTL:
			serve_ctl(&t, &req->data, &r);
			break;
		case RK_COPY:
			serve_copy(&t, &req->data, &r);
			break;
		case RK_SEND:
			serve_send(&t, &req->data, &r);
			break;
		case RK_EXEC:
			serve_exec(&t, &req->data, &r);
			break;
		case RK_SLOW:
			serve_slow(&t, &req->data, &r);
			break;
		default:
			r.error = ECAPMODE;
			break;
		}
		target_release(&t);
	}
	if (r.done)
		return;
	resp->id = req->id;
	resp->flags = r.cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
	resp->val = r.cont ? 0 : r.val;
	resp->error = r.cont ? 0 : -r.error;
	(void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp);
}
