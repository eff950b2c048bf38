/*
 * Rights -> seccomp filter.
 *
 * One filter per cap_rights_limit() call, for one descriptor number N:
 *
 *	ld nr; binary search over the calls that have a rule N's state fails
 *	per call: for each failing rule, "low 32 bits of the fd argument == N
 *	          and the rule's condition holds" -> ERRNO(ENOTCAPABLE)
 *	otherwise ALLOW
 *
 * Only rules the state does not satisfy are emitted, so a lightly limited
 * descriptor costs a short search on unrelated calls.  Descriptors are
 * compared on their low 32 bits because the kernel truncates them to int:
 * a rule on the full register would be bypassed by setting the high word.
 * The architecture and x32 checks live once, in the base filter (base.c);
 * seccomp returns the most restrictive action of all filters, so a filter
 * that allows never overrides one that refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../arch/arch.h"
#include "../bpf/asm.h"
#include "compile.h"
#include "rules.h"
#include "state.h"

#define DENY	RET_ERRNO(ENOTCAPABLE)
#define ALLOW	SECCOMP_RET_ALLOW
#define LEAF_MAX 4 /* calls tested linearly at the bottom of the search */

struct compiler {
	struct bpf_asm *a;
	uint32_t fd;
	const struct fd_state *st;
};

static bool holds(const struct fd_state *st, uint64_t need)
{
	int idx;

	if (need == RIGHT_NEVER)
		return false;
	if (need == 0)
		return true;
	idx = CAPIDXBIT(need) == 1 ? 0 : 1;
	return (st->rights.cr_rights[idx] & need) == need;
}

static bool fcntl_allowed(const struct fd_state *st, const struct fcntl_rule *r)
{
	return holds(st, r->need) && (st->fcntls & r->fcntl_bit) == r->fcntl_bit;
}

static bool ioctl_limited(const struct fd_state *st)
{
	return !holds(st, CAP_IOCTL) || st->nioctls >= 0;
}

static bool mmap_limited(const struct fd_state *st)
{
	return !holds(st, CAP_MMAP_RWX);
}

/* "if (low word of args[arg] != fd) goto next" */
static void match_fd(struct compiler *c, unsigned arg, int next)
{
	bpf_ld(c->a, SD_ARG_LO(arg));
	bpf_jmp(c->a, BPF_JEQ, c->fd, BPF_NEXT, next);
}

/* The same, when `next` may lie beyond a conditional jump's reach. */
static void match_fd_far(struct compiler *c, unsigned arg, int next)
{
	bpf_ld(c->a, SD_ARG_LO(arg));
	bpf_jmp_far(c->a, BPF_JEQ, c->fd, false, next);
}

/* "if (!cond) goto next" */
static void match_cond(struct bpf_asm *a, const struct fd_rule *r, int next)
{
	switch (r->cond) {
	case WHEN_ALWAYS:
		break;
	case WHEN_PTR_NULL:
		bpf_ld(a, SD_ARG_LO(r->cond_arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		bpf_ld(a, SD_ARG_HI(r->cond_arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		break;
	case WHEN_PTR_SET: {
		int set = bpf_label(a);

		bpf_ld(a, SD_ARG_LO(r->cond_arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ld(a, SD_ARG_HI(r->cond_arg));
		bpf_jmp(a, BPF_JEQ, 0, next, BPF_NEXT);
		bpf_bind(a, set);
		break;
	}
	case WHEN_FLAG_SET:
		bpf_ld(a, SD_ARG_LO(r->cond_arg));
		bpf_jmp(a, BPF_JSET, r->cond_val, BPF_NEXT, next);
		break;
	case WHEN_FLAG_CLEAR:
		bpf_ld(a, SD_ARG_LO(r->cond_arg));
		bpf_jmp(a, BPF_JSET, r->cond_val, next, BPF_NEXT);
		break;
	case WHEN_EQ:
		bpf_ld(a, SD_ARG_LO(r->cond_arg));
		bpf_jmp(a, BPF_JEQ, r->cond_val, BPF_NEXT, next);
		break;
	default:
		CAPSICUM_CHECK(!"unknown rule condition");
	}
}

static void emit_rule(struct compiler *c, const struct fd_rule *r)
{
	int next = bpf_label(c->a);

	match_fd(c, r->fdarg, next);
	match_cond(c->a, r, next);
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

/* ioctl: CAP_IOCTL, and the command in the list when there is one. */
static void emit_ioctl(struct compiler *c)
{
	int next = bpf_label(c->a);

	match_fd_far(c, 0, next);
	if (holds(c->st, CAP_IOCTL)) {
		bpf_ld(c->a, SD_ARG_LO(1));
		bpf_jump_set(c->a, c->st->ioctls, (size_t)c->st->nioctls, next);
	}
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

/*
 * mmap (spec 2.9, brief 5).  Beyond FreeBSD's per-protection rights, Linux
 * lets mprotect() raise a mapping up to what the open file allows, so:
 * a readable file without CAP_MMAP_R cannot be mapped at all (PROT_NONE
 * could become PROT_READ), and a writable file without CAP_MMAP_W cannot be
 * mapped shared (PROT_READ could become PROT_WRITE).  On x86 every
 * non-PROT_NONE mapping can be read, so any protection needs CAP_MMAP_R.
 */
static void emit_mmap(struct compiler *c)
{
	const struct fd_state *st = c->st;
	bool readable = st->accmode == O_RDONLY || st->accmode == O_RDWR;
	bool writable = st->accmode == O_WRONLY || st->accmode == O_RDWR;
	int next = bpf_label(c->a), deny = bpf_label(c->a);

	match_fd(c, 4, next);
	bpf_ld(c->a, SD_ARG_LO(3));
	bpf_jmp(c->a, BPF_JSET, MAP_ANONYMOUS, next, BPF_NEXT); /* the fd is ignored */
	if (!holds(st, CAP_MMAP) || (readable && !holds(st, CAP_MMAP_R)))
		bpf_ja(c->a, deny);
	bpf_ld(c->a, SD_ARG_LO(2));
	if (!holds(st, CAP_MMAP_R))
		bpf_jmp(c->a, BPF_JSET, PROT_READ | PROT_WRITE | PROT_EXEC, deny, BPF_NEXT);
	if (!holds(st, CAP_MMAP_X))
		bpf_jmp(c->a, BPF_JSET, PROT_EXEC, deny, BPF_NEXT);
	if (!holds(st, CAP_MMAP_W)) {
		if (!writable)
			bpf_jmp(c->a, BPF_JSET, PROT_WRITE, BPF_NEXT, next);
		bpf_ld(c->a, SD_ARG_LO(3));
		bpf_jmp(c->a, BPF_JSET, MAP_SHARED, deny, BPF_NEXT);
	}
	bpf_ja(c->a, next);
	bpf_bind(c->a, deny);
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

/* fcntl: the state query first, then the command table. */
static void emit_fcntl(struct compiler *c)
{
	uint16_t ans[Q_IOCTL0 + 3 * CAP_IOCTLS_LIMIT_MAX];
	uint32_t allowed[64];
	unsigned nans = state_answers(c->st, ans, ARRAY_SIZE(ans)), nallowed = 0;
	int regular = bpf_label(c->a), next = bpf_label(c->a);

	bpf_ld(c->a, SD_ARG_LO(1));
	bpf_jmp_far(c->a, BPF_JEQ, QUERY_CMD, false, regular);
	match_fd_far(c, 0, next);
	bpf_ld(c->a, SD_ARG_LO(2));
	for (unsigned i = 0; i < nans; i++) {
		int skip = bpf_label(c->a);

		bpf_jmp(c->a, BPF_JEQ, i, BPF_NEXT, skip);
		bpf_ret(c->a, RET_ERRNO(QUERY_ANSWER_BASE + ans[i]));
		bpf_bind(c->a, skip);
	}
	bpf_ret(c->a, RET_ERRNO(EINVAL));

	bpf_bind(c->a, regular);
	CAPSICUM_CHECK(fcntl_rules_count <= ARRAY_SIZE(allowed));
	for (unsigned i = 0; i < fcntl_rules_count; i++)
		if (fcntl_allowed(c->st, &fcntl_rules[i]))
			allowed[nallowed++] = fcntl_rules[i].cmd;
	match_fd(c, 0, next);
	bpf_ld(c->a, SD_ARG_LO(1));
	bpf_jump_set(c->a, allowed, nallowed, next);
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

static int cmp_nr(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* The calls that get a block: every call with a failing rule, plus the specials. */
static size_t collect_calls(const struct fd_state *st, int *nrs)
{
	size_t n = 0, u = 0;

	nrs[n++] = NR_fcntl; /* always: it answers the state query */
	if (ioctl_limited(st))
		nrs[n++] = NR_ioctl;
	if (mmap_limited(st))
		nrs[n++] = NR_mmap;
	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr >= 0 && !holds(st, fd_rules[i].need))
			nrs[n++] = fd_rules[i].nr;
	qsort(nrs, n, sizeof(*nrs), cmp_nr);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || nrs[u - 1] != nrs[i])
			nrs[u++] = nrs[i];
	return u;
}

static void emit_block(struct compiler *c, int nr)
{
	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr == nr && !holds(c->st, fd_rules[i].need))
			emit_rule(c, &fd_rules[i]);
	if (nr == NR_ioctl && ioctl_limited(c->st))
		emit_ioctl(c);
	if (nr == NR_mmap && mmap_limited(c->st))
		emit_mmap(c);
	if (nr == NR_fcntl)
		emit_fcntl(c);
	bpf_ret(c->a, ALLOW);
}

/* Binary search on nr (already in A); far targets only through `ja`. */
static void emit_search(struct bpf_asm *a, const int *nrs, const int *blocks, size_t lo,
			size_t hi, int miss)
{
	if (hi - lo <= LEAF_MAX) {
		for (size_t i = lo; i < hi; i++) {
			int skip = bpf_label(a);

			bpf_jmp(a, BPF_JEQ, (uint32_t)nrs[i], BPF_NEXT, skip);
			bpf_ja(a, blocks[i]);
			bpf_bind(a, skip);
		}
		bpf_ja(a, miss);
	} else {
		size_t mid = lo + (hi - lo) / 2;
		int left = bpf_label(a), right = bpf_label(a);

		bpf_jmp(a, BPF_JGE, (uint32_t)nrs[mid], BPF_NEXT, left);
		bpf_ja(a, right);
		bpf_bind(a, left);
		emit_search(a, nrs, blocks, lo, mid, miss);
		bpf_bind(a, right);
		emit_search(a, nrs, blocks, mid, hi, miss);
	}
}

int rights_compile(struct bpf_asm *a, int fd, const struct fd_state *st)
{
	struct compiler c = {a, (uint32_t)fd, st};
	int nrs[FD_RULES_MAX + 3], blocks[FD_RULES_MAX + 3];
	size_t n;
	int miss = bpf_label(a);

	CAPSICUM_CHECK(fd_rules_count <= FD_RULES_MAX);
	n = collect_calls(st, nrs);

	bpf_ld(a, SD_NR);
	for (size_t i = 0; i < n; i++)
		blocks[i] = bpf_label(a);
	emit_search(a, nrs, blocks, 0, n, miss);
	bpf_bind(a, miss);
	bpf_ret(a, ALLOW);
	for (size_t i = 0; i < n; i++) {
		bpf_bind(a, blocks[i]);
		emit_block(&c, nrs[i]);
	}
	return bpf_finish(a);
}
