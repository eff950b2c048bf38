#include <errno.h>
#include <linux/fs.h>

#include "../arch/arch.h"
#include "compile.h"
#include "state.h"

/* _IOWR('f', 15, struct move_extent): moves another file's blocks in. */
#define EXT4_IOC_MOVE_EXT 0xC028660Fu

/* Calls whose descriptors are in memory, out of reach of any per-number rule. */
static const uint32_t blind_calls[] = {
	NR_io_uring_setup,
	NR_io_uring_enter,
	NR_io_uring_register,
	NR_io_submit,
};

/* ioctl commands that read a second descriptor named inside a structure. */
static const uint32_t blind_ioctls[] = {
	FICLONERANGE,
	FIDEDUPERANGE,
	EXT4_IOC_MOVE_EXT,
};

int base_compile(struct bpf_asm *a)
{
	int enosys = bpf_label(a), deny = bpf_label(a), allow = bpf_label(a);
	int not_ioctl = bpf_label(a), not_fcntl = bpf_label(a);

	bpf_ld(a, SD_ARCH);
	bpf_jmp(a, BPF_JEQ, CAPSICUM_AUDIT_ARCH, BPF_NEXT, enosys);
	bpf_ld(a, SD_NR);
	bpf_jmp(a, BPF_JGE, CAPSICUM_NR_X32_BIT, enosys, BPF_NEXT);
	bpf_jump_set(a, blind_calls, ARRAY_SIZE(blind_calls), deny);

	bpf_jmp(a, BPF_JEQ, NR_ioctl, BPF_NEXT, not_ioctl);
	bpf_ld(a, SD_ARG_LO(1));
	bpf_jump_set(a, blind_ioctls, ARRAY_SIZE(blind_ioctls), deny);
	bpf_ja(a, allow);
	bpf_bind(a, not_ioctl);

	/* fcntl(-1, QUERY_CMD, 0) tells the library this filter is in place. */
	bpf_jmp(a, BPF_JEQ, NR_fcntl, BPF_NEXT, not_fcntl);
	bpf_ld(a, SD_ARG_LO(0));
	bpf_jmp(a, BPF_JEQ, QUERY_BASE_FD, BPF_NEXT, allow);
	bpf_ld(a, SD_ARG_LO(1));
	bpf_jmp(a, BPF_JEQ, QUERY_CMD, BPF_NEXT, allow);
	bpf_ret(a, RET_ERRNO(QUERY_ANSWER_BASE + QUERY_BASE_VERSION));
	bpf_bind(a, not_fcntl);

	bpf_bind(a, allow);
	bpf_ret(a, SECCOMP_RET_ALLOW);
	bpf_bind(a, enosys);
	bpf_ret(a, RET_ERRNO(ENOSYS));
	bpf_bind(a, deny);
	bpf_ret(a, RET_ERRNO(ENOTCAPABLE));
	return bpf_finish(a);
}
