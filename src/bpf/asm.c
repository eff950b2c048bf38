#include <errno.h>
#include <stdlib.h>
#include <linux/bpf_common.h>

#include "asm.h"

/* How many list entries bpf_jump_set tests before it places a trampoline. */
#define SET_CHUNK 200

void bpf_init(struct bpf_asm *a)
{
	*a = (struct bpf_asm){0};
}

void bpf_free(struct bpf_asm *a)
{
	free(a->insns);
	free(a->jt_label);
	free(a->jf_label);
	free(a->k_label);
	free(a->label_pos);
	bpf_init(a);
}

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, n * size);

	if (q == NULL)
		return -ENOMEM;
	*p = q;
	return 0;
}

static size_t emit(struct bpf_asm *a, uint16_t code, uint32_t k, int jt, int jf, int kl)
{
	if (a->error)
		return 0;
	if (a->len == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 256;

		if (grow((void **)&a->insns, cap, sizeof(*a->insns)) ||
		    grow((void **)&a->jt_label, cap, sizeof(int)) ||
		    grow((void **)&a->jf_label, cap, sizeof(int)) ||
		    grow((void **)&a->k_label, cap, sizeof(int))) {
			a->error = -ENOMEM;
			return 0;
		}
		a->cap = cap;
	}
	a->insns[a->len] = (struct sock_filter){code, 0, 0, k};
	a->jt_label[a->len] = jt;
	a->jf_label[a->len] = jf;
	a->k_label[a->len] = kl;
	return a->len++;
}

int bpf_label(struct bpf_asm *a)
{
	if (a->error)
		return 0;
	if (a->nlabels == a->label_cap) {
		size_t cap = a->label_cap ? 2 * a->label_cap : 64;

		if (grow((void **)&a->label_pos, cap, sizeof(size_t))) {
			a->error = -ENOMEM;
			return 0;
		}
		a->label_cap = cap;
	}
	a->label_pos[a->nlabels] = SIZE_MAX;
	return (int)a->nlabels++;
}

void bpf_bind(struct bpf_asm *a, int label)
{
	if (a->error)
		return;
	CAPSICUM_CHECK((size_t)label < a->nlabels && a->label_pos[label] == SIZE_MAX);
	a->label_pos[label] = a->len;
}

void bpf_ld(struct bpf_asm *a, uint32_t offset)
{
	emit(a, BPF_LD | BPF_W | BPF_ABS, offset, BPF_NEXT, BPF_NEXT, BPF_NEXT);
}

void bpf_jmp(struct bpf_asm *a, int op, uint32_t k, int jt, int jf)
{
	CAPSICUM_CHECK(op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE || op == BPF_JSET);
	emit(a, (uint16_t)(BPF_JMP | op | BPF_K), k, jt, jf, BPF_NEXT);
}

void bpf_alu_and(struct bpf_asm *a, uint32_t k)
{
	emit(a, BPF_ALU | BPF_AND | BPF_K, k, BPF_NEXT, BPF_NEXT, BPF_NEXT);
}

void bpf_ja(struct bpf_asm *a, int label)
{
	emit(a, BPF_JMP | BPF_JA, 0, BPF_NEXT, BPF_NEXT, label);
}

void bpf_jmp_far(struct bpf_asm *a, int op, uint32_t k, bool when, int target)
{
	int skip = bpf_label(a);

	if (when)
		bpf_jmp(a, op, k, BPF_NEXT, skip);
	else
		bpf_jmp(a, op, k, skip, BPF_NEXT);
	bpf_ja(a, target);
	bpf_bind(a, skip);
}

void bpf_ret(struct bpf_asm *a, uint32_t action)
{
	emit(a, BPF_RET | BPF_K, action, BPF_NEXT, BPF_NEXT, BPF_NEXT);
}

void bpf_jump_set(struct bpf_asm *a, const uint32_t *vals, size_t n, int match)
{
	for (size_t i = 0; i < n; i += SET_CHUNK) {
		size_t end = i + SET_CHUNK < n ? i + SET_CHUNK : n;
		int tramp = bpf_label(a), cont = bpf_label(a);

		for (size_t j = i; j < end; j++)
			bpf_jmp(a, BPF_JEQ, vals[j], tramp, BPF_NEXT);
		bpf_ja(a, cont);
		bpf_bind(a, tramp);
		bpf_ja(a, match);
		bpf_bind(a, cont);
	}
}

/* Offset from the instruction after `at` to `label`, or -1 if it is not ahead. */
static long distance(const struct bpf_asm *a, size_t at, int label)
{
	size_t pos;

	if (label == BPF_NEXT)
		return 0;
	pos = a->label_pos[label];
	if (pos == SIZE_MAX || pos <= at)
		return -1;
	return (long)(pos - at - 1);
}

int bpf_finish(struct bpf_asm *a)
{
	if (a->error)
		return a->error;
	if (a->len > BPF_MAXINSNS)
		return a->error = -E2BIG;
	for (size_t i = 0; i < a->len; i++) {
		struct sock_filter *f = &a->insns[i];
		long jt = distance(a, i, a->jt_label[i]);
		long jf = distance(a, i, a->jf_label[i]);
		long k = distance(a, i, a->k_label[i]);

		if (jt < 0 || jf < 0 || k < 0 || jt > 255 || jf > 255)
			return a->error = -ERANGE;
		f->jt = (uint8_t)jt;
		f->jf = (uint8_t)jf;
		if (a->k_label[i] != BPF_NEXT)
			f->k = (uint32_t)k;
	}
	return 0;
}
