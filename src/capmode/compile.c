/*
 * Capability-mode policy -> seccomp filter.
 *
 *	arch is not native, or an x32 number    -> ENOSYS
 *	ld nr; search the calls the table lists:
 *	  a single unconditional rule            -> its action
 *	  rules with tests                       -> a block: first test that holds decides
 *	any other call                           -> ECAPMODE
 *
 * Allowed calls without tests load nothing but nr on their way to ALLOW,
 * so the kernel's action cache lets them through without running the
 * filter at all.
 */
#include <errno.h>
#include <stdlib.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "../bpf/dispatch.h"
#include "compile.h"
#include "policy.h"

#define MAX_CALLS 512

static uint32_t action(const struct cm_rule *r, unsigned served)
{
	switch (r->act) {
	case CM_ALLOW:
		return SECCOMP_RET_ALLOW;
	case CM_DENY:
		return ret_fail(ECAPMODE);
	case CM_ROUTE:
		return (served & (1u << r->route)) ? SECCOMP_RET_ALLOW : ret_fail(ECAPMODE);
	case CM_ENOSYS:
		return RET_ERRNO(ENOSYS);
	case CM_QUIET:
		return RET_ERRNO(ECAPMODE);
	case CM_QUERY:
		return RET_ERRNO(CAPMODE_ANSWER);
	}
	CAPSICUM_CHECK(!"unknown capability-mode action");
}

static void load(struct bpf_asm *a, const struct cm_rule *r)
{
	bpf_ld(a, SD_ARG_LO(r->arg));
	if (r->mask != 0)
		bpf_alu_and(a, r->mask);
}

/* "if the rule's test does not hold, goto next" */
static void emit_test(struct bpf_asm *a, const struct cm_rule *r, int next)
{
	int match;

	CAPSICUM_CHECK(r->arg < 6 && r->nvals <= CM_VALS_MAX);
	CAPSICUM_CHECK(r->test != CT_EQ_THEN_BITS || (r->arg < 5 && r->nvals == 2));
	switch (r->test) {
	case CT_ALWAYS:
		break;
	case CT_EQ:
		load(a, r);
		bpf_jmp(a, BPF_JEQ, r->vals[0], BPF_NEXT, next);
		break;
	case CT_NE:
		load(a, r);
		bpf_jmp(a, BPF_JEQ, r->vals[0], next, BPF_NEXT);
		break;
	case CT_IN:
		match = bpf_label(a);
		load(a, r);
		bpf_jump_set(a, r->vals, r->nvals, match);
		bpf_ja(a, next);
		bpf_bind(a, match);
		break;
	case CT_NOT_IN:
		load(a, r);
		bpf_jump_set(a, r->vals, r->nvals, next);
		break;
	case CT_LT:
		bpf_ld(a, SD_ARG_LO(r->arg));
		bpf_jmp(a, BPF_JGE, r->vals[0], next, BPF_NEXT);
		break;
	case CT_GE:
		bpf_ld(a, SD_ARG_LO(r->arg));
		bpf_jmp(a, BPF_JGE, r->vals[0], BPF_NEXT, next);
		break;
	case CT_ANY_BITS:
		bpf_ld(a, SD_ARG_LO(r->arg));
		bpf_jmp(a, BPF_JSET, r->vals[0], BPF_NEXT, next);
		break;
	case CT_EQ_THEN_BITS:
		bpf_ld(a, SD_ARG_LO(r->arg));
		bpf_jmp(a, BPF_JEQ, r->vals[0], BPF_NEXT, next);
		bpf_ld(a, SD_ARG_LO(r->arg + 1));
		bpf_jmp(a, BPF_JSET, r->vals[1], BPF_NEXT, next);
		break;
	case CT_PTR_NULL:
		bpf_ld(a, SD_ARG_LO(r->arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		bpf_ld(a, SD_ARG_HI(r->arg));
		bpf_jmp(a, BPF_JEQ, 0, BPF_NEXT, next);
		break;
	default:
		CAPSICUM_CHECK(!"unknown capability-mode test");
	}
}

/* The rules of one call, cm_rules[lo, hi): first test that holds decides. */
static void emit_block(struct bpf_asm *a, unsigned lo, unsigned hi, unsigned served)
{
	for (unsigned i = lo; i < hi; i++) {
		int next = bpf_label(a);

		emit_test(a, &cm_rules[i], next);
		bpf_ret(a, action(&cm_rules[i], served));
		bpf_bind(a, next);
		if (cm_rules[i].test == CT_ALWAYS)
			return;
	}
	bpf_ret(a, ret_fail(ECAPMODE));
}

struct span {
	int nr;
	unsigned lo, hi; /* its rules: cm_rules[lo, hi) */
	int label;
};

static int cmp_span(const void *x, const void *y)
{
	int a = ((const struct span *)x)->nr, b = ((const struct span *)y)->nr;

	return (a > b) - (a < b);
}

int capmode_compile(struct bpf_asm *a, unsigned served)
{
	struct span spans[MAX_CALLS];
	struct bpf_case cases[MAX_CALLS];
	size_t n = 0;

	/* One span per call; a call's rules must be adjacent in the table. */
	for (unsigned i = 0; i < cm_rules_count; i++) {
		if (cm_rules[i].nr < 0)
			continue;
		if (n > 0 && spans[n - 1].nr == cm_rules[i].nr) {
			spans[n - 1].hi = i + 1;
			continue;
		}
		CAPSICUM_CHECK(n < MAX_CALLS);
		spans[n++] = (struct span){cm_rules[i].nr, i, i + 1, -1};
	}
	qsort(spans, n, sizeof(spans[0]), cmp_span);
	for (size_t i = 0; i < n; i++) {
		const struct cm_rule *first = &cm_rules[spans[i].lo];

		CAPSICUM_CHECK(i == 0 || spans[i - 1].nr != spans[i].nr);
		if (spans[i].hi - spans[i].lo == 1 && first->test == CT_ALWAYS) {
			cases[i] = (struct bpf_case){spans[i].nr, -1, action(first, served)};
		} else {
			spans[i].label = bpf_label(a);
			cases[i] = (struct bpf_case){spans[i].nr, spans[i].label, 0};
		}
	}

	bpf_prologue(a);
	bpf_dispatch(a, cases, n, ret_fail(ECAPMODE));
	for (size_t i = 0; i < n; i++) {
		if (spans[i].label >= 0) {
			bpf_bind(a, spans[i].label);
			emit_block(a, spans[i].lo, spans[i].hi, served);
		}
	}
	return bpf_finish(a);
}
