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
#include <linux/prctl.h>
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
/*
 * What the supervisor performs and judges itself, refused when it cannot:
 * a limit made without one (or one that could not tell it) has nobody
 * to look inside the call.
 */
#define REFUSE_UNSUPERVISED(call, e)                                                               \
	{                                                                                          \
		NR_##call, WHEN_ALWAYS, 0, 0, 0, e, 1                                              \
	}
#define REFUSE_IF(call, cond, arg, val, e)                                                         \
	{                                                                                          \
		NR_##call, cond, arg, val, 0, e                                                    \
	}
/*
 * An ioctl is matched on its type and number, whatever its direction and
 * size bits: extensible ioctls (seccomp's ADDFD) accept any size, and a
 * superset is the safe side.
 */
#define REFUSE_IOCTL(cmd)                                                                          \
	{                                                                                          \
		NR_ioctl, WHEN_MASKED_EQ, 1, (uint32_t)(cmd)&0xffffu, 0xffffu, ENOTCAPABLE         \
	}

/* Commands that name a descriptor inside their argument structure. */
#define XFS_IOC_SWAPEXT_           0x586D /* 'X' 109 */
#define XFS_IOC_EXCHANGE_RANGE_    0x5881 /* 'X' 129 */
#define F2FS_IOC_MOVE_RANGE_       0xF509
#define BTRFS_IOC_SNAP_CREATE_     0x9401
#define BTRFS_IOC_SNAP_CREATE_V2_  0x9417
#define BTRFS_IOC_SEND_            0x9426
#define LOOP_CONFIGURE_            0x4C0A
#define FUSE_DEV_IOC_CLONE_        0xE500
#define FUSE_DEV_IOC_BACKING_OPEN_ 0xE501
#define UDMABUF_CREATE_            0x7542
#define UDMABUF_CREATE_LIST_       0x7543

/* clang-format off */
const struct proc_rule proc_rules[] = {
	/* Operations named in shared memory: no filter sees their descriptors. */
	REFUSE(io_uring_setup, ENOTCAPABLE),
	REFUSE(io_uring_enter, ENOTCAPABLE),
	/* uring.c probes descriptors with it: refused without a trap. */
	{NR_io_uring_register, WHEN_ALWAYS, 0, 0, 0, ENOTCAPABLE, 0, 1},
	REFUSE(io_submit, ENOTCAPABLE),
	REFUSE_IOCTL(FICLONERANGE),
	REFUSE_IOCTL(FIDEDUPERANGE),
	REFUSE_IOCTL(EXT4_IOC_MOVE_EXT),
	REFUSE_IOCTL(XFS_IOC_SWAPEXT_),
	REFUSE_IOCTL(XFS_IOC_EXCHANGE_RANGE_),
	REFUSE_IOCTL(F2FS_IOC_MOVE_RANGE_),
	REFUSE_IOCTL(BTRFS_IOC_SNAP_CREATE_),
	REFUSE_IOCTL(BTRFS_IOC_SNAP_CREATE_V2_),
	REFUSE_IOCTL(BTRFS_IOC_SEND_),
	REFUSE_IOCTL(LOOP_CONFIGURE_),
	REFUSE_IOCTL(FUSE_DEV_IOC_CLONE_),
	REFUSE_IOCTL(FUSE_DEV_IOC_BACKING_OPEN_),
	REFUSE_IOCTL(UDMABUF_CREATE_),
	REFUSE_IOCTL(UDMABUF_CREATE_LIST_),
	/*
	 * Devices and sockets that take over a descriptor, and the mount API's
	 * descriptor arguments: rare, privileged, and out of any per-number
	 * rule's sight or costly to match on every number.
	 */
	REFUSE_IOCTL(0x4C00), /* LOOP_SET_FD */
	REFUSE_IOCTL(0x4C06), /* LOOP_CHANGE_FD */
	REFUSE_IOCTL(0xAB00), /* NBD_SET_SOCK */
	REFUSE_IOCTL(0x2405), /* PERF_EVENT_IOC_SET_OUTPUT */
	REFUSE_IF(fsconfig, WHEN_EQ, 1, 3, ENOTCAPABLE), /* FSCONFIG_SET_PATH */
	REFUSE_IF(fsconfig, WHEN_EQ, 1, 4, ENOTCAPABLE), /* FSCONFIG_SET_PATH_EMPTY */
	REFUSE_IF(fsconfig, WHEN_EQ, 1, 5, ENOTCAPABLE), /* FSCONFIG_SET_FD */
	/* prctl(PR_SET_MM, PR_SET_MM_MAP or _EXE_FILE) makes a descriptor /proc/self/exe. */
	REFUSE_IF(prctl, WHEN_EQ, 0, PR_SET_MM, ENOTCAPABLE),
	/* perf_event_open's pid argument is a cgroup descriptor with this flag. */
	REFUSE_IF(perf_event_open, WHEN_FLAG_SET, 4, 4 /* PERF_FLAG_PID_CGROUP */, ENOTCAPABLE),

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

	/*
	 * The descriptors of an SCM_RIGHTS message are in memory: the
	 * supervisor sends messages itself and refuses to carry a restricted
	 * descriptor (send.c).  Without it, any message might carry one.
	 */
	REFUSE_UNSUPERVISED(sendmsg, ENOTCAPABLE),
	REFUSE_UNSUPERVISED(sendmmsg, ENOTCAPABLE),
};
/* clang-format on */

const unsigned proc_rules_count = ARRAY_SIZE(proc_rules);
