/*
 * Rights -> seccomp filter.
 *
 * One filter per limit, for one descriptor number N:
 *
 *	arch is not native, or an x32 number      -> ENOSYS
 *	ld nr; search the calls that have something to say about N:
 *	  a process-wide refusal (base.c)         -> its errno
 *	  failing rules that are unconditional    -> shared "args[i] == N?" check
 *	  conditions, ioctl lists, mmap, fcntl    -> a block of its own
 *	anything else                             -> ALLOW
 *
 * Only rules the state does not satisfy are emitted, and the many
 * unconditional ones share a handful of checks, so a filter stays a few
 * hundred instructions even with no rights: all filters of a thread share
 * a budget of 32768.  Descriptors are compared on their low 32 bits because
 * the kernel truncates them to int: a rule on the full register would be
 * bypassed by setting the high word.  seccomp returns the most restrictive
 * action of all filters, so a filter that allows never overrides one that
 * refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../arch/arch.h"
#include "../bpf/asm.h"
#include "../bpf/dispatch.h"
#include "../procdesc/procdesc.h"
#include "compile.h"
#include "rules.h"
#include "state.h"

#define DENY  ret_fail(ENOTCAPABLE)
#define ALLOW SECCOMP_RET_ALLOW

struct compiler {
	struct bpf_asm *a;
	uint32_t fd;
	const struct fd_state *st;
	bool supervised; /* lookups and copies are the supervisor's */
};

static bool holds(const struct fd_state *st, uint64_t need)
{
	if (need == RIGHT_NEVER || need == RIGHT_LOOKUP || need == RIGHT_COPY)
		return false;
	return need == 0 || state_has(st, need);
}

static bool fcntl_allowed(const struct compiler *c, const struct fcntl_rule *r)
{
	if (r->need == RIGHT_COPY)
		return c->supervised;
	return holds(c->st, r->need) && (c->st->fcntls & r->fcntl_bit) == r->fcntl_bit;
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
static void match_cond(struct bpf_asm *a, unsigned cond, unsigned arg, uint32_t val, uint32_t mask,
                       int next)
{
	switch (cond) {
	case WHEN_ALWAYS:
		break;
	case WHEN_PTR_NULL:
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		bpf_ld(a, SD_ARG_HI(arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		break;
	case WHEN_PTR_SET: {
		int set = bpf_label(a);

		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, set);
		bpf_ld(a, SD_ARG_HI(arg));
		bpf_jmp(a, BPF_JEQ, 0, next, BPF_NEXT);
		bpf_bind(a, set);
		break;
	}
	case WHEN_FLAG_SET:
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JSET, val, BPF_NEXT, next);
		break;
	case WHEN_FLAG_CLEAR:
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JSET, val, next, BPF_NEXT);
		break;
	case WHEN_EQ:
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_jmp(a, BPF_JEQ, val, BPF_NEXT, next);
		break;
	case WHEN_MASKED_EQ:
		bpf_ld(a, SD_ARG_LO(arg));
		bpf_alu_and(a, mask);
		bpf_jmp(a, BPF_JEQ, val, BPF_NEXT, next);
		break;
	default:
		CAPSICUM_CHECK(!"unknown rule condition");
	}
}

static bool applies(const struct compiler *c, const struct proc_rule *r, int nr)
{
	return r->nr == nr && !(r->unsupervised && c->supervised);
}

static void emit_proc_rule(struct bpf_asm *a, const struct proc_rule *r)
{
	int next = bpf_label(a);

	match_cond(a, r->cond, r->cond_arg, r->cond_val, r->cond_mask, next);
	bpf_ret(a, r->quiet ? RET_ERRNO(r->err) : ret_fail(r->err));
	bpf_bind(a, next);
}

/*
 * ioctl: CAP_IOCTL, and the command in the list when there is one.  A
 * process descriptor's exit status is read by PIDFD_GET_INFO on the
 * kernel's pidfd (procdesc/native.c): pdwait's right, CAP_PDWAIT, allows
 * that one command (it tells pid, credentials and exit, what pdwait tells).
 */
static void emit_ioctl(struct compiler *c)
{
	int next = bpf_label(c->a);

	match_fd_far(c, 0, next);
	if (holds(c->st, CAP_IOCTL)) {
		bpf_ld(c->a, SD_ARG_LO(1));
		bpf_jump_set(c->a, c->st->ioctls, (size_t)c->st->nioctls, next);
	}
	if (holds(c->st, CAP_PDWAIT)) {
		bpf_ld(c->a, SD_ARG_LO(1));
		bpf_jmp(c->a, BPF_JEQ, PD_GET_INFO, next, BPF_NEXT);
	}
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

/*
 * mmap (spec 2.9, brief 5).  Beyond FreeBSD's per-protection rights, Linux
 * lets mprotect() raise a mapping up to what the open file allows: PROT_NONE
 * can become PROT_READ, and a shared mapping can become writable if the
 * file is.  The rule belongs to the number, not to the file that was there
 * when it was compiled, so it assumes the worst file (readable and
 * writable): without CAP_MMAP_R nothing can be mapped, and without
 * CAP_MMAP_W nothing can be mapped shared.  mprotect adding PROT_EXEC is
 * not covered (DEVIATIONS.md).
 */
static void emit_mmap(struct compiler *c)
{
	const struct fd_state *st = c->st;
	int next = bpf_label(c->a), deny = bpf_label(c->a);

	match_fd(c, 4, next);
	bpf_ld(c->a, SD_ARG_LO(3));
	bpf_jmp(c->a, BPF_JSET, MAP_ANONYMOUS, next, BPF_NEXT); /* the fd is ignored */
	if (!holds(st, CAP_MMAP) || !holds(st, CAP_MMAP_R))
		bpf_ja(c->a, deny);
	if (!holds(st, CAP_MMAP_W))
		bpf_jmp(c->a, BPF_JSET, MAP_SHARED, deny, BPF_NEXT); /* also MAP_SHARED_VALIDATE */
	if (!holds(st, CAP_MMAP_X)) {
		bpf_ld(c->a, SD_ARG_LO(2));
		bpf_jmp(c->a, BPF_JSET, PROT_EXEC, deny, BPF_NEXT);
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
		if (fcntl_allowed(c, &fcntl_rules[i]))
			allowed[nallowed++] = fcntl_rules[i].cmd;
	match_fd(c, 0, next);
	bpf_ld(c->a, SD_ARG_LO(1));
	bpf_jump_set(c->a, allowed, nallowed, next);
	bpf_ret(c->a, DENY);
	bpf_bind(c->a, next);
}

/*
 * What a call resolves to once its number is known.  Calls with no failing
 * rule are not listed and fall through to ALLOW.
 */
enum target_kind {
	T_RET,   /* a fixed action: process-wide refusals */
	T_ARGS,  /* unconditional: ENOTCAPABLE if any of `args` is N (shared code) */
	T_BLOCK, /* conditions, lists, fcntl's query: code of its own */
};

struct call {
	int nr;
	uint8_t kind;
	uint8_t args; /* T_ARGS: bit i for args[i] */
	uint32_t ret; /* T_RET: the action */
	int label;    /* T_BLOCK: the block; T_ARGS: the shared check */
};

enum arg_status { ARG_FREE, ARG_ALWAYS, ARG_COND };

/*
 * The rights table's rows by call number, in table order within a call:
 * a filter asks about each call, and scanning the whole table for each
 * made compiling cost more than installing.
 */
static unsigned by_nr[FD_RULES_MAX];
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static void sort_by_nr(void)
{
	for (unsigned i = 0; i < fd_rules_count; i++) {
		unsigned j = i;

		while (j > 0 && fd_rules[by_nr[j - 1]].nr > fd_rules[i].nr) {
			by_nr[j] = by_nr[j - 1];
			j--;
		}
		by_nr[j] = i;
	}
}

/* The rows of call nr: by_nr[*lo, *hi). */
static void rows_of(int nr, unsigned *lo, unsigned *hi)
{
	unsigned a = 0, b = fd_rules_count;

	pthread_once(&by_nr_once, sort_by_nr);
	while (a < b) {
		unsigned m = a + (b - a) / 2;

		if (fd_rules[by_nr[m]].nr < nr)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < fd_rules_count && fd_rules[by_nr[a]].nr == nr)
		a++;
	*hi = a;
}

static bool fails(const struct compiler *c, const struct fd_rule *r, int nr, unsigned arg)
{
	if ((r->need == RIGHT_LOOKUP || r->need == RIGHT_COPY) && c->supervised)
		return false;
	return r->nr == nr && r->fdarg == arg && !holds(c->st, r->need);
}

/* Two conditions of which one always holds: together they are unconditional. */
static bool complementary(const struct fd_rule *x, const struct fd_rule *y)
{
	if (x->cond_arg != y->cond_arg)
		return false;
	if (x->cond == WHEN_FLAG_SET && y->cond == WHEN_FLAG_CLEAR)
		return x->cond_val == y->cond_val;
	if (x->cond == WHEN_PTR_NULL && y->cond == WHEN_PTR_SET)
		return true;
	return false;
}

/* How the failing rules of call nr treat the descriptor in args[arg]. */
static enum arg_status arg_status(const struct compiler *c, int nr, unsigned arg)
{
	enum arg_status st = ARG_FREE;
	unsigned lo, hi;

	rows_of(nr, &lo, &hi);
	for (unsigned i = lo; i < hi; i++) {
		const struct fd_rule *r = &fd_rules[by_nr[i]];

		if (!fails(c, r, nr, arg))
			continue;
		if (r->cond == WHEN_ALWAYS)
			return ARG_ALWAYS;
		for (unsigned j = lo; j < hi; j++)
			if (fails(c, &fd_rules[by_nr[j]], nr, arg) &&
			    complementary(r, &fd_rules[by_nr[j]]))
				return ARG_ALWAYS;
		st = ARG_COND;
	}
	return st;
}

static bool special(const struct compiler *c, int nr)
{
	return nr == NR_fcntl || (nr == NR_ioctl && ioctl_limited(c->st)) ||
	       (nr == NR_mmap && mmap_limited(c->st));
}

/* Classify nr; false if it needs nothing (ALLOW). */
static bool classify(const struct compiler *c, int nr, struct call *out)
{
	bool block = special(c, nr);
	unsigned always = 0;

	*out = (struct call){.nr = nr, .label = -1};
	for (unsigned i = 0; i < proc_rules_count; i++) {
		if (!applies(c, &proc_rules[i], nr))
			continue;
		if (proc_rules[i].cond == WHEN_ALWAYS) {
			out->kind = T_RET;
			out->ret = proc_rules[i].quiet ? RET_ERRNO(proc_rules[i].err)
			                               : ret_fail(proc_rules[i].err);
			return true;
		}
		block = true;
	}
	for (unsigned arg = 0; arg < 6; arg++) {
		enum arg_status st = arg_status(c, nr, arg);

		if (st == ARG_ALWAYS)
			always |= 1u << arg;
		block |= st == ARG_COND;
	}
	if (block) {
		out->kind = T_BLOCK;
		return true;
	}
	out->kind = T_ARGS;
	out->args = (uint8_t)always;
	return always != 0;
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* Every number any table mentions, sorted, without repeats. */
static size_t table_nrs(int *nrs)
{
	size_t n = 0, u = 0;

	nrs[n++] = NR_fcntl;
	nrs[n++] = NR_ioctl;
	nrs[n++] = NR_mmap;
	for (unsigned i = 0; i < fd_rules_count; i++)
		if (fd_rules[i].nr >= 0)
			nrs[n++] = fd_rules[i].nr;
	for (unsigned i = 0; i < proc_rules_count; i++)
		if (proc_rules[i].nr >= 0)
			nrs[n++] = proc_rules[i].nr;
	qsort(nrs, n, sizeof(*nrs), cmp_int);
	for (size_t i = 0; i < n; i++)
		if (u == 0 || nrs[u - 1] != nrs[i])
			nrs[u++] = nrs[i];
	return u;
}

/* Code of its own for nr: process-wide conditions, then per-argument rules. */
/* Equality tests on one argument (masked alike) with one errno share a load. */
static bool same_value_test(const struct proc_rule *x, const struct proc_rule *y)
{
	return (x->cond == WHEN_EQ || x->cond == WHEN_MASKED_EQ) && x->nr == y->nr &&
	       x->unsupervised == y->unsupervised && x->cond == y->cond &&
	       x->cond_arg == y->cond_arg && (x->cond == WHEN_EQ || x->cond_mask == y->cond_mask) &&
	       x->err == y->err;
}

/* "if args[arg] (& mask) is one of rules[lo, hi)'s values, fail" */
static void emit_value_tests(struct bpf_asm *a, const struct proc_rule *r, unsigned n)
{
	uint32_t vals[64];
	int deny = bpf_label(a), next = bpf_label(a);

	CAPSICUM_CHECK(n <= ARRAY_SIZE(vals));
	for (unsigned i = 0; i < n; i++)
		vals[i] = r[i].cond_val;
	bpf_ld(a, SD_ARG_LO(r->cond_arg));
	if (r->cond == WHEN_MASKED_EQ)
		bpf_alu_and(a, r->cond_mask);
	bpf_jump_set(a, vals, n, deny);
	bpf_ja(a, next);
	bpf_bind(a, deny);
	bpf_ret(a, ret_fail(r->err));
	bpf_bind(a, next);
}

static void emit_proc_rules(const struct compiler *c, int nr)
{
	struct bpf_asm *a = c->a;

	for (unsigned i = 0; i < proc_rules_count;) {
		unsigned j = i + 1;

		if (!applies(c, &proc_rules[i], nr)) {
			i++;
			continue;
		}
		while (j < proc_rules_count && same_value_test(&proc_rules[i], &proc_rules[j]))
			j++;
		if (j - i > 1)
			emit_value_tests(a, &proc_rules[i], j - i);
		else
			emit_proc_rule(a, &proc_rules[i]);
		i = j;
	}
}

/*
 * The failing conditional rules of nr on args[arg]: the descriptor is
 * matched once; runs of "args[k] == value" conditions share one load and a
 * list of jeq.
 */
static void emit_cond_rules(struct compiler *c, int nr, unsigned arg, int next)
{
	const struct fd_rule *run[FD_RULES_MAX];
	unsigned n = 0, lo, hi;

	rows_of(nr, &lo, &hi);
	for (unsigned i = lo; i < hi; i++)
		if (fails(c, &fd_rules[by_nr[i]], nr, arg))
			run[n++] = &fd_rules[by_nr[i]];
	match_fd_far(c, arg, next);
	for (unsigned i = 0; i < n;) {
		unsigned j = i + 1;
		int skip = bpf_label(c->a);

		if (run[i]->cond == WHEN_EQ) {
			uint32_t vals[FD_RULES_MAX];
			int deny = bpf_label(c->a);

			while (j < n && run[j]->cond == WHEN_EQ &&
			       run[j]->cond_arg == run[i]->cond_arg)
				j++;
			for (unsigned k = i; k < j; k++)
				vals[k - i] = run[k]->cond_val;
			bpf_ld(c->a, SD_ARG_LO(run[i]->cond_arg));
			bpf_jump_set(c->a, vals, j - i, deny);
			bpf_ja(c->a, skip);
			bpf_bind(c->a, deny);
		} else {
			match_cond(c->a, run[i]->cond, run[i]->cond_arg, run[i]->cond_val, 0, skip);
		}
		bpf_ret(c->a, DENY);
		bpf_bind(c->a, skip);
		i = j;
	}
}

static void emit_block(struct compiler *c, int nr)
{
	emit_proc_rules(c, nr);
	for (unsigned arg = 0; arg < 6; arg++) {
		enum arg_status st = arg_status(c, nr, arg);
		int next = bpf_label(c->a);

		if (st == ARG_ALWAYS) {
			match_fd(c, arg, next);
			bpf_ret(c->a, DENY);
		} else if (st == ARG_COND) {
			emit_cond_rules(c, nr, arg, next);
		}
		bpf_bind(c->a, next);
	}
	if (nr == NR_ioctl && ioctl_limited(c->st))
		emit_ioctl(c);
	if (nr == NR_mmap && mmap_limited(c->st))
		emit_mmap(c);
	if (nr == NR_fcntl)
		emit_fcntl(c);
	bpf_ret(c->a, ALLOW);
}

/* The shared check for T_ARGS calls: "is any of these arguments N?" */
static void emit_args_check(struct compiler *c, unsigned args)
{
	int deny = bpf_label(c->a);

	for (unsigned arg = 0; arg < 6; arg++) {
		if (args & (1u << arg)) {
			bpf_ld(c->a, SD_ARG_LO(arg));
			bpf_jmp(c->a, BPF_JEQ, c->fd, deny, BPF_NEXT);
		}
	}
	bpf_ret(c->a, ALLOW);
	bpf_bind(c->a, deny);
	bpf_ret(c->a, DENY);
}

int rights_compile(struct bpf_asm *a, int fd, const struct fd_state *st, bool supervised)
{
	struct compiler c = {a, (uint32_t)fd, st, supervised};
	int nrs[FD_RULES_MAX + 16], args_label[64];
	struct call calls[FD_RULES_MAX + 16];
	struct bpf_case cases[FD_RULES_MAX + 16];
	size_t nnr, n = 0;

	CAPSICUM_CHECK(fd_rules_count + proc_rules_count <= FD_RULES_MAX);
	nnr = table_nrs(nrs);
	for (size_t i = 0; i < ARRAY_SIZE(args_label); i++)
		args_label[i] = -1;
	for (size_t i = 0; i < nnr; i++) {
		struct call *k = &calls[n];

		if (!classify(&c, nrs[i], k))
			continue;
		if (k->kind == T_ARGS) {
			if (args_label[k->args] < 0)
				args_label[k->args] = bpf_label(a);
			k->label = args_label[k->args];
		} else if (k->kind == T_BLOCK) {
			k->label = bpf_label(a);
		}
		cases[n] = (struct bpf_case){k->nr, k->kind == T_RET ? -1 : k->label, k->ret};
		n++;
	}
	CAPSICUM_CHECK(n > 0); /* fcntl always answers the query */

	bpf_prologue(a);
	bpf_dispatch(a, cases, n, ALLOW);
	for (unsigned args = 0; args < ARRAY_SIZE(args_label); args++) {
		if (args_label[args] >= 0) {
			bpf_bind(a, args_label[args]);
			emit_args_check(&c, args);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (calls[i].kind == T_BLOCK) {
			bpf_bind(a, calls[i].label);
			emit_block(&c, calls[i].nr);
		}
	}
	return bpf_finish(a);
}
