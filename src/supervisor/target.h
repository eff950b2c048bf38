/*
 * The process behind one notification, as the supervisor may know it.
 *
 * Everything here is read from the kernel, never taken from the caller:
 * who it is (the notification's thread ID), whether it is in capability
 * mode (its hard RLIMIT_RTTIME, ctl.h), its credentials (PIDFD_GET_INFO or
 * /proc/TID/status), umask and pid-namespace IDs (/proc/TID/status), its
 * descriptors (pidfd_getfd) and its memory (process_vm_readv, copied
 * once).  What costs a /proc read is read only when a call needs it.  A
 * read is trusted only after target_valid() confirms that the notification
 * is still pending, that is, that TID still names the thread that asked.
 */
#ifndef CAPSICUM_SUPERVISOR_TARGET_H
#define CAPSICUM_SUPERVISOR_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/seccomp.h>

#include "../internal.h"

struct target {
	int lfd;
	uint64_t id;
	pid_t tid; /* in the supervisor's pid namespace */
	bool capmode;
	int pidfd;          /* the thread's, -1 until needed */
	bool pidfd_fresh;   /* opened for this request, not kept from an earlier one */
	struct kept *cache; /* the worker's handles for this thread (target.c) */
	/* From /proc/TID/status, when status_read: */
	bool status_read, status_creds_match;
	pid_t ns_tgid, ns_tid; /* in the caller's own, innermost, namespace */
	mode_t umask;
};

/* Fill t for notification (lfd, id, tid): 0 or -errno (ESRCH: gone). */
CAPSICUM_HIDDEN int target_load(struct target *t, int lfd, uint64_t id, pid_t tid);
CAPSICUM_HIDDEN void target_release(struct target *t);

/*
 * Whether acting with the supervisor's credentials is acting with the
 * caller's: its user and group IDs, supplementary groups and capabilities
 * are the supervisor's.  0 if so, -EACCES if not, another -errno when it
 * cannot be told.
 */
CAPSICUM_HIDDEN int target_check_creds(struct target *t);

/* The caller's process ID and its parent's, in the supervisor's namespace: 0 or -errno. */
CAPSICUM_HIDDEN int target_family(struct target *t, pid_t *tgid, pid_t *ppid);

/* The caller's umask, or -errno. */
CAPSICUM_HIDDEN int target_umask(struct target *t);

/* The caller's process and thread IDs in its own pid namespace: 0 or -errno. */
CAPSICUM_HIDDEN int target_ns_ids(struct target *t, pid_t *tgid, pid_t *tid);

/* The notification is still pending: earlier reads described the caller. */
CAPSICUM_HIDDEN bool target_valid(const struct target *t);

/* A copy of the caller's descriptor fd (close-on-exec), or -errno. */
CAPSICUM_HIDDEN int target_getfd(struct target *t, int fd);

/*
 * Send sig to the calling thread (its process before Linux 6.9), as the
 * kernel raises SIGPIPE.  The thread pidfd is the caller's even after the
 * answer once it was used while the notification was pending (a pidfd
 * kept from an earlier request is either the caller's or names a thread
 * that is gone, target.c): call target_getfd() first.
 */
CAPSICUM_HIDDEN void target_signal(struct target *t, int sig);

/* Copy a NUL-terminated path of at most PATH_MAX bytes: 0 or -errno. */
CAPSICUM_HIDDEN int target_read_path(struct target *t, uint64_t addr, char *buf);
CAPSICUM_HIDDEN int target_read(struct target *t, uint64_t addr, void *buf, size_t len);
CAPSICUM_HIDDEN int target_write(struct target *t, uint64_t addr, const void *buf, size_t len);

/* A pidfd for thread tid (its own table), or its process before Linux 6.9: fd or -errno. */
CAPSICUM_HIDDEN int thread_pidfd(pid_t tid);

/*
 * The number after key ("PPid:", "Threads:", "SigCgt:") in
 * /proc/TID/status, in base: 0 or -errno.
 */
CAPSICUM_HIDDEN int status_number(pid_t tid, const char *key, int base, unsigned long long *out);

/* Read the supervisor's own credentials once, before serving. */
CAPSICUM_HIDDEN int target_init_self(void);

#endif
