/*
 * The filter compiler, checked in user space: generated programs run in a
 * small classic-BPF interpreter against random states and random call
 * arguments, and every verdict is compared with a reference model written
 * independently from the rule tables and the spec.  Also: program sizes
 * stay within the kernel's limits in the worst cases.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#include "arch/arch.h"
#include "bpf/asm.h"
#include "capmode/compile.h"
#include "capmode/policy.h"
#include "rights/compile.h"
#include "supervisor/route.h"
#include "rights/rules.h"
#include "rights/state.h"
#include "bpf/run.h"

#include "harness.h"
#include "supervisor/ctl.h"
#include "supervisor/slow.h"
#define CTL_PRCTL_FOR_TEST CTL_PRCTL

/* Filters run in the library's own interpreter (the supervisor's judge). */
static uint32_t run(const struct bpf_asm *a, const struct seccomp_data *d)
{
	uint32_t action = bpf_run(a->insns, a->len, d);

	ck_assert_uint_ne(action, SECCOMP_RET_KILL_PROCESS);
	return action;
}

/* --- The reference model. --- */

#define DENY  (SECCOMP_RET_ERRNO | ENOTCAPABLE)
#define ALLOW SECCOMP_RET_ALLOW

static uint32_t lo(uint64_t v)
{
	return (uint32_t)v;
}

static bool has(const struct fd_state *st, uint64_t need)
{
	if (need == RIGHT_NEVER || need == RIGHT_LOOKUP || need == RIGHT_COPY)
		return false;
	if (need == 0)
		return true;
	return (st->rights.cr_rights[(need >> 58) & 1] & need) == need;
}

static bool cond_holds(const struct fd_rule *r, const struct seccomp_data *d)
{
	uint64_t v = d->args[r->cond_arg];

	switch (r->cond) {
	case WHEN_ALWAYS:
		return true;
	case WHEN_PTR_NULL:
		return v == 0;
	case WHEN_PTR_SET:
		return v != 0;
	case WHEN_FLAG_SET:
		return (lo(v) & r->cond_val) != 0;
	case WHEN_FLAG_CLEAR:
		return (lo(v) & r->cond_val) == 0;
	case WHEN_EQ:
		return lo(v) == r->cond_val;
	}
	ck_abort_msg("bad condition");
	return false;
}

/* Any file could be on the number: assume it is readable and writable. */
static bool mmap_denied(const struct fd_state *st, const struct seccomp_data *d)
{
	uint32_t prot = lo(d->args[2]), flags = lo(d->args[3]);

	if (flags & MAP_ANONYMOUS)
		return false;
	if (!has(st, CAP_MMAP) || !has(st, CAP_MMAP_R))
		return true;
	if ((prot & PROT_EXEC) && !has(st, CAP_MMAP_X))
		return true;
	if ((flags & MAP_SHARED) && !has(st, CAP_MMAP_W))
		return true;
	return false;
}

/*
 * The process-wide refusals every filter carries, written out by hand from
 * the design (not from base.c's table): 0 if none applies.
 */
static uint32_t process_wide(const struct seccomp_data *d)
{
	uint32_t a0 = lo(d->args[0]), a1 = lo(d->args[1]);

	if (d->arch != CAPSICUM_AUDIT_ARCH || (uint32_t)d->nr >= 0x40000000u)
		return SECCOMP_RET_ERRNO | ENOSYS;
	switch (d->nr) {
	case NR_io_uring_setup:
	case NR_io_uring_enter:
	case NR_io_uring_register:
	case NR_io_submit:
		return DENY;
	case NR_clone3:
		return SECCOMP_RET_ERRNO | ENOSYS;
	case NR_sendmsg:
	case NR_sendmmsg:
		return DENY; /* the model is of filters made without a supervisor */
	case NR_clone:
		return (a0 & CLONE_FILES) && !(a0 & CLONE_THREAD) ? DENY : 0;
	case NR_seccomp:
		return (a1 & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? DENY : 0;
	case NR_ioctl:
		/* type and number: any direction and size */
		switch (a1 & 0xffff) {
		case FICLONERANGE & 0xffff:
		case FIDEDUPERANGE & 0xffff:
		case 0x660F: /* EXT4_IOC_MOVE_EXT */
		case SECCOMP_IOCTL_NOTIF_ADDFD & 0xffff:
		case 0x586D: /* XFS_IOC_SWAPEXT */
		case 0x5881: /* XFS_IOC_EXCHANGE_RANGE */
		case 0xF509: /* F2FS_IOC_MOVE_RANGE */
		case 0x9401: /* BTRFS_IOC_SNAP_CREATE */
		case 0x9417: /* BTRFS_IOC_SNAP_CREATE_V2 */
		case 0x9426: /* BTRFS_IOC_SEND */
		case 0x4C0A: /* LOOP_CONFIGURE */
		case 0xE500: /* FUSE_DEV_IOC_CLONE */
		case 0xE501: /* FUSE_DEV_IOC_BACKING_OPEN */
		case 0x7542: /* UDMABUF_CREATE */
		case 0x7543: /* UDMABUF_CREATE_LIST */
		case 0x4C00: /* LOOP_SET_FD */
		case 0x4C06: /* LOOP_CHANGE_FD */
		case 0xAB00: /* NBD_SET_SOCK */
		case 0x2405: /* PERF_EVENT_IOC_SET_OUTPUT */
			return DENY;
		}
		return 0;
	case NR_fsconfig:
		return a1 >= 3 && a1 <= 5 ? DENY : 0; /* SET_PATH, SET_PATH_EMPTY, SET_FD */
	case NR_prctl:
		return a0 == PR_SET_MM ? DENY : 0;
	case NR_perf_event_open:
		return lo(d->args[4]) & 4 ? DENY : 0; /* PERF_FLAG_PID_CGROUP */
	}
	return 0;
}

static uint32_t expect(const struct fd_state *st, uint32_t fd, const struct seccomp_data *d)
{
	uint32_t pw = process_wide(d);

	if (pw != 0)
		return pw;
	if (d->nr == NR_fcntl && lo(d->args[1]) == QUERY_CMD && lo(d->args[0]) == fd) {
		uint16_t ans[Q_IOCTL0 + 3 * CAP_IOCTLS_LIMIT_MAX];
		unsigned n = state_answers(st, ans, ARRAY_LEN(ans));

		if (lo(d->args[2]) < n)
			return SECCOMP_RET_ERRNO | (QUERY_ANSWER_BASE + ans[lo(d->args[2])]);
		return SECCOMP_RET_ERRNO | EINVAL;
	}
	for (unsigned i = 0; i < fd_rules_count; i++) {
		const struct fd_rule *r = &fd_rules[i];

		if (r->nr == d->nr && lo(d->args[r->fdarg]) == fd && cond_holds(r, d) &&
		    !has(st, r->need))
			return DENY;
	}
	if (d->nr == NR_ioctl && lo(d->args[0]) == fd) {
		if (!has(st, CAP_IOCTL))
			return DENY;
		if (st->nioctls >= 0) {
			for (int i = 0; i < st->nioctls; i++)
				if (st->ioctls[i] == lo(d->args[1]))
					return ALLOW;
			return DENY;
		}
	}
	if (d->nr == NR_fcntl && lo(d->args[0]) == fd) {
		for (unsigned i = 0; i < fcntl_rules_count; i++) {
			const struct fcntl_rule *r = &fcntl_rules[i];

			if (r->cmd == lo(d->args[1]))
				return has(st, r->need) &&
				               (st->fcntls & r->fcntl_bit) == r->fcntl_bit
				           ? ALLOW
				           : DENY;
		}
		return DENY; /* unknown command */
	}
	if (d->nr == NR_mmap && lo(d->args[4]) == fd && mmap_denied(st, d))
		return DENY;
	return ALLOW;
}

/* --- Random states and calls. --- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_state(struct fd_state *st)
{
	cap_rights_t all;

	CAP_ALL(&all);
	state_full(st);
	/* Drop each right with probability 1/4, or almost all of them. */
	uint64_t keep = rnd() % 4 == 0 ? rnd() & rnd() & rnd() : rnd() | rnd();
	st->rights.cr_rights[0] = CAPRIGHT(0, all.cr_rights[0] & keep & 0x01FFFFFFFFFFFFFFULL);
	keep = rnd() | rnd();
	st->rights.cr_rights[1] = CAPRIGHT(1, all.cr_rights[1] & keep & 0x01FFFFFFFFFFFFFFULL);
	st->fcntls = (uint32_t)rnd() & CAP_FCNTL_ALL;
	st->nioctls = rnd() % 3 == 0 ? -1 : (int)(rnd() % 8);
	for (int i = 0; i < st->nioctls; i++)
		st->ioctls[i] = (uint32_t)(rnd() % 4 == 0 ? FIONREAD + i : rnd());
	if (!has(st, CAP_IOCTL))
		st->nioctls = 0;
	if (!has(st, CAP_FCNTL))
		st->fcntls = 0;
}

static uint64_t random_arg(const struct fd_state *st, uint32_t fd)
{
	static const uint64_t interesting[] = {
	    0,
	    1,
	    AT_EMPTY_PATH,
	    MAP_SHARED,
	    MAP_PRIVATE,
	    MAP_ANONYMOUS | MAP_PRIVATE,
	    MAP_SHARED_VALIDATE,
	    PROT_READ,
	    PROT_WRITE,
	    PROT_EXEC,
	    PROT_READ | PROT_WRITE,
	    FICLONE,
	    FICLONERANGE,
	    0x40202103, /* ADDFD with another size */
	    0xC0C0586D, /* XFS_IOC_SWAPEXT-like */
	    0x4C00,     /* LOOP_SET_FD */
	    0x4C0A,     /* LOOP_CONFIGURE */
	    0xAB00,     /* NBD_SET_SOCK */
	    5,          /* FSCONFIG_SET_FD */
	    PR_SET_MM,
	    4, /* PERF_FLAG_PID_CGROUP */
	    QUERY_CMD,
	    CLONE_FILES,
	    CLONE_FILES | CLONE_THREAD,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER,
	    F_GETFL,
	    F_SETFL,
	    F_GETOWN,
	    F_DUPFD,
	    F_SETLK,
	    0x7777,
	    3,
	    1ULL << 32,
	    0xFFFFFFFFULL,
	    ~0ULL,
	};

	switch (rnd() % 6) {
	case 0:
	case 1:
		return fd;
	case 2:
		return fd | (rnd() << 32); /* high word set: the kernel ignores it */
	case 3:
		return st->nioctls > 0 ? st->ioctls[rnd() % (uint64_t)st->nioctls] : rnd();
	case 4:
		return interesting[rnd() % ARRAY_LEN(interesting)];
	default:
		return rnd() % 16 == 0 ? rnd() : rnd() % 12;
	}
}

static int random_nr(void)
{
	if (rnd() % 4 == 0) {
		static const int special[] = {
		    NR_fcntl,    NR_ioctl,           NR_mmap,    NR_read,      NR_write,
		    NR_clone,    NR_clone3,          NR_seccomp, NR_io_submit, NR_prctl,
		    NR_fsconfig, NR_perf_event_open, NR_sendmsg, NR_sendmmsg};
		return special[rnd() % ARRAY_LEN(special)];
	}
	if (rnd() % 8 == 0)
		return (int)(rnd() % 500);
	return fd_rules[rnd() % fd_rules_count].nr;
}

START_TEST(compiled_filters_match_the_model)
{
	for (int s = 0; s < 200; s++) {
		struct fd_state st;
		struct bpf_asm a;
		uint32_t fd = (uint32_t)(rnd() % 5 == 0 ? rnd() % 100000 : rnd() % 8);

		random_state(&st);
		bpf_init(&a);
		ck_assert_int_eq(rights_compile(&a, (int)fd, &st, false), 0);
		for (int c = 0; c < 2000; c++) {
			struct seccomp_data d = {.nr = random_nr(), .arch = CAPSICUM_AUDIT_ARCH};

			for (int i = 0; i < 6; i++)
				d.args[i] = random_arg(&st, fd);
			uint32_t got = run(&a, &d), want = expect(&st, fd, &d);
			ck_assert_msg(
			    got == want,
			    "state %d call %d: nr %d args %llx %llx %llx %llx %llx: got %x want %x",
			    s, c, d.nr, (unsigned long long)d.args[0],
			    (unsigned long long)d.args[1], (unsigned long long)d.args[2],
			    (unsigned long long)d.args[3], (unsigned long long)d.args[4], got,
			    want);
		}
		bpf_free(&a);
	}
}
END_TEST

/*
 * The supervisor's judge (a cached program for a stand-in number, the
 * call's descriptor arguments renamed) answers as the filter compiled for
 * the slow number itself, on every call whose descriptors the listener
 * would route to it.
 */
START_TEST(judge_agrees_with_the_filter)
{
	for (int s = 0; s < 60; s++) {
		struct fd_state st;
		struct bpf_asm a;
		uint32_t fd = SLOW_LO + (uint32_t)(rnd() % (SLOW_HI - SLOW_LO));

		random_state(&st);
		bpf_init(&a);
		ck_assert_int_eq(rights_compile(&a, (int)fd, &st, true), 0);
		for (int c = 0; c < 2000; c++) {
			struct seccomp_data d = {.nr = random_nr(), .arch = CAPSICUM_AUDIT_ARCH};
			unsigned args;

			for (int i = 0; i < 6; i++)
				d.args[i] = random_arg(&st, fd);
			if (rnd() % 4 == 0)
				d.args[rnd() % 6] = 0x7ffffffe; /* the judge's stand-in */
			args = route_fd_args_of(&d);
			ck_assert_uint_eq(rights_judge((int)fd, &st, &d, args), run(&a, &d));
		}
		bpf_free(&a);
	}
}
END_TEST

/* Every rule row, with its condition satisfied, denies exactly when the right is missing. */
START_TEST(each_rule_row_denies_without_its_right)
{
	for (unsigned i = 0; i < fd_rules_count; i++) {
		const struct fd_rule *r = &fd_rules[i];
		struct fd_state st;
		struct bpf_asm a;
		struct seccomp_data d = {.nr = r->nr, .arch = CAPSICUM_AUDIT_ARCH};
		cap_rights_t need;

		if (r->nr < 0)
			continue;
		state_full(&st);
		if (r->need != RIGHT_NEVER && r->need != RIGHT_LOOKUP && r->need != RIGHT_COPY) {
			cap_rights_init(&need, r->need);
			cap_rights_remove(&st.rights, &need);
		} else {
			cap_rights_clear(&st.rights, CAP_FCHROOT); /* any limit */
		}
		d.args[r->fdarg] = 7;
		if (r->cond == WHEN_PTR_SET || r->cond == WHEN_FLAG_SET || r->cond == WHEN_EQ)
			d.args[r->cond_arg] = r->cond == WHEN_PTR_SET ? 0x1000 : r->cond_val;
		if (r->cond_arg == r->fdarg && r->cond != WHEN_ALWAYS)
			continue; /* no such row today; the model test covers it */
		bpf_init(&a);
		/* Without a supervisor every sendmsg is refused (unsupervised_refusals). */
		ck_assert_int_eq(
		    rights_compile(&a, 7, &st, r->nr == NR_sendmsg || r->nr == NR_sendmmsg), 0);
		ck_assert_msg(run(&a, &d) == DENY, "row %u (nr %d arg %u) not denied", i, r->nr,
		              r->fdarg);
		d.args[r->fdarg] = 8;
		ck_assert_msg(run(&a, &d) == ALLOW, "row %u denies another descriptor", i);
		bpf_free(&a);
	}
}
END_TEST

/*
 * Messages carry descriptors in memory: a filter made without a supervisor
 * refuses every sendmsg and sendmmsg, on any descriptor and with all
 * rights; with one, only the rule rows apply (the supervisor sends).
 */
START_TEST(unsupervised_refusals)
{
	static const int nrs[] = {NR_sendmsg, NR_sendmmsg};
	struct fd_state st;

	state_full(&st);
	cap_rights_clear(&st.rights, CAP_FCHROOT); /* any limit */
	for (size_t i = 0; i < ARRAY_LEN(nrs); i++) {
		struct seccomp_data d = {.nr = nrs[i], .arch = CAPSICUM_AUDIT_ARCH, .args = {3}};
		struct bpf_asm a;

		bpf_init(&a);
		ck_assert_int_eq(rights_compile(&a, 7, &st, false), 0);
		ck_assert_uint_eq(run(&a, &d), DENY);
		bpf_free(&a);
		bpf_init(&a);
		ck_assert_int_eq(rights_compile(&a, 7, &st, true), 0);
		ck_assert_uint_eq(run(&a, &d), ALLOW);
		d.args[0] = 7;
		ck_assert_uint_eq(run(&a, &d), ALLOW);
		bpf_free(&a);
	}
}
END_TEST

START_TEST(worst_case_sizes_fit)
{
	static const uint64_t rights[] = {
	    CAP_READ,        CAP_WRITE,   CAP_SEEK,         CAP_MMAP,   CAP_FSTAT,
	    CAP_FCNTL,       CAP_IOCTL,   CAP_EVENT,        CAP_SEND,   CAP_RECV,
	    CAP_CONNECT,     CAP_FCHMOD,  CAP_FCHOWN,       CAP_FSYNC,  CAP_FTRUNCATE,
	    CAP_FEXECVE,     CAP_LOOKUP,  CAP_KQUEUE_EVENT, CAP_PDKILL, CAP_EXTATTR_GET,
	    CAP_INOTIFY_ADD, CAP_FUTIMES, CAP_SETSOCKOPT,   CAP_PDWAIT, CAP_FLOCK,
	};
	size_t largest = 0;
	struct fd_state st;
	struct bpf_asm a;

	/*
	 * About 75 filters must fit the kernel's budget of 32768 instructions
	 * counted after conversion to eBPF (some 20 % more than classic BPF):
	 * every state made of one right, or of all rights but one, stays
	 * under 380 classic instructions (without ioctl lists).
	 */
	for (size_t i = 0; i < ARRAY_LEN(rights); i++) {
		for (int complement = 0; complement < 2; complement++) {
			state_full(&st);
			if (complement) {
				cap_rights_clear(&st.rights, rights[i]);
			} else {
				cap_rights_init(&st.rights, rights[i]);
			}
			if (!has(&st, CAP_IOCTL))
				st.nioctls = 0;
			if (!has(&st, CAP_FCNTL))
				st.fcntls = 0;
			bpf_init(&a);
			ck_assert_int_eq(rights_compile(&a, 3, &st, false), 0);
			ck_assert_msg(a.len < 380, "right %zu%s: %zu instructions", i,
			              complement ? " removed" : " alone", a.len);
			largest = a.len > largest ? a.len : largest;
			bpf_free(&a);
		}
	}
	printf("largest filter for one right, or all but one: %zu instructions\n", largest);

	/* No rights at all. */
	state_full(&st);
	cap_rights_init(&st.rights);
	st.nioctls = 0;
	st.fcntls = 0;
	bpf_init(&a);
	ck_assert_int_eq(rights_compile(&a, 3, &st, false), 0);
	printf("filter for no rights: %zu instructions\n", a.len);
	ck_assert_uint_lt(a.len, 1200);
	bpf_free(&a);

	/* All rights but a full ioctl list: the largest filter. */
	state_full(&st);
	st.nioctls = CAP_IOCTLS_LIMIT_MAX;
	for (int i = 0; i < st.nioctls; i++)
		st.ioctls[i] = 0xC0000000u + (uint32_t)i;
	bpf_init(&a);
	ck_assert_int_eq(rights_compile(&a, 3, &st, false), 0);
	printf("filter for 256 ioctls: %zu instructions\n", a.len);
	ck_assert_uint_le(a.len, BPF_MAXINSNS);
	bpf_free(&a);

	/* A typical stdio limit is small. */
	state_full(&st);
	cap_rights_init(&st.rights, CAP_READ, CAP_WRITE, CAP_SEEK, CAP_FSTAT, CAP_FCNTL, CAP_IOCTL,
	                CAP_EVENT);
	st.nioctls = 3;
	st.fcntls = CAP_FCNTL_GETFL;
	bpf_init(&a);
	ck_assert_int_eq(rights_compile(&a, 1, &st, false), 0);
	printf("filter for stdio rights: %zu instructions\n", a.len);
	bpf_free(&a);
}
END_TEST

/* Every filter refuses other architectures, x32 and the blind interfaces. */
START_TEST(process_wide_verdicts)
{
	struct fd_state st;
	struct bpf_asm a;
	struct seccomp_data d = {.arch = CAPSICUM_AUDIT_ARCH};

	state_full(&st);
	cap_rights_clear(&st.rights, CAP_FCHROOT); /* a limit that touches no call */
	bpf_init(&a);
	ck_assert_int_eq(rights_compile(&a, 3, &st, false), 0);
	d.nr = NR_read;
	ck_assert_uint_eq(run(&a, &d), ALLOW);
	d.nr = NR_read | (int)CAPSICUM_NR_X32_BIT;
	ck_assert_uint_eq(run(&a, &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = 4;
	d.arch = AUDIT_ARCH_I386;
	ck_assert_uint_eq(run(&a, &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.arch = CAPSICUM_AUDIT_ARCH;
	d.nr = NR_io_uring_setup;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.nr = NR_io_submit;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.nr = NR_clone3;
	ck_assert_uint_eq(run(&a, &d), SECCOMP_RET_ERRNO | ENOSYS);
	d.nr = NR_clone;
	d.args[0] = CLONE_FILES | SIGCHLD;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.args[0] = CLONE_FILES | CLONE_THREAD | CLONE_VM | CLONE_SIGHAND;
	ck_assert_uint_eq(run(&a, &d), ALLOW);
	d.args[0] = SIGCHLD;
	ck_assert_uint_eq(run(&a, &d), ALLOW);
	d.nr = NR_seccomp;
	d.args[0] = SECCOMP_SET_MODE_FILTER;
	d.args[1] = SECCOMP_FILTER_FLAG_NEW_LISTENER;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.args[1] = SECCOMP_FILTER_FLAG_TSYNC;
	ck_assert_uint_eq(run(&a, &d), ALLOW);
	d.nr = NR_ioctl;
	d.args[0] = 9;
	d.args[1] = FICLONERANGE;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.args[1] = SECCOMP_IOCTL_NOTIF_ADDFD;
	ck_assert_uint_eq(run(&a, &d), DENY);
	d.args[1] = FIONREAD;
	ck_assert_uint_eq(run(&a, &d), ALLOW);
	bpf_free(&a);
}
END_TEST

/* The policy tables themselves: no duplicate rows, every fcntl command once. */
START_TEST(tables_are_well_formed)
{
	for (unsigned i = 0; i < fd_rules_count; i++) {
		ck_assert_uint_lt(fd_rules[i].fdarg, 6);
		ck_assert_uint_lt(fd_rules[i].cond_arg, 6);
		ck_assert(fd_rules[i].need == RIGHT_NEVER || fd_rules[i].need == RIGHT_LOOKUP ||
		          fd_rules[i].need == RIGHT_COPY || fd_rules[i].need == 0 ||
		          CAPIDXBIT(fd_rules[i].need) == 1 || CAPIDXBIT(fd_rules[i].need) == 2);
		for (unsigned j = i + 1; j < fd_rules_count; j++)
			ck_assert_msg(memcmp(&fd_rules[i], &fd_rules[j], sizeof(fd_rules[i])) != 0,
			              "rows %u and %u are identical", i, j);
	}
	for (unsigned i = 0; i < fcntl_rules_count; i++)
		for (unsigned j = i + 1; j < fcntl_rules_count; j++)
			ck_assert_uint_ne(fcntl_rules[i].cmd, fcntl_rules[j].cmd);
}
END_TEST

/*
 * The listener filter never changes, so everything the other filters leave
 * to the supervisor must be routed by it: where capability mode allows a
 * call only because a supervisor serves it, and where a rights filter
 * skips a lookup rule, the listener must return USER_NOTIF.  Otherwise
 * the call would run unchecked in the kernel.
 */
static uint64_t routed_arg(void)
{
	static const uint64_t vals[] = {(uint32_t)AT_FDCWD,
	                                0xffffffff00000000ull | (uint32_t)AT_FDCWD,
	                                0,
	                                3,
	                                7,
	                                0x100000007ull,
	                                CTL_PRCTL_FOR_TEST,
	                                0x1000};

	return rnd() % 4 == 0 ? rnd() : vals[rnd() % ARRAY_LEN(vals)];
}

START_TEST(listener_routes_what_others_leave_to_it)
{
	struct bpf_asm lis, sup, ko, lim, lean_lis, lean_sup, paths_lis, paths_sup;
	struct fd_state st;
	unsigned checked = 0;

	bpf_init(&lis);
	bpf_init(&sup);
	bpf_init(&ko);
	ck_assert_int_eq(listener_compile(&lis, SUP_FULL), 0);
	ck_assert_int_eq(capmode_compile(&sup, RK_SERVED), 0);
	ck_assert_int_eq(capmode_compile(&ko, 0), 0);
	state_full(&st);
	cap_rights_clear(&st.rights, CAP_FCHROOT); /* limited, every lookup right kept */
	bpf_init(&lim);
	ck_assert_int_eq(rights_compile(&lim, 7, &st, true), 0);
	/* The lean listener and the filter cap_enter makes with it (opens from the cwd served). */
	bpf_init(&lean_lis);
	bpf_init(&lean_sup);
	ck_assert_int_eq(listener_compile(&lean_lis, SUP_LEAN), 0);
	ck_assert_int_eq(capmode_compile(&lean_sup, route_served(SUP_LEAN)), 0);
	/* capsicum(1)'s: every global name served through the path table */
	bpf_init(&paths_lis);
	bpf_init(&paths_sup);
	ck_assert_int_eq(listener_compile(&paths_lis, SUP_PATHS), 0);
	ck_assert_int_eq(capmode_compile(&paths_sup, route_served(SUP_PATHS)), 0);
	for (int iter = 0; iter < 600000; iter++) {
		int nr = rnd() % 2 ? cm_rules[rnd() % cm_rules_count].nr : random_nr();
		struct seccomp_data d = {.nr = nr, .arch = CAPSICUM_AUDIT_ARCH};
		static const char *const names[] = {"full", "lean", "paths"};
		int mode = iter % 3;
		struct bpf_asm *ml = mode == 0 ? &lis : mode == 1 ? &lean_lis : &paths_lis;
		struct bpf_asm *ms = mode == 0 ? &sup : mode == 1 ? &lean_sup : &paths_sup;
		uint32_t l;

		if (nr < 0)
			continue;
		for (int i = 0; i < 6; i++)
			d.args[i] = routed_arg();
		l = run(ml, &d);
		if (nr == NR_clone || nr == NR_clone3 || nr == NR_unshare)
			continue; /* the listener's own refusals, below */
		ck_assert(l == SECCOMP_RET_ALLOW || l == SECCOMP_RET_USER_NOTIF);
		if (run(ms, &d) == SECCOMP_RET_ALLOW && run(&ko, &d) != SECCOMP_RET_ALLOW) {
			ck_assert_msg(l == SECCOMP_RET_USER_NOTIF,
			              "capmode leaves nr %u unrouted (%s)", d.nr, names[mode]);
			checked++;
		}
	}
	/* The full listener leaves opens from the cwd alone: capability mode must refuse them. */
	{
		struct seccomp_data d = {.nr = NR_openat, .arch = CAPSICUM_AUDIT_ARCH};

		d.args[0] = (uint32_t)AT_FDCWD;
		d.args[1] = 0x1000;
		ck_assert_uint_eq(run(&lis, &d), SECCOMP_RET_ALLOW);
		ck_assert_uint_eq(run(&sup, &d), SECCOMP_RET_ERRNO | ECAPMODE);
		ck_assert_uint_eq(run(&lean_lis, &d), SECCOMP_RET_USER_NOTIF);
		ck_assert_uint_eq(run(&lean_sup, &d), SECCOMP_RET_ALLOW);
		ck_assert_uint_eq(run(&paths_lis, &d), SECCOMP_RET_USER_NOTIF);
		ck_assert_uint_eq(run(&paths_sup, &d), SECCOMP_RET_ALLOW);
		/* other global names: only the paths listener takes them */
		d.nr = NR_newfstatat;
		ck_assert_uint_eq(run(&lean_sup, &d), SECCOMP_RET_ERRNO | ECAPMODE);
		ck_assert_uint_eq(run(&paths_lis, &d), SECCOMP_RET_USER_NOTIF);
		ck_assert_uint_eq(run(&paths_sup, &d), SECCOMP_RET_ALLOW);
		d.args[1] = 0; /* fstatat(AT_FDCWD, NULL): the current directory itself */
		ck_assert_uint_eq(run(&paths_lis, &d), SECCOMP_RET_USER_NOTIF);
		d.nr = NR_open;
		d.args[0] = 0x1000;
		ck_assert_uint_eq(run(&sup, &d), SECCOMP_RET_ERRNO | ECAPMODE);
		ck_assert_uint_eq(run(&lean_sup, &d), SECCOMP_RET_ERRNO | ECAPMODE);
		ck_assert_uint_eq(run(&lis, &d), SECCOMP_RET_ALLOW);
		ck_assert_uint_eq(run(&paths_lis, &d), SECCOMP_RET_USER_NOTIF);
		ck_assert_uint_eq(run(&paths_sup, &d), SECCOMP_RET_ALLOW);
	}
	bpf_free(&lean_lis);
	bpf_free(&lean_sup);
	bpf_free(&paths_lis);
	bpf_free(&paths_sup);
	/* Every rights row the supervisor may take over, with fd 7 in its slot. */
	for (unsigned i = 0; i < fd_rules_count; i++) {
		const struct fd_rule *r = &fd_rules[i];
		struct seccomp_data d = {.nr = r->nr, .arch = CAPSICUM_AUDIT_ARCH};

		if (r->nr < 0 || (r->need != RIGHT_LOOKUP && r->need != RIGHT_COPY))
			continue;
		for (int a = 0; a < 6; a++)
			d.args[a] = (uint32_t)AT_FDCWD;
		d.args[r->fdarg] = 7;
		if (r->cond == WHEN_PTR_SET)
			d.args[r->cond_arg] = 0x1000;
		else if (r->need == RIGHT_LOOKUP)
			d.args[r->fdarg + 1] = 0x1000; /* the path */
		ck_assert_msg(run(&lim, &d) == ALLOW, "row %u still refused", i);
		ck_assert_msg(run(&lis, &d) == SECCOMP_RET_USER_NOTIF, "row %u unrouted", i);
		checked++;
	}
	/* the listener's refusals: another table, another parent, clone3 */
	{
		static const struct {
			int nr;
			uint64_t flags;
			uint32_t want;
		} cl[] = {
		    {NR_clone, SIGCHLD, SECCOMP_RET_ALLOW},
		    {NR_clone, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FILES | CLONE_FS,
		     SECCOMP_RET_ALLOW},
		    {NR_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, SECCOMP_RET_ALLOW},
		    {NR_clone, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, DENY},
		    {NR_clone, CLONE_FILES | SIGCHLD, DENY},
		    {NR_clone, CLONE_PARENT | SIGCHLD, DENY},
		    {NR_clone3, 0, SECCOMP_RET_ERRNO | ENOSYS},
		    {NR_unshare, CLONE_FILES, DENY},
		    {NR_unshare, CLONE_FS, SECCOMP_RET_ALLOW},
		};

		for (size_t i = 0; i < ARRAY_LEN(cl); i++) {
			struct seccomp_data d = {.nr = cl[i].nr, .arch = CAPSICUM_AUDIT_ARCH};

			d.args[0] = cl[i].flags;
			ck_assert_msg(run(&lis, &d) == cl[i].want, "clone case %zu", i);
		}
	}
	/* fcntl's copies, on any descriptor */
	for (unsigned i = 0; i < 2; i++) {
		struct seccomp_data d = {.nr = NR_fcntl, .arch = CAPSICUM_AUDIT_ARCH};

		d.args[0] = 7;
		d.args[1] = i ? F_DUPFD_CLOEXEC : F_DUPFD;
		ck_assert(run(&lim, &d) == ALLOW);
		ck_assert(run(&lis, &d) == SECCOMP_RET_USER_NOTIF);
		d.args[0] = 3;
		ck_assert(run(&lis, &d) == SECCOMP_RET_USER_NOTIF);
	}
	/* every descriptor argument in the slow range, whatever the call */
	for (unsigned i = 0; i < fd_rules_count; i++) {
		const struct fd_rule *r = &fd_rules[i];
		struct seccomp_data d = {.nr = r->nr, .arch = CAPSICUM_AUDIT_ARCH};
		static const uint64_t in[] = {SLOW_LO, SLOW_HI - 1,
		                              0xffffffff00000000ULL | SLOW_LO};

		if (r->nr < 0)
			continue;
		for (size_t k = 0; k < ARRAY_LEN(in); k++) {
			for (int a = 0; a < 6; a++)
				d.args[a] = 1;
			d.args[r->fdarg] = in[k];
			ck_assert_msg(run(&lis, &d) == SECCOMP_RET_USER_NOTIF,
			              "row %u: slow number %#llx unrouted", i,
			              (unsigned long long)in[k]);
			checked++;
		}
	}
	{
		struct seccomp_data d = {.nr = NR_read, .arch = CAPSICUM_AUDIT_ARCH};
		struct bpf_asm lean;

		/* the lean listener inspects no argument of read: the action cache holds */
		bpf_init(&lean);
		ck_assert_int_eq(listener_compile(&lean, SUP_LEAN), 0);
		for (int k = 0; k < 1000; k++) {
			static const int hot[] = {NR_read,  NR_write, NR_pread64,
			                          NR_lseek, NR_fstat, NR_mmap,
			                          NR_readv, NR_ioctl, NR_getdents64};

			d.nr = hot[rnd() % ARRAY_LEN(hot)];
			for (int i = 0; i < 6; i++)
				d.args[i] = routed_arg();
			d.args[rnd() % 6] = SLOW_LO + rnd() % (SLOW_HI - SLOW_LO);
			ck_assert(run(&lean, &d) == SECCOMP_RET_ALLOW);
		}
		bpf_free(&lean);
		d.nr = NR_read;
		d.args[0] = SLOW_HI;
		ck_assert(run(&lis, &d) == SECCOMP_RET_ALLOW);
		d.args[0] = SLOW_LO - 1;
		ck_assert(run(&lis, &d) == SECCOMP_RET_ALLOW);
		d.nr = NR_mmap;
		d.args[4] = SLOW_LO;
		ck_assert(run(&lis, &d) == SECCOMP_RET_USER_NOTIF);
		d.nr = NR_ioctl;
		d.args[0] = SLOW_LO + 5;
		ck_assert(run(&lis, &d) == SECCOMP_RET_USER_NOTIF);
	}
	ck_assert_uint_gt(checked, 1000);
	bpf_free(&lis);
	bpf_free(&sup);
	bpf_free(&ko);
	bpf_free(&lim);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("bpf_compile");
	TCase *tc = tcase_create("compile");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, compiled_filters_match_the_model);
	tcase_add_test(tc, each_rule_row_denies_without_its_right);
	tcase_add_test(tc, judge_agrees_with_the_filter);
	tcase_add_test(tc, unsupervised_refusals);
	tcase_add_test(tc, worst_case_sizes_fit);
	tcase_add_test(tc, process_wide_verdicts);
	tcase_add_test(tc, tables_are_well_formed);
	tcase_add_test(tc, listener_routes_what_others_leave_to_it);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN()
