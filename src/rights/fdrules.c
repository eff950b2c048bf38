/*
 * Every Linux system call that takes a descriptor in a register, and the
 * right it needs there (FreeBSD's syscall -> rights table, spec 2.9, carried
 * to Linux).  One line per (call, descriptor argument, condition).  A call
 * absent from this table needs no right on its descriptor (close,
 * close_range, getpid...) or takes descriptors only in memory (poll, select,
 * sendmsg's SCM_RIGHTS; see DEVIATIONS.md).
 *
 * mmap, ioctl and fcntl depend on more than one right and are compiled by
 * their own emitters in compile.c; fcntl's commands are in fcntlrules.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include <linux/fs.h>

#include <sys/capsicum.h>

#include "../arch/arch.h"
#include "rules.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#define RULE(call, arg, right)                                                                     \
	{                                                                                          \
		NR_##call, arg, WHEN_ALWAYS, 0, 0, right                                           \
	}
#define RULE_IF(call, arg, cond, carg, cval, right)                                                \
	{                                                                                          \
		NR_##call, arg, cond, carg, cval, right                                            \
	}

/* A path lookup starting at the descriptor: the supervisor's, or refused. */
#define LOOKUP(call, arg) RULE(call, arg, RIGHT_LOOKUP)
/* Lookups nobody serves: file handles, mounts, fanotify, exec. */
#define NEVER(call, arg) RULE(call, arg, RIGHT_NEVER)

/* clang-format off */
const struct fd_rule fd_rules[] = {
	/* Reading and writing; the most frequent first. */
	RULE(read, 0, CAP_READ),
	RULE(write, 0, CAP_WRITE),
	RULE(pread64, 0, CAP_PREAD),
	RULE(pwrite64, 0, CAP_PWRITE),
	RULE(lseek, 0, CAP_SEEK),
	RULE(fstat, 0, CAP_FSTAT),
	RULE(readv, 0, CAP_READ),
	RULE(writev, 0, CAP_WRITE),
	RULE(preadv, 0, CAP_PREAD),
	RULE(pwritev, 0, CAP_PWRITE),
	RULE(preadv2, 0, CAP_PREAD), /* offset -1 means "current": still needs SEEK here */
	RULE(pwritev2, 0, CAP_PWRITE),
	RULE(getdents, 0, CAP_READ),
	RULE(getdents64, 0, CAP_READ),
	RULE(readahead, 0, CAP_PREAD),

	/* Size, durability and metadata through the descriptor. */
	RULE(ftruncate, 0, CAP_FTRUNCATE),
	RULE(fallocate, 0, CAP_PWRITE), /* FreeBSD: posix_fallocate */
	RULE(fsync, 0, CAP_FSYNC),
	RULE(fdatasync, 0, CAP_FSYNC),
	RULE(sync_file_range, 0, CAP_FSYNC),
	RULE(syncfs, 0, CAP_FSYNC),
	RULE(fstatfs, 0, CAP_FSTATFS),
	RULE(cachestat, 0, CAP_FSTAT), /* page-cache state of the file */
	RULE(fchmod, 0, CAP_FCHMOD),
	RULE(fchown, 0, CAP_FCHOWN),
	RULE(fchdir, 0, CAP_FCHDIR),
	RULE(flock, 0, CAP_FLOCK),
	RULE(fgetxattr, 0, CAP_EXTATTR_GET),
	RULE(fsetxattr, 0, CAP_EXTATTR_SET),
	RULE(flistxattr, 0, CAP_EXTATTR_LIST),
	RULE(fremovexattr, 0, CAP_EXTATTR_DELETE),

	/*
	 * fstat is newfstatat(fd, "", AT_EMPTY_PATH) in glibc, and the path is
	 * in memory: with CAP_FSTAT the call cannot be told from a stat of a
	 * name beneath a directory, whatever the flags (DEVIATIONS.md, metadata
	 * only).  Refusing just the forms without AT_EMPTY_PATH would protect
	 * nothing and make every filter inspect every fstat.  The other *at
	 * calls are lookups even with AT_EMPTY_PATH, refused until the
	 * supervisor resolves them.
	 */
	RULE(newfstatat, 0, CAP_FSTAT),
	RULE(statx, 0, CAP_FSTAT),
	LOOKUP(faccessat2, 0),
	LOOKUP(fchownat, 0),
	LOOKUP(fchmodat2, 0),
	LOOKUP(getxattrat, 0),
	LOOKUP(setxattrat, 0),
	LOOKUP(listxattrat, 0),
	LOOKUP(removexattrat, 0),
	/* fexecve: the supervisor checks CAP_FEXECVE and that the path is "" (exec.c). */
	LOOKUP(execveat, 0),
	/* futimens(fd) is utimensat(fd, NULL, ...); a path means a lookup. */
	RULE_IF(utimensat, 0, WHEN_PTR_NULL, 1, 0, CAP_FUTIMES),
	RULE_IF(utimensat, 0, WHEN_PTR_SET, 1, 0, RIGHT_LOOKUP),
	RULE_IF(futimesat, 0, WHEN_PTR_NULL, 1, 0, CAP_FUTIMES),
	RULE_IF(futimesat, 0, WHEN_PTR_SET, 1, 0, RIGHT_LOOKUP),

	/* Lookups beneath the descriptor. */
	LOOKUP(openat, 0),
	LOOKUP(openat2, 0),
	LOOKUP(mkdirat, 0),
	LOOKUP(mknodat, 0),
	LOOKUP(unlinkat, 0),
	LOOKUP(renameat, 0),
	LOOKUP(renameat, 2),
	LOOKUP(renameat2, 0),
	LOOKUP(renameat2, 2),
	LOOKUP(linkat, 0),
	LOOKUP(linkat, 2),
	LOOKUP(symlinkat, 1),
	LOOKUP(readlinkat, 0),
	LOOKUP(fchmodat, 0),
	LOOKUP(faccessat, 0),
	NEVER(name_to_handle_at, 0),
	NEVER(open_by_handle_at, 0),
	NEVER(fanotify_mark, 3),
	NEVER(open_tree, 0),
	NEVER(open_tree_attr, 0),
	NEVER(move_mount, 0),
	NEVER(move_mount, 2),
	NEVER(mount_setattr, 0),
	NEVER(fspick, 0),
	LOOKUP(file_getattr, 0),
	LOOKUP(file_setattr, 0),

	/*
	 * Copies of the descriptor.  FreeBSD copies the rights with it: the
	 * supervisor places the copy on a number it judges; without one a copy
	 * would carry no rule, so it is refused.  Nothing is placed on a
	 * limited number: its rule would judge the new file.
	 */
	RULE(dup, 0, RIGHT_COPY),
	RULE(dup2, 0, RIGHT_COPY),
	RULE(dup2, 1, RIGHT_NEVER), /* a new file on a limited number: see DEVIATIONS */
	RULE(dup3, 0, RIGHT_COPY),
	RULE(dup3, 1, RIGHT_NEVER),
	RULE(accept, 0, RIGHT_COPY), /* the connection gets the listener's rights */
	RULE(accept4, 0, RIGHT_COPY),
	RULE(pidfd_getfd, 0, RIGHT_NEVER), /* takes a copy out of another process */
	RULE(pidfd_getfd, 1, RIGHT_NEVER), /* also works on the caller's own pidfd */

	/* Data moved between two descriptors. */
	RULE(sendfile, 0, CAP_WRITE),
	RULE(sendfile, 1, CAP_PREAD),
	RULE(splice, 0, CAP_READ),
	RULE_IF(splice, 0, WHEN_PTR_SET, 1, 0, CAP_SEEK),
	RULE(splice, 2, CAP_WRITE),
	RULE_IF(splice, 2, WHEN_PTR_SET, 3, 0, CAP_SEEK),
	RULE(copy_file_range, 0, CAP_READ),
	RULE_IF(copy_file_range, 0, WHEN_PTR_SET, 1, 0, CAP_SEEK),
	RULE(copy_file_range, 2, CAP_WRITE),
	RULE_IF(copy_file_range, 2, WHEN_PTR_SET, 3, 0, CAP_SEEK),
	RULE(tee, 0, CAP_READ),
	RULE(tee, 1, CAP_WRITE),
	RULE(vmsplice, 0, CAP_READ | CAP_WRITE), /* direction is the pipe end's */
	/* ioctl(dst, FICLONE, src) reads src and replaces dst's data. */
	RULE_IF(ioctl, 2, WHEN_EQ, 1, FICLONE, CAP_READ),
	RULE_IF(ioctl, 0, WHEN_EQ, 1, FICLONE, CAP_WRITE),

	/* Sockets. */
	RULE(sendto, 0, CAP_SEND),
	RULE_IF(sendto, 0, WHEN_PTR_SET, 4, 0, CAP_CONNECT), /* explicit destination */
	/* The destination of sendmsg is in memory: assume there is one. */
	RULE(sendmsg, 0, CAP_SEND),
	RULE(sendmsg, 0, CAP_CONNECT),
	RULE(sendmmsg, 0, CAP_SEND),
	RULE(sendmmsg, 0, CAP_CONNECT),
	RULE(recvfrom, 0, CAP_RECV),
	RULE(recvmsg, 0, CAP_RECV),
	RULE(recvmmsg, 0, CAP_RECV),
	RULE(bind, 0, CAP_BIND),
	RULE(connect, 0, CAP_CONNECT),
	RULE(listen, 0, CAP_LISTEN),
	RULE(getsockname, 0, CAP_GETSOCKNAME),
	RULE(getpeername, 0, CAP_GETPEERNAME),
	RULE(getsockopt, 0, CAP_GETSOCKOPT),
	RULE(setsockopt, 0, CAP_SETSOCKOPT),
	RULE(shutdown, 0, CAP_SHUTDOWN),

	/* Event sources: epoll plays kqueue's part. */
	RULE(epoll_ctl, 0, CAP_KQUEUE_CHANGE),
	RULE(epoll_ctl, 2, CAP_EVENT),
	RULE(epoll_wait, 0, CAP_KQUEUE_EVENT),
	RULE(epoll_pwait, 0, CAP_KQUEUE_EVENT),
	RULE(epoll_pwait2, 0, CAP_KQUEUE_EVENT),
	RULE(inotify_add_watch, 0, CAP_INOTIFY_ADD),
	RULE(inotify_rm_watch, 0, CAP_INOTIFY_RM),
	RULE(fanotify_mark, 0, CAP_INOTIFY_ADD),
	RULE(timerfd_settime, 0, CAP_WRITE), /* as FreeBSD's timerfd */
	RULE(timerfd_gettime, 0, CAP_READ),
	RULE(signalfd, 0, CAP_FCNTL), /* changes an existing signalfd's mask */
	RULE(signalfd4, 0, CAP_FCNTL),
	RULE(mq_timedsend, 0, CAP_WRITE),
	RULE(mq_timedreceive, 0, CAP_READ),
	RULE(mq_notify, 0, CAP_EVENT),
	RULE(mq_getsetattr, 0, CAP_EVENT),

	/* Process descriptors (pidfds). */
	RULE(pidfd_send_signal, 0, CAP_PDKILL),
	RULE_IF(waitid, 1, WHEN_EQ, 0, P_PIDFD, CAP_PDWAIT),
	RULE(process_madvise, 0, CAP_PDKILL),
	RULE(process_mrelease, 0, CAP_PDKILL),

	/* Operations with no Capsicum counterpart that should not use a limited descriptor. */
	RULE(setns, 0, RIGHT_NEVER),
	RULE(fsmount, 0, RIGHT_NEVER),
	RULE(fsconfig, 0, RIGHT_NEVER),
	RULE(finit_module, 0, RIGHT_NEVER),
	RULE(kexec_file_load, 0, RIGHT_NEVER),
	RULE(kexec_file_load, 1, RIGHT_NEVER),
	RULE(quotactl_fd, 0, RIGHT_NEVER),
	RULE(perf_event_open, 3, RIGHT_NEVER), /* group leader */
};
/* clang-format on */

const unsigned fd_rules_count = ARRAY_SIZE(fd_rules);
