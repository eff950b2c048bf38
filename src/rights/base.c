/*
 * Process-wide rules, carried by every per-descriptor filter.
 *
 * Some interfaces name descriptors only in memory (io_uring, native AIO,
 * the range-clone ioctls), or copy a descriptor out of reach of every
 * per-number rule (a seccomp listener's ADDFD, a process sharing the
 * descriptor table without sharing the thread group).  No rule on a number
 * can see what they do, so once any descriptor is limited they are refused
 * outright.  They live in every filter rather than in a separate one so
 * that no filter can be skipped on the strength of an answer a forged
 * filter could give; the architecture check is in every filter for the
 * same reason (compile.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <linux/fs.h>
#include <linux/seccomp.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "rules.h"

/* _IOWR('f', 15, struct move_extent): moves another file's blocks in. */
#define EXT4_IOC_MOVE_EXT 0xC028660Fu

#define REFUSE(call, e)                                                                            \
	{                                                                                          \
		NR_##call, WHEN_ALWAYS, 0, 0, 0, e                                                 \
	}
#define REFUSE_IF(call, cond, arg, val, e)                                                         \
	{                                                                                          \
		NR_##call, cond, arg, val, 0, e                                                    \
	}
#define REFUSE_IOCTL(cmd)                                                                          \
	{                                                                                          \
		NR_ioctl, WHEN_EQ, 1, (uint32_t)(cmd), 0, ENOTCAPABLE                              \
	}

/* clang-format off */
const struct proc_rule proc_rules[] = {
	/* Operations named in shared memory: no filter sees their descriptors. */
	REFUSE(io_uring_setup, ENOTCAPABLE),
	REFUSE(io_uring_enter, ENOTCAPABLE),
	REFUSE(io_uring_register, ENOTCAPABLE),
	REFUSE(io_submit, ENOTCAPABLE),
	REFUSE_IOCTL(FICLONERANGE),
	REFUSE_IOCTL(FIDEDUPERANGE),
	REFUSE_IOCTL(EXT4_IOC_MOVE_EXT),

	/* A listener's ADDFD installs a copy of any descriptor on a fresh number. */
	REFUSE_IF(seccomp, WHEN_FLAG_SET, 1, SECCOMP_FILTER_FLAG_NEW_LISTENER, ENOTCAPABLE),
	REFUSE_IOCTL(SECCOMP_IOCTL_NOTIF_ADDFD),

	/*
	 * A process that shares the descriptor table but is not a thread of
	 * this one is not reached by TSYNC, so it could copy a limited
	 * descriptor freely.  clone3 hides its flags in memory: ENOSYS makes
	 * the C library fall back to clone, whose flags are in a register.
	 */
	{NR_clone, WHEN_MASKED_EQ, 0, CLONE_FILES, CLONE_FILES | CLONE_THREAD, ENOTCAPABLE},
	REFUSE(clone3, ENOSYS),
};
/* clang-format on */

const unsigned proc_rules_count = ARRAY_SIZE(proc_rules);
