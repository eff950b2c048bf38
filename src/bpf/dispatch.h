/*
 * The shape every filter of the library shares: refuse foreign system call
 * conventions, then branch on the call number.
 */
#ifndef CAPSICUM_BPF_DISPATCH_H
#define CAPSICUM_BPF_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/seccomp.h>

#include "asm.h"

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e)&SECCOMP_RET_DATA))

/*
 * A capability failure (ENOTCAPABLE, ECAPMODE): RET_ERRNO, or a trap with
 * the error where trapping was asked for (procctl(2)); any other error is
 * RET_ERRNO.
 */
CAPSICUM_HIDDEN uint32_t ret_fail(int e);

/* Whether filters compiled from now on trap at capability failures. */
CAPSICUM_HIDDEN void capsicum_trap_filters(bool on);
CAPSICUM_HIDDEN bool capsicum_trapping(void);
/* Whether a trapping filter was installed (seccomp/install.c notes it). */
CAPSICUM_HIDDEN bool capsicum_trap_installed(void);
CAPSICUM_HIDDEN void capsicum_trap_note_install(void);

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
