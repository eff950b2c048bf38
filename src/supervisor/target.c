#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "../procdesc/procdesc.h"
#include "ctl.h"
#include "target.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* Linux 6.9 */
#endif

/*
 * The status lines that decide what acting for the caller means: acting
 * with the supervisor's own credentials is only right when these match.
 */
static const char *const cred_keys[] = {"Uid:", "Gid:", "Groups:", "CapEff:"};
#define NCREDS    ARRAY_SIZE(cred_keys)
#define LINE_MAX_ 512

static char self_creds[NCREDS][LINE_MAX_];

/*
 * PIDFD_GET_INFO (Linux 6.13): a thread's user and group IDs in one ioctl,
 * against some 7 us for its /proc status.  Enough when the supervisor has
 * no capabilities: then no process it serves has any either (no_new_privs
 * forbids gaining them) nor other supplementary groups (changing them
 * takes CAP_SETGID), so equal IDs mean equal credentials.
 */
static bool self_unprivileged;
static struct stat self_userns;
static uint32_t self_ids[8];

/* The whole of an open /proc status file, from its start: 0 or -errno. */
static int read_status_fd(int fd, char *buf, size_t size)
{
	ssize_t n = 0, total = 0;

	while ((size_t)total < size - 1 &&
	       (n = pread(fd, buf + total, size - 1 - (size_t)total, total)) > 0)
		total += n;
	buf[total] = '\0';
	if (n < 0)
		return -errno;
	return total > 0 ? 0 : -ESRCH;
}

static int read_status(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = read_status_fd(fd, buf, size);
	close(fd);
	return r;
}

/* The rest of the line that starts with key, or NULL. */
static const char *field(const char *status, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = status; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0) {
			const char *end = strchrnul(p + klen, '\n');
			size_t len = (size_t)(end - (p + klen));

			if (len >= size)
				len = size - 1;
			memcpy(out, p + klen, len);
			out[len] = '\0';
			return out;
		}
	}
	return NULL;
}

/* The last number of a tab-separated list: the innermost namespace's ID. */
static long last_number(const char *s)
{
	const char *p = s + strlen(s);

	while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	while (p > s && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return strtol(p, NULL, 10);
}

static bool no_caps(const char *status)
{
	static const char *const keys[] = {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"};
	char buf[LINE_MAX_];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!field(status, keys[i], buf, sizeof(buf)) || strtoull(buf, NULL, 16) != 0)
			return false;
	return true;
}

int status_number(pid_t tid, const char *key, int base, unsigned long long *out)
{
	char path[64], status[4096], buf[LINE_MAX_];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((r = read_status(path, status, sizeof(status))) != 0)
		return r;
	if (!field(status, key, buf, sizeof(buf)))
		return -EIO;
	*out = strtoull(buf, NULL, base);
	return 0;
}

int target_init_self(void)
{
	char status[4096];
	int r = read_status("/proc/thread-self/status", status, sizeof(status));
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (r != 0)
		return r;
	for (size_t i = 0; i < NCREDS; i++)
		if (!field(status, cred_keys[i], self_creds[i], LINE_MAX_))
			return -EINVAL;
	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return -errno;
	/* setfsuid(-1) reports the current value and changes nothing */
	self_ids[0] = ru, self_ids[1] = eu, self_ids[2] = su;
	self_ids[3] = (uint32_t)setfsuid((uid_t)-1);
	self_ids[4] = rg, self_ids[5] = eg, self_ids[6] = sg;
	self_ids[7] = (uint32_t)setfsgid((gid_t)-1);
	self_unprivileged = no_caps(status);
	if (stat("/proc/thread-self/ns/user", &self_userns) != 0)
		return -errno;
	return 0;
}

/*
 * Whether the caller lives in the supervisor's user namespace.  A root
 * caller that moved into a namespace of its own reads the same IDs and
 * capability bits in its status, but its capabilities stop at that
 * namespace, where the supervisor's do not.
 */
static bool same_userns(const struct target *t)
{
	char path[64];
	struct stat sb;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)t->tid);
	return stat(path, &sb) == 0 && sb.st_dev == self_userns.st_dev &&
	       sb.st_ino == self_userns.st_ino;
}

/*
 * Capability mode: the hard RLIMIT_RTTIME at or below the mark.  When the
 * limit cannot be read, the caller is judged as in capability mode.
 */
static bool in_capmode(pid_t tid)
{
	struct rlimit lim;

	if (prlimit(tid, RLIMIT_RTTIME, NULL, &lim) != 0)
		return true;
	return lim.rlim_max <= CAPMODE_MARK;
}

/*
 * Each worker keeps, for the last few threads it served, the thread's
 * pidfd and its open /proc/TID/status, so that a caller's next request
 * opens neither again (about 0.8 and 2.5 us).  Only handles are kept,
 * never what was read through them: credentials, umask and IDs are read
 * anew for every request.
 *
 * Why a handle kept under a thread ID is safe: both name a struct pid,
 * which keeps its number for life and has at most one task, and no two
 * live tasks share a number.  So while the handle's task lives it is the
 * thread that now has the ID, and that is the caller, whose notification
 * is pending; once it is gone (exit, then the ID reused by another thread,
 * of this process, a fork child or anyone) it stays gone, and every use
 * fails with ESRCH instead of reaching someone else.  On ESRCH the handle
 * is replaced once by a fresh one and the operation repeated; the fresh
 * one answers for the caller as before.  (A thread that calls execve takes
 * over its leader's ID and struct pid: the handle kept under that ID now
 * names it, which is right, and the one under its old ID names the dying
 * leader.)  Per worker, so no other worker closes a handle in use; a
 * request is served on one worker from start to end.  At most
 * MAX_WORKERS * CACHED * 2 descriptors.
 */
#define CACHED 2

struct kept {
	pid_t tid; /* 0: free */
	int pidfd, status;
};

static __thread struct kept cache[CACHED] = {{0, -1, -1}, {0, -1, -1}};
static __thread unsigned cache_next;

static struct kept *cache_slot(pid_t tid)
{
	struct kept *c;

	for (int i = 0; i < CACHED; i++)
		if (cache[i].tid == tid)
			return &cache[i];
	c = &cache[cache_next++ % CACHED];
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->status >= 0)
		close(c->status);
	*c = (struct kept){tid, -1, -1};
	return c;
}

int target_load(struct target *t, int lfd, uint64_t id, pid_t tid)
{
	*t = (struct target){.lfd = lfd, .id = id, .tid = tid, .pidfd = -1};
	t->capmode = in_capmode(tid);
	t->cache = cache_slot(tid);
	t->pidfd = t->cache->pidfd;
	return 0;
}

int thread_pidfd(pid_t tid)
{
	/* The thread's own descriptor table and credentials, where the kernel can name them. */
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0)
		fd = (int)syscall(SYS_pidfd_open, tid, 0);
	return fd < 0 ? -errno : fd;
}

static int pidfd(struct target *t)
{
	if (t->pidfd < 0) {
		int fd = thread_pidfd(t->tid);

		if (fd < 0)
			return fd;
		t->pidfd = t->cache->pidfd = fd;
		t->pidfd_fresh = true;
	}
	return t->pidfd;
}

/*
 * After ESRCH on the pidfd: whether a fresh one may be tried.  Only a
 * kept one can be stale; a fresh one failing means the caller is gone.
 */
static bool renew_pidfd(struct target *t)
{
	if (t->pidfd < 0 || t->pidfd_fresh)
		return false;
	close(t->pidfd);
	t->pidfd = t->cache->pidfd = -1;
	return true;
}

/* The caller's status, through the kept descriptor (see above): 0 or -errno. */
static int read_caller_status(struct target *t, char *buf, size_t size)
{
	struct kept *c = t->cache;
	char path[64];
	int r;

	if (c->status >= 0) {
		if ((r = read_status_fd(c->status, buf, size)) != -ESRCH)
			return r;
		close(c->status); /* its thread is gone: the ID may be someone else's now */
		c->status = -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)t->tid);
	if ((c->status = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		c->status = -1;
		return -errno;
	}
	return read_status_fd(c->status, buf, size);
}

static int load_status(struct target *t)
{
	char status[4096], buf[LINE_MAX_];
	int r;

	if (t->status_read)
		return 0;
	if ((r = read_caller_status(t, status, sizeof(status))) != 0)
		return r;
	if (!field(status, "NStgid:", buf, sizeof(buf)))
		return -ESRCH;
	t->ns_tgid = (pid_t)last_number(buf);
	if (!field(status, "NSpid:", buf, sizeof(buf)))
		return -ESRCH;
	t->ns_tid = (pid_t)last_number(buf);
	if (!field(status, "Umask:", buf, sizeof(buf)))
		return -ESRCH;
	t->umask = (mode_t)strtol(buf, NULL, 8) & 0777;
	t->status_creds_match = true;
	for (size_t i = 0; i < NCREDS; i++)
		if (!field(status, cred_keys[i], buf, sizeof(buf)) ||
		    strcmp(buf, self_creds[i]) != 0)
			t->status_creds_match = false;
	t->status_read = true;
	return 0;
}

int target_check_creds(struct target *t)
{
	struct pd_pidfd_info info = {.mask = PD_INFO_CREDS};
	int fd, r;

	if (self_unprivileged && (fd = pidfd(t)) >= 0 &&
	    (ioctl(fd, PD_GET_INFO, &info) == 0 ||
	     (errno == ESRCH && renew_pidfd(t) && (fd = pidfd(t)) >= 0 &&
	      ioctl(fd, PD_GET_INFO, &info) == 0)) &&
	    (info.mask & PD_INFO_CREDS)) {
		uint32_t ids[8] = {info.ruid, info.euid, info.suid, info.fsuid,
		                   info.rgid, info.egid, info.sgid, info.fsgid};

		return memcmp(ids, self_ids, sizeof(ids)) == 0 ? 0 : -EACCES;
	}
	if ((r = load_status(t)) != 0)
		return r;
	/*
	 * Equal IDs and capability bits mean equal power only within one user
	 * namespace.  (Without capabilities the supervisor can do nothing a
	 * caller with its IDs could not, in whatever namespace: no check.)
	 */
	return t->status_creds_match && same_userns(t) ? 0 : -EACCES;
}

int target_family(struct target *t, pid_t *tgid, pid_t *ppid)
{
	struct pd_pidfd_info info = {0};
	char path[64], status[4096], buf[LINE_MAX_];
	int fd, r;

	if ((fd = pidfd(t)) >= 0 && (ioctl(fd, PD_GET_INFO, &info) == 0 ||
	                             (errno == ESRCH && renew_pidfd(t) && (fd = pidfd(t)) >= 0 &&
	                              ioctl(fd, PD_GET_INFO, &info) == 0))) {
		*tgid = (pid_t)info.tgid;
		*ppid = (pid_t)info.ppid;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)t->tid);
	if ((r = read_status(path, status, sizeof(status))) != 0)
		return r;
	if (!field(status, "Tgid:", buf, sizeof(buf)))
		return -ESRCH;
	*tgid = (pid_t)strtol(buf, NULL, 10);
	if (!field(status, "PPid:", buf, sizeof(buf)))
		return -ESRCH;
	*ppid = (pid_t)strtol(buf, NULL, 10);
	return target_valid(t) ? 0 : -ESRCH;
}

int target_umask(struct target *t)
{
	int r = load_status(t);

	return r < 0 ? r : (int)t->umask;
}

int target_ns_ids(struct target *t, pid_t *tgid, pid_t *tid)
{
	int r = load_status(t);

	if (r == 0) {
		*tgid = t->ns_tgid;
		*tid = t->ns_tid;
	}
	return r;
}

void target_release(struct target *t)
{
	t->pidfd = -1; /* kept in the worker's cache */
}

bool target_valid(const struct target *t)
{
	uint64_t id = t->id;

	return ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int target_getfd(struct target *t, int fd)
{
	for (;;) {
		int p = pidfd(t), r;

		if (p < 0)
			return p;
		if ((r = (int)syscall(SYS_pidfd_getfd, p, fd, 0)) >= 0)
			return r;
		if (errno != ESRCH || !renew_pidfd(t))
			return -errno;
	}
}

void target_signal(struct target *t, int sig)
{
	int p = pidfd(t);

	if (p < 0 || syscall(SYS_pidfd_send_signal, p, sig, NULL, 0) == 0 || errno != ESRCH)
		return;
	/* A stale kept pidfd may be replaced only while the caller still waits. */
	if (target_valid(t) && renew_pidfd(t) && (p = pidfd(t)) >= 0)
		(void)syscall(SYS_pidfd_send_signal, p, sig, NULL, 0);
}

int target_read(struct target *t, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int target_read_path(struct target *t, uint64_t addr, char *buf)
{
	size_t got = 0;
	long page = sysconf(_SC_PAGESIZE);

	/* Page by page: a path may end just before an unmapped page. */
	while (got < PATH_MAX) {
		uint64_t at = addr + got;
		size_t chunk = (size_t)(page - (long)(at % (uint64_t)page));
		char *nul;

		if (chunk > PATH_MAX - got)
			chunk = PATH_MAX - got;
		if (target_read(t, at, buf + got, chunk) != 0)
			return -EFAULT;
		nul = memchr(buf + got, '\0', chunk);
		if (nul)
			return 0;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

int target_write(struct target *t, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = {(void *)buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n;

	/*
	 * The thread ID must still be the caller's.  It can only stop being so
	 * if the caller is killed and the ID reused between this check and the
	 * write, a window of one system call.
	 */
	if (!target_valid(t))
		return -ESRCH;
	n = process_vm_writev(t->tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}
