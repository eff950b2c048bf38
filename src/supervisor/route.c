/*
 * The listener filter:
 *
 *	arch is not native, or an x32 number         -> ENOSYS
 *	ld nr; a routed call:
 *	  lookup: NULL path where NULL means the fd  -> ALLOW
 *	          any dirfd slot not AT_FDCWD        -> USER_NOTIF
 *	  signal                                     -> USER_NOTIF
 *	  prctl(CTL_PRCTL)                           -> USER_NOTIF
 *	anything else                                -> ALLOW
 *
 * Calls with AT_FDCWD stay in the kernel: outside capability mode they are
 * ordinary, and inside it the capability-mode filter refuses them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "../arch/arch.h"
#include "../bpf/dispatch.h"
#include "ctl.h"
#include "route.h"

#define MAX_ROUTES 64

/* clang-format off */
#define LOOKUP(call, fd, p)       {NR_##call, RK_LOOKUP, {fd, NO_ARG}, p, 0}
#define LOOKUP_NULL(call, fd, p)  {NR_##call, RK_LOOKUP, {fd, NO_ARG}, p, 1}
#define LOOKUP2(call, fd1, fd2)   {NR_##call, RK_LOOKUP, {fd1, fd2}, 1, 0}
#define SIGNAL(call)              {NR_##call, RK_SIGNAL, {NO_ARG, NO_ARG}, NO_ARG, 0}

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

static int cmp_case(const void *x, const void *y)
{
	int a = ((const struct bpf_case *)x)->nr, b = ((const struct bpf_case *)y)->nr;

	return (a > b) - (a < b);
}

static void emit_route(struct bpf_asm *a, const struct route *r)
{
	int notify = bpf_label(a);

	switch (r->kind) {
	case RK_SIGNAL:
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
	if (r->null_ok) {
		int set = bpf_label(a);

		bpf_ld(a, SD_ARG_LO(r->path));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ld(a, SD_ARG_HI(r->path));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ret(a, SECCOMP_RET_ALLOW);
		bpf_bind(a, set);
	}
	for (int i = 0; i < 2 && r->dirfd[i] != NO_ARG; i++) {
		bpf_ld(a, SD_ARG_LO(r->dirfd[i]));
		bpf_jmp(a, BPF_JEQ, (uint32_t)AT_FDCWD, BPF_NEXT, notify);
	}
	bpf_ret(a, SECCOMP_RET_ALLOW);
	bpf_bind(a, notify);
	bpf_ret(a, SECCOMP_RET_USER_NOTIF);
}

int listener_compile(struct bpf_asm *a)
{
	struct bpf_case cases[MAX_ROUTES];
	const struct route *by_case[MAX_ROUTES];
	size_t n = 0;

	CAPSICUM_CHECK(routes_count <= MAX_ROUTES);
	for (unsigned i = 0; i < routes_count; i++) {
		if (routes[i].nr < 0)
			continue;
		cases[n++] = (struct bpf_case){routes[i].nr, bpf_label(a), 0};
	}
	qsort(cases, n, sizeof(cases[0]), cmp_case);
	for (size_t i = 0; i < n; i++)
		by_case[i] = route_find(cases[i].nr);
	bpf_prologue(a);
	bpf_dispatch(a, cases, n, SECCOMP_RET_ALLOW);
	for (size_t i = 0; i < n; i++) {
		bpf_bind(a, cases[i].label);
		emit_route(a, by_case[i]);
	}
	return bpf_finish(a);
}
