/*
 * No other process may share the descriptor table of a process that holds
 * limits or is in capability mode.  The supervisor judges a number and may
 * let the call continue (fexecve, copies, lookups outside capability
 * mode); the kernel then takes the number's file again.  A thread cannot
 * swap it meanwhile (the supervisor counts them), but a process made by
 * clone(CLONE_FILES) before the first filter -- every filter refuses such
 * clones afterwards -- could: an independent review ran a script and the
 * dynamic loader from capability mode that way, the sharer swapping the
 * file with close() and recvmsg(MSG_PEEK).
 *
 * So before the first filter the table is made private: a process with one
 * thread unshares it (a copy if it was shared, nothing otherwise); one with
 * more, whose threads must keep sharing it, looks for another process
 * holding the same table (kcmp over /proc) and is refused (EBUSY), and so
 * is one that cannot look (no descriptors left).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/single_threaded.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/kcmp.h>

#include "../supervisor/ctl.h"
#include "install.h"

/* Once per process: children of fork() have tables of their own. */
static bool private_table;

/* The calling process's number of threads (/proc/self/stat), or -1. */
static long thread_count(void)
{
	char buf[1024], *p;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* "pid (comm) state ppid ... num_threads": the 18th field after comm */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	while (*p && field < 18)
		if (*p++ == ' ')
			field++;
	return field == 18 ? strtol(p, NULL, 10) : -1;
}

/* Whether this process is marked as in capability mode (capmode/enter.c). */
static bool marked(void)
{
	struct rlimit lim;

	return getrlimit(RLIMIT_RTTIME, &lim) == 0 && lim.rlim_max <= CAPMODE_MARK;
}

/* 0 if no other process holds this one's table, -EBUSY if one does, or -errno. */
static int scan(void)
{
	pid_t self = getpid();
	struct dirent *e;
	int r = 0;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return -errno;
	/* A kernel without kcmp cannot tell: refused. */
	if (syscall(SYS_kcmp, self, self, KCMP_FILES, 0, 0) != 0) {
		closedir(d);
		return -EBUSY;
	}
	while (r == 0 && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end != '\0' || pid <= 0 || pid == self)
			continue;
		/*
		 * An error names a process that is gone, another user's, or a
		 * kernel thread (EPERM, EINVAL, EOPNOTSUPP by kernel): none can
		 * hold a table of ours, which only our own clones share.
		 */
		if (syscall(SYS_kcmp, self, (pid_t)pid, KCMP_FILES, 0, 0) == 0)
			r = -EBUSY;
	}
	closedir(d);
	return r;
}

int seccomp_private_table(void)
{
	int r;

	if (private_table)
		return 0;
	/*
	 * Marked: cap_enter ran this check before it set the mark, and its
	 * filters refuse tables shared with new processes since (this image
	 * may be a later exec, or a child, in capability mode).
	 */
	if (marked()) {
		private_table = true;
		return 0;
	}
	/*
	 * The C library knows when no thread was ever made, without a
	 * descriptor (a daemon may enter with RLIMIT_NOFILE at 0).  A thread
	 * made by a raw clone escapes it: the unshare then splits its table
	 * from this one's, which the supervisor's one_table() refuses.
	 */
	if ((__libc_single_threaded || thread_count() == 1) && unshare(CLONE_FILES) == 0) {
		private_table = true;
		return 0;
	}
	if ((r = scan()) == 0)
		private_table = true;
	return r;
}
