/*
 * The listener filter:
 *
 *	arch is not native, or an x32 number         -> ENOSYS
 *	ld nr; a routed call:
 *	  lookup: NULL path where NULL means the fd  -> ALLOW
 *	          any dirfd slot not AT_FDCWD        -> USER_NOTIF
 *	  signal                                     -> USER_NOTIF
 *	  prctl(CTL_PRCTL)                           -> USER_NOTIF
 *	  a copy, fcntl(F_SETOWN, F_SETSIG, F_SETFL   -> USER_NOTIF
 *	    with O_ASYNC)
 *	  sendmsg, sendmmsg                          -> USER_NOTIF
 *	clone/unshare giving a process another table  -> ENOTCAPABLE
 *	  or parent (CLONE_PARENT); clone3           -> ENOSYS
 *	a call with descriptor arguments (not lean):
 *	  any of them in the slow range              -> USER_NOTIF
 *	openat, openat2 (lean)                       -> USER_NOTIF
 *	any lookup with a path, old path calls (paths) -> USER_NOTIF
 *	anything else                                -> ALLOW
 *
 * Elsewhere calls with AT_FDCWD stay in the kernel: outside capability
 * mode they are ordinary, and inside it the capability-mode filter
 * refuses them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>

#include "../arch/arch.h"
#include "../bpf/dispatch.h"
#include "../rights/rules.h"
#include "ctl.h"
#include "route.h"
#include "slow.h"

#define MAX_CALLS (FD_RULES_MAX + 64)

/* clang-format off */
#define LOOKUP(call, fd, p)       {NR_##call, RK_LOOKUP, {fd, NO_ARG}, p, 0}
#define LOOKUP_NULL(call, fd, p)  {NR_##call, RK_LOOKUP, {fd, NO_ARG}, p, 1}
#define LOOKUP2(call, fd1, fd2)   {NR_##call, RK_LOOKUP, {fd1, fd2}, 1, 0}
#define SIGNAL(call)              {NR_##call, RK_SIGNAL, {NO_ARG, NO_ARG}, NO_ARG, 0}
#define COPY(call)                {NR_##call, RK_COPY, {NO_ARG, NO_ARG}, NO_ARG, 0}
#define SEND(call)                {NR_##call, RK_SEND, {NO_ARG, NO_ARG}, NO_ARG, 0}
#define OLD(call)                 {NR_##call, RK_PATHS, {NO_ARG, NO_ARG}, 0, 0}

const struct route routes[] = {
	LOOKUP(openat, 0, 1), LOOKUP(openat2, 0, 1), LOOKUP(faccessat, 0, 1),
	LOOKUP(faccessat2, 0, 1), LOOKUP(fchmodat, 0, 1), LOOKUP(fchmodat2, 0, 1),
	LOOKUP(fchownat, 0, 1), LOOKUP(mkdirat, 0, 1), LOOKUP(mknodat, 0, 1),
	LOOKUP(readlinkat, 0, 1), LOOKUP(unlinkat, 0, 1), LOOKUP(symlinkat, 1, 2),
	LOOKUP(getxattrat, 0, 1), LOOKUP(setxattrat, 0, 1), LOOKUP(listxattrat, 0, 1),
	LOOKUP(removexattrat, 0, 1), LOOKUP(file_getattr, 0, 1), LOOKUP(file_setattr, 0, 1),
	LOOKUP_NULL(newfstatat, 0, 1), LOOKUP_NULL(statx, 0, 1),
	LOOKUP_NULL(utimensat, 0, 1), LOOKUP_NULL(futimesat, 0, 1),
	LOOKUP2(linkat, 0, 2), LOOKUP2(renameat, 0, 2), LOOKUP2(renameat2, 0, 2),
	SIGNAL(kill), SIGNAL(tkill), SIGNAL(tgkill), SIGNAL(rt_sigqueueinfo),
	SIGNAL(rt_tgsigqueueinfo),
	{NR_prctl, RK_CTL, {NO_ARG, NO_ARG}, NO_ARG, 0},
	COPY(dup), COPY(dup2), COPY(dup3), COPY(fcntl), COPY(accept), COPY(accept4),
	SEND(sendmsg), SEND(sendmmsg),
	{NR_execveat, RK_EXEC, {0, NO_ARG}, 1, 0},
	/* The old path calls, served as their *at forms (paths.c). */
	OLD(open), OLD(creat), OLD(stat), OLD(lstat), OLD(access), OLD(readlink), OLD(mkdir),
	OLD(mknod), OLD(rmdir), OLD(unlink), OLD(rename), OLD(link), OLD(symlink), OLD(chmod),
	OLD(chown), OLD(lchown), OLD(utimes), OLD(getcwd), OLD(getxattr), OLD(lgetxattr),
	OLD(listxattr), OLD(llistxattr),
	/* Addresses: served with capsicum --net (net.c). */
	OLD(connect), OLD(bind),
	/* Running a program by name: refused with a line of its own (paths.c). */
	OLD(execve),
};
/* clang-format on */

const unsigned routes_count = ARRAY_SIZE(routes);

const struct route *route_find(int nr)
{
	for (unsigned i = 0; i < routes_count; i++)
		if (routes[i].nr == nr)
			return &routes[i];
	return NULL;
}

/*
 * What the listener refuses itself, for every supervised process: ways to
 * give a process a descriptor table other than its thread group's, or a
 * parent other than its creator.  The supervisor keeps slow-range states
 * per process and traces a child to its parent (slow.h); both would lie.
 * clone3 keeps its flags in memory: ENOSYS makes the C library use clone.
 */
static const struct refusal {
	int nr;
	uint32_t mask, value; /* (low word of args[0] & mask) == value */
	uint16_t err;
} refusals[] = {
    {NR_clone, CLONE_THREAD | CLONE_FILES, CLONE_THREAD, ENOTCAPABLE},
    {NR_clone, CLONE_THREAD | CLONE_FILES, CLONE_FILES, ENOTCAPABLE},
    {NR_clone, CLONE_PARENT, CLONE_PARENT, ENOTCAPABLE},
    {NR_clone3, 0, 0, ENOSYS},
    {NR_unshare, CLONE_FILES, CLONE_FILES, ENOTCAPABLE},
};

/* Descriptor arguments the rights compiler handles outside fd_rules. */
static const struct {
	int nr;
	uint8_t arg;
} emitted_args[] = {{NR_fcntl, 0}, {NR_ioctl, 0}, {NR_mmap, 4}};

unsigned route_fd_args(int nr)
{
	unsigned args = 0;

	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr == nr)
			args |= 1u << fd_rules[i].fdarg;
	for (size_t i = 0; i < ARRAY_SIZE(emitted_args); i++)
		if (emitted_args[i].nr == nr)
			args |= 1u << emitted_args[i].arg;
	return args;
}

static bool holds(const struct fd_rule *r, const struct seccomp_data *d)
{
	uint64_t v = d->args[r->cond_arg];
	uint32_t lo = (uint32_t)v;

	switch (r->cond) {
	case WHEN_PTR_NULL:
		return v == 0;
	case WHEN_PTR_SET:
		return v != 0;
	case WHEN_FLAG_SET:
		return (lo & r->cond_val) != 0;
	case WHEN_FLAG_CLEAR:
		return (lo & r->cond_val) == 0;
	case WHEN_EQ:
		return lo == r->cond_val;
	default:
		return true;
	}
}

unsigned route_fd_args_of(const struct seccomp_data *d)
{
	unsigned args = 0;

	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr == (int)d->nr && holds(&fd_rules[i], d))
			args |= 1u << fd_rules[i].fdarg;
	for (size_t i = 0; i < ARRAY_SIZE(emitted_args); i++)
		if (emitted_args[i].nr == (int)d->nr)
			args |= 1u << emitted_args[i].arg;
	return args;
}

bool route_is_copy(const struct seccomp_data *d)
{
	uint32_t cmd = (uint32_t)d->args[1];

	if (d->nr == NR_dup || d->nr == NR_dup2 || d->nr == NR_dup3 || d->nr == NR_accept ||
	    d->nr == NR_accept4)
		return true;
	return d->nr == NR_fcntl && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC);
}

static int cmp_case(const void *x, const void *y)
{
	int a = ((const struct bpf_case *)x)->nr, b = ((const struct bpf_case *)y)->nr;

	return (a > b) - (a < b);
}

/* "if any descriptor argument is in the slow range, notify" */
static void emit_slow(struct bpf_asm *a, unsigned args, int notify)
{
	for (unsigned arg = 0; arg < 6; arg++) {
		int next = bpf_label(a);

		if (!(args & (1u << arg)))
			continue;
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JGE, SLOW_LO, BPF_NEXT, next);
		bpf_jmp_far(a, BPF_JGE, SLOW_HI, false, notify);
		bpf_bind(a, next);
	}
}

static void emit_refusals(struct bpf_asm *a, int nr)
{
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		int next = bpf_label(a);

		if (refusals[i].nr != nr)
			continue;
		if (refusals[i].mask != 0) {
			bpf_ld(a, SD_ARG_LO(0));
			bpf_alu_and(a, refusals[i].mask);
			bpf_jmp(a, BPF_JEQ, refusals[i].value, BPF_NEXT, next);
		}
		bpf_ret(a, RET_ERRNO(refusals[i].err));
		bpf_bind(a, next);
	}
}

/* fcntl: copies, and what names or signals a SIGIO owner (F_SETFL only with O_ASYNC). */
static void emit_fcntl(struct bpf_asm *a, int notify)
{
	static const uint32_t cmds[] = {F_DUPFD, F_DUPFD_CLOEXEC, F_SETOWN, F_SETSIG};
	int other = bpf_label(a);

	bpf_ld(a, SD_ARG_LO(1));
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		bpf_jmp_far(a, BPF_JEQ, cmds[i], true, notify);
	bpf_jmp(a, BPF_JEQ, F_SETFL, BPF_NEXT, other);
	bpf_ld(a, SD_ARG_LO(2));
	bpf_jmp_far(a, BPF_JSET, O_ASYNC, true, notify);
	bpf_bind(a, other);
	bpf_ret(a, SECCOMP_RET_ALLOW);
}

unsigned route_served(char mode)
{
	switch (mode) {
	case SUP_LEAN:
		return RK_SERVED | 1u << RK_CWD;
	case SUP_PATHS:
		return RK_SERVED | 1u << RK_CWD | 1u << RK_PATHS;
	default:
		return RK_SERVED;
	}
}

static void emit_route(struct bpf_asm *a, int nr, const struct route *r, char mode)
{
	bool slow = mode != SUP_LEAN, paths = mode == SUP_PATHS;
	int notify = bpf_label(a);

	/*
	 * The lean listener belongs to a process entering capability mode: it
	 * also routes opens from the current directory, which the supervisor
	 * serves under /proc/self/fd/N/ from descriptor N (the loader's
	 * LD_LIBRARY_PATH_FDS) and refuses otherwise.
	 */
	if (mode == SUP_LEAN && (nr == NR_openat || nr == NR_openat2)) {
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	}
	/*
	 * The old path calls, connect and bind: only the paths listener takes
	 * them all; to the others they are calls like any (connect and bind on
	 * a slow number are still routed, below).
	 */
	if (r != NULL && r->kind == RK_PATHS) {
		if (paths) {
			bpf_bind(a, notify);
			bpf_ret(a, SECCOMP_RET_USER_NOTIF);
			return;
		}
		r = NULL;
	}

	emit_refusals(a, nr);
	if (slow)
		emit_slow(a, route_fd_args(nr), notify);
	if (r == NULL) {
		bpf_ret(a, SECCOMP_RET_ALLOW);
		bpf_bind(a, notify);
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	}
	switch (r->kind) {
	case RK_COPY:
		if (nr == NR_fcntl)
			emit_fcntl(a, notify);
		bpf_bind(a, notify);
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	case RK_SIGNAL:
	case RK_SEND:
		bpf_bind(a, notify);
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	case RK_CTL:
		bpf_ld(a, SD_ARG_LO(0));
		bpf_jmp(a, BPF_JEQ, CTL_PRCTL, notify, BPF_NEXT);
		bpf_ret(a, SECCOMP_RET_ALLOW);
		bpf_bind(a, notify);
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	}
	/*
	 * The paths listener takes every name, the current directory's too;
	 * a null path means the descriptor itself, or with AT_FDCWD the
	 * current directory, which capability mode refuses.
	 */
	if (paths) {
		if (r->null_ok) {
			bpf_ld(a, SD_ARG_LO(r->dirfd[0]));
			bpf_jmp(a, BPF_JEQ, (uint32_t)AT_FDCWD, notify, BPF_NEXT);
		} else {
			bpf_bind(a, notify);
			bpf_ret(a, SECCOMP_RET_USER_NOTIF);
			return;
		}
	}
	if (r->null_ok) {
		int set = bpf_label(a);

		bpf_ld(a, SD_ARG_LO(r->path));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ld(a, SD_ARG_HI(r->path));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ret(a, SECCOMP_RET_ALLOW);
		bpf_bind(a, set);
	}
	if (paths) {
		bpf_bind(a, notify);
		bpf_ret(a, SECCOMP_RET_USER_NOTIF);
		return;
	}
	for (int i = 0; i < 2 && r->dirfd[i] != NO_ARG; i++) {
		bpf_ld(a, SD_ARG_LO(r->dirfd[i]));
		bpf_jmp(a, BPF_JEQ, (uint32_t)AT_FDCWD, BPF_NEXT, notify);
	}
	bpf_ret(a, SECCOMP_RET_ALLOW);
	bpf_bind(a, notify);
	bpf_ret(a, SECCOMP_RET_USER_NOTIF);
}

static bool listed(const struct bpf_case *cases, size_t n, int nr)
{
	for (size_t i = 0; i < n; i++)
		if (cases[i].nr == nr)
			return true;
	return false;
}

int listener_compile(struct bpf_asm *a, char mode)
{
	struct bpf_case cases[MAX_CALLS];
	size_t n = 0;

	CAPSICUM_CHECK(routes_count + fd_rules_count + ARRAY_SIZE(emitted_args) +
	                   ARRAY_SIZE(refusals) <=
	               MAX_CALLS);
	for (unsigned i = 0; i < routes_count; i++)
		if (routes[i].nr >= 0 && !listed(cases, n, routes[i].nr))
			cases[n++] = (struct bpf_case){routes[i].nr, bpf_label(a), 0};
	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr >= 0 && !listed(cases, n, fd_rules[i].nr))
			cases[n++] = (struct bpf_case){fd_rules[i].nr, bpf_label(a), 0};
	for (size_t i = 0; i < ARRAY_SIZE(emitted_args); i++)
		if (emitted_args[i].nr >= 0 && !listed(cases, n, emitted_args[i].nr))
			cases[n++] = (struct bpf_case){emitted_args[i].nr, bpf_label(a), 0};
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++)
		if (refusals[i].nr >= 0 && !listed(cases, n, refusals[i].nr))
			cases[n++] = (struct bpf_case){refusals[i].nr, bpf_label(a), 0};
	qsort(cases, n, sizeof(cases[0]), cmp_case);
	bpf_prologue(a);
	bpf_dispatch(a, cases, n, SECCOMP_RET_ALLOW);
	for (size_t i = 0; i < n; i++) {
		bpf_bind(a, cases[i].label);
		emit_route(a, cases[i].nr, route_find(cases[i].nr), mode);
	}
	return bpf_finish(a);
}
