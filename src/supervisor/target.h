/*
 * The process behind one notification, as the supervisor may know it.
 *
 * Everything here is read from the kernel, never taken from the caller:
 * who it is (the notification's thread ID), its credentials, umask and
 * pid-namespace IDs (/proc/TID/status), whether it is in capability mode
 * (its hard RLIMIT_RTTIME, ctl.h), its descriptors (pidfd_getfd) and its
 * memory (process_vm_readv, copied once).  A read is trusted only after
 * target_valid() confirms that the notification is still pending, that
 * is, that TID still names the thread that asked.
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
	pid_t tid;             /* in the supervisor's pid namespace */
	pid_t ns_tgid, ns_tid; /* in the caller's own, innermost, namespace */
	mode_t umask;
	bool same_creds; /* acting as the supervisor is acting as the caller */
	bool capmode;
	int pidfd; /* -1 until needed */
};

/* Fill t for notification (lfd, id, tid): 0 or -errno (ESRCH: gone). */
CAPSICUM_HIDDEN int target_load(struct target *t, int lfd, uint64_t id, pid_t tid);
CAPSICUM_HIDDEN void target_release(struct target *t);

/* The notification is still pending: earlier reads described the caller. */
CAPSICUM_HIDDEN bool target_valid(const struct target *t);

/* A copy of the caller's descriptor fd (close-on-exec), or -errno. */
CAPSICUM_HIDDEN int target_getfd(struct target *t, int fd);

/* Copy a NUL-terminated path of at most PATH_MAX bytes: 0 or -errno. */
CAPSICUM_HIDDEN int target_read_path(struct target *t, uint64_t addr, char *buf);
CAPSICUM_HIDDEN int target_read(struct target *t, uint64_t addr, void *buf, size_t len);
CAPSICUM_HIDDEN int target_write(struct target *t, uint64_t addr, const void *buf, size_t len);

/* Read the supervisor's own credentials once, before serving. */
CAPSICUM_HIDDEN int target_init_self(void);

#endif
