#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>

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

static int read_status(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size - 1 &&
	       (n = read(fd, buf + total, size - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total > 0 ? 0 : -ESRCH;
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

int target_init_self(void)
{
	char status[4096];
	int r = read_status("/proc/thread-self/status", status, sizeof(status));

	if (r != 0)
		return r;
	for (size_t i = 0; i < NCREDS; i++)
		if (!field(status, cred_keys[i], self_creds[i], LINE_MAX_))
			return -EINVAL;
	return 0;
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

int target_load(struct target *t, int lfd, uint64_t id, pid_t tid)
{
	char path[64], status[4096], buf[LINE_MAX_];

	*t = (struct target){.lfd = lfd, .id = id, .tid = tid, .pidfd = -1};
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_status(path, status, sizeof(status)) != 0)
		return -ESRCH;
	if (!field(status, "NStgid:", buf, sizeof(buf)))
		return -ESRCH;
	t->ns_tgid = (pid_t)last_number(buf);
	if (!field(status, "NSpid:", buf, sizeof(buf)))
		return -ESRCH;
	t->ns_tid = (pid_t)last_number(buf);
	if (!field(status, "Umask:", buf, sizeof(buf)))
		return -ESRCH;
	t->umask = (mode_t)strtol(buf, NULL, 8) & 0777;
	t->same_creds = true;
	for (size_t i = 0; i < NCREDS; i++)
		if (!field(status, cred_keys[i], buf, sizeof(buf)) ||
		    strcmp(buf, self_creds[i]) != 0)
			t->same_creds = false;
	t->capmode = in_capmode(tid);
	return 0;
}

void target_release(struct target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
}

bool target_valid(const struct target *t)
{
	uint64_t id = t->id;

	return ioctl(t->lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int target_getfd(struct target *t, int fd)
{
	int r;

	if (t->pidfd < 0) {
		/* The thread's own descriptor table, where the kernel can name it. */
		t->pidfd = (int)syscall(SYS_pidfd_open, t->tid, PIDFD_THREAD);
		if (t->pidfd < 0)
			t->pidfd = (int)syscall(SYS_pidfd_open, t->tid, 0);
		if (t->pidfd < 0)
			return -errno;
	}
	r = (int)syscall(SYS_pidfd_getfd, t->pidfd, fd, 0);
	return r < 0 ? -errno : r;
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
	ssize_t n = process_vm_writev(t->tid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}
