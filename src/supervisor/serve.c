/*
 * Dispatch, control requests and signals.
 *
 * Signals: capability mode lets a process signal only itself (spec 1.5).
 * The target is a register, compared with the caller's IDs in its own pid
 * namespace, so the call may continue in the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
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
#include "paths.h"
#include "serve.h"
#include "slow.h"

static int arg_int(const struct seccomp_data *d, int i)
{
	return (int)(uint32_t)d->args[i];
}

/*
 * Whether the SIGIO owner of the caller's descriptor fd is no one or the
 * caller itself (its process, or its own thread): 0, or -errno.
 */
static int owner_is_caller(struct target *t, int fd)
{
	struct f_owner_ex ex;
	pid_t tgid, ppid;
	int copy = target_getfd(t, fd), r;

	if (copy < 0)
		return copy == -EBADF ? -EBADF : -ENOTCAPABLE;
	/* IDs in the supervisor's pid namespace, as target_family() gives them */
	r = fcntl(copy, F_GETOWN_EX, &ex) == 0 ? 0 : -errno;
	close(copy);
	if (r != 0 || ex.pid == 0)
		return r;
	if ((r = target_family(t, &tgid, &ppid)) != 0)
		return r;
	if ((ex.type == F_OWNER_PID && ex.pid == tgid) ||
	    (ex.type == F_OWNER_TID && ex.pid == t->tid))
		return 0;
	return -ECAPMODE;
}

/*
 * fcntl that names or signals a SIGIO owner: F_SETOWN names it in a
 * register, the caller's own process or no one; F_SETSIG and F_SETFL with
 * O_ASYNC act on whoever owns the open file description, which must be the
 * caller or no one.  A slow-range descriptor is judged first, as any call
 * on it.
 */
static void serve_owner(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	pid_t tgid, tid;
	int res;

	serve_slow(t, d, r);
	if (!r->cont || !t->capmode)
		return;
	r->cont = false;
	if ((uint32_t)d->args[1] != F_SETOWN) {
		res = owner_is_caller(t, arg_int(d, 0));
	} else if (arg_int(d, 2) == 0) {
		res = 0;
	} else if ((res = target_ns_ids(t, &tgid, &tid)) == 0) {
		res = arg_int(d, 2) == tgid ? 0 : -ECAPMODE;
	}
	if (res == 0)
		r->cont = true;
	else
		r->error = -res;
}

void serve_signal(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	pid_t tgid, tid;

	if (d->nr == NR_fcntl) {
		serve_owner(t, d, r);
		return;
	}
	if (!t->capmode) {
		r->cont = true;
		return;
	}
	if (target_ns_ids(t, &tgid, &tid) != 0) {
		r->error = ESRCH;
		return;
	}
	/* tkill names a thread; the others a thread group first */
	if (arg_int(d, 0) == (d->nr == NR_tkill ? tid : tgid))
		r->cont = true;
	else
		r->error = ECAPMODE;
}

/* The state at args[3] (args[4] bytes) of a control request: 0 or a positive errno. */
static int read_state(struct target *t, const struct seccomp_data *d, struct fd_state *st)
{
	if (d->args[4] != sizeof(*st))
		return EINVAL;
	if (target_read(t, d->args[3], st, sizeof(*st)) != 0 || !target_valid(t))
		return EFAULT;
	return state_valid(st) ? 0 : EINVAL;
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

	if ((r->error = read_state(t, d, &st)) != 0)
		return;
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

/* CTL_PLACE: a limited copy of a descriptor on a slow number (ctl.h). */
static void place(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	int fd = (int)(uint32_t)d->args[2], copy, res;
	struct fd_state st;
	struct record rec;

	/* capsicum(1)'s, before it confines itself: nothing a confined program needs */
	if (t->capmode) {
		r->error = ECAPMODE;
		return;
	}
	if ((r->error = read_state(t, d, &st)) != 0)
		return;
	if (!slow_enabled()) {
		r->error = ENOTCAPABLE;
		return;
	}
	if ((copy = target_getfd(t, fd)) < 0) {
		r->error = copy == -EBADF ? EBADF : ENOTCAPABLE;
		return;
	}
	/* Never wider than what the caller holds. */
	res = slow_state(t, fd, copy, &rec) != 0 ? -ENOTCAPABLE : 0;
	if (res == 0 && rec.restricted)
		state_meet(&st, &rec.st);
	/* the records take the descriptor they are given: a copy of ours */
	if (res == 0) {
		int kept = fcntl(copy, F_DUPFD_CLOEXEC, 0);

		res = kept < 0 ? -errno : records_limit_inherited(kept, &st);
	}
	if (res == 0)
		res = slow_place(t, copy, &st, -1, 0, false);
	close(copy);
	if (res == 0)
		r->done = true;
	else
		r->error = -res;
}

/* CTL_TRAP: refusals raise SIGSYS in the refused thread. */
static bool trap_refusals;

/*
 * A capability failure answered here: reported under capsicum --trace
 * (lookups report their own, with names), and trapped where asked.  The
 * thread is still waiting for the answer, so its ID is still its own.
 */
static void refused(struct target *t, const struct seccomp_data *d, int kind, const struct reply *r)
{
	pid_t tgid, ppid;
	int error = r->error;

	if (error != ENOTCAPABLE && error != ECAPMODE && !r->refused)
		return;
	if (kind != RK_LOOKUP && kind != RK_PATHS)
		paths_traced(t, d, error);
	if (trap_refusals && target_family(t, &tgid, &ppid) == 0) {
		siginfo_t si = {.si_signo = SIGSYS, .si_code = SI_QUEUE};

		si.si_errno = error ? error : ENOENT;
		si.si_pid = getpid();
		(void)syscall(SYS_rt_tgsigqueueinfo, tgid, t->tid, SIGSYS, &si);
	}
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
		r->val = paths_enabled() ? SUP_PATHS : slow_enabled() ? SUP_FULL : SUP_LEAN;
		break;
	case CTL_EXEC_PIN:
		serve_exec_pin(t, d, r);
		break;
	case CTL_EXEC_EMPTY:
		serve_exec_empty(t, r);
		break;
	case CTL_REDEEM:
		serve_redeem(t, d, r);
		break;
	case CTL_PATH_ADD:
	case CTL_PATH_CWD:
	case CTL_PATH_LOG:
		serve_path_ctl(t, d, r);
		break;
	case CTL_PLACE:
		place(t, d, r);
		break;
	case CTL_TRAP:
		if (t->capmode) {
			r->error = ECAPMODE;
		} else {
			trap_refusals = d->args[2] != 0;
			r->val = 0;
		}
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
	if (d->nr == NR_fcntl &&
	    ((uint32_t)d->args[1] == F_SETOWN || (uint32_t)d->args[1] == F_SETSIG ||
	     ((uint32_t)d->args[1] == F_SETFL && (d->args[2] & O_ASYNC))))
		return RK_SIGNAL;
	if (route && route->kind == RK_LOOKUP && !(route->null_ok && d->args[route->path] == 0))
		return RK_LOOKUP;
	if (route && (route->kind == RK_SIGNAL || route->kind == RK_SEND || route->kind == RK_EXEC))
		return route->kind;
	if (route && route->kind == RK_CTL && (uint32_t)d->args[0] == CTL_PRCTL)
		return RK_CTL;
	if (route && route->kind == RK_PATHS && paths_enabled())
		return RK_PATHS;
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
		case RK_PATHS: {
			struct seccomp_data at;

			if (req->data.nr == NR_getcwd)
				paths_getcwd(&t, &req->data, &r);
			else if (req->data.nr == NR_execve)
				paths_exec(&t, &req->data, &r);
			else if (req->data.nr == NR_connect || req->data.nr == NR_bind)
				serve_net(&t, &req->data, &r);
			else if (paths_legacy(&req->data, &at) == NULL)
				r.error = ENOSYS;
			else
				lookup_as(&t, &at, req->data.nr, &r);
			break;
		}
		default:
			r.error = ECAPMODE;
			break;
		}
		if (!r.done && !r.cont)
			refused(&t, &req->data, kind, &r);
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
