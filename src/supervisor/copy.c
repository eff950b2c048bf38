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
 * Every other call on a slow number is judged by the filter the library
 * would have installed for it, on registers only, and then continues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "../rights/compile.h"
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

void serve_copy(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	struct copy c;
	struct record rec;
	int file, res;

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
		} else if (!rec.restricted && !slow_number((uint64_t)(c.to >= 0 ? c.to : c.min))) {
			/* The kernel's own copy; nothing restricted can reach c.from meanwhile. */
			r->cont = true;
		} else if (c.to >= 0 && !slow_number((uint64_t)c.to)) {
			res = -ENOTCAPABLE;
		} else {
			res = slow_place(t, file, &rec.st, c.to, c.min, c.cloexec);
			r->done = res == 0;
		}
	}
	close(file);
	if (res < 0)
		r->error = -res;
}

void serve_slow(struct target *t, const struct seccomp_data *d, struct reply *r)
{
	unsigned args = route_fd_args((int)d->nr);

	for (int i = 0; i < 6; i++) {
		struct record rec;
		uint32_t action;
		int fd = arg_int(d, i);

		if (!(args & (1u << i)) || !slow_number((uint64_t)fd))
			continue;
		if (slow_state(t, fd, -1, &rec) != 0) {
			r->error = ENOTCAPABLE;
			return;
		}
		action = rights_judge(fd, &rec.st, d);
		if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO) {
			r->error = (int)(action & SECCOMP_RET_DATA);
			return;
		}
		if (action != SECCOMP_RET_ALLOW) {
			r->error = ENOTCAPABLE;
			return;
		}
	}
	r->cont = true;
}
