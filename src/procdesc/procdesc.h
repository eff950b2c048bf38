/*
 * Process descriptors (pdfork(2)).  From Linux 7.1 the kernel makes them
 * (native.c: the descriptor is a pidfd that kills on its last close);
 * elsewhere, and where it cannot be asked (below), they are emulated.
 *
 * The descriptor is one end (D) of a unix stream socketpair; the child
 * holds the other end (C) and has armed it so that the kernel sends it
 * SIGKILL when D's open file description goes away -- the last close, in
 * whatever process held the last copy (F_SETOWN to itself, F_SETSIG
 * SIGKILL, O_ASYNC: the peer's close is a POLL_HUP event on C).  The
 * child's exit closes C, so D polls POLLHUP.  D is shut for writing
 * before the child arms C: nothing can ever arrive on C but the hang-up.
 * The child is made by clone(CLONE_PIDFD) with no exit signal: no
 * SIGCHLD, and wait(-1) does not see it.
 *
 * The creating process keeps the pidfd in a table, by D's number and
 * identity; children made by fork inherit it.  A process that got D by
 * exec or SCM_RIGHTS finds the child's pid in D itself (SO_RCVLOWAT) and
 * D's mark (SO_PEEK_OFF).
 */
#ifndef CAPSICUM_PROCDESC_H
#define CAPSICUM_PROCDESC_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <sys/caprights.h>

#include "../internal.h"

/* Linux 5.4; glibc's headers name it in an enum only from 2.36. */
#define PD_P_PIDFD 3

/* D's mark: SO_PEEK_OFF of a process descriptor ("pdfd"). */
#define PD_MARK 0x70646664

struct pd {
	int fd; /* D's number, -1 once it no longer holds D */
	dev_t dev;
	ino_t ino;
	pid_t pid;
	int pidfd;   /* -1 for a descriptor this process did not make, or a native one */
	bool native; /* D is the kernel's pidfd (native.c) */
	bool reaped;
};

/* pidfs's magic (fstatfs): the kernel's process descriptors are its files. */
#define PD_PIDFS_MAGIC 0x50494446

/*
 * struct pidfd_info as first published (PIDFD_INFO_SIZE_VER0, Linux 6.13;
 * exit_code is filled from 6.15), and PIDFD_GET_INFO with it.
 */
struct pd_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PD_INFO_PID   1ULL
#define PD_INFO_CREDS 2ULL
#define PD_INFO_EXIT  8ULL
#define PD_GET_INFO   0xc040ff0bu /* _IOWR(0xFF, 11, struct pd_pidfd_info) */

/* Whether fd holds a process descriptor; fills *out (pidfd -1 if not ours). */
CAPSICUM_HIDDEN bool pd_lookup(int fd, struct pd *out);

/* Whether pid, found in descriptor fd, names the child behind it (table.c). */
CAPSICUM_HIDDEN bool pd_verify(int fd, pid_t pid);

/* Record D (fd), made by this process for child pid with pidfd (-1: native). */
CAPSICUM_HIDDEN int pd_add(int fd, pid_t pid, int pidfd, bool native);

/*
 * clone3 making a native process descriptor (native.c): the child's pid
 * and *dp in the parent, 0 in the child, -ENOSYS where the kernel cannot
 * make one for this process (the emulation then), or another -errno.
 */
CAPSICUM_HIDDEN int pd_native_fork(int flags, int *dp);

/* Whether fd is a pidfd: 0 and its pid, or -errno (native.c). */
CAPSICUM_HIDDEN int pd_native_pid(int fd, pid_t *pid);

/*
 * The exit of the child behind pidfd fd, waiting up to block_ms (-1:
 * for ever): 1 and its wait(2) status, 0 while it runs, or -errno.
 */
CAPSICUM_HIDDEN int pd_native_exit(int fd, int block_ms, int *status);

/* The child pid has been waited for. */
CAPSICUM_HIDDEN void pd_reaped(pid_t pid);

/* Reap children whose descriptors are all closed and who have exited. */
CAPSICUM_HIDDEN void pd_sweep(void);

/* A process descriptor's stat as FreeBSD gives it, from the socket's (fstat). */
CAPSICUM_HIDDEN void pd_fix_stat(int fd, struct stat *sb);

/*
 * Before fd is limited to rights: if it is a process descriptor, adjust
 * rights to what the socket underneath must keep and lose, and if it is
 * one of ours, limit the pidfd behind it to what rights allow (CAP_PDKILL,
 * CAP_PDWAIT), so that the pidfd is no way around the limit.  Every copy
 * of the descriptor in this process shares that pidfd.  0 or -errno.
 */
CAPSICUM_HIDDEN int pd_limit(int fd, cap_rights_t *rights);

/* The table's lock, and its state in a child made by clone while it was held. */
CAPSICUM_HIDDEN void pd_lock(void);
CAPSICUM_HIDDEN void pd_unlock(void);
CAPSICUM_HIDDEN void pd_child_reset(void);

/* In the supervisor: none of the program's descriptors are its own. */
CAPSICUM_HIDDEN void pd_forget(void);

#endif
