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
#include <sys/stat.h>
#include <unistd.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "ctl.h"
#include "records.h"
#include "route.h"
#include "serve.h"

static int arg_int(const struct seccomp_data *d, int i)
{
	return (int)(uint32_t)d->args[i];
}

void serve_signal(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	pid_t tgid, tid;

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

/* CTL_LIMIT and CTL_RESTRICT: record fd if it is a directory. */
static void limit(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	cap_rights_t rights;
	struct stat st;
	uint64_t words[2];
	int fd, err;

	if (d->args[1] == CTL_RESTRICT) {
		CAP_ALL(&rights);
	} else {
		rights.cr_rights[0] = d->args[3];
		rights.cr_rights[1] = d->args[4];
		if (CAPVER(&rights) != CAP_RIGHTS_VERSION_00 || !cap_rights_is_valid(&rights)) {
			r->error = EINVAL;
			return;
		}
	}
	fd = target_getfd(t, arg_int(d, 2));
	if (fd < 0) {
		r->error = -fd;
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		r->val = 0;
		return;
	}
	words[0] = rights.cr_rights[0];
	words[1] = rights.cr_rights[1];
	err = records_limit(fd, words);
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
	case CTL_RESTRICT:
		limit(t, d, r);
		break;
	default:
		r->error = EINVAL;
		break;
	}
}

void serve(int lfd, const struct seccomp_notif *req, struct seccomp_notif_resp *resp)
{
	const struct route *route = route_find(req->data.nr);
	struct target t;
	struct reply r = {0};

	if (route == NULL || req->data.arch != CAPSICUM_AUDIT_ARCH) {
		r.error = ENOSYS;
	} else if (target_load(&t, lfd, req->id, req->pid) != 0) {
		r.error = ESRCH; /* gone: nobody reads the answer */
	} else {
		switch (route->kind) {
		case RK_LOOKUP:
			serve_lookup(&t, &req->data, &r);
			break;
		case RK_SIGNAL:
			serve_signal(&t, &req->data, &r);
			break;
		case RK_CTL:
			serve_ctl(&t, &req->data, &r);
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
