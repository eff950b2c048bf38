#include <errno.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "dispatch.h"

static uint32_t fail_action = SECCOMP_RET_ERRNO;
static bool trap_installed;

uint32_t ret_fail(int e)
{
	uint32_t action = e == ENOTCAPABLE || e == ECAPMODE ? fail_action : SECCOMP_RET_ERRNO;

	return action | ((uint32_t)e & SECCOMP_RET_DATA);
}

void capsicum_trap_filters(bool on)
{
	fail_action = on ? SECCOMP_RET_TRAP : SECCOMP_RET_ERRNO;
}

bool capsicum_trapping(void)
{
	return fail_action == SECCOMP_RET_TRAP;
}

bool capsicum_trap_installed(void)
{
	return trap_installed;
}

void capsicum_trap_note_install(void)
{
	if (capsicum_trapping())
		trap_installed = true;
}

void bpf_prologue(struct bpf_asm *a)
{
	int arch_ok = bpf_label(a), nr_ok = bpf_label(a);

	bpf_ld(a, SD_ARCH);
	bpf_jmp(a, BPF_JEQ, CAPSICUM_AUDIT_ARCH, arch_ok, BPF_NEXT);
	bpf_ret(a, RET_ERRNO(ENOSYS));
	bpf_bind(a, arch_ok);
	bpf_ld(a, SD_NR);
	bpf_jmp(a, BPF_JGE, CAPSICUM_NR_X32_BIT, BPF_NEXT, nr_ok);
	bpf_ret(a, RET_ERRNO(ENOSYS));
	bpf_bind(a, nr_ok);
}

/*
 * Groups of up to GROUP cases are chains of jeq.  Every jeq of a group
 * lands on one short stub per distinct target (a ret, or a ja to the
 * target), so the chain stays within a conditional jump's reach.  Larger
 * groups make smaller filters and longer chains; 24 was chosen
 * (test_bpf_compile prints the sizes).
 */
#define GROUP 24

struct tree {
	struct bpf_asm *a;
	const struct bpf_case *cases;
	size_t n;
	uint32_t dflt;
};

static bool same_target(const struct bpf_case *x, const struct bpf_case *y)
{
	return x->label == y->label && (x->label >= 0 || x->ret == y->ret);
}

/* Index of the first case in [lo, i) with i's target, or i if none. */
static size_t first_with_target(const struct bpf_case *cases, size_t lo, size_t i)
{
	for (size_t j = lo; j < i; j++)
		if (same_target(&cases[j], &cases[i]))
			return j;
	return i;
}

static size_t group_len(const struct tree *t, size_t lo, size_t hi)
{
	size_t len = hi - lo + 1; /* the jeq chain and its default */

	for (size_t i = lo; i < hi; i++)
		len += first_with_target(t->cases, lo, i) == i;
	return len;
}

static void emit_group(const struct tree *t, size_t lo, size_t hi)
{
	int stub[GROUP];

	for (size_t i = lo; i < hi; i++) {
		size_t f = first_with_target(t->cases, lo, i);

		stub[i - lo] = f == i ? bpf_label(t->a) : stub[f - lo];
		bpf_jmp(t->a, BPF_JEQ, (uint32_t)t->cases[i].nr, stub[i - lo], BPF_NEXT);
	}
	bpf_ret(t->a, t->dflt);
	for (size_t i = lo; i < hi; i++) {
		if (first_with_target(t->cases, lo, i) != i)
			continue;
		bpf_bind(t->a, stub[i - lo]);
		if (t->cases[i].label < 0)
			bpf_ret(t->a, t->cases[i].ret);
		else
			bpf_ja(t->a, t->cases[i].label);
	}
}

static size_t group_end(const struct tree *t, size_t g)
{
	return (g + 1) * GROUP < t->n ? (g + 1) * GROUP : t->n;
}

static size_t tree_len(const struct tree *t, size_t glo, size_t ghi)
{
	size_t mid, left;

	if (ghi - glo == 1)
		return group_len(t, glo * GROUP, group_end(t, glo));
	mid = glo + (ghi - glo) / 2;
	left = tree_len(t, glo, mid);
	return left + tree_len(t, mid, ghi) + (left > 255 ? 2 : 1);
}

static void emit_tree(const struct tree *t, size_t glo, size_t ghi)
{
	size_t mid;
	int right;

	if (ghi - glo == 1) {
		emit_group(t, glo * GROUP, group_end(t, glo));
		return;
	}
	mid = glo + (ghi - glo) / 2;
	right = bpf_label(t->a);
	if (tree_len(t, glo, mid) > 255) {
		int left = bpf_label(t->a);

		bpf_jmp(t->a, BPF_JGE, (uint32_t)t->cases[mid * GROUP].nr, BPF_NEXT, left);
		bpf_ja(t->a, right);
		bpf_bind(t->a, left);
	} else {
		bpf_jmp(t->a, BPF_JGE, (uint32_t)t->cases[mid * GROUP].nr, right, BPF_NEXT);
	}
	emit_tree(t, glo, mid);
	bpf_bind(t->a, right);
	emit_tree(t, mid, ghi);
}

void bpf_dispatch(struct bpf_asm *a, const struct bpf_case *cases, size_t n, uint32_t dflt)
{
	struct tree t = {a, cases, n, dflt};

	for (size_t i = 1; i < n; i++)
		CAPSICUM_CHECK(cases[i - 1].nr < cases[i].nr);
	if (n == 0) {
		bpf_ret(a, dflt);
		return;
	}
	emit_tree(&t, 0, (n + GROUP - 1) / GROUP);
}
