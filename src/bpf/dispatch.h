/*
 * The shape every filter of the library shares: refuse foreign system call
 * conventions, then branch on the call number.
 */
#ifndef CAPSICUM_BPF_DISPATCH_H
#define CAPSICUM_BPF_DISPATCH_H

#include <stddef.h>
#include <stdint.h>
#include <linux/seccomp.h>

#include "asm.h"

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e)&SECCOMP_RET_DATA))

/* Where a call number leads: a label, or (label < 0) a fixed action. */
struct bpf_case {
	int nr;
	int label;
	uint32_t ret;
};

/*
 * "ld arch; a foreign architecture (i386 numbers through int 0x80) or an
 * x32 number -> ENOSYS; ld nr".  Every filter starts so: a call number
 * means nothing until the convention is known.
 */
CAPSICUM_HIDDEN void bpf_prologue(struct bpf_asm *a);

/*
 * Branch on the loaded nr: cases[0..n), sorted by nr without repeats, go to
 * their target; every other call gets `dflt`.  The code is a binary tree of
 * jge down to short jeq chains, and loads nothing but nr, so the kernel's
 * action cache can prove ALLOW for a call whose path never reads arguments.
 */
CAPSICUM_HIDDEN void bpf_dispatch(struct bpf_asm *a, const struct bpf_case *cases, size_t n,
                                  uint32_t dflt);

#endif
