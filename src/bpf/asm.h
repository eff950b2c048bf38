/*
 * A small assembler for classic BPF seccomp programs, with labels.
 *
 * Conditional jumps reach at most 255 instructions ahead; the assembler
 * refuses (never truncates) a program that would need more, and callers keep
 * far targets behind local `ja` trampolines (bpf_jump_set does that for long
 * lists).  Errors are sticky: emit freely, then check bpf_finish().
 */
#ifndef CAPSICUM_BPF_ASM_H
#define CAPSICUM_BPF_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "../internal.h"

#define BPF_NEXT (-1) /* "the following instruction", as a jump target */

struct bpf_asm {
	struct sock_filter *insns;
	int *jt_label, *jf_label, *k_label; /* per instruction, or BPF_NEXT */
	size_t len, cap;
	size_t *label_pos; /* per label; SIZE_MAX while unbound */
	size_t nlabels, label_cap;
	int error; /* 0 or a negative errno, sticky */
};

CAPSICUM_HIDDEN void bpf_init(struct bpf_asm *a);
CAPSICUM_HIDDEN void bpf_free(struct bpf_asm *a);
CAPSICUM_HIDDEN int bpf_label(struct bpf_asm *a);
CAPSICUM_HIDDEN void bpf_bind(struct bpf_asm *a, int label);

CAPSICUM_HIDDEN void bpf_ld(struct bpf_asm *a, uint32_t offset);
/* if (A op k) goto jt else goto jf; op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET. */
CAPSICUM_HIDDEN void bpf_jmp(struct bpf_asm *a, int op, uint32_t k, int jt, int jf);
CAPSICUM_HIDDEN void bpf_ja(struct bpf_asm *a, int label);
/* A &= k: the only arithmetic the kernel's action-cache emulator follows. */
CAPSICUM_HIDDEN void bpf_alu_and(struct bpf_asm *a, uint32_t k);
/* if ((A op k) == when) goto target, for a target of any distance (one extra ja). */
CAPSICUM_HIDDEN void bpf_jmp_far(struct bpf_asm *a, int op, uint32_t k, bool when, int target);
CAPSICUM_HIDDEN void bpf_ret(struct bpf_asm *a, uint32_t action);

/* Jump to `match` if A equals one of vals[0..n), else fall through; any length. */
CAPSICUM_HIDDEN void bpf_jump_set(struct bpf_asm *a, const uint32_t *vals, size_t n, int match);

/* Resolve labels.  Returns 0, -ENOMEM, -E2BIG (over BPF_MAXINSNS) or -ERANGE. */
CAPSICUM_HIDDEN int bpf_finish(struct bpf_asm *a);

#endif
