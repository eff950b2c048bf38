/*
 * cap_rights_limit(2), cap_ioctls_limit(2), cap_fcntls_limit(2) and their
 * getters.  Each limit reads the descriptor's current state from the kernel
 * (state.h), checks that the new state only shrinks it, and stacks a filter
 * for the new state.  A mutex makes read-check-install atomic among the
 * process's threads; without it two shrinks racing from the same state
 * would leave the newest filter answering for more rights than the
 * intersection the kernel enforces (lock.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <sys/capsicum.h>

#include "../lock.h"
#include "../procdesc/procdesc.h"
#include "../seccomp/install.h"
#include "../supervisor/client.h"
#include "../supervisor/ctl.h"
#include "compile.h"
#include "state.h"
#include "uring.h"

/*
 * Install the filter for fd in state st.  With `route`, lookups and copies
 * on the number are left to the supervisor; only when it holds the file's
 * state.
 */
static int install_filter(int fd, const struct fd_state *st, bool route)
{
	struct bpf_asm a;
	int r;

	bpf_init(&a);
	r = rights_compile(&a, fd, st, route);
	if (r == 0)
		r = seccomp_install(&a);
	bpf_free(&a);
	return r;
}

/*
 * fd goes from state cur to next.  The listener filter must come before the
 * first rights filter, which refuses new listeners.  The supervisor learns
 * of the limit before the kernel enforces it.  When the number's filters
 * already say next, the file on it may still be new to the supervisor (a
 * number reused after close, limited again alike): it is told all the
 * same, and if it cannot hold the state, a filter that keeps lookups and
 * copies from it goes in, since an earlier filter may leave them to it.
 */
static int install(int fd, const struct fd_state *cur, const struct fd_state *next)
{
	bool same = state_equal(cur, next), route;
	int r;

	if (same && state_is_full(next))
		return 0;
	if ((r = uring_check()) != 0)
		return r;
	route = sup_ensure(SUP_FULL) && !state_is_full(next) && sup_limit(fd, next);
	if (same && (route || !sup_active()))
		return 0;
	return install_filter(fd, next, route);
}

/* state_load for the getters: 0, or -1 with errno set. */
static int load(int fd, struct fd_state *st)
{
	int r = state_load(fd, st);

	if (r != 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

typedef int (*narrow_fn)(const struct fd_state *cur, struct fd_state *next, const void *arg);

/* Load fd's state, let `narrow` derive the new one, install it if it changed. */
static int change_state(int fd, narrow_fn narrow, const void *arg)
{
	struct fd_state cur, next;
	int r;

	capsicum_lock();
	r = state_load(fd, &cur);
	if (r == 0) {
		next = cur;
		r = narrow(&cur, &next, arg);
	}
	if (r == 0)
		r = install(fd, &cur, &next);
	capsicum_unlock();
	if (r != 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

static int narrow_rights(const struct fd_state *cur, struct fd_state *next, const void *arg)
{
	const cap_rights_t *rights = arg;

	if (!cap_rights_contains(&cur->rights, rights))
		return -ENOTCAPABLE;
	next->rights = *rights;
	/* Without CAP_IOCTL the list is empty, without CAP_FCNTL the mask is zero. */
	if (!cap_rights_is_set(rights, CAP_IOCTL))
		next->nioctls = 0;
	if (!cap_rights_is_set(rights, CAP_FCNTL))
		next->fcntls = 0;
	return 0;
}

static int narrow_state(const struct fd_state *cur, struct fd_state *next, const void *arg)
{
	(void)cur;
	state_meet(next, arg);
	return 0;
}

int rights_limit_state(int fd, const struct fd_state *st)
{
	if (!state_valid(st)) {
		errno = EINVAL;
		return -1;
	}
	return change_state(fd, narrow_state, st);
}

int cap_rights_limit(int fd, const cap_rights_t *rights)
{
	cap_rights_t copy;
	int r;

	if (rights == NULL) {
		errno = EFAULT;
		return -1;
	}
	copy = *rights;
	if (CAPVER(&copy) != CAP_RIGHTS_VERSION_00 || !cap_rights_is_valid(&copy)) {
		errno = EINVAL;
		return -1;
	}
	/* A process descriptor's pidfd first: never wider than the descriptor. */
	if ((r = pd_limit(fd, &copy)) != 0) {
		errno = -r;
		return -1;
	}
	return change_state(fd, narrow_rights, &copy);
}

int __cap_rights_get(int version, int fd, cap_rights_t *rights)
{
	struct fd_state st;

	if (version != CAP_RIGHTS_VERSION_00) {
		errno = EINVAL;
		return -1;
	}
	if (rights == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (load(fd, &st) != 0)
		return -1;
	*rights = st.rights;
	return 0;
}

struct ioctl_list {
	const cap_ioctl_t *cmds;
	size_t n;
};

static bool has_ioctl(const struct fd_state *st, uint32_t cmd)
{
	for (int i = 0; i < st->nioctls; i++)
		if (st->ioctls[i] == cmd)
			return true;
	return false;
}

static int narrow_ioctls(const struct fd_state *cur, struct fd_state *next, const void *arg)
{
	const struct ioctl_list *l = arg;

	if (cur->nioctls >= 0 && l->n > (size_t)cur->nioctls)
		return -ENOTCAPABLE;
	next->nioctls = (int)l->n;
	for (size_t i = 0; i < l->n; i++) {
		/* The kernel reads ioctl commands as 32-bit values. */
		next->ioctls[i] = (uint32_t)l->cmds[i];
		if (cur->nioctls >= 0 && !has_ioctl(cur, next->ioctls[i]))
			return -ENOTCAPABLE;
	}
	return 0;
}

int cap_ioctls_limit(int fd, const cap_ioctl_t *cmds, size_t ncmds)
{
	struct ioctl_list l = {cmds, ncmds};

	if (ncmds > CAP_IOCTLS_LIMIT_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (cmds == NULL && ncmds > 0) {
		errno = EFAULT;
		return -1;
	}
	return change_state(fd, narrow_ioctls, &l);
}

ssize_t cap_ioctls_get(int fd, cap_ioctl_t *cmds, size_t maxcmds)
{
	struct fd_state st;

	if (load(fd, &st) != 0)
		return -1;
	if (st.nioctls < 0)
		return CAP_IOCTLS_ALL;
	for (size_t i = 0; cmds != NULL && i < maxcmds && i < (size_t)st.nioctls; i++)
		cmds[i] = st.ioctls[i];
	return st.nioctls;
}

static int narrow_fcntls(const struct fd_state *cur, struct fd_state *next, const void *arg)
{
	uint32_t mask = *(const uint32_t *)arg;

	if ((mask & ~cur->fcntls) != 0)
		return -ENOTCAPABLE;
	next->fcntls = mask;
	return 0;
}

int cap_fcntls_limit(int fd, uint32_t fcntlrights)
{
	if ((fcntlrights & ~(uint32_t)CAP_FCNTL_ALL) != 0) {
		errno = EINVAL;
		return -1;
	}
	return change_state(fd, narrow_fcntls, &fcntlrights);
}

int cap_fcntls_get(int fd, uint32_t *fcntlrightsp)
{
	struct fd_state st;

	if (fcntlrightsp == NULL) {
		errno = EFAULT;
		return -1;
	}
	if (load(fd, &st) != 0)
		return -1;
	*fcntlrightsp = st.fcntls;
	return 0;
}
